//! Payouts as finance and the admin read them (SPEC "Subsidy disbursement", R-PII), and the
//! per-cycle summary. Payouts themselves are created by finalizing a cycle, one per award.

use crate::services::row_counts::{self, Counted};
use crate::{
    authz::Caller,
    domain::{
        payout::{PayoutStatus, account_name_differs},
        pii,
        ranking::Tier,
        roles::Role,
    },
    error::{AppError, AppResult, DomainError},
    services::chunks::fetch_in,
    state::AppState,
};
use chrono::{DateTime, NaiveDate, Utc};
use entity::{applications, awards, cycles, payments, payouts, teams, units};
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// Who may read payouts: finance and the admin; everyone else 403.
pub const READERS: [Role; 2] = [Role::Finance, Role::Admin];

/// A payout with the names it is shown with. Also the stored answer of an idempotent
/// "mark paid" (R-NOPAY2), hence `Deserialize`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PayoutView {
    pub id: i32,
    pub award_id: i32,
    pub application_id: i32,
    pub team_id: i32,
    pub team_name: String,
    pub unit_name: String,
    pub project_name: String,
    pub cycle_id: i32,
    pub tier: Tier,
    pub amount_fen: i64,
    pub status: PayoutStatus,
    pub bank_name: String,
    pub account_no: String,
    pub account_name: String,
    /// R-BANK: the account name is not the unit's full name.
    pub account_name_differs: bool,
    pub batch_id: Option<i32>,
    pub failure_reason: Option<String>,
    pub reissue_of: Option<i32>,
    /// The payout that reissued this failed one.
    pub reissued_by: Option<i32>,
    pub paid_on: Option<NaiveDate>,
    pub bank_reference: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl PayoutView {
    /// R-PII: only finance sees the full account number.
    pub fn for_caller(mut self, caller: &Caller) -> Self {
        self.account_no = pii::account_for(Some(caller.role), self.account_no);
        self
    }
}

pub fn not_found() -> AppError {
    DomainError::not_found("发放记录", "payout").into()
}

/// A payout by id, or 404.
pub async fn find(db: &impl ConnectionTrait, id: i32) -> AppResult<payouts::Model> {
    payouts::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(not_found)
}

/// The views of `rows`, in their order, with team, unit and project names.
pub async fn views(db: &impl ConnectionTrait, rows: Vec<payouts::Model>) -> AppResult<Vec<PayoutView>> {
    let ids: Vec<i32> = rows.iter().map(|p| p.id).collect();
    let team_ids: Vec<i32> = rows.iter().map(|p| p.team_id).collect();
    let app_ids: Vec<i32> = rows.iter().map(|p| p.application_id).collect();
    let teams: HashMap<i32, teams::Model> = fetch_in(team_ids, |c| {
        teams::Entity::find().filter(teams::Column::Id.is_in(c)).all(db)
    })
    .await?
    .into_iter()
    .map(|t| (t.id, t))
    .collect();
    let unit_ids: Vec<i32> = teams.values().map(|t| t.unit_id).collect();
    let units: HashMap<i32, String> = fetch_in(unit_ids, |c| {
        units::Entity::find().filter(units::Column::Id.is_in(c)).all(db)
    })
    .await?
    .into_iter()
    .map(|u| (u.id, u.name))
    .collect();
    // Each application's project name and, once submitted, its team and unit names as
    // submitted (issue 18.3).
    type Shown = (String, Option<String>, Option<String>);
    let projects: HashMap<i32, Shown> = fetch_in(app_ids, |c| {
        applications::Entity::find()
            .select_only()
            .column(applications::Column::Id)
            .column(applications::Column::ProjectName)
            .column(applications::Column::SnapTeamName)
            .column(applications::Column::SnapUnitName)
            .filter(applications::Column::Id.is_in(c))
            .into_tuple::<(i32, String, Option<String>, Option<String>)>()
            .all(db)
    })
    .await?
    .into_iter()
    .map(|(id, p, t, u)| (id, (p, t, u)))
    .collect();
    let reissues: HashMap<i32, i32> = fetch_in(ids, |c| {
        payouts::Entity::find()
            .filter(payouts::Column::ReissueOf.is_in(c))
            .all(db)
    })
    .await?
    .into_iter()
    .filter_map(|p| p.reissue_of.map(|of| (of, p.id)))
    .collect();
    rows.into_iter()
        .map(|p| {
            let team = teams.get(&p.team_id);
            let (project_name, snap_team, snap_unit) =
                projects.get(&p.application_id).cloned().unwrap_or_default();
            let unit_name = snap_unit
                .or_else(|| team.and_then(|t| units.get(&t.unit_id)).cloned())
                .unwrap_or_default();
            Ok(PayoutView {
                status: p.status,
                tier: p.tier,
                team_name: snap_team
                    .or_else(|| team.map(|t| t.name.clone()))
                    .unwrap_or_default(),
                project_name,
                account_name_differs: account_name_differs(&p.account_name, &unit_name),
                unit_name,
                reissued_by: reissues.get(&p.id).copied(),
                id: p.id,
                award_id: p.award_id,
                application_id: p.application_id,
                team_id: p.team_id,
                cycle_id: p.cycle_id,
                amount_fen: p.amount_fen,
                bank_name: p.bank_name,
                account_no: p.account_no,
                account_name: p.account_name,
                batch_id: p.batch_id,
                failure_reason: p.failure_reason,
                reissue_of: p.reissue_of,
                paid_on: p.paid_on,
                bank_reference: p.bank_reference,
                created_at: p.created_at,
                updated_at: p.updated_at,
            })
        })
        .collect()
}

