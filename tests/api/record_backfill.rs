//! Issue 18.1 (补录: single, bulk from the template, counting once the scan is attached, the
//! cycle's `count_backfilled`) and 18.4 (activity files through the year).

use crate::helpers::{TestApp, assert_error, evidence};
use calamine::{Reader, Xlsx, open_workbook_from_rs};
use chrono::Duration;
use reqwest::StatusCode;
use serde_json::{Value, json};
use std::io::Cursor;

/// Shenyang time of `now + by`, as the sheet writes it.
fn cst(app: &TestApp, by: Duration) -> String {
    (app.now() + by)
        .with_timezone(&zhihui::domain::cst())
        .format("%Y-%m-%d %H:%M")
        .to_string()
}

fn cst_date(app: &TestApp, by: Duration) -> String {
    zhihui::domain::cst_date(app.now() + by).to_string()
}

fn backfill_body(app: &TestApp, team: i64) -> Value {
    json!({
        "team_id": team,
        "name": "防灾减灾科普进社区",
        "category": "lecture",
        "planned_start": app.at(Duration::days(-30)),
        "planned_end": app.at(Duration::days(-30) + Duration::hours(3)),
        "location": "沈阳市和平区社区服务中心",
        "leader_name": "李四",
        "leader_mobile": "13912345678",
        "tasks": [{"content": "讲解防灾减灾知识", "target": "覆盖居民100人"}],
        "actual_start": app.at(Duration::days(-30)),
        "actual_end": app.at(Duration::days(-30) + Duration::hours(2)),
        "sessions": 3,
        "people_served": 210,
        "volunteers": 9,
        "summary": "活动顺利完成",
        "registered_on": cst_date(app, Duration::days(-35)),
        "reason": "系统上线前已按通知邮件登记"
    })
}

