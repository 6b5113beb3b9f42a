//! Recording payments: idempotent under retries and concurrency (R-NOPAY2).

use crate::{
    helpers::assert_error,
    payouts::{mark_paid, payment_count, setup, today},
};
use reqwest::StatusCode;
use serde_json::json;

/// R-NOPAY2: marking paid is idempotent per key and user: the same key and body get the stored
/// answer; the same key with another body is refused; a new key on a paid payout is
/// `already_paid`; only one payment is ever recorded.
#[tokio::test]
async fn marking_paid_is_idempotent_under_retries() {
    let (app, world, finance) = setup().await;
    let id = world.payouts[0].id;
    let body = json!({"paid_on": today(&app), "bank_reference": "ICBC-20260301-0001"});

    let r = mark_paid(&app, &finance, id, None, &body).await;
    assert_error(&r.pair(), 400, "invalid_parameter");
    assert_eq!(r.json()["field"], "Idempotency-Key");

    let first = mark_paid(&app, &finance, id, Some("key-1"), &body).await;
    assert_eq!(first.status, StatusCode::OK, "{}", first.text);
    assert!(!first.replayed);
    let v = first.json();
    assert_eq!(v["status"], "paid");
    assert_eq!(v["paid_on"], today(&app));
    assert_eq!(v["bank_reference"], "ICBC-20260301-0001");
    assert_eq!(v["bank"]["account_no"], "6222020200010123");

    // A retry, even after the clock moved on, gets exactly the stored answer.
    app.advance(chrono::Duration::minutes(5));
    let retry = mark_paid(&app, &finance, id, Some("key-1"), &body).await;
    assert_eq!((retry.status, &retry.text), (first.status, &first.text));
    assert!(retry.replayed);

    let other_body = json!({"paid_on": today(&app), "bank_reference": "ICBC-OTHER"});
    let r = mark_paid(&app, &finance, id, Some("key-1"), &other_body).await;
    assert_error(&r.pair(), 422, "idempotency_key_reused");
    let r = mark_paid(&app, &finance, id, Some("key-2"), &body).await;
    assert_error(&r.pair(), 409, "already_paid");
    // Keys are per user: another finance user's "key-1" is a new key.
    let (_, finance2) = app.user("finance", None, None).await;
    let r = mark_paid(&app, &finance2, id, Some("key-1"), &body).await;
    assert_error(&r.pair(), 409, "already_paid");
    // The same key on another payout is another request.
    let r = mark_paid(&app, &finance, world.payouts[1].id, Some("key-1"), &body).await;
    assert_error(&r.pair(), 422, "idempotency_key_reused");

    assert_eq!(payment_count(&app, id).await, 1);
    let (_, audit) = app
        .get(&format!("/api/v1/audit?entity=payout&entity_id={id}"), &app.admin)
        .await;
    let actions: Vec<&str> = audit["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(actions, ["mark_paid"]);
    // The stored answer never leaks into the audit log.
    assert!(!audit.to_string().contains("response_body"));
}

/// R-NOPAY2: sixteen concurrent requests with different keys on one payout record exactly one
/// payment and answer `already_paid` to the rest.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_payments_with_different_keys_record_one_payment() {
    let (app, world, finance) = setup().await;
    let app = std::sync::Arc::new(app);
    let id = world.payouts[1].id;
    let body = json!({"paid_on": today(&app), "bank_reference": "CCB-7788"});

    let tasks: Vec<_> = (0..16)
        .map(|i| {
            let (app, finance, body) = (app.clone(), finance.clone(), body.clone());
            tokio::spawn(
                async move { mark_paid(&app, &finance, id, Some(&format!("race-{i}")), &body).await },
            )
        })
        .collect();
    let mut ok = 0;
    for t in tasks {
        let r = t.await.unwrap();
        match r.status {
            StatusCode::OK => ok += 1,
            _ => assert_error(&r.pair(), 409, "already_paid"),
        }
    }
    assert_eq!(ok, 1);
    assert_eq!(payment_count(&app, id).await, 1);
    let (_, v) = app
        .get(
            &format!("/api/v1/payouts?cycle_id={}&status=paid", world.cycle_id),
            &finance,
        )
        .await;
    assert_eq!(v["total"], 1);
}

/// R-NOPAY2: concurrent retries with one key all get the one stored answer.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_retries_with_one_key_get_one_answer() {
    let (app, world, finance) = setup().await;
    let app = std::sync::Arc::new(app);
    let id = world.payouts[2].id;
    let body = json!({"paid_on": today(&app), "bank_reference": "BOC-1"});

    let tasks: Vec<_> = (0..16)
        .map(|_| {
            let (app, finance, body) = (app.clone(), finance.clone(), body.clone());
            tokio::spawn(async move { mark_paid(&app, &finance, id, Some("same-key"), &body).await })
        })
        .collect();
    let mut answers = Vec::new();
    for t in tasks {
        let r = t.await.unwrap();
        assert_eq!(r.status, StatusCode::OK, "{}", r.text);
        answers.push(r);
    }
    assert!(answers.iter().all(|r| r.text == answers[0].text));
    assert_eq!(answers.iter().filter(|r| !r.replayed).count(), 1);
    assert_eq!(payment_count(&app, id).await, 1);
}
