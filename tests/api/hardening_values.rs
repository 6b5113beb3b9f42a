//! Issue 20 point 6 (R-ERR): plausible values, declared in the spec and enforced — dates
//! 2000-01-01 … 2100-12-31, `founded_on` not in the future, counts ≤ 1,000,000, money per tier
//! ≤ 100,000,000 fen; a value outside is 422 naming the field (never poem-openapi's 400).

use crate::helpers::{TestApp, assert_error};
use chrono::Duration;
use reqwest::StatusCode;
use serde_json::json;

#[track_caller]
fn refused(r: &(StatusCode, serde_json::Value), field: &str) {
    assert_error(r, 422, "invalid_value");
    assert_eq!(r.1["field"], field, "{}", r.1);
}

#[tokio::test]
async fn implausible_team_dates_and_counts_are_refused_naming_the_field() {
    let app = TestApp::spawn().await;
    let unit = app.create_unit("district", None).await;
    for day in ["0001-01-01", "9999-12-31", "1999-12-31"] {
        let mut body = app.team_body(unit);
        body["founded_on"] = json!(day);
        refused(&app.post("/api/v1/teams", &app.admin, body).await, "founded_on");
    }
    let mut body = app.team_body(unit);
    body["founded_on"] = json!((app.now() + Duration::days(3)).format("%Y-%m-%d").to_string());
    refused(&app.post("/api/v1/teams", &app.admin, body).await, "founded_on");

    let mut body = app.team_body(unit);
    body["volunteer_count"] = json!(1_000_001);
    refused(
        &app.post("/api/v1/teams", &app.admin, body).await,
        "volunteer_count",
    );
    let mut body = app.team_body(unit);
    body["volunteer_count"] = json!(1_000_000);
    let (s, v) = app.post("/api/v1/teams", &app.admin, body).await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let team = v["id"].as_i64().unwrap();
    let r = app
        .patch(
            &format!("/api/v1/teams/{team}"),
            &app.admin,
            json!({"volunteer_count": i64::MAX}),
        )
        .await;
    refused(&r, "volunteer_count");
    let r = app
        .patch(
            &format!("/api/v1/teams/{team}"),
            &app.admin,
            json!({"founded_on": "9999-12-31"}),
        )
        .await;
    refused(&r, "founded_on");
}

#[tokio::test]
async fn implausible_cycle_settings_are_refused_naming_the_field() {
    let app = TestApp::spawn().await;
    let mut body = app.cycle_body(2033);
    body["tiers"][0]["subsidy_fen"] = json!(1_i64 << 62);
    refused(
        &app.post("/api/v1/cycles", &app.admin, body).await,
        "tiers[0].subsidy_fen",
    );
    let mut body = app.cycle_body(2033);
    body["activity_period_start"] = json!("0001-01-01");
    refused(
        &app.post("/api/v1/cycles", &app.admin, body).await,
        "activity_period_start",
    );
    let mut body = app.cycle_body(2033);
    body["applications_close_at"] = json!("9999-12-31T00:00:00+08:00");
    refused(
        &app.post("/api/v1/cycles", &app.admin, body).await,
        "applications_close_at",
    );
    let mut body = app.cycle_body(2033);
    body["tiers"][1]["subsidy_fen"] = json!(100_000_000);
    let (s, v) = app.post("/api/v1/cycles", &app.admin, body).await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
}

#[tokio::test]
async fn implausible_activity_times_and_report_counts_are_refused() {
    let app = TestApp::spawn().await;
    let unit = app.create_unit("district", None).await;
    let (team, token) = app.team_with_user(unit).await;
    let mut body = app.activity_body(team, Duration::days(1));
    body["planned_end"] = json!("9999-12-31T10:00:00+08:00");
    refused(&app.post("/api/v1/activities", &token, body).await, "planned_end");

    let id = app.register_activity(&token, team, Duration::hours(1)).await;
    app.advance(Duration::hours(2));
    for (field, value) in [
        ("people_served", 1_000_001_i64),
        ("volunteers", 5_000_000),
        ("sessions", 1 << 40),
    ] {
        let mut report = json!({
            "actual_start": app.at(Duration::hours(-2)), "actual_end": app.at(Duration::hours(-1)),
            "sessions": 2, "people_served": 100, "volunteers": 5, "summary": "讲座两场。"
        });
        report[field] = json!(value);
        let r = app
            .post(&format!("/api/v1/activities/{id}/report"), &token, report)
            .await;
        refused(&r, field);
    }
}

/// The bounds are declared in the served spec, so clients and fuzzers see them.
#[tokio::test]
async fn the_spec_declares_the_bounds() {
    let app = TestApp::spawn().await;
    let spec: serde_json::Value = app
        .client
        .get(app.url("/openapi.json"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let s = &spec["components"]["schemas"];
    assert_eq!(
        s["TeamIn"]["properties"]["volunteer_count"]["maximum"],
        1_000_000.0
    );
    assert_eq!(s["TeamIn"]["properties"]["volunteer_count"]["minimum"], 0.0);
    assert_eq!(
        s["TierRule"]["properties"]["subsidy_fen"]["maximum"],
        100_000_000.0
    );
    for f in ["sessions", "people_served", "volunteers"] {
        assert_eq!(s["ReportIn"]["properties"][f]["maximum"], 1_000_000.0, "{f}");
    }
    let founded = s["TeamIn"]["properties"]["founded_on"]["description"]
        .as_str()
        .unwrap();
    assert!(
        founded.contains("2000-01-01") && founded.contains("2100-12-31"),
        "{founded}"
    );
}
