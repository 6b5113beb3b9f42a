//! Issue 18.1: "experts, results and the forms show 补录" — the results rows count the 补录
//! among each application's counted activities (API, ranking page, results sheet).

use crate::{
    helpers::{TestApp, evidence},
    review_seed::{CycleSpec, Scenario},
};
use calamine::{Data, Reader, Xlsx, open_workbook_from_rs};
use chrono::Duration;
use reqwest::StatusCode;
use sea_orm::{ActiveModelTrait, Set};
use serde_json::{Value, json};
use std::io::Cursor;

/// A 补录 of `team`, its scan attached when `scanned`, listed by `application`.
async fn backfill_into(app: &TestApp, team: i64, application: i64, scanned: bool) {
    let start = Duration::days(-40);
    let (s, v) = app
        .post(
            "/api/v1/activities/backfill",
            &app.admin,
            json!({
                "team_id": team,
                "name": "防灾减灾科普进社区",
                "category": "lecture",
                "planned_start": app.at(start),
                "planned_end": app.at(start + Duration::hours(3)),
                "location": "沈阳市和平区社区服务中心",
                "leader_name": "李四",
                "leader_mobile": "13912345678",
                "tasks": [{"content": "讲解防灾减灾知识", "target": "覆盖居民100人"}],
                "actual_start": app.at(start),
                "actual_end": app.at(start + Duration::hours(2)),
                "sessions": 2,
                "people_served": 60,
                "volunteers": 5,
                "summary": "活动顺利完成",
                "registered_on": zhihui::domain::cst_date(app.now() - Duration::days(45)).to_string(),
                "reason": "系统上线前已按通知邮件登记"
            }),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let activity = v["id"].as_i64().unwrap();
    if scanned {
        let (s, v) = app
            .post_multipart(
                &format!("/api/v1/activities/{activity}/attachments"),
                &app.admin,
                &[("kind", "scan")],
                Some(("file", "登记表.pdf", evidence::pdf())),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "{v}");
    }
    entity::application_activities::ActiveModel {
        application_id: Set(application as i32),
        activity_id: Set(activity as i32),
        ..Default::default()
    }
    .insert(&app.db)
    .await
    .unwrap();
}

fn item(results: &Value, application: i64) -> &Value {
    results["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["application_id"] == application)
        .unwrap()
}

/// Issue 18.1: the first application counts its own activity and a scanned 补录; the second
/// a 补录 without its scan, which does not count. The results rows say 2 of which 1 补录, and
/// 1 of which 0; the ranking page marks the first; the results sheet has 其中补录 with a
/// 合计 that is a SUM with its value cached.
#[tokio::test]
async fn issue_18_1_results_count_the_backfilled_activities() {
    let app = TestApp::spawn().await;
    let s = Scenario::new(&app, CycleSpec::default(), &[(5, 100), (3, 50)], 1).await;
    backfill_into(&app, s.teams[0].id, s.apps[0], true).await;
    backfill_into(&app, s.teams[1].id, s.apps[1], false).await;
    s.score(&app, &[&[80.0], &[70.0]]).await;
    let ranked = app.rank(s.cycle).await;
    assert_eq!(item(&ranked, s.apps[0])["backfilled_activities"], 1, "{ranked}");

    let (status, results) = app
        .get(&format!("/api/v1/cycles/{}/results", s.cycle), &app.admin)
        .await;
    assert_eq!(status, StatusCode::OK, "{results}");
    let first = item(&results, s.apps[0]);
    assert_eq!(first["counted_activities"], 2, "{first}");
    assert_eq!(first["backfilled_activities"], 1, "{first}");
    assert_eq!(first["sessions"], 7, "the 补录's sessions count: {first}");
    let second = item(&results, s.apps[1]);
    assert_eq!(second["counted_activities"], 1, "{second}");
    assert_eq!(
        second["backfilled_activities"], 0,
        "no scan, not counted: {second}"
    );

    let mut w = crate::web_pages::admin_web(&app).await;
    let p = w.get(&format!("/admin/cycles/{}/ranking", s.cycle)).await;
    assert_eq!(p.status, StatusCode::OK);
    assert!(
        p.body
            .contains(&format!("data-testid=\"backfilled-{}\">其中补录 1 项", s.apps[0])),
        "{}",
        p.body
    );
    assert!(
        !p.body
            .contains(&format!("data-testid=\"backfilled-{}\"", s.apps[1]))
    );
    assert!(
        p.body.contains("data-testid=\"with-backfilled-count\">1<"),
        "{}",
        p.body
    );

    let resp = app
        .client
        .get(app.url(&format!("/api/v1/cycles/{}/results/sheet", s.cycle)))
        .bearer_auth(&app.admin)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    let bytes = resp.bytes().await.unwrap().to_vec();
    if let Ok(dir) = std::env::var("ZHIHUI_SHEET_DUMP") {
        std::fs::write(std::path::Path::new(&dir).join("results-backfill.xlsx"), &bytes).unwrap();
    }
    let mut book: Xlsx<_> = open_workbook_from_rs(Cursor::new(bytes)).unwrap();
    let range = book.worksheet_range("评审结果").unwrap();
    let header: Vec<String> = (0..range.width() as u32)
        .map(|c| range.get_value((1, c)).map(|d| d.to_string()).unwrap_or_default())
        .collect();
    let activities = header.iter().position(|h| h == "计入活动").expect("计入活动") as u32;
    let backfilled = header.iter().position(|h| h == "其中补录").expect("其中补录") as u32;
    assert_eq!(backfilled, activities + 1);
    // Rank 1 (80 points) is the first application.
    assert_eq!(range.get_value((2, activities)), Some(&Data::Float(2.0)));
    assert_eq!(range.get_value((2, backfilled)), Some(&Data::Float(1.0)));
    assert_eq!(range.get_value((3, backfilled)), Some(&Data::Float(0.0)));
    assert_eq!(range.get_value((4, 0)), Some(&Data::String("合计".into())));
    assert_eq!(range.get_value((4, activities)), Some(&Data::Float(3.0)));
    assert_eq!(range.get_value((4, backfilled)), Some(&Data::Float(1.0)));
    let formulas = book.worksheet_formula("评审结果").unwrap();
    let col = |c: u32| char::from(b'A' + c as u8);
    assert_eq!(
        formulas.get_value((4, backfilled)).map(String::as_str),
        Some(format!("SUM({0}3:{0}4)", col(backfilled)).as_str())
    );
}
