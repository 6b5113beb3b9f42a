//! Submission (R-SUBMIT) and the previous-year exclusion (R-EXCLUDE).

use crate::{
    authz::Caller,
    domain::{
        activity::ActivityStatus,
        application::ApplicationStatus,
        cst_date,
        cycle::{CycleStatus, window_is_open},
    },
    error::{AppError, AppResult, DomainError},
    services::{applications::find_editable_by_owner, audit::Change, award_history, cycles},
    state::AppState,
};
use entity::{
    activities, application_activities, applications, attachments, awards, cycles as cycle_entity, teams,
};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QuerySelect,
    Set, TransactionTrait,
};

pub(crate) fn window_closed() -> DomainError {
    DomainError::unprocessable(
        "window_closed",
        "不在申报时间内",
        "the cycle is not open for applications at this time",
    )
}

/// R-EXCLUDE: a team that won any prize in the previous year — from this system's finalized
/// cycles or the imported award history — may not apply.
pub async fn won_previous_year(db: &impl ConnectionTrait, team_id: i32, year: i32) -> AppResult<bool> {
    let prev = year - 1;
    if award_history::won_in_year(db, team_id, prev).await? {
        return Ok(true);
    }
    let Some(prev_cycle) = cycle_entity::Entity::find()
        .filter(cycle_entity::Column::Year.eq(prev))
        .filter(cycle_entity::Column::Status.eq(CycleStatus::Finalized))
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

pub(crate) fn previous_year_awardee() -> DomainError {
    DomainError::unprocessable(
        "previous_year_awardee",
        "上一年度\"智惠行动\"获奖服务队不参加本年度评审",
        "a team that won a prize in the previous year may not apply",
    )
    .field("team_id")
}

/// One R-SUBMIT condition: what it asks, whether it holds, and the refusal submitting
/// gives while it does not (its `field` says where it is fixed).
#[derive(Debug, Clone)]
pub struct Check {
    pub label: &'static str,
    pub met: bool,
    pub error: DomainError,
}

/// R-SUBMIT and R-EXCLUDE, in the order [`submit`] checks them: inside the window, a team on
/// the platform, not a previous-year awardee, every required field, a `summary` and a
/// `photo`, at least one counted activity. The submit page shows this list; `submit`
/// refuses with the first unmet item's error.
pub async fn readiness(
    db: &impl ConnectionTrait,
    app: &applications::Model,
    cycle: &cycle_entity::Model,
    team: &teams::Model,
    now: chrono::DateTime<chrono::Utc>,
) -> AppResult<Vec<Check>> {
    let mut checks = Vec::with_capacity(7);
    let mut check = |label, met, error| checks.push(Check { label, met, error });
    check(
        "在申报时间内",
        window_is_open(
            cycle.status,
            cycle.applications_open_at,
            cycle.applications_close_at,
            now,
        ),
        window_closed(),
    );
    check(
        "服务队已在大美志愿平台注册（有平台注册号）",
        !team.platform_id.as_deref().is_none_or(|p| p.trim().is_empty()),
        DomainError::unprocessable(
            "team_not_on_platform",
            "服务队尚未在大美志愿平台注册，请先填写平台注册号",
            "the team has no 大美志愿 platform registration number yet",
        )
        .field("platform_id"),
    );
    check(
        "不是上一年度获奖服务队",
        !won_previous_year(db, team.id, cycle.year).await?,
        previous_year_awardee(),
    );
    let missing = [
        ("leader_name", &app.leader_name),
        ("leader_title", &app.leader_title),
        ("mobile", &app.mobile),
        ("overview", &app.overview),
        ("highlights", &app.highlights),
        ("benefits", &app.benefits),
    ]
    .into_iter()
    .find(|(_, value)| value.trim().is_empty());
    check(
        "申报书必填项已填写",
        missing.is_none(),
        DomainError::invalid(
            missing.map_or("overview", |(f, _)| f),
            "提交前请填写此项",
            "required before submitting",
        ),
    );
    let kinds: Vec<String> = attachments::Entity::find()
        .select_only()
        .column(attachments::Column::Kind)
        .filter(attachments::Column::ApplicationId.eq(app.id))
        .into_tuple()
        .all(db)
        .await?;
    for (kind, label) in [("summary", "已上传活动总结"), ("photo", "已上传活动图片")] {
        check(
            label,
            kinds.iter().any(|k| k == kind),
            DomainError::unprocessable(
                "missing_evidence",
                "至少需要一份活动总结和一张活动图片",
                "at least one `summary` and one `photo` attachment are required",
            )
            .field(format!("attachments.{kind}")),
        );
    }
    check(
        "至少一项可计入的活动",
        counted_activities(db, app, cycle).await? > 0,
        DomainError::unprocessable(
            "no_counted_activity",
            "没有可计入的活动：须为本队事先登记、已填报、且在活动统计期内的活动",
            "no counted activity: one registered before its start, reported, inside the activity period",
        )
        .field("activity_ids"),
    );
    Ok(checks)
}

/// R-SUBMIT: inside the window, a team on the platform, every required field, a `summary` and
/// a `photo`, at least one counted activity; R-EXCLUDE again.
pub async fn submit(state: &AppState, caller: &Caller, id: i32) -> AppResult<applications::Model> {
    let now = state.now();
    let txn = state.db.begin().await?;
    let before = find_editable_by_owner(&txn, caller, id).await?;
    let cycle = cycles::find(&txn, before.cycle_id).await?;
    let team = teams::Entity::find_by_id(before.team_id)
        .one(&txn)
        .await?
        .ok_or_else(|| AppError::internal("team missing"))?;
    if let Some(unmet) = readiness(&txn, &before, &cycle, &team, now)
        .await?
        .into_iter()
        .find(|c| !c.met)
    {
        return Err(unmet.error.into());
    }
    let mut active: applications::ActiveModel = before.clone().into();
    active.status = Set(ApplicationStatus::Submitted);
    active.submitted_at = Set(Some(now));
    active.updated_at = Set(now);
    let after = active.update(&txn).await?;
    Change::new("submit", "application", id)
        .before(&before)
        .after(&after)
        .record(&txn, &caller.into(), now)
        .await?;
    txn.commit().await?;
    Ok(after)
}

/// R-SUBMIT: a counted activity belongs to the team, was registered before its start, has
/// been reported, and lies inside the cycle's activity period.
pub fn is_counted(a: &activities::Model, team_id: i32, cycle: &cycle_entity::Model) -> bool {
    why_not_counted(a, team_id, cycle).is_none()
}

/// Why an activity does not count for an application of `team_id` in `cycle` (R-SUBMIT), in
/// words for the team; `None` when it counts.
pub fn why_not_counted(
    a: &activities::Model,
    team_id: i32,
    cycle: &cycle_entity::Model,
) -> Option<&'static str> {
    let day = cst_date(a.actual_start.unwrap_or(a.planned_start));
    if a.team_id != team_id {
        Some("不是本队的活动")
    } else if a.status == ActivityStatus::Cancelled {
        Some("活动已取消")
    } else if a.status != ActivityStatus::Reported {
        Some("活动尚未填报")
    } else if a.registered_at >= a.planned_start {
        Some("活动未在开始前登记")
    } else if day < cycle.activity_period_start || cycle.activity_period_end < day {
        Some("不在本周期的活动统计期内")
    } else {
        None
    }
}

async fn counted_activities(
    db: &impl ConnectionTrait,
    app: &applications::Model,
    cycle: &cycle_entity::Model,
) -> AppResult<usize> {
    let ids: Vec<i32> = application_activities::Entity::find()
        .select_only()
        .column(application_activities::Column::ActivityId)
        .filter(application_activities::Column::ApplicationId.eq(app.id))
        .into_tuple()
        .all(db)
        .await?;
    let acts = activities::Entity::find()
        .filter(activities::Column::Id.is_in(ids))
        .all(db)
        .await?;
    Ok(acts.iter().filter(|a| is_counted(a, app.team_id, cycle)).count())
}
