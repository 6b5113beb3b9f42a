//! Resolving many objections at once (issue 20.3): a flood of objections must not jam the
//! cycle. One decision and one note for the chosen open objections (or all open ones), each
//! audited, in one transaction, written in batches (3,000 in well under five seconds).

use super::{gate, publicity::override_award};
use crate::{
    authz::Caller,
    domain::{
        cycle::CycleAction,
        publicity::{AwardOverride, Decision, ObjectionStatus, check_resolution},
        roles::Role,
        text,
    },
    error::{AppResult, DomainError},
    services::audit::{self, Change},
    state::AppState,
};
use entity::objections;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, TransactionTrait, sea_query::Expr};

/// Which objections a bulk resolution covers.
pub enum Selection {
    Ids(Vec<i32>),
    AllOpen,
}

/// The most ids one request may name.
pub const MAX_IDS: usize = 10_000;
const CHUNK: usize = 500;

/// Resolves the selected open objections of the cycle with one decision and note (admin).
/// 404 for an id not of this cycle; 409 `objection_resolved` when one named is not open; an
/// upheld decision (with `new_tier`) must concern one application (422 `mixed_applications`).
/// Returns the ids resolved, ascending.
#[tracing::instrument(skip_all, fields(cycle_id))]
pub async fn resolve_many(
    state: &AppState,
    caller: &Caller,
    cycle_id: i32,
    selection: Selection,
    decision: Decision,
    note: &str,
    new_tier: Option<AwardOverride>,
) -> AppResult<Vec<i32>> {
    caller.require(&[Role::Admin])?;
    check_resolution(decision, new_tier)?;
    let note = text::required_multiline("note", note, 2000)?;
    if let Selection::Ids(ids) = &selection
        && (ids.is_empty() || ids.len() > MAX_IDS)
    {
        return Err(DomainError::invalid(
            "ids",
            format!("请选择1至{MAX_IDS}条异议"),
            format!("name 1 to {MAX_IDS} objections"),
        )
        .into());
    }
    let now = state.now();
    let txn = state.db.begin().await?;
    gate::find_cycle(&txn, cycle_id).await?;
    // Locks the cycle's row: concurrent resolutions are serialised, so what is read open below
    // stays open until this commits.
    gate::transition(&txn, cycle_id, CycleAction::ResolveObjection).await?;
    let chosen: Vec<objections::Model> = match &selection {
        Selection::AllOpen => {
            objections::Entity::find()
                .filter(objections::Column::CycleId.eq(cycle_id))
                .filter(objections::Column::Status.eq(ObjectionStatus::Open))
                .order_by_asc(objections::Column::Id)
                .all(&txn)
                .await?
        }
        Selection::Ids(ids) => {
            let mut ids = ids.clone();
            ids.sort_unstable();
            ids.dedup();
            let mut found = Vec::with_capacity(ids.len());
            for chunk in ids.chunks(CHUNK) {
                found.extend(
                    objections::Entity::find()
                        .filter(objections::Column::CycleId.eq(cycle_id))
                        .filter(objections::Column::Id.is_in(chunk.to_vec()))
                        .order_by_asc(objections::Column::Id)
                        .all(&txn)
                        .await?,
                );
            }
            if let Some(missing) = ids.iter().find(|id| !found.iter().any(|o| o.id == **id)) {
                return Err(DomainError::not_found("异议", "objection")
                    .field(format!(
                        "ids[{}]",
                        ids.iter().position(|i| i == missing).unwrap_or(0)
                    ))
                    .into());
            }
            if let Some(done) = found.iter().find(|o| o.status != ObjectionStatus::Open) {
                return Err(DomainError::conflict(
                    "objection_resolved",
                    format!("异议{}已处理", done.id),
                    format!("objection {} has already been resolved", done.id),
                )
                .into());
            }
            found
        }
    };
    let application = match (new_tier, chosen.first()) {
        (Some(_), Some(first)) if chosen.iter().any(|o| o.application_id != first.application_id) => {
            return Err(DomainError::unprocessable(
                "mixed_applications",
                "调整奖项的批量处理只能针对同一个申报项目的异议",
                "an upheld resolution that changes the award covers objections about one application",
            )
            .field("ids")
            .into());
        }
        (_, first) => first.map(|o| o.application_id),
    };

    let status = decision.status();
    let ids: Vec<i32> = chosen.iter().map(|o| o.id).collect();
    for chunk in ids.chunks(CHUNK) {
        objections::Entity::update_many()
            .col_expr(objections::Column::Status, Expr::value(status))
            .col_expr(objections::Column::Note, Expr::value(note.clone()))
            .col_expr(objections::Column::NewTier, Expr::value(new_tier))
            .col_expr(objections::Column::ResolvedAt, Expr::value(now))
            .col_expr(objections::Column::ResolvedBy, Expr::value(caller.user_id))
            .filter(objections::Column::Id.is_in(chunk.to_vec()))
            .filter(objections::Column::Status.eq(ObjectionStatus::Open))
            .exec(&txn)
            .await?;
    }
    let changes = chosen
        .into_iter()
        .map(|before| {
            let mut after = before.clone();
            after.status = status;
            after.note = Some(note.clone());
            after.new_tier = new_tier;
            after.resolved_at = Some(now);
            after.resolved_by = Some(caller.user_id);
            Change::new("resolve", "objection", before.id)
                .before(&before)
                .after(&after)
        })
        .collect();
    audit::record_many(&txn, &caller.into(), now, changes).await?;
    if let (Some(tier), Some(app)) = (new_tier, application) {
        override_award(&txn, caller, cycle_id, app, tier, &ids, now).await?;
    }
    txn.commit().await?;
    Ok(ids)
}
