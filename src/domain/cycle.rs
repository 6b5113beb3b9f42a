//! The award cycle (SPEC "Award cycle"): states, tiers, rubric, and the rules on them.
//!
//! The states and the typed JSON columns (`Tiers`, `Rubric`) are defined in the `vocab` crate;
//! `min_award_score_tenths` is the minimum final score in tenths of a point (scores have at
//! most one decimal).

use crate::{
    domain::ranking::{Quotas, Tier},
    error::DomainError,
};
use chrono::{DateTime, NaiveDate, Utc};

pub use vocab::{Aggregation, Criterion, CycleStatus, Rubric, TierRule, Tiers};

/// The notice's basis (活动场次, 服务对象, 社会效益, 活动亮点与材料规范), totalling 100.
pub fn default_rubric() -> Vec<Criterion> {
    [
        ("sessions", "活动场次", 25.0),
        ("people_served", "服务对象", 25.0),
        ("social_benefit", "社会效益", 30.0),
        ("highlights_materials", "活动亮点与材料规范", 20.0),
    ]
    .into_iter()
    .map(|(k, n, m)| Criterion {
        key: k.into(),
        name: n.into(),
        max_score: m,
    })
    .collect()
}

pub fn rubric_total_tenths(rubric: &[Criterion]) -> i64 {
    rubric.iter().map(Criterion::max_tenths).sum()
}

pub fn quotas(tiers: &[TierRule]) -> Quotas {
    let q = |t: Tier| {
        tiers
            .iter()
            .find(|r| r.tier == t)
            .map_or(0, |r| r.quota.max(0) as u32)
    };
    Quotas {
        first: q(Tier::First),
        second: q(Tier::Second),
        third: q(Tier::Third),
    }
}

pub fn subsidy_fen(tiers: &[TierRule], tier: Tier) -> i64 {
    tiers.iter().find(|r| r.tier == tier).map_or(0, |r| r.subsidy_fen)
}

/// Score points (at most one decimal) to tenths; `None` when it has more decimals.
pub fn points_to_tenths(points: f64) -> Option<i64> {
    let t = (points * 10.0).round();
    ((points * 10.0 - t).abs() < 1e-6 && t.is_finite()).then_some(t as i64)
}

/// The validated settings of a cycle.
#[derive(Debug, Clone)]
pub struct CycleSettings {
    pub applications_open_at: DateTime<Utc>,
    pub applications_close_at: DateTime<Utc>,
    pub activity_period_start: NaiveDate,
    pub activity_period_end: NaiveDate,
    pub min_award_score: f64,
    pub reviewers_per_application: i64,
    pub tiers: Vec<TierRule>,
    pub rubric: Vec<Criterion>,
}

/// Checks a cycle's settings: window open before close, period start before end, quotas and
/// subsidies ≥ 0 with each tier once, rubric keys unique with positive maxima, minimum score
/// within the rubric's total, at least one reviewer. Returns the minimum score in tenths.
pub fn check_settings(s: &CycleSettings) -> Result<i64, DomainError> {
    if s.applications_close_at <= s.applications_open_at {
        return Err(DomainError::invalid(
            "applications_close_at",
            "申报截止时间必须晚于开始时间",
            "the application window must close after it opens",
        ));
    }
    if s.activity_period_end < s.activity_period_start {
        return Err(DomainError::invalid(
            "activity_period_end",
            "活动统计期的结束日期不能早于开始日期",
            "the activity period must end after it starts",
        ));
    }
    if s.reviewers_per_application < 1 || s.reviewers_per_application > 50 {
        return Err(DomainError::invalid(
            "reviewers_per_application",
            "每个项目的评审专家数应在1到50之间",
            "reviewers per application must be between 1 and 50",
        ));
    }
    for (i, t) in s.tiers.iter().enumerate() {
        let at = |e: DomainError| e.under(&format!("tiers[{i}]"));
        if t.quota < 0 {
            return Err(at(DomainError::invalid(
                "quota",
                "名额不能为负数",
                "quota must not be negative",
            )));
        }
        if t.subsidy_fen < 0 {
            return Err(at(DomainError::invalid(
                "subsidy_fen",
                "奖补金额不能为负数",
                "subsidy must not be negative",
            )));
        }
        if s.tiers[..i].iter().any(|o| o.tier == t.tier) {
            return Err(at(DomainError::invalid(
                "tier",
                "奖项等级重复",
                "each tier appears once",
            )));
        }
    }
    if s.rubric.is_empty() {
        return Err(DomainError::invalid(
            "rubric",
            "评分标准不能为空",
            "the rubric needs at least one criterion",
        ));
    }
    for (i, c) in s.rubric.iter().enumerate() {
        let at = |e: DomainError| e.under(&format!("rubric[{i}]"));
        if c.key.trim().is_empty() || c.key.chars().count() > 50 {
            return Err(at(DomainError::invalid(
                "key",
                "评分项标识不能为空",
                "a criterion needs a key",
            )));
        }
        if c.name.trim().is_empty() {
            return Err(at(DomainError::invalid(
                "name",
                "评分项名称不能为空",
                "a criterion needs a name",
            )));
        }
        if c.max_score.is_nan()
            || c.max_score <= 0.0
            || points_to_tenths(c.max_score).is_none()
            || c.max_score > 1000.0
        {
            return Err(at(DomainError::invalid(
                "max_score",
                "满分必须为正数，最多一位小数",
                "the maximum must be positive with at most one decimal",
            )));
        }
        if s.rubric[..i].iter().any(|o| o.key == c.key) {
            return Err(at(DomainError::invalid(
                "key",
                "评分项标识重复",
                "criterion keys must be unique",
            )));
        }
    }
    let min = points_to_tenths(s.min_award_score)
        .filter(|m| *m >= 0 && *m <= rubric_total_tenths(&s.rubric))
        .ok_or_else(|| {
            DomainError::invalid(
                "min_award_score",
                "最低获奖分数应在0到评分标准总分之间，最多一位小数",
                "the minimum score must lie between 0 and the rubric's total, with at most one decimal",
            )
        })?;
    Ok(min)
}

