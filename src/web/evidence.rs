//! 附件: evidence of an application — the list (images as thumbnails), uploads with a
//! progress bar (htmx reports the upload's progress), deletion until submission, and the
//! stored bytes shown inline (images, the browser's PDF viewer). The attachments service
//! decides everything: scope, editability, type by content, size limits (R-EVIDENCE).

use super::{
    format,
    page::{PageError, PageResult, html, see_other},
    session::Session,
};
use crate::{
    domain::roles::Role,
    error::{AppError, DomainError},
    services::attachments,
    state::AppState,
    storage::{EvidenceKind, FileType, Policy},
};
use askama::Template;
use poem::{
    Body, Request, Response, handler,
    http::header,
    web::{Data, Multipart, Path},
};
use tokio::io::AsyncReadExt;

pub fn kind_label(k: EvidenceKind) -> &'static str {
    match k {
        EvidenceKind::Summary => "活动总结",
        EvidenceKind::Report => "活动报道",
        EvidenceKind::Case => "典型案例",
        EvidenceKind::Photo => "活动图片",
        EvidenceKind::Video => "视频",
    }
}

fn type_names(types: &[FileType]) -> (String, String) {
    let (names, accept): (Vec<&str>, Vec<&str>) = types
        .iter()
        .map(|t| match t {
            FileType::Pdf => ("PDF", ".pdf,application/pdf"),
            FileType::Docx => ("Word(docx)", ".docx"),
            FileType::Jpeg => ("JPG", ".jpg,.jpeg,image/jpeg"),
            FileType::Png => ("PNG", ".png,image/png"),
            FileType::Mp4 => ("MP4", ".mp4,video/mp4"),
            FileType::Heic => ("HEIC(苹果手机照片)", ".heic,.heif,image/heic,image/heif"),
            FileType::Mov => ("MOV", ".mov,video/quicktime"),
            FileType::Doc => ("Word/WPS(doc、wps)", ".doc,.wps,application/msword"),
            FileType::Pptx => ("PowerPoint(pptx)", ".pptx"),
        })
        .unzip();
    (names.join("、"), accept.join(","))
}

/// One kind in the upload form: what it accepts and up to what size, shown before choosing.
pub struct KindOption {
    pub value: &'static str,
    pub label: &'static str,
    pub hint: String,
    pub accept: String,
    pub max_bytes: u64,
}

pub struct FileRow {
    pub id: i32,
    pub kind: &'static str,
    pub filename: String,
    pub size: String,
    pub is_image: bool,
    pub is_pdf: bool,
}

/// The evidence section of an application page (and the fragment htmx swaps after an upload
/// or a deletion).
pub struct EvidenceView {
    pub app_id: i32,
    pub csrf: String,
    pub editable: bool,
    pub files: Vec<FileRow>,
    pub kinds: Vec<KindOption>,
    pub error: Option<String>,
}

pub async fn view(
    state: &AppState,
    s: &Session,
    app_id: i32,
    error: Option<String>,
) -> Result<EvidenceView, PageError> {
    let app = crate::services::applications::find_visible(&state.read, &s.caller, app_id).await?;
    view_of(state, s, &app, error).await
}

/// As [`view`], for an application the page has already read through `find_visible`.
pub async fn view_of(
    state: &AppState,
    s: &Session,
    app: &entity::applications::Model,
    error: Option<String>,
) -> Result<EvidenceView, PageError> {
    let app_id = app.id;
    let editable = s.caller.is(Role::Team) && crate::domain::application::is_editable(app.status);
    let files = attachments::list_of_visible(state, app)
        .await?
        .into_iter()
        .map(|a| FileRow {
            id: a.id,
            kind: kind_label(a.kind),
            is_image: a.content_type.starts_with("image/"),
            is_pdf: a.content_type == "application/pdf",
            filename: a.filename,
            size: format::size(a.size),
        })
        .collect();
    let limits = &state.settings.upload_limits;
    let kinds = EvidenceKind::ALL
        .into_iter()
        .map(|k| {
            let policy = Policy::for_kind(k, limits);
            let max = policy.max_bytes;
            let (names, accept) = type_names(policy.allowed);
            KindOption {
                value: k.as_str(),
                label: kind_label(k),
                hint: format!(
                    "{}：{}，每个不超过 {}",
                    kind_label(k),
                    names,
                    format::size(max as i64)
                ),
                accept,
                max_bytes: max,
            }
        })
        .collect();
    Ok(EvidenceView {
        app_id,
        csrf: s.csrf.clone(),
        editable,
        files,
        kinds,
        error,
    })
}

