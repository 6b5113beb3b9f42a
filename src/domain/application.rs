//! Project application (项目申报书) states and the opinion chain (SPEC "Project application").

use crate::error::DomainError;
use poem_openapi::Enum;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum, Serialize, Deserialize)]
#[oai(rename_all = "snake_case")]
#[serde(rename_all = "snake_case")]
pub enum ApplicationStatus {
    Draft,
    Submitted,
    UnitApproved,
    DistrictApproved,
    Accepted,
    Returned,
    Rejected,
    Awarded,
    NotAwarded,
}

impl ApplicationStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Draft => "draft",
            Self::Submitted => "submitted",
            Self::UnitApproved => "unit_approved",
            Self::DistrictApproved => "district_approved",
            Self::Accepted => "accepted",
            Self::Returned => "returned",
            Self::Rejected => "rejected",
            Self::Awarded => "awarded",
            Self::NotAwarded => "not_awarded",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        [
            Self::Draft,
            Self::Submitted,
            Self::UnitApproved,
            Self::DistrictApproved,
            Self::Accepted,
            Self::Returned,
            Self::Rejected,
            Self::Awarded,
            Self::NotAwarded,
        ]
        .into_iter()
        .find(|x| x.as_str() == s)
    }
    /// The team may edit (and add or remove evidence) only in these states.
    pub fn is_editable(self) -> bool {
        matches!(self, Self::Draft | Self::Returned)
    }
}

/// A step of the opinion chain.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum, Serialize, Deserialize)]
#[oai(rename_all = "snake_case")]
#[serde(rename_all = "snake_case")]
pub enum OpinionStep {
    /// 隶属单位意见.
    Unit,
    /// 区县科协推荐意见.
    District,
    /// 市科协审核意见.
    Municipal,
}

impl OpinionStep {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Unit => "unit",
            Self::District => "district",
            Self::Municipal => "municipal",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        [Self::Unit, Self::District, Self::Municipal]
            .into_iter()
            .find(|x| x.as_str() == s)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum, Serialize, Deserialize)]
#[oai(rename_all = "snake_case")]
#[serde(rename_all = "snake_case")]
pub enum Decision {
    Approve,
    Return,
    Reject,
}

impl Decision {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Approve => "approve",
            Self::Return => "return",
            Self::Reject => "reject",
        }
    }
}

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
