//! 活动补录 (issue 18.1) for the association: one activity at a time through the form (what
//! `POST /api/v1/activities/backfill` takes), then the scan of its original 登记表 or e-mail,
//! without which it does not count; or a year of e-mailed 登记表 from the template sheet —
//! all rows or none, every bad row listed with its line number — through the same service as
//! `POST /api/v1/activities/backfill/import`. The 补录 still waiting for their scan are listed.

use super::{
    activities::{ActivityForm, blank_task, team_names},
    backfill_form::{BackfillFields, BackfillForm},
    page::{FieldErrors, Layout, PageError, PageResult, form_error, html_status, layout_for, see_other},
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

/// 补录 waiting for their scan shown on the page (the rest are counted above the list).
const WAITING_SHOWN: u64 = 50;

#[derive(Deserialize, Default)]
pub struct BackfillQuery {
    /// Activities just recorded from a sheet (shown once after the redirect).
    pub imported: Option<u64>,
    /// The activity just recorded through the form: its scan is asked for next.
    pub recorded: Option<i32>,
}

/// A 补录 as the page lists it.
pub struct BackfillRow {
    pub id: i32,
    pub name: String,
    pub team_name: String,
    pub start: String,
    pub scanned: bool,
}

/// What the page shows besides the form.
#[derive(Default)]
struct Sections {
    imported: Option<u64>,
    recorded: Option<BackfillRow>,
    import_error: Option<String>,
    /// `(line, reason in Chinese)` of every bad row of a refused sheet.
    rows: Vec<(u32, String)>,
}

#[derive(Template)]
#[template(path = "admin/backfill.html")]
struct BackfillTpl {
    l: Layout,
    imported: Option<u64>,
    recorded: Option<BackfillRow>,
    error: Option<String>,
    rows: Vec<(u32, String)>,
    /// The registration part of the single form (`team/_activity_fields.html` reads it).
    form: ActivityForm,
    more: BackfillFields,
    errors: FieldErrors,
    categories: Vec<(&'static str, &'static str)>,
    /// `(id, name)` of every team, by name.
    teams: Vec<(i32, String)>,
    waiting: Vec<BackfillRow>,
    waiting_total: u64,
}

async fn page(
    state: &AppState,
    s: &Session,
    sections: Sections,
    mut form: BackfillForm,
    errors: FieldErrors,
    status: StatusCode,
) -> PageResult {
    let names = team_names(state, s).await?;
    let mut teams: Vec<(i32, String)> = names.iter().map(|(id, n)| (*id, n.clone())).collect();
    teams.sort_by(|a, b| a.1.cmp(&b.1));
    let (waiting, waiting_total) =
        activities::backfills_awaiting_scan(state, &s.caller, WAITING_SHOWN).await?;
    let waiting = waiting
        .into_iter()
        .map(|a| BackfillRow {
            id: a.id,
            team_name: names.get(&a.team_id).cloned().unwrap_or_default(),
            start: super::format::time(a.planned_start),
            scanned: a.backfill_scan_at.is_some(),
            name: a.name,
        })
        .collect();
    if form.activity.tasks.is_empty() {
        form.activity.tasks.push(blank_task());
    }
    Ok(html_status(
        &BackfillTpl {
            l: layout_for(state, s, "活动补录", "/admin/backfill").await?,
            imported: sections.imported,
            recorded: sections.recorded,
            error: sections.import_error,
            rows: sections.rows,
            form: form.activity,
            more: form.more,
            errors,
            categories: activities::categories()
                .into_iter()
                .map(|c| (c.code.as_str(), c.name))
                .collect(),
            teams,
            waiting,
            waiting_total,
        },
        status,
    ))
}

fn blank_form() -> BackfillForm {
    BackfillForm {
        activity: ActivityForm::default(),
        more: BackfillFields::default(),
    }
}

/// `GET /admin/backfill`: after a single 补录 (`?recorded=`), that activity and the upload of
/// its scan come first.
#[handler]
pub async fn show(state: Data<&AppState>, s: Session, Query(q): Query<BackfillQuery>) -> PageResult {
    admin(&s)?;
    let recorded = match q.recorded {
        Some(id) => {
            let r = activities::get(&state, &s.caller, id).await?;
            let team = crate::services::orgs::get_team(&state, &s.caller, r.activity.team_id).await?;
            Some(BackfillRow {
                id,
                team_name: team.name,
                start: super::format::time(r.activity.planned_start),
                scanned: r.activity.backfill_scan_at.is_some(),
                name: r.activity.name,
            })
        }
        None => None,
    };
    let sections = Sections {
        imported: q.imported,
        recorded,
        ..Sections::default()
    };
    page(
        &state,
        &s,
        sections,
        blank_form(),
        FieldErrors::default(),
        StatusCode::OK,
    )
    .await
}

/// `POST /admin/backfill`: one 补录 through `activities::backfill`, as the API records it; a
/// refusal comes back under its field, in Chinese, with everything typed kept.
#[handler]
pub async fn record(state: Data<&AppState>, s: Session, body: String) -> PageResult {
    admin(&s)?;
    let mut form = BackfillForm::from_body(&body);
    let teams = team_names(&state, &s).await?;
    let result = match form.parse(&teams) {
        Ok(b) => activities::backfill(&state, &s.caller, b).await,
        Err(e) => Err(e.into()),
    };
    match result {
        Ok(r) => Ok(see_other(&format!(
            "/admin/backfill?recorded={}#scan",
            r.activity.id
        ))),
        Err(e) => {
            let e = form_error(e)?;
            let errors = form.place(&e);
            page(
                &state,
                &s,
                Sections::default(),
                form,
                errors,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
    }
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
    let refused = |import_error: String, rows: Vec<(u32, String)>| Sections {
        import_error: Some(import_error),
        rows,
        ..Sections::default()
    };
    let bytes = match super::award_history::read_list(&state, &mut form).await {
        Ok(b) => b,
        Err(e) => {
            let msg = form_error(e)?.zh.to_string();
            return page(
                &state,
                &s,
                refused(msg, vec![]),
                blank_form(),
                FieldErrors::default(),
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
                refused(
                    "补录表有错误，未导入任何活动。请按下列行号修改后重新上传。".into(),
                    rows,
                ),
                blank_form(),
                FieldErrors::default(),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(e) => Err(PageError::from(e)),
    }
}
