//! Expert assignment (R-COI): automatic for a whole cycle, manual per application, and
//! removal while the expert has not scored. Only while the cycle is `reviewing`.

use super::gate;
use crate::domain::cycle::CycleAction;
use crate::{
    authz::Caller,
    domain::{
        application::ApplicationStatus,
        assignment::{AppSlot, ExpertSlot, assign},
        roles::Role,
    },
    error::{AppError, AppResult, DomainError},
    services::{
        application_lookup::{shown_team, shown_unit_name},
        audit::{Change, record_many},
        chunks::fetch_in,
        figures::{self, Figures},
    },
    state::AppState,
};
use entity::{applications, assignments, scores, teams, users};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect, Set, TransactionTrait,
};
use std::collections::{HashMap, HashSet};

/// An assignment with what the expert's list shows about it.
#[derive(Debug, Clone)]
pub struct AssignmentView {
    pub assignment: assignments::Model,
    pub expert_name: String,
    pub project_name: String,
    pub team_name: String,
    pub scored: bool,
    /// Objective figures of the application's counted activities.
    pub figures: Figures,
}

/// Every accepted application of the cycle gets the cycle's reviewers per application, never
/// an expert of its own unit (R-COI), with the most even load the conflicts allow. When some
/// application cannot be covered, 422 `assignment_infeasible` names them and nothing is written.
#[tracing::instrument(skip_all, fields(cycle_id))]
pub async fn auto_assign(state: &AppState, caller: &Caller, cycle_id: i32) -> AppResult<Vec<AssignmentView>> {
    caller.require(&[Role::Admin])?;
    let now = state.now();
    let txn = state.db.begin().await?;
    let cycle = gate::find_cycle(&txn, cycle_id).await?;
    gate::transition(&txn, cycle_id, CycleAction::Assign).await?;

    let apps = applications::Entity::find()
        .filter(applications::Column::CycleId.eq(cycle_id))
        .filter(applications::Column::Status.eq(ApplicationStatus::Accepted))
        .all(&txn)
        .await?;
    let unit_of_team = team_units(&txn, apps.iter().map(|a| a.team_id)).await?;
    let experts = users::Entity::find()
        .filter(users::Column::Role.eq(Role::Expert))
        .all(&txn)
        .await?;
    let existing = assignments::Entity::find()
        .filter(assignments::Column::CycleId.eq(cycle_id))
        .all(&txn)
        .await?;

    let mut already: HashMap<i32, Vec<i64>> = HashMap::new();
    let mut load: HashMap<i32, u32> = HashMap::new();
    for x in &existing {
        already
            .entry(x.application_id)
            .or_default()
            .push(i64::from(x.expert_id));
        *load.entry(x.expert_id).or_default() += 1;
    }
    let app_slots: Vec<AppSlot> = apps
        .iter()
        .map(|a| AppSlot {
            application_id: i64::from(a.id),
            unit_id: unit_of_team.get(&a.team_id).copied().map_or(-1, i64::from),
            already: already.remove(&a.id).unwrap_or_default(),
        })
        .collect();
    let expert_slots: Vec<ExpertSlot> = experts
        .iter()
        .map(|e| ExpertSlot {
            expert_id: i64::from(e.id),
            // An expert without a unit conflicts with nobody.
            unit_id: e.unit_id.map_or(-1, i64::from),
            current_load: load.get(&e.id).copied().unwrap_or(0),
        })
        .collect();
    let per_app = u32::try_from(cycle.reviewers_per_application).unwrap_or(0);
    let pairs = assign(&app_slots, &expert_slots, per_app).map_err(|uncovered| {
        let ids = uncovered
            .iter()
            .map(i64::to_string)
            .collect::<Vec<_>>()
            .join(", ");
        DomainError::unprocessable(
            "assignment_infeasible",
            format!("没有利益冲突之外的足够专家，无法为这些申报项目分配评审专家：{ids}；未分配任何专家"),
            format!(
                "too few experts without a conflict of interest for applications {ids}; nothing was assigned"
            ),
        )
    })?;

    // Written in a few statements whatever the number of pairs (5,000 applications × 5
    // reviewers are 25,000 rows): the pairs a few hundred at a time, then the new rows read
    // back, and their audit entries as one stretch of the chain.
    let mut rows = Vec::with_capacity(pairs.len());
    for (application_id, expert_id) in pairs {
        rows.push(assignments::ActiveModel {
            cycle_id: Set(cycle_id),
            application_id: Set(id32(application_id)?),
            expert_id: Set(id32(expert_id)?),
            created_at: Set(now),
            ..Default::default()
        });
    }
    let mut rows = rows.into_iter().peekable();
    while rows.peek().is_some() {
        let chunk: Vec<_> = rows.by_ref().take(500).collect();
        assignments::Entity::insert_many(chunk).exec(&txn).await?;
    }
    let before: HashSet<i32> = existing.iter().map(|x| x.id).collect();
    let created: Vec<assignments::Model> = assignments::Entity::find()
        .filter(assignments::Column::CycleId.eq(cycle_id))
        .order_by_asc(assignments::Column::Id)
        .all(&txn)
        .await?
        .into_iter()
        .filter(|m| !before.contains(&m.id))
        .collect();
    let changes = created
        .iter()
        .map(|m| Change::new("auto_assign", "assignment", m.id).after(m))
        .collect();
    record_many(&txn, &caller.into(), now, changes).await?;
    let views = views(&txn, created).await?;
    txn.commit().await?;
    Ok(views)
}

