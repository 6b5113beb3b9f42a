//! Accounts: login, logout, /me, users, roles (R-AUTHZ, R-PII).

use crate::helpers::{ADMIN, PASSWORD, TestApp, assert_error};
use reqwest::{Method, StatusCode};
use serde_json::json;

#[tokio::test]
async fn login_returns_a_token_that_opens_me_and_logout_revokes_it() {
    let app = TestApp::spawn().await;
    let (s, v) = app
        .call(
            Method::POST,
            "/api/v1/auth/login",
            None,
            Some(json!({"username": ADMIN.0, "password": ADMIN.1})),
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    assert!(v["expires_at"].as_str().unwrap().ends_with("+08:00"));
    assert_eq!(v["user"]["role"], "admin");
    assert!(v["user"].get("password").is_none() && v["user"].get("password_hash").is_none());
    let token = v["token"].as_str().unwrap().to_owned();

    let (s, me) = app.get("/api/v1/me", &token).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(me["user"]["username"], ADMIN.0);

    let (s, _) = app.post("/api/v1/auth/logout", &token, json!({})).await;
    assert_eq!(s, StatusCode::NO_CONTENT);
    assert_error(&app.get("/api/v1/me", &token).await, 401, "unauthorized");
}

#[tokio::test]
async fn wrong_password_is_invalid_credentials() {
    let app = TestApp::spawn().await;
    let r = app
        .call(
            Method::POST,
            "/api/v1/auth/login",
            None,
            Some(json!({"username": ADMIN.0, "password": "nope-nope-nope"})),
        )
        .await;
    assert_error(&r, 401, "invalid_credentials");
    let r = app
        .call(
            Method::POST,
            "/api/v1/auth/login",
            None,
            Some(json!({"username": "ghost", "password": "nope-nope-nope"})),
        )
        .await;
    assert_error(&r, 401, "invalid_credentials");
}

#[tokio::test]
async fn repeated_failures_are_refused_for_a_while() {
    let app = TestApp::spawn().await;
    let body = json!({"username": ADMIN.0, "password": "wrong-password"});
    for _ in 0..5 {
        let r = app
            .call(Method::POST, "/api/v1/auth/login", None, Some(body.clone()))
            .await;
        assert_error(&r, 401, "invalid_credentials");
    }
    let r = app
        .call(Method::POST, "/api/v1/auth/login", None, Some(body))
        .await;
    assert_error(&r, 429, "too_many_attempts");
    // Even the right password is refused during the lock (from this address) …
    let right = json!({"username": ADMIN.0, "password": ADMIN.1});
    let r = app
        .call(Method::POST, "/api/v1/auth/login", None, Some(right.clone()))
        .await;
    assert_error(&r, 429, "too_many_attempts");
    // … and accepted once it has passed.
    app.advance(chrono::Duration::minutes(16));
    let (s, _) = app
        .call(Method::POST, "/api/v1/auth/login", None, Some(right))
        .await;
    assert_eq!(s, StatusCode::OK);
}

#[tokio::test]
async fn tokens_expire_after_twelve_hours() {
    let app = TestApp::spawn_with(Default::default(), Some(12)).await;
    let token = app.login(ADMIN.0, ADMIN.1).await;
    app.advance(chrono::Duration::hours(12) + chrono::Duration::minutes(1));
    assert_error(&app.get("/api/v1/me", &token).await, 401, "unauthorized");
}

#[tokio::test]
async fn admin_creates_users_of_each_role() {
    let app = TestApp::spawn().await;
    let district = app.create_unit("district", None).await;
    let unit = app.create_unit("university", Some(district)).await;
    let team = app.create_team(unit).await;
    for (role, unit_id, team_id) in [
        ("finance", None, None),
        ("expert", Some(unit), None),
        ("unit", Some(unit), None),
        ("district", Some(district), None),
        ("team", None, Some(team)),
        ("admin", None, None),
    ] {
        let (_, token) = app.user(role, unit_id, team_id).await;
        let (_, me) = app.get("/api/v1/me", &token).await;
        assert_eq!(me["user"]["role"], role);
    }
    let (s, list) = app.get("/api/v1/users", &app.admin).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(list["total"], 7);
    assert!(
        list["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|u| u.get("password_hash").is_none())
    );
}

#[tokio::test]
async fn user_creation_rules() {
    let app = TestApp::spawn().await;
    let unit = app.create_unit("society", None).await;
    let base = json!({"username": "expert_a", "password": PASSWORD, "display_name": "专家", "role": "expert", "unit_id": unit});
    assert_eq!(
        app.post("/api/v1/users", &app.admin, base.clone()).await.0,
        StatusCode::CREATED
    );
    assert_error(
        &app.post("/api/v1/users", &app.admin, base.clone()).await,
        409,
        "username_taken",
    );

    let mut weak = base.clone();
    weak["username"] = json!("expert_b");
    weak["password"] = json!("short");
    let r = app.post("/api/v1/users", &app.admin, weak).await;
    assert_error(&r, 422, "weak_password");
    assert_eq!(r.1["field"], "password");

    let no_team = json!({"username": "team_x", "password": PASSWORD, "display_name": "队", "role": "team"});
    let r = app.post("/api/v1/users", &app.admin, no_team).await;
    assert_error(&r, 422, "invalid_value");
    assert_eq!(r.1["field"], "team_id");

    let bad_role = json!({"username": "x_y", "password": PASSWORD, "display_name": "x", "role": "root"});
    assert_error(
        &app.post("/api/v1/users", &app.admin, bad_role).await,
        400,
        "invalid_body",
    );
}

/// R-AUTHZ: 401 without a token, 403 for every role that may never manage users.
#[tokio::test]
async fn only_the_admin_manages_users() {
    let app = TestApp::spawn().await;
    let unit = app.create_unit("society", None).await;
    let district = app.create_unit("district", None).await;
    let team = app.create_team(unit).await;
    let r = app.call(Method::GET, "/api/v1/users", None, None).await;
    assert_error(&r, 401, "unauthorized");
    let r = app
        .call(Method::GET, "/api/v1/users", Some("zh_forged"), None)
        .await;
    assert_error(&r, 401, "unauthorized");
    for (role, u, t) in [
        ("finance", None, None),
        ("expert", Some(unit), None),
        ("unit", Some(unit), None),
        ("district", Some(district), None),
        ("team", None, Some(team)),
    ] {
        let (_, token) = app.user(role, u, t).await;
        assert_error(&app.get("/api/v1/users", &token).await, 403, "forbidden");
        let body = json!({"username": "zz_z", "password": PASSWORD, "display_name": "x", "role": "admin"});
        assert_error(&app.post("/api/v1/users", &token, body).await, 403, "forbidden");
        assert_error(&app.get("/api/v1/audit", &token).await, 403, "forbidden");
    }
}
