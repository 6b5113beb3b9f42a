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
use entity::{activities, applications, assignments, awards, cycles, teams, units};
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
/// been reported, and lies inside the cycle's activity period; a backfilled one (补录, issue
/// 18.1) also needs its scan attached and a cycle that counts backfilled activities.
pub fn is_counted(a: &activities::Model, team_id: i32, cycle: &cycles::Model) -> bool {
    why_not_counted(a, team_id, cycle).is_none()
}

/// Why an activity does not count for an application of `team_id` in `cycle` (R-SUBMIT), in
/// words for the team; `None` when it counts.
pub fn why_not_counted(a: &activities::Model, team_id: i32, cycle: &cycles::Model) -> Option<&'static str> {
    let day = cst_date(a.actual_start.unwrap_or(a.planned_start));
    if a.team_id != team_id {
        Some("不是本队的活动")
    } else if a.status == ActivityStatus::Cancelled {
        Some("活动已取消")
    } else if a.status != ActivityStatus::Reported {
        Some("活动尚未填报")
    } else if a.registered_at >= a.planned_start {
        Some("活动未在开始前登记")
    } else if a.backfilled && !cycle.count_backfilled {
        Some("本周期不计入补录的活动")
    } else if a.backfilled && a.backfill_scan_at.is_none() {
        Some("补录的活动尚未上传原始登记表或邮件的扫描件")
    } else if day < cycle.activity_period_start || cycle.activity_period_end < day {
        Some("不在本周期的活动统计期内")
    } else {
        None
    }
}

/// An application's team and the team's unit, in one query (the `teams → units` relation).
pub async fn team_and_unit(
    db: &impl ConnectionTrait,
    team_id: i32,
) -> AppResult<(teams::Model, units::Model)> {
    match teams::Entity::find_by_id(team_id)
        .find_also_related(units::Entity)
        .one(db)
        .await?
    {
        Some((team, Some(unit))) => Ok((team, unit)),
        Some((_, None)) => Err(AppError::internal("unit missing")),
        None => Err(AppError::internal("team missing")),
    }
}

/// Issue 18.3: the team as the application shows it: what it said at submission (the
/// snapshot), or the live team while it has never been submitted. Results, sheets, forms,
/// payouts and the published list all read the team through this.
pub fn shown_team(app: &applications::Model, live: &teams::Model) -> teams::Model {
    let mut t = live.clone();
    if let Some(v) = &app.snap_team_name {
        t.name.clone_from(v);
    }
    if let Some(v) = app.snap_founded_on {
        t.founded_on = v;
    }
    if let Some(v) = app.snap_volunteer_count {
        t.volunteer_count = v;
    }
    if let Some(v) = &app.snap_leader_name {
        t.leader_name.clone_from(v);
    }
    if let Some(v) = &app.snap_leader_mobile {
        t.leader_mobile.clone_from(v);
    }
    t
}

/// Issue 18.3: the unit's name as the application shows it (the snapshot once submitted).
pub fn shown_unit_name(app: &applications::Model, live: &str) -> String {
    app.snap_unit_name.clone().unwrap_or_else(|| live.to_owned())
}

/// Issue 18.3: the unit as the application shows it (its name from the snapshot).
pub fn shown_unit(app: &applications::Model, live: &units::Model) -> units::Model {
    let mut u = live.clone();
    u.name = shown_unit_name(app, &live.name);
    u
}

/// Issue 18.3: takes the snapshot on submission: the team's name, unit and district names,
/// founding date, volunteer count and leader, as they are now.
pub async fn take_snapshot(
    db: &impl ConnectionTrait,
    active: &mut applications::ActiveModel,
    team_id: i32,
) -> AppResult<()> {
    use sea_orm::Set;
    let (team, unit) = team_and_unit(db, team_id).await?;
    let district = match unit.parent_id {
        Some(p) => units::Entity::find_by_id(p).one(db).await?.map(|u| u.name),
        None => (unit.kind == crate::domain::roles::UnitKind::District).then(|| unit.name.clone()),
    };
    active.snap_team_name = Set(Some(team.name));
    active.snap_unit_name = Set(Some(unit.name));
    active.snap_district_name = Set(district);
    active.snap_founded_on = Set(Some(team.founded_on));
    active.snap_volunteer_count = Set(Some(team.volunteer_count));
    active.snap_leader_name = Set(Some(team.leader_name));
    active.snap_leader_mobile = Set(Some(team.leader_mobile));
    Ok(())
}
