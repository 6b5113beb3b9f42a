//! Finance (财务): 发放 (payouts filtered by cycle and state, with totals; pending ones selected
//! into a batch) and what every finance page shares. Amounts are integer fen from the services,
//! shown in yuan; account numbers as `PayoutView::for_caller` gives them (in full for finance,
//! R-PII). Same services and `Caller` as the API.

use super::{
    format,
    page::{
        Layout, PageError, PageResult, all, field, form_error, html_status, layout_for, pairs, see_other,
    },
    session::Session,
};
use crate::{
    domain::{cycle::CycleStatus, payout::PayoutStatus, roles::Role},
    services::{
        cycles, payout_batches,
        payouts::{self, PayoutFilter, PayoutView, Summary},
    },
    state::AppState,
};
use askama::Template;
use poem::{
    handler,
    http::StatusCode,
    web::{Data, Query},
};
use serde::Deserialize;

/// Finance pages are finance's: everyone else gets the 403 page (the admin reads payouts
/// through the API, with masked accounts).
pub fn require_finance(s: &Session) -> Result<(), PageError> {
    Ok(s.caller.require(&[Role::Finance])?)
}

/// A payout state's label and tag class.
pub fn status_tag(s: PayoutStatus) -> (&'static str, &'static str) {
    let class = match s {
        PayoutStatus::Pending => "warn",
        PayoutStatus::Exported => "",
        PayoutStatus::Paid => "ok",
        PayoutStatus::Failed => "bad",
    };
    (s.label_zh(), class)
}

/// One payout as the finance pages show it.
pub struct PayoutRow {
    pub id: i32,
    pub team_name: String,
    pub unit_name: String,
    pub project_name: String,
    pub tier: &'static str,
    pub amount: String,
    pub status: &'static str,
    pub status_class: &'static str,
    pub bank_name: String,
    pub account_no: String,
    pub account_name: String,
    pub differs: bool,
    pub batch_id: Option<i32>,
    pub reissue_of: Option<i32>,
    /// Pending and in no batch: may go into a new batch.
    pub selectable: bool,
}

pub fn row(v: PayoutView) -> PayoutRow {
    let (status, status_class) = status_tag(v.status);
    PayoutRow {
        selectable: v.status == PayoutStatus::Pending && v.batch_id.is_none(),
        id: v.id,
        team_name: v.team_name,
        unit_name: v.unit_name,
        project_name: v.project_name,
        tier: v.tier.label_zh(),
        amount: format::money(v.amount_fen),
        status,
        status_class,
        bank_name: v.bank_name,
        account_no: v.account_no,
        account_name: v.account_name,
        differs: v.account_name_differs,
        batch_id: v.batch_id,
        reissue_of: v.reissue_of,
    }
}

/// A cycle in the finance pages' selector: only finalized cycles have payouts.
pub struct CycleOption {
    pub id: i32,
    pub title: String,
    pub selected: bool,
}

/// The finalized cycles, newest first, with `wanted` (else the newest) selected; `None` when
/// no cycle is finalized yet.
pub async fn finance_cycles(
    state: &AppState,
    wanted: Option<i32>,
) -> Result<(Vec<CycleOption>, Option<i32>), PageError> {
    let (all, _) = cycles::list(state, 0, 1000).await?;
    let done: Vec<_> = all
        .into_iter()
        .filter(|c| c.status == CycleStatus::Finalized)
        .collect();
    let chosen = wanted
        .filter(|w| done.iter().any(|c| c.id == *w))
        .or_else(|| done.first().map(|c| c.id));
    let options = done
        .into_iter()
        .map(|c| CycleOption {
            selected: Some(c.id) == chosen,
            id: c.id,
            title: c.title,
        })
        .collect();
    Ok((options, chosen))
}

/// Count and amount of the payouts in one state.
pub struct StateTotal {
    pub status: &'static str,
    pub value: &'static str,
    pub count: u64,
    pub total: String,
}

pub fn state_totals(s: &Summary) -> Vec<StateTotal> {
    s.by_status
        .iter()
        .map(|t| StateTotal {
            status: t.status.label_zh(),
            value: t.status.as_str(),
            count: t.count,
            total: format::money(t.total_fen),
        })
        .collect()
}

// ---------------------------------------------------------------- 发放

#[derive(Deserialize, Default)]
pub struct ListQuery {
    pub cycle: Option<String>,
    pub status: Option<String>,
}

#[derive(Template)]
#[template(path = "finance/payouts.html")]
struct ListTpl {
    l: Layout,
    cycles: Vec<CycleOption>,
    cycle_id: Option<i32>,
    status: String,
    states: Vec<StateTotal>,
    rows: Vec<PayoutRow>,
    count: usize,
    total: String,
    selectable: usize,
    error: Option<String>,
}

async fn list_page(
    state: &AppState,
    s: &Session,
    q: ListQuery,
    error: Option<String>,
    code: StatusCode,
) -> PageResult {
    require_finance(s)?;
    let wanted = q.cycle.as_deref().and_then(|c| c.parse().ok());
    let (cycles, cycle_id) = finance_cycles(state, wanted).await?;
    let status_filter = q.status.as_deref().and_then(PayoutStatus::parse);
    let (mut rows, mut states, mut total_fen) = (vec![], vec![], 0_i64);
    if let Some(id) = cycle_id {
        let filter = PayoutFilter {
            cycle_id: Some(id),
            status: status_filter,
        };
        // A cycle has tens of awards: one page holds them all, so the totals are exact.
        let (items, _) = payouts::list(state, &s.caller, filter, 0, 10_000).await?;
        total_fen = items.iter().map(|v| v.amount_fen).sum();
        rows = items.into_iter().map(row).collect();
        states = state_totals(&payouts::summary(state, &s.caller, id).await?);
    }
    Ok(html_status(
        &ListTpl {
            l: layout_for(state, s, "发放", "/finance/payouts").await?,
            cycles,
            cycle_id,
            status: status_filter.map(|s| s.as_str().to_owned()).unwrap_or_default(),
            states,
            count: rows.len(),
            total: format::money(total_fen),
            selectable: rows.iter().filter(|r| r.selectable).count(),
            rows,
            error,
        },
        code,
    ))
}

/// `GET /finance/payouts?cycle=&status=`: the payouts of a cycle with their totals.
#[handler]
pub async fn list(state: Data<&AppState>, s: Session, Query(q): Query<ListQuery>) -> PageResult {
    list_page(&state, &s, q, None, StatusCode::OK).await
}

/// `POST /finance/batches`: the selected pending payouts become a batch (exported).
#[handler]
pub async fn create_batch(state: Data<&AppState>, s: Session, body: String) -> PageResult {
    require_finance(&s)?;
    let p = pairs(&body);
    let Ok(cycle_id) = field(&p, "cycle_id").parse::<i32>() else {
        return Err(PageError::Status(StatusCode::BAD_REQUEST));
    };
    let ids: Result<Vec<i32>, _> = all(&p, "payout_ids").iter().map(|v| v.parse()).collect();
    let Ok(ids) = ids else {
        return Err(PageError::Status(StatusCode::BAD_REQUEST));
    };
    match payout_batches::create(&state, &s.caller, cycle_id, Some(ids)).await {
        Ok(b) => Ok(see_other(&format!("/finance/batches/{}", b.batch.id))),
        Err(e) => {
            let e = form_error(e)?;
            let q = ListQuery {
                cycle: Some(cycle_id.to_string()),
                status: None,
            };
            list_page(
                &state,
                &s,
                q,
                Some(e.zh.to_string()),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
    }
}
