//! Subsidy disbursement: reading payouts, who may touch them, batches (R-PII, R-AUTHZ,
//! R-NOPAY2). Shared helpers for the other payout test modules live here.

use crate::{
    helpers::{TestApp, assert_error},
    payout_seed::{Finalized, finalized_cycle},
};
use entity::payments;
use reqwest::StatusCode;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::{Value, json};
use zhihui::domain::cst_date;

/// A response to `POST /payouts/{id}/paid`: status, body as sent, whether it was a replay.
pub struct PaidResp {
    pub status: StatusCode,
    pub text: String,
    pub replayed: bool,
}

impl PaidResp {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.text).unwrap()
    }
    pub fn pair(&self) -> (StatusCode, Value) {
        (self.status, self.json())
    }
}

pub async fn mark_paid(app: &TestApp, token: &str, id: i64, key: Option<&str>, body: &Value) -> PaidResp {
    let mut req = app
        .client
        .post(app.url(&format!("/api/v1/payouts/{id}/paid")))
        .bearer_auth(token)
        .json(body);
    if let Some(k) = key {
        req = req.header("Idempotency-Key", k);
    }
    let resp = req.send().await.expect("request");
    let replayed = resp.headers().get("Idempotent-Replayed").is_some();
    PaidResp {
        status: resp.status(),
        replayed,
        text: resp.text().await.expect("body"),
    }
}

pub fn today(app: &TestApp) -> String {
    cst_date(app.now()).to_string()
}

pub async fn payment_count(app: &TestApp, payout_id: i64) -> u64 {
    payments::Entity::find()
        .filter(payments::Column::PayoutId.eq(payout_id as i32))
        .count(&app.db)
        .await
        .unwrap()
}

pub async fn setup() -> (TestApp, Finalized, String) {
    let app = TestApp::spawn().await;
    let world = finalized_cycle(&app, 2026).await;
    let (_, finance) = app.user("finance", None, None).await;
    (app, world, finance)
}

/// R-PII: finance sees account numbers in full, the admin masked; both filter by cycle and status.
#[tokio::test]
async fn finance_sees_full_account_numbers_and_the_admin_sees_them_masked() {
    let (app, world, finance) = setup().await;
    let other = finalized_cycle(&app, 2025).await;
    let first = &world.payouts[0];

    let (s, v) = app
        .get(&format!("/api/v1/payouts?cycle_id={}", world.cycle_id), &finance)
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["total"], 3);
    let item = &v["items"][0];
    assert_eq!(item["id"], first.id);
    assert_eq!(item["award_id"], first.award_id);
    assert_eq!(item["application_id"], first.application_id);
    assert_eq!(item["team_id"], first.team_id);
    assert_eq!(item["team_name"], first.team_name.as_str());
    assert_eq!(item["unit_name"], first.unit_name.as_str());
    assert_eq!(item["project_name"], first.project_name.as_str());
    assert_eq!(item["tier"], "first");
    assert_eq!(item["amount_fen"], 1_000_000);
    assert_eq!(item["status"], "pending");
    assert_eq!(item["bank"]["account_no"], "6222020200010123");
    assert_eq!(item["bank"]["bank_name"], first.bank_name.as_str());
    assert_eq!(item["bank"]["account_name"], first.unit_name.as_str());
    assert_eq!(item["account_name_differs"], false);
    assert_eq!(v["items"][1]["account_name_differs"], true);
    assert!(item["created_at"].as_str().unwrap().ends_with("+08:00"));

    let (s, v) = app
        .get(
            &format!("/api/v1/payouts?cycle_id={}", world.cycle_id),
            &app.admin,
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["items"][0]["bank"]["account_no"], "6222 **** **** 0123");
    let (_, one) = app
        .get(&format!("/api/v1/payouts/{}", first.id), &app.admin)
        .await;
    assert_eq!(one["bank"]["account_no"], "6222 **** **** 0123");
    let (_, one) = app.get(&format!("/api/v1/payouts/{}", first.id), &finance).await;
    assert_eq!(one["bank"]["account_no"], "6222020200010123");

    // Filters and paging.
    assert_eq!(app.get("/api/v1/payouts", &finance).await.1["total"], 6);
    let (_, v) = app
        .get(
            &format!("/api/v1/payouts?cycle_id={}&per_page=2&page=2", other.cycle_id),
            &finance,
        )
        .await;
    assert_eq!(
        (v["total"].as_i64(), v["items"].as_array().unwrap().len()),
        (Some(3), 1)
    );
    assert_eq!(
        app.get("/api/v1/payouts?status=paid", &finance).await.1["total"],
        0
    );
    assert_eq!(
        app.get("/api/v1/payouts?status=pending", &finance).await.1["total"],
        6
    );
    assert_error(
        &app.get("/api/v1/payouts?status=lost", &finance).await,
        400,
        "invalid_parameter",
    );
    assert_error(
        &app.get("/api/v1/payouts/999999", &finance).await,
        404,
        "not_found",
    );
}

