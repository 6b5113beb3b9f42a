//! 排名 (the association): rank the cycle, then the ranked table that explains every place —
//! each expert's total, the per-criterion means, the spread (rows whose experts disagree much
//! are highlighted), the objective figures (with how many activities are 补录), the tier, and the tie-break that decided each tie
//! — and the results sheet (xlsx). Same services and `Caller` as the API.

use super::{
    format,
    page::{Layout, PageError, PageResult, html_status, layout_for},
    session::Session,
};
use crate::{
    domain::{
        cycle::{self, CycleAction, CycleStatus},
        ranking::{TieBreak, is_large_spread},
        roles::Role,
    },
    error::AppError,
    services::review::{
        ranking,
        results::{self, ResultLine},
    },
    state::AppState,
};
use askama::Template;
use poem::{
    Response, handler,
    http::{StatusCode, header},
    web::{Data, Path},
};

const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

pub struct ExpertCell {
    pub name: String,
    pub total: String,
}

pub struct RankRow {
    pub rank: i32,
    pub application_id: i32,
    pub team_name: String,
    pub unit_name: String,
    pub project_name: String,
    pub final_score: String,
    pub means: Vec<String>,
    pub experts: Vec<ExpertCell>,
    /// Standard deviation of the experts' totals, `—` without totals.
    pub spread: String,
    pub range: String,
    pub spread_large: bool,
    pub activities: i64,
    /// Of the counted activities, those recorded after the fact (补录, issue 18.1).
    pub backfilled: i64,
    pub sessions: i64,
    pub people_served: i64,
    pub tier: &'static str,
    pub awarded: bool,
    /// The tie with the line above and what decided it.
    pub tie: Option<String>,
}

#[derive(Template)]
#[template(path = "admin/ranking.html")]
struct RankingTpl {
    l: Layout,
    cycle_id: i32,
    title: String,
    status: &'static str,
    tab: &'static str,
    criteria: Vec<String>,
    rows: Vec<RankRow>,
    awarded: usize,
    large_spreads: usize,
    /// Applications counting at least one 补录 activity.
    with_backfilled: usize,
    can_rank: bool,
    reranking: bool,
    can_export: bool,
    stale: bool,
    error: Option<String>,
}

/// How the tie with the previous line was decided, with both lines' values of that key.
fn tie_note(prev: &ResultLine, line: &ResultLine, key: TieBreak) -> String {
    let values = match key {
        TieBreak::Sessions => format!("{} 场 对 {} 场", prev.figures.sessions, line.figures.sessions),
        TieBreak::PeopleServed => format!(
            "{} 人次 对 {} 人次",
            prev.figures.people_served, line.figures.people_served
        ),
        TieBreak::SubmittedAt => format!(
            "{} 对 {}",
            format::time(prev.submitted_at),
            format::time(line.submitted_at)
        ),
        TieBreak::ApplicationId => {
            format!("{} 对 {}", prev.result.application_id, line.result.application_id)
        }
    };
    format!(
        "与第 {} 名同分：{}（{}）",
        prev.result.rank,
        key.label_zh(),
        values
    )
}

fn rows_of(lines: &[ResultLine], full_marks_tenths: i64) -> Vec<RankRow> {
    lines
        .iter()
        .enumerate()
        .map(|(i, l)| RankRow {
            rank: l.result.rank,
            application_id: l.result.application_id,
            team_name: l.team_name.clone(),
            unit_name: l.unit_name.clone(),
            project_name: l.project_name.clone(),
            final_score: format!("{:.2}", l.result.final_score),
            means: l
                .criterion_means
                .iter()
                .map(|(_, _, m)| format!("{m:.2}"))
                .collect(),
            experts: l
                .expert_totals
                .iter()
                .map(|e| ExpertCell {
                    name: e.expert_name.clone(),
                    total: format::tenths(e.total_tenths),
                })
                .collect(),
            spread: l
                .spread
                .map_or_else(|| "—".to_owned(), |s| format!("{:.2}", s.std_dev)),
            range: l.spread.map_or_else(String::new, |s| {
                format!(
                    "{} – {}",
                    format::tenths(s.min_tenths),
                    format::tenths(s.max_tenths)
                )
            }),
            spread_large: l.spread.is_some_and(|s| is_large_spread(&s, full_marks_tenths)),
            activities: l.figures.activities,
            backfilled: l.figures.backfilled,
            sessions: l.figures.sessions,
            people_served: l.figures.people_served,
            tier: l.tier.map_or("未获奖", |t| t.label_zh()),
            awarded: l.tier.is_some(),
            tie: match (i.checked_sub(1).and_then(|p| lines.get(p)), l.tie_with_previous) {
                (Some(prev), Some(key)) => Some(tie_note(prev, l, key)),
                _ => None,
            },
        })
        .collect()
}

