//! Expert assignment and scoring (R-COI, R-AUTHZ, R-AUDIT).

use crate::{
    helpers::{TestApp, assert_error},
    review_seed::{CycleSpec, Scenario},
};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use std::collections::{HashMap, HashSet};

fn items(v: &Value) -> &Vec<Value> {
    v["items"].as_array().unwrap()
}

/// R-COI: four applications of unit A, one each of units B and C; one expert of A, two each
/// of B and C; two reviewers each. The A applications can only go to B and C experts, yet a
/// spread of one exists — and is the one chosen. Running it again assigns nothing more.
#[tokio::test]
async fn automatic_assignment_respects_conflicts_uses_distinct_experts_and_evens_the_load() {
    let app = TestApp::spawn().await;
    let units = [
        app.create_unit("university", None).await,
        app.create_unit("society", None).await,
        app.create_unit("institute", None).await,
    ];
    let cycle = app
        .seed_cycle(CycleSpec {
            reviewers: 2,
            ..Default::default()
        })
        .await;
    let mut unit_of_app = HashMap::new();
    for (unit, n) in [(units[0], 4), (units[1], 1), (units[2], 1)] {
        for _ in 0..n {
            let team = app.seed_team(unit).await;
            let id = app.seed_application(cycle, &team, 2, 100).await;
            unit_of_app.insert(id, unit);
        }
    }
    let mut unit_of_expert = HashMap::new();
    for (unit, n) in [(units[0], 1), (units[1], 2), (units[2], 2)] {
        for _ in 0..n {
            unit_of_expert.insert(app.expert(unit).await.0, unit);
        }
    }

    let v = app.auto_assign(cycle).await;

    let pairs: Vec<(i64, i64)> = items(&v)
        .iter()
        .map(|a| {
            (
                a["application_id"].as_i64().unwrap(),
                a["expert_id"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(pairs.len(), 12);
    for (application, expert) in &pairs {
        assert_ne!(unit_of_app[application], unit_of_expert[expert], "R-COI broken");
    }
    for application in unit_of_app.keys() {
        let experts: HashSet<i64> = pairs
            .iter()
            .filter(|(a, _)| a == application)
            .map(|(_, e)| *e)
            .collect();
        assert_eq!(experts.len(), 2, "two distinct experts for {application}");
    }
    let loads: Vec<usize> = unit_of_expert
        .keys()
        .map(|e| pairs.iter().filter(|(_, x)| x == e).count())
        .collect();
    let spread = loads.iter().max().unwrap() - loads.iter().min().unwrap();
    assert!(spread <= 1, "loads {loads:?}");
    assert!(
        items(&v)
            .iter()
            .all(|a| a["scored"] == false && a["cycle_id"] == cycle)
    );

    let again = app.auto_assign(cycle).await;
    assert_eq!(again["total"], 0);
    let (_, all) = app
        .get(
            &format!("/api/v1/assignments?cycle_id={cycle}&per_page=500"),
            &app.admin,
        )
        .await;
    assert_eq!(all["total"], 12);
    let (_, audit) = app.get("/api/v1/audit?entity=assignment", &app.admin).await;
    assert_eq!(audit["total"], 12, "R-AUDIT: one entry per assignment");
}

/// R-COI: with too few experts outside an application's unit, 422 `assignment_infeasible`
/// names it, and nothing at all is assigned.
#[tokio::test]
async fn automatic_assignment_without_enough_unconflicted_experts_names_the_application_and_assigns_nothing()
{
    let app = TestApp::spawn().await;
    let (a, b) = (
        app.create_unit("university", None).await,
        app.create_unit("society", None).await,
    );
    let cycle = app
        .seed_cycle(CycleSpec {
            reviewers: 2,
            ..Default::default()
        })
        .await;
    let stuck = app.seed_application(cycle, &app.seed_team(a).await, 1, 10).await;
    let fine = app.seed_application(cycle, &app.seed_team(b).await, 1, 10).await;
    app.expert(a).await;
    app.expert(a).await;
    app.expert(b).await;

    let r = app
        .post(
            &format!("/api/v1/cycles/{cycle}/assignments/auto"),
            &app.admin,
            json!({}),
        )
        .await;

    assert_error(&r, 422, "assignment_infeasible");
    let msg = r.1["message"].as_str().unwrap();
    assert!(msg.contains(&stuck.to_string()), "{msg}");
    assert!(!msg.contains(&format!(" {fine}")), "{msg}");
    let (_, all) = app.get("/api/v1/assignments", &app.admin).await;
    assert_eq!(all["total"], 0);
}

/// R-COI: manual assignment refuses an expert of the application's own unit, a user who is
/// not an expert, and the same expert twice.
#[tokio::test]
async fn manual_assignment_refuses_conflicts_non_experts_and_duplicates() {
    let app = TestApp::spawn().await;
    let (a, b) = (
        app.create_unit("university", None).await,
        app.create_unit("society", None).await,
    );
    let cycle = app.seed_cycle(CycleSpec::default()).await;
    let application = app.seed_application(cycle, &app.seed_team(a).await, 1, 10).await;
    let (own, _) = app.expert(a).await;
    let (other, _) = app.expert(b).await;
    let (finance, _) = app.user("finance", None, None).await;

    let r = app.assign(application, own).await;
    assert_error(&r, 422, "conflict_of_interest");
    assert_eq!(r.1["field"], "expert_id");
    assert_error(&app.assign(application, finance).await, 422, "not_an_expert");

    let (s, v) = app.assign(application, other).await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    assert_eq!(v["application_id"], application);
    assert_eq!(v["expert_id"], other);
    assert_eq!(v["sessions"], 1);
    assert_eq!(v["people_served"], 10);

    assert_error(&app.assign(application, other).await, 409, "already_assigned");
    assert_error(&app.assign(999_999, other).await, 404, "not_found");

    // Only accepted applications are reviewed.
    let pending = app.seed_application(cycle, &app.seed_team(a).await, 1, 10).await;
    set_status(&app, pending, "district_approved").await;
    assert_error(&app.assign(pending, other).await, 409, "application_not_accepted");
    assert_eq!(app.auto_assign(cycle).await["total"], 0, "nothing to do for it");
}

async fn set_status(app: &TestApp, application: i64, status: &str) {
    use sea_orm::{ActiveModelTrait, EntityTrait, Set};
    let model = entity::applications::Entity::find_by_id(application as i32)
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    let mut active: entity::applications::ActiveModel = model.into();
    active.status =
        Set(zhihui::domain::application::ApplicationStatus::parse(status).expect("a known status"));
    active.update(&app.db).await.unwrap();
}

/// Assignments change only while the cycle is `reviewing`; a scored assignment stays.
#[tokio::test]
async fn an_assignment_is_removable_until_its_expert_has_scored() {
    let app = TestApp::spawn().await;
    let s = Scenario::new(&app, CycleSpec::default(), &[(1, 10), (2, 20)], 1).await;
    let (_, list) = app.get("/api/v1/assignments", &app.admin).await;
    let ids: Vec<i64> = items(&list).iter().map(|a| a["id"].as_i64().unwrap()).collect();
    app.score_total(&s.experts[0].1, s.apps[0], 70.0).await;

    let r = app
        .delete(&format!("/api/v1/assignments/{}", ids[0]), &app.admin)
        .await;
    assert_error(&r, 409, "already_scored");
    let (st, _) = app
        .delete(&format!("/api/v1/assignments/{}", ids[1]), &app.admin)
        .await;
    assert_eq!(st, StatusCode::NO_CONTENT);
    assert_error(
        &app.delete(&format!("/api/v1/assignments/{}", ids[1]), &app.admin)
            .await,
        404,
        "not_found",
    );
    let (_, audit) = app.get("/api/v1/audit?entity=assignment", &app.admin).await;
    assert_eq!(audit["items"][0]["action"], "remove");

    // Not `reviewing` any more: 409 `cycle_state`.
    let r = app.assign(s.apps[1], s.experts[0].0).await;
    assert_eq!(r.0, StatusCode::CREATED);
    app.score_total(&s.experts[0].1, s.apps[1], 60.0).await;
    app.rank(s.cycle).await;
    let r = app
        .post(
            &format!("/api/v1/cycles/{}/assignments/auto", s.cycle),
            &app.admin,
            json!({}),
        )
        .await;
    assert_error(&r, 409, "cycle_state");
}

/// Scores: every criterion within 0..max with at most one decimal (`score_out_of_range`),
/// no unknown or missing keys (`invalid_value`), with a comment; the expert may change them.
#[tokio::test]
async fn scores_are_checked_per_criterion_and_can_be_changed() {
    let app = TestApp::spawn().await;
    let s = Scenario::new(&app, CycleSpec::default(), &[(1, 10)], 1).await;
    let (token, id) = (&s.experts[0].1, s.apps[0]);

    for (points, field) in [
        ([25.5, 10.0, 10.0, 10.0], "scores.sessions"),
        ([10.0, -1.0, 10.0, 10.0], "scores.people_served"),
        ([10.0, 10.0, 12.25, 10.0], "scores.social_benefit"),
    ] {
        let r = app.put_scores(token, id, points).await;
        assert_error(&r, 422, "score_out_of_range");
        assert_eq!(r.1["field"], field);
    }
    let path = format!("/api/v1/applications/{id}/scores");
    let body = |scores: Value| json!({"scores": scores, "comment": "好"});
    let r = app
        .call(
            Method::PUT,
            &path,
            Some(token),
            Some(body(
                json!({"sessions": 1, "people_served": 1, "social_benefit": 1}),
            )),
        )
        .await;
    assert_error(&r, 422, "invalid_value");
    assert_eq!(r.1["field"], "scores.highlights_materials");
    let r = app
        .call(
            Method::PUT,
            &path,
            Some(token),
            Some(body(
                json!({"sessions": 1, "people_served": 1, "social_benefit": 1, "highlights_materials": 1, "charm": 5}),
            )),
        )
        .await;
    assert_error(&r, 422, "invalid_value");
    assert_eq!(r.1["field"], "scores.charm");

    let (st, v) = app.put_scores(token, id, [25.0, 0.0, 29.5, 20.0]).await;
    assert_eq!(st, StatusCode::OK, "{v}");
    assert_eq!(v["total"], 74.5);
    assert_eq!(v["scores"]["social_benefit"], 29.5);
    let (st, v) = app.put_scores(token, id, [20.0, 20.0, 20.0, 20.0]).await;
    assert_eq!(st, StatusCode::OK);
    assert_eq!(v["total"], 80.0);

    let (_, mine) = app.get(&path, token).await;
    assert_eq!(mine["total"], 1);
    assert_eq!(mine["items"][0]["total"], 80.0);
    let (_, audit) = app.get("/api/v1/audit?entity=score", &app.admin).await;
    let actions: Vec<&str> = items(&audit)
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(actions, ["update", "create"]);
}

/// R-AUTHZ: an expert not assigned to an application does not see it (404); those who see it
/// but are not experts may not score it (403).
#[tokio::test]
async fn only_the_assigned_expert_scores_an_application() {
    let app = TestApp::spawn().await;
    let s = Scenario::new(&app, CycleSpec::default(), &[(1, 10)], 1).await;
    let other_unit = app.create_unit("society", None).await;
    let (_, stranger) = app.expert(other_unit).await;
    let (_, other_team) = app.team_with_user(other_unit).await;

    let r = app.put_scores(&stranger, s.apps[0], [1.0; 4]).await;
    assert_error(&r, 404, "not_found");
    let r = app.put_scores(&other_team, s.apps[0], [1.0; 4]).await;
    assert_error(&r, 404, "not_found");
    assert_error(
        &app.put_scores(&app.admin, s.apps[0], [1.0; 4]).await,
        403,
        "forbidden",
    );
    assert_error(
        &app.put_scores(&s.teams[0].token, s.apps[0], [1.0; 4]).await,
        403,
        "forbidden",
    );
    assert_error(
        &app.get(&format!("/api/v1/applications/{}/scores", s.apps[0]), &stranger)
            .await,
        404,
        "not_found",
    );
}

/// R-AUTHZ: an expert's list holds only their own assignments; other roles get 403.
#[tokio::test]
async fn an_expert_lists_only_their_own_assignments() {
    let app = TestApp::spawn().await;
    let (a, b) = (
        app.create_unit("university", None).await,
        app.create_unit("society", None).await,
    );
    let cycle = app.seed_cycle(CycleSpec::default()).await;
    let team = app.seed_team(a).await;
    let first = app.seed_application(cycle, &team, 3, 30).await;
    let second = app.seed_application(cycle, &app.seed_team(a).await, 1, 10).await;
    let (e1, t1) = app.expert(b).await;
    let (e2, t2) = app.expert(b).await;
    app.assign(first, e1).await;
    app.assign(second, e2).await;

    let (s, mine) = app.get("/api/v1/assignments", &t1).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(mine["total"], 1);
    let item = &mine["items"][0];
    assert_eq!(
        (item["application_id"].as_i64(), item["expert_id"].as_i64()),
        (Some(first), Some(e1))
    );
    assert_eq!(item["sessions"], 3);
    assert_eq!(item["people_served"], 30);
    assert!(item["project_name"].as_str().unwrap().starts_with("社区科普项目"));
    assert!(!item["team_name"].as_str().unwrap().is_empty());
    let (_, theirs) = app
        .get(&format!("/api/v1/assignments?cycle_id={cycle}"), &t2)
        .await;
    assert_eq!(theirs["items"][0]["application_id"], second);
    let (_, all) = app.get("/api/v1/assignments", &app.admin).await;
    assert_eq!(all["total"], 2);
    assert_error(
        &app.get("/api/v1/assignments", &team.token).await,
        403,
        "forbidden",
    );
}

/// R-AUTHZ: teams, units, districts, finance and experts get 403 on the admin's review actions.
#[tokio::test]
async fn other_roles_may_not_run_the_review() {
    let app = TestApp::spawn().await;
    let s = Scenario::new(&app, CycleSpec::default(), &[(1, 10)], 1).await;
    let unit = s.teams[0].unit_id;
    let (_, unit_user) = app.user("unit", Some(unit), None).await;
    let district_unit = app.create_unit("district", None).await;
    let (_, district) = app.user("district", Some(district_unit), None).await;
    let (_, finance) = app.user("finance", None, None).await;
    let c = s.cycle;
    let calls: Vec<(Method, String, Value)> = vec![
        (
            Method::POST,
            format!("/api/v1/cycles/{c}/assignments/auto"),
            json!({}),
        ),
        (
            Method::POST,
            format!("/api/v1/applications/{}/assignments", s.apps[0]),
            json!({"expert_id": s.experts[0].0}),
        ),
        (Method::DELETE, "/api/v1/assignments/1".into(), Value::Null),
        (Method::POST, format!("/api/v1/cycles/{c}/rank"), json!({})),
        (Method::GET, format!("/api/v1/cycles/{c}/results"), Value::Null),
        (
            Method::GET,
            format!("/api/v1/cycles/{c}/results/sheet"),
            Value::Null,
        ),
        (
            Method::POST,
            format!("/api/v1/cycles/{c}/publish"),
            json!({"publicity_ends_at": app.at(chrono::Duration::days(7))}),
        ),
        (Method::GET, format!("/api/v1/cycles/{c}/objections"), Value::Null),
        (
            Method::POST,
            "/api/v1/objections/1/resolve".into(),
            json!({"decision": "dismissed", "note": "x"}),
        ),
        (Method::POST, format!("/api/v1/cycles/{c}/finalize"), json!({})),
    ];
    for token in [
        &s.teams[0].token,
        &unit_user,
        &district,
        &finance,
        &s.experts[0].1,
    ] {
        for (method, path, body) in &calls {
            let body = (!body.is_null()).then(|| body.clone());
            let r = app.call(method.clone(), path, Some(token), body).await;
            assert_error(&r, 403, "forbidden");
        }
    }
    assert_eq!(app.cycle_status(c).await, "reviewing");
}
