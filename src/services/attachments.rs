//! Evidence attachments of an application (R-EVIDENCE): upload, list, download and delete,
//! authorised like the application itself (R-AUTHZ).
//!
//! An upload streams to the storage folder before any transaction opens (the SQLite pool has
//! one connection, which a 200 MiB upload must not hold); one transaction then re-checks the
//! application, inserts the row and writes the audit entry.

use crate::{
    authz::Caller,
    error::{AppError, AppResult, DomainError},
    services::{application_lookup, audit::Change},
    state::AppState,
    storage::{EvidenceKind, FileType, Policy, Received, stored_name},
};
use entity::{applications, attachments};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, ModelTrait, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect, Set, TransactionTrait,
};
use tokio::io::AsyncRead;

fn not_found() -> AppError {
    DomainError::not_found("附件", "attachment").into()
}

/// Before the body is read: only the owning team, while the application is editable
/// (404 outside the scope, 403 for other roles, 409 `application_not_editable`).
pub async fn check_upload(state: &AppState, caller: &Caller, application_id: i32) -> AppResult<()> {
    application_lookup::find_editable_by_owner(&state.db, caller, application_id).await?;
    Ok(())
}

/// Streams a file part into the storage folder: 415 as soon as its first bytes are not a type
/// of `kind`, 413 as soon as it passes the limit. Without a kind yet (the file part came
/// first), any stored type up to the largest limit; [`attach`] applies the kind's rules.
pub async fn receive<R>(state: &AppState, reader: &mut R, kind: Option<EvidenceKind>) -> AppResult<Received>
where
    R: AsyncRead + Unpin + ?Sized,
{
    let limits = &state.settings.upload_limits;
    let policy = kind.map_or_else(|| Policy::any(limits), |k| Policy::for_kind(k, limits));
    state.storage.receive(reader, policy).await
}

/// At most `attachments_per_application` files and `attachment_bytes_per_application` bytes
/// per application (issue 20.5): 422 `too_many_attachments` otherwise. Checked inside the
/// insert's transaction.
async fn check_room(
    db: &impl ConnectionTrait,
    settings: &crate::config::Settings,
    application_id: i32,
    size: u64,
) -> AppResult<()> {
    let rows: Vec<i64> = attachments::Entity::find()
        .select_only()
        .column(attachments::Column::Size)
        .filter(attachments::Column::ApplicationId.eq(application_id))
        .into_tuple()
        .all(db)
        .await?;
    let bytes: u64 = rows.iter().map(|s| u64::try_from(*s).unwrap_or_default()).sum();
    let max_count = settings.attachments_per_application;
    let max_bytes = settings.attachment_bytes_per_application;
    if rows.len() as u64 >= u64::from(max_count) || bytes.saturating_add(size) > max_bytes {
        return Err(DomainError::unprocessable(
            "too_many_attachments",
            format!(
                "每个申报项目最多{max_count}个附件、共{} MiB，请先删除不需要的附件",
                max_bytes / (1024 * 1024)
            ),
            format!(
                "an application holds at most {max_count} attachments and {} MiB in all",
                max_bytes / (1024 * 1024)
            ),
        )
        .field("file")
        .into());
    }
    Ok(())
}

