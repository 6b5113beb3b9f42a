//! Subsidy disbursement: payouts, batches, the payout sheet, idempotent payments (R-NOPAY2,
//! R-PII, R-AUTHZ, R-BANK, R-AUDIT).

use crate::{
    helpers::{TestApp, assert_error},
    payout_seed::{Finalized, finalized_cycle},
};
use calamine::{Data, Range, Reader, Xlsx, open_workbook_from_rs};
use entity::payments;
use reqwest::StatusCode;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::{Value, json};
use std::io::Cursor;
use zhihui::{
    domain::cst_date,
    export::payout_sheet::{ACCOUNT_NAME_DIFFERS, SHEET_NAME},
};

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

async fn setup() -> (TestApp, Finalized, String) {
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

async fn download(
    app: &TestApp,
    token: &str,
    batch: i64,
) -> (StatusCode, reqwest::header::HeaderMap, Vec<u8>) {
    let resp = app
        .client
        .get(app.url(&format!("/api/v1/payout-batches/{batch}/sheet")))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    let (status, headers) = (resp.status(), resp.headers().clone());
    (status, headers, resp.bytes().await.unwrap().to_vec())
}

fn text(range: &Range<Data>, row: u32, col: u32) -> String {
    match range.get_value((row, col)) {
        Some(Data::String(s)) => s.clone(),
        other => panic!("({row}, {col}) is not text: {other:?}"),
    }
}

fn number(range: &Range<Data>, row: u32, col: u32) -> f64 {
    match range.get_value((row, col)) {
        Some(Data::Float(x)) => *x,
        Some(Data::Int(x)) => *x as f64,
        other => panic!("({row}, {col}) is not a number: {other:?}"),
    }
}

/// SPEC "Subsidy disbursement", R-BANK, R-AUDIT: a batch takes every pending payout of the cycle;
/// its sheet reads back with the right cells, number formats, text account numbers, total and
/// 大写, the 备注 flag and a Chinese file name; the download is audited.
#[tokio::test]
async fn a_batch_exports_the_pending_payouts_and_its_sheet_reads_back() {
    let (app, world, finance) = setup().await;

    let (s, batch) = app
        .post(
            "/api/v1/payout-batches",
            &finance,
            json!({"cycle_id": world.cycle_id}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{batch}");
    let ids: Vec<i64> = world.payouts.iter().map(|p| p.id).collect();
    assert_eq!(batch["payout_ids"], json!(ids));
    assert_eq!(batch["total_fen"], 1_900_050);
    assert_eq!(batch["label"], "第1批");
    assert_eq!(batch["cycle_id"], world.cycle_id);
    let batch_id = batch["id"].as_i64().unwrap();
    let me = app.get("/api/v1/me", &finance).await.1["user"].clone();
    assert_eq!(batch["created_by"], me["id"]);
    let (_, again) = app
        .get(&format!("/api/v1/payout-batches/{batch_id}"), &app.admin)
        .await;
    assert_eq!(again, batch);
    let (_, listed) = app.get("/api/v1/payouts?status=exported", &finance).await;
    assert_eq!(listed["total"], 3);
    assert!(
        listed["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|p| p["batch_id"] == batch_id)
    );

    // Nothing pending is left for a second batch.
    let r = app
        .post(
            "/api/v1/payout-batches",
            &finance,
            json!({"cycle_id": world.cycle_id}),
        )
        .await;
    assert_error(&r, 422, "empty_batch");

    // The sheet.
    let (s, headers, bytes) = download(&app, &finance, batch_id).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(
        headers["content-type"],
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    );
    let expected_name = format!("{}年度奖补资金发放表-第1批.xlsx", world.year);
    assert_eq!(expected_name, "2026年度奖补资金发放表-第1批.xlsx");
    let encoded: String =
        percent_encoding::utf8_percent_encode(&expected_name, percent_encoding::NON_ALPHANUMERIC)
            .to_string()
            .replace("%2D", "-")
            .replace("%2E", ".");
    assert_eq!(
        headers["content-disposition"].to_str().unwrap(),
        format!("attachment; filename=\"payout-batch-{batch_id}.xlsx\"; filename*=UTF-8''{encoded}")
    );
    let mut book: Xlsx<_> = open_workbook_from_rs(Cursor::new(bytes)).unwrap();
    let range = book.worksheet_range(SHEET_NAME).unwrap();
    let title = text(&range, 0, 0);
    assert!(
        title.starts_with(&format!("{}年度", world.year)) && title.ends_with("（第1批）"),
        "{title}"
    );
    let labels = ["一等奖", "二等奖", "三等奖"];
    for (i, p) in world.payouts.iter().enumerate() {
        let row = 2 + i as u32;
        assert_eq!(number(&range, row, 0), (i + 1) as f64);
        assert_eq!(text(&range, row, 1), p.team_name);
        assert_eq!(text(&range, row, 2), p.unit_name);
        assert_eq!(text(&range, row, 3), p.project_name);
        assert_eq!(text(&range, row, 4), labels[i]);
        assert_eq!(number(&range, row, 5), p.amount_fen as f64 / 100.0);
        assert_eq!(text(&range, row, 7), p.bank_name);
        // R-BANK / SPEC: account numbers are text, leading zeros kept.
        assert_eq!(text(&range, row, 8), p.account_no);
        assert_eq!(text(&range, row, 9), p.account_name);
        if p.differs {
            assert_eq!(text(&range, row, 10), ACCOUNT_NAME_DIFFERS);
        } else {
            assert!(matches!(range.get_value((row, 10)), None | Some(Data::Empty)));
        }
    }
    assert_eq!(text(&range, 2, 6), "壹万元整");
    assert_eq!(text(&range, 4, 6), "叁仟元零伍角整");
    assert_eq!(text(&range, 4, 8), "0012345678901");
    assert_eq!(text(&range, 5, 0), "合计");
    assert_eq!(number(&range, 5, 5), 19_000.5);
    assert_eq!(text(&range, 5, 6), "壹万玖仟元零伍角整");
    assert_eq!(text(&range, 7, 0), "制表人：测试用户");
    let styles = book.worksheet_style(SHEET_NAME).unwrap();
    let format = |row, col| {
        styles
            .get((row, col))
            .and_then(|s| s.number_format.clone())
            .map(|f| f.format_code)
    };
    assert_eq!(format(2, 5).as_deref(), Some("#,##0.00"));
    assert_eq!(format(5, 5).as_deref(), Some("#,##0.00"));
    assert_eq!(format(2, 8).as_deref(), Some("@"));

    // R-AUDIT: who downloaded which sheet, when.
    let (_, audit) = app
        .get(
            &format!("/api/v1/audit?entity=payout_batch&entity_id={batch_id}"),
            &app.admin,
        )
        .await;
    let entry = audit["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["action"] == "download_sheet")
        .expect("download audited");
    assert_eq!(entry["actor_id"], me["id"]);
    assert_eq!(entry["after"]["file_name"], expected_name);
    let (_, audit) = app
        .get(
            &format!("/api/v1/audit?entity=payout&entity_id={}", ids[0]),
            &app.admin,
        )
        .await;
    assert_eq!(audit["items"][0]["action"], "export");
    assert_eq!(audit["items"][0]["after"]["account_no"], "6222 **** **** 0123");

    // Only finance downloads; an unknown batch is 404.
    let (s, _, _) = download(&app, &app.admin, batch_id).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    assert_error(
        &app.get("/api/v1/payout-batches/99999/sheet", &finance).await,
        404,
        "not_found",
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
