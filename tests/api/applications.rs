//! Project applications and the opinion chain (R-ONE, R-NAME, R-BANK, R-EXCLUDE, R-SUBMIT).

use crate::helpers::{TestApp, assert_error};
use chrono::Duration;
use reqwest::StatusCode;
use serde_json::json;

/// The story: a team files, is returned by its unit, edits and resubmits; unit, district and
/// municipal opinions in order; the history keeps every opinion.
#[tokio::test]
async fn an_application_goes_through_the_opinion_chain() {
    let app = TestApp::spawn().await;
    let district = app.create_unit("district", None).await;
    let unit = app.create_unit("university", Some(district)).await;
    let cycle = app.open_cycle(2026).await;
    let (_, token, id) = app.draft_application(cycle, unit).await;
    let (_, unit_user) = app.user("unit", Some(unit), None).await;
    let (_, district_user) = app.user("district", Some(district), None).await;

    let (s, v) = app.get(&format!("/api/v1/applications/{id}"), &token).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(v["status"], "draft");
    assert_eq!(
        v["figures"],
        json!({"activities": 1, "sessions": 2, "people_served": 120})
    );
    assert_eq!(
        v["bank"]["account_no"], "6222020200012345678",
        "the owning team sees its account in full"
    );

    app.seed_attachment(id, "summary").await;
    app.seed_attachment(id, "photo").await;
    let (s, v) = app
        .post(&format!("/api/v1/applications/{id}/submit"), &token, json!({}))
        .await;
    assert_eq!(
        (s, v["status"].as_str()),
        (StatusCode::OK, Some("submitted")),
        "{v}"
    );
    assert!(v["application_date"].is_string());
    assert_error(
        &app.patch(
            &format!("/api/v1/applications/{id}"),
            &token,
            json!({"highlights": "x"}),
        )
        .await,
        409,
        "application_not_editable",
    );

    // Out of order: the district and the admin wait for the unit.
    let approve = json!({"decision": "approve", "comment": "同意推荐"});
    assert_error(
        &app.post(
            &format!("/api/v1/applications/{id}/opinions"),
            &district_user,
            approve.clone(),
        )
        .await,
        409,
        "not_your_turn",
    );
    assert_error(
        &app.post(
            &format!("/api/v1/applications/{id}/opinions"),
            &app.admin,
            approve.clone(),
        )
        .await,
        409,
        "not_your_turn",
    );
    // The team may not give opinions at all.
    assert_error(
        &app.post(
            &format!("/api/v1/applications/{id}/opinions"),
            &token,
            approve.clone(),
        )
        .await,
        403,
        "forbidden",
    );

    // The unit returns it; the team edits and resubmits; the chain starts again.
    let r = app
        .post(
            &format!("/api/v1/applications/{id}/opinions"),
            &unit_user,
            json!({"decision": "return"}),
        )
        .await;
    assert_error(&r, 422, "invalid_value");
    let (s, v) = app
        .post(
            &format!("/api/v1/applications/{id}/opinions"),
            &unit_user,
            json!({"decision": "return", "comment": "请补充项目效益"}),
        )
        .await;
    assert_eq!((s, v["status"].as_str()), (StatusCode::OK, Some("returned")));
    let (s, _) = app
        .patch(
            &format!("/api/v1/applications/{id}"),
            &token,
            json!({"benefits": "服务居民2000人，满意度98%。"}),
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(
        app.post(&format!("/api/v1/applications/{id}/submit"), &token, json!({}))
            .await
            .1["status"],
        "submitted"
    );

    let op_url = format!("/api/v1/applications/{id}/opinions");
    let step = |t: &str| {
        let t = t.to_owned();
        let (url, body, app) = (op_url.clone(), approve.clone(), &app);
        async move { app.post(&url, &t, body).await }
    };
    assert_eq!(step(&unit_user).await.1["status"], "unit_approved");
    assert_error(&step(&unit_user).await, 409, "not_your_turn");
    assert_eq!(step(&district_user).await.1["status"], "district_approved");
    let (_, v) = step(&app.admin).await;
    assert_eq!(v["status"], "accepted");
    let history: Vec<_> = v["opinions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| {
            format!(
                "{}:{}",
                o["step"].as_str().unwrap(),
                o["decision"].as_str().unwrap()
            )
        })
        .collect();
    assert_eq!(
        history,
        [
            "unit:return",
            "unit:approve",
            "district:approve",
            "municipal:approve"
        ]
    );
    assert_eq!(v["opinions"][0]["comment"], "请补充项目效益");
    assert!(v["opinions"][0]["at"].as_str().unwrap().ends_with("+08:00"));
    assert_eq!(
        v["bank"]["account_no"], "6222 **** **** 5678",
        "the admin sees it masked"
    );
}

