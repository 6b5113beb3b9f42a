//! 活动登记 (attachment 1 of the notice), the activity list and detail, and 情况填报 (report):
//! the activities service with the caller's scope, exactly as the API.

use super::{
    format,
    page::{
        FieldErrors, Layout, PageError, PageResult, all, field, form_error, html, html_status, layout_for,
        own_team, pairs, see_other,
    },
    session::Session,
};
use crate::{
    domain::{
        activity::{self, ActivityStatus, Category, Report},
        cst,
        roles::Role,
    },
    error::DomainError,
    services::{
        activities::{self, ActivityFields, ActivityFilter, ActivityRecord},
        orgs,
    },
    state::AppState,
};
use askama::Template;
use chrono::{Datelike, NaiveDate, TimeZone};
use poem::{
    handler,
    http::StatusCode,
    web::{Data, Path, Query},
};
use serde::Deserialize;
use std::collections::HashMap;

/// An activity as lists and the detail page show it.
pub struct ActivityRow {
    pub id: i32,
    pub name: String,
    pub category: String,
    pub team_name: String,
    pub start: String,
    pub end: String,
    pub location: String,
    pub leader: String,
    pub status: &'static str,
    pub status_class: &'static str,
    pub may_edit: bool,
    pub may_report: bool,
    pub reported: bool,
    pub tasks: Vec<(String, String)>,
    pub report: Vec<(&'static str, String)>,
}

fn status(a: &entity::activities::Model) -> Result<ActivityStatus, PageError> {
    Ok(a.status)
}

pub fn row(
    state: &AppState,
    r: &ActivityRecord,
    team_name: String,
    is_team: bool,
) -> Result<ActivityRow, PageError> {
    let a = &r.activity;
    let st = status(a)?;
    let now = state.now();
    let may_report = is_team && activity::may_report(st, a.planned_start, now);
    let (label, class) = match st {
        ActivityStatus::Registered if may_report => ("待填报", "warn"),
        ActivityStatus::Registered => ("已登记 · 待开展", ""),
        ActivityStatus::Reported => ("已填报", "ok"),
        ActivityStatus::Cancelled => ("已取消", "bad"),
    };
    let mut figures = vec![];
    if st == ActivityStatus::Reported {
        if let (Some(s), Some(e)) = (a.actual_start, a.actual_end) {
            figures.push(("实际时间", format!("{} 至 {}", format::time(s), format::time(e))));
        }
        figures.push(("场次", a.sessions.unwrap_or_default().to_string()));
        figures.push(("服务对象人数", a.people_served.unwrap_or_default().to_string()));
        figures.push(("参与志愿者", a.volunteers.unwrap_or_default().to_string()));
        figures.push(("情况简述", a.summary.clone().unwrap_or_default()));
    }
    Ok(ActivityRow {
        id: a.id,
        name: a.name.clone(),
        category: a.category.name().to_owned(),
        team_name,
        start: format::time(a.planned_start),
        end: format::time(a.planned_end),
        location: a.location.clone(),
        leader: a.leader_name.clone(),
        status: label,
        status_class: class,
        may_edit: is_team && activity::may_edit(st, a.planned_start, now),
        may_report,
        reported: st == ActivityStatus::Reported,
        tasks: r
            .tasks
            .iter()
            .map(|t| (t.content.clone(), t.target.clone()))
            .collect(),
        report: figures,
    })
}

/// Team names by id for the caller's scope.
pub async fn team_names(state: &AppState, s: &Session) -> Result<HashMap<i32, String>, PageError> {
    let (teams, _) = orgs::list_teams(state, &s.caller, None, 0, 10_000).await?;
    Ok(teams.into_iter().map(|t| (t.id, t.name)).collect())
}

#[derive(Deserialize, Default)]
pub struct ListQuery {
    /// `2026-03`: only activities planned to start in that month (CST).
    pub month: Option<String>,
    pub team_id: Option<i32>,
}

/// The filter for a `YYYY-MM` month in China Standard Time.
pub fn month_filter(month: Option<&str>, team_id: Option<i32>) -> ActivityFilter {
    let range = month
        .and_then(|m| NaiveDate::parse_from_str(&format!("{}-01", m.trim()), "%Y-%m-%d").ok())
        .and_then(|first| {
            let next = if first.month() == 12 {
                NaiveDate::from_ymd_opt(first.year() + 1, 1, 1)
            } else {
                NaiveDate::from_ymd_opt(first.year(), first.month() + 1, 1)
            }?;
            let at = |d: NaiveDate| cst().from_local_datetime(&d.and_hms_opt(0, 0, 0)?).single();
            Some((
                at(first)?.to_utc(),
                at(next)?.to_utc() - chrono::Duration::seconds(1),
            ))
        });
    ActivityFilter {
        team_id,
        status: None,
        from: range.map(|r| r.0),
        to: range.map(|r| r.1),
    }
}

#[derive(Template)]
#[template(path = "team/activities.html")]
struct ListTpl {
    l: Layout,
    is_team: bool,
    month: String,
    upcoming: Vec<ActivityRow>,
    past: Vec<ActivityRow>,
}

/// `GET /activities`: the caller's activities (a team its own; a unit or district those of
/// its teams), upcoming and past, filtered by month.
#[handler]
pub async fn list(state: Data<&AppState>, s: Session, Query(q): Query<ListQuery>) -> PageResult {
    let names = team_names(&state, &s).await?;
    let (records, _) = activities::list(
        &state,
        &s.caller,
        month_filter(q.month.as_deref(), q.team_id),
        0,
        1000,
    )
    .await?;
    let is_team = s.caller.is(Role::Team);
    let now = state.now();
    let (mut upcoming, mut past) = (vec![], vec![]);
    for r in &records {
        let name = names.get(&r.activity.team_id).cloned().unwrap_or_default();
        let item = row(&state, r, name, is_team)?;
        if r.activity.planned_start > now {
            upcoming.push(item);
        } else {
            past.push(item);
        }
    }
    past.reverse();
    Ok(html(&ListTpl {
        l: layout_for(&state, &s, "活动", "/activities").await?,
        is_team,
        month: q.month.unwrap_or_default(),
        upcoming,
        past,
    }))
}

/// What the registration form holds (kept as typed when it is refused).
#[derive(Default)]
pub struct ActivityForm {
    pub name: String,
    pub category: String,
    pub planned_start: String,
    pub planned_end: String,
    pub location: String,
    pub leader_name: String,
    pub leader_mobile: String,
    pub tasks: Vec<TaskRow>,
}

pub struct TaskRow {
    pub content: String,
    pub target: String,
    pub content_error: Option<String>,
    pub target_error: Option<String>,
}

pub(super) const FIELDS: [&str; 8] = [
    "name",
    "category",
    "planned_start",
    "planned_end",
    "location",
    "leader_name",
    "leader_mobile",
    "tasks",
];

impl ActivityForm {
    pub(super) fn from_body(body: &str) -> Self {
        let p = pairs(body);
        let contents = all(&p, "task_content");
        let targets = all(&p, "task_target");
        let tasks = contents
            .into_iter()
            .zip(targets)
            .filter(|(c, t)| !(c.trim().is_empty() && t.trim().is_empty()))
            .map(|(content, target)| TaskRow {
                content,
                target,
                content_error: None,
                target_error: None,
            })
            .collect();
        Self {
            name: field(&p, "name"),
            category: field(&p, "category"),
            planned_start: field(&p, "planned_start"),
            planned_end: field(&p, "planned_end"),
            location: field(&p, "location"),
            leader_name: field(&p, "leader_name"),
            leader_mobile: field(&p, "leader_mobile"),
            tasks,
        }
    }