/// Applications are accepted only while the cycle is open and inside its window.
pub fn window_is_open(
    status: CycleStatus,
    open_at: DateTime<Utc>,
    close_at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> bool {
    status == CycleStatus::Open && open_at <= now && now < close_at
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Duration;

    fn settings() -> CycleSettings {
        let now: DateTime<Utc> = "2026-10-01T00:00:00Z".parse().unwrap();
        CycleSettings {
            applications_open_at: now,
            applications_close_at: now + Duration::days(30),
            activity_period_start: NaiveDate::from_ymd_opt(2026, 1, 1).unwrap(),
            activity_period_end: NaiveDate::from_ymd_opt(2026, 12, 31).unwrap(),
            min_award_score: 60.0,
            reviewers_per_application: 3,
            tiers: vec![TierRule {
                tier: Tier::First,
                quota: 2,
                subsidy_fen: 1_000_000,
            }],
            rubric: default_rubric(),
        }
    }

    #[test]
    fn the_default_rubric_totals_one_hundred() {
        assert_eq!(rubric_total_tenths(&default_rubric()), 1000);
    }

    #[test]
    fn valid_settings_give_the_minimum_in_tenths() {
        assert_eq!(check_settings(&settings()).unwrap(), 600);
    }

    #[test]
    fn each_setting_rule_names_its_field() {
        type Change = Box<dyn Fn(&mut CycleSettings)>;
        let cases: Vec<(Change, &str)> = vec![
            (
                Box::new(|s| s.applications_close_at = s.applications_open_at),
                "applications_close_at",
            ),
            (
                Box::new(|s| s.activity_period_end = NaiveDate::from_ymd_opt(2025, 1, 1).unwrap()),
                "activity_period_end",
            ),
            (
                Box::new(|s| s.reviewers_per_application = 0),
                "reviewers_per_application",
            ),
            (Box::new(|s| s.tiers[0].quota = -1), "tiers[0].quota"),
            (Box::new(|s| s.tiers[0].subsidy_fen = -1), "tiers[0].subsidy_fen"),
            (Box::new(|s| s.min_award_score = 100.5), "min_award_score"),
            (Box::new(|s| s.min_award_score = 60.25), "min_award_score"),
            (Box::new(|s| s.rubric[1].key = "sessions".into()), "rubric[1].key"),
            (Box::new(|s| s.rubric[0].max_score = 0.0), "rubric[0].max_score"),
        ];
        for (change, field) in cases {
            let mut s = settings();
            change(&mut s);
            assert_eq!(check_settings(&s).unwrap_err().field.as_deref(), Some(field));
        }
    }

    #[test]
    fn the_window_is_open_only_while_open_and_inside_it() {
        let s = settings();
        let (o, c) = (s.applications_open_at, s.applications_close_at);
        assert!(window_is_open(CycleStatus::Open, o, c, o));
        assert!(!window_is_open(CycleStatus::Open, o, c, c));
        assert!(!window_is_open(CycleStatus::Draft, o, c, o));
        assert!(!window_is_open(CycleStatus::Open, o, c, o - Duration::seconds(1)));
    }

    #[test]
    fn points_have_at_most_one_decimal() {
        assert_eq!(points_to_tenths(12.5), Some(125));
        assert_eq!(points_to_tenths(0.0), Some(0));
        assert_eq!(points_to_tenths(12.55), None);
    }
}