pub async fn view(db: &impl ConnectionTrait, row: payouts::Model) -> AppResult<PayoutView> {
    views(db, vec![row])
        .await?
        .pop()
        .ok_or_else(|| AppError::internal("payout view missing"))
}

pub struct PayoutFilter {
    pub cycle_id: Option<i32>,
    pub status: Option<PayoutStatus>,
}

pub async fn list(
    state: &AppState,
    caller: &Caller,
    filter: PayoutFilter,
    offset: u64,
    limit: u64,
) -> AppResult<(Vec<PayoutView>, u64)> {
    caller.require(&READERS)?;
    let mut q = payouts::Entity::find().order_by_asc(payouts::Column::Id);
    if let Some(c) = filter.cycle_id {
        q = q.filter(payouts::Column::CycleId.eq(c));
    }
    if let Some(s) = filter.status {
        q = q.filter(payouts::Column::Status.eq(s));
    }
    let total = if filter.cycle_id.is_none() && filter.status.is_none() {
        row_counts::total(&state.read, Counted::Payouts).await?
    } else {
        q.clone().count(&state.read).await?
    };
    let rows = q.offset(offset).limit(limit).all(&state.read).await?;
    let items = views(&state.read, rows)
        .await?
        .into_iter()
        .map(|v| v.for_caller(caller))
        .collect();
    Ok((items, total))
}

pub async fn get(state: &AppState, caller: &Caller, id: i32) -> AppResult<PayoutView> {
    caller.require(&READERS)?;
    let row = find(&state.db, id).await?;
    Ok(view(&state.db, row).await?.for_caller(caller))
}

/// Count and total of the payouts in one state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusTotal {
    pub status: PayoutStatus,
    pub count: u64,
    pub total_fen: i64,
}

/// One tier's money: awarded, paid, failed and still outstanding (awarded − paid).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TierTotal {
    pub tier: Tier,
    pub awards: u64,
    pub awarded_fen: i64,
    pub paid_fen: i64,
    /// Failed payouts stay on record (a reissue is a new payout), so a failed amount may be
    /// paid later through its reissue.
    pub failed: u64,
    pub failed_fen: i64,
    pub outstanding_fen: i64,
}

/// A cycle's disbursement at a glance: awarded vs paid.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Summary {
    pub cycle_id: i32,
    /// Every state, in the order `pending, exported, paid, failed`.
    pub by_status: Vec<StatusTotal>,
    /// Every tier, first prize first, zero lines included.
    pub by_tier: Vec<TierTotal>,
    pub awarded_total_fen: i64,
    pub paid_total_fen: i64,
    pub remaining_fen: i64,
}

