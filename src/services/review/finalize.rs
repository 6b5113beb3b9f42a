//! Finalizing a cycle: once the publicity period is over and every objection is resolved,
//! the awards are fixed, applications become `awarded` / `not_awarded`, and every award gets
//! its pending payout to the application's bank account (SPEC "Subsidy disbursement").

use super::{
    gate::{self, Action},
    ranking,
};
use crate::{
    authz::Caller,
    domain::{
        application::ApplicationStatus,
        cycle::{CycleStatus, subsidy_fen},
        payout::PayoutStatus,
        publicity::{ObjectionStatus, check_finalize},
        ranking::Tier,
        roles::Role,
    },
    error::AppResult,
    services::audit::Change,
    state::AppState,
};
use entity::{applications, awards, cycles, objections, payouts};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, Set,
    TransactionTrait,
};
use std::collections::HashMap;

const FINALIZE: Action = Action {
    zh: "只有已公示的周期才能确认结果",
    en: "only a published cycle can be finalized",
};

#[derive(Debug, Clone)]
pub struct Finalized {
    pub cycle: cycles::Model,
    pub awards: Vec<awards::Model>,
    pub payouts: Vec<payouts::Model>,
}

/// `published → finalized`: 409 `publicity_not_over` before the period ends, 409
/// `objections_open` while an objection is open. One transaction: the cycle, every
/// application's final state, the awards and their payouts, with audit rows.
#[tracing::instrument(skip_all, fields(cycle_id))]
pub async fn finalize(state: &AppState, caller: &Caller, cycle_id: i32) -> AppResult<Finalized> {
    caller.require(&[Role::Admin])?;
    let now = state.now();
    let txn = state.db.begin().await?;
    let before = gate::find_cycle(&txn, cycle_id).await?;
    // Holding the cycle's row from here on, no objection can be resolved meanwhile.
    gate::transition(
        &txn,
        cycle_id,
        &[CycleStatus::Published],
        CycleStatus::Finalized,
        FINALIZE,
    )
    .await?;
    let open = objections::Entity::find()
        .filter(objections::Column::CycleId.eq(cycle_id))
        .filter(objections::Column::Status.eq(ObjectionStatus::Open))
        .count(&txn)
        .await?;
    check_finalize(CycleStatus::Published, before.publicity_ends_at, now, open)?;
    let mut active: cycles::ActiveModel = before.clone().into();
    active.status = Set(CycleStatus::Finalized);
    active.finalized_at = Set(Some(now));
    active.updated_at = Set(now);
    let cycle = active.update(&txn).await?;
    Change::new("finalize", "cycle", cycle_id)
        .before(&before)
        .after(&cycle)
        .record(&txn, &caller.into(), now)
        .await?;

    let tiers = cycle.tiers.0.clone();
    let tier_of: HashMap<i32, Option<Tier>> = ranking::stored(&txn, cycle_id)
        .await?
        .into_iter()
        .map(|r| (r.application_id, r.tier))
        .collect();
    let apps = applications::Entity::find()
        .filter(applications::Column::CycleId.eq(cycle_id))
        .filter(applications::Column::Status.eq(ApplicationStatus::Accepted))
        .order_by_asc(applications::Column::Id)
        .all(&txn)
        .await?;
    let (mut created_awards, mut created_payouts) = (Vec::new(), Vec::new());
    for app in apps {
        let tier = tier_of.get(&app.id).copied().flatten();
        let status = match tier {
            Some(_) => ApplicationStatus::Awarded,
            None => ApplicationStatus::NotAwarded,
        };
        let mut app_active: applications::ActiveModel = app.clone().into();
        app_active.status = Set(status);
        app_active.updated_at = Set(now);
        let app_after = app_active.update(&txn).await?;
        Change::new("finalize", "application", app.id)
            .before(&app)
            .after(&app_after)
            .record(&txn, &caller.into(), now)
            .await?;
        let Some(tier) = tier else { continue };

        let award = awards::ActiveModel {
            cycle_id: Set(cycle_id),
            application_id: Set(app.id),
            team_id: Set(app.team_id),
            tier: Set(tier),
            amount_fen: Set(subsidy_fen(&tiers, tier)),
            created_at: Set(now),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
        Change::new("create", "award", award.id)
            .after(&award)
            .record(&txn, &caller.into(), now)
            .await?;
        // A tier without a subsidy has nothing to pay.
        if award.amount_fen > 0 {
            let payout = payouts::ActiveModel {
                award_id: Set(award.id),
                cycle_id: Set(cycle_id),
                application_id: Set(app.id),
                team_id: Set(app.team_id),
                tier: Set(award.tier),
                amount_fen: Set(award.amount_fen),
                // The account as the application states it at this moment.
                bank_name: Set(app.bank_name.clone()),
                account_no: Set(app.account_no.clone()),
                account_name: Set(app.account_name.clone()),
                status: Set(PayoutStatus::Pending),
                batch_id: Set(None),
                failure_reason: Set(None),
                reissue_of: Set(None),
                paid_on: Set(None),
                bank_reference: Set(None),
                created_at: Set(now),
                updated_at: Set(now),
                ..Default::default()
            }
            .insert(&txn)
            .await?;
            Change::new("create", "payout", payout.id)
                .after(&payout)
                .record(&txn, &caller.into(), now)
                .await?;
            created_payouts.push(payout);
        }
        created_awards.push(award);
    }
    txn.commit().await?;
    Ok(Finalized {
        cycle,
        awards: created_awards,
        payouts: created_payouts,
    })
}