/// Without a parent district the district step is skipped; a rejection is final.
#[tokio::test]
async fn no_district_step_without_a_parent_and_rejection_is_final() {
    let app = TestApp::spawn().await;
    let unit = app.create_unit("society", None).await;
    let cycle = app.open_cycle(2026).await;
    let (_, _, id) = app.submitted_application(cycle, unit).await;
    let (_, unit_user) = app.user("unit", Some(unit), None).await;
    let approve = json!({"decision": "approve"});
    assert_eq!(
        app.post(
            &format!("/api/v1/applications/{id}/opinions"),
            &unit_user,
            approve.clone()
        )
        .await
        .1["status"],
        "unit_approved"
    );
    let (s, v) = app
        .post(
            &format!("/api/v1/applications/{id}/opinions"),
            &app.admin,
            json!({"decision": "reject", "comment": "材料不实"}),
        )
        .await;
    assert_eq!((s, v["status"].as_str()), (StatusCode::OK, Some("rejected")));
    assert_error(
        &app.post(
            &format!("/api/v1/applications/{id}/opinions"),
            &app.admin,
            approve,
        )
        .await,
        409,
        "not_your_turn",
    );
}

/// R-ONE, R-NAME, R-BANK
#[tokio::test]
async fn creation_rules() {
    let app = TestApp::spawn().await;
    let unit = app.create_unit("society", None).await;
    let cycle = app.open_cycle(2026).await;
    let (team, token, _) = app.draft_application(cycle, unit).await;
    let url = format!("/api/v1/cycles/{cycle}/applications");
    assert_error(
        &app.post(&url, &token, app.application_body(team, &[])).await,
        409,
        "duplicate_application",
    );

    let (team2, token2) = app.team_with_user(unit).await;
    let mut body = app.application_body(team2, &[]);
    body["project_name"] = json!("科".repeat(21));
    let r = app.post(&url, &token2, body).await;
    assert_error(&r, 422, "project_name_too_long");
    assert_eq!(r.1["field"], "project_name");
    let mut body = app.application_body(team2, &[]);
    body["bank"]["account_no"] = json!("6222-12");
    let r = app.post(&url, &token2, body).await;
    assert_error(&r, 422, "invalid_bank_account");
    assert_eq!(r.1["field"], "bank.account_no");
    let mut body = app.application_body(team2, &[]);
    body["mobile"] = json!("1361234567");
    assert_error(&app.post(&url, &token2, body).await, 422, "invalid_mobile");
    // Another team's activity cannot be counted.
    let foreign = app.register_activity(&token, team, Duration::days(3)).await;
    let r = app
        .post(&url, &token2, app.application_body(team2, &[foreign]))
        .await;
    assert_error(&r, 422, "invalid_value");
    assert_eq!(r.1["field"], "activity_ids[0]");
    // A team applies only for itself.
    assert_error(
        &app.post(&url, &token2, app.application_body(team, &[])).await,
        404,
        "not_found",
    );
    // Exactly 20 characters is fine.
    let mut body = app.application_body(team2, &[]);
    body["project_name"] = json!("科".repeat(20));
    assert_eq!(app.post(&url, &token2, body).await.0, StatusCode::CREATED);
}