/// Assigns one expert to one accepted application: 422 `conflict_of_interest` when the
/// expert belongs to the application's unit (R-COI), 422 `not_an_expert`, 409 `already_assigned`.
#[tracing::instrument(skip_all, fields(application_id, expert_id))]
pub async fn assign_one(
    state: &AppState,
    caller: &Caller,
    application_id: i32,
    expert_id: i32,
) -> AppResult<AssignmentView> {
    caller.require(&[Role::Admin])?;
    let now = state.now();
    let txn = state.db.begin().await?;
    let app = applications::Entity::find_by_id(application_id)
        .one(&txn)
        .await?
        .ok_or_else(|| DomainError::not_found("申报项目", "application"))?;
    gate::transition(&txn, app.cycle_id, CycleAction::Assign).await?;
    if app.status != ApplicationStatus::Accepted {
        return Err(DomainError::conflict(
            "application_not_accepted",
            "只有已通过市科协审核的申报项目才能分配评审专家",
            "experts are assigned only to accepted applications",
        )
        .into());
    }
    let expert = users::Entity::find_by_id(expert_id)
        .filter(users::Column::Role.eq(Role::Expert))
        .one(&txn)
        .await?
        .ok_or_else(|| {
            DomainError::unprocessable(
                "not_an_expert",
                "该用户不是评审专家",
                "that user is not an expert",
            )
            .field("expert_id")
        })?;
    let unit = team_units(&txn, [app.team_id]).await?.get(&app.team_id).copied();
    // R-COI: never an expert of the application's own unit.
    if conflicts(expert.unit_id, unit) {
        return Err(DomainError::unprocessable(
            "conflict_of_interest",
            "专家与申报服务队属于同一单位，须回避",
            "the expert belongs to the application's unit (conflict of interest)",
        )
        .field("expert_id")
        .into());
    }
    let model = assignments::ActiveModel {
        cycle_id: Set(app.cycle_id),
        application_id: Set(app.id),
        expert_id: Set(expert.id),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await
    .map_err(|e| AppError::unique_as(e, already_assigned))?;
    Change::new("assign", "assignment", model.id)
        .after(&model)
        .record(&txn, &caller.into(), now)
        .await?;
    let view = views(&txn, vec![model]).await?.remove(0);
    txn.commit().await?;
    Ok(view)
}

fn already_assigned() -> DomainError {
    DomainError::conflict(
        "already_assigned",
        "该专家已分配到这个申报项目",
        "that expert is already assigned to this application",
    )
    .field("expert_id")
}

/// Removes an assignment whose expert has not scored yet (409 `already_scored`).
#[tracing::instrument(skip_all, fields(assignment_id = id))]
pub async fn remove(state: &AppState, caller: &Caller, id: i32) -> AppResult<()> {
    caller.require(&[Role::Admin])?;
    let now = state.now();
    let txn = state.db.begin().await?;
    let a = assignments::Entity::find_by_id(id)
        .one(&txn)
        .await?
        .ok_or_else(|| DomainError::not_found("评审分配", "assignment"))?;
    gate::transition(&txn, a.cycle_id, CycleAction::Assign).await?;
    let scored = scores::Entity::find()
        .filter(scores::Column::AssignmentId.eq(id))
        .count(&txn)
        .await?
        > 0;
    if scored {
        return Err(DomainError::conflict(
            "already_scored",
            "该专家已评分，不能撤销分配",
            "the expert has already scored; the assignment cannot be removed",
        )
        .into());
    }
    assignments::Entity::delete_by_id(id).exec(&txn).await?;
    Change::new("remove", "assignment", id)
        .before(&a)
        .record(&txn, &caller.into(), now)
        .await?;
    txn.commit().await?;
    Ok(())
}

/// Assignments: an expert sees their own, the admin all.
pub async fn list(
    state: &AppState,
    caller: &Caller,
    cycle_id: Option<i32>,
    offset: u64,
    limit: u64,
) -> AppResult<(Vec<AssignmentView>, u64)> {
    caller.require(&[Role::Admin, Role::Expert])?;
    let mut q = assignments::Entity::find()
        .order_by_asc(assignments::Column::CycleId)
        .order_by_asc(assignments::Column::ApplicationId)
        .order_by_asc(assignments::Column::Id);
    if caller.is(Role::Expert) {
        q = q.filter(assignments::Column::ExpertId.eq(caller.user_id));
    }
    if let Some(c) = cycle_id {
        q = q.filter(assignments::Column::CycleId.eq(c));
    }
    let total = q.clone().count(&state.db).await?;
    let rows = q.offset(offset).limit(limit).all(&state.db).await?;
    Ok((views(&state.db, rows).await?, total))
}

/// R-COI: an expert conflicts with an application of a team of their own unit; an expert
/// without a unit conflicts with nobody.
pub fn conflicts(expert_unit: Option<i32>, application_unit: Option<i32>) -> bool {
    expert_unit.is_some() && expert_unit == application_unit
}

/// An accepted application as a row of the assignment grid.
pub struct GridApp {
    pub application_id: i32,
    pub project_name: String,
    pub team_name: String,
    pub unit_name: String,
    /// One cell per expert, in the order of [`Grid::experts`].
    pub cells: Vec<GridCell>,
}

/// An expert as a column of the assignment grid, with their load in this cycle.
pub struct GridExpert {
    pub expert_id: i32,
    pub name: String,
    pub unit_name: String,
    pub load: usize,
}

/// One application × expert cell.
pub struct GridCell {
    pub assignment_id: Option<i32>,
    pub scored: bool,
    /// R-COI: the expert belongs to the application's unit and may not be assigned.
    pub conflict: bool,
}

/// The cycle's accepted applications × every expert: who is assigned (and has scored), who
/// is excluded by a conflict of interest, and each expert's load (admin only).
pub struct Grid {
    pub apps: Vec<GridApp>,
    pub experts: Vec<GridExpert>,
}

pub async fn grid(state: &AppState, caller: &Caller, cycle_id: i32) -> AppResult<Grid> {
    caller.require(&[Role::Admin])?;
    let db = &state.db;
    gate::find_cycle(db, cycle_id).await?;
    let apps = applications::Entity::find()
        .filter(applications::Column::CycleId.eq(cycle_id))
        .filter(applications::Column::Status.eq(ApplicationStatus::Accepted.as_str()))
        .order_by_asc(applications::Column::Id)
        .all(db)
        .await?;
    let team_rows: HashMap<i32, teams::Model> = fetch_in(apps.iter().map(|a| a.team_id).collect(), |c| {
        teams::Entity::find().filter(teams::Column::Id.is_in(c)).all(db)
    })
    .await?
    .into_iter()
    .map(|t| (t.id, t))
    .collect();
    let experts = users::Entity::find()
        .filter(users::Column::Role.eq(Role::Expert.as_str()))
        .order_by_asc(users::Column::Id)
        .all(db)
        .await?;
    let unit_ids = team_rows
        .values()
        .map(|t| t.unit_id)
        .chain(experts.iter().filter_map(|e| e.unit_id));
    let unit_names = crate::services::orgs::unit_names(db, unit_ids).await?;
    let existing = assignments::Entity::find()
        .filter(assignments::Column::CycleId.eq(cycle_id))
        .all(db)
        .await?;
    let scored: HashSet<i32> = fetch_in(existing.iter().map(|a| a.id).collect(), |c| {
        scores::Entity::find()
            .filter(scores::Column::AssignmentId.is_in(c))
            .all(db)
    })
    .await?
    .into_iter()
    .map(|s| s.assignment_id)
    .collect();
    let by_pair: HashMap<(i32, i32), i32> = existing
        .iter()
        .map(|a| ((a.application_id, a.expert_id), a.id))
        .collect();
    let mut cells: Vec<Vec<GridCell>> = apps
        .iter()
        .map(|a| {
            let unit = team_rows.get(&a.team_id).map(|t| t.unit_id);
            experts
                .iter()
                .map(|e| {
                    let id = by_pair.get(&(a.id, e.id)).copied();
                    GridCell {
                        assignment_id: id,
                        scored: id.is_some_and(|i| scored.contains(&i)),
                        conflict: conflicts(e.unit_id, unit),
                    }
                })
                .collect()
        })
        .collect();
    cells.reverse();
    Ok(Grid {
        apps: apps
            .iter()
            .map(|a| {
                let team = team_rows.get(&a.team_id);
                GridApp {
                    application_id: a.id,
                    project_name: a.project_name.clone(),
                    team_name: team.map(|t| shown_team(a, t).name).unwrap_or_default(),
                    unit_name: team
                        .and_then(|t| unit_names.get(&t.unit_id))
                        .map(|u| shown_unit_name(a, u))
                        .unwrap_or_default(),
                    cells: cells.pop().unwrap_or_default(),
                }
            })
            .collect(),
        experts: experts
            .iter()
            .map(|e| GridExpert {
                expert_id: e.id,
                name: e.display_name.clone(),
                unit_name: e
                    .unit_id
                    .and_then(|u| unit_names.get(&u).cloned())
                    .unwrap_or_default(),
                load: existing.iter().filter(|x| x.expert_id == e.id).count(),
            })
            .collect(),
    })
}

fn id32(id: i64) -> AppResult<i32> {
    i32::try_from(id).map_err(|_| AppError::internal("id out of range"))
}

/// Unit of each of the given teams.
pub async fn team_units(
    db: &impl ConnectionTrait,
    team_ids: impl IntoIterator<Item = i32>,
) -> AppResult<HashMap<i32, i32>> {
    let ids: Vec<i32> = team_ids.into_iter().collect::<HashSet<_>>().into_iter().collect();
    Ok(teams::Entity::find()
        .filter(teams::Column::Id.is_in(ids))
        .all(db)
        .await?
        .into_iter()
        .map(|t| (t.id, t.unit_id))
        .collect())
}

async fn views(db: &impl ConnectionTrait, rows: Vec<assignments::Model>) -> AppResult<Vec<AssignmentView>> {
    // In chunks of distinct ids: an automatic assignment answers 25,000 rows at once.
    let mut app_ids: Vec<i32> = rows.iter().map(|a| a.application_id).collect();
    app_ids.sort_unstable();
    app_ids.dedup();
    let apps: HashMap<i32, applications::Model> = fetch_in(app_ids.clone(), |c| {
        applications::Entity::find()
            .filter(applications::Column::Id.is_in(c))
            .all(db)
    })
    .await?
    .into_iter()
    .map(|a| (a.id, a))
    .collect();
    let team_names: HashMap<i32, String> = fetch_in(apps.values().map(|a| a.team_id).collect(), |c| {
        teams::Entity::find().filter(teams::Column::Id.is_in(c)).all(db)
    })
    .await?
    .into_iter()
    .map(|t| (t.id, t.name))
    .collect();
    let expert_names: HashMap<i32, String> = fetch_in(rows.iter().map(|a| a.expert_id).collect(), |c| {
        users::Entity::find().filter(users::Column::Id.is_in(c)).all(db)
    })
    .await?
    .into_iter()
    .map(|u| (u.id, u.display_name))
    .collect();
    let scored: HashSet<i32> = fetch_in(rows.iter().map(|a| a.id).collect(), |c| {
        scores::Entity::find()
            .select_only()
            .column(scores::Column::AssignmentId)
            .filter(scores::Column::AssignmentId.is_in(c))
            .into_tuple::<i32>()
            .all(db)
    })
    .await?
    .into_iter()
    .collect();
    let figures = figures::for_applications(db, &app_ids).await?;
    Ok(rows
        .into_iter()
        .map(|a| {
            let app = apps.get(&a.application_id);
            AssignmentView {
                expert_name: expert_names.get(&a.expert_id).cloned().unwrap_or_default(),
                project_name: app.map(|x| x.project_name.clone()).unwrap_or_default(),
                team_name: app
                    .and_then(|x| {
                        team_names
                            .get(&x.team_id)
                            .map(|live| x.snap_team_name.clone().unwrap_or_else(|| live.clone()))
                    })
                    .unwrap_or_default(),
                scored: scored.contains(&a.id),
                figures: figures.get(&a.application_id).copied().unwrap_or_default(),
                assignment: a,
            }
        })
        .collect())
}
