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

/// The seven points of the notice's 填报说明 (attachment 2): what a cycle stores unless the
/// admin gives a new year's text (R-FORM).
pub const DEFAULT_FORM_INSTRUCTIONS: &str = "\
1. 本申报书是申报沈阳市“智惠行动”项目的依据，填写内容须实事求是，表述应明确、严谨。相应栏目请填写完整。格式不符的申请表不予受理。
2. 每个申请项目单独填写项目申报书，同一申报书申请两个或两个以上项目视作无效。申报书应为 A4 开本的计算机打印稿，报送一式三份。
3. “项目名称”应确切反映项目内容和范围，最多不超过 20 个汉字。申报组织为注册的科技志愿服务队名称，隶属单位须填写单位全称。
4. “项目概述”至少应包括项目组织实施过程中的志愿者、设施、资金等配备情况，活动内容以及开展的时间、地点、场次、服务对象人数等。
5. “活动亮点”，可从活动立意、组织、实施、收益全过程及组织者、参与者、受益者等多角度提炼活动的优势和特色。
6. “项目效益”，指项目实施产生的直接或间接影响，包括社会效益、经济效益、可持续影响等，以及项目服务对象的受益情况等。
7. 项目申报书填好后，加盖单位公章，按照通知要求报送。";

/// What is asked of a cycle.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CycleAction {
    /// Change any setting (a draft only).
    Edit,
    /// Move the application window only (a draft, or while open).
    MoveWindow,
    /// Open for applications: `draft → open`.
    Open,
    /// Close applications and start the review: `open → reviewing`.
    Close,
    /// Assign or remove experts (while reviewing).
    Assign,
    /// Give or change a score; a change after ranking sends the cycle back to `reviewing`.
    Score,
    /// Rank, or rank again: `reviewing`/`ranked → ranked`.
    Rank,
    /// Publish the results (公示): `ranked → published`.
    Publish,
    /// Resolve an objection (while published; an upheld one re-ranks in place).
    ResolveObjection,
    /// Finalize: `published → finalized` (the period's end and the objections are
    /// `domain::publicity::check_finalize`).
    Finalize,
    /// Download the results sheet (once ranked).
    ExportResults,
}

impl CycleAction {
    pub const ALL: [CycleAction; 11] = [
        Self::Edit,
        Self::MoveWindow,
        Self::Open,
        Self::Close,
        Self::Assign,
        Self::Score,
        Self::Rank,
        Self::Publish,
        Self::ResolveObjection,
        Self::Finalize,
        Self::ExportResults,
    ];

    /// The states this action may start from (the filter of the conditional update).
    pub fn from_states(self) -> Vec<CycleStatus> {
        CycleStatus::ALL
            .into_iter()
            .filter(|s| transition(*s, self).is_ok())
            .collect()
    }
}

/// The cycle life-cycle, in one place: `draft → open → reviewing → ranked → published →
/// finalized`, each step an admin action; a score changed after ranking goes back to
/// `reviewing`. The state after `action` from `status`, or the 409 `cycle_state` to answer.
pub fn transition(status: CycleStatus, action: CycleAction) -> Result<CycleStatus, DomainError> {
    use CycleAction as A;
    use CycleStatus as S;
    let next = match (status, action) {
        (S::Draft, A::Edit) => Some(S::Draft),
        (S::Draft | S::Open, A::MoveWindow) => Some(status),
        (S::Draft, A::Open) => Some(S::Open),
        (S::Open, A::Close) => Some(S::Reviewing),
        (S::Reviewing, A::Assign) => Some(S::Reviewing),
        (S::Reviewing | S::Ranked, A::Score) => Some(S::Reviewing),
        (S::Reviewing | S::Ranked, A::Rank) => Some(S::Ranked),
        (S::Ranked, A::Publish) => Some(S::Published),
        (S::Published, A::ResolveObjection) => Some(S::Published),
        (S::Published, A::Finalize) => Some(S::Finalized),
        (S::Ranked | S::Published | S::Finalized, A::ExportResults) => Some(status),
        _ => None,
    };
    next.ok_or_else(|| refusal(status, action))
}

