//! Reading a cycle's ranking: the admin's explained view (per-criterion means, every expert's
//! total, the spread), the results sheet (xlsx) and the public results (公示, no personal data).

use super::{gate, ranking::rank_input};
use crate::domain::cycle::CycleAction;
use crate::{
    authz::Caller,
    domain::{
        cycle::CycleStatus,
        ranking::{RankInput, Spread, TieBreak, Tier, compare, criterion_means, decided_by, spread},
        roles::Role,
        scoring::ScoreSheet,
    },
    error::{AppError, AppResult, DomainError},
    export::results_sheet::{ResultRow, ResultsSheet, build_results_sheet},
    services::{
        application_lookup::{shown_team, shown_unit_name},
        chunks::fetch_in,
        figures::{self, Figures},
    },
    state::AppState,
};
use chrono::{DateTime, Utc};
use entity::{applications, assignments, cycles, results, scores, teams, units, users};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};
use std::collections::HashMap;

/// One expert's total for one application.
#[derive(Debug, Clone)]
pub struct ExpertTotal {
    pub expert_id: i32,
    pub expert_name: String,
    pub total_tenths: i64,
}

/// One ranked application with everything needed to explain its place.
#[derive(Debug, Clone)]
pub struct ResultLine {
    pub result: results::Model,
    pub tier: Option<Tier>,
    pub team_id: i32,
    pub team_name: String,
    pub unit_name: String,
    pub project_name: String,
    /// `(criterion key, criterion name, mean in points)`, in rubric order.
    pub criterion_means: Vec<(String, String, f64)>,
    pub expert_totals: Vec<ExpertTotal>,
    pub spread: Option<Spread>,
    pub figures: Figures,
    /// Submission time (the last tie-break but one).
    pub submitted_at: DateTime<Utc>,
    /// When this line's final score equals the previous line's: the R-RANK key that put the
    /// previous line first.
    pub tie_with_previous: Option<TieBreak>,
}

/// A cycle's stored ranking.
#[derive(Debug, Clone)]
pub struct Ranking {
    pub cycle: cycles::Model,
    pub lines: Vec<ResultLine>,
    /// The scores or figures changed since the ranking was stored: its order is no longer the
    /// one R-RANK gives (rank again).
    pub stale: bool,
}

/// The stored ranking of a cycle, explained.
pub async fn view(db: &impl ConnectionTrait, cycle_id: i32) -> AppResult<Ranking> {
    let cycle = gate::find_cycle(db, cycle_id).await?;
    let rubric = cycle.rubric.0.clone();
    let rows = results::Entity::find()
        .filter(results::Column::CycleId.eq(cycle_id))
        .order_by_asc(results::Column::Rank)
        .all(db)
        .await?;
    // Every read in chunks of distinct ids (a cycle of 10,000 applications × 5 experts binds
    // more ids than one statement may).
    let app_ids: Vec<i32> = rows.iter().map(|r| r.application_id).collect();
    let apps: HashMap<i32, applications::Model> = by_id(
        fetch_in(app_ids.clone(), |c| {
            applications::Entity::find()
                .filter(applications::Column::Id.is_in(c))
                .all(db)
        })
        .await?,
        |a| a.id,
    );
    let teams: HashMap<i32, teams::Model> = by_id(
        fetch_in(apps.values().map(|a| a.team_id).collect(), |c| {
            teams::Entity::find().filter(teams::Column::Id.is_in(c)).all(db)
        })
        .await?,
        |t| t.id,
    );
    let units: HashMap<i32, String> = fetch_in(teams.values().map(|t| t.unit_id).collect(), |c| {
        units::Entity::find().filter(units::Column::Id.is_in(c)).all(db)
    })
    .await?
    .into_iter()
    .map(|u| (u.id, u.name))
    .collect();
    let mut assigned = fetch_in(app_ids.clone(), |c| {
        assignments::Entity::find()
            .filter(assignments::Column::ApplicationId.is_in(c))
            .all(db)
    })
    .await?;
    assigned.sort_by_key(|a| (a.expert_id, a.id));
    let scores: HashMap<i32, scores::Model> = by_id(
        fetch_in(assigned.iter().map(|a| a.id).collect(), |c| {
            scores::Entity::find()
                .filter(scores::Column::AssignmentId.is_in(c))
                .all(db)
        })
        .await?,
        |s| s.assignment_id,
    );
    let expert_names: HashMap<i32, String> = fetch_in(assigned.iter().map(|a| a.expert_id).collect(), |c| {
        users::Entity::find().filter(users::Column::Id.is_in(c)).all(db)
    })
    .await?
    .into_iter()
    .map(|u| (u.id, u.display_name))
    .collect();
    let figures = figures::for_applications(db, &app_ids).await?;

    // Each application's assignments, in expert order (one pass, not one scan per line).
    let mut by_app: HashMap<i32, Vec<&assignments::Model>> = HashMap::new();
    for a in &assigned {
        by_app.entry(a.application_id).or_default().push(a);
    }
    let mut inputs: Vec<RankInput> = Vec::with_capacity(rows.len());
    let mut lines: Vec<ResultLine> = rows
        .into_iter()
        .map(|r| {
            let app = apps.get(&r.application_id);
            let team = app.and_then(|a| teams.get(&a.team_id));
            let scored: Vec<(&assignments::Model, &scores::Model)> = by_app
                .get(&r.application_id)
                .into_iter()
                .flatten()
                .filter_map(|a| scores.get(&a.id).map(|s| (*a, s)))
                .collect();
            let sheets: Vec<Vec<(String, i64)>> = scored
                .iter()
                .map(|(_, s)| ScoreSheet::from_stored(&rubric, &s.breakdown).entries().to_vec())
                .collect();
            let means: HashMap<String, f64> = criterion_means(&sheets).into_iter().collect();
            let totals: Vec<i64> = scored.iter().map(|(_, s)| s.total_tenths).collect();
            let figures = figures.get(&r.application_id).copied().unwrap_or_default();
            let input = app.map(|a| rank_input(a, totals.clone(), figures));
            let submitted_at = input.as_ref().map_or(r.computed_at, |i| i.submitted_at);
            if let Some(i) = input {
                inputs.push(i);
            }
            ResultLine {
                tier: r.tier,
                team_id: app.map_or(0, |a| a.team_id),
                team_name: team
                    .zip(app)
                    .map(|(t, a)| shown_team(a, t).name)
                    .unwrap_or_default(),
                unit_name: team
                    .and_then(|t| units.get(&t.unit_id))
                    .zip(app)
                    .map(|(u, a)| shown_unit_name(a, u))
                    .unwrap_or_default(),
                project_name: app.map(|a| a.project_name.clone()).unwrap_or_default(),
                criterion_means: rubric
                    .iter()
                    .map(|c| {
                        let mean = means.get(&c.key).copied().unwrap_or(0.0);
                        (c.key.clone(), c.name.clone(), mean)
                    })
                    .collect(),
                expert_totals: scored
                    .iter()
                    .map(|(a, s)| ExpertTotal {
                        expert_id: a.expert_id,
                        expert_name: expert_names.get(&a.expert_id).cloned().unwrap_or_default(),
                        total_tenths: s.total_tenths,
                    })
                    .collect(),
                spread: spread(&totals),
                figures,
                submitted_at,
                tie_with_previous: None,
                result: r,
            }
        })
        .collect();
    // Every stored line has its application (a foreign key), so `inputs` runs beside `lines`.
    let mut stale = false;
    if inputs.len() == lines.len() {
        for (i, pair) in inputs.windows(2).enumerate() {
            stale |= compare(&pair[0], &pair[1], cycle.aggregation).is_gt();
            lines[i + 1].tie_with_previous = decided_by(&pair[0], &pair[1], cycle.aggregation);
        }
    }
    Ok(Ranking { cycle, lines, stale })
}

