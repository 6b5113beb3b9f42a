//! Activity registration rules (R-PREREG, R-REPORT) as pure functions of `now`.

use crate::error::DomainError;
use chrono::{DateTime, Utc};

pub use vocab::{ActivityStatus, Category};

fn already_started() -> DomainError {
    DomainError::unprocessable(
        "activity_already_started",
        "活动计划开始时间已过，不能再登记或修改",
        "the activity's planned start has passed; it can no longer be registered or edited",
    )
    .field("planned_start")
}

/// R-PREREG: an activity is registered (or edited) only before its planned start, and its
/// planned end comes after its start.
pub fn check_plan(
    planned_start: DateTime<Utc>,
    planned_end: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<(), DomainError> {
    if planned_start <= now {
        return Err(already_started());
    }
    super::plausible::time("planned_start", planned_start)?;
    super::plausible::time("planned_end", planned_end)?;
    if planned_end <= planned_start {
        return Err(DomainError::invalid(
            "planned_end",
            "结束时间必须晚于开始时间",
            "the end must come after the start",
        ));
    }
    Ok(())
}

/// What is asked of an activity.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ActivityAction {
    /// Change the plan (R-PREREG: until the planned start).
    Edit,
    /// Report what happened, or correct the report (R-REPORT).
    Report,
    /// Call it off before it is reported.
    Cancel,
}

impl ActivityAction {
    pub const ALL: [ActivityAction; 3] = [Self::Edit, Self::Report, Self::Cancel];
}

/// The activity life-cycle, in one place: `registered → reported` (a report may be corrected),
/// `registered → cancelled`. The time rules (planned start) are [`check_editable`] and
/// [`check_report`], which call this first.
pub fn transition(status: ActivityStatus, action: ActivityAction) -> Result<ActivityStatus, DomainError> {
    use ActivityAction as A;
    use ActivityStatus as S;
    match (status, action) {
        (S::Registered, A::Edit) => Ok(S::Registered),
        (S::Registered | S::Reported, A::Report) => Ok(S::Reported),
        (S::Registered, A::Cancel) => Ok(S::Cancelled),
        (S::Cancelled, _) => Err(cancelled()),
        (S::Reported, A::Edit) => Err(already_started()),
        (S::Reported, A::Cancel) => Err(DomainError::conflict(
            "activity_reported",
            "活动已填报，不能取消",
            "the activity has been reported and cannot be cancelled",
        )),
    }
}

