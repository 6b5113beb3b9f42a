//! 历年获奖名单 (the association): the award history for years before the system (R-EXCLUDE),
//! listed by year, and the association's list imported from an xlsx or csv — first a preview
//! of every row with its problems (nothing written), then the import of the same file, all
//! rows or none, through the same service (and the same parser and checks) as the API.

use super::{
    format,
    page::{Layout, PageError, PageResult, form_error, html_status, layout_for, see_other},
    paging::pager,
    ranking::admin,
    session::Session,
};
use crate::{
    domain::award_import::AwardSource,
    error::{AppError, DomainError},
    services::award_history::{self, ImportOutcome, Preview},
    state::AppState,
    storage,
};
use askama::Template;
use poem::{
    handler,
    http::StatusCode,
    web::{Data, Multipart, Query},
};
use serde::Deserialize;
use tokio::io::AsyncReadExt;

const PER_PAGE: u64 = 20;

#[derive(Deserialize, Default)]
pub struct HistoryQuery {
    pub year: Option<String>,
    pub page: Option<u64>,
    /// Records just imported (shown once after the redirect).
    pub imported: Option<u64>,
}

pub struct HistoryRow {
    pub year: i32,
    pub team_name: String,
    pub project_name: String,
    pub tier: &'static str,
    pub source: &'static str,
    pub created: String,
}

#[derive(Template)]
#[template(path = "admin/award_history.html")]
struct HistoryTpl {
    l: Layout,
    year: String,
    rows: Vec<HistoryRow>,
    pager: super::admin::Pager,
    imported: Option<u64>,
    error: Option<String>,
}

fn source_label(s: AwardSource) -> &'static str {
    match s {
        AwardSource::Manual => "逐条录入",
        AwardSource::Import => "名单导入",
    }
}

async fn history_page(
    state: &AppState,
    s: &Session,
    q: HistoryQuery,
    error: Option<String>,
    status: StatusCode,
) -> PageResult {
    admin(s)?;
    let page = q.page.unwrap_or(1).clamp(1, 100_000);
    let year_text = q.year.unwrap_or_default().trim().to_owned();
    let year = year_text.parse::<i32>().ok();
    let (records, total) =
        award_history::list(state, &s.caller, year, (page - 1) * PER_PAGE, PER_PAGE).await?;
    let rows = records
        .into_iter()
        .map(|r| HistoryRow {
            year: r.award.year,
            tier: r.award.tier.label_zh(),
            source: source_label(r.award.source),
            created: format::time(r.award.created_at),
            project_name: r.award.project_name,
            team_name: r.team_name,
        })
        .collect();
    Ok(html_status(
        &HistoryTpl {
            l: layout_for(state, s, "历年获奖名单", "/admin/award-history").await?,
            pager: pager(
                "/admin/award-history",
                &[("year", year_text.as_str())],
                page,
                PER_PAGE,
                total,
            ),
            year: year_text,
            rows,
            imported: q.imported,
            error,
        },
        status,
    ))
}

/// `GET /admin/award-history?year=…`: the recorded history and the import form.
#[handler]
pub async fn list(state: Data<&AppState>, s: Session, Query(q): Query<HistoryQuery>) -> PageResult {
    history_page(&state, &s, q, None, StatusCode::OK).await
}

/// The uploaded list: the `file` part, or (when confirming a preview) the same bytes carried
/// back as hex in `content`; at most the document limit (413 beyond it, as the API).
pub(crate) async fn read_list(state: &AppState, form: &mut Multipart) -> Result<Vec<u8>, AppError> {
    let max = state.settings.upload_limits.document;
    let bad = |e: String| DomainError::invalid("file", "上传表单格式错误", e);
    while let Some(field) = form.next_field().await.map_err(|e| bad(e.to_string()))? {
        let name = field.name().unwrap_or_default().to_owned();
        if name != "file" && name != "content" {
            continue;
        }
        if name == "file" && field.file_name().unwrap_or_default().is_empty() {
            return Err(DomainError::invalid("file", "请选择名单文件", "choose a file").into());
        }
        let limit = if name == "content" { 2 * max + 1 } else { max + 1 };
        let mut bytes = Vec::new();
        let reader = field.into_async_read();
        tokio::pin!(reader);
        reader
            .take(limit)
            .read_to_end(&mut bytes)
            .await
            .map_err(|e| bad(e.to_string()))?;
        if name == "content" {
            bytes = hex::decode(bytes.trim_ascii()).map_err(|e| bad(e.to_string()))?;
        }
        if bytes.len() as u64 > max {
            return Err(storage::too_large(max).into());
        }
        return Ok(bytes);
    }
    Err(DomainError::invalid("file", "请选择名单文件", "choose a file").into())
}

#[derive(Template)]
#[template(path = "admin/award_preview.html")]
struct PreviewTpl {
    l: Layout,
    preview: Preview,
    bad_rows: usize,
    /// The file's bytes as hex, sent back by the confirmation.
    content: String,
    /// The import itself found problems (the teams or history changed since the preview).
    refused: bool,
}

async fn preview_page(state: &AppState, s: &Session, bytes: Vec<u8>, refused: bool) -> PageResult {
    let content = hex::encode(&bytes);
    let checked = award_history::preview(state, &s.caller, bytes).await?;
    let bad_rows = checked.rows.iter().filter(|r| !r.problems.is_empty()).count();
    let status = if checked.importable > 0 && !refused {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    Ok(html_status(
        &PreviewTpl {
            l: layout_for(state, s, "导入预览", "/admin/award-history").await?,
            bad_rows,
            content: if checked.importable > 0 {
                content
            } else {
                String::new()
            },
            preview: checked,
            refused,
        },
        status,
    ))
}

/// A refused upload (no file, too large, unreadable form): the list page with the reason.
async fn upload_refused(state: &AppState, s: &Session, e: AppError) -> PageResult {
    let e = form_error(e)?;
    history_page(
        state,
        s,
        HistoryQuery::default(),
        Some(e.zh.to_string()),
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await
}

/// `POST /admin/award-history/preview` (multipart `file`; the CSRF token in `?csrf=`): every
/// row with its problems; nothing is written.
#[handler]
pub async fn preview(state: Data<&AppState>, s: Session, mut form: Multipart) -> PageResult {
    admin(&s)?;
    match read_list(&state, &mut form).await {
        Ok(bytes) => preview_page(&state, &s, bytes, false).await,
        Err(e) => upload_refused(&state, &s, e).await,
    }
}

/// `POST /admin/award-history/import` (multipart `content` from the preview, or `file`): all
/// rows or none; refused rows show in the preview again.
#[handler]
pub async fn import(state: Data<&AppState>, s: Session, mut form: Multipart) -> PageResult {
    admin(&s)?;
    let bytes = match read_list(&state, &mut form).await {
        Ok(b) => b,
        Err(e) => return upload_refused(&state, &s, e).await,
    };
    match award_history::import(&state, &s.caller, bytes.clone()).await {
        Ok(ImportOutcome::Imported(n)) => Ok(see_other(&format!("/admin/award-history?imported={n}"))),
        Ok(ImportOutcome::Rejected(_)) => preview_page(&state, &s, bytes, true).await,
        Err(e) => Err(PageError::from(e)),
    }
}
