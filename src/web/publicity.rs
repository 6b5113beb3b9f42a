//! 公示 and 异议 (the association): publish the ranking until an end time, the cycle's
//! objections with their state, resolving each (upheld with the new award, or dismissed, with
//! a reply), and finalizing — refused with the service's reason while the period runs or an
//! objection is open. Same services and `Caller` as the API.

use super::{
    format,
    page::{FieldErrors, Layout, PageResult, field, form_error, html_status, layout_for, pairs, see_other},
    ranking::admin,
    session::Session,
};
use crate::{
    domain::{
        cycle::{self, CycleAction, CycleStatus},
        pii,
        publicity::{AwardOverride, Decision, ObjectionStatus},
        roles::Role,
    },
    error::{AppError, DomainError},
    services::review::{finalize as finalizing, publicity, results},
    state::AppState,
};
use askama::Template;
use chrono::Duration;
use poem::{
    handler,
    http::StatusCode,
    web::{Data, Path},
};
use std::collections::HashMap;

pub fn objection_status_label(s: ObjectionStatus) -> (&'static str, &'static str) {
    match s {
        ObjectionStatus::Open => ("待处理", "warn"),
        ObjectionStatus::Upheld => ("异议成立", "ok"),
        ObjectionStatus::Dismissed => ("已驳回", ""),
    }
}

fn override_label(t: AwardOverride) -> &'static str {
    t.tier().map_or("取消奖项", |t| t.label_zh())
}

pub struct ObjectionRow {
    pub id: i32,
    pub project_name: String,
    pub team_name: String,
    pub current_tier: &'static str,
    pub reason: String,
    pub contact_name: String,
    pub contact_phone: String,
    pub lodged: String,
    pub status: &'static str,
    pub status_class: &'static str,
    pub open: bool,
    pub note: String,
    pub new_tier: Option<&'static str>,
    pub resolved: String,
}

/// What was typed into one objection's resolution form, and why it was refused.
#[derive(Default)]
pub struct ResolveForm {
    pub objection_id: i32,
    pub decision: String,
    pub new_tier: String,
    pub note: String,
    pub errors: FieldErrors,
}

pub struct TierChoice {
    pub value: &'static str,
    pub label: &'static str,
}

#[derive(Template)]
#[template(path = "admin/publicity.html")]
struct PublicityTpl {
    l: Layout,
    cycle_id: i32,
    tab: &'static str,
    title: String,
    status: &'static str,
    published: bool,
    finalized: bool,
    ends_at: Option<String>,
    can_publish: bool,
    can_resolve: bool,
    can_finalize: bool,
    ends_input: String,
    publish_errors: FieldErrors,
    finalize_error: Option<String>,
    rows: Vec<ObjectionRow>,
    open_count: usize,
    resolving: ResolveForm,
    tiers: Vec<TierChoice>,
}

/// The parts of the page a refused form fills in.
#[derive(Default)]
struct Refusal {
    ends_input: Option<String>,
    publish: FieldErrors,
    finalize: Option<String>,
    resolve: ResolveForm,
}

async fn publicity_page(
    state: &AppState,
    s: &Session,
    cycle_id: i32,
    refusal: Refusal,
    status_code: StatusCode,
) -> PageResult {
    admin(s)?;
    let ranking = results::get(state, &s.caller, cycle_id).await?;
    let c = &ranking.cycle;
    let (list, _) = publicity::list(state, &s.caller, cycle_id, None, 0, 10_000).await?;
    let lines: HashMap<i32, &results::ResultLine> = ranking
        .lines
        .iter()
        .map(|l| (l.result.application_id, l))
        .collect();
    let reader = Some(Role::Admin);
    let rows: Vec<ObjectionRow> = list
        .into_iter()
        .map(|o| {
            let line = lines.get(&o.application_id);
            let (status, status_class) = objection_status_label(o.status);
            ObjectionRow {
                id: o.id,
                project_name: line.map(|l| l.project_name.clone()).unwrap_or_default(),
                team_name: line.map(|l| l.team_name.clone()).unwrap_or_default(),
                current_tier: line.and_then(|l| l.tier).map_or("未获奖", |t| t.label_zh()),
                reason: o.reason,
                contact_name: o.contact_name,
                // R-PII: the admin reads the contact's mobile in full, as in the API.
                contact_phone: pii::mobile_for(reader, o.contact_phone),
                lodged: format::time(o.created_at),
                status,
                status_class,
                open: o.status == ObjectionStatus::Open,
                note: o.note.unwrap_or_default(),
                new_tier: o.new_tier.map(override_label),
                resolved: o.resolved_at.map(format::time).unwrap_or_default(),
            }
        })
        .collect();
    let default_end = format::input_time(state.now() + Duration::days(7));
    Ok(html_status(
        &PublicityTpl {
            l: layout_for(state, s, format!("公示与异议 · {}", c.title), "/admin/cycles").await?,
            cycle_id,
            tab: "publicity",
            title: c.title.clone(),
            status: super::admin::cycle_status_label(c.status).0,
            published: c.status == CycleStatus::Published,
            finalized: c.status == CycleStatus::Finalized,
            ends_at: c.publicity_ends_at.map(format::time),
            can_publish: cycle::transition(c.status, CycleAction::Publish).is_ok(),
            can_resolve: cycle::transition(c.status, CycleAction::ResolveObjection).is_ok(),
            can_finalize: cycle::transition(c.status, CycleAction::Finalize).is_ok(),
            ends_input: refusal.ends_input.unwrap_or(default_end),
            publish_errors: refusal.publish,
            finalize_error: refusal.finalize,
            open_count: rows.iter().filter(|r| r.open).count(),
            rows,
            resolving: refusal.resolve,
            tiers: [
                AwardOverride::First,
                AwardOverride::Second,
                AwardOverride::Third,
                AwardOverride::None,
            ]
            .into_iter()
            .map(|t| TierChoice {
                value: t.as_str(),
                label: override_label(t),
            })
            .collect(),
        },
        status_code,
    ))
}

