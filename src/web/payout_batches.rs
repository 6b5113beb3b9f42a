//! Finance's 批次: the batches of a cycle, one batch's lines and its payout sheet (xlsx, built
//! and audited by the same service as the API's download). Making a batch is what exports its
//! payouts (`pending → exported`, SPEC "Subsidy disbursement"), so a batch's lines are already
//! marked exported.

use super::{
    format,
    page::{Layout, PageResult, html, layout_for},
    payouts::{CycleOption, PayoutRow, finance_cycles, require_finance, row},
    session::Session,
};
use crate::{
    domain::rmb::rmb_capital,
    services::{cycles, payout_batches},
    state::AppState,
};
use askama::Template;
use poem::{
    Response, handler,
    http::header,
    web::{Data, Path, Query},
};
use serde::Deserialize;

const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

pub struct BatchRow {
    pub id: i32,
    pub label: String,
    pub count: usize,
    pub total: String,
    pub created: String,
}

#[derive(Deserialize)]
pub struct CycleQuery {
    cycle: Option<String>,
}

#[derive(Template)]
#[template(path = "finance/batches.html")]
struct BatchesTpl {
    l: Layout,
    cycles: Vec<CycleOption>,
    rows: Vec<BatchRow>,
}

/// `GET /finance/batches?cycle=`: the cycle's batches, oldest first.
#[handler]
pub async fn list(state: Data<&AppState>, s: Session, Query(q): Query<CycleQuery>) -> PageResult {
    require_finance(&s)?;
    let wanted = q.cycle.as_deref().and_then(|c| c.parse().ok());
    let (cycles, cycle_id) = finance_cycles(&state, wanted).await?;
    let mut rows = vec![];
    if let Some(id) = cycle_id {
        let (items, _) = payout_batches::list(&state, &s.caller, Some(id), 0, 1000).await?;
        rows = items
            .into_iter()
            .map(|b| BatchRow {
                id: b.batch.id,
                count: b.payout_ids.len(),
                total: format::money(b.batch.total_fen),
                created: format::time(b.batch.created_at),
                label: b.label,
            })
            .collect();
    }
    Ok(html(&BatchesTpl {
        l: layout_for(&state, &s, "批次", "/finance/batches").await?,
        cycles,
        rows,
    }))
}

#[derive(Template)]
#[template(path = "finance/batch.html")]
struct BatchTpl {
    l: Layout,
    id: i32,
    label: String,
    cycle_title: String,
    created: String,
    total: String,
    total_capital: String,
    rows: Vec<PayoutRow>,
}

/// `GET /finance/batches/:id`: the batch's lines, its total (with 大写) and the sheet.
#[handler]
pub async fn show(state: Data<&AppState>, s: Session, Path(id): Path<i32>) -> PageResult {
    require_finance(&s)?;
    let (b, lines) = payout_batches::with_lines(&state, &s.caller, id).await?;
    let cycle = cycles::find(&state.db, b.batch.cycle_id).await?;
    let rows = lines.into_iter().map(row).collect();
    Ok(html(&BatchTpl {
        l: layout_for(&state, &s, b.label.clone(), "/finance/batches").await?,
        id,
        cycle_title: cycle.title,
        created: format::time(b.batch.created_at),
        total: format::money(b.batch.total_fen),
        total_capital: rmb_capital(b.batch.total_fen),
        label: b.label,
        rows,
    }))
}

/// `GET /finance/batches/:id/sheet.xlsx`: the payout sheet (the download is audited).
#[handler]
pub async fn sheet(state: Data<&AppState>, s: Session, Path(id): Path<i32>) -> PageResult {
    require_finance(&s)?;
    let f = payout_batches::sheet(&state, &s.caller, id).await?;
    Ok(Response::builder()
        .content_type(XLSX)
        .header(
            header::CONTENT_DISPOSITION,
            crate::api::download::attachment(&f.ascii_file_name, &f.file_name),
        )
        .header(header::CACHE_CONTROL, "private, no-store")
        .body(f.bytes))
}
