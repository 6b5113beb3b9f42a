//! Issue 20 point 4 (R-ERR): text is text. Control, zero-width and bidi characters are refused
//! naming the field, wherever the text enters; texts are stored NFC; team and unit names are
//! unique in their NFKC case-folded form (also for rows that existed before the migration).

use crate::helpers::{TestApp, assert_error};
use chrono::Duration;
use reqwest::StatusCode;
use serde_json::json;

/// Names, locations, bank fields, titles and multi-line texts all refuse invisible characters.
#[tokio::test]
async fn control_zero_width_and_bidi_characters_are_refused_naming_the_field() {
    let app = TestApp::spawn().await;
    let r = app
        .post(
            "/api/v1/units",
            &app.admin,
            json!({"name": "沈阳\u{0}大学", "kind": "university"}),
        )
        .await;
    assert_error(&r, 422, "invalid_characters");
    assert_eq!(r.1["field"], "name");

    let unit = app.create_unit("district", None).await;
    let mut team = app.team_body(unit);
    team["name"] = json!("和平区\u{202E}队务服");
    let r = app.post("/api/v1/teams", &app.admin, team.clone()).await;
    assert_error(&r, 422, "invalid_characters");
    assert_eq!(r.1["field"], "name");
    team["name"] = json!("和平区服务队");
    team["leader_name"] = json!("张\u{200B}三");
    let r = app.post("/api/v1/teams", &app.admin, team).await;
    assert_eq!(r.1["field"], "leader_name", "{}", r.1);

    let (team_id, token) = app.team_with_user(unit).await;
    let r = app
        .patch(
            &format!("/api/v1/teams/{team_id}"),
            &token,
            json!({"name": "队\u{FEFF}"}),
        )
        .await;
    assert_error(&r, 422, "invalid_characters");

    let mut act = app.activity_body(team_id, Duration::days(1));
    act["location"] = json!("沈阳市\u{85}和平区");
    let r = app.post("/api/v1/activities", &token, act.clone()).await;
    assert_error(&r, 422, "invalid_characters");
    assert_eq!(r.1["field"], "location");
    act["location"] = json!("沈阳市和平区");
    act["tasks"] = json!([{"content": "讲座\u{2066}", "target": "百人"}]);
    let r = app.post("/api/v1/activities", &token, act).await;
    assert_error(&r, 422, "invalid_characters");
    assert_eq!(r.1["field"], "tasks[0].content");

    let mut cycle = app.cycle_body(2031);
    cycle["title"] = json!("年度\u{1b}[31m评审");
    let r = app.post("/api/v1/cycles", &app.admin, cycle).await;
    assert_error(&r, 422, "invalid_characters");
    assert_eq!(r.1["field"], "title");

    let cycle = app.open_cycle(2032).await;
    let act = app.reported_activity(&token, team_id, 2, 100).await;
    let mut body = app.application_body(team_id, &[act]);
    body["bank"]["bank_name"] = json!("工商银行\u{202D}");
    let r = app
        .post(
            &format!("/api/v1/cycles/{cycle}/applications"),
            &token,
            body.clone(),
        )
        .await;
    assert_error(&r, 422, "invalid_characters");
    assert_eq!(r.1["field"], "bank.bank_name");
    body["bank"]["bank_name"] = json!("工商银行");
    body["project_name"] = json!("科普\u{200D}进万家");
    let r = app
        .post(
            &format!("/api/v1/cycles/{cycle}/applications"),
            &token,
            body.clone(),
        )
        .await;
    assert_eq!(r.1["field"], "project_name", "{}", r.1);
    // Multi-line texts keep newlines and tabs, `\r\n` becomes `\n`; other controls are refused.
    body["project_name"] = json!("科普进万家");
    body["overview"] = json!("第一段\r\n\t第二段\u{7}");
    let r = app
        .post(
            &format!("/api/v1/cycles/{cycle}/applications"),
            &token,
            body.clone(),
        )
        .await;
    assert_error(&r, 422, "invalid_characters");
    assert_eq!(r.1["field"], "overview");
    body["overview"] = json!("第一段\r\n\t第二段");
    let (s, v) = app
        .post(&format!("/api/v1/cycles/{cycle}/applications"), &token, body)
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    assert_eq!(v["overview"], "第一段\n\t第二段");
}

