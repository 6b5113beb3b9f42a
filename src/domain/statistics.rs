//! R-STAT: what the statistics count, as pure rules — the year's bounds in China Standard Time,
//! the groupings, and the figures of one group. The service aggregates in SQL; this module
//! says what the numbers mean.

use super::cst;
use crate::error::DomainError;
use chrono::{DateTime, NaiveDate, Utc};
use poem_openapi::Enum;

/// The years statistics may be asked for.
pub const YEARS: std::ops::RangeInclusive<i32> = 2000..=2100;

/// How the figures are grouped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum, serde::Serialize, serde::Deserialize)]
#[oai(rename_all = "snake_case")]
#[serde(rename_all = "snake_case")]
pub enum GroupBy {
    /// By district (区县): a unit's parent district, or the unit itself when it is a district;
    /// units under no district form the group `none` (市直).
    District,
    /// By the team's unit (隶属单位).
    Unit,
    /// By team (服务队).
    Team,
    /// By activity category (活动类别); application, award and money figures are not
    /// attributable to a category and are left out (null) in its groups.
    Category,
    /// By month (CST) of the planned start; application, award and money figures are left out
    /// (null) in its groups.
    Month,
}

impl GroupBy {
    pub const ALL: [GroupBy; 5] = [
        Self::District,
        Self::Unit,
        Self::Team,
        Self::Category,
        Self::Month,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::District => "district",
            Self::Unit => "unit",
            Self::Team => "team",
            Self::Category => "category",
            Self::Month => "month",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|g| g.as_str() == s)
    }

    /// 区县 / 单位 / 服务队 / 活动类别 / 月份.
    pub fn label(self) -> &'static str {
        match self {
            Self::District => "区县",
            Self::Unit => "单位",
            Self::Team => "服务队",
            Self::Category => "活动类别",
            Self::Month => "月份",
        }
    }

    /// Whether application, award and money figures belong to a group of this grouping (an
    /// organisation does; a category or a month does not).
    pub fn is_organisational(self) -> bool {
        matches!(self, Self::District | Self::Unit | Self::Team)
    }
}

/// The year asked for, checked (422 `invalid_value` on `year`).
pub fn check_year(year: i32) -> Result<i32, DomainError> {
    if YEARS.contains(&year) {
        Ok(year)
    } else {
        Err(DomainError::invalid(
            "year",
            format!("年份须在 {} 至 {} 之间", YEARS.start(), YEARS.end()),
            format!("the year must lie between {} and {}", YEARS.start(), YEARS.end()),
        ))
    }
}

/// The current year in Shenyang.
pub fn current_year(now: DateTime<Utc>) -> i32 {
    use chrono::Datelike;
    super::cst_date(now).year()
}

/// The first instant of `month` (1–13: 13 is next January) of `year`, CST.
pub fn month_start(year: i32, month: u32) -> DateTime<Utc> {
    let (y, m) = if month > 12 {
        (year + 1, month - 12)
    } else {
        (year, month)
    };
    let date = NaiveDate::from_ymd_opt(y, m, 1).unwrap_or(NaiveDate::MIN);
    date.and_hms_opt(0, 0, 0)
        .unwrap_or_default()
        .and_local_timezone(cst())
        .single()
        .map(|t| t.with_timezone(&Utc))
        .unwrap_or_default()
}

/// An activity counts in `year` when its planned start lies in `[start, end)` (CST).
pub fn year_bounds(year: i32) -> (DateTime<Utc>, DateTime<Utc>) {
    (month_start(year, 1), month_start(year, 13))
}

/// R-STAT / R-PREREG: "registered ≥ 24 h before its start" (the generated column
/// `activities.registered_early` of migration `m20261207_200001` computes it in the database).
pub const EARLY_HOURS: i64 = 24;

/// Awards of one group, per tier.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TierCounts {
    pub first: i64,
    pub second: i64,
    pub third: i64,
}

/// The figures of one group (or of the total). `None` where the figure is not shown: money-only
/// callers (finance) get no activity figures; categories and months get no application, award
/// or money figures.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Figures {
    /// Teams with at least one registered (not cancelled) activity in the year.
    pub active_teams: Option<i64>,
    /// Activities planned to start in the year, not cancelled.
    pub activities_registered: Option<i64>,
    /// Of those, registered at least 24 hours before their planned start.
    pub registered_early: Option<i64>,
    /// Reported ones.
    pub activities_reported: Option<i64>,
    /// 场次, from the reports.
    pub sessions: Option<i64>,
    /// 服务对象人数, from the reports.
    pub people_served: Option<i64>,
    /// Volunteer participations (the reports' volunteer counts, summed).
    pub volunteer_participations: Option<i64>,
    /// Applications to the year's cycle that have been submitted.
    pub applications: Option<i64>,
    /// Awards of the year's cycle per tier.
    pub awards: Option<TierCounts>,
    pub subsidy_awarded_fen: Option<i64>,
    pub subsidy_paid_fen: Option<i64>,
}

