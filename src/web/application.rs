//! 项目申报书 (attachment 2): the team's form (sections 一 to 四, counted activities, bank
//! account), the submit checklist (R-SUBMIT), the opinion timeline; and the same page laid
//! out like the paper form for the unit and the district, with their opinion form.

use super::{
    evidence::{self, EvidenceView},
    format,
    page::{
        FieldErrors, Layout, PageError, PageResult, all, field, form_error, html, html_status, layout_for,
        own_team, pairs, see_other,
    },
    session::Session,
};
use crate::{
    domain::{
        application::{self, ApplicationStatus, Decision, OpinionStep},
        bank::BankFields,
        pii,
        roles::Role,
    },
    error::{AppError, DomainError},
    services::{
        activities::{self, ActivityFilter},
        application_lookup::why_not_counted,
        applications::{self, ApplicationFields, ApplicationFilter},
        cycles, opinions, orgs, submission,
    },
    state::AppState,
};
use askama::Template;
use poem::{
    handler,
    http::StatusCode,
    web::{Data, Path},
};

pub fn status_label(s: ApplicationStatus) -> (&'static str, &'static str) {
    match s {
        ApplicationStatus::Draft => ("草稿", ""),
        ApplicationStatus::Submitted => ("已提交 · 待隶属单位意见", "warn"),
        ApplicationStatus::UnitApproved => ("隶属单位已同意 · 待推荐/审核", "warn"),
        ApplicationStatus::DistrictApproved => ("区县科协已推荐 · 待市科协审核", "warn"),
        ApplicationStatus::Accepted => ("市科协已受理", "ok"),
        ApplicationStatus::Returned => ("退回修改", "bad"),
        ApplicationStatus::Rejected => ("未通过", "bad"),
        ApplicationStatus::Awarded => ("获奖", "ok"),
        ApplicationStatus::NotAwarded => ("未获奖", ""),
    }
}

fn status_of(app: &entity::applications::Model) -> Result<ApplicationStatus, PageError> {
    Ok(app.status)
}

/// The cycles whose application window is open now.
async fn open_cycles(state: &AppState) -> Result<Vec<entity::cycles::Model>, PageError> {
    Ok(cycles::open_for_applications(state, state.now()).await?)
}

/// One of the team's activities in the counted-activities checklist.
pub struct PickRow {
    pub id: i32,
    pub name: String,
    pub date: String,
    pub sessions: String,
    pub people: String,
    pub checked: bool,
    /// Why it cannot be counted (then it cannot be picked).
    pub reason: Option<&'static str>,
}

/// What the application form holds (kept as typed when refused).
#[derive(Default)]
pub struct AppForm {
    pub project_name: String,
    pub leader_name: String,
    pub leader_title: String,
    pub phone: String,
    pub mobile: String,
    pub overview: String,
    pub highlights: String,
    pub benefits: String,
    pub activity_ids: Vec<i32>,
    pub bank_name: String,
    pub account_no: String,
    pub account_name: String,
}

impl AppForm {
    fn from_body(body: &str) -> Self {
        let p = pairs(body);
        Self {
            project_name: field(&p, "project_name"),
            leader_name: field(&p, "leader_name"),
            leader_title: field(&p, "leader_title"),
            phone: field(&p, "phone"),
            mobile: field(&p, "mobile"),
            overview: field(&p, "overview"),
            highlights: field(&p, "highlights"),
            benefits: field(&p, "benefits"),
            activity_ids: all(&p, "activity_ids")
                .iter()
                .filter_map(|v| v.parse().ok())
                .collect(),
            bank_name: field(&p, "bank_name"),
            account_no: field(&p, "account_no"),
            account_name: field(&p, "account_name"),
        }
    }
    fn from_model(a: &entity::applications::Model, activity_ids: Vec<i32>) -> Self {
        Self {
            project_name: a.project_name.clone(),
            leader_name: a.leader_name.clone(),
            leader_title: a.leader_title.clone(),
            phone: a.phone.clone(),
            mobile: a.mobile.clone(),
            overview: a.overview.clone(),
            highlights: a.highlights.clone(),
            benefits: a.benefits.clone(),
            activity_ids,
            bank_name: a.bank_name.clone(),
            account_no: a.account_no.clone(),
            account_name: a.account_name.clone(),
        }
    }
    fn fields(&self) -> ApplicationFields {
        ApplicationFields {
            project_name: Some(self.project_name.clone()),
            leader_name: Some(self.leader_name.clone()),
            leader_title: Some(self.leader_title.clone()),
            phone: Some(self.phone.clone()),
            mobile: Some(self.mobile.clone()),
            overview: Some(self.overview.clone()),
            highlights: Some(self.highlights.clone()),
            benefits: Some(self.benefits.clone()),
            activity_ids: Some(self.activity_ids.clone()),
            bank: Some(BankFields {
                bank_name: self.bank_name.clone(),
                account_no: self.account_no.clone(),
                account_name: self.account_name.clone(),
            }),
        }
    }
}

