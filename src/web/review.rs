//! Units (隶属单位) and districts (区县科协): 待处理 (applications waiting for my opinion,
//! oldest first), the opinion form, and my teams with their activities (read-only).

use super::{
    activities::{ActivityRow, ListQuery, month_filter, row, team_names},
    application::{parse_decision, render_page, status_label},
    format,
    page::{FieldErrors, Layout, PageResult, field, form_error, html, layout_for, pairs, see_other},
    session::Session,
};
use crate::{
    domain::roles::Role,
    services::{activities, opinions, orgs},
    state::AppState,
};
use askama::Template;
use poem::{
    handler,
    http::StatusCode,
    web::{Data, Path, Query},
};

pub struct PendingRow {
    pub id: i32,
    pub project_name: String,
    pub team_name: String,
    pub unit_name: String,
    pub submitted: String,
    pub status: &'static str,
}

async fn pending_rows(state: &AppState, s: &Session) -> Result<Vec<PendingRow>, super::page::PageError> {
    let mut out = vec![];
    for v in opinions::pending(state, &s.caller).await? {
        out.push(PendingRow {
            id: v.app.id,
            project_name: v.app.project_name.clone(),
            team_name: v.team.name.clone(),
            unit_name: v.unit.name.clone(),
            submitted: v.app.submitted_at.map(format::time).unwrap_or_default(),
            status: status_label(v.app.status).0,
        });
    }
    Ok(out)
}

#[derive(Template)]
#[template(path = "review/pending.html")]
struct PendingTpl {
    l: Layout,
    rows: Vec<PendingRow>,
}

/// `GET /review`: applications waiting for my opinion, oldest first.
#[handler]
pub async fn pending(state: Data<&AppState>, s: Session) -> PageResult {
    s.caller.require(&[Role::Unit, Role::District, Role::Admin])?;
    Ok(html(&PendingTpl {
        l: layout_for(&state, &s, "待处理", "/review").await?,
        rows: pending_rows(&state, &s).await?,
    }))
}

/// The unit's or district's home: what waits for them, and their teams.
pub async fn home(state: &AppState, s: &Session) -> PageResult {
    Ok(html(&PendingTpl {
        l: layout_for(state, s, "首页", "/home").await?,
        rows: pending_rows(state, s).await?,
    }))
}

/// `POST /applications/:id/opinion`: 同意 / 退回修改 / 不同意 with a comment (required to
/// return or reject), through the opinions service (its turn order and scope).
#[handler]
pub async fn opinion(state: Data<&AppState>, s: Session, Path(id): Path<i32>, body: String) -> PageResult {
    let p = pairs(&body);
    let comment = field(&p, "comment");
    let result = match parse_decision(&field(&p, "decision")) {
        Ok(d) => opinions::give_opinion(&state, &s.caller, id, d, Some(comment.clone())).await,
        Err(e) => Err(e),
    };
    match result {
        Ok(_) => Ok(see_other("/review")),
        Err(e) => {
            let e = form_error(e)?;
            let errors = FieldErrors::from_error(&e, &["decision", "comment"]);
            render_page(
                &state,
                &s,
                id,
                None,
                errors,
                comment,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
    }
}

pub struct TeamRow {
    pub id: i32,
    pub name: String,
    pub unit_name: String,
    pub volunteers: i32,
    pub platform_id: String,
}

#[derive(Template)]
#[template(path = "review/teams.html")]
struct TeamsTpl {
    l: Layout,
    teams: Vec<TeamRow>,
    team_id: Option<i32>,
    month: String,
    upcoming: Vec<ActivityRow>,
    past: Vec<ActivityRow>,
}

/// `GET /teams`: my teams and their activities, upcoming and past, filtered by team and month
/// (read-only; the activities service's scope).
#[handler]
pub async fn teams(state: Data<&AppState>, s: Session, Query(q): Query<ListQuery>) -> PageResult {
    s.caller.require(&[Role::Unit, Role::District, Role::Admin])?;
    let (teams, _) = orgs::list_teams(&state, &s.caller, None, 0, 10_000).await?;
    let units = orgs::unit_names(&state.db, teams.iter().map(|t| t.unit_id)).await?;
    let names = team_names(&state, &s).await?;
    let (records, _) = activities::list(
        &state,
        &s.caller,
        month_filter(q.month.as_deref(), q.team_id),
        0,
        1000,
    )
    .await?;
    let now = state.now();
    let (mut upcoming, mut past) = (vec![], vec![]);
    for r in &records {
        let item = row(
            &state,
            r,
            names.get(&r.activity.team_id).cloned().unwrap_or_default(),
            false,
        )?;
        if r.activity.planned_start > now {
            upcoming.push(item);
        } else {
            past.push(item);
        }
    }
    past.reverse();
    Ok(html(&TeamsTpl {
        l: layout_for(&state, &s, "服务队与活动", "/teams").await?,
        teams: teams
            .into_iter()
            .map(|t| TeamRow {
                id: t.id,
                unit_name: units.get(&t.unit_id).cloned().unwrap_or_default(),
                name: t.name,
                volunteers: t.volunteer_count,
                platform_id: t.platform_id.unwrap_or_default(),
            })
            .collect(),
        team_id: q.team_id,
        month: q.month.unwrap_or_default(),
        upcoming,
        past,
    }))
}