impl Figures {
    /// Adds `other`'s activity figures (teams, activities, reports, sessions, people served,
    /// participations) to these. Only meaningful for groups that share no team, as the
    /// organisational groupings are: then the groups' sum is the total.
    pub fn add_activity_figures(&mut self, other: &Figures) {
        for (mine, theirs) in [
            (&mut self.active_teams, other.active_teams),
            (&mut self.activities_registered, other.activities_registered),
            (&mut self.registered_early, other.registered_early),
            (&mut self.activities_reported, other.activities_reported),
            (&mut self.sessions, other.sessions),
            (&mut self.people_served, other.people_served),
            (&mut self.volunteer_participations, other.volunteer_participations),
        ] {
            if let Some(v) = theirs {
                *mine.get_or_insert(0) += v;
            }
        }
    }

    /// Share of activities registered ≥ 24 h ahead, 0–1; `None` without activities.
    pub fn early_share(&self) -> Option<f64> {
        match (self.registered_early, self.activities_registered) {
            (Some(early), Some(all)) if all > 0 => Some(early as f64 / all as f64),
            _ => None,
        }
    }
}

/// One group's figures.
#[derive(Debug, Clone, PartialEq)]
pub struct Group {
    /// Stable key: a unit or team id, a category's stored name, a month 1–12, or `none`.
    pub key: String,
    pub label: String,
    pub figures: Figures,
}

/// The statistics of a year in one grouping.
#[derive(Debug, Clone, PartialEq)]
pub struct Statistics {
    pub year: i32,
    pub group_by: GroupBy,
    pub money_only: bool,
    pub groups: Vec<Group>,
    pub total: Figures,
}

/// 1–12 → "1月".
pub fn month_label(month: u32) -> String {
    format!("{month}月")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// R-STAT: a year is counted in China Standard Time.
    #[test]
    fn year_bounds_are_cst_midnights() {
        let (start, end) = year_bounds(2026);
        assert_eq!(start.to_rfc3339(), "2025-12-31T16:00:00+00:00");
        assert_eq!(end.to_rfc3339(), "2026-12-31T16:00:00+00:00");
        assert_eq!(month_start(2026, 3).to_rfc3339(), "2026-02-28T16:00:00+00:00");
    }

    #[test]
    fn years_outside_the_range_are_refused_naming_the_field() {
        assert_eq!(check_year(2026).unwrap(), 2026);
        for y in [1999, 2101, -1, 0] {
            assert_eq!(check_year(y).unwrap_err().field.as_deref(), Some("year"));
        }
    }

    #[test]
    fn group_names_round_trip() {
        for g in GroupBy::ALL {
            assert_eq!(GroupBy::parse(g.as_str()), Some(g));
        }
        assert_eq!(GroupBy::parse("galaxy"), None);
    }

    #[test]
    fn activity_figures_of_disjoint_groups_add_up() {
        let a = Figures {
            active_teams: Some(2),
            activities_registered: Some(10),
            registered_early: Some(7),
            activities_reported: Some(8),
            sessions: Some(9),
            people_served: Some(300),
            volunteer_participations: Some(40),
            applications: Some(5),
            ..Default::default()
        };
        let mut total = Figures::default();
        total.add_activity_figures(&a);
        total.add_activity_figures(&a);
        assert_eq!(total.active_teams, Some(4));
        assert_eq!(total.activities_registered, Some(20));
        assert_eq!(total.registered_early, Some(14));
        assert_eq!(total.activities_reported, Some(16));
        assert_eq!(total.sessions, Some(18));
        assert_eq!(total.people_served, Some(600));
        assert_eq!(total.volunteer_participations, Some(80));
        // Cycle figures are not activity figures.
        assert_eq!(total.applications, None);
        // Nothing to add leaves a figure unknown.
        let mut none = Figures::default();
        none.add_activity_figures(&Figures::default());
        assert_eq!(none.sessions, None);
    }

    #[test]
    fn early_share_needs_activities() {
        let f = Figures {
            activities_registered: Some(4),
            registered_early: Some(3),
            ..Figures::default()
        };
        assert_eq!(f.early_share(), Some(0.75));
        assert_eq!(Figures::default().early_share(), None);
    }
}
