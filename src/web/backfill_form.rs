//! The single 补录 form (issue 18.1): the 活动登记表's fields, the report's, the day the
//! original 登记表 was sent and why it is recorded now — what `POST /api/v1/activities/backfill`
//! takes, parsed from the page's form and handed to the same service.

use super::{
    activities::{ActivityForm, FIELDS},
    format,
    page::{FieldErrors, field, pairs},
};
use crate::{
    domain::activity::Report,
    error::DomainError,
    services::activities::{ActivityFields, Backfill},
};
use chrono::NaiveDate;
use std::collections::HashMap;

/// The report and 补录 fields as typed (kept when the form is refused).
#[derive(Default)]
pub struct BackfillFields {
    pub team_id: String,
    pub actual_start: String,
    pub actual_end: String,
    pub sessions: String,
    pub people_served: String,
    pub volunteers: String,
    pub summary: String,
    pub registered_on: String,
    pub reason: String,
}

/// The fields of this form beyond the registration's, where an error may sit.
const MORE_FIELDS: [&str; 9] = [
    "team_id",
    "actual_start",
    "actual_end",
    "sessions",
    "people_served",
    "volunteers",
    "summary",
    "registered_on",
    "reason",
];

/// The whole 补录 form: the registration part and the rest.
pub struct BackfillForm {
    pub activity: ActivityForm,
    pub more: BackfillFields,
}

impl BackfillForm {
    pub fn from_body(body: &str) -> Self {
        let p = pairs(body);
        Self {
            activity: ActivityForm::from_body(body),
            more: BackfillFields {
                team_id: field(&p, "team_id"),
                actual_start: field(&p, "actual_start"),
                actual_end: field(&p, "actual_end"),
                sessions: field(&p, "sessions"),
                people_served: field(&p, "people_served"),
                volunteers: field(&p, "volunteers"),
                summary: field(&p, "summary"),
                registered_on: field(&p, "registered_on"),
                reason: field(&p, "reason"),
            },
        }
    }

    /// What the service takes. A team not among `teams`, a time, number or date that does not
    /// parse is named by its field, in Chinese.
    pub fn parse(&self, teams: &HashMap<i32, String>) -> Result<Backfill, DomainError> {
        let m = &self.more;
        let team_id = m
            .team_id
            .trim()
            .parse::<i32>()
            .ok()
            .filter(|id| teams.contains_key(id))
            .ok_or_else(|| DomainError::invalid("team_id", "请选择服务队", "choose a team"))?;
        let fields: ActivityFields = self.activity.fields()?;
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
        let report = Report {
            actual_start: time("actual_start", &m.actual_start)?,
            actual_end: time("actual_end", &m.actual_end)?,
            sessions: num("sessions", &m.sessions)?,
            people_served: num("people_served", &m.people_served)?,
            volunteers: num("volunteers", &m.volunteers)?,
        };
        let registered_on = NaiveDate::parse_from_str(m.registered_on.trim(), "%Y-%m-%d").map_err(|_| {
            DomainError::invalid(
                "registered_on",
                "请填写登记表发送日期",
                "enter the day the registration was sent",
            )
        })?;
        Ok(Backfill {
            team_id,
            fields,
            report,
            summary: m.summary.clone(),
            registered_on,
            reason: m.reason.clone(),
        })
    }

    /// Puts an error under its field (a task's under its row), or above the form.
    pub fn place(&mut self, e: &DomainError) -> FieldErrors {
        let fields: Vec<&str> = FIELDS.into_iter().chain(MORE_FIELDS).collect();
        self.activity.place_in(e, &fields)
    }
}