#[derive(Template)]
#[template(path = "team/_evidence.html")]
struct EvidenceTpl {
    ev: EvidenceView,
}

/// A thrown-away remainder of a refused upload is read up to this much, so the browser gets
/// the answer instead of a reset connection.
const DRAIN_BUDGET: u64 = 16 * 1024 * 1024;

async fn read_upload(state: &AppState, s: &Session, id: i32, form: &mut Multipart) -> Result<(), AppError> {
    attachments::check_upload(state, &s.caller, id).await?;
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
                    EvidenceKind::parse(text.trim())
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
                let received = attachments::receive(state, &mut reader, Some(kind)).await;
                let received = match received {
                    Ok(r) => r,
                    Err(e) => {
                        let _ =
                            tokio::io::copy(&mut (&mut reader).take(DRAIN_BUDGET), &mut tokio::io::sink())
                                .await;
                        return Err(e);
                    }
                };
                attachments::attach(state, &s.caller, id, kind, &filename, received).await?;
                return Ok(());
            }
            _ => {}
        }
    }
    Err(DomainError::invalid("file", "请选择要上传的文件", "choose a file").into())
}

/// `POST /applications/:id/attachments` (multipart `kind`, `file`; the CSRF token in the
/// `X-CSRF-Token` header or `?csrf=`). htmx gets the evidence fragment back, with the
/// refusal (413, 415, …) in Chinese above the form; without htmx, back to the page.
#[handler]
pub async fn upload(
    req: &Request,
    state: Data<&AppState>,
    s: Session,
    Path(id): Path<i32>,
    mut form: Multipart,
) -> PageResult {
    let error = match read_upload(&state, &s, id, &mut form).await {
        Ok(()) => None,
        Err(e) => Some(super::page::form_error(e)?.zh.to_string()),
    };
    if req.headers().contains_key("hx-request") {
        Ok(html(&EvidenceTpl {
            ev: view(&state, &s, id, error).await?,
        }))
    } else if let Some(msg) = error {
        super::application::page(&state, &s, id, Some(msg)).await
    } else {
        Ok(see_other(&format!("/applications/{id}#evidence")))
    }
}

/// `POST /attachments/:id/delete`: while the application is editable.
#[handler]
pub async fn delete(req: &Request, state: Data<&AppState>, s: Session, Path(id): Path<i32>) -> PageResult {
    let (a, _, _) = attachments::open(&state, &s.caller, id).await?;
    attachments::delete(&state, &s.caller, id).await?;
    if req.headers().contains_key("hx-request") {
        Ok(html(&EvidenceTpl {
            ev: view(&state, &s, a.application_id, None).await?,
        }))
    } else {
        Ok(see_other(&format!("/applications/{}#evidence", a.application_id)))
    }
}

/// `GET /attachments/:id`: the stored bytes, shown in the browser (images, PDF viewer).
#[handler]
pub async fn content(state: Data<&AppState>, s: Session, Path(id): Path<i32>) -> PageResult {
    let (a, file, len) = attachments::open(&state, &s.caller, id).await?;
    let disposition = crate::api::download::for_file(&a.filename).replacen("attachment", "inline", 1);
    Ok(Response::builder()
        .content_type(a.content_type)
        .header(header::CONTENT_LENGTH, len)
        .header(header::CONTENT_DISPOSITION, disposition)
        .header(header::CACHE_CONTROL, "private, no-store")
        .body(Body::from_async_read(file)))
}
