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

/// What is asked of an application.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ApplicationAction {
    /// Change fields or evidence (the team, while `draft` or `returned`).
    Edit,
    /// Hand in (R-SUBMIT's checks come on top).
    Submit,
    /// An opinion of the chain: approve, return for revision, or reject.
    Opinion(OpinionStep, Decision),
    /// Finalizing, with a prize.
    Award,
    /// Finalizing, without one.
    NotAward,
}

impl ApplicationAction {
    /// Every action, opinions at every step with every decision.
    pub fn all() -> Vec<ApplicationAction> {
        let mut all = vec![Self::Edit, Self::Submit];
        for step in OpinionStep::ALL {
            all.extend(Decision::ALL.map(|d| Self::Opinion(step, d)));
        }
        all.extend([Self::Award, Self::NotAward]);
        all
    }
}

/// The application life-cycle, in one place: `draft → submitted → unit_approved →
/// district_approved → accepted`, the municipal step straight after the unit's where there is
/// no district (which step is due is [`step_due`]); any opinion may return (editable and
/// resubmittable) or reject (final); finalizing makes an accepted one `awarded` or
/// `not_awarded`.
pub fn transition(
    status: ApplicationStatus,
    action: ApplicationAction,
) -> Result<ApplicationStatus, DomainError> {
    use ApplicationAction as A;
    use ApplicationStatus as S;
    match (status, action) {
        (S::Draft | S::Returned, A::Edit) => Ok(status),
        (S::Draft | S::Returned, A::Submit) => Ok(S::Submitted),
        (_, A::Edit | A::Submit) => Err(not_editable()),
        (S::Submitted, A::Opinion(OpinionStep::Unit, d))
        | (S::UnitApproved, A::Opinion(OpinionStep::District, d))
        | (S::UnitApproved | S::DistrictApproved, A::Opinion(OpinionStep::Municipal, d)) => {
            Ok(match (action, d) {
                (_, Decision::Return) => S::Returned,
                (_, Decision::Reject) => S::Rejected,
                (A::Opinion(OpinionStep::Unit, _), Decision::Approve) => S::UnitApproved,
                (A::Opinion(OpinionStep::District, _), Decision::Approve) => S::DistrictApproved,
                (_, Decision::Approve) => S::Accepted,
            })
        }
        (_, A::Opinion(..)) => Err(not_your_turn()),
        (S::Accepted, A::Award) => Ok(S::Awarded),
        (S::Accepted, A::NotAward) => Ok(S::NotAwarded),
        (_, A::Award | A::NotAward) => Err(DomainError::conflict(
            "application_state",
            "只有已受理的申报才能确定获奖结果",
            "only an accepted application gets a final result",
        )),
    }
}

/// Whether the team may still change (and submit) an application in `status`.
pub fn is_editable(status: ApplicationStatus) -> bool {
    transition(status, ApplicationAction::Edit).is_ok()
}

/// 422 `window_closed`: outside the application window.
pub fn window_closed() -> DomainError {
    DomainError::unprocessable(
        "window_closed",
        "不在申报时间内",
        "the cycle is not open for applications at this time",
    )
}

/// R-EXCLUDE: 422 `previous_year_awardee`.
pub fn previous_year_awardee() -> DomainError {
    DomainError::unprocessable(
        "previous_year_awardee",
        "上一年度\"智惠行动\"获奖服务队不参加本年度评审",
        "a team that won a prize in the previous year may not apply",
    )
    .field("team_id")
}

/// 409 `application_not_editable`.
pub fn not_editable() -> DomainError {
    DomainError::conflict(
        "application_not_editable",
        "申报书已提交，只有草稿或退回修改状态才能修改",
        "the application can be changed only while it is a draft or returned",
    )
}

/// R-NAME: 1–20 characters (not bytes) after trimming.
pub fn parse_project_name(raw: &str) -> Result<String, DomainError> {
    let s = super::text::line("project_name", raw)?;
    let s = s.as_str();
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

    /// SPEC "Project application": every (state, action) pair against the table; everything
    /// not listed is refused with its code.
    #[test]
    fn every_state_and_action_follows_the_table() {
        use ApplicationAction::*;
        use ApplicationStatus::*;
        use Decision::*;
        use OpinionStep::{District as D, Municipal as M, Unit as U};
        let allowed = [
            (Draft, Edit, Draft),
            (Returned, Edit, Returned),
            (Draft, Submit, Submitted),
            (Returned, Submit, Submitted),
            (Submitted, Opinion(U, Approve), UnitApproved),
            (Submitted, Opinion(U, Return), Returned),
            (Submitted, Opinion(U, Reject), Rejected),
            (UnitApproved, Opinion(D, Approve), DistrictApproved),
            (UnitApproved, Opinion(D, Return), Returned),
            (UnitApproved, Opinion(D, Reject), Rejected),
            // No district: the municipal step follows the unit's.
            (UnitApproved, Opinion(M, Approve), Accepted),
            (UnitApproved, Opinion(M, Return), Returned),
            (UnitApproved, Opinion(M, Reject), Rejected),
            (DistrictApproved, Opinion(M, Approve), Accepted),
            (DistrictApproved, Opinion(M, Return), Returned),
            (DistrictApproved, Opinion(M, Reject), Rejected),
            (Accepted, Award, Awarded),
            (Accepted, NotAward, NotAwarded),
        ];
        let mut walked = 0;
        for status in ApplicationStatus::ALL {
            for action in ApplicationAction::all() {
                walked += 1;
                let expected = allowed
                    .iter()
                    .find(|(s, a, _)| *s == status && *a == action)
                    .map(|(_, _, to)| *to);
                let got = transition(status, action);
                match expected {
                    Some(to) => assert_eq!(got.ok(), Some(to), "{action:?} from {status:?}"),
                    None => {
                        let code = got
                            .expect_err(&format!("{action:?} from {status:?} is refused"))
                            .code;
                        let want = match action {
                            Edit | Submit => "application_not_editable",
                            Opinion(..) => "not_your_turn",
                            Award | NotAward => "application_state",
                        };
                        assert_eq!(code, want, "{action:?} from {status:?}");
                    }
                }
            }
        }
        assert_eq!(walked, 9 * 13);
    }
}