fn add(a: i64, b: i64) -> AppResult<i64> {
    a.checked_add(b)
        .ok_or_else(|| AppError::internal("money total overflows i64 fen"))
}

pub async fn summary(state: &AppState, caller: &Caller, cycle_id: i32) -> AppResult<Summary> {
    caller.require(&READERS)?;
    let db = &state.db;
    cycles::Entity::find_by_id(cycle_id)
        .one(db)
        .await?
        .ok_or_else(|| DomainError::not_found("评审周期", "cycle"))?;
    // A cycle has tens of awards: summing in Rust keeps it integer and portable.
    let rows: Vec<(PayoutStatus, Tier, i64)> = payouts::Entity::find()
        .select_only()
        .column(payouts::Column::Status)
        .column(payouts::Column::Tier)
        .column(payouts::Column::AmountFen)
        .filter(payouts::Column::CycleId.eq(cycle_id))
        .into_tuple()
        .all(db)
        .await?;
    let mut by_status: Vec<StatusTotal> = PayoutStatus::ALL
        .into_iter()
        .map(|status| StatusTotal {
            status,
            count: 0,
            total_fen: 0,
        })
        .collect();
    let mut by_tier: Vec<TierTotal> = Tier::ALL
        .into_iter()
        .map(|tier| TierTotal {
            tier,
            awards: 0,
            awarded_fen: 0,
            paid_fen: 0,
            failed: 0,
            failed_fen: 0,
            outstanding_fen: 0,
        })
        .collect();
    fn line(lines: &mut [TierTotal], tier: Tier) -> AppResult<&mut TierTotal> {
        lines
            .iter_mut()
            .find(|l| l.tier == tier)
            .ok_or_else(|| AppError::internal("a tier missing from Tier::ALL"))
    }
    for (status, tier, amount) in rows {
        if let Some(t) = by_status.iter_mut().find(|t| t.status == status) {
            t.count += 1;
            t.total_fen = add(t.total_fen, amount)?;
        }
        if status == PayoutStatus::Failed {
            let l = line(&mut by_tier, tier)?;
            l.failed += 1;
            l.failed_fen = add(l.failed_fen, amount)?;
        }
    }
    let awards: Vec<(i32, Tier, i64)> = awards::Entity::find()
        .select_only()
        .column(awards::Column::Id)
        .column(awards::Column::Tier)
        .column(awards::Column::AmountFen)
        .filter(awards::Column::CycleId.eq(cycle_id))
        .into_tuple()
        .all(db)
        .await?;
    let award_ids: Vec<i32> = awards.iter().map(|a| a.0).collect();
    let tier_of: HashMap<i32, Tier> = awards.iter().map(|a| (a.0, a.1)).collect();
    let awarded_total_fen = awards.iter().try_fold(0, |t, a| add(t, a.2))?;
    for (_, tier, amount) in &awards {
        let l = line(&mut by_tier, *tier)?;
        l.awards += 1;
        l.awarded_fen = add(l.awarded_fen, *amount)?;
    }
    let paid: Vec<(i32, i64)> = payments::Entity::find()
        .select_only()
        .column(payments::Column::AwardId)
        .column(payments::Column::AmountFen)
        .filter(payments::Column::AwardId.is_in(award_ids))
        .into_tuple()
        .all(db)
        .await?;
    let paid_total_fen = paid.iter().try_fold(0, |t, p| add(t, p.1))?;
    for (award_id, amount) in &paid {
        let tier = tier_of
            .get(award_id)
            .copied()
            .ok_or_else(|| AppError::internal("a payment of another cycle's award"))?;
        let l = line(&mut by_tier, tier)?;
        l.paid_fen = add(l.paid_fen, *amount)?;
    }
    for l in &mut by_tier {
        l.outstanding_fen = l.awarded_fen - l.paid_fen;
    }
    Ok(Summary {
        cycle_id,
        by_status,
        by_tier,
        awarded_total_fen,
        paid_total_fen,
        remaining_fen: awarded_total_fen - paid_total_fen,
    })
}
