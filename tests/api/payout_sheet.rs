//! The payout sheet of a batch, downloaded and read back (SPEC "Subsidy disbursement", R-BANK,
//! R-AUDIT).

use crate::{helpers::TestApp, helpers::assert_error, payouts::setup};
use calamine::{Data, Range, Reader, Xlsx, open_workbook_from_rs};
use reqwest::StatusCode;
use serde_json::json;
use std::io::Cursor;
use zhihui::export::payout_sheet::{ACCOUNT_NAME_DIFFERS, SHEET_NAME};

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
