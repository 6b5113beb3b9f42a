//! Pages without a login: the landing page, login and logout, the published results of a
//! cycle (公示) and the objection form (异议) — the same services, and the same absence of
//! personal data, as `GET /api/v1/public/cycles/{id}/results`.

use super::{
    format,
    page::{
        FieldErrors, Layout, PageError, PageResult, field, form_error, html, html_status, pairs, see_other,
    },
    session::{self, Session, csrf_of},
};
use crate::{
    domain::{cycle::CycleStatus, publicity::check_objection_window},
    services::{accounts, cycles, review},
    state::AppState,
};
use askama::Template;
use poem::{
    Request, handler,
    http::StatusCode,
    web::{Data, Path, Query},
};
use serde::Deserialize;

/// A cycle whose results are public.
pub struct PublicCycle {
    pub id: i32,
    pub title: String,
    pub status: &'static str,
}

async fn public_cycles(state: &AppState) -> Result<Vec<PublicCycle>, PageError> {
    let (all, _) = cycles::list(state, 0, 100).await?;
    let mut out = vec![];
    for c in all.into_iter().rev() {
        let label = match c.status {
            CycleStatus::Published => "公示中",
            CycleStatus::Finalized => "已定案",
            _ => continue,
        };
        out.push(PublicCycle {
            id: c.id,
            title: c.title,
            status: label,
        });
    }
    Ok(out)
}

#[derive(Template)]
#[template(path = "public/landing.html")]
struct LandingTpl {
    l: Layout,
    cycles: Vec<PublicCycle>,
}

/// `GET /`: what the service is, the login, the published results.
#[handler]
pub async fn landing(req: &Request, state: Data<&AppState>) -> PageResult {
    Ok(html(&LandingTpl {
        l: Layout::public("首页", &csrf_of(req)),
        cycles: public_cycles(&state).await?,
    }))
}

#[derive(Template)]
#[template(path = "public/login.html")]
struct LoginTpl {
    l: Layout,
    username: String,
    next: String,
    error: Option<String>,
}

#[derive(Deserialize)]
pub struct NextQuery {
    next: Option<String>,
}

/// `GET /login`.
#[handler]
pub fn login_form(req: &Request, Query(q): Query<NextQuery>) -> PageResult {
    Ok(html(&LoginTpl {
        l: Layout::public("登录", &csrf_of(req)),
        username: String::new(),
        next: q.next.unwrap_or_else(|| "/home".into()),
        error: None,
    }))
}

/// `POST /login`: the accounts service's login (and its throttling); the token becomes the
/// session cookie.
#[handler]
pub async fn login(req: &Request, state: Data<&AppState>, body: String) -> PageResult {
    let p = pairs(&body);
    let (username, password, next) = (field(&p, "username"), field(&p, "password"), field(&p, "next"));
    let client = crate::client_addr::of_request(req, &state.settings.security.trusted_proxies);
    match accounts::login(&state, &username, &password, client).await {
        Ok(out) => Ok(session::start(&state, &out.token, &next)),
        Err(crate::error::AppError::Domain(e)) => {
            let status = match e.kind {
                crate::error::Kind::TooManyRequests => StatusCode::TOO_MANY_REQUESTS,
                crate::error::Kind::Forbidden => StatusCode::FORBIDDEN,
                crate::error::Kind::Unprocessable => StatusCode::UNPROCESSABLE_ENTITY,
                _ => StatusCode::UNAUTHORIZED,
            };
            let mut resp = html_status(
                &LoginTpl {
                    l: Layout::public("登录", &csrf_of(req)),
                    username: username.chars().take(64).collect(),
                    next,
                    error: Some(e.zh.to_string()),
                },
                status,
            );
            if let Some(secs) = e.retry_after
                && let Ok(v) = secs.to_string().parse()
            {
                resp.headers_mut().insert("retry-after", v);
            }
            Ok(resp)
        }
        Err(e) => Err(e.into()),
    }
}

/// `POST /logout`: revokes the session row and clears the cookie.
#[handler]
pub async fn logout(state: Data<&AppState>, s: Session) -> PageResult {
    accounts::logout(&state, &s.caller, &s.token).await?;
    Ok(session::end(&state))
}

#[derive(Template)]
#[template(path = "public/results_index.html")]
struct ResultsIndexTpl {
    l: Layout,
    cycles: Vec<PublicCycle>,
}

/// `GET /results`.
#[handler]
pub async fn results_index(req: &Request, state: Data<&AppState>) -> PageResult {
    Ok(html(&ResultsIndexTpl {
        l: Layout::public("评审结果公示", &csrf_of(req)),
        cycles: public_cycles(&state).await?,
    }))
}

/// One published line: no personal data (no names of people, no phones, no accounts).
pub struct PublicLine {
    pub rank: i32,
    pub application_id: i32,
    pub team_name: String,
    pub unit_name: String,
    pub project_name: String,
    pub tier: &'static str,
    pub score: String,
}

