//! Finance's pages over HTTP: 发放, 批次 with the payout sheet, 登记发放 (paid once, failed,
//! reissued), 汇总 — amounts in yuan, accounts in full, CSRF, and the finance role's scope
//! (SPEC "Subsidy disbursement", R-NOPAY2, R-PII, R-WEB, R-AUTHZ).

use crate::{
    helpers::TestApp,
    payout_seed::{Finalized, finalized_cycle},
    payouts::{payment_count, today},
    web_pages::{Web, logged_in, user},
};
use calamine::{Reader, Xlsx, open_workbook_from_rs};
use reqwest::{StatusCode, header};
use std::io::Cursor;
use zhihui::{domain::rmb::rmb_capital, export::payout_sheet::SHEET_NAME};

async fn setup() -> (TestApp, Finalized) {
    let app = TestApp::spawn().await;
    let world = finalized_cycle(&app, 2026).await;
    user(&app, "finance_f", "finance", None, None).await;
    (app, world)
}

/// The value of the hidden `name` field of the form posting to `action`.
fn hidden_in(body: &str, action: &str, name: &str) -> String {
    let form = &body[body.find(&format!("action=\"{action}\"")).expect("the form")..];
    let marker = format!("name=\"{name}\" value=\"");
    let at = form.find(&marker).expect("the hidden field") + marker.len();
    form[at..at + form[at..].find('"').unwrap()].to_owned()
}

/// The summary's row of `tier` (its cells, as HTML).
fn tier_row<'b>(body: &'b str, tier: &str) -> &'b str {
    let at = body
        .find(&format!("<td data-label=\"奖项\">{tier}</td>"))
        .unwrap_or_else(|| panic!("no {tier} row"));
    &body[at..at + body[at..].find("</tr>").unwrap()]
}

/// The bytes of a download, with this browser's cookies.
async fn download(app: &TestApp, w: &Web<'_>, path: &str) -> (StatusCode, header::HeaderMap, Vec<u8>) {
    let resp = app
        .client
        .get(app.url(path))
        .header(header::COOKIE, w.cookie_header())
        .send()
        .await
        .unwrap();
    let (s, h) = (resp.status(), resp.headers().clone());
    (s, h, resp.bytes().await.unwrap().to_vec())
}

