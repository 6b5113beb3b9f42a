//! Activity evidence through the year (issue 18.4): photos, videos, reports and scans of an
//! activity, with the same sniffing, limits and content-addressed storage as application
//! evidence (R-EVIDENCE). The owning team uploads; for a backfilled (补录) activity the admin
//! does too, and the first scan makes it count. Whoever may see the activity — or an
//! application that counts it (its assigned experts, issue 18.5) — lists and opens them.

use crate::{
    authz::Caller,
    domain::{
        application::{self as rules, ApplicationAction},
        roles::Role,
    },
    error::{AppError, AppResult, DomainError},
    services::{activities, application_lookup, attachments, audit::Change},
    state::AppState,
    storage::{FileType, Policy, Received, stored_name},
};
use entity::{activities as activity_entity, activity_attachments, application_activities, applications};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, ModelTrait, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect, Set, TransactionTrait,
};
use std::collections::HashMap;
use tokio::io::AsyncRead;
pub use vocab::ActivityFileKind;

fn not_found() -> AppError {
    DomainError::not_found("附件", "attachment").into()
}

/// At most this many files per activity.
const MAX_FILES: u64 = 40;

/// Whether the caller keeps this activity's files: its own team; the admin for a backfilled
/// one (issue 18.1).
pub fn keeps_files(caller: &Caller, a: &activity_entity::Model) -> bool {
    match caller.role {
        Role::Team => caller.team_id == Some(a.team_id),
        Role::Admin => a.backfilled,
        _ => false,
    }
}

/// The activity, if the caller may add files to it: its own team; the admin for a backfilled
/// one. 404 outside the scope, 403 for other roles in scope, 409 `activity_cancelled`.
async fn find_for_upload(
    db: &impl ConnectionTrait,
    caller: &Caller,
    id: i32,
) -> AppResult<activity_entity::Model> {
    let a = activities::find(db, caller, id).await?;
    if !keeps_files(caller, &a) {
        return Err(DomainError::forbidden().into());
    }
    if a.status == vocab::ActivityStatus::Cancelled {
        return Err(DomainError::conflict(
            "activity_cancelled",
            "活动已取消，不能再上传材料",
            "the activity is cancelled; no more files",
        )
        .into());
    }
    Ok(a)
}

/// Before the body is read.
pub async fn check_upload(state: &AppState, caller: &Caller, activity_id: i32) -> AppResult<()> {
    find_for_upload(&state.db, caller, activity_id).await.map(|_| ())
}

/// Streams a file part into storage under the kind's rules (415, 413 as it arrives).
pub async fn receive<R>(
    state: &AppState,
    reader: &mut R,
    kind: Option<ActivityFileKind>,
) -> AppResult<Received>
where
    R: AsyncRead + Unpin + ?Sized,
{
    attachments::receive(state, reader, kind.map(ActivityFileKind::evidence_kind)).await
}

