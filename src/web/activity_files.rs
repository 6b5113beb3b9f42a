//! Issue 18.4 and 18.5 in pages: an activity's photos, videos, reports and scans on its page
//! (upload by the owning team, by the admin for a 补录), the files shown inline, and the
//! activities an application counts as its assigned experts (and its team, unit chain and the
//! admin) read them. The activity-files and activities services decide scope and types.

use super::{
    format,
    page::{PageResult, html, layout_for, see_other},
    session::Session,
};
use crate::{
    domain::roles::Role,
    error::{AppError, DomainError},
    services::{
        activities,
        activity_files::{self, ActivityFileKind},
    },
    state::AppState,
};
use askama::Template;
use entity::activity_attachments;
use poem::{
    Body, Request, Response, handler,
    http::{StatusCode, header},
    web::{Data, Multipart, Path, Query},
};
use serde::Deserialize;
use tokio::io::AsyncReadExt;

/// What a file's kind is called.
pub fn kind_label(k: ActivityFileKind) -> &'static str {
    match k {
        ActivityFileKind::Photo => "活动图片",
        ActivityFileKind::Video => "活动视频",
        ActivityFileKind::Report => "活动报道",
        ActivityFileKind::Scan => "原始登记表扫描件",
    }
}

/// A file as the pages list it.
pub struct FileRow {
    pub id: i32,
    pub kind: &'static str,
    pub filename: String,
    pub size: String,
    pub is_image: bool,
}

pub fn rows(files: Vec<activity_attachments::Model>) -> Vec<FileRow> {
    files
        .into_iter()
        .map(|f| FileRow {
            id: f.id,
            kind: kind_label(f.kind),
            is_image: f.content_type.starts_with("image/") && f.content_type != "image/heic",
            size: format::size(f.size),
            filename: f.filename,
        })
        .collect()
}

/// The kinds a form offers: `(value, label)`.
pub fn kinds() -> Vec<(&'static str, &'static str)> {
    ActivityFileKind::ALL
        .into_iter()
        .map(|k| (k.as_str(), kind_label(k)))
        .collect()
}

/// Whether the caller may add files to this activity (the service checks again).
pub fn may_upload(s: &Session, a: &entity::activities::Model) -> bool {
    match s.caller.role {
        Role::Team => s.caller.team_id == Some(a.team_id),
        Role::Admin => a.backfilled,
        _ => false,
    }
}

/// Bytes of a refused upload still read, so the browser hears the answer.
const DRAIN_BUDGET: u64 = 16 * 1024 * 1024;

async fn read_upload(state: &AppState, s: &Session, id: i32, form: &mut Multipart) -> Result<(), AppError> {
    activity_files::check_upload(state, &s.caller, id).await?;
    let mut kind = None;
    while let Some(field) = form
        .next_field()
        .await
        .map_err(|e| DomainError::invalid("file", "上传表单格式错误", e.to_string()))?
    {
        match field.name() {
            Some("kind") => {
                let text = field
                    .text()
                    .await
                    .map_err(|e| DomainError::invalid("kind", "上传表单格式错误", e.to_string()))?;
                kind = Some(
                    ActivityFileKind::parse(text.trim())
                        .ok_or_else(|| DomainError::invalid("kind", "请选择材料类型", "choose the kind"))?,
                );
            }
            Some("file") => {
                let kind =
                    kind.ok_or_else(|| DomainError::invalid("kind", "请选择材料类型", "choose the kind"))?;
                let filename = field.file_name().unwrap_or_default().to_owned();
                if filename.is_empty() {
                    return Err(DomainError::invalid("file", "请选择要上传的文件", "choose a file").into());
                }
                let reader = field.into_async_read();
                tokio::pin!(reader);
                let received = match activity_files::receive(state, &mut reader, Some(kind)).await {
                    Ok(r) => r,
                    Err(e) => {
                        let _ =
                            tokio::io::copy(&mut (&mut reader).take(DRAIN_BUDGET), &mut tokio::io::sink())
                                .await;
                        return Err(e);
                    }
                };
                activity_files::attach(state, &s.caller, id, kind, &filename, received).await?;
                return Ok(());
            }
            _ => {}
        }
    }
    Err(DomainError::invalid("file", "请选择要上传的文件", "choose a file").into())
}

/// Where an upload came from.
#[derive(Deserialize, Default)]
pub struct UploadQuery {
    /// `backfill`: the 补录 page (its scan step).
    pub back: Option<String>,
}