fn by_id<T>(rows: Vec<T>, key: impl Fn(&T) -> i32) -> HashMap<i32, T> {
    rows.into_iter().map(|r| (key(&r), r)).collect()
}

/// The admin's view of the stored ranking.
pub async fn get(state: &AppState, caller: &Caller, cycle_id: i32) -> AppResult<Ranking> {
    caller.require(&[Role::Admin])?;
    view(&state.db, cycle_id).await
}

/// An xlsx file: its name and bytes.
pub struct SheetFile {
    pub filename: String,
    pub bytes: Vec<u8>,
}

/// "…项目评审" + "结果", "…智惠行动" + "评审结果": the title never says 评审 twice.
fn results_title(cycle_title: &str) -> String {
    let t = cycle_title.trim();
    if t.ends_with("评审") {
        format!("{t}结果")
    } else {
        format!("{t}评审结果")
    }
}

/// The results sheet (评审结果): rank, team, unit, project, per-criterion means, final score,
/// tier, under a title naming the cycle.
pub async fn sheet(state: &AppState, caller: &Caller, cycle_id: i32) -> AppResult<SheetFile> {
    caller.require(&[Role::Admin])?;
    let cycle = gate::find_cycle(&state.db, cycle_id).await?;
    gate::require(&cycle, CycleAction::ExportResults)?;
    let ranking = view(&state.db, cycle_id).await?;
    let data = ResultsSheet {
        title: results_title(&ranking.cycle.title),
        criteria: ranking
            .cycle
            .rubric
            .0
            .clone()
            .into_iter()
            .map(|c| c.name)
            .collect(),
        rows: ranking
            .lines
            .into_iter()
            .map(|l| ResultRow {
                rank: u32::try_from(l.result.rank).unwrap_or(0),
                team_name: l.team_name,
                unit_name: l.unit_name,
                project_name: l.project_name,
                criterion_means: l.criterion_means.into_iter().map(|(_, _, m)| m).collect(),
                final_score: l.result.final_score,
                tier: l.tier,
                counted_activities: l.figures.activities,
                backfilled_activities: l.figures.backfilled,
            })
            .collect(),
    };
    let bytes = tokio::task::spawn_blocking(move || build_results_sheet(&data))
        .await
        .map_err(AppError::internal)?
        .map_err(AppError::internal)?;
    Ok(SheetFile {
        filename: format!("{}年度评审结果.xlsx", ranking.cycle.year),
        bytes,
    })
}

/// The published results, for anyone: 404 until the cycle is published.
pub async fn public(state: &AppState, cycle_id: i32) -> AppResult<Ranking> {
    let cycle = gate::find_cycle(&state.db, cycle_id).await?;
    match cycle.status {
        CycleStatus::Published | CycleStatus::Finalized => view(&state.db, cycle_id).await,
        _ => Err(DomainError::not_found("公示结果", "published results").into()),
    }
}

#[cfg(test)]
mod tests {
    use super::results_title;

    #[test]
    fn the_title_names_the_cycle_without_repeating_itself() {
        assert_eq!(
            results_title("2026年度智惠行动项目评审"),
            "2026年度智惠行动项目评审结果"
        );
        assert_eq!(results_title("2026年度智惠行动"), "2026年度智惠行动评审结果");
    }
}
