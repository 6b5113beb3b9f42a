//! Publicity (公示), objections (异议) and finalizing (R-RANK, R-PII, R-MOBILE, R-AUDIT).

use crate::{
    helpers::{TestApp, assert_error},
    review_seed::{ACCOUNT_NO, BANK, CycleSpec, Scenario, TEAM_MOBILE, order, tiers},
};
use chrono::Duration;
use reqwest::{Method, StatusCode};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, Set};
use serde_json::{Value, json};

fn tier(s: &str) -> Option<String> {
    Some(s.to_owned())
}

/// Three applications scored 90, 80, 70 by one expert; one place per tier; ranked.
async fn ranked(app: &TestApp) -> Scenario {
    let s = Scenario::new(app, CycleSpec::default(), &[(1, 1); 3], 1).await;
    s.score(app, &[&[90.0], &[80.0], &[70.0]]).await;
    app.rank(s.cycle).await;
    s
}

async fn public_results(app: &TestApp, cycle: i64) -> (StatusCode, Value) {
    app.call(
        Method::GET,
        &format!("/api/v1/public/cycles/{cycle}/results"),
        None,
        None,
    )
    .await
}

async fn object(app: &TestApp, cycle: i64, application: i64, phone: &str) -> (StatusCode, Value) {
    app.call(
        Method::POST,
        &format!("/api/v1/public/cycles/{cycle}/objections"),
        None,
        Some(
            json!({"application_id": application, "reason": "活动场次与实际不符",
                    "contact_name": "赵六", "contact_phone": phone}),
        ),
    )
    .await
}

async fn resolve(app: &TestApp, objection: i64, body: Value) -> (StatusCode, Value) {
    app.post(
        &format!("/api/v1/objections/{objection}/resolve"),
        &app.admin,
        body,
    )
    .await
}

/// Publishing needs a ranked cycle and an end in the future; afterwards scores and the
/// ranking are frozen.
#[tokio::test]
async fn publishing_freezes_the_scores_and_the_ranking() {
    let app = TestApp::spawn().await;
    let s = Scenario::new(&app, CycleSpec::default(), &[(1, 1)], 1).await;
    assert_error(&app.publish(s.cycle, Duration::days(7)).await, 409, "cycle_state");
    s.score(&app, &[&[80.0]]).await;
    app.rank(s.cycle).await;
    let r = app.publish(s.cycle, Duration::hours(-1)).await;
    assert_error(&r, 422, "invalid_value");
    assert_eq!(r.1["field"], "publicity_ends_at");

    let (st, v) = app.publish(s.cycle, Duration::days(7)).await;

    assert_eq!(st, StatusCode::OK, "{v}");
    assert_eq!(v["status"], "published");
    assert!(v["publicity_ends_at"].as_str().unwrap().ends_with("+08:00"));
    assert!(v["published_at"].is_string());
    let r = app.put_scores(&s.experts[0].1, s.apps[0], [1.0; 4]).await;
    assert_error(&r, 409, "cycle_state");
    let r = app
        .post(&format!("/api/v1/cycles/{}/rank", s.cycle), &app.admin, json!({}))
        .await;
    assert_error(&r, 409, "cycle_state");
    assert_error(&app.publish(s.cycle, Duration::days(9)).await, 409, "cycle_state");
    let (_, audit) = app.get("/api/v1/audit?entity=cycle", &app.admin).await;
    assert_eq!(audit["items"][0]["action"], "publish");
}

