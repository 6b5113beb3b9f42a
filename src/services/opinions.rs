//! The opinion chain: unit → district (skipped without a parent district) → municipal.

use crate::{
    authz::{self, Caller, TeamScope},
    domain::{
        application::{self as rules, ApplicationAction, ApplicationStatus, Decision, OpinionStep},
        roles::{Role, UnitKind},
        text,
    },
    error::{AppResult, DomainError},
    services::{
        application_lookup::{find_visible, team_and_unit},
        applications::ApplicationView,
        audit::Change,
    },
    state::AppState,
};
use entity::{applications, opinions, teams, units};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set, TransactionTrait,
};
use std::collections::HashMap;

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

/// The applications in `caller`'s scope whose opinion step is `caller`'s now: only applications
/// in a status that waits for an opinion are read, with their teams' units, in three statements.
async fn due_for(db: &impl ConnectionTrait, caller: &Caller) -> AppResult<Vec<applications::Model>> {
    let waiting = [
        ApplicationStatus::Submitted,
        ApplicationStatus::UnitApproved,
        ApplicationStatus::DistrictApproved,
    ];
    let mut q = applications::Entity::find().filter(applications::Column::Status.is_in(waiting));
    if let TeamScope::Only(ids) = authz::team_scope(db, caller).await? {
        q = q.filter(applications::Column::TeamId.is_in(ids));
    }
    let apps = q.all(db).await?;
    let team_ids: Vec<i32> = apps.iter().map(|a| a.team_id).collect();
    let units: HashMap<i32, units::Model> = teams::Entity::find()
        .filter(teams::Column::Id.is_in(team_ids))
        .find_also_related(units::Entity)
        .all(db)
        .await?
        .into_iter()
        .filter_map(|(t, u)| Some((t.id, u?)))
        .collect();
    Ok(apps
        .into_iter()
        .filter(|a| {
            units
                .get(&a.team_id)
                .is_some_and(|u| my_step(caller, u, a.status).is_some())
        })
        .collect())
}

/// How many applications wait for `caller`'s opinion (the menu's badge).
pub async fn pending_count(state: &AppState, caller: &Caller) -> AppResult<u64> {
    if !matches!(caller.role, Role::Unit | Role::District | Role::Admin) {
        return Ok(0);
    }
    Ok(due_for(&state.read, caller).await?.len() as u64)
}

/// The applications waiting for `caller`'s opinion, oldest submission first.
pub async fn pending(state: &AppState, caller: &Caller) -> AppResult<Vec<ApplicationView>> {
    let mut due = due_for(&state.read, caller).await?;
    due.sort_by_key(|a| (a.submitted_at, a.id));
    crate::services::applications::views(&state.read, due).await
}
