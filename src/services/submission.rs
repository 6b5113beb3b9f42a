//! Submission (R-SUBMIT) and the previous-year exclusion (R-EXCLUDE).

use crate::{
    authz::Caller,
    domain::{
        application::{self, ApplicationAction},
        cycle::window_is_open,
    },
    error::{AppError, AppResult, DomainError},
    services::{
        application_lookup::{find_editable_by_owner, is_counted, take_snapshot, won_previous_year},
        audit::Change,
        cycles,
    },
    state::AppState,
    storage::EvidenceKind,
};
use entity::{activities, application_activities, applications, attachments, cycles as cycle_entity, teams};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect, Set,
    TransactionTrait,
};

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
        application::window_closed(),
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
        application::previous_year_awardee(),
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
    let kinds: Vec<EvidenceKind> = attachments::Entity::find()
        .select_only()
        .column(attachments::Column::Kind)
        .filter(attachments::Column::ApplicationId.eq(app.id))
        .into_tuple()
        .all(db)
        .await?;
    for (kind, label) in [
        (EvidenceKind::Summary, "已上传活动总结"),
        (EvidenceKind::Photo, "已上传活动图片"),
    ] {
        check(
            label,
            kinds.contains(&kind),
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
    active.status = Set(application::transition(before.status, ApplicationAction::Submit)?);
    active.submitted_at = Set(Some(now));
    take_snapshot(&txn, &mut active, before.team_id).await?;
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