/// R-PII: the public results need no login, appear only once published, and carry no
/// personal data.
#[tokio::test]
async fn public_results_appear_once_published_without_personal_data() {
    let app = TestApp::spawn().await;
    let s = ranked(&app).await;
    assert_error(&public_results(&app, s.cycle).await, 404, "not_found");
    app.publish(s.cycle, Duration::days(7)).await;

    let (st, v) = public_results(&app, s.cycle).await;

    assert_eq!(st, StatusCode::OK, "{v}");
    assert_eq!(v["total"], 3);
    let first = &v["items"][0];
    let mut keys: Vec<&str> = first.as_object().unwrap().keys().map(String::as_str).collect();
    keys.sort_unstable();
    assert_eq!(
        keys,
        [
            "application_id",
            "final_score",
            "project_name",
            "rank",
            "team_name",
            "tier",
            "unit_name"
        ]
    );
    assert_eq!(first["tier"], "first");
    assert_eq!(first["final_score"], 90.0);
    assert!(!first["unit_name"].as_str().unwrap().is_empty());
    let body = v.to_string();
    for secret in [TEAM_MOBILE, ACCOUNT_NO, BANK, "13812345678", "13912345678"] {
        assert!(!body.contains(secret), "public results leak {secret}");
    }
    assert_error(&public_results(&app, 999_999).await, 404, "not_found");
}

/// R-MOBILE, R-PII: an objection's phone is validated, masked in the public answer and in the
/// audit log, and shown in full only to the admin.
#[tokio::test]
async fn an_objection_needs_a_mobile_and_only_the_admin_sees_it_in_full() {
    let app = TestApp::spawn().await;
    let s = ranked(&app).await;
    assert_error(
        &object(&app, s.cycle, s.apps[0], "13912345678").await,
        409,
        "cycle_state",
    );
    app.publish(s.cycle, Duration::days(7)).await;

    let r = object(&app, s.cycle, s.apps[0], "0241234567").await;
    assert_error(&r, 422, "invalid_mobile");
    assert_eq!(r.1["field"], "contact_phone");
    let other = Scenario::new(&app, CycleSpec::default(), &[(1, 1)], 1).await;
    let r = object(&app, s.cycle, other.apps[0], "13912345678").await;
    assert_error(&r, 422, "invalid_value");
    assert_eq!(r.1["field"], "application_id");

    let (st, v) = object(&app, s.cycle, s.apps[0], "13912345678").await;

    assert_eq!(st, StatusCode::CREATED, "{v}");
    assert_eq!(v["contact_phone"], "139****5678");
    assert_eq!(v["status"], "open");
    let (_, list) = app
        .get(&format!("/api/v1/cycles/{}/objections", s.cycle), &app.admin)
        .await;
    assert_eq!(list["total"], 1);
    assert_eq!(list["items"][0]["contact_phone"], "13912345678");
    let (_, audit) = app.get("/api/v1/audit?entity=objection", &app.admin).await;
    assert_eq!(audit["items"][0]["actor"], "public");
    assert_eq!(audit["items"][0]["after"]["contact_phone"], "139****5678");
}

/// R-RANK: an upheld objection fixes the award (here: revoked) and the ranking is redone, so
/// the next application moves up; a resolved objection cannot be resolved again.
#[tokio::test]
async fn an_upheld_objection_changes_the_award_and_redoes_the_ranking() {
    let app = TestApp::spawn().await;
    let s = ranked(&app).await;
    app.publish(s.cycle, Duration::days(7)).await;
    let (_, o) = object(&app, s.cycle, s.apps[0], "13912345678").await;
    let id = o["id"].as_i64().unwrap();

    let r = resolve(&app, id, json!({"decision": "upheld", "note": "核实属实"})).await;
    assert_error(&r, 422, "invalid_value");
    assert_eq!(r.1["field"], "new_tier");
    let (st, v) = resolve(
        &app,
        id,
        json!({"decision": "upheld", "note": "核实属实，撤销奖项", "new_tier": "none"}),
    )
    .await;

    assert_eq!(st, StatusCode::OK, "{v}");
    assert_eq!(v["status"], "upheld");
    assert_eq!(v["new_tier"], "none");
    let (_, results) = app
        .get(&format!("/api/v1/cycles/{}/results", s.cycle), &app.admin)
        .await;
    assert_eq!(order(&results), s.apps, "the order itself stays");
    assert_eq!(tiers(&results), [None, tier("first"), tier("second")]);
    let (_, public) = public_results(&app, s.cycle).await;
    assert!(public["items"][0]["tier"].is_null());
    assert_eq!(public["items"][1]["tier"], "first");
    assert_eq!(app.cycle_status(s.cycle).await, "published");
    let again = resolve(&app, id, json!({"decision": "dismissed", "note": "重复"})).await;
    assert_error(&again, 409, "objection_resolved");
    let (_, audit) = app.get("/api/v1/audit?entity=application", &app.admin).await;
    assert_eq!(audit["items"][0]["action"], "override_award");
}

