//! Finance's 登记发放 on one payout: mark paid (date, bank reference), mark failed (reason), and
//! reissue a failed payout to a corrected account (the failed one stays on record).
//!
//! R-NOPAY2: the paid form carries an idempotency key made when the form is rendered (a hidden
//! field), given to `payout_actions::mark_paid` exactly as the API gives its `Idempotency-Key`
//! header. A double click or a resubmitted form repeats the key, gets the stored answer and
//! pays nothing; the page then says 已登记.

use super::{
    format,
    page::{
        FieldErrors, Layout, PageError, PageResult, field, form_error, html_status, layout_for, pairs,
        see_other,
    },
    payouts::{require_finance, status_tag},
    session::Session,
};
use crate::{
    domain::{
        bank::BankFields, cst_date, idempotency::IdempotencyKey, payout::PayoutStatus, rmb::rmb_capital,
    },
    error::DomainError,
    services::{
        payout_actions::{self, PaymentIn},
        payouts::{self, PayoutView},
    },
    state::AppState,
};
use askama::Template;
use chrono::NaiveDate;
use poem::{
    handler,
    http::StatusCode,
    web::{Data, Path, Query},
};
use rand::RngCore;
use serde::Deserialize;

/// A fresh key for one rendering of the paid form.
fn new_key() -> String {
    let mut raw = [0u8; 16];
    rand::thread_rng().fill_bytes(&mut raw);
    format!("page-{}", hex::encode(raw))
}

/// What the three forms hold (typed values survive a refusal).
pub struct Forms {
    pub idem_key: String,
    pub paid_on: String,
    pub bank_reference: String,
    pub reason: String,
    pub bank_name: String,
    pub account_no: String,
    pub account_name: String,
}

impl Forms {
    fn fresh(v: &PayoutView, today: NaiveDate) -> Self {
        Self {
            idem_key: new_key(),
            paid_on: today.format("%Y-%m-%d").to_string(),
            bank_reference: String::new(),
            reason: String::new(),
            bank_name: v.bank_name.clone(),
            account_no: v.account_no.clone(),
            account_name: v.account_name.clone(),
        }
    }
}

#[derive(Template)]
#[template(path = "finance/payout.html")]
struct PayoutTpl {
    l: Layout,
    p: PayoutView,
    tier: &'static str,
    amount: String,
    amount_capital: String,
    status: &'static str,
    status_class: &'static str,
    paid_on: String,
    today: String,
    open: bool,
    reissuable: bool,
    done: &'static str,
    forms: Forms,
    errors: FieldErrors,
}

/// Shows a payout with the forms its state allows; `typed` keeps a refused form's values.
async fn page(
    state: &AppState,
    s: &Session,
    id: i32,
    typed: Option<Forms>,
    errors: FieldErrors,
    done: &'static str,
    code: StatusCode,
) -> PageResult {
    require_finance(s)?;
    let p = payouts::get(state, &s.caller, id).await?;
    let today = cst_date(state.now());
    let (status, status_class) = status_tag(p.status);
    let forms = typed.unwrap_or_else(|| Forms::fresh(&p, today));
    Ok(html_status(
        &PayoutTpl {
            l: layout_for(state, s, "登记发放", "/finance/payouts").await?,
            tier: p.tier.label_zh(),
            amount: format::money(p.amount_fen),
            amount_capital: rmb_capital(p.amount_fen),
            status,
            status_class,
            paid_on: p.paid_on.map(format::date).unwrap_or_default(),
            today: today.format("%Y-%m-%d").to_string(),
            open: p.status.is_open(),
            reissuable: p.status == PayoutStatus::Failed && p.reissued_by.is_none(),
            done,
            forms,
            errors,
            p,
        },
        code,
    ))
}

#[derive(Deserialize)]
pub struct DoneQuery {
    done: Option<String>,
}

/// The notice after an action (a fixed set, never echoed from the query).
fn done_notice(q: Option<&str>) -> &'static str {
    match q {
        Some("paid") => "paid",
        Some("repeat") => "repeat",
        Some("failed") => "failed",
        Some("reissued") => "reissued",
        _ => "",
    }
}

