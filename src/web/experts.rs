//! 分配专家 (the association) and the experts' pages: 我的评审 with progress and 评分 — the
//! 申报书, its evidence and objective figures beside the rubric. No bank account and no full
//! mobile on these pages. Same services and `Caller` as the API.

use super::{
    evidence::kind_label,
    format,
    page::{
        FieldErrors, Layout, PageError, PageResult, field, form_error, html, html_status, layout_for, pairs,
        see_other,
    },
    session::Session,
};
use crate::{
    domain::{cycle::CycleStatus, roles::Role},
    services::{
        applications, attachments, cycles,
        review::{assignments, scores},
    },
    state::AppState,
};
use askama::Template;
use poem::{
    handler,
    http::StatusCode,
    web::{Data, Path},
};
use std::collections::BTreeMap;

// ---------------------------------------------------------------- 分配专家

#[derive(Template)]
#[template(path = "admin/assign.html")]
struct AssignTpl {
    l: Layout,
    cycle_id: i32,
    title: String,
    grid: assignments::Grid,
    reviewers: i32,
    error: Option<String>,
    reviewing: bool,
}

async fn assign_page(
    state: &AppState,
    s: &Session,
    cycle_id: i32,
    error: Option<String>,
    status: StatusCode,
) -> PageResult {
    s.caller.require(&[Role::Admin])?;
    let c = cycles::find(&state.db, cycle_id).await?;
    let grid = assignments::grid(state, &s.caller, cycle_id).await?;
    Ok(html_status(
        &AssignTpl {
            l: layout_for(state, s, "分配专家", "/admin/cycles").await?,
            cycle_id,
            reviewing: c.status == CycleStatus::Reviewing,
            title: c.title,
            reviewers: c.reviewers_per_application,
            grid,
            error,
        },
        status,
    ))
}

/// `GET /admin/cycles/:id/assign`: accepted applications × experts.
#[handler]
pub async fn assign(state: Data<&AppState>, s: Session, Path(id): Path<i32>) -> PageResult {
    assign_page(&state, &s, id, None, StatusCode::OK).await
}

