//! A stored value outside its vocabulary, or a JSON column that is not its shape, is read as
//! an error — logged and answered as the opaque 500 — never silently as some other value
//! (R-ERR; issue 17: typed columns).

use crate::helpers::{TestApp, assert_error};
use sea_orm::{ConnectionTrait, Statement};

async fn corrupt(app: &TestApp, sql: &str) {
    let backend = app.db.get_database_backend();
    app.db
        .execute_raw(Statement::from_string(backend, sql.to_owned()))
        .await
        .unwrap();
}

/// R-ERR: an unknown cycle status is a 500, not a guessed `draft`.
#[tokio::test]
async fn an_unknown_stored_status_is_an_error_not_a_guess() {
    let app = TestApp::spawn().await;
    let cycle = app.open_cycle(2031).await;
    let ok = app.get(&format!("/api/v1/cycles/{cycle}"), &app.admin).await;
    assert_eq!(ok.0.as_u16(), 200, "{:?}", ok.1);

    corrupt(
        &app,
        &format!("UPDATE cycles SET status = 'half_open' WHERE id = {cycle}"),
    )
    .await;

    let resp = app.get(&format!("/api/v1/cycles/{cycle}"), &app.admin).await;
    assert_error(&resp, 500, "internal_error");
}

/// R-ERR: a corrupt tiers column is a 500, not "no tiers".
#[tokio::test]
async fn a_corrupt_json_column_is_an_error_not_an_empty_list() {
    let app = TestApp::spawn().await;
    let cycle = app.open_cycle(2032).await;

    corrupt(
        &app,
        &format!("UPDATE cycles SET tiers = 'not json' WHERE id = {cycle}"),
    )
    .await;

    let resp = app.get(&format!("/api/v1/cycles/{cycle}"), &app.admin).await;
    assert_error(&resp, 500, "internal_error");
}
