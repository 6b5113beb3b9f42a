//! Candidates' photos (issue 13, 002): JPEG by content, each 1–3 MB, at most 3 per candidate,
//! kept in the content-addressed storage like evidence.

use super::candidates::{self, photo_count};
use crate::{
    authz::Caller,
    domain::recommendation::{self as rec, PHOTO_MAX_BYTES, PHOTOS_MAX, RoundStatus},
    error::{AppResult, DomainError},
    services::audit::Change,
    state::AppState,
    storage::{FileType, Policy, Received},
};
use entity::recommendation_photos as photos;
use sea_orm::{ActiveModelTrait, EntityTrait, Set, TransactionTrait};

/// Before reading the file: the candidate is the caller's and the round collects.
pub async fn check_upload(state: &AppState, caller: &Caller, round_id: i32, id: i32) -> AppResult<()> {
    caller.require(super::ROLES)?;
    let (round, _) = candidates::find(&state.db, caller, round_id, id).await?;
    if round.status != RoundStatus::Collecting {
        return Err(rec::round_state(
            "只有征集中的推荐工作可以上传照片",
            "photos are uploaded while the round collects",
        )
        .into());
    }
    Ok(())
}

/// How a photo is streamed in: 415 unless its first bytes are a JPEG, 413 past 3 MiB.
pub fn policy() -> Policy<'static> {
    Policy {
        allowed: &[FileType::Jpeg],
        max_bytes: PHOTO_MAX_BYTES,
    }
}

/// Keeps a received photo for the candidate: 422 `photo_too_small` under 1 MiB, 422
/// `too_many_photos` beyond 3.
#[tracing::instrument(skip_all, fields(round_id = round_id, candidate_id = id))]
pub async fn attach(
    state: &AppState,
    caller: &Caller,
    round_id: i32,
    id: i32,
    received: Received,
) -> AppResult<photos::Model> {
    rec::check_photo_size(received.size())?;
    let now = state.now();
    let sha256 = received.sha256().to_owned();
    let size = i64::try_from(received.size()).unwrap_or(i64::MAX);
    // The content's guard is held from keeping the file until the row is committed (as for
    // evidence): a deletion elsewhere cannot remove the file under the new reference.
    let result = async {
        let txn = state.db.begin().await?;
        crate::services::attachments::guard_content(&txn, &sha256).await?;
        let (round, c) = candidates::find(&txn, caller, round_id, id).await?;
        if round.status != RoundStatus::Collecting {
            return Err(rec::round_state(
                "只有征集中的推荐工作可以上传照片",
                "photos are uploaded while the round collects",
            )
            .into());
        }
        if photo_count(&txn, c.id).await? >= PHOTOS_MAX as u64 {
            return Err(DomainError::unprocessable(
                "too_many_photos",
                format!("每个推荐对象最多{PHOTOS_MAX}张照片"),
                format!("at most {PHOTOS_MAX} photos per candidate"),
            )
            .field("file")
            .into());
        }
        state.storage.keep(received).await?;
        let p = photos::ActiveModel {
            candidate_id: Set(c.id),
            sha256: Set(sha256.clone()),
            size: Set(size),
            uploaded_by: Set(caller.user_id),
            created_at: Set(now),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
        Change::new("upload_photo", "recommendation_candidate", c.id)
            .after(&p)
            .record(&txn, &caller.into(), now)
            .await?;
        txn.commit().await?;
        Ok(p)
    }
    .await;
    if result.is_err() {
        // Nothing may refer to the content we just kept: do not leave it behind.
        let _ = crate::services::attachments::remove_if_unreferenced(state, &sha256).await;
    }
    result
}

/// One photo's stored bytes, for whoever may see the candidate (404 otherwise).
pub async fn open(
    state: &AppState,
    caller: &Caller,
    round_id: i32,
    candidate_id: i32,
    id: i32,
) -> AppResult<(photos::Model, tokio::fs::File, u64)> {
    let (_, c) = candidates::find(&state.db, caller, round_id, candidate_id).await?;
    let p = photos::Entity::find_by_id(id)
        .one(&state.db)
        .await?
        .filter(|p| p.candidate_id == c.id)
        .ok_or_else(|| crate::error::AppError::from(DomainError::not_found("照片", "photo")))?;
    let (file, len) = state.storage.open(&p.sha256).await?;
    Ok((p, file, len))
}