/// `GET /admin/cycles/:id/publicity`.
#[handler]
pub async fn show(state: Data<&AppState>, s: Session, Path(id): Path<i32>) -> PageResult {
    publicity_page(&state, &s, id, Refusal::default(), StatusCode::OK).await
}

/// `POST /admin/cycles/:id/publish`: `publicity_ends_at` (China Standard Time).
#[handler]
pub async fn publish(state: Data<&AppState>, s: Session, Path(id): Path<i32>, body: String) -> PageResult {
    admin(&s)?;
    let typed = field(&pairs(&body), "publicity_ends_at");
    let result = match format::parse_input_time(&typed) {
        Some(ends_at) => publicity::publish(&state, &s.caller, id, ends_at).await,
        None => Err(DomainError::invalid(
            "publicity_ends_at",
            "请填写公示结束的日期和时间",
            "a date and time is required",
        )
        .into()),
    };
    match result {
        Ok(_) => Ok(see_other(&format!("/admin/cycles/{id}/publicity"))),
        Err(e) => {
            let e = form_error(e)?;
            let refusal = Refusal {
                ends_input: Some(typed),
                publish: FieldErrors::from_error(&e, &["publicity_ends_at"]),
                ..Default::default()
            };
            publicity_page(&state, &s, id, refusal, StatusCode::UNPROCESSABLE_ENTITY).await
        }
    }
}

/// `POST /admin/cycles/:cycle/objections/:id/resolve`: `decision` (upheld / dismissed),
/// `new_tier` (for an upheld one: first / second / third / none), `note` (the reply).
#[handler]
pub async fn resolve(
    state: Data<&AppState>,
    s: Session,
    Path((cycle_id, id)): Path<(i32, i32)>,
    body: String,
) -> PageResult {
    admin(&s)?;
    let p = pairs(&body);
    let mut form = ResolveForm {
        objection_id: id,
        decision: field(&p, "decision"),
        new_tier: field(&p, "new_tier"),
        note: field(&p, "note"),
        errors: FieldErrors::default(),
    };
    let result: Result<_, AppError> = async {
        let decision = match form.decision.as_str() {
            "upheld" => Decision::Upheld,
            "dismissed" => Decision::Dismissed,
            _ => {
                return Err(DomainError::invalid(
                    "decision",
                    "请选择处理结果（异议成立或驳回）",
                    "choose upheld or dismissed",
                )
                .into());
            }
        };
        // The tier picker only counts for an upheld objection; a dismissed one names none.
        let new_tier = match decision {
            Decision::Upheld => AwardOverride::parse(&form.new_tier),
            Decision::Dismissed => None,
        };
        publicity::resolve(&state, &s.caller, id, decision, &form.note, new_tier).await
    }
    .await;
    match result {
        Ok(o) => Ok(see_other(&format!("/admin/cycles/{}/publicity", o.cycle_id))),
        Err(e) => {
            let e = form_error(e)?;
            form.errors = FieldErrors::from_error(&e, &["decision", "new_tier", "note"]);
            let refusal = Refusal {
                resolve: form,
                ..Default::default()
            };
            publicity_page(&state, &s, cycle_id, refusal, StatusCode::UNPROCESSABLE_ENTITY).await
        }
    }
}

/// `POST /admin/cycles/:id/finalize`: fixes the awards and creates the payouts; refused with
/// the reason (the period still runs, objections open) shown on the page.
#[handler]
pub async fn finalize(state: Data<&AppState>, s: Session, Path(id): Path<i32>) -> PageResult {
    admin(&s)?;
    match finalizing::finalize(&state, &s.caller, id).await {
        Ok(_) => Ok(see_other(&format!("/admin/cycles/{id}/publicity"))),
        Err(e) => {
            let e = form_error(e)?;
            let refusal = Refusal {
                finalize: Some(e.zh.to_string()),
                ..Default::default()
            };
            publicity_page(&state, &s, id, refusal, StatusCode::UNPROCESSABLE_ENTITY).await
        }
    }
}
