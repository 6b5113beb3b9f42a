//! The whole 智惠行动 round over HTTP, nothing seeded: cycle, applications with real uploads,
//! the opinion chain, review, ranking, publicity, finalization, next year's exclusion.

use crate::helpers::{TestApp, assert_error, evidence};
use chrono::Duration;
use reqwest::StatusCode;
use serde_json::{Value, json};

struct Team {
    id: i64,
    token: String,
    unit: i64,
    app: i64,
}

async fn apply(app: &TestApp, cycle: i64, unit: i64, sessions: i64, people: i64) -> Team {
    let (id, token) = app.team_with_user(unit).await;
    let act = app.reported_activity(&token, id, sessions, people).await;
    let (s, v) = app
        .post(
            &format!("/api/v1/cycles/{cycle}/applications"),
            &token,
            app.application_body(id, &[act]),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let application = v["id"].as_i64().unwrap();
    let (s, v) = app
        .upload(&token, application, "summary", "活动总结.pdf", evidence::pdf())
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let (s, v) = app
        .upload(&token, application, "photo", "活动照片.jpg", evidence::jpeg())
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let (s, v) = app
        .post(
            &format!("/api/v1/applications/{application}/submit"),
            &token,
            json!({}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    Team {
        id,
        token,
        unit,
        app: application,
    }
}

async fn approve(app: &TestApp, application: i64, token: &str) -> Value {
    let (s, v) = app
        .post(
            &format!("/api/v1/applications/{application}/opinions"),
            token,
            json!({"decision": "approve", "comment": "同意"}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    v
}

/// R-COI, R-AGG, R-RANK, R-EXCLUDE, R-AUTHZ, R-PII across one whole year.
#[tokio::test]
async fn a_whole_round_from_application_to_next_years_exclusion() {
    let app = TestApp::spawn().await;
    let district = app.create_unit("district", None).await;
    let u1 = app.create_unit("university", Some(district)).await;
    let u2 = app.create_unit("society", None).await;
    let u3 = app.create_unit("institute", None).await;
    let mut body = app.cycle_body(2026);
    body["reviewers_per_application"] = json!(2);
    body["tiers"] = json!([{"tier": "first", "quota": 1, "subsidy_fen": 1_000_000}, {"tier": "second", "quota": 1, "subsidy_fen": 500_000}]);
    let (_, v) = app.post("/api/v1/cycles", &app.admin, body).await;
    let cycle = v["id"].as_i64().unwrap();
    app.post(&format!("/api/v1/cycles/{cycle}/open"), &app.admin, json!({}))
        .await;

    let t1 = apply(&app, cycle, u1, 6, 600).await;
    let t2 = apply(&app, cycle, u2, 4, 300).await;
    let t3 = apply(&app, cycle, u3, 2, 100).await;

    // Opinions in order: U1 goes through its district; U2 and U3 have none.
    let (_, u1_user) = app.user("unit", Some(u1), None).await;
    let (_, d_user) = app.user("district", Some(district), None).await;
    approve(&app, t1.app, &u1_user).await;
    approve(&app, t1.app, &d_user).await;
    for t in [&t1, &t2, &t3] {
        if t.unit != u1 {
            let (_, unit_user) = app.user("unit", Some(t.unit), None).await;
            approve(&app, t.app, &unit_user).await;
        }
        assert_eq!(approve(&app, t.app, &app.admin).await["status"], "accepted");
    }
    app.post(&format!("/api/v1/cycles/{cycle}/close"), &app.admin, json!({}))
        .await;

    // Experts: two in U1, one in U2, two in U3.
    let mut experts = Vec::new();
    for unit in [u1, u1, u2, u3, u3] {
        let (id, token) = app.user("expert", Some(unit), None).await;
        experts.push((id, token, unit));
    }
    let (s, v) = app
        .post(
            &format!("/api/v1/cycles/{cycle}/assignments/auto"),
            &app.admin,
            json!({}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let pairs: Vec<(i64, i64)> = v["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| {
            (
                a["application_id"].as_i64().unwrap(),
                a["expert_id"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(pairs.len(), 6);
    for t in [&t1, &t2, &t3] {
        let mine: Vec<i64> = pairs.iter().filter(|p| p.0 == t.app).map(|p| p.1).collect();
        assert_eq!(mine.len(), 2);
        assert_ne!(mine[0], mine[1]);
        for e in mine {
            let unit = experts.iter().find(|x| x.0 == e).unwrap().2;
            assert_ne!(unit, t.unit, "R-COI");
        }
    }
    let loads: Vec<usize> = experts
        .iter()
        .map(|e| pairs.iter().filter(|p| p.1 == e.0).count())
        .collect();
    assert!(
        loads.iter().max().unwrap() - loads.iter().min().unwrap() <= 1,
        "{loads:?}"
    );

    // An expert reads an assigned application: figures and evidence, no bank account, masked mobile.
    let totals = [(t1.app, 90.0), (t2.app, 75.0), (t3.app, 50.0)];
    for (expert_id, token, _) in &experts {
        for (application, total) in totals {
            if !pairs.contains(&(application, *expert_id)) {
                assert_error(
                    &app.get(&format!("/api/v1/applications/{application}"), token)
                        .await,
                    404,
                    "not_found",
                );
                continue;
            }
            let (s, v) = app
                .get(&format!("/api/v1/applications/{application}"), token)
                .await;
            assert_eq!(s, StatusCode::OK);
            assert!(v.get("bank").is_none_or(Value::is_null), "{v}");
            assert_eq!(v["mobile"], "136****5678");
            assert!(v["figures"]["sessions"].as_i64().unwrap() > 0);
            let (_, files) = app
                .get(&format!("/api/v1/applications/{application}/attachments"), token)
                .await;
            let file = files["items"][0]["id"].as_i64().unwrap();
            let resp = app
                .client
                .get(app.url(&format!("/api/v1/attachments/{file}/content")))
                .bearer_auth(token)
                .send()
                .await
                .unwrap();
            assert_eq!(resp.status(), StatusCode::OK);
            app.score_total(token, application, total).await;
        }
    }

    let ranking = app.rank(cycle).await;
    let order: Vec<(i64, Option<String>)> = ranking["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["application_id"].as_i64().unwrap(),
                r["tier"].as_str().map(str::to_owned),
            )
        })
        .collect();
    assert_eq!(
        order,
        [
            (t1.app, Some("first".into())),
            (t2.app, Some("second".into())),
            (t3.app, None)
        ]
    );

    // Publicity: public results without personal data; an objection, dismissed.
    let (s, _) = app.publish(cycle, Duration::days(3)).await;
    assert_eq!(s, StatusCode::OK);
    let public = app
        .client
        .get(app.url(&format!("/api/v1/public/cycles/{cycle}/results")))
        .send()
        .await
        .unwrap();
    assert_eq!(public.status(), StatusCode::OK);
    let text = public.text().await.unwrap();
    assert!(!text.contains("13612345678") && !text.contains("6222"), "{text}");
    let objection = json!({"application_id": t2.app, "reason": "活动场次存疑", "contact_name": "赵六", "contact_phone": "13700001111"});
    let (s, v) = app
        .call(
            reqwest::Method::POST,
            &format!("/api/v1/public/cycles/{cycle}/objections"),
            None,
            Some(objection),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let objection_id = v["id"].as_i64().unwrap();
    assert_error(
        &app.post(&format!("/api/v1/cycles/{cycle}/finalize"), &app.admin, json!({}))
            .await,
        409,
        "publicity_not_over",
    );
    app.advance(Duration::days(4));
    assert_error(
        &app.post(&format!("/api/v1/cycles/{cycle}/finalize"), &app.admin, json!({}))
            .await,
        409,
        "objections_open",
    );
    let (s, _) = app
        .post(
            &format!("/api/v1/objections/{objection_id}/resolve"),
            &app.admin,
            json!({"decision": "dismissed", "note": "经核实，场次属实"}),
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    let (s, v) = app
        .post(&format!("/api/v1/cycles/{cycle}/finalize"), &app.admin, json!({}))
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(
        app.get(&format!("/api/v1/applications/{}", t1.app), &t1.token)
            .await
            .1["status"],
        "awarded"
    );
    assert_eq!(
        app.get(&format!("/api/v1/applications/{}", t3.app), &t3.token)
            .await
            .1["status"],
        "not_awarded"
    );

    // R-NOPAY2: finalizing created one payout per award; finance batches and pays them once.
    let (_, finance) = app.user("finance", None, None).await;
    let (s, v) = app
        .get(&format!("/api/v1/payouts?cycle_id={cycle}"), &finance)
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let mut payouts: Vec<(i64, i64, String)> = v["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["application_id"].as_i64().unwrap(),
                p["amount_fen"].as_i64().unwrap(),
                p["bank"]["account_no"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    payouts.sort();
    assert_eq!(
        payouts,
        [
            (t1.app, 1_000_000, "6222020200012345678".into()),
            (t2.app, 500_000, "6222020200012345678".into())
        ]
    );
    let (s, batch) = app
        .post("/api/v1/payout-batches", &finance, json!({"cycle_id": cycle}))
        .await;
    assert_eq!(s, StatusCode::CREATED, "{batch}");
    assert_eq!(batch["total_fen"], 1_500_000);
    let sheet = app
        .client
        .get(app.url(&format!("/api/v1/payout-batches/{}/sheet", batch["id"])))
        .bearer_auth(&finance)
        .send()
        .await
        .unwrap();
    assert_eq!(sheet.status(), StatusCode::OK);
    assert!(sheet.bytes().await.unwrap().starts_with(b"PK"));
    for id in batch["payout_ids"].as_array().unwrap() {
        let paid = app
            .client
            .post(app.url(&format!("/api/v1/payouts/{id}/paid")))
            .bearer_auth(&finance)
            .header("Idempotency-Key", format!("pay-{id}"))
            .json(
                &json!({"paid_on": app.now().format("%Y-%m-%d").to_string(), "bank_reference": "ICBC-0001"}),
            )
            .send()
            .await
            .unwrap();
        assert_eq!(paid.status(), StatusCode::OK);
    }
    let (_, summary) = app
        .get(&format!("/api/v1/cycles/{cycle}/payout-summary"), &finance)
        .await;
    assert_eq!(
        (
            summary["awarded_total_fen"].as_i64(),
            summary["paid_total_fen"].as_i64()
        ),
        (Some(1_500_000), Some(1_500_000)),
        "{summary}"
    );

    // R-EXCLUDE: next year, last year's winners may not apply; the others may.
    let next = app.open_cycle(2027).await;
    for t in [&t1, &t2] {
        let r = app
            .post(
                &format!("/api/v1/cycles/{next}/applications"),
                &t.token,
                app.application_body(t.id, &[]),
            )
            .await;
        assert_error(&r, 422, "previous_year_awardee");
    }
    let (s, _) = app
        .post(
            &format!("/api/v1/cycles/{next}/applications"),
            &t3.token,
            app.application_body(t3.id, &[]),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED);
}
