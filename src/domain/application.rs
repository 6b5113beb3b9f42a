//! Project application (项目申报书) states and the opinion chain (SPEC "Project application").

use crate::error::DomainError;

pub use vocab::{ApplicationStatus, OpinionDecision as Decision, OpinionStep};

/// Whose turn it is for an application in `status`: unit → district (skipped when the unit
/// has no parent district; a district unit's own teams go to the district step as their
/// recommender) → municipal.
pub fn step_due(status: ApplicationStatus, has_district: bool) -> Option<OpinionStep> {
    match status {
        ApplicationStatus::Submitted => Some(OpinionStep::Unit),
        ApplicationStatus::UnitApproved if has_district => Some(OpinionStep::District),
        ApplicationStatus::UnitApproved => Some(OpinionStep::Municipal),
        ApplicationStatus::DistrictApproved => Some(OpinionStep::Municipal),
        _ => None,
    }
}

/// The state after `decision` at `step`.
pub fn after_opinion(step: OpinionStep, decision: Decision) -> ApplicationStatus {
    match (step, decision) {
        (_, Decision::Return) => ApplicationStatus::Returned,
        (_, Decision::Reject) => ApplicationStatus::Rejected,
        (OpinionStep::Unit, Decision::Approve) => ApplicationStatus::UnitApproved,
        (OpinionStep::District, Decision::Approve) => ApplicationStatus::DistrictApproved,
        (OpinionStep::Municipal, Decision::Approve) => ApplicationStatus::Accepted,
    }
}

/// R-NAME: 1–20 characters (not bytes) after trimming.
pub fn parse_project_name(raw: &str) -> Result<String, DomainError> {
    let s = raw.trim();
    let n = s.chars().count();
    if n == 0 {
        return Err(DomainError::invalid(
            "project_name",
            "项目名称不能为空",
            "the project name is required",
        ));
    }
    if n > 20 {
        return Err(DomainError::unprocessable(
            "project_name_too_long",
            "项目名称最多20个字",
            "the project name has at most 20 characters",
        )
        .field("project_name"));
    }
    Ok(s.to_owned())
}

pub fn not_your_turn() -> DomainError {
    DomainError::conflict(
        "not_your_turn",
        "当前不是您的审核环节",
        "this opinion step is not yours, or not due",
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// R-NAME
    #[test]
    fn project_name_counts_characters() {
        assert_eq!(
            parse_project_name("  社区科普进万家  ").unwrap(),
            "社区科普进万家"
        );
        assert!(parse_project_name(&"科".repeat(20)).is_ok());
        assert_eq!(
            parse_project_name(&"科".repeat(21)).unwrap_err().code,
            "project_name_too_long"
        );
        assert_eq!(parse_project_name("  ").unwrap_err().code, "invalid_value");
    }

    #[test]
    fn the_chain_skips_the_district_where_there_is_none() {
        use ApplicationStatus::*;
        assert_eq!(step_due(Submitted, true), Some(OpinionStep::Unit));
        assert_eq!(step_due(UnitApproved, true), Some(OpinionStep::District));
        assert_eq!(step_due(UnitApproved, false), Some(OpinionStep::Municipal));
        assert_eq!(step_due(DistrictApproved, true), Some(OpinionStep::Municipal));
        assert_eq!(step_due(Draft, true), None);
        assert_eq!(step_due(Accepted, true), None);
    }

    #[test]
    fn decisions_move_the_state() {
        assert_eq!(
            after_opinion(OpinionStep::Unit, Decision::Approve),
            ApplicationStatus::UnitApproved
        );
        assert_eq!(
            after_opinion(OpinionStep::Municipal, Decision::Approve),
            ApplicationStatus::Accepted
        );
        assert_eq!(
            after_opinion(OpinionStep::District, Decision::Return),
            ApplicationStatus::Returned
        );
        assert_eq!(
            after_opinion(OpinionStep::Unit, Decision::Reject),
            ApplicationStatus::Rejected
        );
        assert!(ApplicationStatus::Returned.is_editable());
        assert!(!ApplicationStatus::Submitted.is_editable());
    }
}
