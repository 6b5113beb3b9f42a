//! 活动补录 (issue 18.1) for the association: the template download and the import of a year of
//! e-mailed 登记表 — all rows or none, every bad row listed with its line number — through the
//! same service as `POST /api/v1/activities/backfill/import`. Single activities are recorded
//! through the API (`POST /api/v1/activities/backfill`); the scans follow on each activity's page.

use super::{
    page::{Layout, PageError, PageResult, form_error, html_status, layout_for, see_other},
    ranking::admin,
    session::Session,
};
use crate::{
    services::activities::{self, BackfillImport},
    state::AppState,
};
use askama::Template;
use poem::{
    Response, handler,
    http::{StatusCode, header},
    web::{Data, Multipart, Query},
};
use serde::Deserialize;

#[derive(Deserialize, Default)]
pub struct BackfillQuery {
    /// Activities just recorded (shown once after the redirect).
    pub imported: Option<u64>,
}

#[derive(Template)]
#[template(path = "admin/backfill.html")]
struct BackfillTpl {
    l: Layout,
    imported: Option<u64>,
    error: Option<String>,
    /// `(line, reason in Chinese)` of every bad row of a refused sheet.
    rows: Vec<(u32, String)>,
}

async fn page(
    state: &AppState,
    s: &Session,
    imported: Option<u64>,
    error: Option<String>,
    rows: Vec<(u32, String)>,
    status: StatusCode,
) -> PageResult {
    Ok(html_status(
        &BackfillTpl {
            l: layout_for(state, s, "活动补录", "/admin/backfill").await?,
            imported,
            error,
            rows,
        },
        status,
    ))
}

/// `GET /admin/backfill`.
#[handler]
pub async fn show(state: Data<&AppState>, s: Session, Query(q): Query<BackfillQuery>) -> PageResult {
    admin(&s)?;
    page(&state, &s, q.imported, None, vec![], StatusCode::OK).await
}

/// `GET /admin/backfill/template.xlsx`.
#[handler]
pub async fn template(s: Session) -> PageResult {
    let bytes = activities::backfill_template(&s.caller).await?;
    Ok(Response::builder()
        .content_type("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        .header(
            header::CONTENT_DISPOSITION,
            crate::api::download::attachment("backfill-template.xlsx", "活动补录模板.xlsx"),
        )
        .body(bytes))
}

/// `POST /admin/backfill/import` (multipart `file`, the CSRF token in `?csrf=`).
#[handler]
pub async fn import(state: Data<&AppState>, s: Session, mut form: Multipart) -> PageResult {
    admin(&s)?;
    let bytes = match super::award_history::read_list(&state, &mut form).await {
        Ok(b) => b,
        Err(e) => {
            let msg = form_error(e)?.zh.to_string();
            return page(
                &state,
                &s,
                None,
                Some(msg),
                vec![],
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await;
        }
    };
    match activities::import_backfill(&state, &s.caller, bytes).await {
        Ok(BackfillImport::Imported(r)) => Ok(see_other(&format!("/admin/backfill?imported={}", r.len()))),
        Ok(BackfillImport::Rejected(problems)) => {
            let rows = problems.into_iter().map(|p| (p.row, p.zh)).collect();
            page(
                &state,
                &s,
                None,
                Some("补录表有错误，未导入任何活动。请按下列行号修改后重新上传。".into()),
                rows,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(e) => Err(PageError::from(e)),
    }
}
