//! Meta endpoints, the committed spec, and the JSON error shape for errors poem raises itself.

use crate::helpers::{TestApp, assert_error};
use reqwest::{Method, StatusCode};
use serde_json::json;

#[tokio::test]
async fn healthz_answers_ok() {
    let app = TestApp::spawn().await;
    let (s, v) = app.call(Method::GET, "/healthz", None, None).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(v, json!({"status": "ok"}));
}

/// Readiness: ready on a migrated database; a pending migration (its row removed from the
/// migration table) makes it 503 `not_ready` with the reason, while liveness stays ok.
#[tokio::test]
async fn readyz_reports_pending_migrations() {
    let app = TestApp::spawn().await;
    let (s, v) = app.call(Method::GET, "/readyz", None, None).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v, json!({"status": "ok"}));
    use sea_orm::ConnectionTrait;
    app.db
        .execute_unprepared(
            "DELETE FROM seaql_migrations WHERE version = (SELECT MAX(version) FROM seaql_migrations)",
        )
        .await
        .unwrap();
    let (s, v) = app.call(Method::GET, "/readyz", None, None).await;
    assert_eq!(s, StatusCode::SERVICE_UNAVAILABLE, "{v}");
    assert_eq!(v, json!({"status": "not_ready", "reason": "migrations pending"}));
    let (s, _) = app.call(Method::GET, "/healthz", None, None).await;
    assert_eq!(s, StatusCode::OK);
}

/// The committed `openapi/openapi.json` is exactly what the service serves.
/// Regenerate with `UPDATE_OPENAPI=1 cargo test --test api committed_spec`.
#[tokio::test]
async fn committed_spec_matches_the_served_spec() {
    let app = TestApp::spawn().await;
    let (s, served) = app.call(Method::GET, "/openapi.json", None, None).await;
    assert_eq!(s, StatusCode::OK);
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("openapi/openapi.json");
    if std::env::var_os("UPDATE_OPENAPI").is_some() {
        std::fs::write(&path, serde_json::to_string_pretty(&served).unwrap() + "\n").unwrap();
    }
    let committed: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&path).expect("openapi/openapi.json exists")).unwrap();
    assert!(
        committed == served,
        "openapi/openapi.json is stale: run UPDATE_OPENAPI=1 cargo test --test api committed_spec"
    );
}

#[tokio::test]
async fn every_operation_is_tagged_and_described() {
    let app = TestApp::spawn().await;
    let (_, spec) = app.call(Method::GET, "/openapi.json", None, None).await;
    for (path, ops) in spec["paths"].as_object().unwrap() {
        for (method, op) in ops.as_object().unwrap() {
            assert!(
                op["tags"].as_array().is_some_and(|t| !t.is_empty()),
                "{method} {path} has no tag"
            );
            assert!(
                op["summary"].as_str().is_some_and(|s| !s.is_empty()),
                "{method} {path} has no summary"
            );
            assert!(
                op["operationId"].is_string(),
                "{method} {path} has no operationId"
            );
        }
    }
}

#[tokio::test]
async fn swagger_ui_is_served_at_docs() {
    let app = TestApp::spawn().await;
    let resp = app.client.get(app.url("/docs")).send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    assert!(resp.text().await.unwrap().contains("swagger"));
}

/// R-ERR
#[tokio::test]
async fn unknown_route_is_a_json_404() {
    let app = TestApp::spawn().await;
    let r = app.call(Method::GET, "/api/v1/nothing-here", None, None).await;
    assert_error(&r, 404, "not_found");
}

/// R-ERR
#[tokio::test]
async fn wrong_method_is_a_json_405_with_allow() {
    let app = TestApp::spawn().await;
    let resp = app.client.delete(app.url("/api/v1/units")).send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::METHOD_NOT_ALLOWED);
    let allow = resp.headers().get("allow").unwrap().to_str().unwrap().to_owned();
    assert!(allow.contains("GET") && allow.contains("POST"), "{allow}");
    let v: serde_json::Value = resp.json().await.unwrap();
    assert_eq!(v["code"], "method_not_allowed");
}

