//! R-AUDIT, verifiable: the audit log is a hash chain; `GET /api/v1/audit/verify` finds a row
//! changed, deleted or inserted behind the service's back (plain SQL), and concurrent writers
//! append in one order.

use crate::helpers::{TestApp, assert_error};
use reqwest::StatusCode;
use sea_orm::ConnectionTrait;
use serde_json::Value;

async fn verify(app: &TestApp) -> Value {
    let (s, v) = app.get("/api/v1/audit/verify", &app.admin).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    v
}

/// Some audited changes: units and a team.
async fn some_history(app: &TestApp) {
    let unit = app.create_unit("university", None).await;
    app.create_team(unit).await;
    app.create_unit("society", None).await;
}

async fn sql(app: &TestApp, q: &str) {
    app.db.execute_unprepared(q).await.unwrap();
}

async fn nth_entry_id(app: &TestApp, seq: i64) -> i64 {
    let (_, v) = app.get("/api/v1/audit?per_page=500", &app.admin).await;
    let n = v["total"].as_i64().unwrap();
    // Newest first: the entry with seq k is item n - k.
    v["items"][(n - seq) as usize]["id"].as_i64().unwrap()
}

#[tokio::test]
async fn an_intact_chain_verifies_with_its_count_and_head_r_audit() {
    let app = TestApp::spawn().await;
    some_history(&app).await;
    let v = verify(&app).await;
    assert_eq!(v["ok"], true, "{v}");
    let (_, list) = app.get("/api/v1/audit?per_page=500", &app.admin).await;
    assert_eq!(v["count"], list["total"], "{v}");
    assert_eq!(v["head_seq"], list["total"]);
    assert_eq!(v["head_hash"].as_str().unwrap().len(), 64);
    assert!(v["broken"].is_null());
}

#[tokio::test]
async fn a_row_changed_behind_the_service_is_found_r_audit() {
    let app = TestApp::spawn().await;
    some_history(&app).await;
    let id = nth_entry_id(&app, 2).await;
    sql(
        &app,
        &format!("UPDATE audit_log SET actor = 'nobody' WHERE id = {id}"),
    )
    .await;
    let v = verify(&app).await;
    assert_eq!(v["ok"], false, "{v}");
    assert_eq!(v["broken"]["entry_id"], id, "{v}");
    assert_eq!(v["broken"]["problem"], "content_changed");
    assert_eq!(v["count"], 1);
}

#[tokio::test]
async fn a_row_deleted_behind_the_service_is_found_r_audit() {
    let app = TestApp::spawn().await;
    some_history(&app).await;
    let id = nth_entry_id(&app, 2).await;
    let next = nth_entry_id(&app, 3).await;
    sql(&app, &format!("DELETE FROM audit_log WHERE id = {id}")).await;
    let v = verify(&app).await;
    assert_eq!(v["broken"]["problem"], "entry_missing", "{v}");
    assert_eq!(v["broken"]["entry_id"], next);
    // The last entry deleted: the head points past the end.
    let app = TestApp::spawn().await;
    some_history(&app).await;
    sql(
        &app,
        "DELETE FROM audit_log WHERE id = (SELECT MAX(id) FROM audit_log)",
    )
    .await;
    let v = verify(&app).await;
    assert_eq!(v["broken"]["problem"], "tail_missing", "{v}");
}

#[tokio::test]
async fn a_row_inserted_behind_the_service_is_found_r_audit() {
    let app = TestApp::spawn().await;
    some_history(&app).await;
    sql(
        &app,
        "INSERT INTO audit_log (at, actor_id, actor, action, entity, entity_id) \
         VALUES ('2026-01-01 00:00:00+00:00', NULL, 'ghost', 'create', 'team', '99')",
    )
    .await;
    let v = verify(&app).await;
    assert_eq!(v["broken"]["problem"], "entry_inserted", "{v}");
    assert_eq!(v["broken"]["seq"], Value::Null);
}

/// Twenty changes at once: one chain, no fork, no gap (PostgreSQL locks the head row).
#[tokio::test]
async fn concurrent_writers_append_in_one_order_r_audit() {
    let app = TestApp::spawn().await;
    let mut tasks = vec![];
    for _ in 0..20 {
        let client = app.client.clone();
        let url = app.url("/api/v1/units");
        let token = app.admin.clone();
        let name = app.unique("并发单位");
        tasks.push(tokio::spawn(async move {
            client
                .post(url)
                .bearer_auth(token)
                .json(&serde_json::json!({"name": name, "kind": "society"}))
                .send()
                .await
                .unwrap()
                .status()
        }));
    }
    for t in tasks {
        assert_eq!(t.await.unwrap(), StatusCode::CREATED);
    }
    let v = verify(&app).await;
    assert_eq!(v["ok"], true, "{v}");
    assert!(v["count"].as_i64().unwrap() >= 20, "{v}");
}

#[tokio::test]
async fn only_the_admin_verifies_r_authz() {
    let app = TestApp::spawn().await;
    let unit = app.create_unit("university", None).await;
    let (_, team_token) = app.team_with_user(unit).await;
    let r = app.get("/api/v1/audit/verify", &team_token).await;
    assert_error(&r, 403, "forbidden");
}

/// Entries written before the chain existed (a database upgraded to this version) are linked
/// once at start-up; an unlinked entry after that stays a finding.
#[tokio::test]
async fn entries_from_before_the_chain_are_linked_once_r_audit() {
    let app = TestApp::spawn().await;
    some_history(&app).await;
    sql(
        &app,
        "UPDATE audit_log SET seq = NULL, prev_hash = NULL, hash = NULL",
    )
    .await;
    sql(
        &app,
        "UPDATE audit_head SET seq = 0, hash = '0000000000000000000000000000000000000000000000000000000000000000'",
    )
    .await;
    let linked = zhihui::services::audit::link_entries_before_the_chain(&app.db)
        .await
        .unwrap();
    assert!(linked >= 4, "{linked}");
    let v = verify(&app).await;
    assert_eq!(v["ok"], true, "{v}");
    assert_eq!(v["count"], linked);
    // Once the chain has started, linking again changes nothing.
    sql(&app, "UPDATE audit_log SET seq = NULL, prev_hash = NULL, hash = NULL WHERE id = (SELECT MAX(id) FROM audit_log)").await;
    let again = zhihui::services::audit::link_entries_before_the_chain(&app.db)
        .await
        .unwrap();
    assert_eq!(again, 0);
    assert_eq!(verify(&app).await["ok"], false);
}
