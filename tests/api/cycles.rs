//! Award cycles (SPEC "Award cycle").

use crate::helpers::{TestApp, assert_error};
use reqwest::StatusCode;
use serde_json::json;

#[tokio::test]
async fn admin_creates_edits_opens_and_closes_a_cycle() {
    let app = TestApp::spawn().await;
    let (s, v) = app.post("/api/v1/cycles", &app.admin, app.cycle_body(2026)).await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    assert_eq!(v["status"], "draft");
    // Without a rubric, the notice's basis totalling 100.
    let rubric = v["rubric"].as_array().unwrap();
    let names: Vec<_> = rubric.iter().map(|c| c["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["活动场次", "服务对象", "社会效益", "活动亮点与材料规范"]);
    assert_eq!(
        rubric
            .iter()
            .map(|c| c["max_score"].as_f64().unwrap())
            .sum::<f64>(),
        100.0
    );
    let id = v["id"].as_i64().unwrap();

    let (s, v) = app
        .patch(
            &format!("/api/v1/cycles/{id}"),
            &app.admin,
            json!({"min_award_score": 65.5, "title": "新标题"}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["min_award_score"], 65.5);

    assert_eq!(
        app.post(&format!("/api/v1/cycles/{id}/open"), &app.admin, json!({}))
            .await
            .1["status"],
        "open"
    );
    // While open only the window moves.
    let r = app
        .patch(
            &format!("/api/v1/cycles/{id}"),
            &app.admin,
            json!({"min_award_score": 70}),
        )
        .await;
    assert_error(&r, 409, "cycle_state");
    let (s, v) = app
        .patch(
            &format!("/api/v1/cycles/{id}"),
            &app.admin,
            json!({"applications_close_at": app.at(chrono::Duration::days(40))}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_error(
        &app.post(&format!("/api/v1/cycles/{id}/open"), &app.admin, json!({}))
            .await,
        409,
        "cycle_state",
    );
    assert_eq!(
        app.post(&format!("/api/v1/cycles/{id}/close"), &app.admin, json!({}))
            .await
            .1["status"],
        "reviewing"
    );
    assert_error(
        &app.patch(&format!("/api/v1/cycles/{id}"), &app.admin, json!({"title": "x"}))
            .await,
        409,
        "cycle_state",
    );

    let (_, audit) = app
        .get(&format!("/api/v1/audit?entity=cycle&entity_id={id}"), &app.admin)
        .await;
    let actions: Vec<_> = audit["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(actions, ["close", "update", "open", "update", "create"]);
}

#[tokio::test]
async fn one_cycle_per_year() {
    let app = TestApp::spawn().await;
    app.post("/api/v1/cycles", &app.admin, app.cycle_body(2026)).await;
    let r = app.post("/api/v1/cycles", &app.admin, app.cycle_body(2026)).await;
    assert_error(&r, 409, "duplicate_year");
    assert_eq!(r.1["field"], "year");
}

#[tokio::test]
async fn cycle_settings_are_validated() {
    let app = TestApp::spawn().await;
    let cases = [
        (
            "applications_close_at",
            json!(app.at(chrono::Duration::hours(-2))),
            "applications_close_at",
        ),
        ("activity_period_end", json!("2000-01-01"), "activity_period_end"),
        ("reviewers_per_application", json!(0), "reviewers_per_application"),
        ("min_award_score", json!(120), "min_award_score"),
        (
            "tiers",
            json!([{"tier": "first", "quota": -1, "subsidy_fen": 0}]),
            "tiers[0].quota",
        ),
        (
            "tiers",
            json!([{"tier": "first", "quota": 1, "subsidy_fen": -5}]),
            "tiers[0].subsidy_fen",
        ),
        (
            "rubric",
            json!([{"key": "a", "name": "甲", "max_score": 50}, {"key": "a", "name": "乙", "max_score": 50}]),
            "rubric[1].key",
        ),
        (
            "rubric",
            json!([{"key": "a", "name": "甲", "max_score": 0}]),
            "rubric[0].max_score",
        ),
        ("year", json!(1999), "year"),
    ];
    for (key, value, field) in cases {
        let mut body = app.cycle_body(2026);
        body[key] = value;
        let r = app.post("/api/v1/cycles", &app.admin, body).await;
        assert_error(&r, 422, "invalid_value");
        assert_eq!(r.1["field"], field);
    }
    assert_eq!(app.get("/api/v1/cycles", &app.admin).await.1["total"], 0);
}

/// R-AUTHZ: only the admin runs cycles; everyone logged in can read them.
#[tokio::test]
async fn only_the_admin_runs_cycles() {
    let app = TestApp::spawn().await;
    let id = app.open_cycle(2026).await;
    let (_, token) = app.team_with_user(app.create_unit("society", None).await).await;
    assert_error(
        &app.post("/api/v1/cycles", &token, app.cycle_body(2027)).await,
        403,
        "forbidden",
    );
    assert_error(
        &app.post(&format!("/api/v1/cycles/{id}/close"), &token, json!({}))
            .await,
        403,
        "forbidden",
    );
    assert_eq!(
        app.get(&format!("/api/v1/cycles/{id}"), &token).await.0,
        StatusCode::OK
    );
    assert_error(&app.get("/api/v1/cycles/4242", &token).await, 404, "not_found");
}
