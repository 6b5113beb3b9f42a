//! The application lookups the application services share — scope (R-AUTHZ), editability,
//! R-EXCLUDE, counted activities (R-SUBMIT) — in one module below `applications`,
//! `submission` and `figures`, so their dependencies run one way.

use crate::{
    authz::Caller,
    domain::{
        activity::ActivityStatus,
        application::{self as rules, ApplicationAction},
        cst_date,
        cycle::CycleStatus,
        roles::Role,
    },
    error::{AppError, AppResult, DomainError},
    services::award_history,
};
use entity::{activities, applications, assignments, awards, cycles, teams};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter};

pub fn not_found() -> AppError {
    DomainError::not_found("申报项目", "application").into()
}

/// R-AUTHZ: whether `caller` may see `app`: the admin all; the team its own; its unit and
/// district the applications of teams under them; an expert those assigned to them; finance
/// none (finance works from payouts).
pub async fn is_visible(
    db: &impl ConnectionTrait,
    caller: &Caller,
    app: &applications::Model,
) -> AppResult<bool> {
    Ok(match caller.role {
        Role::Admin => true,
        Role::Team => caller.team_id == Some(app.team_id),
        Role::Unit | Role::District => {
            let team = teams::Entity::find_by_id(app.team_id).one(db).await?;
            team.is_some_and(|t| caller.units_in_scope.contains(&t.unit_id))
        }
        Role::Expert => assignments::Entity::find()
            .filter(assignments::Column::ApplicationId.eq(app.id))
            .filter(assignments::Column::ExpertId.eq(caller.user_id))
            .one(db)
            .await?
            .is_some(),
        Role::Finance => false,
    })
}

/// An application the caller may see, or 404.
pub async fn find_visible(
    db: &impl ConnectionTrait,
    caller: &Caller,
    id: i32,
) -> AppResult<applications::Model> {
    let app = applications::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(not_found)?;
    if is_visible(db, caller, &app).await? {
        Ok(app)
    } else {
        Err(not_found())
    }
}

/// An application its own team may change: 404 outside the scope, 403 for other roles in
/// scope, 409 `application_not_editable` unless `draft` or `returned`.
pub async fn find_editable_by_owner(
    db: &impl ConnectionTrait,
    caller: &Caller,
    id: i32,
) -> AppResult<applications::Model> {
    let app = find_visible(db, caller, id).await?;
    caller.require(&[Role::Team])?;
    rules::transition(app.status, ApplicationAction::Edit)?;
    Ok(app)
}

/// R-EXCLUDE: a team that won any prize in the previous year — from this system's finalized
/// cycles or the imported award history — may not apply.
pub async fn won_previous_year(db: &impl ConnectionTrait, team_id: i32, year: i32) -> AppResult<bool> {
    let prev = year - 1;
    if award_history::won_in_year(db, team_id, prev).await? {
        return Ok(true);
    }
    let Some(prev_cycle) = cycles::Entity::find()
        .filter(cycles::Column::Year.eq(prev))
        .filter(cycles::Column::Status.eq(CycleStatus::Finalized))
        .one(db)
        .await?
    else {
        return Ok(false);
    };
    Ok(awards::Entity::find()
        .filter(awards::Column::CycleId.eq(prev_cycle.id))
        .filter(awards::Column::TeamId.eq(team_id))
        .count(db)
        .await?
        > 0)
}

/// R-SUBMIT: a counted activity belongs to the team, was registered before its start, has
/// been reported, and lies inside the cycle's activity period.
pub fn is_counted(a: &activities::Model, team_id: i32, cycle: &cycles::Model) -> bool {
    let day = cst_date(a.actual_start.unwrap_or(a.planned_start));
    a.team_id == team_id
        && a.status == ActivityStatus::Reported
        && a.registered_at < a.planned_start
        && cycle.activity_period_start <= day
        && day <= cycle.activity_period_end
}
