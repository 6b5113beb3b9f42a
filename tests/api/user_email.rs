//! Issue 14 (R-REMIND, R-PII): the e-mail address reminders go to — given when the admin
//! creates the user, set or cleared by the user (API and 账号设置 page), audited with the
//! address masked, and shown only to the admin and the user themself.

use crate::{
    helpers::{ADMIN, PASSWORD, TestApp, assert_error},
    web_pages::{Web, logged_in, user},
};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

async fn create(app: &TestApp, username: &str, email: Value) -> (StatusCode, Value) {
    app.post(
        "/api/v1/users",
        &app.admin,
        json!({"username": username, "password": PASSWORD, "display_name": "测试用户",
               "role": "finance", "email": email}),
    )
    .await
}

async fn audit_after(app: &TestApp, user_id: i64, action: &str) -> Value {
    let (s, v) = app
        .get(
            &format!("/api/v1/audit?entity=user&entity_id={user_id}&per_page=50"),
            &app.admin,
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    v["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["action"] == action)
        .unwrap_or_else(|| panic!("an audit entry {action}: {v}"))["after"]
        .clone()
}

/// Issue 14: `email` on POST /users is stored (trimmed), shown to the admin and to the user,
/// and audited with the address masked.
#[tokio::test]
async fn a_user_created_with_an_email_has_it_and_the_audit_masks_it() {
    let app = TestApp::spawn().await;
    let (s, v) = create(&app, "cashier_wang", json!("  wang.cashier@example.cn ")).await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    assert_eq!(v["email"], "wang.cashier@example.cn");
    let id = v["id"].as_i64().unwrap();

    let (_, list) = app.get("/api/v1/users?per_page=500", &app.admin).await;
    let row = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["id"] == id)
        .unwrap()
        .clone();
    assert_eq!(row["email"], "wang.cashier@example.cn", "the admin sees it");

    let token = app.login("cashier_wang", PASSWORD).await;
    let (_, me) = app.get("/api/v1/me", &token).await;
    assert_eq!(
        me["user"]["email"], "wang.cashier@example.cn",
        "the user sees their own"
    );

    let after = audit_after(&app, id, "create").await;
    assert_eq!(after["email"], "w***@example.cn", "{after}");
    let (_, all) = app.get("/api/v1/audit?per_page=500", &app.admin).await;
    assert!(
        !all.to_string().contains("wang.cashier@"),
        "the full address is in no audit row"
    );

    // The user changes it; that change is audited, masked, too.
    let (s, v) = app
        .call(
            Method::PUT,
            "/api/v1/me/email",
            Some(&token),
            Some(json!({"email": "cashier.w@example.cn"})),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let after = audit_after(&app, id, "set_email").await;
    assert_eq!(after["email"], "c***@example.cn");
}

/// Issue 14: no address, null and an empty or blank one all mean the inbox only.
#[tokio::test]
async fn an_empty_or_missing_email_means_none() {
    let app = TestApp::spawn().await;
    for (name, email) in [
        ("no_mail_null", json!(null)),
        ("no_mail_empty", json!("")),
        ("no_mail_blank", json!("   ")),
    ] {
        let (s, v) = create(&app, name, email).await;
        assert_eq!(s, StatusCode::CREATED, "{v}");
        assert_eq!(v["email"], Value::Null, "{name}");
    }
    let (s, v) = app
        .post(
            "/api/v1/users",
            &app.admin,
            json!({"username": "no_mail_absent", "password": PASSWORD, "display_name": "测试用户",
                   "role": "finance"}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    assert_eq!(v["email"], Value::Null);
}

/// Issue 14, R-ERR: a malformed or over-long address on POST /users is 422 `invalid_email` on
/// `email`, and no user is created.
#[tokio::test]
async fn a_bad_email_on_user_creation_is_refused() {
    let app = TestApp::spawn().await;
    let long = format!("{}@example.cn", "a".repeat(250));
    for bad in [
        "no-at-sign",
        "a@b",
        "two@at@example.cn",
        "a@example.cn, b@example.cn",
        &long,
    ] {
        let r = create(&app, "bad_mail", json!(bad)).await;
        assert_error(&r, 422, "invalid_email");
        assert_eq!(r.1["field"], "email");
    }
    let (s, v) = create(&app, "bad_mail", json!("ok@example.cn")).await;
    assert_eq!(s, StatusCode::CREATED, "the name stayed free: {v}");
}

/// Issue 14, R-PII: another user's address is shown to no role but the admin: the users list
/// is the admin's only, and `/me` is the caller's own.
#[tokio::test]
async fn another_users_email_is_not_shown_to_other_roles() {
    let app = TestApp::spawn().await;
    let district = app.create_unit("district", None).await;
    let unit = app.create_unit("society", Some(district)).await;
    let team = app.create_team(unit).await;
    let (s, v) = app
        .post(
            "/api/v1/users",
            &app.admin,
            json!({"username": "team_mail", "password": PASSWORD, "display_name": "队长",
                   "role": "team", "team_id": team, "email": "captain@example.cn"}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let captain = app.login("team_mail", PASSWORD).await;
    for (role, unit_id) in [
        ("unit", Some(unit)),
        ("district", Some(district)),
        ("expert", Some(unit)),
        ("finance", None),
    ] {
        let (_, token) = app.user(role, unit_id, None).await;
        let r = app.get("/api/v1/users", &token).await;
        assert_error(&r, 403, "forbidden");
        let (_, me) = app.get("/api/v1/me", &token).await;
        assert_eq!(me["user"]["email"], Value::Null, "{role} sees its own (none)");
        for path in ["/api/v1/teams", &format!("/api/v1/teams/{team}")] {
            let (_, v) = app.get(path, &token).await;
            assert!(!v.to_string().contains("captain@"), "{role} {path}: {v}");
        }
    }
    let (_, other_team) = app.team_with_user(unit).await;
    let (_, me) = app.get("/api/v1/me", &other_team).await;
    assert_eq!(me["user"]["email"], Value::Null);
    let (_, me) = app.get("/api/v1/me", &captain).await;
    assert_eq!(me["user"]["email"], "captain@example.cn");
}

/// Issue 14, R-WEB: 账号设置 sets the address, shows a bad one refused in Chinese under the
/// field (the typed text kept), and clears it.
#[tokio::test]
async fn the_account_page_sets_refuses_and_clears_the_email() {
    let app = TestApp::spawn().await;
    user(&app, "page_mail", "finance", None, None).await;
    let mut w = logged_in(&app, "page_mail").await;
    let p = w.get("/account/password").await;
    assert_eq!(p.status, StatusCode::OK);
    assert!(p.body.contains("提醒邮箱") && p.body.contains("data-testid=\"save-email\""));
    assert!(
        !p.body.contains("data-testid=\"clear-email\""),
        "nothing to clear yet"
    );

    let p = w.post("/account/email", &[("email", "not an address")]).await;
    assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        p.body.contains("data-testid=\"error-email\">电子邮箱格式不正确"),
        "{}",
        p.body
    );
    assert!(
        p.body.contains("value=\"not an address\""),
        "the typed text is kept"
    );

    let p = w
        .post("/account/email", &[("email", "page.mail@example.cn")])
        .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER);
    let p = w.get(p.location.as_deref().unwrap()).await;
    assert!(p.body.contains("data-testid=\"email-saved\""));
    assert!(p.body.contains("value=\"page.mail@example.cn\""));
    let token = app.login("page_mail", PASSWORD).await;
    let (_, me) = app.get("/api/v1/me", &token).await;
    assert_eq!(me["user"]["email"], "page.mail@example.cn");

    let p = w
        .post(
            "/account/email",
            &[("email", "page.mail@example.cn"), ("clear", "1")],
        )
        .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER);
    let (_, me) = app.get("/api/v1/me", &token).await;
    assert_eq!(me["user"]["email"], Value::Null);
}

/// Issue 14, R-WEB: the admin's 新建用户 form takes the optional address; a bad one is shown
/// under the field.
#[tokio::test]
async fn the_admin_user_form_takes_an_optional_email() {
    let app = TestApp::spawn().await;
    let mut w = Web::new(&app).await;
    let p = w.login(ADMIN.0, ADMIN.1).await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.body);
    assert_eq!(w.get("/admin/users").await.status, StatusCode::OK);
    let form = |name: &'static str, email: &'static str| {
        vec![
            ("username", name),
            ("display_name", "出纳"),
            ("password", "Amber-Falcon-Meadow-31"),
            ("role", "finance"),
            ("email", email),
        ]
    };
    let p = w.post("/admin/users", &form("form_mail_bad", "bad@")).await;
    assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(p.body.contains("data-testid=\"error-email\">电子邮箱格式不正确"));
    let p = w
        .post("/admin/users", &form("form_mail", "form.mail@example.cn"))
        .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.body);
    let p = w.get(p.location.as_deref().unwrap()).await;
    assert!(
        p.body.contains("form.mail@example.cn"),
        "shown in the admin's list"
    );
    let p = w.post("/admin/users", &form("form_no_mail", "")).await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.body);
}