/// Keeps a received file as evidence of the activity; a scan of a backfilled activity marks
/// it as documented (it counts from now on). Audited.
#[tracing::instrument(skip_all, fields(activity_id = activity_id, kind = kind.as_str()))]
pub async fn attach(
    state: &AppState,
    caller: &Caller,
    activity_id: i32,
    kind: ActivityFileKind,
    filename: &str,
    received: Received,
) -> AppResult<activity_attachments::Model> {
    Policy::for_kind(kind.evidence_kind(), &state.settings.upload_limits)
        .check(received.file_type(), received.size())?;
    let now = state.now();
    let row = activity_attachments::ActiveModel {
        activity_id: Set(activity_id),
        kind: Set(kind),
        filename: Set(stored_name(filename, received.file_type())),
        size: Set(i64::try_from(received.size()).map_err(AppError::internal)?),
        sha256: Set(received.sha256().to_owned()),
        content_type: Set(received.file_type().content_type().to_owned()),
        uploaded_by: Set(caller.user_id),
        created_at: Set(now),
        ..Default::default()
    };
    let sha256 = received.sha256().to_owned();
    // The content's guard is held from keeping the file until the row is committed (as for
    // application evidence): a deletion elsewhere cannot remove the file under the new reference.
    let result = async {
        let txn = state.db.begin().await?;
        attachments::guard_content(&txn, &sha256).await?;
        let activity = find_for_upload(&txn, caller, activity_id).await?;
        let count: Vec<i32> = activity_attachments::Entity::find()
            .select_only()
            .column(activity_attachments::Column::Id)
            .filter(activity_attachments::Column::ActivityId.eq(activity_id))
            .into_tuple()
            .all(&txn)
            .await?;
        if count.len() as u64 >= MAX_FILES {
            return Err(DomainError::unprocessable(
                "too_many_attachments",
                format!("每项活动最多{MAX_FILES}个附件"),
                format!("an activity holds at most {MAX_FILES} attachments"),
            )
            .field("file")
            .into());
        }
        state.storage.keep(received).await?;
        let model = row.insert(&txn).await?;
        if kind == ActivityFileKind::Scan && activity.backfilled && activity.backfill_scan_at.is_none() {
            let mut active: activity_entity::ActiveModel = activity.into();
            active.backfill_scan_at = Set(Some(now));
            active.update(&txn).await?;
        }
        Change::new("upload", "activity_attachment", model.id)
            .after(&model)
            .record(&txn, &caller.into(), now)
            .await?;
        txn.commit().await?;
        AppResult::Ok(model)
    }
    .await;
    if result.is_err() {
        // Nothing may refer to the content we just kept: do not leave it behind.
        let _ = attachments::remove_if_unreferenced(state, &sha256).await;
    }
    result
}

/// Whether the caller may see the activity: in its scope, or through an application that
/// lists it and that the caller may see (an assigned expert, issue 18.5).
async fn visible(db: &impl ConnectionTrait, caller: &Caller, activity_id: i32) -> AppResult<bool> {
    if activities::find(db, caller, activity_id).await.is_ok() {
        return Ok(true);
    }
    let app_ids: Vec<i32> = application_activities::Entity::find()
        .select_only()
        .column(application_activities::Column::ApplicationId)
        .filter(application_activities::Column::ActivityId.eq(activity_id))
        .into_tuple()
        .all(db)
        .await?;
    for id in app_ids {
        if application_lookup::find_visible(db, caller, id).await.is_ok() {
            return Ok(true);
        }
    }
    Ok(false)
}

/// An activity's files, for whoever may see it (404 otherwise).
pub async fn list(
    state: &AppState,
    caller: &Caller,
    activity_id: i32,
) -> AppResult<Vec<activity_attachments::Model>> {
    if !visible(&state.read, caller, activity_id).await? {
        return Err(DomainError::not_found("活动", "activity").into());
    }
    Ok(of_activities(&state.read, &[activity_id])
        .await?
        .remove(&activity_id)
        .unwrap_or_default())
}

/// The files of these activities (already read by the caller), by activity, oldest first.
pub async fn of_activities(
    db: &impl ConnectionTrait,
    ids: &[i32],
) -> AppResult<HashMap<i32, Vec<activity_attachments::Model>>> {
    let mut map: HashMap<i32, Vec<activity_attachments::Model>> = HashMap::new();
    for f in activity_attachments::Entity::find()
        .filter(activity_attachments::Column::ActivityId.is_in(ids.to_vec()))
        .order_by_asc(activity_attachments::Column::Id)
        .all(db)
        .await?
    {
        map.entry(f.activity_id).or_default().push(f);
    }
    Ok(map)
}

