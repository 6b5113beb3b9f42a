//! The opinion chain: unit → district (skipped without a parent district) → municipal.

use crate::{
    authz::Caller,
    domain::{
        application::{self as rules, ApplicationAction, ApplicationStatus, Decision, OpinionStep},
        roles::{Role, UnitKind},
        text,
    },
    error::{AppResult, DomainError},
    services::{
        application_lookup::{find_visible, team_and_unit},
        applications::{ApplicationFilter, ApplicationView},
        audit::Change,
    },
    state::AppState,
};
use entity::{applications, opinions, units};
use sea_orm::{ActiveModelTrait, Set, TransactionTrait};

/// The opinion chain: unit → district (skipped without a parent district) → municipal; only
/// the holder of the due step acts (409 `not_your_turn`).
pub async fn give_opinion(
    state: &AppState,
    caller: &Caller,
    id: i32,
    decision: Decision,
    comment: Option<String>,
) -> AppResult<applications::Model> {
    let now = state.now();
    let comment = text::optional("comment", comment.as_deref(), 1000)?.unwrap_or_default();
    if decision != Decision::Approve && comment.is_empty() {
        return Err(DomainError::invalid(
            "comment",
            "退回或不予推荐时请说明理由",
            "say why when returning or rejecting",
        )
        .into());
    }
    let txn = state.db.begin().await?;
    let before = find_visible(&txn, caller, id).await?;
    caller.require(&[Role::Unit, Role::District, Role::Admin])?;
    let (_, unit) = team_and_unit(&txn, before.team_id).await?;
    let step = my_step(caller, &unit, before.status).ok_or_else(rules::not_your_turn)?;
    opinions::ActiveModel {
        application_id: Set(id),
        step: Set(step),
        decision: Set(decision),
        comment: Set(comment),
        actor_id: Set(caller.user_id),
        at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    let mut active: applications::ActiveModel = before.clone().into();
    active.status = Set(rules::transition(
        before.status,
        ApplicationAction::Opinion(step, decision),
    )?);
    active.updated_at = Set(now);
    let after = active.update(&txn).await?;
    Change::new(
        &format!("opinion_{}_{}", step.as_str(), decision.as_str()),
        "application",
        id,
    )
    .before(&before)
    .after(&after)
    .record(&txn, &caller.into(), now)
    .await?;
    txn.commit().await?;
    Ok(after)
}

/// The opinion step `caller` holds for an application of a team of `unit` in `status`, if it
/// is due now: the unit's own user, then the recommending district's (a district unit is its
/// own recommender), then the admin.
pub fn my_step(caller: &Caller, unit: &units::Model, status: ApplicationStatus) -> Option<OpinionStep> {
    let district_id = unit
        .parent_id
        .or((unit.kind == UnitKind::District).then_some(unit.id));
    let step = rules::step_due(status, district_id.is_some())?;
    let mine = match step {
        OpinionStep::Unit => caller.is(Role::Unit) && caller.unit_id == Some(unit.id),
        OpinionStep::District => caller.is(Role::District) && caller.unit_id == district_id,
        OpinionStep::Municipal => caller.is(Role::Admin),
    };
    mine.then_some(step)
}

/// The applications waiting for `caller`'s opinion, oldest submission first.
pub async fn pending(state: &AppState, caller: &Caller) -> AppResult<Vec<ApplicationView>> {
    // Only the states some opinion step is due in are read (not every application of every
    // year: the menu's count is on every staff page).
    let due = ApplicationStatus::ALL
        .into_iter()
        .filter(|s| rules::step_due(*s, true).is_some() || rules::step_due(*s, false).is_some());
    let mut out = Vec::new();
    for status in due {
        let filter = ApplicationFilter {
            cycle_id: None,
            status: Some(status),
            team_id: None,
        };
        let (all, _) = crate::services::applications::list(state, caller, filter, 0, 10_000).await?;
        out.extend(
            all.into_iter()
                .filter(|v| my_step(caller, &v.unit, v.app.status).is_some()),
        );
    }
    out.sort_by_key(|v| (v.app.submitted_at, v.app.id));
    Ok(out)
}