/// SPEC "Subsidy disbursement", R-PII: finance's home, the payouts of a cycle filtered by
/// state with totals in yuan and accounts in full; two pending payouts selected into a batch;
/// the batch's lines, total in 大写 and its xlsx sheet; the summary by tier.
#[tokio::test]
async fn finance_batches_selected_payouts_and_downloads_the_sheet() {
    let (app, world) = setup().await;
    let [first, second, third] = [&world.payouts[0], &world.payouts[1], &world.payouts[2]];
    let mut w = logged_in(&app, "finance_f").await;

    let home = w.get("/home").await;
    for item in ["发放", "批次", "汇总", "登记发放"] {
        assert!(home.body.contains(item), "{item} on finance's home");
    }
    assert!(
        home.body.contains("data-testid=\"home-awarded\">¥19,000.50<"),
        "{}",
        home.body
    );

    let c = world.cycle_id;
    let list = w.get(&format!("/finance/payouts?cycle={c}")).await;
    assert_eq!(list.status, StatusCode::OK);
    assert!(
        list.body.contains("共 3 笔，合计 <b>¥19,000.50</b>"),
        "{}",
        list.body
    );
    for p in &world.payouts {
        assert!(
            list.body.contains(&p.account_no),
            "R-PII: finance sees {}",
            p.account_no
        );
        assert!(list.body.contains(&p.project_name));
    }
    assert!(list.body.contains("¥6,000.00") && list.body.contains("¥3,000.50"));
    assert!(list.body.contains("户名与单位名称不一致"), "R-BANK flag shown");

    let (a, b) = (first.id.to_string(), second.id.to_string());
    let p = w
        .post(
            "/finance/batches",
            &[
                ("cycle_id", &c.to_string()),
                ("payout_ids", &a),
                ("payout_ids", &b),
            ],
        )
        .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.body);
    let batch_path = p.location.unwrap();
    let batch = w.get(&batch_path).await;
    assert_eq!(batch.status, StatusCode::OK);
    assert!(batch.body.contains("第1批"));
    assert_eq!(batch.body.matches("data-testid=\"batch-line\"").count(), 2);
    assert!(batch.body.contains("data-testid=\"batch-total\">¥16,000.00<"));
    assert!(batch.body.contains(&rmb_capital(1_600_000)));
    assert!(batch.body.contains("已导出"), "batching exports its payouts");
    assert!(!batch.body.contains(&third.project_name));

    let pending = w.get(&format!("/finance/payouts?cycle={c}&status=pending")).await;
    assert!(
        pending.body.contains("共 1 笔，合计 <b>¥3,000.50</b>"),
        "{}",
        pending.body
    );
    let exported = w
        .get(&format!("/finance/payouts?cycle={c}&status=exported"))
        .await;
    assert!(exported.body.contains("共 2 笔，合计 <b>¥16,000.00</b>"));
    assert!(
        !exported.body.contains("create-batch"),
        "nothing selectable there"
    );

    // The same payout cannot go into a second batch.
    let again = w
        .post(
            "/finance/batches",
            &[("cycle_id", &c.to_string()), ("payout_ids", &a)],
        )
        .await;
    assert_eq!(again.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        again.body.contains("data-testid=\"form-error\""),
        "{}",
        again.body
    );

    let (s, h, bytes) = download(&app, &w, &format!("{batch_path}/sheet.xlsx")).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(
        h[header::CONTENT_TYPE],
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    );
    assert!(
        h[header::CONTENT_DISPOSITION]
            .to_str()
            .unwrap()
            .contains("filename*=UTF-8''")
    );
    let mut book: Xlsx<_> = open_workbook_from_rs(Cursor::new(bytes)).expect("an xlsx");
    let sheet = book.worksheet_range(SHEET_NAME).expect("the payout sheet");
    let cells: Vec<String> = sheet.cells().map(|(_, _, d)| d.to_string()).collect();
    for needle in [rmb_capital(first.amount_fen), rmb_capital(1_600_000)] {
        assert!(cells.iter().any(|c| c.contains(&needle)), "{needle} in the sheet");
    }
    assert!(cells.iter().any(|c| c == &first.account_no), "account in full");

    let sum = w.get(&format!("/finance/summary?cycle={c}")).await;
    assert_eq!(sum.status, StatusCode::OK);
    assert_eq!(sum.body.matches("data-testid=\"summary-tier\"").count(), 3);
    assert!(sum.body.contains("data-testid=\"total-awarded\">¥19,000.50<"));
    assert!(sum.body.contains("data-testid=\"total-paid\">¥0.00<"));
    assert!(sum.body.contains("data-testid=\"total-outstanding\">¥19,000.50<"));
    let second_row = tier_row(&sum.body, "二等奖");
    assert!(second_row.contains("奖补金额\">¥6,000.00<"), "{second_row}");
}