/// An activity's file, for whoever may see the activity (404 otherwise).
pub async fn find(state: &AppState, caller: &Caller, id: i32) -> AppResult<activity_attachments::Model> {
    let a = activity_attachments::Entity::find_by_id(id)
        .one(&state.read)
        .await?
        .ok_or_else(not_found)?;
    if !visible(&state.read, caller, a.activity_id).await? {
        return Err(not_found());
    }
    Ok(a)
}

/// The stored bytes of an activity's file, for whoever may see the activity.
pub async fn open(
    state: &AppState,
    caller: &Caller,
    id: i32,
) -> AppResult<(activity_attachments::Model, tokio::fs::File, u64)> {
    let mut a = find(state, caller, id).await?;
    let (file, len) = state.storage.open(&a.sha256).await?;
    if let Some(t) = FileType::from_content_type(&a.content_type) {
        a.filename = stored_name(&a.filename, t);
    }
    Ok((a, file, len))
}

/// Issue 18.4: whether an application that has left the team's hands (submitted or past it;
/// not a draft, not returned for revision) lists the activity. Its unit chain, its experts
/// and the results rely on the activity's files from then on, so none may be removed.
pub async fn relied_on(db: &impl ConnectionTrait, activity_id: i32) -> AppResult<bool> {
    let statuses: Vec<vocab::ApplicationStatus> = application_activities::Entity::find()
        .select_only()
        .column(applications::Column::Status)
        .inner_join(applications::Entity)
        .filter(application_activities::Column::ActivityId.eq(activity_id))
        .into_tuple()
        .all(db)
        .await?;
    Ok(statuses
        .into_iter()
        .any(|s| rules::transition(s, ApplicationAction::Edit).is_err()))
}

fn relied_on_error() -> AppError {
    DomainError::conflict(
        "activity_files_relied_on",
        "该活动已计入已提交的申报，评审专家和审核单位依据其材料，不能再删除",
        "a submitted application counts this activity; its reviewers rely on its files, which can no longer be deleted",
    )
    .into()
}

/// Removes a file of an activity (issue 18.4): whoever may add files to it (its team; the
/// admin for a 补录), as long as no submitted application counts the activity (409
/// `activity_files_relied_on`). Removing the last scan of a 补录 makes it uncounted again.
/// Audited; the stored content goes only when nothing else refers to it, under its guard.
#[tracing::instrument(skip_all, fields(id = id))]
pub async fn delete(state: &AppState, caller: &Caller, id: i32) -> AppResult<activity_attachments::Model> {
    let now = state.now();
    let txn = state.db.begin().await?;
    let file = activity_attachments::Entity::find_by_id(id)
        .one(&txn)
        .await?
        .ok_or_else(not_found)?;
    // Another party's file is 404, like its activity.
    let activity = activities::find(&txn, caller, file.activity_id).await?;
    if !keeps_files(caller, &activity) {
        return Err(DomainError::forbidden().into());
    }
    if relied_on(&txn, activity.id).await? {
        return Err(relied_on_error());
    }
    file.clone().delete(&txn).await?;
    if file.kind == ActivityFileKind::Scan && activity.backfill_scan_at.is_some() {
        let scans_left = activity_attachments::Entity::find()
            .filter(activity_attachments::Column::ActivityId.eq(activity.id))
            .filter(activity_attachments::Column::Kind.eq(ActivityFileKind::Scan))
            .count(&txn)
            .await?;
        if scans_left == 0 {
            let mut active: activity_entity::ActiveModel = activity.into();
            active.backfill_scan_at = Set(None);
            active.update(&txn).await?;
        }
    }
    Change::new("delete", "activity_attachment", id)
        .before(&file)
        .record(&txn, &caller.into(), now)
        .await?;
    txn.commit().await?;
    // The row is gone; the content goes once nothing refers to it (checked under its guard).
    // A file left behind only costs disk space.
    if let Err(e) = attachments::remove_if_unreferenced(state, &file.sha256).await {
        tracing::warn!(error = %e, sha256 = %file.sha256, "stored file not removed");
    }
    Ok(file)
}
