//! Issue 18.8: the payout sheet and the results sheet as Chinese finance offices print them:
//! 宋体 body, 黑体 title, the 合计 a SUM formula with its value cached, rows as tall as their
//! wrapped cells, one page wide on A4 landscape — checked in the xlsx's XML.

use crate::{helpers::TestApp, record::opinion};
use chrono::Duration;
use reqwest::StatusCode;
use serde_json::json;
use std::io::Read;

/// One part of an xlsx (a zip), as text.
fn part(bytes: &[u8], name: &str) -> String {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut s = String::new();
    zip.by_name(name).unwrap().read_to_string(&mut s).unwrap();
    s
}

async fn download(app: &TestApp, path: &str, token: &str, dump_as: &str) -> Vec<u8> {
    let resp = app
        .client
        .get(app.url(path))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK, "{path}");
    let bytes = resp.bytes().await.unwrap().to_vec();
    // For rendering by hand with LibreOffice (README: "looking at the sheets").
    if let Ok(dir) = std::env::var("ZHIHUI_SHEET_DUMP") {
        std::fs::write(std::path::Path::new(&dir).join(dump_as), &bytes).unwrap();
    }
    bytes
}

/// The heights (points) of the rows that set one, by row number.
fn heights(sheet_xml: &str) -> Vec<(u32, f64)> {
    sheet_xml
        .split("<row ")
        .skip(1)
        .filter_map(|r| {
            // The row's own attributes only (its cells carry `r` too).
            let tag = format!(" {}", r.split('>').next().unwrap_or_default());
            let attr = |name: &str| {
                tag.split(&format!(" {name}=\""))
                    .nth(1)
                    .and_then(|rest| rest.split('"').next())
                    .map(str::to_owned)
            };
            Some((attr("r")?.parse().ok()?, attr("ht")?.parse().ok()?))
        })
        .collect()
}

/// Issue 18.8, with a 20-character project name and 30-character bank, unit and account
/// names: both sheets carry 宋体 and 黑体, the payout sheet's 合计 is `SUM` with its cached
/// value beside its 大写, the data rows are taller than one line, A4 landscape one page wide.
#[tokio::test]
async fn issue_18_8_the_sheets_print_as_finance_offices_print_them() {
    let app = TestApp::spawn().await;
    let unit_name = "沈阳市浑南区科学技术协会科技志愿服务中心暨青少年科技教育基地";
    assert_eq!(unit_name.chars().count(), 30);
    let (s, v) = app
        .post(
            "/api/v1/units",
            &app.admin,
            json!({"name": unit_name, "kind": "society"}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let unit = v["id"].as_i64().unwrap();
    let (team, token) = app.team_with_user(unit).await;
    let act = app.reported_activity(&token, team, 4, 300).await;
    let mut body = app.cycle_body(2026);
    body["reviewers_per_application"] = json!(1);
    let (_, v) = app.post("/api/v1/cycles", &app.admin, body).await;
    let cycle = v["id"].as_i64().unwrap();
    app.post(&format!("/api/v1/cycles/{cycle}/open"), &app.admin, json!({}))
        .await;
    let project = "乡村振兴科技赋能暨青少年科学素质提升行动";
    assert_eq!(project.chars().count(), 20);
    let bank = "中国工商银行股份有限公司沈阳市浑南区科技创新产业园区支行营业";
    assert_eq!(bank.chars().count(), 30);
    let mut body = app.application_body(team, &[act]);
    body["project_name"] = json!(project);
    body["bank"] = json!({"bank_name": bank, "account_no": "6222020200012345678", "account_name": unit_name});
    let (s, v) = app
        .post(&format!("/api/v1/cycles/{cycle}/applications"), &token, body)
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
    let (expert, expert_token) = app.expert(expert_unit).await;
    app.assign(application, expert).await;
    app.score_total(&expert_token, application, 88.0).await;
    app.rank(cycle).await;

    let results = download(
        &app,
        &format!("/api/v1/cycles/{cycle}/results/sheet"),
        &app.admin,
        "results.xlsx",
    )
    .await;
    let styles = part(&results, "xl/styles.xml");
    assert!(styles.contains("宋体") && styles.contains("黑体"), "{styles}");
    let sheet = part(&results, "xl/worksheets/sheet1.xml");
    assert!(sheet.contains("<pageSetup paperSize=\"9\"") && sheet.contains("orientation=\"landscape\""));
    assert!(
        sheet.contains("fitToWidth=\"1\"") || sheet.contains("<pageSetUpPr fitToPage=\"1\""),
        "{sheet}"
    );
    let data_row = heights(&sheet)
        .into_iter()
        .find(|(r, _)| *r == 3)
        .expect("row 3 has a height");
    assert!(
        data_row.1 >= 2.0 * 14.5,
        "a wrapped 30-character unit name: {data_row:?}"
    );

    let (s, _) = app.publish(cycle, Duration::days(3)).await;
    assert_eq!(s, StatusCode::OK);
    app.advance(Duration::days(4));
    let (s, v) = app
        .post(&format!("/api/v1/cycles/{cycle}/finalize"), &app.admin, json!({}))
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let (_, finance) = app.user("finance", None, None).await;
    let (s, batch) = app
        .post("/api/v1/payout-batches", &finance, json!({"cycle_id": cycle}))
        .await;
    assert_eq!(s, StatusCode::CREATED, "{batch}");
    let payout = download(
        &app,
        &format!("/api/v1/payout-batches/{}/sheet", batch["id"]),
        &finance,
        "payout.xlsx",
    )
    .await;
    let styles = part(&payout, "xl/styles.xml");
    assert!(styles.contains("宋体") && styles.contains("黑体"), "{styles}");
    let sheet = part(&payout, "xl/worksheets/sheet1.xml");
    // One line (row 3), the total on row 4: SUM(F3:F3) with its value cached.
    assert!(sheet.contains("<f>SUM(F3:F3)</f><v>10000</v>"), "{sheet}");
    assert!(sheet.contains("orientation=\"landscape\"") && sheet.contains("paperSize=\"9\""));
    let data_row = heights(&sheet)
        .into_iter()
        .find(|(r, _)| *r == 3)
        .expect("row 3 has a height");
    assert!(
        data_row.1 >= 3.0 * 14.5,
        "a 30-character bank name wraps to 3 lines: {data_row:?}"
    );
    // The 大写 beside the total (constant-memory sheets write strings inline).
    assert!(
        sheet.contains(
            "<f>SUM(F3:F3)</f><v>10000</v></c><c r=\"G4\" s=\"9\" t=\"inlineStr\"><is><t>壹万元整</t>"
        ),
        "{sheet}"
    );
}