/// R-NOPAY2: the paid form carries a key made when it was rendered; the same form sent twice
/// (one after the other, and two at once) records one payment and the repeat says 已登记; a
/// form rendered anew on a paid payout is refused as already paid.
#[tokio::test]
async fn a_double_submitted_paid_form_pays_once() {
    let (app, world) = setup().await;
    let (first, second) = (&world.payouts[0], &world.payouts[1]);
    let mut w = logged_in(&app, "finance_f").await;

    let path = format!("/finance/payouts/{}", first.id);
    let page = w.get(&path).await;
    assert!(
        page.body.contains(&first.account_no),
        "R-PII: in full for finance"
    );
    assert!(page.body.contains(&rmb_capital(first.amount_fen)));
    let action = format!("{path}/paid");
    let key = hidden_in(&page.body, &action, "idem_key");
    let day = today(&app);
    let form = [
        ("idem_key", key.as_str()),
        ("paid_on", &day),
        ("bank_reference", "HX2026-0001"),
    ];

    let one = w.post(&action, &form).await;
    assert_eq!(one.status, StatusCode::SEE_OTHER, "{}", one.body);
    assert_eq!(one.location.as_deref(), Some(&*format!("{path}?done=paid")));
    let two = w.post(&action, &form).await;
    assert_eq!(two.status, StatusCode::SEE_OTHER, "{}", two.body);
    let repeat = two.location.unwrap();
    assert_eq!(repeat, format!("{path}?done=repeat"));
    let shown = w.get(&repeat).await;
    assert!(shown.body.contains("data-testid=\"already-recorded\""));
    assert!(shown.body.contains("已登记"));
    assert!(shown.body.contains("已支付") && shown.body.contains("HX2026-0001"));
    assert!(
        !shown.body.contains("data-testid=\"paid-form\""),
        "nothing left to pay"
    );
    assert_eq!(payment_count(&app, first.id).await, 1);

    // The same form with other values after it was recorded: refused, nothing paid.
    let changed = [
        ("idem_key", key.as_str()),
        ("paid_on", &day),
        ("bank_reference", "OTHER"),
    ];
    let p = w.post(&action, &changed).await;
    assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(p.body.contains("未重复支付"), "{}", p.body);
    // Another rendering of the form (a new key) on the paid payout: already paid.
    let p = w
        .post(
            &action,
            &[
                ("idem_key", "page-other"),
                ("paid_on", &day),
                ("bank_reference", "X"),
            ],
        )
        .await;
    assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(p.body.contains("已登记支付，不能重复支付"), "{}", p.body);
    assert_eq!(payment_count(&app, first.id).await, 1);

    // A double click: the same form twice at once.
    let path = format!("/finance/payouts/{}", second.id);
    let page = w.get(&path).await;
    let action = format!("{path}/paid");
    let key = hidden_in(&page.body, &action, "idem_key");
    let body: String = form_urlencoded::Serializer::new(String::new())
        .extend_pairs([
            ("idem_key", key.as_str()),
            ("paid_on", &day),
            ("bank_reference", "HX2026-0002"),
            ("csrf", &w.csrf),
        ])
        .finish();
    let send = || {
        app.client
            .post(app.url(&action))
            .header(header::COOKIE, w.cookie_header())
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(header::ORIGIN, app.base.clone())
            .body(body.clone())
            .send()
    };
    let (r1, r2) = tokio::join!(send(), send());
    for r in [r1.unwrap(), r2.unwrap()] {
        assert_eq!(r.status(), StatusCode::OK, "both land on the payout page");
    }
    assert_eq!(payment_count(&app, second.id).await, 1);

    let sum = w.get(&format!("/finance/summary?cycle={}", world.cycle_id)).await;
    assert!(
        sum.body.contains("data-testid=\"total-paid\">¥16,000.00<"),
        "{}",
        sum.body
    );
    assert!(sum.body.contains("data-testid=\"total-outstanding\">¥3,000.50<"));
    let first_row = tier_row(&sum.body, "一等奖");
    assert!(
        first_row.contains("¥10,000.00</td><td data-label=\"已支付\">¥10,000.00<"),
        "{first_row}"
    );
    let third_row = tier_row(&sum.body, "三等奖");
    assert!(
        third_row.contains("已支付\">¥0.00<") && third_row.contains("未支付\">¥3,000.50<"),
        "{third_row}"
    );
}

/// SPEC "Subsidy disbursement": a failed transfer needs its reason; the failed payout is
/// reissued to a corrected account (a refused account keeps what was typed) and stays on
/// record, linked both ways; the summary counts it as failed.
#[tokio::test]
async fn a_failed_payout_is_reissued_and_stays_on_record() {
    let (app, world) = setup().await;
    let third = &world.payouts[2];
    let mut w = logged_in(&app, "finance_f").await;
    let path = format!("/finance/payouts/{}", third.id);

    let p = w.post(&format!("{path}/failed"), &[("reason", "")]).await;
    assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(p.body.contains("data-testid=\"error-reason\""), "{}", p.body);
    let p = w
        .post(&format!("{path}/failed"), &[("reason", "户名与账号不符")])
        .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.body);
    let failed = w.get(&format!("{path}?done=failed")).await;
    assert!(failed.body.contains("发放失败") && failed.body.contains("户名与账号不符"));
    assert!(
        !failed.body.contains("data-testid=\"paid-form\""),
        "a failed payout is not paid"
    );

    let bad = [
        ("bank_name", "中国银行沈阳分行"),
        ("account_no", "12ab"),
        ("account_name", "更正户名"),
    ];
    let p = w.post(&format!("{path}/reissue"), &bad).await;
    assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(p.body.contains("data-testid=\"error-account_no\""), "{}", p.body);
    assert!(p.body.contains("value=\"更正户名\""), "typed values kept");

    let good = [
        ("bank_name", "中国银行沈阳分行"),
        ("account_no", "6216 6100 0000 1234"),
        ("account_name", &*third.unit_name),
    ];
    let p = w.post(&format!("{path}/reissue"), &good).await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.body);
    let new_path = p.location.unwrap();
    let new_id: i64 = new_path
        .trim_start_matches("/finance/payouts/")
        .split('?')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    assert_ne!(new_id, third.id);
    let new = w.get(&new_path).await;
    assert!(new.body.contains("data-testid=\"reissue-of\""));
    assert!(
        new.body.contains("6216610000001234"),
        "the corrected account, in full"
    );
    assert!(
        new.body.contains("data-testid=\"paid-form\""),
        "the new payout can be paid"
    );
    let old = w.get(&path).await;
    assert!(old.body.contains("data-testid=\"reissued-by\"") && old.body.contains("户名与账号不符"));
    let p = w.post(&format!("{path}/reissue"), &good).await;
    assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY, "reissued once only");

    let sum = w.get(&format!("/finance/summary?cycle={}", world.cycle_id)).await;
    assert!(
        sum.body.contains("data-testid=\"total-failed\">¥3,000.50<"),
        "{}",
        sum.body
    );
    assert!(sum.body.contains("data-testid=\"total-outstanding\">¥19,000.50<"));
    let third_row = tier_row(&sum.body, "三等奖");
    assert!(
        third_row.contains("¥3,000.50（1 笔）"),
        "failed, by tier: {third_row}"
    );
    assert!(tier_row(&sum.body, "一等奖").contains("¥0.00（0 笔）"));
}