/// `GET /finance/payouts/:id`: the payout, its account in full, and what may be recorded.
#[handler]
pub async fn show(
    state: Data<&AppState>,
    s: Session,
    Path(id): Path<i32>,
    Query(q): Query<DoneQuery>,
) -> PageResult {
    let done = done_notice(q.done.as_deref());
    page(&state, &s, id, None, FieldErrors::default(), done, StatusCode::OK).await
}

fn typed(p: &[(String, String)]) -> Forms {
    Forms {
        idem_key: field(p, "idem_key"),
        paid_on: field(p, "paid_on"),
        bank_reference: field(p, "bank_reference"),
        reason: field(p, "reason"),
        bank_name: field(p, "bank_name"),
        account_no: field(p, "account_no"),
        account_name: field(p, "account_name"),
    }
}

/// A refused form: the page again with the user's values and the message by its field.
async fn refused(
    state: &AppState,
    s: &Session,
    id: i32,
    forms: Forms,
    e: DomainError,
    fields: &[&str],
) -> PageResult {
    let errors = if e.code == crate::domain::idempotency::key_reused().code {
        // The same form, sent again with other values after it was recorded.
        let mut errors = FieldErrors::default();
        errors.general = Some("此表单已登记过一次支付，未重复支付；如需更正请联系管理员。".into());
        errors
    } else {
        FieldErrors::from_error(&e, fields)
    };
    page(
        state,
        s,
        id,
        Some(forms),
        errors,
        "",
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await
}

/// `POST /finance/payouts/:id/paid`: records the payment once (R-NOPAY2).
#[handler]
pub async fn paid(state: Data<&AppState>, s: Session, Path(id): Path<i32>, body: String) -> PageResult {
    require_finance(&s)?;
    let p = pairs(&body);
    let forms = typed(&p);
    // The key comes from our own form; a form without one was not made by this page.
    let key = IdempotencyKey::parse(Some(&forms.idem_key)).map_err(PageError::from)?;
    let fields = ["paid_on", "bank_reference"];
    let Ok(paid_on) = NaiveDate::parse_from_str(forms.paid_on.trim(), "%Y-%m-%d") else {
        let e = DomainError::invalid("paid_on", "请填写支付日期", "paid_on must be a date");
        return refused(&state, &s, id, forms, e, &fields).await;
    };
    let input = PaymentIn {
        paid_on,
        bank_reference: forms.bank_reference.clone(),
    };
    match payout_actions::mark_paid(&state, &s.caller, id, &key, input).await {
        Ok(r) if r.replayed => Ok(see_other(&format!("/finance/payouts/{id}?done=repeat"))),
        Ok(_) => Ok(see_other(&format!("/finance/payouts/{id}?done=paid"))),
        Err(e) => {
            let e = form_error(e)?;
            refused(&state, &s, id, forms, e, &fields).await
        }
    }
}

/// `POST /finance/payouts/:id/failed`: the transfer failed, with the reason.
#[handler]
pub async fn failed(state: Data<&AppState>, s: Session, Path(id): Path<i32>, body: String) -> PageResult {
    require_finance(&s)?;
    let forms = typed(&pairs(&body));
    match payout_actions::mark_failed(&state, &s.caller, id, &forms.reason).await {
        Ok(_) => Ok(see_other(&format!("/finance/payouts/{id}?done=failed"))),
        Err(e) => {
            let e = form_error(e)?;
            refused(&state, &s, id, forms, e, &["reason"]).await
        }
    }
}

/// `POST /finance/payouts/:id/reissue`: a new pending payout of the same award to a corrected
/// account; the failed payout stays on record, linked.
#[handler]
pub async fn reissue(state: Data<&AppState>, s: Session, Path(id): Path<i32>, body: String) -> PageResult {
    require_finance(&s)?;
    let forms = typed(&pairs(&body));
    let bank = BankFields {
        bank_name: forms.bank_name.clone(),
        account_no: forms.account_no.clone(),
        account_name: forms.account_name.clone(),
    };
    match payout_actions::reissue(&state, &s.caller, id, bank).await {
        Ok(v) => Ok(see_other(&format!("/finance/payouts/{}?done=reissued", v.id))),
        Err(e) => {
            let e = form_error(e)?;
            let fields = ["bank.bank_name", "bank.account_no", "bank.account_name"];
            refused(&state, &s, id, forms, e, &fields).await
        }
    }
}
