//! Account life-cycle (R-ACCOUNT): password change, disable and enable, reset with a forced
//! change, logout everywhere, password strength, usernames unique ignoring case and width,
//! purging on a schedule; each administrative action audited.

use crate::helpers::{ADMIN, PASSWORD, TestApp, assert_error};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

async fn try_login(app: &TestApp, username: &str, password: &str) -> (StatusCode, Value) {
    app.call(
        Method::POST,
        "/api/v1/auth/login",
        None,
        Some(json!({"username": username, "password": password})),
    )
    .await
}

/// A finance user with a known username: (id, username).
async fn finance(app: &TestApp) -> (i64, String) {
    let username = app.unique("cashier_");
    let (s, v) = app
        .post(
            "/api/v1/users",
            &app.admin,
            json!({"username": username, "password": PASSWORD, "display_name": "出纳", "role": "finance"}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    (v["id"].as_i64().unwrap(), username)
}

async fn audit_actions(app: &TestApp, entity_id: i64) -> Vec<String> {
    let (s, v) = app
        .get(
            &format!("/api/v1/audit?entity=user&entity_id={entity_id}&per_page=500"),
            &app.admin,
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    v["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap().to_owned())
        .collect()
}

/// R-ACCOUNT: a user changes their password (204); their other sessions end, this one stays;
/// the old password stops working; a wrong current or weak new password is 422.
#[tokio::test]
async fn r_account_changing_the_password_ends_the_other_sessions() {
    let app = TestApp::spawn().await;
    let (id, name) = finance(&app).await;
    let here = app.login(&name, PASSWORD).await;
    let elsewhere = app.login(&name, PASSWORD).await;
    let r = app
        .post(
            "/api/v1/me/password",
            &here,
            json!({"current_password": "not-my-password-1", "new_password": "Quiet-Harbor-Lantern-42"}),
        )
        .await;
    assert_error(&r, 422, "wrong_password");
    assert_eq!(r.1["field"], "current_password");
    let r = app
        .post(
            "/api/v1/me/password",
            &here,
            json!({"current_password": PASSWORD, "new_password": "password123"}),
        )
        .await;
    assert_error(&r, 422, "weak_password");
    assert_eq!(r.1["field"], "new_password");
    assert!(
        r.1["message"].as_str().unwrap().starts_with("密码强度不足："),
        "{}",
        r.1
    );
    // The username itself is a weak password for this user.
    let r = app
        .post(
            "/api/v1/me/password",
            &here,
            json!({"current_password": PASSWORD, "new_password": format!("{name}{name}")}),
        )
        .await;
    assert_error(&r, 422, "weak_password");

    let (s, v) = app
        .post(
            "/api/v1/me/password",
            &here,
            json!({"current_password": PASSWORD, "new_password": "Quiet-Harbor-Lantern-42"}),
        )
        .await;
    assert_eq!(s, StatusCode::NO_CONTENT, "{v}");
    assert_eq!(app.get("/api/v1/me", &here).await.0, StatusCode::OK);
    assert_error(&app.get("/api/v1/me", &elsewhere).await, 401, "unauthorized");
    assert_error(
        &try_login(&app, &name, PASSWORD).await,
        401,
        "invalid_credentials",
    );
    assert_eq!(
        try_login(&app, &name, "Quiet-Harbor-Lantern-42").await.0,
        StatusCode::OK
    );
    assert!(
        audit_actions(&app, id)
            .await
            .contains(&"change_password".to_owned())
    );

    // Guessing the current password with a session is throttled like a login (R-THROTTLE).
    for _ in 0..5 {
        let r = app
            .post(
                "/api/v1/me/password",
                &here,
                json!({"current_password": "guess-guess-guess", "new_password": "Quiet-Harbor-Lantern-43"}),
            )
            .await;
        assert_error(&r, 422, "wrong_password");
    }
    let r = app
        .post(
            "/api/v1/me/password",
            &here,
            json!({"current_password": "Quiet-Harbor-Lantern-42", "new_password": "Quiet-Harbor-Lantern-43"}),
        )
        .await;
    assert_error(&r, 429, "too_many_attempts");
}

/// R-ACCOUNT: disabling ends the user's tokens at once; the right password then answers 403
/// `account_disabled`, a wrong one 401; enabling lets them back in. Audited.
#[tokio::test]
async fn r_account_a_disabled_user_is_out_at_once() {
    let app = TestApp::spawn().await;
    let (id, name) = finance(&app).await;
    let token = app.login(&name, PASSWORD).await;
    assert_eq!(app.get("/api/v1/me", &token).await.0, StatusCode::OK);
    // Only the admin may.
    assert_error(
        &app.post(&format!("/api/v1/users/{id}/disable"), &token, json!({}))
            .await,
        403,
        "forbidden",
    );
    let (s, v) = app
        .post(&format!("/api/v1/users/{id}/disable"), &app.admin, json!({}))
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["disabled"], true);
    assert_error(&app.get("/api/v1/me", &token).await, 401, "unauthorized");
    assert_error(&try_login(&app, &name, PASSWORD).await, 403, "account_disabled");
    assert_error(
        &try_login(&app, &name, "wrong-password-9").await,
        401,
        "invalid_credentials",
    );
    let (s, v) = app
        .post(&format!("/api/v1/users/{id}/enable"), &app.admin, json!({}))
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["disabled"], false);
    assert_eq!(try_login(&app, &name, PASSWORD).await.0, StatusCode::OK);
    // The old token stays dead.
    assert_error(&app.get("/api/v1/me", &token).await, 401, "unauthorized");
    let actions = audit_actions(&app, id).await;
    assert!(
        actions.contains(&"disable".to_owned()) && actions.contains(&"enable".to_owned()),
        "{actions:?}"
    );
    assert_error(
        &app.post("/api/v1/users/999999/disable", &app.admin, json!({}))
            .await,
        404,
        "not_found",
    );
}

/// R-ACCOUNT: the last active admin cannot be disabled (409 `last_admin`); with a second
/// admin it can.
#[tokio::test]
async fn r_account_the_last_active_admin_stays() {
    let app = TestApp::spawn().await;
    let (_, me) = app.get("/api/v1/me", &app.admin).await;
    let first = me["user"]["id"].as_i64().unwrap();
    assert_error(
        &app.post(&format!("/api/v1/users/{first}/disable"), &app.admin, json!({}))
            .await,
        409,
        "last_admin",
    );
    let (second, second_token) = app.user("admin", None, None).await;
    let (s, _) = app
        .post(
            &format!("/api/v1/users/{first}/disable"),
            &second_token,
            json!({}),
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    assert_error(
        &app.post(
            &format!("/api/v1/users/{second}/disable"),
            &second_token,
            json!({}),
        )
        .await,
        409,
        "last_admin",
    );
}

/// R-ACCOUNT: a reset answers a temporary password once and ends the user's sessions; logging in
/// with it, `must_change_password` is set and everything but /me, /me/password and logout
/// answers 403 `password_change_required` until the password is changed.
#[tokio::test]
async fn r_account_a_reset_forces_a_password_change() {
    let app = TestApp::spawn().await;
    let (id, name) = finance(&app).await;
    let old = app.login(&name, PASSWORD).await;
    let (s, v) = app
        .post(
            &format!("/api/v1/users/{id}/reset-password"),
            &app.admin,
            json!({}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let temporary = v["temporary_password"].as_str().unwrap().to_owned();
    assert!(temporary.len() >= 16);
    assert_error(&app.get("/api/v1/me", &old).await, 401, "unauthorized");
    assert_error(
        &try_login(&app, &name, PASSWORD).await,
        401,
        "invalid_credentials",
    );

    let (s, v) = try_login(&app, &name, &temporary).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["user"]["must_change_password"], true);
    let token = v["token"].as_str().unwrap().to_owned();
    let (s, me) = app.get("/api/v1/me", &token).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(me["user"]["must_change_password"], true);
    for path in ["/api/v1/cycles", "/api/v1/payouts", "/api/v1/units"] {
        assert_error(&app.get(path, &token).await, 403, "password_change_required");
    }
    let (s, _) = app
        .post(
            "/api/v1/me/password",
            &token,
            json!({"current_password": temporary, "new_password": "Velvet-Compass-Orchard-8"}),
        )
        .await;
    assert_eq!(s, StatusCode::NO_CONTENT);
    let (_, me) = app.get("/api/v1/me", &token).await;
    assert_eq!(me["user"]["must_change_password"], false);
    assert_eq!(app.get("/api/v1/cycles", &token).await.0, StatusCode::OK);
    assert!(
        audit_actions(&app, id)
            .await
            .contains(&"reset_password".to_owned())
    );

    // Logout stays open while a change is required.
    let (_, v) = app
        .post(
            &format!("/api/v1/users/{id}/reset-password"),
            &app.admin,
            json!({}),
        )
        .await;
    let t2 = app.login(&name, v["temporary_password"].as_str().unwrap()).await;
    assert_eq!(
        app.post("/api/v1/auth/logout", &t2, json!({})).await.0,
        StatusCode::NO_CONTENT
    );
    assert_error(&app.get("/api/v1/me", &t2).await, 401, "unauthorized");
}

/// R-ACCOUNT: logout-all ends every session of the caller (204); logout answers 204.
#[tokio::test]
async fn r_account_logout_all_ends_every_session() {
    let app = TestApp::spawn().await;
    let (_, name) = finance(&app).await;
    let a = app.login(&name, PASSWORD).await;
    let b = app.login(&name, PASSWORD).await;
    let (s, _) = app.post("/api/v1/auth/logout-all", &a, json!({})).await;
    assert_eq!(s, StatusCode::NO_CONTENT);
    assert_error(&app.get("/api/v1/me", &a).await, 401, "unauthorized");
    assert_error(&app.get("/api/v1/me", &b).await, 401, "unauthorized");
    // The admin's session is someone else's: untouched.
    assert_eq!(app.get("/api/v1/me", &app.admin).await.0, StatusCode::OK);
}

/// R-ACCOUNT: usernames are unique and matched ignoring case and width (NFKC).
#[tokio::test]
async fn r_account_usernames_are_unique_ignoring_case_and_width() {
    let app = TestApp::spawn().await;
    for taken in ["Admin", "ADMIN", "ＡＤＭＩＮ", " admin "] {
        let r = app
            .post(
                "/api/v1/users",
                &app.admin,
                json!({"username": taken, "password": PASSWORD, "display_name": "冒名", "role": "finance"}),
            )
            .await;
        assert_error(&r, 409, "username_taken");
        assert_eq!(r.1["field"], "username");
    }
    assert_eq!(try_login(&app, "ADMIN", ADMIN.1).await.0, StatusCode::OK);
    assert_eq!(try_login(&app, "ＡＤＭＩＮ", ADMIN.1).await.0, StatusCode::OK);
}

/// R-ACCOUNT: weak passwords are refused on create (422 `weak_password`, reason in Chinese).
#[tokio::test]
async fn r_account_weak_passwords_are_refused_on_create() {
    let app = TestApp::spawn().await;
    for weak in ["1234567890", "qwertyuiop", "zhangsan2024!"] {
        let r = app
            .post(
                "/api/v1/users",
                &app.admin,
                json!({"username": "zhangsan2024", "password": weak, "display_name": "张三", "role": "finance"}),
            )
            .await;
        assert_error(&r, 422, "weak_password");
        assert!(r.1["message"].as_str().unwrap().starts_with("密码强度不足："));
    }
}

/// R-ACCOUNT: expired sessions, revoked sessions and old idempotency keys are purged (the
/// service the scheduled task runs).
#[tokio::test]
async fn r_account_expired_sessions_and_idempotency_keys_are_purged() {
    use sea_orm::{EntityTrait, PaginatorTrait};
    let app = TestApp::spawn_with(Default::default(), Some(12)).await;
    let (_, name) = finance(&app).await;
    let revoked = app.login(&name, PASSWORD).await;
    app.post("/api/v1/auth/logout", &revoked, json!({})).await;
    let live = app.login(&name, PASSWORD).await;
    let admin = app.login(ADMIN.0, ADMIN.1).await;
    // One idempotency key, written straight into its table.
    use sea_orm::{ActiveModelTrait, Set};
    let (_, me) = app.get("/api/v1/me", &admin).await;
    entity::idempotency_keys::ActiveModel {
        user_id: Set(me["user"]["id"].as_i64().unwrap() as i32),
        idem_key: Set("k-1".into()),
        request_hash: Set("h".into()),
        response_status: Set(200),
        response_body: Set("{}".into()),
        created_at: Set(app.now()),
        ..Default::default()
    }
    .insert(&app.db)
    .await
    .unwrap();
    let sessions_before = entity::sessions::Entity::find().count(&app.db).await.unwrap();
    let p = zhihui::services::accounts::purge_expired(&app.state, app.now())
        .await
        .unwrap();
    assert_eq!(p.sessions, 1, "only the revoked one: {p:?}");
    assert_eq!(p.idempotency_keys, 0);
    assert_eq!(app.get("/api/v1/me", &live).await.0, StatusCode::OK);
    app.advance(chrono::Duration::hours(13));
    let p = zhihui::services::accounts::purge_expired(&app.state, app.now())
        .await
        .unwrap();
    assert_eq!(p.sessions, sessions_before - 1, "every expired one: {p:?}");
    assert_eq!(entity::sessions::Entity::find().count(&app.db).await.unwrap(), 0);
    app.advance(chrono::Duration::hours(72));
    let p = zhihui::services::accounts::purge_expired(&app.state, app.now())
        .await
        .unwrap();
    assert_eq!(p.idempotency_keys, 1);
}

fn between<'a>(body: &'a str, start: &str, end: &str) -> &'a str {
    let at = body.find(start).unwrap_or_else(|| panic!("{start} in {body}")) + start.len();
    &body[at..at + body[at..].find(end).unwrap()]
}

/// R-ACCOUNT, R-WEB: the admin resets a password through the pages (confirmation, the temporary
/// password shown once); the user is sent to 修改密码 until they change it there.
#[tokio::test]
async fn r_account_pages_reset_then_force_the_password_change() {
    use crate::web_pages::Web;
    let app = TestApp::spawn().await;
    let (id, name) = finance(&app).await;
    let mut admin = Web::new(&app).await;
    assert_eq!(admin.login(ADMIN.0, ADMIN.1).await.status, StatusCode::SEE_OTHER);
    let home = admin.get("/home").await;
    assert!(
        home.body.contains("href=\"/account/password\""),
        "the header links 修改密码"
    );
    let list = admin.get(&format!("/admin/users?q={name}")).await;
    assert!(list.body.contains(&format!("/admin/users/{id}/reset-password")));
    let confirm = admin.get(&format!("/admin/users/{id}/reset-password")).await;
    assert_eq!(confirm.status, StatusCode::OK);
    assert!(confirm.body.contains("确认重置密码") && confirm.body.contains(&name));
    let done = admin
        .post(&format!("/admin/users/{id}/reset-password"), &[])
        .await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.body);
    let temporary = between(&done.body, "data-testid=\"temporary-password\">", "<").to_owned();
    assert!(temporary.len() >= 16, "{temporary}");
    // Shown once: the list does not show it.
    assert!(
        !admin
            .get(&format!("/admin/users?q={name}"))
            .await
            .body
            .contains(&temporary)
    );

    let mut user = Web::new(&app).await;
    assert_eq!(user.login(&name, &temporary).await.status, StatusCode::SEE_OTHER);
    let home = user.get("/home").await;
    assert_eq!(home.status, StatusCode::SEE_OTHER);
    assert_eq!(home.location.as_deref(), Some("/account/password"));
    let form = user.get("/account/password").await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.body.contains("data-testid=\"password-forced\""));
    let differ = user
        .post(
            "/account/password",
            &[
                ("current_password", &temporary),
                ("new_password", "Amber-Falcon-Meadow-31"),
                ("confirm_password", "Amber-Falcon-Meadow-32"),
            ],
        )
        .await;
    assert_eq!(differ.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(differ.body.contains("两次输入的新密码不一致"));
    let weak = user
        .post(
            "/account/password",
            &[
                ("current_password", &temporary),
                ("new_password", "1234567890"),
                ("confirm_password", "1234567890"),
            ],
        )
        .await;
    assert_eq!(weak.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        weak.body
            .contains("data-testid=\"error-new_password\">密码强度不足：")
    );
    let ok = user
        .post(
            "/account/password",
            &[
                ("current_password", &temporary),
                ("new_password", "Amber-Falcon-Meadow-31"),
                ("confirm_password", "Amber-Falcon-Meadow-31"),
            ],
        )
        .await;
    assert_eq!(ok.status, StatusCode::OK, "{}", ok.body);
    assert!(ok.body.contains("data-testid=\"password-changed\""));
    assert_eq!(user.get("/home").await.status, StatusCode::OK);
    assert_eq!(
        try_login(&app, &name, "Amber-Falcon-Meadow-31").await.0,
        StatusCode::OK
    );
}

/// R-ACCOUNT, R-WEB: 停用 and 启用 through the pages; the last admin is refused with the reason.
#[tokio::test]
async fn r_account_pages_disable_and_enable_a_user() {
    use crate::web_pages::Web;
    let app = TestApp::spawn().await;
    let (id, name) = finance(&app).await;
    let token = app.login(&name, PASSWORD).await;
    let mut admin = Web::new(&app).await;
    admin.login(ADMIN.0, ADMIN.1).await;
    let confirm = admin.get(&format!("/admin/users/{id}/disable")).await;
    assert!(confirm.body.contains("确认停用账号"));
    let done = admin.post(&format!("/admin/users/{id}/disable"), &[]).await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    let list = admin.get(&format!("/admin/users?q={name}")).await;
    assert!(list.body.contains("已停用") && list.body.contains(&format!("/admin/users/{id}/enable")));
    assert_error(&app.get("/api/v1/me", &token).await, 401, "unauthorized");
    let mut user = Web::new(&app).await;
    let refused = user.login(&name, PASSWORD).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    assert!(refused.body.contains("该账号已停用"));
    assert_eq!(
        admin.post(&format!("/admin/users/{id}/enable"), &[]).await.status,
        StatusCode::SEE_OTHER
    );
    assert_eq!(user.login(&name, PASSWORD).await.status, StatusCode::SEE_OTHER);

    let (_, me) = app.get("/api/v1/me", &app.admin).await;
    let first = me["user"]["id"].as_i64().unwrap();
    let last = admin.post(&format!("/admin/users/{first}/disable"), &[]).await;
    assert_eq!(last.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(last.body.contains("不能停用最后一个启用中的管理员"));
    // Not for other roles.
    let mut other = Web::new(&app).await;
    other.login(&name, PASSWORD).await;
    assert_eq!(
        other.get(&format!("/admin/users/{first}/disable")).await.status,
        StatusCode::FORBIDDEN
    );
}

/// R-ACCOUNT: users that exist before the upgrade get their username key; two that already
/// collide (`Admin`, `admin`) both stay, the later one's key suffixed with its id.
#[tokio::test]
async fn r_account_existing_users_get_their_username_key_on_upgrade() {
    use migration::{Migrator, MigratorTrait};
    use sea_orm::{ConnectionTrait, DatabaseBackend, Statement};
    let dir = tempfile::tempdir().unwrap();
    let url = crate::helpers::fresh_database(dir.path()).await;
    let db = zhihui::startup::connect(&url).await.unwrap();
    let before = Migrator::migrations()
        .iter()
        .position(|m| m.name() == "m20261206_100002_account_life")
        .expect("the account migration") as u32;
    Migrator::up(&db, Some(before)).await.unwrap();
    let backend = db.get_database_backend();
    let sql = match backend {
        DatabaseBackend::Postgres => {
            "INSERT INTO users (username, password_hash, display_name, role, created_at) VALUES ($1, 'x', 'x', 'admin', $2)"
        }
        _ => {
            "INSERT INTO users (username, password_hash, display_name, role, created_at) VALUES (?, 'x', 'x', 'admin', ?)"
        }
    };
    for name in ["Admin", "admin", "Ｔeam_1"] {
        db.execute_raw(Statement::from_sql_and_values(
            backend,
            sql,
            [name.into(), chrono::Utc::now().into()],
        ))
        .await
        .unwrap();
    }
    Migrator::up(&db, None).await.unwrap();
    let rows = db
        .query_all_raw(Statement::from_string(
            backend,
            "SELECT id, username_key FROM users ORDER BY id",
        ))
        .await
        .unwrap();
    let keys: Vec<String> = rows
        .iter()
        .map(|r| r.try_get("", "username_key").unwrap())
        .collect();
    let second: i32 = rows[1].try_get("", "id").unwrap();
    assert_eq!(
        keys,
        vec!["admin".to_owned(), format!("admin#{second}"), "team_1".to_owned()]
    );
}

/// R-ACCOUNT: two admins disabling each other at the same moment leave one of them active.
#[tokio::test]
async fn r_account_two_admins_disabling_each_other_leave_one_active() {
    for _ in 0..3 {
        let app = TestApp::spawn().await;
        let (_, me) = app.get("/api/v1/me", &app.admin).await;
        let first = me["user"]["id"].as_i64().unwrap();
        let (second, second_token) = app.user("admin", None, None).await;
        let (p1, p2) = (
            format!("/api/v1/users/{second}/disable"),
            format!("/api/v1/users/{first}/disable"),
        );
        let (a, b) = tokio::join!(
            app.post(&p1, &app.admin, json!({})),
            app.post(&p2, &second_token, json!({})),
        );
        let ok = [a.0, b.0].iter().filter(|s| **s == StatusCode::OK).count();
        assert_eq!(ok, 1, "{a:?} {b:?}");
        // The one left still manages users.
        let left = if a.0 == StatusCode::OK {
            &app.admin
        } else {
            &second_token
        };
        assert_eq!(app.get("/api/v1/users", left).await.0, StatusCode::OK);
    }
}
