//! Activity registration and reports (R-PREREG, R-REPORT, R-AUTHZ).

use crate::helpers::{TestApp, assert_error};
use chrono::Duration;
use reqwest::StatusCode;
use serde_json::json;

/// The whole story: admin sets up units, a team and its user; the team registers an activity,
/// edits it, cannot register one that has started, reports it after the start; a second team
/// sees none of it.
#[tokio::test]
async fn a_team_registers_edits_and_reports_an_activity() {
    let app = TestApp::spawn().await;
    let district = app.create_unit("district", None).await;
    let unit = app.create_unit("university", Some(district)).await;
    let (team, token) = app.team_with_user(unit).await;
    let (_, other_token) = app.team_with_user(app.create_unit("society", None).await).await;

    // Register two days ahead.
    let (s, v) = app
        .post(
            "/api/v1/activities",
            &token,
            app.activity_body(team, Duration::days(2)),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    assert_eq!(v["status"], "registered");
    assert!(v["registered_at"].as_str().unwrap().ends_with("+08:00"));
    assert_eq!(v["tasks"][0]["target"], "覆盖居民100人");
    let id = v["id"].as_i64().unwrap();

    // Edit before the start.
    let patch = json!({"location": "沈阳市科学宫", "tasks": [{"content": "科普展板", "target": "200人"}, {"content": "答疑", "target": "50人"}]});
    let (s, v) = app
        .patch(&format!("/api/v1/activities/{id}"), &token, patch)
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["location"], "沈阳市科学宫");
    assert_eq!(v["tasks"].as_array().unwrap().len(), 2);

    // R-PREREG: one that has already started is refused.
    let r = app
        .post(
            "/api/v1/activities",
            &token,
            app.activity_body(team, Duration::hours(-1)),
        )
        .await;
    assert_error(&r, 422, "activity_already_started");

    // R-REPORT: not before the start …
    let report = json!({"actual_start": app.at(Duration::days(2)), "actual_end": app.at(Duration::days(2) + Duration::hours(2)),
        "sessions": 2, "people_served": 150, "volunteers": 8, "summary": "讲座两场"});
    let r = app
        .post(&format!("/api/v1/activities/{id}/report"), &token, report)
        .await;
    assert_error(&r, 422, "activity_not_started");

    // … but after it.
    app.advance(Duration::days(2) + Duration::hours(4));
    let r = app
        .patch(
            &format!("/api/v1/activities/{id}"),
            &token,
            json!({"name": "改名"}),
        )
        .await;
    assert_error(&r, 422, "activity_already_started");
    app.report_activity(&token, id, 2, 150).await;
    let (s, v) = app.get(&format!("/api/v1/activities/{id}"), &token).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(v["status"], "reported");
    assert_eq!(v["report"]["sessions"], 2);
    assert_eq!(v["report"]["people_served"], 150);

    // A second team sees none of it.
    assert_eq!(app.get("/api/v1/activities", &other_token).await.1["total"], 0);
    assert_error(
        &app.get(&format!("/api/v1/activities/{id}"), &other_token).await,
        404,
        "not_found",
    );
    assert_error(
        &app.patch(
            &format!("/api/v1/activities/{id}"),
            &other_token,
            json!({"name": "x"}),
        )
        .await,
        404,
        "not_found",
    );
    assert_error(
        &app.post(
            &format!("/api/v1/activities/{id}/cancel"),
            &other_token,
            json!({}),
        )
        .await,
        404,
        "not_found",
    );
    let r = app
        .post(
            "/api/v1/activities",
            &other_token,
            app.activity_body(team, Duration::days(1)),
        )
        .await;
    assert_error(&r, 404, "not_found");

    // Audit: register, update, report.
    let (_, audit) = app
        .get(
            &format!("/api/v1/audit?entity=activity&entity_id={id}"),
            &app.admin,
        )
        .await;
    let actions: Vec<_> = audit["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(actions, ["report", "update", "register"]);
}

/// R-REPORT: a cancelled activity cannot be reported.
#[tokio::test]
async fn a_cancelled_activity_cannot_be_reported() {
    let app = TestApp::spawn().await;
    let (team, token) = app.team_with_user(app.create_unit("society", None).await).await;
    let id = app.register_activity(&token, team, Duration::hours(5)).await;
    let (s, v) = app
        .post(&format!("/api/v1/activities/{id}/cancel"), &token, json!({}))
        .await;
    assert_eq!((s, v["status"].as_str()), (StatusCode::OK, Some("cancelled")));
    assert_error(
        &app.post(&format!("/api/v1/activities/{id}/cancel"), &token, json!({}))
            .await,
        409,
        "activity_cancelled",
    );
    app.advance(Duration::hours(6));
    let body = json!({"actual_start": app.at(Duration::hours(-1)), "actual_end": app.at(Duration::minutes(-10)),
        "sessions": 1, "people_served": 10, "volunteers": 2, "summary": "x"});
    assert_error(
        &app.post(&format!("/api/v1/activities/{id}/report"), &token, body)
            .await,
        409,
        "activity_cancelled",
    );
}

#[tokio::test]
async fn registration_is_validated_field_by_field() {
    let app = TestApp::spawn().await;
    let (team, token) = app.team_with_user(app.create_unit("society", None).await).await;
    let base = app.activity_body(team, Duration::days(1));
    let cases = [
        ("leader_mobile", json!("1234"), 422, "invalid_mobile"),
        ("name", json!(" "), 422, "invalid_value"),
        ("location", json!("地".repeat(201)), 422, "invalid_value"),
        ("tasks", json!([]), 422, "invalid_value"),
        (
            "planned_end",
            json!(app.at(Duration::hours(20))),
            422,
            "invalid_value",
        ),
        ("category", json!("唱歌"), 400, "invalid_body"),
        ("planned_start", json!("2026-13-01"), 400, "invalid_body"),
    ];
    for (field, value, status, code) in cases {
        let mut body = base.clone();
        body[field] = value;
        let r = app.post("/api/v1/activities", &token, body).await;
        assert_error(&r, status, code);
        if status == 422 {
            assert_eq!(r.1["field"], field, "{}", r.1);
        }
    }
    let mut body = base.clone();
    body["tasks"] = json!([{"content": "", "target": "x"}]);
    let r = app.post("/api/v1/activities", &token, body).await;
    assert_eq!(r.1["field"], "tasks[0].content");
    // Nothing half-written.
    assert_eq!(app.get("/api/v1/activities", &token).await.1["total"], 0);
}

#[tokio::test]
async fn report_figures_are_checked() {
    let app = TestApp::spawn().await;
    let (team, token) = app.team_with_user(app.create_unit("society", None).await).await;
    let id = app.register_activity(&token, team, Duration::hours(1)).await;
    app.advance(Duration::hours(3));
    for (field, value) in [
        ("sessions", json!(0)),
        ("people_served", json!(-5)),
        ("volunteers", json!(-1)),
        ("summary", json!("")),
    ] {
        let mut body = json!({"actual_start": app.at(Duration::hours(-2)), "actual_end": app.at(Duration::hours(-1)),
            "sessions": 1, "people_served": 10, "volunteers": 2, "summary": "ok"});
        body[field] = value;
        let r = app
            .post(&format!("/api/v1/activities/{id}/report"), &token, body)
            .await;
        assert_error(&r, 422, "invalid_value");
        assert_eq!(r.1["field"], field);
    }
}

/// R-AUTHZ: lists are scoped and filtered; unit and district see their teams' activities,
/// experts and finance none; only the owner reports.
#[tokio::test]
async fn activity_lists_are_scoped_and_filtered() {
    let app = TestApp::spawn().await;
    let district = app.create_unit("district", None).await;
    let unit = app.create_unit("university", Some(district)).await;
    let (team, token) = app.team_with_user(unit).await;
    let (team2, token2) = app.team_with_user(app.create_unit("society", None).await).await;
    let a1 = app.register_activity(&token, team, Duration::days(1)).await;
    let _a2 = app.register_activity(&token, team, Duration::days(10)).await;
    let _b1 = app.register_activity(&token2, team2, Duration::days(1)).await;
    let (_, unit_user) = app.user("unit", Some(unit), None).await;
    let (_, district_user) = app.user("district", Some(district), None).await;
    let (_, expert) = app.user("expert", Some(unit), None).await;
    let (_, finance) = app.user("finance", None, None).await;

    assert_eq!(app.get("/api/v1/activities", &app.admin).await.1["total"], 3);
    assert_eq!(app.get("/api/v1/activities", &unit_user).await.1["total"], 2);
    assert_eq!(app.get("/api/v1/activities", &district_user).await.1["total"], 2);
    assert_eq!(app.get("/api/v1/activities", &expert).await.1["total"], 0);
    assert_eq!(app.get("/api/v1/activities", &finance).await.1["total"], 0);
    let to = urlencode(&app.at(Duration::days(5)));
    let (_, v) = app
        .get(&format!("/api/v1/activities?team_id={team}&to={to}"), &app.admin)
        .await;
    assert_eq!(v["total"], 1);
    assert_eq!(v["items"][0]["id"], a1);
    let (_, v) = app.get("/api/v1/activities?status=reported", &app.admin).await;
    assert_eq!(v["total"], 0);
    let (_, v) = app.get("/api/v1/activities?per_page=1&page=2", &app.admin).await;
    assert_eq!(
        (v["total"].as_i64(), v["items"].as_array().unwrap().len()),
        (Some(3), 1)
    );

    // The unit can read but not act on its team's activity.
    assert_eq!(
        app.get(&format!("/api/v1/activities/{a1}"), &unit_user).await.0,
        StatusCode::OK
    );
    assert_error(
        &app.patch(
            &format!("/api/v1/activities/{a1}"),
            &unit_user,
            json!({"name": "x"}),
        )
        .await,
        403,
        "forbidden",
    );
    assert_error(
        &app.get(&format!("/api/v1/activities/{a1}"), &expert).await,
        404,
        "not_found",
    );
    // The admin may register for a team and cancel, but reporting is the team's.
    let id = app.register_activity(&app.admin, team, Duration::hours(2)).await;
    app.advance(Duration::hours(3));
    let body = json!({"actual_start": app.at(Duration::hours(-1)), "actual_end": app.at(Duration::minutes(-5)),
        "sessions": 1, "people_served": 1, "volunteers": 1, "summary": "x"});
    assert_error(
        &app.post(&format!("/api/v1/activities/{id}/report"), &app.admin, body)
            .await,
        403,
        "forbidden",
    );
}

fn urlencode(s: &str) -> String {
    s.replace('+', "%2B").replace(':', "%3A")
}
