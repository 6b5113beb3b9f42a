//! Publicity (公示) and objections (异议): publishing with an end time, objections lodged by
//! anyone during the period, and the admin's resolution (an upheld one changes the award and
//! redoes the ranking).

use super::{gate, ranking};
use crate::domain::cycle::CycleAction;
use crate::{
    authz::Caller,
    domain::{
        cycle::CycleStatus,
        mobile::Mobile,
        publicity::{
            AwardOverride, Decision, ObjectionStatus, check_objection_window, check_publicity_end,
            check_resolution,
        },
        roles::Role,
        text,
    },
    error::{AppError, AppResult, DomainError},
    services::audit::{Actor, Change},
    state::AppState,
};
use chrono::{DateTime, Utc};
use entity::{applications, cycles, objections, results};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, Set,
    TransactionTrait,
};

/// Publishes the ranking until `ends_at` (in the future): `ranked → published`.
#[tracing::instrument(skip_all, fields(cycle_id))]
pub async fn publish(
    state: &AppState,
    caller: &Caller,
    cycle_id: i32,
    ends_at: DateTime<Utc>,
) -> AppResult<cycles::Model> {
    caller.require(&[Role::Admin])?;
    let now = state.now();
    check_publicity_end(ends_at, now)?;
    let txn = state.db.begin().await?;
    let before = gate::find_cycle(&txn, cycle_id).await?;
    gate::transition(&txn, cycle_id, CycleAction::Publish).await?;
    let mut active: cycles::ActiveModel = before.clone().into();
    active.status = Set(CycleStatus::Published);
    active.published_at = Set(Some(now));
    active.publicity_ends_at = Set(Some(ends_at));
    active.updated_at = Set(now);
    let after = active.update(&txn).await?;
    Change::new("publish", "cycle", cycle_id)
        .before(&before)
        .after(&after)
        .record(&txn, &caller.into(), now)
        .await?;
    txn.commit().await?;
    Ok(after)
}

fn duplicate_objection() -> DomainError {
    DomainError::conflict(
        "duplicate_objection",
        "您对该项目的异议正在处理中，请勿重复提交",
        "an objection from this mobile about this application is already open",
    )
    .field("contact_phone")
}

pub struct NewObjection {
    pub application_id: i32,
    pub reason: String,
    pub contact_name: String,
    pub contact_phone: String,
}