/// R-ERR: malformed JSON, wrong types, missing fields, unknown enum values and bad path
/// parameters all answer 400 with the JSON body, never plain text.
#[tokio::test]
async fn malformed_requests_are_json_400s() {
    let app = TestApp::spawn().await;
    let raw = app
        .client
        .post(app.url("/api/v1/units"))
        .bearer_auth(&app.admin)
        .header("content-type", "application/json")
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_eq!(raw.status(), StatusCode::BAD_REQUEST);
    let v: serde_json::Value = raw.json().await.unwrap();
    assert_eq!(v["code"], "invalid_body");

    let wrong_type = app
        .post(
            "/api/v1/units",
            &app.admin,
            json!({"name": "x", "kind": "society", "parent_id": "abc"}),
        )
        .await;
    assert_error(&wrong_type, 400, "invalid_body");
    let missing = app
        .post("/api/v1/units", &app.admin, json!({"kind": "society"}))
        .await;
    assert_error(&missing, 400, "invalid_body");
    let bad_enum = app
        .post(
            "/api/v1/units",
            &app.admin,
            json!({"name": "x", "kind": "planet"}),
        )
        .await;
    assert_error(&bad_enum, 400, "invalid_body");
    let bad_path = app.get("/api/v1/teams/abc", &app.admin).await;
    assert_error(&bad_path, 400, "invalid_parameter");
    assert_eq!(bad_path.1["field"], "id");
    let bad_query = app.get("/api/v1/teams?per_page=9999", &app.admin).await;
    assert_error(&bad_query, 400, "invalid_parameter");
    assert_eq!(bad_query.1["field"], "per_page");

    let no_content_type = app
        .client
        .post(app.url("/api/v1/units"))
        .bearer_auth(&app.admin)
        .body("name=x")
        .send()
        .await
        .unwrap();
    assert_eq!(no_content_type.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
    let v: serde_json::Value = no_content_type.json().await.unwrap();
    assert_eq!(v["code"], "unsupported_content_type");
}

/// Migrations run up, down and up again on the test database engine.
#[tokio::test]
async fn migrations_go_up_down_and_up() {
    use migration::{Migrator, MigratorTrait};
    let dir = tempfile::tempdir().unwrap();
    let url = match std::env::var("ZHIHUI_TEST_DATABASE_URL") {
        Ok(base) if base.starts_with("postgres") => {
            use sea_orm::ConnectionTrait;
            let name = format!("zhihui_t_{}", uuid::Uuid::new_v4().simple());
            let admin = sea_orm::Database::connect(&base).await.unwrap();
            admin
                .execute_unprepared(&format!("CREATE DATABASE {name}"))
                .await
                .unwrap();
            format!("{}/{name}", &base[..base.rfind('/').unwrap()])
        }
        _ => format!("sqlite://{}/m.db?mode=rwc", dir.path().display()),
    };
    let db = zhihui::startup::connect(&url).await.unwrap();
    Migrator::up(&db, None).await.unwrap();
    Migrator::down(&db, None).await.unwrap();
    Migrator::up(&db, None).await.unwrap();
    assert!(Migrator::get_pending_migrations(&db).await.unwrap().is_empty());
}

/// R-ERR: nested fields are named by their path.
#[tokio::test]
async fn a_nested_bad_field_is_named_by_its_path() {
    let app = TestApp::spawn().await;
    let unit = app.create_unit("society", None).await;
    let (team, token) = app.team_with_user(unit).await;
    let mut body = app.activity_body(team, chrono::Duration::days(1));
    body["tasks"] = json!([{"content": "讲座", "target": "100人"}, {"content": "答疑"}]);
    let r = app.post("/api/v1/activities", &token, body).await;
    assert_error(&r, 400, "invalid_body");
    assert_eq!(r.1["field"], "tasks[1].target");
    let mut body = app.activity_body(team, chrono::Duration::days(1));
    body["planned_start"] = json!("next tuesday");
    let r = app.post("/api/v1/activities", &token, body).await;
    assert_error(&r, 400, "invalid_body");
    assert_eq!(r.1["field"], "planned_start");
}

/// A JSON body over 1 MiB is refused before it is parsed.
#[tokio::test]
async fn an_oversized_json_body_is_413() {
    let app = TestApp::spawn().await;
    let big = json!({"name": "x".repeat(2 * 1024 * 1024), "kind": "society"});
    let r = app.post("/api/v1/units", &app.admin, big).await;
    assert_error(&r, 413, "payload_too_large");
}

/// R-ERR: an absurd page number is refused, never a crash (found by schemathesis).
#[tokio::test]
async fn an_absurd_page_is_a_400_not_a_crash() {
    let app = TestApp::spawn().await;
    for path in [
        "/api/v1/units?page=184467440737095518",
        "/api/v1/teams?page=999999999&per_page=500",
    ] {
        let r = app.get(path, &app.admin).await;
        assert_error(&r, 400, "invalid_parameter");
        assert_eq!(r.1["field"], "page");
    }
    assert_eq!(
        app.get("/api/v1/units?page=1000000&per_page=500", &app.admin)
            .await
            .0,
        StatusCode::OK
    );
}