    fn from_record(r: &ActivityRecord) -> Self {
        let a = &r.activity;
        Self {
            name: a.name.clone(),
            category: a.category.as_str().to_owned(),
            planned_start: format::input_time(a.planned_start),
            planned_end: format::input_time(a.planned_end),
            location: a.location.clone(),
            leader_name: a.leader_name.clone(),
            leader_mobile: a.leader_mobile.clone(),
            tasks: r
                .tasks
                .iter()
                .map(|t| TaskRow {
                    content: t.content.clone(),
                    target: t.target.clone(),
                    content_error: None,
                    target_error: None,
                })
                .collect(),
        }
    }

    /// The service's fields; a time or category that does not parse is named by its field.
    pub(super) fn fields(&self) -> Result<ActivityFields, DomainError> {
        let time = |field: &str, v: &str| {
            format::parse_input_time(v).ok_or_else(|| {
                DomainError::invalid(field, "请填写有效的日期和时间", "enter a valid date and time")
            })
        };
        Ok(ActivityFields {
            name: Some(self.name.clone()),
            category: Some(
                Category::from_text(&self.category)
                    .ok_or_else(|| DomainError::invalid("category", "请选择活动类别", "choose a category"))?,
            ),
            planned_start: Some(time("planned_start", &self.planned_start)?),
            planned_end: Some(time("planned_end", &self.planned_end)?),
            location: Some(self.location.clone()),
            leader_name: Some(self.leader_name.clone()),
            leader_mobile: Some(self.leader_mobile.clone()),
            tasks: Some(
                self.tasks
                    .iter()
                    .map(|t| (t.content.clone(), t.target.clone()))
                    .collect(),
            ),
        })
    }

