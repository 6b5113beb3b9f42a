//! Ranking and the results sheet (R-AGG, R-RANK).

use crate::{
    helpers::{TestApp, assert_error},
    review_seed::{CycleSpec, Scenario, order, tiers},
};
use calamine::{Data, Reader, Xlsx, open_workbook_from_rs};
use reqwest::StatusCode;
use serde_json::json;

fn tier(s: &str) -> Option<String> {
    Some(s.to_owned())
}

/// R-RANK: ranking needs every assignment scored and every accepted application assigned;
/// 409 `scores_missing` says which.
#[tokio::test]
async fn ranking_with_a_score_missing_is_refused_naming_what_is_missing() {
    let app = TestApp::spawn().await;
    let s = Scenario::new(&app, CycleSpec::default(), &[(1, 10), (2, 20)], 2).await;
    s.score(&app, &[&[80.0, 70.0], &[60.0]]).await;
    let newcomer = app.seed_team(s.teams[0].unit_id).await;
    let late = app.seed_application(s.cycle, &newcomer, 1, 1).await;

    let r = app
        .post(&format!("/api/v1/cycles/{}/rank", s.cycle), &app.admin, json!({}))
        .await;

    assert_error(&r, 409, "scores_missing");
    let msg = r.1["message"].as_str().unwrap();
    assert!(
        msg.contains(&format!("{}/{}", s.apps[1], s.experts[1].0)),
        "{msg}"
    );
    assert!(!msg.contains(&format!("{}/", s.apps[0])), "{msg}");
    assert!(msg.contains(&late.to_string()), "{msg}");
    assert_eq!(app.cycle_status(s.cycle).await, "reviewing");
}

/// R-AGG: with `trimmed_mean` and five experts the highest and lowest totals are dropped; the
/// result shows every expert's total, the per-criterion means and the spread.
#[tokio::test]
async fn a_trimmed_mean_with_five_experts_drops_the_highest_and_lowest_total() {
    let app = TestApp::spawn().await;
    let spec = CycleSpec {
        aggregation: "trimmed_mean",
        ..Default::default()
    };
    let s = Scenario::new(&app, spec, &[(1, 10)], 5).await;
    s.score(&app, &[&[50.0, 80.0, 82.0, 84.0, 100.0]]).await;

    let v = app.rank(s.cycle).await;

    let item = &v["items"][0];
    assert_eq!(item["final_score"], 82.0, "not the plain mean 79.2: {item}");
    assert_eq!(item["rank"], 1);
    assert_eq!(item["team_id"], s.teams[0].id);
    let mut totals: Vec<f64> = item["expert_totals"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["total"].as_f64().unwrap())
        .collect();
    totals.sort_by(f64::total_cmp);
    assert_eq!(totals, [50.0, 80.0, 82.0, 84.0, 100.0]);
    assert_eq!(item["spread"]["max_minus_min"], 50.0);
    assert_eq!(item["spread"]["std_dev"], 16.23);
    let means = item["criterion_means"].as_array().unwrap();
    assert_eq!(means.len(), 4);
    assert_eq!(means[0]["key"], "sessions");
    assert_eq!(means[0]["name"], "活动场次");
    let sum: f64 = means.iter().map(|m| m["mean"].as_f64().unwrap()).sum();
    assert!((sum - 79.2).abs() < 0.05, "means are over all experts: {sum}");
    assert_eq!(v["status"], "ranked");
    let (_, again) = app
        .get(&format!("/api/v1/cycles/{}/results", s.cycle), &app.admin)
        .await;
    assert_eq!(again, v);
}

/// R-RANK: equal final scores are ordered by sessions, then people served, then the earlier
/// submission.
#[tokio::test]
async fn a_tie_is_broken_by_sessions_then_people_served_then_submission() {
    let app = TestApp::spawn().await;
    let figures = [(3, 100), (5, 50), (3, 200), (3, 200)];
    let s = Scenario::new(&app, CycleSpec::default(), &figures, 1).await;
    s.score(&app, &[&[80.0], &[80.0], &[80.0], &[80.0]]).await;

    let v = app.rank(s.cycle).await;

    assert_eq!(order(&v), [s.apps[1], s.apps[2], s.apps[3], s.apps[0]]);
    assert_eq!(v["items"][0]["sessions"], 5);
    assert_eq!(v["items"][1]["people_served"], 200);
}

