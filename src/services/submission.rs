//! Submission (R-SUBMIT) and the previous-year exclusion (R-EXCLUDE).

use crate::{
    authz::Caller,
    domain::{
        application::{self, ApplicationAction},
        cycle::window_is_open,
    },
    error::{AppError, AppResult, DomainError},
    services::{
        application_lookup::{find_editable_by_owner, is_counted, won_previous_year},
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

/// R-SUBMIT: inside the window, a team on the platform, every required field, a `summary` and
/// a `photo`, at least one counted activity; R-EXCLUDE again.
pub async fn submit(state: &AppState, caller: &Caller, id: i32) -> AppResult<applications::Model> {
    let now = state.now();
    let txn = state.db.begin().await?;
    let before = find_editable_by_owner(&txn, caller, id).await?;
    let cycle = cycles::find(&txn, before.cycle_id).await?;
    if !window_is_open(
        cycle.status,
        cycle.applications_open_at,
        cycle.applications_close_at,
        now,
    ) {
        return Err(application::window_closed().into());
    }
    let team = teams::Entity::find_by_id(before.team_id)
        .one(&txn)
        .await?
        .ok_or_else(|| AppError::internal("team missing"))?;
    if team.platform_id.as_deref().is_none_or(|p| p.trim().is_empty()) {
        return Err(DomainError::unprocessable(
            "team_not_on_platform",
            "服务队尚未在大美志愿平台注册，请先填写平台注册号",
            "the team has no 大美志愿 platform registration number yet",
        )
        .field("platform_id")
        .into());
    }
    if won_previous_year(&txn, team.id, cycle.year).await? {
        return Err(application::previous_year_awardee().into());
    }
    for (field, value) in [
        ("leader_name", &before.leader_name),
        ("leader_title", &before.leader_title),
        ("mobile", &before.mobile),
        ("overview", &before.overview),
        ("highlights", &before.highlights),
        ("benefits", &before.benefits),
    ] {
        if value.trim().is_empty() {
            return Err(DomainError::invalid(field, "提交前请填写此项", "required before submitting").into());
        }
    }
    let kinds: Vec<EvidenceKind> = attachments::Entity::find()
        .select_only()
        .column(attachments::Column::Kind)
        .filter(attachments::Column::ApplicationId.eq(id))
        .into_tuple()
        .all(&txn)
        .await?;
    for kind in [EvidenceKind::Summary, EvidenceKind::Photo] {
        if !kinds.contains(&kind) {
            return Err(DomainError::unprocessable(
                "missing_evidence",
                "至少需要一份活动总结和一张活动图片",
                "at least one `summary` and one `photo` attachment are required",
            )
            .field(format!("attachments.{kind}"))
            .into());
        }
    }
    if counted_activities(&txn, &before, &cycle).await? == 0 {
        return Err(DomainError::unprocessable(
            "no_counted_activity",
            "没有可计入的活动：须为本队事先登记、已填报、且在活动统计期内的活动",
            "no counted activity: one registered before its start, reported, inside the activity period",
        )
        .field("activity_ids")
        .into());
    }
    let mut active: applications::ActiveModel = before.clone().into();
    active.status = Set(application::transition(before.status, ApplicationAction::Submit)?);
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
