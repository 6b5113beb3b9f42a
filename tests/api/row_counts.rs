//! Issue 19: the unfiltered lists' totals come from `row_counts`, kept by triggers; they must
//! equal what `COUNT(*)` says after inserts through the API, a bulk insert and deletes behind
//! the service's back, on SQLite and PostgreSQL.

use crate::helpers::TestApp;
use chrono::Duration;
use sea_orm::{ConnectionTrait, Statement};

async fn counted(app: &TestApp, table: &str) -> u64 {
    let row = app
        .db
        .query_one_raw(Statement::from_string(
            app.db.get_database_backend(),
            format!("SELECT COUNT(*) AS n FROM {table}"),
        ))
        .await
        .unwrap()
        .unwrap();
    row.try_get::<i64>("", "n").unwrap() as u64
}

async fn listed_total(app: &TestApp, path: &str) -> u64 {
    let (s, v) = app.get(path, &app.admin).await;
    assert!(s.is_success(), "{path}: {v}");
    v["total"].as_u64().unwrap()
}

async fn assert_totals_match(app: &TestApp) {
    for (table, path) in [
        ("activities", "/api/v1/activities"),
        ("applications", "/api/v1/applications"),
        ("audit_log", "/api/v1/audit"),
    ] {
        assert_eq!(
            listed_total(app, path).await,
            counted(app, table).await,
            "{table}"
        );
    }
}

#[tokio::test]
async fn unfiltered_totals_equal_the_rows_after_inserts_and_deletes() {
    let app = TestApp::spawn().await;
    let year: i32 = app.now().format("%Y").to_string().parse().unwrap();
    let cycle = app.open_cycle(year).await;
    let unit = app.create_unit("university", None).await;
    let (team, token, _) = app.draft_application(cycle, unit).await;
    for i in 0..5 {
        app.register_activity(&token, team, Duration::days(i + 2)).await;
    }
    app.draft_application(cycle, unit).await;
    assert_totals_match(&app).await;
    assert_eq!(listed_total(&app, "/api/v1/activities").await, 7);

    // A bulk insert of several rows in one statement, then deletes, behind the service's back.
    let db = &app.db;
    let backend = db.get_database_backend();
    db.execute_raw(Statement::from_string(
        backend,
        "INSERT INTO audit_log (at, actor, action, entity, entity_id) \
         SELECT at, actor, action, entity, entity_id FROM audit_log"
            .to_owned(),
    ))
    .await
    .unwrap();
    db.execute_raw(Statement::from_string(
        backend,
        format!("DELETE FROM activity_tasks WHERE activity_id IN (SELECT id FROM activities WHERE team_id = {team} AND id NOT IN (SELECT activity_id FROM application_activities))"),
    ))
    .await
    .unwrap();
    db.execute_raw(Statement::from_string(
        backend,
        format!("DELETE FROM activities WHERE team_id = {team} AND id NOT IN (SELECT activity_id FROM application_activities)"),
    ))
    .await
    .unwrap();
    assert_totals_match(&app).await;
    assert_eq!(listed_total(&app, "/api/v1/activities").await, 2);
}

#[tokio::test]
async fn a_filtered_list_still_counts_what_it_matches() {
    let app = TestApp::spawn().await;
    let unit = app.create_unit("university", None).await;
    let (team, token) = app.team_with_user(unit).await;
    let other = app.create_team(unit).await;
    let (_, other_token) = app.user("team", None, Some(other)).await;
    for i in 0..3 {
        app.register_activity(&token, team, Duration::days(i + 2)).await;
    }
    app.register_activity(&other_token, other, Duration::days(3))
        .await;
    assert_eq!(listed_total(&app, "/api/v1/activities").await, 4);
    assert_eq!(
        listed_total(&app, &format!("/api/v1/activities?team_id={team}")).await,
        3
    );
    let (_, v) = app.get("/api/v1/activities", &token).await;
    assert_eq!(v["total"], 3, "a team's own list counts its own");
}