/// R-PREREG: editing a registered activity is allowed until its (current) planned start.
pub fn check_editable(
    status: ActivityStatus,
    current_start: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<(), DomainError> {
    transition(status, ActivityAction::Edit)?;
    if current_start <= now {
        return Err(already_started());
    }
    Ok(())
}

/// R-PREREG: whether a registered activity may still be edited or cancelled at `now`.
pub fn may_edit(status: ActivityStatus, current_start: DateTime<Utc>, now: DateTime<Utc>) -> bool {
    check_editable(status, current_start, now).is_ok()
}

/// R-REPORT: whether an activity may be reported (or its report corrected) at `now`: it has
/// started and is not cancelled.
pub fn may_report(status: ActivityStatus, planned_start: DateTime<Utc>, now: DateTime<Utc>) -> bool {
    status != ActivityStatus::Cancelled && planned_start <= now
}

fn cancelled() -> DomainError {
    DomainError::conflict(
        "activity_cancelled",
        "活动已取消",
        "the activity has been cancelled",
    )
}

/// What a report says happened.
#[derive(Debug, Clone)]
pub struct Report {
    pub actual_start: DateTime<Utc>,
    pub actual_end: DateTime<Utc>,
    pub sessions: i32,
    pub people_served: i32,
    pub volunteers: i32,
}

/// R-REPORT: a report comes after the planned start, never for a cancelled activity; sessions
/// ≥ 1, people and volunteers ≥ 0, actual end not before actual start, nothing in the future.
pub fn check_report(
    status: ActivityStatus,
    planned_start: DateTime<Utc>,
    report: &Report,
    now: DateTime<Utc>,
) -> Result<(), DomainError> {
    transition(status, ActivityAction::Report)?;
    if planned_start > now {
        return Err(DomainError::unprocessable(
            "activity_not_started",
            "活动尚未开始，开始后才能填报",
            "the activity has not started yet; report it after its planned start",
        ));
    }
    if report.actual_end < report.actual_start {
        return Err(DomainError::invalid(
            "actual_end",
            "实际结束时间不能早于实际开始时间",
            "the actual end must not come before the actual start",
        ));
    }
    if report.actual_start > now {
        return Err(DomainError::invalid(
            "actual_start",
            "实际开始时间不能在将来",
            "the actual start cannot be in the future",
        ));
    }
    super::plausible::time("actual_start", report.actual_start)?;
    super::plausible::time("actual_end", report.actual_end)?;
    for (field, v) in [
        ("sessions", report.sessions),
        ("people_served", report.people_served),
        ("volunteers", report.volunteers),
    ] {
        super::plausible::count(field, i64::from(v))?;
    }
    if report.sessions < 1 {
        return Err(DomainError::invalid(
            "sessions",
            "场次至少为1",
            "at least one session",
        ));
    }
    if report.people_served < 0 {
        return Err(DomainError::invalid(
            "people_served",
            "不能为负数",
            "must not be negative",
        ));
    }
    if report.volunteers < 0 {
        return Err(DomainError::invalid(
            "volunteers",
            "不能为负数",
            "must not be negative",
        ));
    }
    Ok(())
}

/// Issue 18.1 (补录): an activity recorded after the fact, from the 登记表 e-mailed before it.
/// The registration was sent on `registered_on` (a CST date, not in the future), which must
/// come before the planned start (R-PREREG still holds: 422 `registered_after_start`); the
/// plan is plausible (end after start); the report obeys R-REPORT (after the planned start,
/// nothing in the future). Returns the instant the registration counts as sent: the start of
/// `registered_on` in Shenyang.
pub fn check_backfill(
    registered_on: chrono::NaiveDate,
    planned_start: DateTime<Utc>,
    planned_end: DateTime<Utc>,
    report: &Report,
    now: DateTime<Utc>,
) -> Result<DateTime<Utc>, DomainError> {
    super::plausible::time("planned_start", planned_start)?;
    super::plausible::time("planned_end", planned_end)?;
    if planned_end <= planned_start {
        return Err(DomainError::invalid(
            "planned_end",
            "结束时间必须晚于开始时间",
            "the end must come after the start",
        ));
    }
    let registered_at = registered_on
        .and_hms_opt(0, 0, 0)
        .and_then(|t| t.and_local_timezone(super::cst()).single())
        .map(|t| t.with_timezone(&Utc))
        .ok_or_else(|| DomainError::invalid("registered_on", "日期无效", "not a valid date"))?;
    super::plausible::time("registered_on", registered_at)?;
    if registered_on > super::cst_date(now) {
        return Err(DomainError::invalid(
            "registered_on",
            "登记表发送日期不能在将来",
            "the registration cannot have been sent in the future",
        ));
    }
    if registered_at >= planned_start {
        return Err(DomainError::unprocessable(
            "registered_after_start",
            "补录的活动须在开始前已发送登记表：登记表发送日期应早于活动计划开始时间",
            "a backfilled activity must have been registered before its start: registered_on must come before planned_start",
        )
        .field("registered_on"));
    }
    check_report(ActivityStatus::Registered, planned_start, report, now)?;
    Ok(registered_at)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Duration;

    fn t0() -> DateTime<Utc> {
        "2026-05-01T02:00:00Z".parse().unwrap()
    }

    /// R-PREREG
    #[test]
    fn registration_after_the_planned_start_is_refused() {
        let e = check_plan(t0(), t0() + Duration::hours(2), t0()).unwrap_err();
        assert_eq!(e.code, "activity_already_started");
        assert!(check_plan(t0(), t0() + Duration::hours(2), t0() - Duration::seconds(1)).is_ok());
    }

    /// R-PREREG
    #[test]
    fn end_must_come_after_start() {
        let e = check_plan(t0(), t0(), t0() - Duration::days(1)).unwrap_err();
        assert_eq!(e.field.as_deref(), Some("planned_end"));
    }

    /// R-PREREG
    #[test]
    fn editing_stops_at_the_planned_start() {
        let before = t0() - Duration::minutes(1);
        assert!(check_editable(ActivityStatus::Registered, t0(), before).is_ok());
        let e = check_editable(ActivityStatus::Registered, t0(), t0()).unwrap_err();
        assert_eq!(e.code, "activity_already_started");
        let e = check_editable(ActivityStatus::Cancelled, t0(), before).unwrap_err();
        assert_eq!(e.code, "activity_cancelled");
    }

    /// R-PREREG, R-REPORT: every (state, action) pair against the life-cycle
    /// `registered → reported` (correctable), `registered → cancelled`.
    #[test]
    fn every_state_and_action_follows_the_table() {
        use ActivityAction::*;
        use ActivityStatus::*;
        // Rows: actions; columns: from registered, reported, cancelled. `Err(code)`: refused.
        let table: [(ActivityAction, [Result<ActivityStatus, &str>; 3]); 3] = [
            (
                Edit,
                [
                    Ok(Registered),
                    Err("activity_already_started"),
                    Err("activity_cancelled"),
                ],
            ),
            (Report, [Ok(Reported), Ok(Reported), Err("activity_cancelled")]),
            (
                Cancel,
                [Ok(Cancelled), Err("activity_reported"), Err("activity_cancelled")],
            ),
        ];
        assert_eq!(table.len(), ActivityAction::ALL.len());
        for (action, row) in table {
            for (status, expected) in ActivityStatus::ALL.into_iter().zip(row) {
                let got = transition(status, action).map_err(|e| e.code);
                assert_eq!(got, expected, "{action:?} from {status:?}");
            }
        }
    }

    fn report() -> Report {
        Report {
            actual_start: t0(),
            actual_end: t0() + Duration::hours(3),
            sessions: 2,
            people_served: 120,
            volunteers: 8,
        }
    }

    /// R-REPORT
    #[test]
    fn report_before_the_planned_start_is_refused() {
        let e = check_report(
            ActivityStatus::Registered,
            t0(),
            &report(),
            t0() - Duration::hours(1),
        )
        .unwrap_err();
        assert_eq!(e.code, "activity_not_started");
    }

    /// R-REPORT
    #[test]
    fn cancelled_activity_cannot_be_reported() {
        let e = check_report(
            ActivityStatus::Cancelled,
            t0(),
            &report(),
            t0() + Duration::days(1),
        )
        .unwrap_err();
        assert_eq!(e.code, "activity_cancelled");
    }

    /// R-REPORT
    #[test]
    fn report_needs_at_least_one_session() {
        let now = t0() + Duration::days(1);
        assert!(check_report(ActivityStatus::Registered, t0(), &report(), now).is_ok());
        let bad = Report {
            sessions: 0,
            ..report()
        };
        let e = check_report(ActivityStatus::Registered, t0(), &bad, now).unwrap_err();
        assert_eq!(e.field.as_deref(), Some("sessions"));
        let bad = Report {
            people_served: -1,
            ..report()
        };
        assert!(check_report(ActivityStatus::Registered, t0(), &bad, now).is_err());
    }

    /// Issue 18.1: a backfill needs its registration sent before the start, and a report
    /// after it.
    #[test]
    fn a_backfill_was_registered_before_its_start_and_reported_after() {
        let now = t0() + Duration::days(10);
        let day = |t: DateTime<Utc>| crate::domain::cst_date(t);
        let end = t0() + Duration::hours(2);
        let at = check_backfill(day(t0()) - Duration::days(3), t0(), end, &report(), now).unwrap();
        assert!(at < t0());
        let e = check_backfill(day(t0()) + Duration::days(1), t0(), end, &report(), now).unwrap_err();
        assert_eq!(e.code, "registered_after_start");
        let e = check_backfill(day(now) + Duration::days(1), t0(), end, &report(), now).unwrap_err();
        assert_eq!(e.field.as_deref(), Some("registered_on"));
        let e = check_backfill(
            day(t0()) - Duration::days(3),
            t0(),
            end,
            &report(),
            t0() - Duration::days(1),
        )
        .unwrap_err();
        assert_eq!(e.code, "activity_not_started");
    }
}
