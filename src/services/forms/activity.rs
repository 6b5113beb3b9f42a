//! The 活动登记表 of one activity (attachment 1), for whoever may read the activity.

use super::{FormFile, file_part};
use crate::{
    authz::Caller,
    domain::{activity::ActivityStatus, cst},
    error::{AppError, AppResult},
    export::activity_form::{self, ActivityForm, FormReport, FormTask},
    services::activities,
    state::AppState,
};
use chrono::{DateTime, Datelike, NaiveDateTime, Utc};
use entity::{teams, units};
use sea_orm::EntityTrait;

fn local(t: DateTime<Utc>) -> NaiveDateTime {
    t.with_timezone(&cst()).naive_local()
}

/// R-FORM: the filled 活动登记表; R-AUTHZ: 404 outside the caller's scope (as reading it).
#[tracing::instrument(skip_all, fields(activity_id = id))]
pub async fn activity_form(state: &AppState, caller: &Caller, id: i32) -> AppResult<FormFile> {
    let record = activities::get(state, caller, id).await?;
    let a = record.activity;
    let team = teams::Entity::find_by_id(a.team_id)
        .one(&state.db)
        .await?
        .ok_or_else(|| AppError::internal("team missing"))?;
    let unit = units::Entity::find_by_id(team.unit_id)
        .one(&state.db)
        .await?
        .ok_or_else(|| AppError::internal("unit missing"))?;
    let status = a.status;
    let report = match (status, a.actual_start, a.actual_end) {
        (ActivityStatus::Reported, Some(start), Some(end)) => Some(FormReport {
            actual_start: local(start),
            actual_end: local(end),
            sessions: a.sessions.unwrap_or(0),
            people_served: a.people_served.unwrap_or(0),
            volunteers: a.volunteers.unwrap_or(0),
            summary: a.summary.clone().unwrap_or_default(),
            reported_on: local(a.reported_at.unwrap_or(a.updated_at)).date(),
        }),
        _ => None,
    };
    let planned_start = local(a.planned_start);
    let form = ActivityForm {
        year: planned_start.year(),
        team_name: team.name,
        unit_name: unit.name,
        activity_name: a.name.clone(),
        planned_start,
        planned_end: local(a.planned_end),
        leader_name: a.leader_name,
        leader_mobile: a.leader_mobile,
        tasks: record
            .tasks
            .into_iter()
            .map(|t| FormTask {
                content: t.content,
                target: t.target,
            })
            .collect(),
        report,
        cancelled_on: (status == ActivityStatus::Cancelled)
            .then(|| a.cancelled_at.map(|t| local(t).date()))
            .flatten(),
    };
    let file_name = format!(
        "{}-{}.docx",
        activity_form::title(form.year),
        file_part(&a.name, 60)
    );
    let bytes = tokio::task::spawn_blocking(move || activity_form::build(&form))
        .await
        .map_err(AppError::internal)??;
    Ok(FormFile {
        file_name,
        ascii_file_name: format!("activity-{id}-form.docx"),
        bytes,
    })
}