/// A refused assignment step: the page again with the service's explanation; nothing changed.
async fn refused(state: &AppState, s: &Session, cycle_id: i32, e: crate::error::AppError) -> PageResult {
    let e = form_error(e)?;
    assign_page(
        state,
        s,
        cycle_id,
        Some(e.zh.to_string()),
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await
}

/// `POST /admin/cycles/:id/assign/auto`: the automatic assignment for the whole cycle.
#[handler]
pub async fn auto(state: Data<&AppState>, s: Session, Path(id): Path<i32>) -> PageResult {
    match assignments::auto_assign(&state, &s.caller, id).await {
        Ok(_) => Ok(see_other(&format!("/admin/cycles/{id}/assign"))),
        Err(e) => refused(&state, &s, id, e).await,
    }
}

/// `POST /admin/cycles/:id/assign/add`: one expert to one application.
#[handler]
pub async fn add(state: Data<&AppState>, s: Session, Path(id): Path<i32>, body: String) -> PageResult {
    let p = pairs(&body);
    let (Ok(app), Ok(expert)) = (
        field(&p, "application_id").parse::<i32>(),
        field(&p, "expert_id").parse::<i32>(),
    ) else {
        return Err(PageError::Status(StatusCode::BAD_REQUEST));
    };
    match assignments::assign_one(&state, &s.caller, app, expert).await {
        Ok(_) => Ok(see_other(&format!("/admin/cycles/{id}/assign"))),
        Err(e) => refused(&state, &s, id, e).await,
    }
}

/// `POST /admin/cycles/:id/assign/remove`: an assignment whose expert has not scored.
#[handler]
pub async fn remove(state: Data<&AppState>, s: Session, Path(id): Path<i32>, body: String) -> PageResult {
    let Ok(assignment) = field(&pairs(&body), "assignment_id").parse::<i32>() else {
        return Err(PageError::Status(StatusCode::BAD_REQUEST));
    };
    match assignments::remove(&state, &s.caller, assignment).await {
        Ok(()) => Ok(see_other(&format!("/admin/cycles/{id}/assign"))),
        Err(e) => refused(&state, &s, id, e).await,
    }
}

// ---------------------------------------------------------------- 我的评审

pub struct ReviewRow {
    pub application_id: i32,
    pub project_name: String,
    pub team_name: String,
    pub sessions: i64,
    pub people_served: i64,
    pub scored: bool,
}

#[derive(Template)]
#[template(path = "expert/reviews.html")]
struct ReviewsTpl {
    l: Layout,
    rows: Vec<ReviewRow>,
    done: usize,
}

async fn reviews_page(state: &AppState, s: &Session) -> PageResult {
    s.caller.require(&[Role::Expert])?;
    let (list, _) = assignments::list(state, &s.caller, None, 0, 100_000).await?;
    let rows: Vec<ReviewRow> = list
        .into_iter()
        .map(|v| ReviewRow {
            application_id: v.assignment.application_id,
            project_name: v.project_name,
            team_name: v.team_name,
            sessions: v.figures.sessions,
            people_served: v.figures.people_served,
            scored: v.scored,
        })
        .collect();
    Ok(html(&ReviewsTpl {
        l: layout_for(state, s, "我的评审", "/my-reviews").await?,
        done: rows.iter().filter(|r| r.scored).count(),
        rows,
    }))
}

/// `GET /my-reviews`: the applications assigned to me, with how many I have scored.
#[handler]
pub async fn reviews(state: Data<&AppState>, s: Session) -> PageResult {
    reviews_page(&state, &s).await
}

/// The expert's home is their review list.
pub async fn home(state: &AppState, s: &Session) -> PageResult {
    reviews_page(state, s).await
}

// ---------------------------------------------------------------- 评分

pub struct CriterionRow {
    pub key: String,
    pub name: String,
    pub max: String,
    pub value: String,
}

pub struct FileRow {
    pub id: i32,
    pub kind: &'static str,
    pub filename: String,
    pub size: String,
}

#[derive(Template)]
#[template(path = "expert/score.html")]
struct ScoreTpl {
    l: Layout,
    id: i32,
    project_name: String,
    team_name: String,
    unit_name: String,
    leader_name: String,
    overview: String,
    highlights: String,
    benefits: String,
    activities: i64,
    sessions: i64,
    people_served: i64,
    files: Vec<FileRow>,
    criteria: Vec<CriterionRow>,
    comment: String,
    saved: bool,
    errors: FieldErrors,
}

async fn score_page(
    state: &AppState,
    s: &Session,
    id: i32,
    typed: Option<(BTreeMap<String, String>, String)>,
    errors: FieldErrors,
    status: StatusCode,
) -> PageResult {
    // Visibility first (404 for an unassigned application), then the role.
    let v = applications::get(state, &s.caller, id).await?;
    s.caller.require(&[Role::Expert])?;
    let cycle = cycles::find(&state.db, v.app.cycle_id).await?;
    let mine = scores::list(state, &s.caller, id).await?.into_iter().next();
    let stored: BTreeMap<String, i64> = mine
        .as_ref()
        .map(|m| m.entries.iter().cloned().collect())
        .unwrap_or_default();
    let criteria = cycle
        .rubric
        .0
        .clone()
        .into_iter()
        .map(|c| CriterionRow {
            value: match &typed {
                Some((t, _)) => t.get(&c.key).cloned().unwrap_or_default(),
                None => stored.get(&c.key).map(|t| format::tenths(*t)).unwrap_or_default(),
            },
            max: format::tenths(c.max_tenths()),
            key: c.key,
            name: c.name,
        })
        .collect();
    let files = attachments::list(state, &s.caller, id)
        .await?
        .into_iter()
        .map(|a| FileRow {
            id: a.id,
            kind: kind_label(a.kind),
            filename: a.filename,
            size: format::size(a.size),
        })
        .collect();
    Ok(html_status(
        &ScoreTpl {
            l: layout_for(state, s, "评分", "/my-reviews").await?,
            id,
            project_name: v.app.project_name,
            team_name: v.team.name,
            unit_name: v.unit.name,
            leader_name: v.app.leader_name,
            overview: v.app.overview,
            highlights: v.app.highlights,
            benefits: v.app.benefits,
            activities: v.figures.activities,
            sessions: v.figures.sessions,
            people_served: v.figures.people_served,
            files,
            criteria,
            saved: mine.is_some(),
            comment: match typed {
                Some((_, c)) => c,
                None => mine.map(|m| m.score.comment).unwrap_or_default(),
            },
            errors,
        },
        status,
    ))
}

/// `GET /my-reviews/:id`: the 申报书 beside the rubric.
#[handler]
pub async fn score_form(state: Data<&AppState>, s: Session, Path(id): Path<i32>) -> PageResult {
    score_page(&state, &s, id, None, FieldErrors::default(), StatusCode::OK).await
}

/// `POST /my-reviews/:id`: saves my score (changeable until the results are published).
#[handler]
pub async fn save_score(state: Data<&AppState>, s: Session, Path(id): Path<i32>, body: String) -> PageResult {
    let p = pairs(&body);
    let comment = field(&p, "comment");
    let typed: BTreeMap<String, String> = p
        .iter()
        .filter_map(|(k, v)| k.strip_prefix("c_").map(|k| (k.to_owned(), v.clone())))
        .collect();
    let mut points = BTreeMap::new();
    let mut unreadable = None;
    for (k, v) in &typed {
        if v.trim().is_empty() {
            continue;
        }
        match v.trim().parse::<f64>() {
            Ok(x) if x.is_finite() => {
                points.insert(k.clone(), x);
            }
            _ => unreadable = Some(k.clone()),
        }
    }
    let result = match unreadable {
        Some(k) => Err(crate::error::DomainError::invalid(
            &format!("scores.{k}"),
            "请填写分数（最多一位小数）",
            "a score with at most one decimal is required",
        )
        .into()),
        None => scores::put(&state, &s.caller, id, &points, &comment).await,
    };
    match result {
        Ok(_) => Ok(see_other("/my-reviews")),
        Err(e) => {
            let e = form_error(e)?;
            let mut fields: Vec<String> = typed.keys().map(|k| format!("scores.{k}")).collect();
            fields.push("comment".into());
            let names: Vec<&str> = fields.iter().map(String::as_str).collect();
            let errors = FieldErrors::from_error(&e, &names);
            score_page(
                &state,
                &s,
                id,
                Some((typed, comment)),
                errors,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
    }
}
