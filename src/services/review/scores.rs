//! Experts' scores: one per criterion within 0..max (one decimal), with a comment; changeable
//! until the results are published.

use super::gate;
use crate::domain::cycle::CycleAction;
use crate::{
    authz::Caller,
    domain::{cycle::CycleStatus, roles::Role, scoring::ScoreSheet, text},
    error::{AppResult, DomainError},
    services::{application_lookup, audit::Change},
    state::AppState,
};
use entity::{assignments, scores};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, Set, TransactionTrait};
use std::collections::BTreeMap;

/// One expert's stored score for one application.
#[derive(Debug, Clone)]
pub struct ScoreView {
    pub score: scores::Model,
    pub application_id: i32,
    pub expert_id: i32,
    /// `(criterion key, tenths)` in rubric order.
    pub entries: Vec<(String, i64)>,
}

/// Gives or changes the caller's score for an application assigned to them. Others who cannot
/// see the application get 404, those who can but are not experts 403.
#[tracing::instrument(skip_all, fields(application_id))]
pub async fn put(
    state: &AppState,
    caller: &Caller,
    application_id: i32,
    points: &BTreeMap<String, f64>,
    comment: &str,
) -> AppResult<ScoreView> {
    let now = state.now();
    let txn = state.db.begin().await?;
    let app = application_lookup::find_visible(&txn, caller, application_id).await?;
    caller.require(&[Role::Expert])?;
    let assignment = assignments::Entity::find()
        .filter(assignments::Column::ApplicationId.eq(app.id))
        .filter(assignments::Column::ExpertId.eq(caller.user_id))
        .one(&txn)
        .await?
        .ok_or_else(|| DomainError::not_found("申报项目", "application"))?;
    let cycle = gate::find_cycle(&txn, app.cycle_id).await?;
    let was = gate::require(&cycle, CycleAction::Score)?;
    let sheet = ScoreSheet::parse(&cycle.rubric.0.clone(), points)?;
    let comment = text::required_multiline("comment", comment, 2000)?;

    // A score changed after ranking sends the cycle back to `reviewing`: only a ranking that
    // reflects every current score can be published.
    gate::transition(&txn, cycle.id, CycleAction::Score).await?;
    if was == CycleStatus::Ranked {
        Change::new("reopen_review", "cycle", cycle.id)
            .before(&serde_json::json!({"status": "ranked"}))
            .after(&serde_json::json!({"status": "reviewing", "reason": "score changed"}))
            .record(&txn, &caller.into(), now)
            .await?;
    }

    let existing = scores::Entity::find()
        .filter(scores::Column::AssignmentId.eq(assignment.id))
        .one(&txn)
        .await?;
    let (action, before, model) = match existing {
        Some(old) => {
            let mut active: scores::ActiveModel = old.clone().into();
            active.breakdown = Set(sheet.to_breakdown());
            active.total_tenths = Set(sheet.total_tenths());
            active.comment = Set(comment);
            active.updated_at = Set(now);
            ("update", Some(old), active.update(&txn).await?)
        }
        None => {
            let model = scores::ActiveModel {
                assignment_id: Set(assignment.id),
                breakdown: Set(sheet.to_breakdown()),
                total_tenths: Set(sheet.total_tenths()),
                comment: Set(comment),
                created_at: Set(now),
                updated_at: Set(now),
                ..Default::default()
            }
            .insert(&txn)
            .await?;
            ("create", None, model)
        }
    };
    let mut change = Change::new(action, "score", model.id).after(&model);
    if let Some(old) = &before {
        change = change.before(old);
    }
    change.record(&txn, &caller.into(), now).await?;
    txn.commit().await?;
    Ok(ScoreView {
        score: model,
        application_id: app.id,
        expert_id: caller.user_id,
        entries: sheet.entries().to_vec(),
    })
}

/// Scores of an application: an assigned expert reads their own, the admin all of them.
pub async fn list(state: &AppState, caller: &Caller, application_id: i32) -> AppResult<Vec<ScoreView>> {
    let app = application_lookup::find_visible(&state.db, caller, application_id).await?;
    caller.require(&[Role::Admin, Role::Expert])?;
    let cycle = gate::find_cycle(&state.db, app.cycle_id).await?;
    let rubric = cycle.rubric.0.clone();
    let mut q = assignments::Entity::find()
        .filter(assignments::Column::ApplicationId.eq(app.id))
        .order_by_asc(assignments::Column::Id);
    if caller.is(Role::Expert) {
        q = q.filter(assignments::Column::ExpertId.eq(caller.user_id));
    }
    let mut out = Vec::new();
    for a in q.all(&state.db).await? {
        let found = scores::Entity::find()
            .filter(scores::Column::AssignmentId.eq(a.id))
            .one(&state.db)
            .await?;
        if let Some(score) = found {
            out.push(ScoreView {
                entries: ScoreSheet::from_stored(&rubric, &score.breakdown)
                    .entries()
                    .to_vec(),
                score,
                application_id: app.id,
                expert_id: a.expert_id,
            });
        }
    }
    Ok(out)
}