/// R-AUTHZ: teams, units, districts and experts get 403 on every payout operation.
#[tokio::test]
async fn teams_units_districts_and_experts_may_not_touch_payouts() {
    let (app, world, _) = setup().await;
    let district = app.create_unit("district", None).await;
    let unit = app.create_unit("university", Some(district)).await;
    let (_, team) = app.team_with_user(unit).await;
    let (_, unit_user) = app.user("unit", Some(unit), None).await;
    let (_, district_user) = app.user("district", Some(district), None).await;
    let (_, expert) = app.user("expert", Some(unit), None).await;
    let id = world.payouts[0].id;
    let c = world.cycle_id;

    for token in [&team, &unit_user, &district_user, &expert] {
        assert_error(&app.get("/api/v1/payouts", token).await, 403, "forbidden");
        assert_error(
            &app.get(&format!("/api/v1/payouts/{id}"), token).await,
            403,
            "forbidden",
        );
        assert_error(
            &app.get(&format!("/api/v1/cycles/{c}/payout-summary"), token)
                .await,
            403,
            "forbidden",
        );
        let body = json!({"paid_on": today(&app), "bank_reference": "B1"});
        assert_error(
            &mark_paid(&app, token, id, Some("k1"), &body).await.pair(),
            403,
            "forbidden",
        );
        let r = app
            .post(
                &format!("/api/v1/payouts/{id}/failed"),
                token,
                json!({"reason": "x"}),
            )
            .await;
        assert_error(&r, 403, "forbidden");
        let r = app
            .post("/api/v1/payout-batches", token, json!({"cycle_id": c}))
            .await;
        assert_error(&r, 403, "forbidden");
    }
    // The admin reads but does not pay, batch or download.
    let body = json!({"paid_on": today(&app), "bank_reference": "B1"});
    assert_error(
        &mark_paid(&app, &app.admin, id, Some("k1"), &body).await.pair(),
        403,
        "forbidden",
    );
    let r = app
        .post("/api/v1/payout-batches", &app.admin, json!({"cycle_id": c}))
        .await;
    assert_error(&r, 403, "forbidden");
    assert_eq!(
        app.get("/api/v1/payouts?status=pending", &app.admin).await.1["total"],
        3
    );
}

/// SPEC "Subsidy disbursement": a payout is in at most one batch, and a batch takes only pending
/// payouts of its own cycle.
#[tokio::test]
async fn a_batch_takes_only_pending_unbatched_payouts_of_its_cycle() {
    let (app, world, finance) = setup().await;
    let other = finalized_cycle(&app, 2025).await;
    let [a, b, c] = [0, 1, 2].map(|i| world.payouts[i].id);
    let batch = |ids: Value| json!({"cycle_id": world.cycle_id, "payout_ids": ids});

    let r = app
        .post("/api/v1/payout-batches", &finance, batch(json!([])))
        .await;
    assert_error(&r, 422, "empty_batch");
    let r = app
        .post(
            "/api/v1/payout-batches",
            &finance,
            batch(json!([a, other.payouts[0].id])),
        )
        .await;
    assert_error(&r, 422, "payout_not_in_cycle");
    assert_eq!(r.1["field"], "payout_ids");
    let r = app
        .post("/api/v1/payout-batches", &finance, batch(json!([a, 424242])))
        .await;
    assert_error(&r, 422, "payout_not_in_cycle");
    let r = app
        .post("/api/v1/payout-batches", &finance, json!({"cycle_id": 99999}))
        .await;
    assert_error(&r, 404, "not_found");

    let (s, v) = app
        .post("/api/v1/payout-batches", &finance, batch(json!([a, a])))
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    assert_eq!(
        (v["payout_ids"].clone(), v["total_fen"].clone()),
        (json!([a]), json!(1_000_000))
    );

    let r = app
        .post("/api/v1/payout-batches", &finance, batch(json!([a, b])))
        .await;
    assert_error(&r, 409, "payout_already_batched");
    // A failed payout is not pending.
    let r = app
        .post(
            &format!("/api/v1/payouts/{c}/failed"),
            &finance,
            json!({"reason": "账号错误"}),
        )
        .await;
    assert_eq!(r.0, StatusCode::OK, "{}", r.1);
    let r = app
        .post("/api/v1/payout-batches", &finance, batch(json!([b, c])))
        .await;
    assert_error(&r, 409, "payout_state");
    // Nothing half written: b is still pending.
    assert_eq!(
        app.get(&format!("/api/v1/payouts/{b}"), &finance).await.1["status"],
        "pending"
    );

    // The default takes what is left: b only. Batches are numbered per cycle.
    let (s, v) = app
        .post(
            "/api/v1/payout-batches",
            &finance,
            json!({"cycle_id": world.cycle_id}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    assert_eq!(
        (v["payout_ids"].clone(), v["label"].clone()),
        (json!([b]), json!("第2批"))
    );
    let (s, v) = app
        .post(
            "/api/v1/payout-batches",
            &finance,
            json!({"cycle_id": other.cycle_id}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    assert_eq!(v["label"], "第1批");
    let (_, list) = app
        .get(
            &format!("/api/v1/payout-batches?cycle_id={}", world.cycle_id),
            &app.admin,
        )
        .await;
    assert_eq!(list["total"], 2);
    assert_eq!(list["items"][1]["payout_ids"], json!([b]));
    assert_eq!(app.get("/api/v1/payout-batches", &finance).await.1["total"], 3);
}