/// The objection form's values.
#[derive(Default)]
pub struct ObjectionForm {
    pub application_id: String,
    pub reason: String,
    pub contact_name: String,
    pub contact_phone: String,
}

#[derive(Template)]
#[template(path = "public/results.html")]
struct ResultsTpl {
    l: Layout,
    cycle_id: i32,
    title: String,
    publicity_ends: Option<String>,
    objections_open: bool,
    lines: Vec<PublicLine>,
    form: ObjectionForm,
    errors: FieldErrors,
    lodged: bool,
}

#[derive(Deserialize)]
pub struct LodgedQuery {
    lodged: Option<u8>,
}

async fn results_page(
    req: &Request,
    state: &AppState,
    id: i32,
    form: ObjectionForm,
    errors: FieldErrors,
    lodged: bool,
) -> Result<ResultsTpl, PageError> {
    let ranking = review::results::public(state, id).await?;
    let cycle = &ranking.cycle;
    let objections_open = check_objection_window(cycle.status, cycle.publicity_ends_at, state.now()).is_ok();
    Ok(ResultsTpl {
        l: Layout::public(format!("{} · 结果公示", cycle.title), &csrf_of(req)),
        cycle_id: id,
        title: cycle.title.clone(),
        publicity_ends: cycle.publicity_ends_at.map(format::time),
        objections_open,
        lines: ranking
            .lines
            .iter()
            .map(|l| PublicLine {
                rank: l.result.rank,
                application_id: l.result.application_id,
                team_name: l.team_name.clone(),
                unit_name: l.unit_name.clone(),
                project_name: l.project_name.clone(),
                tier: l.tier.map_or("未获奖", |t| t.label_zh()),
                score: format!("{:.2}", l.result.final_score),
            })
            .collect(),
        form,
        errors,
        lodged,
    })
}

/// `GET /results/:id`: the published ranking and, during publicity, the objection form.
#[handler]
pub async fn results(
    req: &Request,
    state: Data<&AppState>,
    Path(id): Path<i32>,
    Query(q): Query<LodgedQuery>,
) -> PageResult {
    let t = results_page(
        req,
        &state,
        id,
        ObjectionForm::default(),
        FieldErrors::default(),
        q.lodged == Some(1),
    )
    .await?;
    Ok(html(&t))
}

/// `POST /results/:id/objections`: lodges an objection (the publicity service's rules).
#[handler]
pub async fn lodge_objection(
    req: &Request,
    state: Data<&AppState>,
    Path(id): Path<i32>,
    body: String,
) -> PageResult {
    let p = pairs(&body);
    let form = ObjectionForm {
        application_id: field(&p, "application_id"),
        reason: field(&p, "reason"),
        contact_name: field(&p, "contact_name"),
        contact_phone: field(&p, "contact_phone"),
    };
    let new = review::publicity::NewObjection {
        application_id: form.application_id.trim().parse().unwrap_or(0),
        reason: form.reason.clone(),
        contact_name: form.contact_name.clone(),
        contact_phone: form.contact_phone.clone(),
    };
    // The same per-address limit as the API (issue 20.3), told in Chinese on the page.
    let rate = state.settings.objection_rate_per_minute;
    if let Some(ip) = req.remote_addr().as_socket_addr().map(|a| a.ip())
        && let Err(wait) = crate::throttle::objection(&state.db, &ip.to_string(), rate, state.now()).await?
    {
        let e = crate::api::objections::too_many_objections(wait);
        let errors = FieldErrors::from_error(&e, &[]);
        let t = results_page(req, &state, id, form, errors, false).await?;
        let mut resp = html_status(&t, StatusCode::TOO_MANY_REQUESTS);
        if let Ok(v) = wait.to_string().parse() {
            resp.headers_mut().insert(poem::http::header::RETRY_AFTER, v);
        }
        return Ok(resp);
    }
    match review::publicity::lodge(&state, id, new).await {
        Ok(_) => Ok(see_other(&format!("/results/{id}?lodged=1#objection"))),
        Err(e) => {
            let e = form_error(e)?;
            let errors =
                FieldErrors::from_error(&e, &["application_id", "reason", "contact_name", "contact_phone"]);
            let t = results_page(req, &state, id, form, errors, false).await?;
            Ok(html_status(&t, StatusCode::UNPROCESSABLE_ENTITY))
        }
    }
}

/// `GET /home`: each role's start page.
#[handler]
pub async fn home(state: Data<&AppState>, s: Session) -> PageResult {
    use crate::domain::roles::Role;
    match s.caller.role {
        Role::Team => super::team::home(&state, &s).await,
        Role::Unit | Role::District | Role::Admin => super::review::home(&state, &s).await,
        Role::Expert => super::experts::home(&state, &s).await,
        Role::Finance => super::payout_summary::home(&state, &s).await,
    }
}
