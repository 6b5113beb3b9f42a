//! Units and teams (R-MOBILE, R-AUTHZ, R-PII).

use crate::helpers::{TestApp, assert_error};
use reqwest::StatusCode;
use serde_json::json;

#[tokio::test]
async fn unit_and_team_names_are_unique() {
    let app = TestApp::spawn().await;
    let r = app
        .post(
            "/api/v1/units",
            &app.admin,
            json!({"name": "沈阳农业大学", "kind": "university"}),
        )
        .await;
    assert_eq!(r.0, StatusCode::CREATED);
    assert_eq!(r.1["parent_id"], serde_json::Value::Null);
    let r = app
        .post(
            "/api/v1/units",
            &app.admin,
            json!({"name": "沈阳农业大学", "kind": "university"}),
        )
        .await;
    assert_error(&r, 409, "duplicate_name");
    assert_eq!(r.1["field"], "name");

    let unit = app.create_unit("society", None).await;
    let body = app.team_body(unit);
    assert_eq!(
        app.post("/api/v1/teams", &app.admin, body.clone()).await.0,
        StatusCode::CREATED
    );
    assert_error(
        &app.post("/api/v1/teams", &app.admin, body).await,
        409,
        "duplicate_name",
    );
}

#[tokio::test]
async fn a_unit_parent_must_be_a_district() {
    let app = TestApp::spawn().await;
    let society = app.create_unit("society", None).await;
    let r = app
        .post(
            "/api/v1/units",
            &app.admin,
            json!({"name": "某单位", "kind": "enterprise", "parent_id": society}),
        )
        .await;
    assert_error(&r, 422, "invalid_value");
    assert_eq!(r.1["field"], "parent_id");
}

/// R-MOBILE
#[tokio::test]
async fn team_leader_mobile_must_be_valid() {
    let app = TestApp::spawn().await;
    let unit = app.create_unit("society", None).await;
    let mut body = app.team_body(unit);
    body["leader_mobile"] = json!("12345");
    let r = app.post("/api/v1/teams", &app.admin, body).await;
    assert_error(&r, 422, "invalid_mobile");
    assert_eq!(r.1["field"], "leader_mobile");
    let team = app.create_team(unit).await;
    let r = app
        .patch(
            &format!("/api/v1/teams/{team}"),
            &app.admin,
            json!({"leader_mobile": "2381234567"}),
        )
        .await;
    assert_error(&r, 422, "invalid_mobile");
}

#[tokio::test]
async fn team_validation_names_the_field() {
    let app = TestApp::spawn().await;
    let unit = app.create_unit("society", None).await;
    for (field, value) in [
        ("name", json!("  ")),
        ("volunteer_count", json!(-1)),
        ("founded_on", json!("2999-01-01")),
        ("unit_id", json!(999999)),
    ] {
        let mut body = app.team_body(unit);
        body[field] = value;
        let r = app.post("/api/v1/teams", &app.admin, body).await;
        assert_error(&r, 422, "invalid_value");
        assert_eq!(r.1["field"], field);
    }
}

