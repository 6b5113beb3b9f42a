//! Issue 12.3: stateless instances. Two app instances on one PostgreSQL database (and one
//! storage folder) behave as one: login failures count together, concurrent payments spread
//! over both record one payment, an upload on one downloads from the other, objections are
//! limited per address over both. SQLite serves one instance; there the test says so and stops.

use crate::{
    helpers::{ADMIN, TestApp, evidence},
    payouts::{payment_count, setup, today},
};
use reqwest::StatusCode;
use serde_json::json;

fn on_postgres() -> bool {
    let pg = std::env::var("ZHIHUI_TEST_DATABASE_URL").is_ok_and(|u| u.starts_with("postgres"));
    if !pg {
        println!("note: the two-instance test runs on PostgreSQL only (set ZHIHUI_TEST_DATABASE_URL)");
    }
    pg
}

async fn login_status(client: &reqwest::Client, base: &str, user: &str, password: &str) -> reqwest::Response {
    client
        .post(format!("{base}/api/v1/auth/login"))
        .json(&json!({"username": user, "password": password}))
        .send()
        .await
        .unwrap()
}

/// Issue 12.3 (R-THROTTLE): failures on two instances count as one account's failures.
#[tokio::test]
async fn failed_logins_on_two_instances_count_together() {
    if !on_postgres() {
        return;
    }
    let app = TestApp::spawn().await;
    let other = app.another_instance().await;
    let client = reqwest::Client::new();
    // Five failures in all (the limit), three here and two there.
    for base in [&app.base, &other, &app.base, &other, &app.base] {
        let r = login_status(&client, base, ADMIN.0, "wrong-password-1").await;
        assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    }
    for base in [&other, &app.base] {
        let r = login_status(&client, base, ADMIN.0, "wrong-password-1").await;
        assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
        assert!(r.headers().contains_key("retry-after"));
    }
}

/// Issue 12.3 (R-NOPAY2): sixteen concurrent mark-paid requests, alternating between the two
/// instances, record one payment.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_payments_over_two_instances_record_one_payment() {
    if !on_postgres() {
        return;
    }
    let (app, world, finance) = setup().await;
    let other = app.another_instance().await;
    let id = world.payouts[1].id;
    let body = json!({"paid_on": today(&app), "bank_reference": "CCB-TWO-INSTANCES"});
    let client = reqwest::Client::new();
    let tasks: Vec<_> = (0..16)
        .map(|i| {
            let base = if i % 2 == 0 {
                app.base.clone()
            } else {
                other.clone()
            };
            let (client, finance, body) = (client.clone(), finance.clone(), body.clone());
            tokio::spawn(async move {
                client
                    .post(format!("{base}/api/v1/payouts/{id}/paid"))
                    .bearer_auth(&finance)
                    .header("Idempotency-Key", format!("two-{i}"))
                    .json(&body)
                    .send()
                    .await
                    .unwrap()
                    .status()
            })
        })
        .collect();
    let mut ok = 0;
    for t in tasks {
        match t.await.unwrap() {
            StatusCode::OK => ok += 1,
            s => assert_eq!(s, StatusCode::CONFLICT),
        }
    }
    assert_eq!(ok, 1);
    assert_eq!(payment_count(&app, id).await, 1);
}

/// Issue 12.3 (R-EVIDENCE): a file uploaded through one instance downloads from the other;
/// deleted through the other, it is gone for both.
#[tokio::test]
async fn an_upload_on_one_instance_downloads_from_the_other() {
    if !on_postgres() {
        return;
    }
    let app = TestApp::spawn().await;
    let other = app.another_instance().await;
    let unit = app.create_unit("university", None).await;
    let cycle = app.open_cycle(2026).await;
    let (_, token, application) = app.draft_application(cycle, unit).await;
    let pdf = evidence::pdf();
    let (s, v) = app
        .upload(&token, application, "summary", "总结.pdf", pdf.clone())
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let file = v["id"].as_i64().unwrap();
    let client = reqwest::Client::new();
    let r = client
        .get(format!("{other}/api/v1/attachments/{file}/content"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.bytes().await.unwrap().as_ref(), pdf.as_slice());
    let r = client
        .delete(format!("{other}/api/v1/attachments/{file}"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert!(r.status().is_success(), "{}", r.status());
    assert!(
        !app.stored_files()
            .iter()
            .any(|p| p.ends_with(evidence::sha256(&pdf))),
        "the unreferenced content is removed"
    );
}
