//! Ranking (R-AGG, R-CycleAction::Rank): every assignment scored, then the pure `domain::ranking::rank`
//! over the cycle's accepted applications; the rows are stored in `results`.

use super::{
    gate,
    results::{self, Ranking},
};
use crate::domain::cycle::CycleAction;
use crate::{
    authz::Caller,
    domain::{
        application::ApplicationStatus,
        cycle::{CycleStatus, quotas},
        publicity::forced_tier,
        ranking::{RankInput, rank as rank_rows},
        roles::Role,
    },
    error::{AppError, AppResult, DomainError},
    services::{audit::Change, chunks::fetch_in, figures},
    state::AppState,
};
use chrono::{DateTime, Utc};
use entity::{applications, assignments, cycles, results as result_rows, scores};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set, TransactionTrait};
use std::collections::HashMap;

/// Ranks the cycle's accepted applications (409 `scores_missing` while any assignment lacks
/// its score) and moves the cycle to `ranked`. Ranking again after a score change gives the
/// new order.
#[tracing::instrument(skip_all, fields(cycle_id))]
pub async fn rank(state: &AppState, caller: &Caller, cycle_id: i32) -> AppResult<Ranking> {
    caller.require(&[Role::Admin])?;
    let now = state.now();
    let txn = state.db.begin().await?;
    let cycle = gate::find_cycle(&txn, cycle_id).await?;
    gate::transition(&txn, cycle_id, CycleAction::Rank).await?;
    let before = stored(&txn, cycle_id).await?;
    let after = recompute(&txn, &cycle, now).await?;
    Change::new("rank", "cycle", cycle_id)
        .before(&serde_json::json!({"status": cycle.status, "results": before}))
        .after(&serde_json::json!({"status": CycleStatus::Ranked.as_str(), "results": after}))
        .record(&txn, &caller.into(), now)
        .await?;
    txn.commit().await?;
    results::view(&state.db, cycle_id).await
}

pub async fn stored(db: &impl ConnectionTrait, cycle_id: i32) -> AppResult<Vec<result_rows::Model>> {
    Ok(result_rows::Entity::find()
        .filter(result_rows::Column::CycleId.eq(cycle_id))
        .order_by_asc(result_rows::Column::Rank)
        .all(db)
        .await?)
}

