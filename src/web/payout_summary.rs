//! Finance's home (the newest finalized cycle at a glance, where each task is done) and 汇总:
//! awarded / paid / failed / outstanding by tier and in total, in yuan, from the payouts
//! service's summary (the same function as `GET /api/v1/cycles/{id}/payout-summary`).

use super::{
    format,
    page::{Layout, PageResult, html, layout_for},
    payouts::{CycleOption, ListQuery, StateTotal, finance_cycles, require_finance, state_totals},
    session::Session,
};
use crate::{domain::payout::PayoutStatus, services::payouts, state::AppState};
use askama::Template;
use poem::{
    handler,
    web::{Data, Query},
};

// ---------------------------------------------------------------- 首页

#[derive(Template)]
#[template(path = "finance/home.html")]
struct HomeTpl {
    l: Layout,
    cycle: Option<(i32, String)>,
    states: Vec<StateTotal>,
    awarded: String,
    paid: String,
    outstanding: String,
}

/// Finance's home: the newest finalized cycle at a glance and where each task is done.
pub async fn home(state: &AppState, s: &Session) -> PageResult {
    require_finance(s)?;
    let (options, chosen) = finance_cycles(state, None).await?;
    let mut t = HomeTpl {
        l: layout_for(state, s, "首页", "/home").await?,
        cycle: None,
        states: vec![],
        awarded: String::new(),
        paid: String::new(),
        outstanding: String::new(),
    };
    if let Some(id) = chosen {
        let sum = payouts::summary(state, &s.caller, id).await?;
        let title = options.into_iter().find(|c| c.id == id).map(|c| c.title);
        t.cycle = title.map(|title| (id, title));
        t.states = state_totals(&sum);
        t.awarded = format::money(sum.awarded_total_fen);
        t.paid = format::money(sum.paid_total_fen);
        t.outstanding = format::money(sum.remaining_fen);
    }
    Ok(html(&t))
}

// ---------------------------------------------------------------- 汇总

pub struct TierLine {
    pub tier: &'static str,
    pub awards: u64,
    pub awarded: String,
    pub paid: String,
    pub failed: u64,
    pub failed_amount: String,
    pub outstanding: String,
}

#[derive(Template)]
#[template(path = "finance/summary.html")]
struct SummaryTpl {
    l: Layout,
    cycles: Vec<CycleOption>,
    lines: Vec<TierLine>,
    total: Option<TierLine>,
    states: Vec<StateTotal>,
}

/// `GET /finance/summary?cycle=`: awarded, paid, failed and outstanding by tier and in total.
#[handler]
pub async fn summary(state: Data<&AppState>, s: Session, Query(q): Query<ListQuery>) -> PageResult {
    require_finance(&s)?;
    let wanted = q.cycle.as_deref().and_then(|c| c.parse().ok());
    let (cycles, cycle_id) = finance_cycles(&state, wanted).await?;
    let mut t = SummaryTpl {
        l: layout_for(&state, &s, "汇总", "/finance/summary").await?,
        cycles,
        lines: vec![],
        total: None,
        states: vec![],
    };
    if let Some(id) = cycle_id {
        let sum = payouts::summary(&state, &s.caller, id).await?;
        t.lines = sum
            .by_tier
            .iter()
            .map(|l| TierLine {
                tier: l.tier.label_zh(),
                awards: l.awards,
                awarded: format::money(l.awarded_fen),
                paid: format::money(l.paid_fen),
                failed: l.failed,
                failed_amount: format::money(l.failed_fen),
                outstanding: format::money(l.outstanding_fen),
            })
            .collect();
        let failed = sum.by_status.iter().find(|t| t.status == PayoutStatus::Failed);
        t.total = Some(TierLine {
            tier: "合计",
            awards: sum.by_tier.iter().map(|l| l.awards).sum(),
            awarded: format::money(sum.awarded_total_fen),
            paid: format::money(sum.paid_total_fen),
            failed: failed.map_or(0, |f| f.count),
            failed_amount: format::money(failed.map_or(0, |f| f.total_fen)),
            outstanding: format::money(sum.remaining_fen),
        });
        t.states = state_totals(&sum);
    }
    Ok(html(&t))
}