const FIELDS: [&str; 12] = [
    "project_name",
    "leader_name",
    "leader_title",
    "phone",
    "mobile",
    "overview",
    "highlights",
    "benefits",
    "activity_ids",
    "bank.bank_name",
    "bank.account_no",
    "bank.account_name",
];

/// The error's field as the form names it (`activity_ids[2]` is the checklist as a whole).
fn errors_for(e: &DomainError) -> FieldErrors {
    let mut e = e.clone();
    if e.field.as_deref().is_some_and(|f| f.starts_with("activity_ids")) {
        e.field = Some("activity_ids".into());
    }
    FieldErrors::from_error(&e, &FIELDS)
}

#[derive(Template)]
#[template(path = "team/application_form.html")]
struct FormTpl {
    l: Layout,
    action: String,
    cycle_title: String,
    team_name: String,
    unit_name: String,
    founded_on: String,
    volunteers: i32,
    form: AppForm,
    picks: Vec<PickRow>,
    errors: FieldErrors,
}

async fn render_form(
    state: &AppState,
    s: &Session,
    cycle: &entity::cycles::Model,
    action: String,
    form: AppForm,
    errors: FieldErrors,
    status: StatusCode,
) -> PageResult {
    let team_id = own_team(s)?;
    let team = orgs::get_team(state, &s.caller, team_id).await?;
    let unit_name = orgs::unit_names(&state.db, [team.unit_id])
        .await?
        .remove(&team.unit_id)
        .unwrap_or_default();
    let filter = ActivityFilter {
        team_id: Some(team_id),
        status: None,
        from: None,
        to: None,
    };
    let (acts, _) = activities::list(state, &s.caller, filter, 0, 1000).await?;
    let picks = acts
        .iter()
        .rev()
        .map(|r| {
            let a = &r.activity;
            PickRow {
                id: a.id,
                name: a.name.clone(),
                date: format::time(a.actual_start.unwrap_or(a.planned_start)),
                sessions: a.sessions.map_or("—".into(), |v| v.to_string()),
                people: a.people_served.map_or("—".into(), |v| v.to_string()),
                checked: form.activity_ids.contains(&a.id),
                reason: why_not_counted(a, team_id, cycle),
            }
        })
        .collect();
    Ok(html_status(
        &FormTpl {
            l: layout_for(state, s, "项目申报书", "/application").await?,
            action,
            cycle_title: cycle.title.clone(),
            team_name: team.name.clone(),
            unit_name,
            founded_on: format::date(team.founded_on),
            volunteers: team.volunteer_count,
            form,
            picks,
            errors,
        },
        status,
    ))
}