/// Recomputes and stores the ranking of `cycle` inside the caller's transaction, replacing
/// its rows in `results`. Forced tiers come from `applications.tier_override` (objections).
pub async fn recompute(
    db: &impl ConnectionTrait,
    cycle: &cycles::Model,
    now: DateTime<Utc>,
) -> AppResult<Vec<result_rows::Model>> {
    let apps = applications::Entity::find()
        .filter(applications::Column::CycleId.eq(cycle.id))
        .filter(applications::Column::Status.eq(ApplicationStatus::Accepted))
        .order_by_asc(applications::Column::Id)
        .all(db)
        .await?;
    let app_ids: Vec<i32> = apps.iter().map(|a| a.id).collect();
    // In chunks: 10,000 applications × 5 experts is more ids than one statement may bind.
    let mut assigned = fetch_in(app_ids.clone(), |c| {
        assignments::Entity::find()
            .filter(assignments::Column::ApplicationId.is_in(c))
            .all(db)
    })
    .await?;
    assigned.sort_by_key(|a| a.id);
    let totals: HashMap<i32, i64> = fetch_in(assigned.iter().map(|a| a.id).collect(), |c| {
        scores::Entity::find()
            .filter(scores::Column::AssignmentId.is_in(c))
            .all(db)
    })
    .await?
    .into_iter()
    .map(|s| (s.assignment_id, s.total_tenths))
    .collect();
    check_complete(&apps, &assigned, &totals)?;

    let figures = figures::for_applications(db, &app_ids).await?;
    let mut totals_of: HashMap<i32, Vec<i64>> = HashMap::new();
    for x in &assigned {
        if let Some(t) = totals.get(&x.id) {
            totals_of.entry(x.application_id).or_default().push(*t);
        }
    }
    let inputs: Vec<RankInput> = apps
        .iter()
        .map(|a| {
            let app_totals = totals_of.remove(&a.id).unwrap_or_default();
            rank_input(a, app_totals, figures.get(&a.id).copied().unwrap_or_default())
        })
        .collect();
    let tiers = cycle.tiers.0.clone();
    let rows = rank_rows(
        &inputs,
        cycle.aggregation,
        cycle.min_award_score_tenths,
        quotas(&tiers),
    );

    result_rows::Entity::delete_many()
        .filter(result_rows::Column::CycleId.eq(cycle.id))
        .exec(db)
        .await?;
    let mut models = Vec::with_capacity(rows.len());
    for r in rows {
        models.push(result_rows::ActiveModel {
            cycle_id: Set(cycle.id),
            application_id: Set(i32::try_from(r.application_id).map_err(AppError::internal)?),
            rank: Set(i32::try_from(r.rank).map_err(AppError::internal)?),
            // Stored for display; every comparison was made on the exact score.
            final_score: Set(r.final_score.to_points_rounded_2()),
            tier: Set(r.tier),
            computed_at: Set(now),
            ..Default::default()
        });
    }
    // A few hundred rows a statement (6 bound values each: well under every engine's limit),
    // then the stored rows back in the ranking's order.
    let mut models = models.into_iter().peekable();
    while models.peek().is_some() {
        let chunk: Vec<_> = models.by_ref().take(500).collect();
        result_rows::Entity::insert_many(chunk).exec(db).await?;
    }
    Ok(result_rows::Entity::find()
        .filter(result_rows::Column::CycleId.eq(cycle.id))
        .order_by_asc(result_rows::Column::Id)
        .all(db)
        .await?)
}

/// What R-RANK orders an application by: its experts' totals, its objective figures, its
/// submission time (the same inputs when ranking and when explaining a stored ranking).
pub(super) fn rank_input(
    app: &applications::Model,
    totals_tenths: Vec<i64>,
    f: figures::Figures,
) -> RankInput {
    RankInput {
        application_id: i64::from(app.id),
        totals_tenths,
        sessions: f.sessions,
        people_served: f.people_served,
        submitted_at: app.submitted_at.unwrap_or(app.created_at),
        forced_tier: forced_tier(app.tier_override),
    }
}

/// R-CycleAction::Rank: every accepted application has at least one assignment and every assignment a
/// score; otherwise 409 `scores_missing` naming what is missing.
fn check_complete(
    apps: &[applications::Model],
    assigned: &[assignments::Model],
    totals: &HashMap<i32, i64>,
) -> Result<(), DomainError> {
    let with_expert: std::collections::HashSet<i32> = assigned.iter().map(|x| x.application_id).collect();
    let unassigned: Vec<String> = apps
        .iter()
        .filter(|a| !with_expert.contains(&a.id))
        .map(|a| a.id.to_string())
        .collect();
    let unscored: Vec<String> = assigned
        .iter()
        .filter(|x| !totals.contains_key(&x.id))
        .map(|x| format!("{}/{}", x.application_id, x.expert_id))
        .collect();
    if unassigned.is_empty() && unscored.is_empty() {
        return Ok(());
    }
    let (mut zh, mut en) = (Vec::new(), Vec::new());
    if !unscored.is_empty() {
        zh.push(format!("尚未评分（申报项目/专家）：{}", unscored.join(", ")));
        en.push(format!(
            "not yet scored (application/expert): {}",
            unscored.join(", ")
        ));
    }
    if !unassigned.is_empty() {
        zh.push(format!("尚未分配专家的申报项目：{}", unassigned.join(", ")));
        en.push(format!(
            "applications without any expert: {}",
            unassigned.join(", ")
        ));
    }
    Err(DomainError::conflict(
        "scores_missing",
        zh.join("；"),
        en.join("; "),
    ))
}
