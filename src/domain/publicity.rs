//! Publicity (公示), objections (异议) and finalizing (SPEC "Review and ranking").

use crate::{
    domain::{cycle::CycleStatus, ranking::Tier},
    error::DomainError,
};
use chrono::{DateTime, Utc};
use poem_openapi::Enum;
use serde::{Deserialize, Serialize};

pub use vocab::{AwardOverride, ObjectionStatus};

/// How the admin resolves an objection.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum, Serialize, Deserialize)]
#[oai(rename_all = "snake_case", rename = "ObjectionDecision")]
#[serde(rename_all = "snake_case")]
pub enum Decision {
    /// The objection is right: the award is changed (or revoked) and the ranking redone.
    Upheld,
    /// The objection is turned down; nothing changes.
    Dismissed,
}

impl Decision {
    pub fn status(self) -> ObjectionStatus {
        match self {
            Self::Upheld => ObjectionStatus::Upheld,
            Self::Dismissed => ObjectionStatus::Dismissed,
        }
    }
}

/// An upheld objection names the new award; a dismissed one names none.
pub fn check_resolution(decision: Decision, new_tier: Option<AwardOverride>) -> Result<(), DomainError> {
    match (decision, new_tier) {
        (Decision::Upheld, None) => Err(DomainError::invalid(
            "new_tier",
            "异议成立时须指定调整后的奖项（first、second、third 或 none）",
            "an upheld objection needs the new award (first, second, third or none)",
        )),
        (Decision::Dismissed, Some(_)) => Err(DomainError::invalid(
            "new_tier",
            "驳回异议时不能调整奖项",
            "a dismissed objection does not change the award",
        )),
        _ => Ok(()),
    }
}

/// `applications.tier_override` as the ranking's forced tier: `None` when not overridden,
/// `Some(None)` when the award was revoked.
pub fn forced_tier(tier_override: Option<AwardOverride>) -> Option<Option<Tier>> {
    tier_override.map(AwardOverride::tier)
}

pub fn cycle_state(zh: &str, en: &str) -> DomainError {
    DomainError::conflict(
        "cycle_state",
        format!("评审周期当前状态不允许此操作：{zh}"),
        format!("the cycle's state does not allow this: {en}"),
    )
}

/// An objection may be lodged only while the results are published and the period runs.
pub fn check_objection_window(
    status: CycleStatus,
    ends_at: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> Result<(), DomainError> {
    match (status, ends_at) {
        (CycleStatus::Published, Some(end)) if now < end => Ok(()),
        (CycleStatus::Published | CycleStatus::Finalized, _) => Err(DomainError::conflict(
            "publicity_over",
            "公示期已结束，不再受理异议",
            "the publicity period is over; objections are no longer accepted",
        )),
        _ => Err(cycle_state("结果尚未公示", "the results are not published")),
    }
}

/// The publicity end must lie in the future.
pub fn check_publicity_end(ends_at: DateTime<Utc>, now: DateTime<Utc>) -> Result<(), DomainError> {
    if ends_at <= now {
        return Err(DomainError::invalid(
            "publicity_ends_at",
            "公示结束时间必须晚于当前时间",
            "the publicity period must end in the future",
        ));
    }
    Ok(())
}

/// Finalizing needs the cycle published, the period over and every objection resolved.
pub fn check_finalize(
    status: CycleStatus,
    ends_at: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
    open_objections: u64,
) -> Result<(), DomainError> {
    if status != CycleStatus::Published {
        return Err(cycle_state(
            "只有已公示的周期才能确认结果",
            "only a published cycle can be finalized",
        ));
    }
    if ends_at.is_none_or(|end| now < end) {
        return Err(DomainError::conflict(
            "publicity_not_over",
            "公示期尚未结束",
            "the publicity period is not over yet",
        ));
    }
    if open_objections > 0 {
        return Err(DomainError::conflict(
            "objections_open",
            format!("还有{open_objections}条异议未处理"),
            format!("{open_objections} objection(s) are still open"),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Duration;

    fn now() -> DateTime<Utc> {
        "2026-12-01T00:00:00Z".parse().unwrap()
    }

    #[test]
    fn overrides_become_forced_tiers() {
        assert_eq!(forced_tier(None), None);
        assert_eq!(forced_tier(Some(AwardOverride::Second)), Some(Some(Tier::Second)));
        assert_eq!(forced_tier(Some(AwardOverride::None)), Some(None));
    }

    #[test]
    fn objections_are_taken_only_during_publicity() {
        let end = Some(now() + Duration::days(7));
        assert!(check_objection_window(CycleStatus::Published, end, now()).is_ok());
        let over = check_objection_window(CycleStatus::Published, end, now() + Duration::days(7));
        assert_eq!(over.unwrap_err().code, "publicity_over");
        let early = check_objection_window(CycleStatus::Ranked, None, now());
        assert_eq!(early.unwrap_err().code, "cycle_state");
    }

    #[test]
    fn finalizing_waits_for_the_period_and_every_objection() {
        let end = Some(now());
        let before = check_finalize(CycleStatus::Published, end, now() - Duration::seconds(1), 0);
        assert_eq!(before.unwrap_err().code, "publicity_not_over");
        let open = check_finalize(CycleStatus::Published, end, now(), 2);
        assert_eq!(open.unwrap_err().code, "objections_open");
        assert!(check_finalize(CycleStatus::Published, end, now(), 0).is_ok());
        let ranked = check_finalize(CycleStatus::Ranked, end, now(), 0);
        assert_eq!(ranked.unwrap_err().code, "cycle_state");
    }

    #[test]
    fn only_an_upheld_objection_names_a_new_award() {
        assert!(check_resolution(Decision::Upheld, Some(AwardOverride::None)).is_ok());
        assert!(check_resolution(Decision::Dismissed, None).is_ok());
        for (d, t) in [
            (Decision::Upheld, None),
            (Decision::Dismissed, Some(AwardOverride::First)),
        ] {
            assert_eq!(
                check_resolution(d, t).unwrap_err().field.as_deref(),
                Some("new_tier")
            );
        }
    }

    #[test]
    fn the_publicity_end_lies_in_the_future() {
        assert!(check_publicity_end(now() + Duration::hours(1), now()).is_ok());
        let err = check_publicity_end(now(), now()).unwrap_err();
        assert_eq!(err.field.as_deref(), Some("publicity_ends_at"));
    }
}