/// Anyone may object during publicity (409 `publicity_over` after it, `cycle_state` before
/// it); the contact phone must be a mobile (R-MOBILE).
#[tracing::instrument(skip_all, fields(cycle_id))]
pub async fn lodge(state: &AppState, cycle_id: i32, new: NewObjection) -> AppResult<objections::Model> {
    let now = state.now();
    let reason = text::required_multiline("reason", &new.reason, 2000)?;
    let contact_name = text::required("contact_name", &new.contact_name, 50)?;
    let phone = Mobile::parse("contact_phone", &new.contact_phone)?;
    let txn = state.db.begin().await?;
    let cycle = gate::find_cycle(&txn, cycle_id).await?;
    check_objection_window(cycle.status, cycle.publicity_ends_at, now)?;
    let ranked = results::Entity::find()
        .filter(results::Column::CycleId.eq(cycle_id))
        .filter(results::Column::ApplicationId.eq(new.application_id))
        .count(&txn)
        .await?
        > 0;
    if !ranked {
        return Err(DomainError::invalid(
            "application_id",
            "该申报项目不在本周期的公示结果中",
            "that application is not among this cycle's published results",
        )
        .into());
    }
    // One open objection per application and mobile (issue 20.3); the partial unique index
    // settles a race between two identical submissions.
    let open_already = objections::Entity::find()
        .filter(objections::Column::ApplicationId.eq(new.application_id))
        .filter(objections::Column::ContactPhone.eq(phone.as_str()))
        .filter(objections::Column::Status.eq(ObjectionStatus::Open))
        .count(&txn)
        .await?
        > 0;
    if open_already {
        return Err(duplicate_objection().into());
    }
    let model = objections::ActiveModel {
        cycle_id: Set(cycle_id),
        application_id: Set(new.application_id),
        reason: Set(reason),
        contact_name: Set(contact_name),
        contact_phone: Set(phone.into_inner()),
        status: Set(ObjectionStatus::Open),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await
    .map_err(|e| AppError::unique_as(e, duplicate_objection))?;
    Change::new("lodge", "objection", model.id)
        .after(&model)
        .record(&txn, &Actor::public(), now)
        .await?;
    txn.commit().await?;
    Ok(model)
}

/// The objections of a cycle (admin), oldest first.
pub async fn list(
    state: &AppState,
    caller: &Caller,
    cycle_id: i32,
    status: Option<ObjectionStatus>,
    offset: u64,
    limit: u64,
) -> AppResult<(Vec<objections::Model>, u64)> {
    caller.require(&[Role::Admin])?;
    gate::find_cycle(&state.db, cycle_id).await?;
    let mut q = objections::Entity::find()
        .filter(objections::Column::CycleId.eq(cycle_id))
        .order_by_asc(objections::Column::Id);
    if let Some(s) = status {
        q = q.filter(objections::Column::Status.eq(s));
    }
    let total = q.clone().count(&state.db).await?;
    Ok((q.offset(offset).limit(limit).all(&state.db).await?, total))
}

/// Resolves an open objection (409 `objection_resolved` otherwise). Upheld: the application's
/// award is fixed to `new_tier` and the ranking is redone.
#[tracing::instrument(skip_all, fields(objection_id = id))]
pub async fn resolve(
    state: &AppState,
    caller: &Caller,
    id: i32,
    decision: Decision,
    note: &str,
    new_tier: Option<AwardOverride>,
) -> AppResult<objections::Model> {
    caller.require(&[Role::Admin])?;
    let now = state.now();
    let txn = state.db.begin().await?;
    let find = || async {
        objections::Entity::find_by_id(id)
            .one(&txn)
            .await?
            .ok_or_else(|| AppError::from(DomainError::not_found("异议", "objection")))
    };
    let cycle_id = find().await?.cycle_id;
    gate::transition(&txn, cycle_id, CycleAction::ResolveObjection).await?;
    // Read again under the cycle's row lock: two concurrent resolutions cannot both see it open.
    let before = find().await?;
    if before.status != ObjectionStatus::Open {
        return Err(DomainError::conflict(
            "objection_resolved",
            "该异议已处理",
            "the objection has already been resolved",
        )
        .into());
    }
    check_resolution(decision, new_tier)?;
    let note = text::required_multiline("note", note, 2000)?;

    let mut active: objections::ActiveModel = before.clone().into();
    active.status = Set(decision.status());
    active.note = Set(Some(note));
    active.new_tier = Set(new_tier);
    active.resolved_at = Set(Some(now));
    active.resolved_by = Set(Some(caller.user_id));
    let after = active.update(&txn).await?;
    Change::new("resolve", "objection", id)
        .before(&before)
        .after(&after)
        .record(&txn, &caller.into(), now)
        .await?;

    if let Some(tier) = new_tier {
        override_award(
            &txn,
            caller,
            before.cycle_id,
            before.application_id,
            tier,
            &[id],
            now,
        )
        .await?;
    }
    txn.commit().await?;
    Ok(after)
}

/// An upheld objection fixes the application's award and redoes the ranking (both audited);
/// `objection_ids` are the objections that led to it.
pub(super) async fn override_award(
    txn: &impl sea_orm::ConnectionTrait,
    caller: &Caller,
    cycle_id: i32,
    application_id: i32,
    tier: AwardOverride,
    objection_ids: &[i32],
    now: DateTime<Utc>,
) -> AppResult<()> {
    let app = applications::Entity::find_by_id(application_id)
        .one(txn)
        .await?
        .ok_or_else(|| DomainError::not_found("申报项目", "application"))?;
    let mut app_active: applications::ActiveModel = app.clone().into();
    app_active.tier_override = Set(Some(tier));
    app_active.updated_at = Set(now);
    let app_after = app_active.update(txn).await?;
    Change::new("override_award", "application", app.id)
        .before(&app)
        .after(&app_after)
        .record(txn, &caller.into(), now)
        .await?;
    let cycle = gate::find_cycle(txn, cycle_id).await?;
    let old = ranking::stored(txn, cycle.id).await?;
    let new = ranking::recompute(txn, &cycle, now).await?;
    let objection = match objection_ids {
        [one] => serde_json::json!({"results": new, "objection_id": one}),
        many => serde_json::json!({"results": new, "objection_ids": many}),
    };
    Change::new("rerank", "cycle", cycle.id)
        .before(&serde_json::json!({"results": old}))
        .after(&objection)
        .record(txn, &caller.into(), now)
        .await?;
    Ok(())
}