/// R-SUBMIT: each refusal names its rule.
#[tokio::test]
async fn submission_rules() {
    let app = TestApp::spawn().await;
    let unit = app.create_unit("society", None).await;
    let cycle = app.open_cycle(2026).await;
    let (team, token, id) = app.draft_application(cycle, unit).await;
    let submit_url = format!("/api/v1/applications/{id}/submit");
    let submit = || app.post(&submit_url, &token, json!({}));

    let r = submit().await;
    assert_error(&r, 422, "missing_evidence");
    app.seed_attachment(id, "summary").await;
    assert_error(&submit().await, 422, "missing_evidence");
    app.seed_attachment(id, "photo").await;

    // Only a cancelled activity listed: nothing counted.
    let cancelled = app.register_activity(&token, team, Duration::days(2)).await;
    app.post(
        &format!("/api/v1/activities/{cancelled}/cancel"),
        &token,
        json!({}),
    )
    .await;
    app.patch(
        &format!("/api/v1/applications/{id}"),
        &token,
        json!({"activity_ids": [cancelled]}),
    )
    .await;
    assert_error(&submit().await, 422, "no_counted_activity");
    let counted = app.reported_activity(&token, team, 1, 30).await;
    app.patch(
        &format!("/api/v1/applications/{id}"),
        &token,
        json!({"activity_ids": [cancelled, counted]}),
    )
    .await;

    app.patch(
        &format!("/api/v1/teams/{team}"),
        &token,
        json!({"platform_id": ""}),
    )
    .await;
    let r = submit().await;
    assert_error(&r, 422, "team_not_on_platform");
    app.patch(
        &format!("/api/v1/teams/{team}"),
        &token,
        json!({"platform_id": "DMZY-2026-001"}),
    )
    .await;

    app.patch(
        &format!("/api/v1/applications/{id}"),
        &token,
        json!({"overview": "  "}),
    )
    .await;
    let r = submit().await;
    assert_error(&r, 422, "invalid_value");
    assert_eq!(r.1["field"], "overview");
    app.patch(
        &format!("/api/v1/applications/{id}"),
        &token,
        json!({"overview": "项目概述"}),
    )
    .await;

    // After the window: refused.
    app.advance(Duration::days(31));
    assert_error(&submit().await, 422, "window_closed");
    app.patch(
        &format!("/api/v1/cycles/{cycle}"),
        &app.admin,
        json!({"applications_close_at": app.at(Duration::days(5))}),
    )
    .await;
    let (s, v) = submit().await;
    assert_eq!(
        (s, v["status"].as_str()),
        (StatusCode::OK, Some("submitted")),
        "{v}"
    );
    assert_eq!(v["figures"]["activities"], 1);
}

/// Applications are accepted only while the cycle is open and inside its window.
#[tokio::test]
async fn no_application_outside_the_window() {
    let app = TestApp::spawn().await;
    let (team, token) = app.team_with_user(app.create_unit("society", None).await).await;
    let (_, v) = app.post("/api/v1/cycles", &app.admin, app.cycle_body(2026)).await;
    let draft = v["id"].as_i64().unwrap();
    let r = app
        .post(
            &format!("/api/v1/cycles/{draft}/applications"),
            &token,
            app.application_body(team, &[]),
        )
        .await;
    assert_error(&r, 422, "window_closed");
    assert_error(
        &app.post(
            "/api/v1/cycles/999/applications",
            &token,
            app.application_body(team, &[]),
        )
        .await,
        404,
        "not_found",
    );
}