/// R-WEB, R-AUTHZ: finance's forms need the CSRF token; the finance pages are finance's (403
/// for the admin, a team, an expert); finance gets the 403 page on the admin's pages and the
/// 404 page on an application and on payouts or batches that do not exist.
#[tokio::test]
async fn finance_pages_keep_csrf_and_the_finance_role() {
    let (app, world) = setup().await;
    let first = &world.payouts[0];
    let unit = app.create_unit("university", None).await;
    let team = app.create_team(unit).await;
    user(&app, "team_t", "team", None, Some(team)).await;
    user(&app, "expert_e", "expert", Some(unit), None).await;
    let mut w = logged_in(&app, "finance_f").await;
    let path = format!("/finance/payouts/{}", first.id);
    let page = w.get(&path).await;
    let key = hidden_in(&page.body, &format!("{path}/paid"), "idem_key");
    let day = today(&app);
    let form = [
        ("idem_key", key.as_str()),
        ("paid_on", &*day),
        ("bank_reference", "R1"),
    ];
    let p = w
        .post_raw(&format!("{path}/paid"), &form, Some(&app.base.clone()))
        .await;
    assert_eq!(p.status, StatusCode::FORBIDDEN, "no CSRF token");
    let cross = [
        ("idem_key", key.as_str()),
        ("paid_on", &*day),
        ("bank_reference", "R1"),
        ("csrf", &*w.csrf.clone()),
    ];
    let p = w
        .post_raw(&format!("{path}/paid"), &cross, Some("http://evil.example"))
        .await;
    assert_eq!(p.status, StatusCode::FORBIDDEN, "another origin");
    let p = w
        .post("/finance/batches", &[("cycle_id", &world.cycle_id.to_string())])
        .await;
    assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY, "an empty selection");
    assert_eq!(payment_count(&app, first.id).await, 0);
    let (_, v) = app.get("/api/v1/payout-batches", &app.admin).await;
    assert_eq!(v["total"], 0, "no batch made");

    let finance_pages = [
        "/finance/payouts".to_owned(),
        "/finance/batches".to_owned(),
        "/finance/summary".to_owned(),
        path.clone(),
    ];
    let (name, password) = crate::helpers::ADMIN;
    let mut admin = Web::new(&app).await;
    admin.login(name, password).await;
    let mut others = vec![("admin", admin)];
    for who in ["team_t", "expert_e"] {
        others.push((who, logged_in(&app, who).await));
    }
    for (who, o) in &mut others {
        for p in &finance_pages {
            let r = o.get(p).await;
            assert_eq!(r.status, StatusCode::FORBIDDEN, "{who} {p}");
            assert!(
                r.body.contains("无权访问") && !r.body.contains(&first.account_no),
                "{who} {p}"
            );
        }
        let r = o.post(&format!("{path}/paid"), &form).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{who}");
        let r = o
            .post("/finance/batches", &[("cycle_id", &world.cycle_id.to_string())])
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{who}");
    }
    assert_eq!(payment_count(&app, first.id).await, 0);

    for p in ["/admin/units", "/admin/cycles", "/review"] {
        let r = w.get(p).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "finance {p}");
        assert!(r.body.contains("无权访问"));
    }
    let r = w.get(&format!("/applications/{}", first.application_id)).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert!(r.body.contains("页面不存在") && !r.body.contains(&first.project_name));
    for p in [
        "/finance/payouts/999999",
        "/finance/batches/999999",
        "/finance/batches/999999/sheet.xlsx",
    ] {
        assert_eq!(w.get(p).await.status, StatusCode::NOT_FOUND, "{p}");
    }
}