/// Why `action` is refused from `status` (each action names what it needs).
fn refusal(status: CycleStatus, action: CycleAction) -> DomainError {
    let plain = |zh, en| DomainError::conflict("cycle_state", zh, en);
    match action {
        CycleAction::Edit if status == CycleStatus::Open => plain(
            "周期已开放申报，只能调整申报时间",
            "the cycle is open: only the application window may still move",
        ),
        CycleAction::Edit | CycleAction::MoveWindow => {
            plain("周期已不是草稿，不能修改", "the cycle can no longer be edited")
        }
        CycleAction::Open | CycleAction::Close => plain(
            "当前状态下不能进行此操作",
            "the cycle is not in the state this step needs",
        ),
        CycleAction::Assign => cycle_state(
            "只有评审中的周期才能分配或撤销专家",
            "experts are assigned or removed only while the cycle is reviewing",
        ),
        CycleAction::Score => cycle_state(
            "结果公示后不能再评分或修改评分",
            "scores can be given or changed only while the cycle is reviewing or ranked",
        ),
        CycleAction::Rank => cycle_state(
            "只有评审中或已排名的周期才能排名",
            "a cycle is ranked only while reviewing or ranked",
        ),
        CycleAction::Publish => cycle_state(
            "只有已排名的周期才能公示（评分变动后须重新排名）",
            "only a ranked cycle can be published (rank again after a score change)",
        ),
        CycleAction::ResolveObjection => cycle_state(
            "只有公示中的周期才能处理异议",
            "objections are resolved only while the cycle is published",
        ),
        CycleAction::Finalize => cycle_state(
            "只有已公示的周期才能确认结果",
            "only a published cycle can be finalized",
        ),
        CycleAction::ExportResults => cycle_state(
            "排名之后才能导出评审结果表",
            "the results sheet exists once the cycle is ranked",
        ),
    }
}

/// 409 `cycle_state` for a review action, naming what it needs.
pub fn cycle_state(zh: &str, en: &str) -> DomainError {
    DomainError::conflict(
        "cycle_state",
        format!("评审周期当前状态不允许此操作：{zh}"),
        format!("the cycle's state does not allow this: {en}"),
    )
}

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
    super::plausible::time("applications_open_at", s.applications_open_at)?;
    super::plausible::time("applications_close_at", s.applications_close_at)?;
    super::plausible::date("activity_period_start", s.activity_period_start)?;
    super::plausible::date("activity_period_end", s.activity_period_end)?;
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
        super::plausible::fen("subsidy_fen", t.subsidy_fen).map_err(at)?;
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

    /// SPEC "Award cycle": every (state, action) pair against the table; everything not listed
    /// is refused with 409 `cycle_state`.
    #[test]
    fn every_state_and_action_follows_the_table() {
        use CycleAction::*;
        use CycleStatus::*;
        // Rows: actions; columns: from draft, open, reviewing, ranked, published, finalized.
        let table: [(CycleAction, [Option<CycleStatus>; 6]); 11] = [
            (Edit, [Some(Draft), None, None, None, None, None]),
            (
                MoveWindow,
                [Some(Draft), Some(CycleStatus::Open), None, None, None, None],
            ),
            (
                CycleAction::Open,
                [Some(CycleStatus::Open), None, None, None, None, None],
            ),
            (Close, [None, Some(Reviewing), None, None, None, None]),
            (Assign, [None, None, Some(Reviewing), None, None, None]),
            (Score, [None, None, Some(Reviewing), Some(Reviewing), None, None]),
            (Rank, [None, None, Some(Ranked), Some(Ranked), None, None]),
            (Publish, [None, None, None, Some(Published), None, None]),
            (ResolveObjection, [None, None, None, None, Some(Published), None]),
            (Finalize, [None, None, None, None, Some(Finalized), None]),
            (
                ExportResults,
                [None, None, None, Some(Ranked), Some(Published), Some(Finalized)],
            ),
        ];
        assert_eq!(table.map(|(a, _)| a), CycleAction::ALL);
        for (action, row) in table {
            for (status, expected) in CycleStatus::ALL.into_iter().zip(row) {
                match (transition(status, action), expected) {
                    (Ok(to), Some(want)) => assert_eq!(to, want, "{action:?} from {status:?}"),
                    (Err(e), None) => assert_eq!(e.code, "cycle_state", "{action:?} from {status:?}"),
                    (got, want) => panic!("{action:?} from {status:?}: got {got:?}, want {want:?}"),
                }
            }
        }
    }

    /// The review actions go through one conditional update (`from_states` → one target), so
    /// each must lead to the same state from every state it starts from.
    #[test]
    fn each_review_action_has_one_target() {
        use CycleAction::*;
        for action in [
            Open,
            Close,
            Assign,
            Score,
            Rank,
            Publish,
            ResolveObjection,
            Finalize,
        ] {
            let targets: Vec<CycleStatus> = action
                .from_states()
                .into_iter()
                .map(|s| transition(s, action).unwrap())
                .collect();
            assert!(
                !targets.is_empty() && targets.iter().all(|t| *t == targets[0]),
                "{action:?}"
            );
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