/// R-EXCLUDE: last year's winner (imported history) is refused at creation and at submission.
#[tokio::test]
async fn last_years_winner_may_not_apply() {
    use sea_orm::{ActiveModelTrait, Set};
    let app = TestApp::spawn().await;
    let unit = app.create_unit("society", None).await;
    let cycle = app.open_cycle(2026).await;
    let (team, token, id) = app.draft_application(cycle, unit).await;
    app.seed_attachment(id, "summary").await;
    app.seed_attachment(id, "photo").await;
    // Last year's list comes in through the import, as the association keeps it.
    let (_, t) = app.get(&format!("/api/v1/teams/{team}"), &app.admin).await;
    let csv = format!(
        "年度,服务队名称,项目名称,奖项\n2025,{},往年项目,二等奖\n",
        t["name"].as_str().unwrap()
    );
    let (s, v) = app
        .post_multipart(
            "/api/v1/award-history/import",
            &app.admin,
            &[],
            Some(("file", "2025年获奖名单.csv", csv.into_bytes())),
        )
        .await;
    assert_eq!((s, v["imported"].as_i64()), (StatusCode::OK, Some(1)), "{v}");
    let r = app
        .post(&format!("/api/v1/applications/{id}/submit"), &token, json!({}))
        .await;
    assert_error(&r, 422, "previous_year_awardee");

    let cycle27 = app.open_cycle(2027).await;
    let (team2, token2) = app.team_with_user(unit).await;
    entity::award_history::ActiveModel {
        year: Set(2026),
        team_id: Set(team2 as i32),
        project_name: Set("项目".into()),
        tier: Set(zhihui::domain::ranking::Tier::Third),
        source: Set(zhihui::domain::award_import::AwardSource::Manual),
        created_at: Set(app.now()),
        ..Default::default()
    }
    .insert(&app.db)
    .await
    .unwrap();
    let r = app
        .post(
            &format!("/api/v1/cycles/{cycle27}/applications"),
            &token2,
            app.application_body(team2, &[]),
        )
        .await;
    assert_error(&r, 422, "previous_year_awardee");
}

/// R-AUTHZ: a second team sees and touches nothing of the first team's application; experts
/// and finance see none; the unit reads it but cannot edit it.
#[tokio::test]
async fn applications_are_scoped() {
    let app = TestApp::spawn().await;
    let unit = app.create_unit("society", None).await;
    let cycle = app.open_cycle(2026).await;
    let (_, _, id) = app.draft_application(cycle, unit).await;
    let (_, other) = app.team_with_user(app.create_unit("society", None).await).await;
    let (_, expert) = app.user("expert", Some(unit), None).await;
    let (_, finance) = app.user("finance", None, None).await;
    let (_, unit_user) = app.user("unit", Some(unit), None).await;
    for t in [&other, &expert, &finance] {
        assert_eq!(app.get("/api/v1/applications", t).await.1["total"], 0);
        assert_error(
            &app.get(&format!("/api/v1/applications/{id}"), t).await,
            404,
            "not_found",
        );
        assert_error(
            &app.patch(
                &format!("/api/v1/applications/{id}"),
                t,
                json!({"highlights": "x"}),
            )
            .await,
            404,
            "not_found",
        );
        assert_error(
            &app.post(&format!("/api/v1/applications/{id}/submit"), t, json!({}))
                .await,
            404,
            "not_found",
        );
    }
    let (s, v) = app
        .get(
            &format!("/api/v1/applications?cycle_id={cycle}&status=draft"),
            &unit_user,
        )
        .await;
    assert_eq!((s, v["total"].as_i64()), (StatusCode::OK, Some(1)));
    assert_eq!(v["items"][0]["bank"]["account_no"], "6222 **** **** 5678");
    assert_error(
        &app.patch(
            &format!("/api/v1/applications/{id}"),
            &unit_user,
            json!({"highlights": "x"}),
        )
        .await,
        403,
        "forbidden",
    );
}

/// R-SUBMIT: an activity outside the cycle's activity period is not counted (nor in the figures).
#[tokio::test]
async fn activities_outside_the_period_do_not_count() {
    let app = TestApp::spawn().await;
    let unit = app.create_unit("society", None).await;
    let mut body = app.cycle_body(2026);
    body["activity_period_start"] = json!("2020-01-01");
    body["activity_period_end"] = json!("2020-12-31");
    let (_, v) = app.post("/api/v1/cycles", &app.admin, body).await;
    let cycle = v["id"].as_i64().unwrap();
    app.post(&format!("/api/v1/cycles/{cycle}/open"), &app.admin, json!({}))
        .await;
    let (_, token, id) = app.draft_application(cycle, unit).await;
    app.seed_attachment(id, "summary").await;
    app.seed_attachment(id, "photo").await;
    let (_, v) = app.get(&format!("/api/v1/applications/{id}"), &token).await;
    assert_eq!(v["figures"]["activities"], 0);
    assert_error(
        &app.post(&format!("/api/v1/applications/{id}/submit"), &token, json!({}))
            .await,
        422,
        "no_counted_activity",
    );
}