async fn backfilled(app: &TestApp, team: i64) -> Value {
    let (s, v) = app
        .post(
            "/api/v1/activities/backfill",
            &app.admin,
            backfill_body(app, team),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    v
}

async fn upload(
    app: &TestApp,
    token: &str,
    activity: i64,
    kind: &str,
    name: &str,
    bytes: Vec<u8>,
) -> (StatusCode, Value) {
    app.post_multipart(
        &format!("/api/v1/activities/{activity}/attachments"),
        token,
        &[("kind", kind)],
        Some(("file", name, bytes)),
    )
    .await
}

/// Issue 18.1: a 补录 is created reported and backfilled (who, when, why), audited; it counts
/// for an application only once the scan of the original 登记表 is attached; the application's
/// activities show it as 补录.
#[tokio::test]
async fn issue_18_1_a_backfilled_activity_counts_once_its_scan_is_attached() {
    let app = TestApp::spawn().await;
    let unit = app.create_unit("university", None).await;
    let (team, token) = app.team_with_user(unit).await;
    let cycle = app.open_cycle(2026).await;
    let v = backfilled(&app, team).await;
    let id = v["id"].as_i64().unwrap();
    assert_eq!(v["status"], "reported");
    assert_eq!(v["backfilled"], true);
    assert_eq!(v["backfill"]["reason"], "系统上线前已按通知邮件登记");
    assert_eq!(v["backfill"]["scan_attached"], false);
    assert!(
        v["registered_at"]
            .as_str()
            .unwrap()
            .starts_with(&cst_date(&app, Duration::days(-35))),
        "{v}"
    );
    assert_eq!(v["report"]["sessions"], 3);
    assert!(v["backfill"]["backfilled_by"].as_i64().is_some(), "{v}");
    assert!(v["backfill"]["backfilled_at"].as_str().is_some(), "{v}");

    let (s, v) = app
        .post(
            &format!("/api/v1/cycles/{cycle}/applications"),
            &token,
            app.application_body(team, &[id]),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let application = v["id"].as_i64().unwrap();
    app.seed_attachment(application, "summary").await;
    app.seed_attachment(application, "photo").await;
    let submit = format!("/api/v1/applications/{application}/submit");
    assert_error(
        &app.post(&submit, &token, json!({})).await,
        422,
        "no_counted_activity",
    );

    let (s, v) = upload(&app, &app.admin, id, "scan", "登记表扫描件.pdf", evidence::pdf()).await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let (_, v) = app.get(&format!("/api/v1/activities/{id}"), &token).await;
    assert_eq!(v["backfill"]["scan_attached"], true, "{v}");
    assert_eq!(v["attachments"][0]["kind"], "scan");
    let (s, v) = app.post(&submit, &token, json!({})).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let (_, v) = app
        .get(&format!("/api/v1/applications/{application}/activities"), &token)
        .await;
    assert_eq!(v["items"][0]["backfilled"], true, "{v}");
    assert_eq!(v["items"][0]["attachments"][0]["kind"], "scan");
    let resp = app
        .client
        .get(app.url(&format!("/api/v1/applications/{application}/form.docx")))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    let form = resp.bytes().await.unwrap().to_vec();
    let xml = zhihui::export::docx_text::document_xml(&form).unwrap();
    assert!(
        xml.contains("防灾减灾科普进社区（补录）"),
        "the 申报书 marks the 补录"
    );

    let (_, v) = app
        .get(
            &format!("/api/v1/audit?entity=activity&entity_id={id}"),
            &app.admin,
        )
        .await;
    assert!(
        v["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["action"] == "backfill"),
        "{v}"
    );
}

/// Issue 18.1: a cycle that does not count 补录 leaves them out, scan or not.
#[tokio::test]
async fn issue_18_1_a_cycle_may_leave_backfilled_activities_out() {
    let app = TestApp::spawn().await;
    let unit = app.create_unit("university", None).await;
    let (team, token) = app.team_with_user(unit).await;
    let mut body = app.cycle_body(2026);
    body["count_backfilled"] = json!(false);
    let (s, v) = app.post("/api/v1/cycles", &app.admin, body).await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    assert_eq!(v["count_backfilled"], false);
    let cycle = v["id"].as_i64().unwrap();
    app.post(&format!("/api/v1/cycles/{cycle}/open"), &app.admin, json!({}))
        .await;
    let id = backfilled(&app, team).await["id"].as_i64().unwrap();
    let (s, _) = upload(&app, &app.admin, id, "scan", "scan.pdf", evidence::pdf()).await;
    assert_eq!(s, StatusCode::CREATED);
    let (_, v) = app
        .post(
            &format!("/api/v1/cycles/{cycle}/applications"),
            &token,
            app.application_body(team, &[id]),
        )
        .await;
    let application = v["id"].as_i64().unwrap();
    app.seed_attachment(application, "summary").await;
    app.seed_attachment(application, "photo").await;
    assert_error(
        &app.post(
            &format!("/api/v1/applications/{application}/submit"),
            &token,
            json!({}),
        )
        .await,
        422,
        "no_counted_activity",
    );
    // A new cycle counts them by default.
    let (_, v) = app.post("/api/v1/cycles", &app.admin, app.cycle_body(2027)).await;
    assert_eq!(v["count_backfilled"], true, "{v}");
}

/// Issue 18.1, bad input: the registration must precede the start, the activity must have
/// happened, a reason is required; only the admin backfills.
#[tokio::test]
async fn issue_18_1_a_backfill_is_refused_naming_what_is_wrong() {
    let app = TestApp::spawn().await;
    let unit = app.create_unit("university", None).await;
    let (team, token) = app.team_with_user(unit).await;
    let mut body = backfill_body(&app, team);
    body["registered_on"] = json!(cst_date(&app, Duration::days(-29)));
    let r = app.post("/api/v1/activities/backfill", &app.admin, body).await;
    assert_error(&r, 422, "registered_after_start");
    assert_eq!(r.1["field"], "registered_on");
    let mut body = backfill_body(&app, team);
    body["planned_start"] = json!(app.at(Duration::days(2)));
    body["planned_end"] = json!(app.at(Duration::days(2) + Duration::hours(1)));
    assert_error(
        &app.post("/api/v1/activities/backfill", &app.admin, body).await,
        422,
        "activity_not_started",
    );
    let mut body = backfill_body(&app, team);
    body["reason"] = json!("  ");
    let r = app.post("/api/v1/activities/backfill", &app.admin, body).await;
    assert_eq!(r.0, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.1);
    assert_eq!(r.1["field"], "reason");
    let mut body = backfill_body(&app, team);
    body["leader_mobile"] = json!("12345");
    let r = app.post("/api/v1/activities/backfill", &app.admin, body).await;
    assert_eq!(r.1["field"], "leader_mobile", "{}", r.1);
    assert_error(
        &app.post("/api/v1/activities/backfill", &token, backfill_body(&app, team))
            .await,
        403,
        "forbidden",
    );
    let (_, v) = app
        .get(&format!("/api/v1/activities?team_id={team}"), &app.admin)
        .await;
    assert_eq!(v["total"], 0, "nothing was recorded: {v}");
}

/// The template's header row, read back.
async fn template_header(app: &TestApp) -> Vec<String> {
    let resp = app
        .client
        .get(app.url("/api/v1/activities/backfill/template"))
        .bearer_auth(&app.admin)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    let bytes = resp.bytes().await.unwrap().to_vec();
    let mut wb: Xlsx<_> = open_workbook_from_rs(Cursor::new(bytes)).unwrap();
    let names = wb.sheet_names();
    assert_eq!(names, ["补录", "填写说明", "类别"]);
    let cats = wb.worksheet_range("类别").unwrap();
    assert!(cats.rows().any(|r| r[1] == "科技服务供需对接"));
    let range = wb.worksheet_range("补录").unwrap();
    range
        .rows()
        .next()
        .unwrap()
        .iter()
        .map(|c| c.to_string())
        .collect()
}

/// A sheet with the template's header and these rows.
fn sheet(header: &[String], rows: &[Vec<String>]) -> Vec<u8> {
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    for (c, h) in header.iter().enumerate() {
        ws.write_string(0, c as u16, h).unwrap();
    }
    for (r, row) in rows.iter().enumerate() {
        for (c, v) in row.iter().enumerate() {
            ws.write_string(r as u32 + 1, c as u16, v).unwrap();
        }
    }
    wb.save_to_buffer().unwrap()
}

fn row(app: &TestApp, team_name: &str, mobile: &str, registered_on: &str) -> Vec<String> {
    [
        team_name,
        "科技下乡义诊",
        "义诊咨询",
        &cst(app, Duration::days(-20)),
        &cst(app, Duration::days(-20) + Duration::hours(4)),
        "新民市某村",
        "王医生",
        mobile,
        "义诊咨询",
        "服务村民200人",
        &cst(app, Duration::days(-20)),
        &cst(app, Duration::days(-20) + Duration::hours(3)),
        "2",
        "230",
        "12",
        "顺利完成",
        registered_on,
        "上线前邮件登记",
    ]
    .iter()
    .map(|s| (*s).to_owned())
    .collect()
}

async fn import(app: &TestApp, bytes: Vec<u8>) -> (StatusCode, Value) {
    app.post_multipart(
        "/api/v1/activities/backfill/import",
        &app.admin,
        &[],
        Some(("file", "补录.xlsx", bytes)),
    )
    .await
}

/// Issue 18.1, bulk: the template's sheet imports all rows or none; every bad row is listed
/// by its line number, in Chinese, and nothing is recorded.
#[tokio::test]
async fn issue_18_1_the_import_takes_all_rows_or_lists_every_bad_one() {
    let app = TestApp::spawn().await;
    let unit = app.create_unit("university", None).await;
    let (team, _) = app.team_with_user(unit).await;
    let team_name = app.get(&format!("/api/v1/teams/{team}"), &app.admin).await.1["name"]
        .as_str()
        .unwrap()
        .to_owned();
    let header = template_header(&app).await;
    assert_eq!(header[0], "服务队名称");
    assert_eq!(header.len(), zhihui::domain::backfill_import::COLUMNS.len());
    let before = cst_date(&app, Duration::days(-25));
    let bad = sheet(
        &header,
        &[
            row(&app, &team_name, "13912345678", &before),
            row(&app, &team_name, "12345", &before),
            row(&app, "没有这个队", "13912345678", "昨天"),
            row(
                &app,
                &team_name,
                "13912345678",
                &cst_date(&app, Duration::days(-10)),
            ),
        ],
    );
    let (s, v) = import(&app, bad).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert_eq!(v["code"], "import_rejected");
    let lines: Vec<i64> = v["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["row"].as_i64().unwrap())
        .collect();
    assert!(
        lines.contains(&3) && lines.contains(&4) && lines.contains(&5),
        "{v}"
    );
    assert!(!lines.contains(&2), "{v}");
    let text = v["rows"].to_string();
    assert!(
        text.contains("登记表发送日期") && text.contains("没有这个队"),
        "{v}"
    );
    let (_, list) = app
        .get(&format!("/api/v1/activities?team_id={team}"), &app.admin)
        .await;
    assert_eq!(list["total"], 0, "nothing recorded: {list}");

    let good = sheet(
        &header,
        &[
            row(&app, &team_name, "13912345678", &before),
            vec![String::new(); header.len()],
            row(&app, &team_name, "13812345678", &before),
        ],
    );
    let (s, v) = import(&app, good).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["imported"], 2);
    assert_eq!(v["items"][0]["backfilled"], true);
    assert_eq!(v["items"][0]["category"], "clinic");
    let (_, list) = app
        .get(&format!("/api/v1/activities?team_id={team}"), &app.admin)
        .await;
    assert_eq!(list["total"], 2);
    // Not a sheet at all: one problem at line 1; a team may not import.
    let (s, v) = import(&app, b"hello".to_vec()).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert_eq!(v["rows"][0]["row"], 1);
}

/// Issue 18.4: the owning team adds photos and reports to its activity through the year
/// (sniffed like evidence: a pdf is no photo); the admin only to a 补录; its unit lists them;
/// another team sees nothing; an expert assigned to an application counting the activity
/// opens the file, another expert does not.
#[tokio::test]
async fn issue_18_4_activity_files_through_the_year() {
    let app = TestApp::spawn().await;
    let unit = app.create_unit("university", None).await;
    let (team, token) = app.team_with_user(unit).await;
    let act = app.register_activity(&token, team, Duration::hours(1)).await;
    let (s, v) = upload(&app, &token, act, "photo", "现场.jpg", evidence::jpeg()).await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let file = v["id"].as_i64().unwrap();
    assert_eq!(v["content_type"], "image/jpeg");
    assert_error(
        &upload(&app, &token, act, "photo", "x.jpg", evidence::pdf()).await,
        415,
        "unsupported_file_type",
    );
    let (s, _) = upload(&app, &token, act, "report", "报道.pdf", evidence::pdf()).await;
    assert_eq!(s, StatusCode::CREATED);
    assert_error(
        &upload(&app, &app.admin, act, "photo", "x.jpg", evidence::jpeg()).await,
        403,
        "forbidden",
    );
    let (_, unit_user) = app.user("unit", Some(unit), None).await;
    assert_error(
        &upload(&app, &unit_user, act, "photo", "x.jpg", evidence::jpeg()).await,
        403,
        "forbidden",
    );
    let (_, other) = app.team_with_user(unit).await;
    assert_error(
        &upload(&app, &other, act, "photo", "x.jpg", evidence::jpeg()).await,
        404,
        "not_found",
    );
    let (s, v) = app
        .get(&format!("/api/v1/activities/{act}/attachments"), &unit_user)
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["total"], 2);
    assert_error(
        &app.get(&format!("/api/v1/activities/{act}/attachments"), &other)
            .await,
        404,
        "not_found",
    );
    let content = format!("/api/v1/activity-attachments/{file}/content");
    let resp = app
        .client
        .get(app.url(&content))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    assert_eq!(resp.bytes().await.unwrap().to_vec(), evidence::jpeg());
    assert_error(&app.get(&content, &other).await, 404, "not_found");

    // Through an application to its assigned expert.
    app.advance(Duration::hours(2));
    app.report_activity(&token, act, 2, 80).await;
    let mut body = app.cycle_body(2026);
    body["reviewers_per_application"] = json!(1);
    let (_, v) = app.post("/api/v1/cycles", &app.admin, body).await;
    let cycle = v["id"].as_i64().unwrap();
    app.post(&format!("/api/v1/cycles/{cycle}/open"), &app.admin, json!({}))
        .await;
    let (_, v) = app
        .post(
            &format!("/api/v1/cycles/{cycle}/applications"),
            &token,
            app.application_body(team, &[act]),
        )
        .await;
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
    for who in [&unit_user, &app.admin] {
        let (s, v) = app
            .post(
                &format!("/api/v1/applications/{application}/opinions"),
                who,
                json!({"decision": "approve", "comment": "同意"}),
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{v}");
    }
    app.post(&format!("/api/v1/cycles/{cycle}/close"), &app.admin, json!({}))
        .await;
    let expert_unit = app.create_unit("institute", None).await;
    let (expert, expert_token) = app.expert(expert_unit).await;
    let (_, stranger) = app.expert(expert_unit).await;
    app.assign(application, expert).await;
    let (_, v) = app
        .get(
            &format!("/api/v1/applications/{application}/activities"),
            &expert_token,
        )
        .await;
    assert_eq!(v["items"][0]["attachments"].as_array().unwrap().len(), 2, "{v}");
    let resp = app
        .client
        .get(app.url(&content))
        .bearer_auth(&expert_token)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    assert_error(&app.get(&content, &stranger).await, 404, "not_found");
}

/// Issue 18.4/18.5 in pages: the team uploads a photo on its activity's page (a pdf as a
/// photo is refused there in Chinese); the assigned expert's page of the application's
/// activities shows the activity, its tasks and the file, which opens; another expert gets
/// the 404 page.
#[tokio::test]
async fn issue_18_4_and_18_5_pages_for_activity_files_and_the_experts_view() {
    use crate::web_pages::{logged_in, user};
    let app = TestApp::spawn().await;
    let unit = app.create_unit("university", None).await;
    let team = app.create_team(unit).await;
    user(&app, "team_files", "team", None, Some(team)).await;
    let mut w = logged_in(&app, "team_files").await;
    let token = app.login("team_files", crate::helpers::PASSWORD).await;
    let act = app.reported_activity(&token, team, 2, 90).await;
    let p = w
        .post_multipart(
            &format!("/activities/{act}/files"),
            &[("kind", "photo")],
            Some(("file", "x.jpg", evidence::pdf())),
            true,
        )
        .await;
    assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", p.body);
    assert!(p.body.contains("upload-error"), "{}", p.body);
    let p = w
        .post_multipart(
            &format!("/activities/{act}/files"),
            &[("kind", "photo")],
            Some(("file", "现场照片.jpg", evidence::jpeg())),
            true,
        )
        .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.body);
    let p = w.get(&format!("/activities/{act}")).await;
    assert!(
        p.body.contains("现场照片.jpg") && p.body.contains("活动材料"),
        "{}",
        p.body
    );

    let cycle = app.open_cycle(2026).await;
    let (_, v) = app
        .post(
            &format!("/api/v1/cycles/{cycle}/applications"),
            &token,
            app.application_body(team, &[act]),
        )
        .await;
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
    for who in [&unit_user, &app.admin] {
        app.post(
            &format!("/api/v1/applications/{application}/opinions"),
            who,
            json!({"decision": "approve", "comment": "同意"}),
        )
        .await;
    }
    app.post(&format!("/api/v1/cycles/{cycle}/close"), &app.admin, json!({}))
        .await;
    let expert_unit = app.create_unit("institute", None).await;
    user(&app, "expert_pages", "expert", Some(expert_unit), None).await;
    user(&app, "expert_other", "expert", Some(expert_unit), None).await;
    let expert_id = crate::web_pages::user_id(&app, "expert_pages").await;
    app.assign(application, expert_id).await;
    let mut e = logged_in(&app, "expert_pages").await;
    let p = e.get(&format!("/applications/{application}/activities")).await;
    assert_eq!(p.status, StatusCode::OK, "{}", p.body);
    assert!(
        p.body.contains("counted-activity") && p.body.contains("讲解防灾减灾知识"),
        "{}",
        p.body
    );
    let file = p
        .body
        .split("/activity-files/")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_owned();
    let f = e.get(&format!("/activity-files/{file}")).await;
    assert_eq!(f.status, StatusCode::OK);
    let mut other = logged_in(&app, "expert_other").await;
    let p = other
        .get(&format!("/applications/{application}/activities"))
        .await;
    assert_eq!(p.status, StatusCode::NOT_FOUND);
    let p = other.get(&format!("/activity-files/{file}")).await;
    assert_eq!(p.status, StatusCode::NOT_FOUND);
}

/// Issue 18.1 in pages: the admin's 活动补录 page offers the template and imports a sheet —
/// a bad one lists every bad row by its line, in Chinese, and records nothing.
#[tokio::test]
async fn issue_18_1_the_admin_backfill_page_imports_the_template() {
    let app = TestApp::spawn().await;
    let unit = app.create_unit("university", None).await;
    let (team, _) = app.team_with_user(unit).await;
    let team_name = app.get(&format!("/api/v1/teams/{team}"), &app.admin).await.1["name"]
        .as_str()
        .unwrap()
        .to_owned();
    let mut w = crate::web_pages::admin_web(&app).await;
    let p = w.get("/admin/backfill").await;
    assert_eq!(p.status, StatusCode::OK);
    assert!(p.body.contains("/admin/backfill/template.xlsx") && p.body.contains("活动补录"));
    let t = w.get("/admin/backfill/template.xlsx").await;
    assert_eq!(t.status, StatusCode::OK);
    let header = template_header(&app).await;
    let before = cst_date(&app, Duration::days(-25));
    let bad = sheet(
        &header,
        &[
            row(&app, &team_name, "13912345678", &before),
            row(&app, &team_name, "12345", &before),
        ],
    );
    let p = w
        .post_multipart(
            "/admin/backfill/import",
            &[],
            Some(("file", "补录.xlsx", bad)),
            true,
        )
        .await;
    assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", p.body);
    assert!(
        p.body.contains("第3行") && p.body.contains("负责人手机"),
        "{}",
        p.body
    );
    let good = sheet(&header, &[row(&app, &team_name, "13912345678", &before)]);
    let p = w
        .post_multipart(
            "/admin/backfill/import",
            &[],
            Some(("file", "补录.xlsx", good)),
            true,
        )
        .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.body);
    let p = w.get("/admin/backfill?imported=1").await;
    assert!(p.body.contains("已补录 1 项活动"));
    let (_, list) = app
        .get(&format!("/api/v1/activities?team_id={team}"), &app.admin)
        .await;
    assert_eq!(list["total"], 1);
}
