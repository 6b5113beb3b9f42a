//! A candidate's materials besides the form and the photos (issue 13): the stamped PDF scan of
//! the form (001: "WORD版及盖章扫描PDF版") and the optional video (002: "还可提交展示先进事迹的
//! 宣传视频材料"). Checked by content as evidence is, within the evidence limits (a document's,
//! a video's); one of each per candidate, a new upload replacing the old one. Kept in the
//! content-addressed storage under the same deletion guard.

use super::candidates;
use crate::{
    authz::Caller,
    domain::{
        recommendation::{self as rec, MaterialKind, RoundStatus},
        roles::Role,
    },
    error::{AppError, AppResult, DomainError},
    services::{
        attachments::{guard_content, remove_if_unreferenced},
        audit::Change,
    },
    state::AppState,
    storage::{FileType, Policy, Received},
};
use entity::{recommendation_materials as materials, recommendation_rounds as rounds};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, ModelTrait, QueryFilter, Set, TransactionTrait};
use tokio::io::AsyncRead;

/// The stored types of a kind: a scan is a PDF, a video an mp4 or a mov.
pub fn allowed(kind: MaterialKind) -> &'static [FileType] {
    match kind {
        MaterialKind::Scan => &[FileType::Pdf],
        MaterialKind::Video => &[FileType::Mp4, FileType::Mov],
    }
}

/// The kind's type and size rules: the evidence limits of a document and of a video.
pub fn policy(state: &AppState, kind: MaterialKind) -> Policy<'static> {
    let limits = &state.settings.upload_limits;
    Policy {
        allowed: allowed(kind),
        max_bytes: match kind {
            MaterialKind::Scan => limits.document,
            MaterialKind::Video => limits.video,
        },
    }
}

fn not_found() -> AppError {
    DomainError::not_found("推荐材料", "recommendation material").into()
}

/// The nominator uploads while the round collects; the admin also once it is decided (the
/// stamped form exists only then).
fn check_state(caller: &Caller, round: &rounds::Model) -> Result<(), DomainError> {
    let open = match round.status {
        RoundStatus::Collecting => true,
        RoundStatus::Decided | RoundStatus::Exported => caller.is(Role::Admin),
        RoundStatus::Draft => false,
    };
    if open {
        Ok(())
    } else {
        Err(rec::round_state(
            "推荐单位在征集期间上传材料，市科协在确定推荐名单后仍可上传",
            "nominators upload while the round collects; the admin also once it is decided",
        ))
    }
}

/// Before reading the file: the candidate is the caller's and the round takes uploads.
pub async fn check_upload(state: &AppState, caller: &Caller, round_id: i32, id: i32) -> AppResult<()> {
    caller.require(super::ROLES)?;
    let (round, _) = candidates::find(&state.db, caller, round_id, id).await?;
    check_state(caller, &round)?;
    Ok(())
}

/// Streams a material in: 415 unless its content is the kind's type, 413 past the kind's limit.
pub async fn receive<R>(state: &AppState, reader: &mut R, kind: MaterialKind) -> AppResult<Received>
where
    R: AsyncRead + Unpin + ?Sized,
{
    state.storage.receive(reader, policy(state, kind)).await
}

/// Keeps a received material for the candidate, replacing the one of the same kind (audited
/// with both). The replaced content is removed once nothing refers to it.
#[tracing::instrument(skip_all, fields(round_id = round_id, candidate_id = id, kind = kind.as_str()))]
pub async fn attach(
    state: &AppState,
    caller: &Caller,
    round_id: i32,
    id: i32,
    kind: MaterialKind,
    received: Received,
) -> AppResult<materials::Model> {
    let now = state.now();
    let sha256 = received.sha256().to_owned();
    let size = i64::try_from(received.size()).unwrap_or(i64::MAX);
    let content_type = received.file_type().content_type().to_owned();
    let result = async {
        let txn = state.db.begin().await?;
        guard_content(&txn, &sha256).await?;
        let (round, c) = candidates::find(&txn, caller, round_id, id).await?;
        check_state(caller, &round)?;
        let old = materials::Entity::find()
            .filter(materials::Column::CandidateId.eq(c.id))
            .filter(materials::Column::Kind.eq(kind))
            .one(&txn)
            .await?;
        if let Some(o) = &old {
            o.clone().delete(&txn).await?;
        }
        state.storage.keep(received).await?;
        let m = materials::ActiveModel {
            candidate_id: Set(c.id),
            kind: Set(kind),
            sha256: Set(sha256.clone()),
            size: Set(size),
            content_type: Set(content_type),
            uploaded_by: Set(caller.user_id),
            created_at: Set(now),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
        let mut change = Change::new("upload_material", "recommendation_candidate", c.id);
        if let Some(o) = &old {
            change = change.before(o);
        }
        change.after(&m).record(&txn, &caller.into(), now).await?;
        txn.commit().await?;
        Ok((m, old))
    }
    .await;
    match result {
        Ok((m, old)) => {
            if let Some(o) = old.filter(|o| o.sha256 != m.sha256) {
                remove_if_unreferenced(state, &o.sha256).await?;
            }
            Ok(m)
        }
        Err(e) => {
            // Nothing may refer to the content we just kept: do not leave it behind.
            let _ = remove_if_unreferenced(state, &sha256).await;
            Err(e)
        }
    }
}

/// The extension of a stored material (from the type decided at upload).
pub fn extension(m: &materials::Model) -> &'static str {
    FileType::from_content_type(&m.content_type).map_or("bin", FileType::extension)
}

/// The name a material has in the zip and in a download (`姓名+推荐表.pdf`).
pub fn file_name(candidate_name: &str, m: &materials::Model) -> String {
    rec::material_name(
        &crate::services::forms::file_part(candidate_name, 60),
        m.kind,
        extension(m),
    )
}

/// One material's stored bytes, for whoever may see the candidate (404 otherwise).
pub async fn open(
    state: &AppState,
    caller: &Caller,
    round_id: i32,
    candidate_id: i32,
    id: i32,
) -> AppResult<(materials::Model, String, tokio::fs::File, u64)> {
    let (_, c) = candidates::find(&state.db, caller, round_id, candidate_id).await?;
    let m = materials::Entity::find_by_id(id)
        .one(&state.db)
        .await?
        .filter(|m| m.candidate_id == c.id)
        .ok_or_else(not_found)?;
    let (file, len) = state.storage.open(&m.sha256).await?;
    let name = file_name(&c.name, &m);
    Ok((m, name, file, len))
}