/// Keeps a received file and records it as evidence of the application.
#[tracing::instrument(skip_all, fields(application_id = application_id, kind = kind.as_str()))]
pub async fn attach(
    state: &AppState,
    caller: &Caller,
    application_id: i32,
    kind: EvidenceKind,
    filename: &str,
    received: Received,
) -> AppResult<attachments::Model> {
    Policy::for_kind(kind, &state.settings.upload_limits).check(received.file_type(), received.size())?;
    let now = state.now();
    let row = attachments::ActiveModel {
        application_id: Set(application_id),
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
    let row_size = received.size();
    // The content's guard (issue 12.3, in the database so that every instance respects it) is
    // held from keeping the file until the row is committed: a deletion elsewhere cannot remove
    // the file under the new reference.
    let result = async {
        let txn = state.db.begin().await?;
        guard_content(&txn, &sha256).await?;
        application_lookup::find_editable_by_owner(&txn, caller, application_id).await?;
        check_room(&txn, &state.settings, application_id, row_size).await?;
        state.storage.keep(received).await?;
        let model = row.insert(&txn).await?;
        Change::new("upload", "attachment", model.id)
            .after(&model)
            .record(&txn, &caller.into(), now)
            .await?;
        txn.commit().await?;
        AppResult::Ok(model)
    }
    .await;
    if result.is_err() {
        // Nothing may refer to the content we just kept: do not leave it behind.
        let _ = remove_if_unreferenced(state, &sha256).await;
    }
    result
}

/// Serialises, per content hash and across instances, "keep a file and reference it" against
/// "find it unreferenced and remove it" (issue 12.3): a transaction-scoped advisory lock on
/// PostgreSQL. SQLite has one writer connection, so a transaction there is exclusive already.
pub(crate) async fn guard_content(txn: &impl ConnectionTrait, sha256: &str) -> AppResult<()> {
    if txn.get_database_backend() == sea_orm::DatabaseBackend::Postgres {
        txn.execute_raw(sea_orm::Statement::from_sql_and_values(
            sea_orm::DatabaseBackend::Postgres,
            "SELECT pg_advisory_xact_lock(hashtextextended($1, 12))",
            [format!("storage:{sha256}").into()],
        ))
        .await?;
    }
    Ok(())
}

/// Removes the stored content when no attachment refers to it, under the content's guard.
pub(crate) async fn remove_if_unreferenced(state: &AppState, sha256: &str) -> AppResult<()> {
    let txn = state.db.begin().await?;
    guard_content(&txn, sha256).await?;
    if references(&txn, sha256).await? == 0 {
        state.storage.remove(sha256).await?;
    }
    txn.commit().await?;
    Ok(())
}

/// How many rows — application evidence, activity files (issue 18.4), recommendation photos
/// and materials (issue 13) — refer to this content; a stored file is removed only when none
/// does.
pub(crate) async fn references(db: &impl ConnectionTrait, sha256: &str) -> AppResult<u64> {
    let evidence = attachments::Entity::find()
        .filter(attachments::Column::Sha256.eq(sha256))
        .count(db)
        .await?;
    let activity_files = entity::activity_attachments::Entity::find()
        .filter(entity::activity_attachments::Column::Sha256.eq(sha256))
        .count(db)
        .await?;
    let photos = entity::recommendation_photos::Entity::find()
        .filter(entity::recommendation_photos::Column::Sha256.eq(sha256))
        .count(db)
        .await?;
    let materials = entity::recommendation_materials::Entity::find()
        .filter(entity::recommendation_materials::Column::Sha256.eq(sha256))
        .count(db)
        .await?;
    Ok(evidence + activity_files + photos + materials)
}

/// The evidence of an application the caller may see.
pub async fn list(
    state: &AppState,
    caller: &Caller,
    application_id: i32,
) -> AppResult<Vec<attachments::Model>> {
    application_lookup::find_visible(&state.db, caller, application_id).await?;
    Ok(attachments::Entity::find()
        .filter(attachments::Column::ApplicationId.eq(application_id))
        .order_by_asc(attachments::Column::Id)
        .all(&state.db)
        .await?)
}

/// The attachments of an application the caller has already read through
/// `application_lookup::find_visible` (a page showing the application and its evidence).
pub async fn list_of_visible(
    state: &AppState,
    app: &applications::Model,
) -> AppResult<Vec<attachments::Model>> {
    Ok(attachments::Entity::find()
        .filter(attachments::Column::ApplicationId.eq(app.id))
        .order_by_asc(attachments::Column::Id)
        .all(&state.read)
        .await?)
}

/// An attachment whose application the caller may see, or 404.
async fn find_visible(db: &impl ConnectionTrait, caller: &Caller, id: i32) -> AppResult<attachments::Model> {
    let a = attachments::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(not_found)?;
    application_lookup::find_visible(db, caller, a.application_id)
        .await
        .map_err(|_| not_found())?;
    Ok(a)
}

/// The stored bytes of an attachment: its row, the open file and its length.
pub async fn open(
    state: &AppState,
    caller: &Caller,
    id: i32,
) -> AppResult<(attachments::Model, tokio::fs::File, u64)> {
    let mut a = find_visible(&state.db, caller, id).await?;
    let (file, len) = state.storage.open(&a.sha256).await?;
    // Rows stored before names followed their content still download under the right type.
    if let Some(t) = FileType::from_content_type(&a.content_type) {
        a.filename = stored_name(&a.filename, t);
    }
    Ok((a, file, len))
}

/// Removes an attachment (owner, while the application is editable); its file goes too
/// unless another attachment has the same content.
#[tracing::instrument(skip_all, fields(id = id))]
pub async fn delete(state: &AppState, caller: &Caller, id: i32) -> AppResult<()> {
    let now = state.now();
    let txn = state.db.begin().await?;
    let a = find_visible(&txn, caller, id).await?;
    application_lookup::find_editable_by_owner(&txn, caller, a.application_id).await?;
    a.clone().delete(&txn).await?;
    let remaining = references(&txn, &a.sha256).await?;
    Change::new("delete", "attachment", id)
        .before(&a)
        .record(&txn, &caller.into(), now)
        .await?;
    txn.commit().await?;
    if remaining == 0 {
        // The row is gone; a file left behind only costs disk space.
        if let Err(e) = remove_if_unreferenced(state, &a.sha256).await {
            tracing::warn!(error = %e, sha256 = %a.sha256, "stored file not removed");
        }
    }
    Ok(())
}