/// Finalizing waits for the end of publicity (`publicity_not_over`) and for every objection
/// (`objections_open`); objections after the end are refused (`publicity_over`).
#[tokio::test]
async fn finalizing_waits_for_the_period_and_every_objection() {
    let app = TestApp::spawn().await;
    let s = ranked(&app).await;
    let path = format!("/api/v1/cycles/{}/finalize", s.cycle);
    assert_error(&app.post(&path, &app.admin, json!({})).await, 409, "cycle_state");
    app.publish(s.cycle, Duration::days(7)).await;
    let (_, o) = object(&app, s.cycle, s.apps[1], "13912345678").await;

    assert_error(
        &app.post(&path, &app.admin, json!({})).await,
        409,
        "publicity_not_over",
    );
    app.advance(Duration::days(8));
    assert_error(
        &app.post(&path, &app.admin, json!({})).await,
        409,
        "objections_open",
    );
    assert_error(
        &object(&app, s.cycle, s.apps[1], "13912345678").await,
        409,
        "publicity_over",
    );
    let (st, v) = resolve(
        &app,
        o["id"].as_i64().unwrap(),
        json!({"decision": "dismissed", "note": "经核实，材料无误"}),
    )
    .await;
    assert_eq!(st, StatusCode::OK, "{v}");
    assert!(v["new_tier"].is_null());

    let (st, v) = app.post(&path, &app.admin, json!({})).await;

    assert_eq!(st, StatusCode::OK, "{v}");
    assert_eq!(v["status"], "finalized");
    assert_error(&app.post(&path, &app.admin, json!({})).await, 409, "cycle_state");
}