/// `POST /activities/:id/files` (multipart `kind`, `file`; the CSRF token in `?csrf=`): back
/// to the activity (or to the 补录 page it came from), with a refusal (413, 415, …) in
/// Chinese above its files.
#[handler]
pub async fn upload(
    state: Data<&AppState>,
    s: Session,
    Path(id): Path<i32>,
    Query(q): Query<UploadQuery>,
    mut form: Multipart,
) -> PageResult {
    match read_upload(&state, &s, id, &mut form).await {
        // A scan sent from the 补录 page goes back there, showing the activity now counts.
        Ok(()) if q.back.as_deref() == Some("backfill") => {
            Ok(see_other(&format!("/admin/backfill?recorded={id}#scan")))
        }
        Ok(()) => Ok(see_other(&format!("/activities/{id}#files"))),
        Err(e) => {
            let msg = super::page::form_error(e)?.zh.to_string();
            let status = StatusCode::UNPROCESSABLE_ENTITY;
            super::activities::detail_page(&state, &s, id, Some((status, msg))).await
        }
    }
}

/// `POST /activity-files/:id/delete` (issue 18.4; the page asks for confirmation first):
/// back to the activity's files. Refused once a submitted application counts the activity
/// (409, said above its files); htmx swaps the files section in either case, so a refusal
/// comes as 200 to it.
#[handler]
pub async fn delete(req: &Request, state: Data<&AppState>, s: Session, Path(id): Path<i32>) -> PageResult {
    let file = activity_files::find(&state, &s.caller, id).await?;
    let htmx = req.headers().contains_key("hx-request");
    match activity_files::delete(&state, &s.caller, id).await {
        Ok(_) if htmx => super::activities::detail_page(&state, &s, file.activity_id, None).await,
        Ok(_) => Ok(see_other(&format!("/activities/{}#files", file.activity_id))),
        Err(e) => {
            let msg = super::page::form_error(e)?.zh.to_string();
            let status = if htmx {
                StatusCode::OK
            } else {
                StatusCode::CONFLICT
            };
            super::activities::detail_page(&state, &s, file.activity_id, Some((status, msg))).await
        }
    }
}

/// `GET /activity-files/:id`: the stored bytes, inline (images, the browser's PDF viewer).
#[handler]
pub async fn content(state: Data<&AppState>, s: Session, Path(id): Path<i32>) -> PageResult {
    let (a, file, len) = activity_files::open(&state, &s.caller, id).await?;
    let disposition = crate::api::download::for_file(&a.filename).replacen("attachment", "inline", 1);
    Ok(Response::builder()
        .content_type(a.content_type)
        .header(header::CONTENT_LENGTH, len)
        .header(header::CONTENT_DISPOSITION, disposition)
        .header(header::CACHE_CONTROL, "private, no-store")
        .body(Body::from_async_read(file)))
}

/// One counted activity as the application's readers see it.
pub struct CountedRow {
    pub name: String,
    pub category: &'static str,
    pub when: String,
    pub location: String,
    pub backfilled: bool,
    pub tasks: Vec<(String, String)>,
    pub sessions: i32,
    pub people_served: i32,
    pub volunteers: i32,
    pub summary: String,
    pub files: Vec<FileRow>,
}

#[derive(Template)]
#[template(path = "expert/activities.html")]
struct CountedTpl {
    l: super::page::Layout,
    back: String,
    items: Vec<CountedRow>,
    sessions: i64,
    people_served: i64,
}

/// `GET /applications/:id/activities`: what an application counts, with tasks, reports and
/// files — for its assigned experts above all (issue 18.5); others in scope too, anyone
/// else the 404 page.
#[handler]
pub async fn counted(state: Data<&AppState>, s: Session, Path(id): Path<i32>) -> PageResult {
    let records = activities::counted_for_application(&state, &s.caller, id).await?;
    let ids: Vec<i32> = records.iter().map(|r| r.activity.id).collect();
    let mut files = activity_files::of_activities(&state.read, &ids).await?;
    let items: Vec<CountedRow> = records
        .into_iter()
        .map(|r| {
            let a = r.activity;
            CountedRow {
                name: a.name,
                category: a.category.name(),
                when: format::time(a.actual_start.unwrap_or(a.planned_start)),
                location: a.location,
                backfilled: a.backfilled,
                tasks: r.tasks.into_iter().map(|t| (t.content, t.target)).collect(),
                sessions: a.sessions.unwrap_or_default(),
                people_served: a.people_served.unwrap_or_default(),
                volunteers: a.volunteers.unwrap_or_default(),
                summary: a.summary.unwrap_or_default(),
                files: rows(files.remove(&a.id).unwrap_or_default()),
            }
        })
        .collect();
    let back = if s.caller.is(Role::Expert) {
        format!("/my-reviews/{id}")
    } else {
        format!("/applications/{id}")
    };
    Ok(html(&CountedTpl {
        l: layout_for(&state, &s, "计入的活动", "/my-reviews").await?,
        back,
        sessions: items.iter().map(|i| i64::from(i.sessions)).sum(),
        people_served: items.iter().map(|i| i64::from(i.people_served)).sum(),
        items,
    }))
}