/// Texts are stored NFC; a name equal to another after NFKC and case folding is a duplicate.
#[tokio::test]
async fn look_alike_team_and_unit_names_are_duplicates() {
    let app = TestApp::spawn().await;
    let (s, v) = app
        .post(
            "/api/v1/units",
            &app.admin,
            json!({"name": "Cafe\u{301} 科协", "kind": "society"}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    assert_eq!(v["name"], "Caf\u{e9} 科协");
    let unit = v["id"].as_i64().unwrap();
    for look_alike in ["CAFÉ 科协", "ｃａｆé 科协"] {
        let r = app
            .post(
                "/api/v1/units",
                &app.admin,
                json!({"name": look_alike, "kind": "society"}),
            )
            .await;
        assert_error(&r, 409, "duplicate_name");
    }

    let mut team = app.team_body(unit);
    team["name"] = json!("ABC科技志愿服务队");
    let (s, v) = app.post("/api/v1/teams", &app.admin, team.clone()).await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    team["name"] = json!("ａｂｃ科技志愿服务队");
    team["platform_id"] = json!("DMZY-other");
    let r = app.post("/api/v1/teams", &app.admin, team.clone()).await;
    assert_error(&r, 409, "duplicate_name");
    // Renaming another team onto the look-alike is refused too.
    let other = app.create_team(unit).await;
    let r = app
        .patch(
            &format!("/api/v1/teams/{other}"),
            &app.admin,
            json!({"name": "abc科技志愿服务队"}),
        )
        .await;
    assert_error(&r, 409, "duplicate_name");
}

/// The migration backfills the key for rows written before it; colliding old rows both stay.
#[tokio::test]
async fn name_keys_are_backfilled_for_existing_rows() {
    use migration::{Migrator, MigratorTrait};
    use sea_orm::{ConnectionTrait, EntityTrait};
    let app = TestApp::spawn().await;
    let unit = app.create_unit("society", None).await;
    // Back to before the name keys, however many migrations came after them.
    let names: Vec<String> = Migrator::migrations()
        .iter()
        .map(|m| m.name().to_owned())
        .collect();
    let at = names
        .iter()
        .position(|n| n == "m20261206_100001_name_keys")
        .expect("the name-keys migration");
    Migrator::down(&app.db, Some((names.len() - at) as u32))
        .await
        .unwrap();
    for name in ["Old Team", "OLD TEAM"] {
        app.db
            .execute_unprepared(&format!(
                "INSERT INTO teams (name, unit_id, founded_on, volunteer_count, leader_name, leader_mobile, created_at, updated_at) \
                 VALUES ('{name}', {unit}, '2020-01-01', 3, '张三', '13812345678', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z')"
            ))
            .await
            .unwrap();
    }
    Migrator::up(&app.db, None).await.unwrap();
    let mut keys: Vec<String> = entity::teams::Entity::find()
        .all(&app.db)
        .await
        .unwrap()
        .into_iter()
        .filter_map(|t| t.name_key)
        .collect();
    keys.sort();
    assert_eq!(keys.len(), 2);
    assert_eq!(keys[0], "old team");
    assert!(keys[1].starts_with("old team#"), "{keys:?}");
    let units = entity::units::Entity::find().all(&app.db).await.unwrap();
    assert!(units.iter().all(|u| u.name_key.is_some()));
    // A new look-alike of the old names is now refused.
    let mut team = app.team_body(unit);
    team["name"] = json!("old team");
    let r = app.post("/api/v1/teams", &app.admin, team).await;
    assert_error(&r, 409, "duplicate_name");
}
