//! Issue 18 ("the record as the notice and its people need it"): snapshots on submission
//! (18.3), the activities experts score from (18.5), who stamps sees the account (18.6).

use crate::helpers::{TestApp, assert_error};
use calamine::{Reader, Xlsx, open_workbook_from_rs};
use chrono::Duration;
use reqwest::StatusCode;
use serde_json::{Value, json};
use std::io::Cursor;

async fn bytes(app: &TestApp, path: &str, token: &str) -> Vec<u8> {
    let resp = app
        .client
        .get(app.url(path))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK, "{path}");
    resp.bytes().await.unwrap().to_vec()
}

/// Every cell of every sheet of an xlsx, as text.
fn xlsx_text(bytes: Vec<u8>) -> String {
    let mut wb: Xlsx<_> = open_workbook_from_rs(Cursor::new(bytes)).expect("an xlsx");
    let mut out = String::new();
    for name in wb.sheet_names() {
        let range = wb.worksheet_range(&name).unwrap();
        for row in range.rows() {
            for c in row {
                out.push_str(&c.to_string());
                out.push('\t');
            }
            out.push('\n');
        }
    }
    out
}

pub(crate) async fn opinion(app: &TestApp, application: i64, token: &str) -> Value {
    let (s, v) = app
        .post(
            &format!("/api/v1/applications/{application}/opinions"),
            token,
            json!({"decision": "approve", "comment": "同意"}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    v
}

/// A cycle whose one application (of a team under `unit`) is accepted and the cycle closed.
pub(crate) async fn accepted(app: &TestApp, unit: i64, district: Option<i64>) -> (i64, i64, String, i64) {
    let mut body = app.cycle_body(2026);
    body["reviewers_per_application"] = json!(1);
    let (s, v) = app.post("/api/v1/cycles", &app.admin, body).await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let cycle = v["id"].as_i64().unwrap();
    app.post(&format!("/api/v1/cycles/{cycle}/open"), &app.admin, json!({}))
        .await;
    let (team, token, application) = app.submitted_application(cycle, unit).await;
    let (_, unit_user) = app.user("unit", Some(unit), None).await;
    opinion(app, application, &unit_user).await;
    if let Some(d) = district {
        let (_, d_user) = app.user("district", Some(d), None).await;
        opinion(app, application, &d_user).await;
    }
    assert_eq!(opinion(app, application, &app.admin).await["status"], "accepted");
    let (s, v) = app
        .post(&format!("/api/v1/cycles/{cycle}/close"), &app.admin, json!({}))
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    (cycle, team, token, application)
}

/// Issue 18.3: a team renamed (and its founding data and leader changed) after its award
/// changes none of the outputs: the application, the results and their sheet, the published
/// list, the 申报书, the payouts and the payout sheet keep what was submitted; the rename is
/// audited and the former name is listed on the team.
#[tokio::test]
async fn issue_18_3_a_rename_after_submission_changes_no_output() {
    let app = TestApp::spawn().await;
    let district = app.create_unit("district", None).await;
    let unit = app.create_unit("university", Some(district)).await;
    let (cycle, team, _token, application) = accepted(&app, unit, Some(district)).await;
    let old = app.get(&format!("/api/v1/teams/{team}"), &app.admin).await.1;
    let old_name = old["name"].as_str().unwrap().to_owned();
    let unit_name = app.unit_name(unit).await;

    let expert_unit = app.create_unit("institute", None).await;
    let (expert, expert_token) = app.expert(expert_unit).await;
    let (s, v) = app.assign(application, expert).await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    app.score_total(&expert_token, application, 90.0).await;
    app.rank(cycle).await;
    let (s, v) = app.publish(cycle, Duration::days(3)).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    app.advance(Duration::days(4));
    let (s, v) = app
        .post(&format!("/api/v1/cycles/{cycle}/finalize"), &app.admin, json!({}))
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");

    let new_name = app.unique("更名后的服务队");
    let (s, v) = app
        .patch(
            &format!("/api/v1/teams/{team}"),
            &app.admin,
            json!({"name": new_name, "volunteer_count": 99, "founded_on": "2024-05-05", "leader_name": "新队长"}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");

    // The application itself.
    let (_, v) = app
        .get(&format!("/api/v1/applications/{application}"), &app.admin)
        .await;
    assert_eq!(v["team_name"], old_name.as_str(), "{v}");
    assert_eq!(v["unit_name"], unit_name.as_str());
    assert_eq!(v["volunteer_count"], 35);
    assert_eq!(v["founded_on"], "2020-03-01");
    // The results, their sheet and the published list.
    let (_, v) = app
        .get(&format!("/api/v1/cycles/{cycle}/results"), &app.admin)
        .await;
    assert_eq!(v["items"][0]["team_name"], old_name.as_str(), "{v}");
    let sheet = xlsx_text(bytes(&app, &format!("/api/v1/cycles/{cycle}/results/sheet"), &app.admin).await);
    assert!(sheet.contains(&old_name) && !sheet.contains(&new_name), "{sheet}");
    let (_, v) = app
        .call(
            reqwest::Method::GET,
            &format!("/api/v1/public/cycles/{cycle}/results"),
            None,
            None,
        )
        .await;
    assert_eq!(v["items"][0]["team_name"], old_name.as_str(), "{v}");
    assert_eq!(v["items"][0]["unit_name"], unit_name.as_str(), "{v}");
    // The 申报书.
    let form = bytes(
        &app,
        &format!("/api/v1/applications/{application}/form.docx"),
        &app.admin,
    )
    .await;
    let xml = zhihui::export::docx_text::document_xml(&form).unwrap();
    assert!(xml.contains(&old_name) && !xml.contains(&new_name));
    assert!(!xml.contains("新队长") && !xml.contains(">99<"));
    // The payouts and the payout sheet.
    let (_, finance) = app.user("finance", None, None).await;
    let (_, v) = app
        .get(&format!("/api/v1/payouts?cycle_id={cycle}"), &finance)
        .await;
    assert_eq!(v["items"][0]["team_name"], old_name.as_str(), "{v}");
    assert_eq!(v["items"][0]["unit_name"], unit_name.as_str(), "{v}");
    let (s, batch) = app
        .post("/api/v1/payout-batches", &finance, json!({"cycle_id": cycle}))
        .await;
    assert_eq!(s, StatusCode::CREATED, "{batch}");
    let sheet = xlsx_text(
        bytes(
            &app,
            &format!("/api/v1/payout-batches/{}/sheet", batch["id"]),
            &finance,
        )
        .await,
    );
    assert!(sheet.contains(&old_name) && !sheet.contains(&new_name), "{sheet}");

    // The team shows its new name and lists the former one; the rename is audited.
    let (_, v) = app.get(&format!("/api/v1/teams/{team}"), &app.admin).await;
    assert_eq!(v["name"], new_name.as_str());
    assert_eq!(v["former_names"][0]["name"], old_name.as_str(), "{v}");
    let (_, v) = app
        .get(&format!("/api/v1/audit?entity=team&entity_id={team}"), &app.admin)
        .await;
    let renamed = v["items"].as_array().unwrap().iter().any(|e| {
        e["action"] == "update"
            && e["before"]["name"] == old_name.as_str()
            && e["after"]["name"] == new_name.as_str()
    });
    assert!(renamed, "{v}");
}

/// Issue 18.3: a draft shows the live team (nothing was submitted yet); renaming a team
/// without changing its name records no former name.
#[tokio::test]
async fn issue_18_3_a_draft_reads_the_live_team_and_an_unchanged_name_is_no_rename() {
    let app = TestApp::spawn().await;
    let unit = app.create_unit("society", None).await;
    let cycle = app.open_cycle(2026).await;
    let (team, token, application) = app.draft_application(cycle, unit).await;
    let new_name = app.unique("草稿期间更名");
    let (s, _) = app
        .patch(
            &format!("/api/v1/teams/{team}"),
            &token,
            json!({"name": new_name}),
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    let (_, v) = app
        .get(&format!("/api/v1/applications/{application}"), &token)
        .await;
    assert_eq!(v["team_name"], new_name.as_str());
    let (s, _) = app
        .patch(
            &format!("/api/v1/teams/{team}"),
            &token,
            json!({"volunteer_count": 40}),
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    let (_, v) = app.get(&format!("/api/v1/teams/{team}"), &token).await;
    assert_eq!(v["former_names"].as_array().unwrap().len(), 1, "{v}");
    // Lists carry no former names (the team's page does).
    let (_, v) = app.get("/api/v1/teams", &token).await;
    assert_eq!(v["items"][0]["former_names"], json!([]));
}

/// Issue 18.5: the experts assigned to an application open the activities it counts (tasks,
/// report, figures; the leader's mobile masked); an expert not assigned, finance and another
/// team get 404; the owner, its unit and the admin see them; an activity listed but not
/// reported does not count.
#[tokio::test]
async fn issue_18_5_an_assigned_expert_opens_the_activities_and_others_get_404() {
    let app = TestApp::spawn().await;
    let unit = app.create_unit("university", None).await;
    let mut body = app.cycle_body(2026);
    body["reviewers_per_application"] = json!(1);
    let (_, v) = app.post("/api/v1/cycles", &app.admin, body).await;
    let cycle = v["id"].as_i64().unwrap();
    app.post(&format!("/api/v1/cycles/{cycle}/open"), &app.admin, json!({}))
        .await;
    let (team, token) = app.team_with_user(unit).await;
    let counted = app.reported_activity(&token, team, 3, 150).await;
    let later = app.register_activity(&token, team, Duration::days(2)).await;
    let (s, v) = app
        .post(
            &format!("/api/v1/cycles/{cycle}/applications"),
            &token,
            app.application_body(team, &[counted, later]),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let application = v["id"].as_i64().unwrap();
    app.seed_attachment(application, "summary").await;
    app.seed_attachment(application, "photo").await;
    let (s, v) = app
        .post(
            &format!("/api/v1/applications/{application}/submit"),
            &token,
            json!({}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let (_, unit_user) = app.user("unit", Some(unit), None).await;
    opinion(&app, application, &unit_user).await;
    opinion(&app, application, &app.admin).await;
    app.post(&format!("/api/v1/cycles/{cycle}/close"), &app.admin, json!({}))
        .await;
    let expert_unit = app.create_unit("institute", None).await;
    let (assigned, assigned_token) = app.expert(expert_unit).await;
    let (_, other_expert) = app.expert(expert_unit).await;
    let (s, v) = app.assign(application, assigned).await;
    assert_eq!(s, StatusCode::CREATED, "{v}");

    let path = format!("/api/v1/applications/{application}/activities");
    let (s, v) = app.get(&path, &assigned_token).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let items = v["items"].as_array().unwrap();
    assert_eq!(items.len(), 1, "only the reported activity counts: {v}");
    assert_eq!(items[0]["id"], counted);
    assert!(!items[0]["tasks"].as_array().unwrap().is_empty());
    assert_eq!(items[0]["report"]["sessions"], 3);
    assert_eq!(items[0]["report"]["people_served"], 150);
    assert!(items[0]["leader_mobile"].as_str().unwrap().contains('*'), "{v}");
    assert_eq!(
        (
            v["activities"].clone(),
            v["sessions"].clone(),
            v["people_served"].clone()
        ),
        (json!(1), json!(3), json!(150))
    );

    for who in [&token, &unit_user, &app.admin] {
        let (s, v) = app.get(&path, who).await;
        assert_eq!(s, StatusCode::OK, "{v}");
        assert_eq!(v["items"].as_array().unwrap().len(), 1);
        assert!(!v["items"][0]["leader_mobile"].as_str().unwrap().contains('*'));
    }
    let (_, finance) = app.user("finance", None, None).await;
    let (_, stranger) = app.team_with_user(unit).await;
    let other_unit = app.create_unit("society", None).await;
    let (_, other_unit_user) = app.user("unit", Some(other_unit), None).await;
    for who in [&other_expert, &finance, &stranger, &other_unit_user] {
        assert_error(&app.get(&path, who).await, 404, "not_found");
    }
    assert_error(
        &app.get("/api/v1/applications/999999/activities", &app.admin)
            .await,
        404,
        "not_found",
    );
}

/// Issue 18.6: on the application itself, the team's unit and its district see the account
/// number in full (they stamp the 申报书 that names it), and the 申报书 they download carries
/// it; the list, the admin and the experts keep it masked or absent.
#[tokio::test]
async fn issue_18_6_who_stamps_sees_the_full_account_on_the_application() {
    let app = TestApp::spawn().await;
    let district = app.create_unit("district", None).await;
    let unit = app.create_unit("university", Some(district)).await;
    let cycle = app.open_cycle(2026).await;
    let (_team, token, application) = app.submitted_application(cycle, unit).await;
    let path = format!("/api/v1/applications/{application}");
    let full = app.get(&path, &token).await.1["bank"]["account_no"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(!full.contains('*'), "{full}");
    let (_, unit_user) = app.user("unit", Some(unit), None).await;
    let (_, district_user) = app.user("district", Some(district), None).await;
    for who in [&unit_user, &district_user] {
        let (s, v) = app.get(&path, who).await;
        assert_eq!(s, StatusCode::OK, "{v}");
        assert_eq!(v["bank"]["account_no"], full.as_str(), "{v}");
        assert_eq!(v["mobile"], "13612345678");
        let (_, list) = app
            .get(&format!("/api/v1/applications?cycle_id={cycle}"), who)
            .await;
        let masked = list["items"][0]["bank"]["account_no"].as_str().unwrap();
        assert!(masked.contains("****"), "lists stay masked: {list}");
        let form = bytes(&app, &format!("{path}/form.docx"), who).await;
        let xml = zhihui::export::docx_text::document_xml(&form).unwrap();
        assert!(
            xml.contains(&full),
            "the 申报书 the unit stamps names the account"
        );
    }
    // The unit's opinion answers with the application as the unit sees it.
    let v = opinion(&app, application, &unit_user).await;
    assert_eq!(v["bank"]["account_no"], full.as_str());
    let (_, v) = app.get(&path, &app.admin).await;
    assert!(v["bank"]["account_no"].as_str().unwrap().contains("****"), "{v}");
    // Another unit sees nothing of it.
    let other = app.create_unit("society", None).await;
    let (_, other_user) = app.user("unit", Some(other), None).await;
    assert_error(&app.get(&path, &other_user).await, 404, "not_found");
}

/// Issue 18.2: one list of the notice's categories, items (1)–(8) in its own words (item 1's
/// five forms apart); activities take its codes; the former labels are refused over JSON.
#[tokio::test]
async fn issue_18_2_the_categories_are_the_notices_items() {
    let app = TestApp::spawn().await;
    let unit = app.create_unit("university", None).await;
    let (team, token) = app.team_with_user(unit).await;
    let (s, v) = app.get("/api/v1/categories", &token).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let list = v.as_array().unwrap();
    let items: std::collections::BTreeSet<i64> =
        list.iter().map(|c| c["notice_item"].as_i64().unwrap()).collect();
    assert_eq!(items.into_iter().collect::<Vec<_>>(), (1..=8).collect::<Vec<_>>());
    let names: Vec<&str> = list.iter().map(|c| c["name"].as_str().unwrap()).collect();
    for word in [
        "科技培训",
        "科普报告",
        "农技服务",
        "义诊咨询",
        "青少年科技教育",
        "科技服务供需对接",
    ] {
        assert!(names.contains(&word), "{names:?}");
    }
    let item = |n: i64| -> Vec<&Value> { list.iter().filter(|c| c["notice_item"] == n).collect() };
    assert_eq!(item(1).len(), 5);
    assert!(
        item(5)[0]["name"]
            .as_str()
            .unwrap()
            .contains("基层公共科技文化设施")
    );
    assert!(
        item(6)[0]["name"]
            .as_str()
            .unwrap()
            .contains("老年人、未成年人和其他生活困难群众")
    );
    // Every code registers an activity; a former label does not.
    for c in list {
        let mut body = app.activity_body(team, Duration::days(1));
        body["category"] = c["code"].clone();
        let (s, v) = app.post("/api/v1/activities", &token, body).await;
        assert_eq!(s, StatusCode::CREATED, "{v}");
        assert_eq!(v["category"], c["code"]);
    }
    let mut body = app.activity_body(team, Duration::days(1));
    body["category"] = json!("助老助残");
    assert_error(
        &app.post("/api/v1/activities", &token, body).await,
        400,
        "invalid_body",
    );
    // Anyone signed in reads it; nobody else.
    let (s, _) = app
        .call(reqwest::Method::GET, "/api/v1/categories", None, None)
        .await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
}

/// Issue 18.2: stored labels migrate to the new codes (场馆服务 → venue, 助老助残 →
/// vulnerable_groups, …), and back on the way down.
#[tokio::test]
async fn issue_18_2_stored_categories_migrate_to_codes() {
    use migration::{Migrator, MigratorTrait};
    use sea_orm::ConnectionTrait;
    let app = TestApp::spawn().await;
    let unit = app.create_unit("university", None).await;
    let (team, token) = app.team_with_user(unit).await;
    let mut ids = vec![];
    for code in ["vulnerable_groups", "venue", "online", "major_event", "lecture"] {
        let mut body = app.activity_body(team, Duration::days(1));
        body["category"] = json!(code);
        let (s, v) = app.post("/api/v1/activities", &token, body).await;
        assert_eq!(s, StatusCode::CREATED, "{v}");
        ids.push((v["id"].as_i64().unwrap(), code));
    }
    let steps = Migrator::migrations()
        .iter()
        .rev()
        .position(|m| m.name() == "m20261207_100002_categories")
        .unwrap()
        + 1;
    Migrator::down(&app.db, Some(steps as u32)).await.unwrap();
    let rows = app
        .db
        .query_all_raw(sea_orm::Statement::from_string(
            app.db.get_database_backend(),
            "SELECT category FROM activities ORDER BY id".to_owned(),
        ))
        .await
        .unwrap();
    let labels: Vec<String> = rows
        .iter()
        .map(|r| r.try_get::<String>("", "category").unwrap())
        .collect();
    assert_eq!(
        labels,
        ["助老助残", "场馆服务", "网络科普", "大型活动", "科普报告"]
    );
    Migrator::up(&app.db, None).await.unwrap();
    for (id, code) in ids {
        let (_, v) = app.get(&format!("/api/v1/activities/{id}"), &token).await;
        assert_eq!(v["category"], code, "{v}");
    }
}

/// Issue 18.2: the registration page offers the list (codes as values, the notice's words as
/// labels), and the activity list shows the name.
#[tokio::test]
async fn issue_18_2_the_registration_page_reads_the_list() {
    use crate::web_pages::{logged_in, user};
    let app = TestApp::spawn().await;
    let unit = app.create_unit("university", None).await;
    let team = app.create_team(unit).await;
    user(&app, "team_cat", "team", None, Some(team)).await;
    let mut w = logged_in(&app, "team_cat").await;
    let p = w.get("/activities/new").await;
    assert_eq!(p.status, StatusCode::OK);
    assert!(p.body.contains(r#"<option value="supply_demand""#), "{}", p.body);
    assert!(p.body.contains("科技服务供需对接"));
    assert!(p.body.contains("基层公共科技文化设施管理和群众性科技活动组织"));
    assert!(!p.body.contains("助老助残"));
    let start = zhihui::web::format::input_time(app.now() + Duration::days(1));
    let end = zhihui::web::format::input_time(app.now() + Duration::days(1) + Duration::hours(2));
    let p = w
        .post(
            "/activities/new",
            &[
                ("name", "供需对接会"),
                ("planned_start", &start),
                ("planned_end", &end),
                ("location", "浑南区"),
                ("category", "supply_demand"),
                ("leader_name", "李四"),
                ("leader_mobile", "13912345678"),
                ("task_content", "对接企业需求"),
                ("task_target", "促成合作"),
            ],
        )
        .await;
    assert!(p.status.is_success() || p.status.is_redirection(), "{}", p.body);
    let p = w.get("/activities").await;
    assert!(p.body.contains("科技服务供需对接"), "{}", p.body);
}
