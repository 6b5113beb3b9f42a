//! Payout states: failed and reissued (R-NOPAY2), the cycle summary, and refused input (R-ERR).

use crate::{
    helpers::{TestApp, assert_error},
    payout_seed::finalized_cycle,
    payouts::{mark_paid, payment_count, today},
};
use reqwest::StatusCode;
use serde_json::{Value, json};

fn bank(account_no: &str) -> Value {
    json!({"bank": {"bank_name": "中国建设银行沈阳分行", "account_no": account_no, "account_name": "沈阳市某某学会"}})
}

/// SPEC "Subsidy disbursement", R-NOPAY2: a failed payout stays on record, linked to its
/// reissue; the award has one live payout, so a second reissue is refused.
#[tokio::test]
async fn a_failed_payout_is_reissued_once_to_a_corrected_account() {
    let app = TestApp::spawn().await;
    let world = finalized_cycle(&app, 2026).await;
    let (_, finance) = app.user("finance", None, None).await;
    let old = &world.payouts[1];
    let id = old.id;

    // Only a failed payout is reissued.
    let r = app
        .post(
            &format!("/api/v1/payouts/{id}/reissue"),
            &finance,
            bank("6222 0000 1111 2222"),
        )
        .await;
    assert_error(&r, 409, "payout_state");

    let r = app
        .post(
            &format!("/api/v1/payouts/{id}/failed"),
            &finance,
            json!({"reason": "  "}),
        )
        .await;
    assert_error(&r, 422, "invalid_value");
    assert_eq!(r.1["field"], "reason");
    let (s, v) = app
        .post(
            &format!("/api/v1/payouts/{id}/failed"),
            &finance,
            json!({"reason": "户名与账号不符"}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(
        (v["status"].as_str(), v["failure_reason"].as_str()),
        (Some("failed"), Some("户名与账号不符"))
    );
    let r = app
        .post(
            &format!("/api/v1/payouts/{id}/failed"),
            &finance,
            json!({"reason": "again"}),
        )
        .await;
    assert_error(&r, 409, "payout_state");
    let body = json!({"paid_on": today(&app), "bank_reference": "X"});
    assert_error(
        &mark_paid(&app, &finance, id, Some("k"), &body).await.pair(),
        409,
        "payout_state",
    );

    let r = app
        .post(
            &format!("/api/v1/payouts/{id}/reissue"),
            &finance,
            bank("6222-ABC"),
        )
        .await;
    assert_error(&r, 422, "invalid_bank_account");
    assert_eq!(r.1["field"], "bank.account_no");
    let mut blank_name = bank("6222000011112222");
    blank_name["bank"]["account_name"] = json!("");
    let r = app
        .post(&format!("/api/v1/payouts/{id}/reissue"), &finance, blank_name)
        .await;
    assert_error(&r, 422, "invalid_value");
    assert_eq!(r.1["field"], "bank.account_name");

    let (s, new) = app
        .post(
            &format!("/api/v1/payouts/{id}/reissue"),
            &finance,
            bank("6222 0000 1111 2222"),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{new}");
    assert_eq!(new["status"], "pending");
    assert_eq!(new["reissue_of"], id);
    assert_eq!(new["award_id"], old.award_id);
    assert_eq!(new["amount_fen"], old.amount_fen);
    assert_eq!(new["tier"], old.tier);
    assert_eq!(new["bank"]["account_no"], "6222000011112222");
    assert_eq!(new["batch_id"], Value::Null);
    let (_, was) = app.get(&format!("/api/v1/payouts/{id}"), &finance).await;
    assert_eq!(
        (was["status"].as_str(), &was["reissued_by"]),
        (Some("failed"), &new["id"])
    );

    // R-NOPAY2: one live payout per award.
    let r = app
        .post(
            &format!("/api/v1/payouts/{id}/reissue"),
            &finance,
            bank("6222000033334444"),
        )
        .await;
    assert_error(&r, 409, "already_reissued");
    let (_, listed) = app
        .get(&format!("/api/v1/payouts?cycle_id={}", world.cycle_id), &finance)
        .await;
    assert_eq!(listed["total"], 4);

    // The reissue is paid like any payout, once.
    let new_id = new["id"].as_i64().unwrap();
    let r = mark_paid(&app, &finance, new_id, Some("k2"), &body).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(payment_count(&app, new_id).await, 1);
    assert_eq!(payment_count(&app, id).await, 0);

    // R-AUDIT
    let (_, audit) = app
        .get(
            &format!("/api/v1/audit?entity=payout&entity_id={new_id}"),
            &app.admin,
        )
        .await;
    let actions: Vec<&str> = audit["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(actions, ["mark_paid", "reissue"]);
    let (_, audit) = app
        .get(&format!("/api/v1/audit?entity=payout&entity_id={id}"), &app.admin)
        .await;
    assert_eq!(audit["items"][0]["action"], "mark_failed");
    assert_eq!(audit["items"][0]["before"]["status"], "pending");
}

/// SPEC "Subsidy disbursement": the summary counts every state and adds up: awarded = paid +
/// remaining.
#[tokio::test]
async fn the_payout_summary_adds_up() {
    let app = TestApp::spawn().await;
    let world = finalized_cycle(&app, 2026).await;
    finalized_cycle(&app, 2025).await;
    let (_, finance) = app.user("finance", None, None).await;
    let [a, b, c] = [0, 1, 2].map(|i| world.payouts[i].id);
    let path = format!("/api/v1/cycles/{}/payout-summary", world.cycle_id);

    let (s, v) = app.get(&path, &finance).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["awarded_total_fen"], 1_900_050);
    assert_eq!(
        (v["paid_total_fen"].as_i64(), v["remaining_fen"].as_i64()),
        (Some(0), Some(1_900_050))
    );
    assert_eq!(
        v["by_status"][0],
        json!({"status": "pending", "count": 3, "total_fen": 1_900_050})
    );

    // a exported then paid, b failed and reissued, c exported.
    let r = app
        .post(
            "/api/v1/payout-batches",
            &finance,
            json!({"cycle_id": world.cycle_id, "payout_ids": [a, c]}),
        )
        .await;
    assert_eq!(r.0, StatusCode::CREATED, "{}", r.1);
    let body = json!({"paid_on": today(&app), "bank_reference": "R1"});
    assert_eq!(
        mark_paid(&app, &finance, a, Some("s1"), &body).await.status,
        StatusCode::OK
    );
    let r = app
        .post(
            &format!("/api/v1/payouts/{b}/failed"),
            &finance,
            json!({"reason": "销户"}),
        )
        .await;
    assert_eq!(r.0, StatusCode::OK);
    let r = app
        .post(
            &format!("/api/v1/payouts/{b}/reissue"),
            &finance,
            bank("6222000011112222"),
        )
        .await;
    assert_eq!(r.0, StatusCode::CREATED);

    let (_, v) = app.get(&path, &app.admin).await;
    let by: Vec<(String, i64, i64)> = v["by_status"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| {
            (
                t["status"].as_str().unwrap().to_owned(),
                t["count"].as_i64().unwrap(),
                t["total_fen"].as_i64().unwrap(),
            )
        })
        .collect();
    let expected = [
        ("pending", 1, 600_000),
        ("exported", 1, 300_050),
        ("paid", 1, 1_000_000),
        ("failed", 1, 600_000),
    ];
    assert_eq!(by, expected.map(|(s, n, t)| (s.to_owned(), n, t)));
    assert_eq!(v["awarded_total_fen"], 1_900_050);
    assert_eq!(v["paid_total_fen"], 1_000_000);
    assert_eq!(v["remaining_fen"], 900_050);
    let count: i64 = by.iter().map(|t| t.1).sum();
    assert_eq!(count, 4);

    assert_error(
        &app.get("/api/v1/cycles/99999/payout-summary", &finance).await,
        404,
        "not_found",
    );
}

/// R-ERR: bad input to "mark paid" names its field and records nothing.
#[tokio::test]
async fn bad_payment_input_is_refused_and_records_nothing() {
    let app = TestApp::spawn().await;
    let world = finalized_cycle(&app, 2026).await;
    let (_, finance) = app.user("finance", None, None).await;
    let id = world.payouts[0].id;

    let r = mark_paid(
        &app,
        &finance,
        id,
        Some("k"),
        &json!({"paid_on": today(&app), "bank_reference": " "}),
    )
    .await;
    assert_error(&r.pair(), 422, "invalid_value");
    assert_eq!(r.json()["field"], "bank_reference");
    let r = mark_paid(
        &app,
        &finance,
        id,
        Some("k"),
        &json!({"paid_on": "2999-01-01", "bank_reference": "R"}),
    )
    .await;
    assert_error(&r.pair(), 422, "invalid_value");
    assert_eq!(r.json()["field"], "paid_on");
    let r = mark_paid(
        &app,
        &finance,
        id,
        Some("k"),
        &json!({"paid_on": "01/03/2026", "bank_reference": "R"}),
    )
    .await;
    assert_error(&r.pair(), 400, "invalid_body");
    let r = mark_paid(
        &app,
        &finance,
        id,
        Some(&"k".repeat(201)),
        &json!({"paid_on": today(&app), "bank_reference": "R"}),
    )
    .await;
    assert_error(&r.pair(), 400, "invalid_parameter");
    let r = mark_paid(
        &app,
        &finance,
        999_999,
        Some("k"),
        &json!({"paid_on": today(&app), "bank_reference": "R"}),
    )
    .await;
    assert_error(&r.pair(), 404, "not_found");
    assert_eq!(payment_count(&app, id).await, 0);

    // The refused requests left no key behind: "k" is free for a real payment.
    let r = mark_paid(
        &app,
        &finance,
        id,
        Some("k"),
        &json!({"paid_on": today(&app), "bank_reference": "R"}),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert!(!r.replayed);
}