/// R-AUTHZ: a team sees its own team, a unit its teams, a district the teams of the units it
/// recommends for; outside the scope answers 404.
#[tokio::test]
async fn team_visibility_follows_the_scope() {
    let app = TestApp::spawn().await;
    let district = app.create_unit("district", None).await;
    let unit_a = app.create_unit("university", Some(district)).await;
    let unit_b = app.create_unit("society", None).await;
    let (team_a, token_a) = app.team_with_user(unit_a).await;
    let (team_b, token_b) = app.team_with_user(unit_b).await;
    let (_, unit_a_user) = app.user("unit", Some(unit_a), None).await;
    let (_, district_user) = app.user("district", Some(district), None).await;
    let (_, expert) = app.user("expert", Some(unit_a), None).await;
    let (_, finance) = app.user("finance", None, None).await;

    let ids = |v: &serde_json::Value| {
        v["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t["id"].as_i64().unwrap())
            .collect::<Vec<_>>()
    };
    assert_eq!(ids(&app.get("/api/v1/teams", &token_a).await.1), vec![team_a]);
    assert_eq!(ids(&app.get("/api/v1/teams", &unit_a_user).await.1), vec![team_a]);
    assert_eq!(
        ids(&app.get("/api/v1/teams", &district_user).await.1),
        vec![team_a]
    );
    assert_eq!(
        ids(&app.get("/api/v1/teams", &app.admin).await.1),
        vec![team_a, team_b]
    );
    assert_eq!(app.get("/api/v1/teams", &expert).await.1["total"], 0);
    assert_eq!(app.get("/api/v1/teams", &finance).await.1["total"], 0);

    for token in [&token_a, &unit_a_user, &district_user, &expert, &finance] {
        assert_error(
            &app.get(&format!("/api/v1/teams/{team_b}"), token).await,
            404,
            "not_found",
        );
    }
    assert_eq!(
        app.get(&format!("/api/v1/teams/{team_b}"), &token_b).await.0,
        StatusCode::OK
    );
    assert_error(
        &app.get("/api/v1/teams/987654", &app.admin).await,
        404,
        "not_found",
    );
}

/// R-AUTHZ: a team edits its own team (not its unit); others' teams are 404; unit users 403.
#[tokio::test]
async fn team_edits_itself_only() {
    let app = TestApp::spawn().await;
    let unit = app.create_unit("society", None).await;
    let other_unit = app.create_unit("society", None).await;
    let (team, token) = app.team_with_user(unit).await;
    let (other, _) = app.team_with_user(unit).await;
    let (_, unit_user) = app.user("unit", Some(unit), None).await;

    let (s, v) = app
        .patch(
            &format!("/api/v1/teams/{team}"),
            &token,
            json!({"volunteer_count": 40, "platform_id": ""}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["volunteer_count"], 40);
    assert_eq!(v["platform_id"], serde_json::Value::Null);
    assert_error(
        &app.patch(
            &format!("/api/v1/teams/{other}"),
            &token,
            json!({"volunteer_count": 1}),
        )
        .await,
        404,
        "not_found",
    );
    assert_error(
        &app.patch(
            &format!("/api/v1/teams/{team}"),
            &token,
            json!({"unit_id": other_unit}),
        )
        .await,
        403,
        "forbidden",
    );
    assert_error(
        &app.patch(
            &format!("/api/v1/teams/{team}"),
            &unit_user,
            json!({"volunteer_count": 1}),
        )
        .await,
        403,
        "forbidden",
    );
    let (s, v) = app
        .patch(
            &format!("/api/v1/teams/{team}"),
            &app.admin,
            json!({"unit_id": other_unit}),
        )
        .await;
    assert_eq!((s, v["unit_id"].as_i64()), (StatusCode::OK, Some(other_unit)));
}

#[tokio::test]
async fn only_the_admin_creates_units_and_teams() {
    let app = TestApp::spawn().await;
    let unit = app.create_unit("society", None).await;
    let (_, token) = app.team_with_user(unit).await;
    assert_error(
        &app.post("/api/v1/units", &token, json!({"name": "x", "kind": "other"}))
            .await,
        403,
        "forbidden",
    );
    assert_error(
        &app.post("/api/v1/teams", &token, app.team_body(unit)).await,
        403,
        "forbidden",
    );
    assert_eq!(app.get("/api/v1/units", &token).await.1["total"], 1);
}

/// R-AUDIT: changes are recorded with who and before/after, secrets and numbers never in full.
#[tokio::test]
async fn changes_are_audited_without_secrets() {
    let app = TestApp::spawn().await;
    let unit = app.create_unit("society", None).await;
    let (team, token) = app.team_with_user(unit).await;
    app.patch(
        &format!("/api/v1/teams/{team}"),
        &token,
        json!({"leader_mobile": "13700001111"}),
    )
    .await;
    let (s, v) = app
        .get(&format!("/api/v1/audit?entity=team&entity_id={team}"), &app.admin)
        .await;
    assert_eq!(s, StatusCode::OK);
    let items = v["items"].as_array().unwrap();
    assert_eq!(items.len(), 2, "{v}");
    assert_eq!(items[0]["action"], "update");
    assert_eq!(items[0]["before"]["leader_mobile"], "138****5678");
    assert_eq!(items[0]["after"]["leader_mobile"], "137****1111");
    assert!(items[0]["at"].as_str().unwrap().ends_with("+08:00"));
    assert_eq!(items[1]["action"], "create");
    assert_eq!(items[1]["actor"], "admin");

    let (_, users) = app.get("/api/v1/audit?entity=user", &app.admin).await;
    let dump = users.to_string();
    // No hash and no password field (the `must_change_password` flag is no secret).
    assert!(
        !dump.contains("argon2") && !dump.contains("\"password_hash\"") && !dump.contains("\"password\""),
        "{dump}"
    );
    assert!(
        dump.contains("\"must_change_password\""),
        "the snapshot is there: {dump}"
    );
}