#[derive(Template)]
#[template(path = "team/no_application.html")]
struct NoneTpl {
    l: Layout,
    mine: Vec<(i32, String, &'static str)>,
}

/// `GET /application`: the team's application in the open cycle, or a new one, or (no open
/// cycle) the team's past applications.
#[handler]
pub async fn current(state: Data<&AppState>, s: Session) -> PageResult {
    let team_id = own_team(&s)?;
    let filter = ApplicationFilter {
        cycle_id: None,
        status: None,
        team_id: Some(team_id),
    };
    let (mine, _) = applications::list(&state, &s.caller, filter, 0, 100).await?;
    if let Some(cycle) = open_cycles(&state).await?.into_iter().next() {
        if let Some(v) = mine.iter().find(|v| v.app.cycle_id == cycle.id) {
            return Ok(see_other(&format!("/applications/{}", v.app.id)));
        }
        let action = format!("/cycles/{}/application", cycle.id);
        let blank = AppForm::default();
        return render_form(
            &state,
            &s,
            &cycle,
            action,
            blank,
            FieldErrors::default(),
            StatusCode::OK,
        )
        .await;
    }
    let mut rows = vec![];
    for v in mine.iter().rev() {
        rows.push((
            v.app.id,
            v.app.project_name.clone(),
            status_label(status_of(&v.app)?).0,
        ));
    }
    Ok(html(&NoneTpl {
        l: layout_for(&state, &s, "项目申报", "/application").await?,
        mine: rows,
    }))
}

/// `POST /cycles/:id/application`: creates the draft (R-ONE, R-NAME, R-BANK, R-EXCLUDE in
/// the applications service).
#[handler]
pub async fn create(
    state: Data<&AppState>,
    s: Session,
    Path(cycle_id): Path<i32>,
    body: String,
) -> PageResult {
    let team_id = own_team(&s)?;
    let form = AppForm::from_body(&body);
    match applications::create(&state, &s.caller, cycle_id, team_id, form.fields()).await {
        Ok(app) => Ok(see_other(&format!("/applications/{}", app.id))),
        Err(e) => {
            let e = form_error(e)?;
            let cycle = cycles::find(&state.db, cycle_id).await?;
            let action = format!("/cycles/{cycle_id}/application");
            render_form(
                &state,
                &s,
                &cycle,
                action,
                form,
                errors_for(&e),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
    }
}

/// `GET /applications/:id/edit` (draft or returned).
#[handler]
pub async fn edit_form(state: Data<&AppState>, s: Session, Path(id): Path<i32>) -> PageResult {
    own_team(&s)?;
    let app = applications::find_editable_by_owner(&state.db, &s.caller, id).await?;
    let v = applications::view(&state.db, app).await?;
    let cycle = cycles::find(&state.db, v.app.cycle_id).await?;
    let form = AppForm::from_model(&v.app, v.activity_ids.clone());
    render_form(
        &state,
        &s,
        &cycle,
        format!("/applications/{id}/edit"),
        form,
        FieldErrors::default(),
        StatusCode::OK,
    )
    .await
}

/// `POST /applications/:id/edit`.
#[handler]
pub async fn update(state: Data<&AppState>, s: Session, Path(id): Path<i32>, body: String) -> PageResult {
    own_team(&s)?;
    let form = AppForm::from_body(&body);
    match applications::update(&state, &s.caller, id, form.fields()).await {
        Ok(_) => Ok(see_other(&format!("/applications/{id}"))),
        Err(e) => {
            let e = form_error(e)?;
            let app = applications::find_visible(&state.db, &s.caller, id).await?;
            let cycle = cycles::find(&state.db, app.cycle_id).await?;
            let action = format!("/applications/{id}/edit");
            render_form(
                &state,
                &s,
                &cycle,
                action,
                form,
                errors_for(&e),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
    }
}

/// One item of the submit checklist, linked to where it is fixed.
pub struct CheckRow {
    pub label: &'static str,
    pub met: bool,
    pub message: String,
    pub fix: Option<String>,
}

pub struct OpinionRow {
    pub step: &'static str,
    pub decision: &'static str,
    pub class: &'static str,
    pub comment: String,
    pub who: String,
    pub at: String,
}

pub struct CountedRow {
    pub id: i32,
    pub name: String,
    pub date: String,
    pub sessions: String,
    pub people: String,
}

#[derive(Template)]
#[template(path = "team/application.html")]
struct PageTpl {
    l: Layout,
    id: i32,
    project_name: String,
    cycle_title: String,
    status: &'static str,
    status_class: &'static str,
    team_name: String,
    unit_name: String,
    founded_on: String,
    volunteers: i32,
    a: entity::applications::Model,
    account_no: String,
    figures: (i64, i64, i64),
    counted: Vec<CountedRow>,
    ev: EvidenceView,
    timeline: Vec<OpinionRow>,
    is_team: bool,
    editable: bool,
    checks: Vec<CheckRow>,
    ready: bool,
    opinion_step: Option<&'static str>,
    opinion_errors: FieldErrors,
    opinion_comment: String,
}

fn fix_for(id: i32, field: Option<&str>) -> Option<String> {
    match field? {
        f if f.starts_with("attachments") => Some("#evidence".into()),
        "platform_id" | "team_id" => None,
        "activity_ids" => Some(format!("/applications/{id}/edit#activities")),
        f => Some(format!("/applications/{id}/edit#{f}")),
    }
}

fn step_label(step: OpinionStep) -> &'static str {
    match step {
        OpinionStep::Unit => "隶属单位意见",
        OpinionStep::District => "区县科协推荐意见",
        OpinionStep::Municipal => "市科协审核意见",
    }
}

/// The application page for any role in scope (another team's application is the 404 page).
pub async fn page(state: &AppState, s: &Session, id: i32, ev_error: Option<String>) -> PageResult {
    render_page(
        state,
        s,
        id,
        ev_error,
        FieldErrors::default(),
        String::new(),
        StatusCode::OK,
    )
    .await
}

pub async fn render_page(
    state: &AppState,
    s: &Session,
    id: i32,
    ev_error: Option<String>,
    opinion_errors: FieldErrors,
    opinion_comment: String,
    status: StatusCode,
) -> PageResult {
    let v = applications::get(state, &s.caller, id).await?;
    let st = status_of(&v.app)?;
    let cycle = cycles::find(&state.db, v.app.cycle_id).await?;
    let is_team = s.caller.is(Role::Team);
    let editable = is_team && application::is_editable(st);
    let mut checks = vec![];
    if editable {
        for c in submission::readiness(&state.db, &v.app, &cycle, &v.team, state.now()).await? {
            checks.push(CheckRow {
                label: c.label,
                met: c.met,
                message: c.error.zh.to_string(),
                fix: fix_for(id, c.error.field.as_deref()),
            });
        }
    }
    let ready = !checks.is_empty() && checks.iter().all(|c| c.met);
    let mut counted = vec![];
    for a in &activities::get_many(state, &s.caller, &v.activity_ids).await? {
        counted.push(CountedRow {
            id: a.id,
            name: a.name.clone(),
            date: format::time(a.actual_start.unwrap_or(a.planned_start)),
            sessions: a.sessions.map_or("—".into(), |x| x.to_string()),
            people: a.people_served.map_or("—".into(), |x| x.to_string()),
        });
    }
    let timeline = v
        .opinions
        .iter()
        .map(|(o, who)| {
            let step = step_label(o.step);
            let (decision, class) = match o.decision {
                Decision::Approve => ("同意", "approve"),
                Decision::Return => ("退回修改", "return"),
                Decision::Reject => ("不同意", "reject"),
            };
            OpinionRow {
                step,
                decision,
                class,
                comment: o.comment.clone(),
                who: who.clone(),
                at: format::time(o.at),
            }
        })
        .collect();
    // R-PII: the full account number on the application itself for the owning team, finance,
    // and the unit and district that stamp it (issue 18.6).
    let account_no = if pii::account_in_full_on_application(Some(s.caller.role)) {
        v.app.account_no.clone()
    } else {
        pii::mask_account(&v.app.account_no)
    };
    let opinion_step = opinions::my_step(&s.caller, &v.unit, st).map(step_label);
    let (label, class) = status_label(st);
    let ev = evidence::view_of(state, s, &v.app, ev_error).await?;
    let active = if is_team { "/application" } else { "/review" };
    Ok(html_status(
        &PageTpl {
            l: layout_for(state, s, v.app.project_name.clone(), active).await?,
            id,
            project_name: v.app.project_name.clone(),
            cycle_title: cycle.title.clone(),
            status: label,
            status_class: class,
            team_name: v.team.name.clone(),
            unit_name: v.unit.name.clone(),
            founded_on: format::date(v.team.founded_on),
            volunteers: v.team.volunteer_count,
            account_no,
            figures: (v.figures.activities, v.figures.sessions, v.figures.people_served),
            a: v.app,
            counted,
            ev,
            timeline,
            is_team,
            editable,
            checks,
            ready,
            opinion_step,
            opinion_errors,
            opinion_comment,
        },
        status,
    ))
}

/// `GET /applications/:id`.
#[handler]
pub async fn show(state: Data<&AppState>, s: Session, Path(id): Path<i32>) -> PageResult {
    page(&state, &s, id, None).await
}

/// `POST /applications/:id/submit`: R-SUBMIT through the submission service; a refusal
/// shows the page again (its checklist says what is missing).
#[handler]
pub async fn submit(state: Data<&AppState>, s: Session, Path(id): Path<i32>) -> PageResult {
    match submission::submit(&state, &s.caller, id).await {
        Ok(_) => Ok(see_other(&format!("/applications/{id}"))),
        Err(e) => {
            let e = form_error(e)?;
            let errors = FieldErrors::from_error(&e, &[]);
            render_page(
                &state,
                &s,
                id,
                None,
                errors,
                String::new(),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
    }
}

/// The decision a unit or district picked on the opinion form.
pub fn parse_decision(v: &str) -> Result<Decision, AppError> {
    match v {
        "approve" => Ok(Decision::Approve),
        "return" => Ok(Decision::Return),
        "reject" => Ok(Decision::Reject),
        _ => Err(DomainError::invalid(
            "decision",
            "请选择意见：同意、退回修改或不同意",
            "choose a decision",
        )
        .into()),
    }
}