    /// Puts an error under its field; a task's under its row.
    fn place(&mut self, e: &DomainError) -> FieldErrors {
        self.place_in(e, &FIELDS)
    }

    /// As [`Self::place`], for a form holding `fields` (the registration's and more).
    pub(super) fn place_in(&mut self, e: &DomainError, fields: &[&str]) -> FieldErrors {
        if let Some(f) = &e.field {
            for (i, t) in self.tasks.iter_mut().enumerate() {
                if *f == format!("tasks[{i}].content") {
                    t.content_error = Some(e.zh.to_string());
                    return FieldErrors::default();
                }
                if *f == format!("tasks[{i}].target") {
                    t.target_error = Some(e.zh.to_string());
                    return FieldErrors::default();
                }
            }
        }
        FieldErrors::from_error(e, fields)
    }
}

#[derive(Template)]
#[template(path = "team/activity_form.html")]
struct FormTpl {
    l: Layout,
    action: String,
    heading: &'static str,
    form: ActivityForm,
    errors: FieldErrors,
    /// `(code, name)` of each category, from the service's list.
    categories: Vec<(&'static str, &'static str)>,
}

pub(super) fn blank_task() -> TaskRow {
    TaskRow {
        content: String::new(),
        target: String::new(),
        content_error: None,
        target_error: None,
    }
}

async fn render_form(
    state: &AppState,
    s: &Session,
    action: String,
    heading: &'static str,
    mut form: ActivityForm,
    errors: FieldErrors,
    status: StatusCode,
) -> PageResult {
    if form.tasks.is_empty() {
        form.tasks.push(blank_task());
    }
    Ok(html_status(
        &FormTpl {
            l: layout_for(state, s, heading, "/activities").await?,
            action,
            heading,
            form,
            errors,
            categories: activities::categories()
                .into_iter()
                .map(|c| (c.code.as_str(), c.name))
                .collect(),
        },
        status,
    ))
}

/// `GET /activities/new`: 科技志愿服务活动登记表.
#[handler]
pub async fn new_form(state: Data<&AppState>, s: Session) -> PageResult {
    own_team(&s)?;
    render_form(
        &state,
        &s,
        "/activities/new".into(),
        "活动登记",
        ActivityForm::default(),
        FieldErrors::default(),
        StatusCode::OK,
    )
    .await
}

/// `POST /activities/new`: R-PREREG and the rest through `activities::register`.
#[handler]
pub async fn create(state: Data<&AppState>, s: Session, body: String) -> PageResult {
    let team = own_team(&s)?;
    let mut form = ActivityForm::from_body(&body);
    let result = match form.fields() {
        Ok(f) => activities::register(&state, &s.caller, team, f).await,
        Err(e) => Err(e.into()),
    };
    match result {
        Ok(r) => Ok(see_other(&format!("/activities/{}", r.activity.id))),
        Err(e) => {
            let e = form_error(e)?;
            let errors = form.place(&e);
            let action = "/activities/new".to_owned();
            render_form(
                &state,
                &s,
                action,
                "活动登记",
                form,
                errors,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
    }
}

#[derive(Template)]
#[template(path = "team/activity.html")]
struct DetailTpl {
    l: Layout,
    a: ActivityRow,
    /// 补录 (issue 18.1): who recorded it and why, and whether its scan is attached.
    backfill: Option<(String, bool)>,
    /// The activity's files (issue 18.4).
    files: Vec<super::activity_files::FileRow>,
    may_upload: bool,
    /// Issue 18.4: its keeper may delete files until a submitted application counts it.
    may_delete: bool,
    files_locked: bool,
    kinds: Vec<(&'static str, &'static str)>,
    upload_error: Option<String>,
}

/// `GET /activities/:id` (scoped: another team's activity is the 404 page).
#[handler]
pub async fn detail(state: Data<&AppState>, s: Session, Path(id): Path<i32>) -> PageResult {
    detail_page(&state, &s, id, None).await
}

/// The activity page, with a refused upload or deletion (its status and reason) above its
/// files when there is one.
pub async fn detail_page(
    state: &AppState,
    s: &Session,
    id: i32,
    files_error: Option<(StatusCode, String)>,
) -> PageResult {
    let r = activities::get(state, &s.caller, id).await?;
    let team = orgs::get_team(state, &s.caller, r.activity.team_id).await?;
    let files = crate::services::activity_files::list(state, &s.caller, id).await?;
    let may_upload = super::activity_files::may_upload(s, &r.activity);
    let backfill = r.activity.backfilled.then(|| {
        (
            r.activity.backfill_reason.clone().unwrap_or_default(),
            r.activity.backfill_scan_at.is_some(),
        )
    });
    // Issue 18.4: once a submitted application counts the activity, its files stay.
    let files_locked = may_upload && crate::services::activity_files::relied_on(&state.read, id).await?;
    let a = row(state, &r, team.name, s.caller.is(Role::Team))?;
    let (status, upload_error) = match files_error {
        Some((status, msg)) => (status, Some(msg)),
        None => (StatusCode::OK, None),
    };
    Ok(html_status(
        &DetailTpl {
            l: layout_for(state, s, a.name.clone(), "/activities").await?,
            a,
            backfill,
            files: super::activity_files::rows(files),
            may_upload,
            may_delete: may_upload && !files_locked,
            files_locked,
            kinds: super::activity_files::kinds(),
            upload_error,
        },
        status,
    ))
}

/// `GET /activities/:id/edit`.
#[handler]
pub async fn edit_form(state: Data<&AppState>, s: Session, Path(id): Path<i32>) -> PageResult {
    own_team(&s)?;
    let r = activities::get(&state, &s.caller, id).await?;
    let form = ActivityForm::from_record(&r);
    render_form(
        &state,
        &s,
        format!("/activities/{id}/edit"),
        "修改活动登记",
        form,
        FieldErrors::default(),
        StatusCode::OK,
    )
    .await
}

/// `POST /activities/:id/edit`: editable until the planned start (R-PREREG).
#[handler]
pub async fn update(state: Data<&AppState>, s: Session, Path(id): Path<i32>, body: String) -> PageResult {
    own_team(&s)?;
    let mut form = ActivityForm::from_body(&body);
    let result = match form.fields() {
        Ok(f) => activities::update(&state, &s.caller, id, f).await,
        Err(e) => Err(e.into()),
    };
    match result {
        Ok(_) => Ok(see_other(&format!("/activities/{id}"))),
        Err(e) => {
            let e = form_error(e)?;
            let errors = form.place(&e);
            render_form(
                &state,
                &s,
                format!("/activities/{id}/edit"),
                "修改活动登记",
                form,
                errors,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
    }
}

/// `POST /activities/:id/cancel`.
#[handler]
pub async fn cancel(state: Data<&AppState>, s: Session, Path(id): Path<i32>) -> PageResult {
    activities::cancel(&state, &s.caller, id).await?;
    Ok(see_other(&format!("/activities/{id}")))
}

#[derive(Default)]
pub struct ReportForm {
    pub actual_start: String,
    pub actual_end: String,
    pub sessions: String,
    pub people_served: String,
    pub volunteers: String,
    pub summary: String,
}

#[derive(Template)]
#[template(path = "team/report_form.html")]
struct ReportTpl {
    l: Layout,
    a: ActivityRow,
    form: ReportForm,
    errors: FieldErrors,
}

async fn render_report(
    state: &AppState,
    s: &Session,
    id: i32,
    form: Option<ReportForm>,
    errors: FieldErrors,
    status: StatusCode,
) -> PageResult {
    let r = activities::get(state, &s.caller, id).await?;
    let team = orgs::get_team(state, &s.caller, r.activity.team_id).await?;
    let a = &r.activity;
    let form = form.unwrap_or_else(|| ReportForm {
        actual_start: format::input_time(a.actual_start.unwrap_or(a.planned_start)),
        actual_end: format::input_time(a.actual_end.unwrap_or(a.planned_end.min(state.now()))),
        sessions: a.sessions.map(|v| v.to_string()).unwrap_or_default(),
        people_served: a.people_served.map(|v| v.to_string()).unwrap_or_default(),
        volunteers: a.volunteers.map(|v| v.to_string()).unwrap_or_default(),
        summary: a.summary.clone().unwrap_or_default(),
    });
    Ok(html_status(
        &ReportTpl {
            l: layout_for(state, s, "活动情况填报", "/activities").await?,
            a: row(state, &r, team.name, true)?,
            form,
            errors,
        },
        status,
    ))
}

/// `GET /activities/:id/report`.
#[handler]
pub async fn report_form(state: Data<&AppState>, s: Session, Path(id): Path<i32>) -> PageResult {
    own_team(&s)?;
    render_report(&state, &s, id, None, FieldErrors::default(), StatusCode::OK).await
}

/// `POST /activities/:id/report`: R-REPORT through `activities::report`.
#[handler]
pub async fn report(state: Data<&AppState>, s: Session, Path(id): Path<i32>, body: String) -> PageResult {
    own_team(&s)?;
    let p = pairs(&body);
    let form = ReportForm {
        actual_start: field(&p, "actual_start"),
        actual_end: field(&p, "actual_end"),
        sessions: field(&p, "sessions"),
        people_served: field(&p, "people_served"),
        volunteers: field(&p, "volunteers"),
        summary: field(&p, "summary"),
    };
    let parsed = (|| {
        let time = |f: &str, v: &str| {
            format::parse_input_time(v).ok_or_else(|| {
                DomainError::invalid(f, "请填写有效的日期和时间", "enter a valid date and time")
            })
        };
        let num = |f: &str, v: &str| {
            v.trim()
                .parse::<i32>()
                .map_err(|_| DomainError::invalid(f, "请填写整数", "enter a whole number"))
        };
        Ok::<_, DomainError>(Report {
            actual_start: time("actual_start", &form.actual_start)?,
            actual_end: time("actual_end", &form.actual_end)?,
            sessions: num("sessions", &form.sessions)?,
            people_served: num("people_served", &form.people_served)?,
            volunteers: num("volunteers", &form.volunteers)?,
        })
    })();
    let result = match parsed {
        Ok(r) => activities::report(&state, &s.caller, id, r, form.summary.clone()).await,
        Err(e) => Err(e.into()),
    };
    match result {
        Ok(_) => Ok(see_other(&format!("/activities/{id}"))),
        Err(e) => {
            let e = form_error(e)?;
            let errors = FieldErrors::from_error(
                &e,
                &[
                    "actual_start",
                    "actual_end",
                    "sessions",
                    "people_served",
                    "volunteers",
                    "summary",
                ],
            );
            render_report(
                &state,
                &s,
                id,
                Some(form),
                errors,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
    }
}