pub(super) fn admin(s: &Session) -> Result<(), PageError> {
    s.caller.require(&[Role::Admin])?;
    Ok(())
}

async fn ranking_page(
    state: &AppState,
    s: &Session,
    cycle_id: i32,
    error: Option<String>,
    status_code: StatusCode,
) -> PageResult {
    admin(s)?;
    let r = results::get(state, &s.caller, cycle_id).await?;
    let c = &r.cycle;
    let full_marks: i64 = c.rubric.0.iter().map(|k| k.max_tenths()).sum();
    let rows = rows_of(&r.lines, full_marks);
    Ok(html_status(
        &RankingTpl {
            l: layout_for(state, s, format!("排名 · {}", c.title), "/admin/cycles").await?,
            cycle_id,
            title: c.title.clone(),
            status: super::admin::cycle_status_label(c.status).0,
            tab: "ranking",
            criteria: c.rubric.0.iter().map(|k| k.name.clone()).collect(),
            awarded: rows.iter().filter(|r| r.awarded).count(),
            large_spreads: rows.iter().filter(|r| r.spread_large).count(),
            with_backfilled: rows.iter().filter(|r| r.backfilled > 0).count(),
            rows,
            can_rank: cycle::transition(c.status, CycleAction::Rank).is_ok(),
            reranking: c.status == CycleStatus::Ranked,
            can_export: cycle::transition(c.status, CycleAction::ExportResults).is_ok(),
            stale: r.stale,
            error,
        },
        status_code,
    ))
}

/// `GET /admin/cycles/:id/ranking`: the stored ranking, explained.
#[handler]
pub async fn show(state: Data<&AppState>, s: Session, Path(id): Path<i32>) -> PageResult {
    ranking_page(&state, &s, id, None, StatusCode::OK).await
}

/// A refused step: the page again with the service's reason (e.g. which scores are missing).
async fn refused(state: &AppState, s: &Session, cycle_id: i32, e: AppError) -> PageResult {
    let e = super::page::form_error(e)?;
    ranking_page(
        state,
        s,
        cycle_id,
        Some(e.zh.to_string()),
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await
}

/// `POST /admin/cycles/:id/rank`: ranks (or ranks again after a score changed).
#[handler]
pub async fn rank(state: Data<&AppState>, s: Session, Path(id): Path<i32>) -> PageResult {
    admin(&s)?;
    match ranking::rank(&state, &s.caller, id).await {
        Ok(_) => Ok(super::page::see_other(&format!("/admin/cycles/{id}/ranking"))),
        Err(e) => refused(&state, &s, id, e).await,
    }
}

/// `GET /admin/cycles/:id/results.xlsx`: the results sheet (评审结果), as the API gives it.
#[handler]
pub async fn sheet(state: Data<&AppState>, s: Session, Path(id): Path<i32>) -> Result<Response, PageError> {
    admin(&s)?;
    match results::sheet(&state, &s.caller, id).await {
        Ok(file) => Ok(Response::builder()
            .content_type(XLSX)
            .header(
                header::CONTENT_DISPOSITION,
                crate::api::download::attachment(&format!("results-{id}.xlsx"), &file.filename),
            )
            .header(header::CACHE_CONTROL, "private, no-store")
            .body(file.bytes)),
        Err(e) => refused(&state, &s, id, e).await,
    }
}