/// R-RANK: tiers fill by quota among applications at or above the minimum score; one below
/// it is not awarded although a third-prize place is free.
#[tokio::test]
async fn quotas_fill_in_order_and_the_minimum_score_leaves_one_unawarded() {
    let app = TestApp::spawn().await;
    let spec = CycleSpec {
        min_score: 60,
        tiers: [(1, 1_000_000), (1, 500_000), (5, 200_000)],
        ..Default::default()
    };
    let s = Scenario::new(&app, spec, &[(1, 1); 4], 1).await;
    s.score(&app, &[&[70.0], &[90.0], &[59.9], &[80.0]]).await;

    let v = app.rank(s.cycle).await;

    assert_eq!(order(&v), [s.apps[1], s.apps[3], s.apps[0], s.apps[2]]);
    assert_eq!(tiers(&v), [tier("first"), tier("second"), tier("third"), None]);
    assert!(v["items"][3]["tier"].is_null());
    let (_, audit) = app.get("/api/v1/audit?entity=cycle", &app.admin).await;
    assert_eq!(audit["items"][0]["action"], "rank");
}

/// R-RANK: a score changed after ranking sends the cycle back to `reviewing` (it cannot be
/// published on stale results); ranking again gives the new order.
#[tokio::test]
async fn ranking_again_after_a_score_change_gives_the_new_order() {
    let app = TestApp::spawn().await;
    let s = Scenario::new(&app, CycleSpec::default(), &[(1, 1), (1, 1)], 1).await;
    s.score(&app, &[&[80.0], &[70.0]]).await;
    assert_eq!(order(&app.rank(s.cycle).await), [s.apps[0], s.apps[1]]);

    app.score_total(&s.experts[0].1, s.apps[1], 90.0).await;

    assert_eq!(app.cycle_status(s.cycle).await, "reviewing");
    assert_error(
        &app.publish(s.cycle, chrono::Duration::days(7)).await,
        409,
        "cycle_state",
    );
    let v = app.rank(s.cycle).await;
    assert_eq!(order(&v), [s.apps[1], s.apps[0]]);
    assert_eq!(v["items"][0]["final_score"], 90.0);
    assert_eq!(tiers(&v), [tier("first"), tier("second")]);
}

/// The results sheet: a title naming the cycle, Chinese headers, numbers as numbers, and a
/// Chinese file name (RFC 6266 / 5987).
#[tokio::test]
async fn the_results_sheet_downloads_with_chinese_headers_and_numeric_cells() {
    let app = TestApp::spawn().await;
    let s = Scenario::new(&app, CycleSpec::default(), &[(1, 1), (2, 2)], 2).await;
    let path = format!("/api/v1/cycles/{}/results/sheet", s.cycle);
    assert_error(&app.get(&path, &app.admin).await, 409, "cycle_state");
    s.score(&app, &[&[80.0, 85.5], &[70.0, 71.0]]).await;
    app.rank(s.cycle).await;

    let resp = app
        .client
        .get(app.url(&path))
        .bearer_auth(&app.admin)
        .send()
        .await
        .unwrap();

    assert_eq!(resp.status(), StatusCode::OK);
    let header = |name: &str| resp.headers()[name].to_str().unwrap().to_owned();
    assert_eq!(
        header("content-type"),
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    );
    let disposition = header("content-disposition");
    assert!(
        disposition.starts_with("attachment; filename=\"results-"),
        "{disposition}"
    );
    let encoded = disposition.split("filename*=UTF-8''").nth(1).unwrap();
    let name = percent_decode(encoded);
    assert!(name.ends_with("年度评审结果.xlsx"), "{name}");

    let bytes = resp.bytes().await.unwrap().to_vec();
    let mut book: Xlsx<_> = open_workbook_from_rs(std::io::Cursor::new(bytes)).unwrap();
    let range = book.worksheet_range("评审结果").unwrap();
    let text = |r: u32, c: u32| match range.get_value((r, c)) {
        Some(Data::String(s)) => s.clone(),
        other => panic!("({r},{c}) is {other:?}"),
    };
    assert!(text(0, 0).contains("智惠行动"), "{}", text(0, 0));
    let headers: Vec<String> = (0..10).map(|c| text(1, c)).collect();
    assert_eq!(
        headers,
        [
            "排名",
            "服务队",
            "单位",
            "项目名称",
            "活动场次",
            "服务对象",
            "社会效益",
            "活动亮点与材料规范",
            "最终得分",
            "奖项"
        ]
    );
    assert_eq!(range.get_value((2, 0)), Some(&Data::Float(1.0)));
    assert_eq!(range.get_value((2, 8)), Some(&Data::Float(82.75)));
    assert!(matches!(range.get_value((2, 4)), Some(Data::Float(_))));
    assert_eq!(text(2, 9), "一等奖");
    assert_eq!(range.get_value((3, 8)), Some(&Data::Float(70.5)));
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            out.push(u8::from_str_radix(&s[i + 1..i + 3], 16).unwrap());
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).unwrap()
}