/// Finalizing fixes the awards: applications become `awarded` / `not_awarded`, one award per
/// prize with the tier's subsidy, and one pending payout per award to the account the
/// application states at that moment.
#[tokio::test]
async fn finalizing_creates_the_awards_and_their_pending_payouts() {
    let app = TestApp::spawn().await;
    let spec = CycleSpec {
        min_score: 75,
        ..Default::default()
    };
    let s = Scenario::new(&app, spec, &[(1, 1); 3], 1).await;
    s.score(&app, &[&[90.0], &[80.0], &[70.0]]).await;
    app.rank(s.cycle).await;
    app.publish(s.cycle, Duration::days(7)).await;
    // The account changes before finalizing: the payout takes the account as it is then.
    let second = entity::applications::Entity::find_by_id(s.apps[1] as i32)
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    let mut active: entity::applications::ActiveModel = second.into();
    active.account_name = Set("沈阳某大学财务处".into());
    active.account_no = Set("6222020200099990000".into());
    active.update(&app.db).await.unwrap();
    app.advance(Duration::days(7) + Duration::minutes(1));

    let (st, v) = app
        .post(
            &format!("/api/v1/cycles/{}/finalize", s.cycle),
            &app.admin,
            json!({}),
        )
        .await;

    assert_eq!(st, StatusCode::OK, "{v}");
    assert!(v["finalized_at"].is_string());
    assert_eq!(v["awards"].as_array().unwrap().len(), 2);
    let cycle = entity::cycles::Entity::find_by_id(s.cycle as i32)
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(cycle.status.as_str(), "finalized");
    assert!(cycle.finalized_at.is_some());
    let statuses: Vec<&str> = entity::applications::Entity::find()
        .filter(entity::applications::Column::CycleId.eq(s.cycle as i32))
        .order_by_asc(entity::applications::Column::Id)
        .all(&app.db)
        .await
        .unwrap()
        .into_iter()
        .map(|a| a.status.as_str())
        .collect();
    assert_eq!(statuses, ["awarded", "awarded", "not_awarded"]);

    let awards = entity::awards::Entity::find()
        .filter(entity::awards::Column::CycleId.eq(s.cycle as i32))
        .order_by_asc(entity::awards::Column::ApplicationId)
        .all(&app.db)
        .await
        .unwrap();
    let got: Vec<(i64, i64, &str, i64)> = awards
        .iter()
        .map(|a| {
            (
                i64::from(a.application_id),
                i64::from(a.team_id),
                a.tier.as_str(),
                a.amount_fen,
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            (s.apps[0], s.teams[0].id, "first", 1_000_000),
            (s.apps[1], s.teams[1].id, "second", 500_000)
        ]
    );
    let payouts = entity::payouts::Entity::find()
        .filter(entity::payouts::Column::CycleId.eq(s.cycle as i32))
        .order_by_asc(entity::payouts::Column::ApplicationId)
        .all(&app.db)
        .await
        .unwrap();
    assert_eq!(payouts.len(), 2);
    for (p, a) in payouts.iter().zip(&awards) {
        assert_eq!(
            (
                p.award_id,
                p.application_id,
                p.team_id,
                p.tier.as_str(),
                p.amount_fen
            ),
            (a.id, a.application_id, a.team_id, a.tier.as_str(), a.amount_fen)
        );
        assert_eq!(p.status.as_str(), "pending");
        assert_eq!(p.batch_id, None);
        assert_eq!(p.bank_name, BANK);
    }
    assert_eq!(payouts[0].account_no, ACCOUNT_NO);
    assert_eq!(payouts[0].account_name, app.unit_name(s.teams[0].unit_id).await);
    assert_eq!(payouts[1].account_no, "6222020200099990000");
    assert_eq!(payouts[1].account_name, "沈阳某大学财务处");
    for entity in ["award", "payout"] {
        let (_, audit) = app
            .get(&format!("/api/v1/audit?entity={entity}"), &app.admin)
            .await;
        assert_eq!(audit["total"], 2, "R-AUDIT for {entity}");
    }
    let (_, audit) = app.get("/api/v1/audit?entity=payout", &app.admin).await;
    assert_eq!(audit["items"][0]["after"]["account_no"], "6222 **** **** 0000");
    let (st, public) = public_results(&app, s.cycle).await;
    assert_eq!(st, StatusCode::OK, "finalized results stay public");
    assert_eq!(public["total"], 3);
}

/// Two finalize requests at once: exactly one succeeds and the awards exist once.
#[tokio::test]
async fn concurrent_finalize_requests_create_the_awards_once() {
    let app = TestApp::spawn().await;
    let s = ranked(&app).await;
    app.publish(s.cycle, Duration::days(1)).await;
    app.advance(Duration::days(2));
    let path = format!("/api/v1/cycles/{}/finalize", s.cycle);

    let (a, b) = tokio::join!(
        app.post(&path, &app.admin, json!({})),
        app.post(&path, &app.admin, json!({}))
    );

    let mut statuses = [a.0.as_u16(), b.0.as_u16()];
    statuses.sort_unstable();
    assert_eq!(statuses, [200, 409], "{} / {}", a.1, b.1);
    let awards = entity::awards::Entity::find()
        .filter(entity::awards::Column::CycleId.eq(s.cycle as i32))
        .all(&app.db)
        .await
        .unwrap();
    assert_eq!(awards.len(), 3);
    let payouts = entity::payouts::Entity::find()
        .filter(entity::payouts::Column::CycleId.eq(s.cycle as i32))
        .all(&app.db)
        .await
        .unwrap();
    assert_eq!(payouts.len(), 3);
}
