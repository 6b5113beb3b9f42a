//! Project application states (`applications.status`) and the opinion chain's steps and
//! decisions (`opinions.step`, `opinions.decision`) (SPEC "Project application").

use poem_openapi::Enum;
use sea_orm::{DeriveActiveEnum, EnumIter, sea_query::StringLen};
use serde::{Deserialize, Serialize};

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, Enum, Serialize, Deserialize, EnumIter, DeriveActiveEnum,
)]
#[oai(rename_all = "snake_case")]
#[serde(rename_all = "snake_case")]
#[sea_orm(
    rs_type = "String",
    db_type = "String(StringLen::None)",
    rename_all = "snake_case"
)]
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

names!(ApplicationStatus {
    Draft => "draft",
    Submitted => "submitted",
    UnitApproved => "unit_approved",
    DistrictApproved => "district_approved",
    Accepted => "accepted",
    Returned => "returned",
    Rejected => "rejected",
    Awarded => "awarded",
    NotAwarded => "not_awarded",
});

impl ApplicationStatus {
    /// The team may edit (and add or remove evidence) only in these states.
    pub fn is_editable(self) -> bool {
        matches!(self, Self::Draft | Self::Returned)
    }
}

/// A step of the opinion chain.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum, Serialize, Deserialize, EnumIter, DeriveActiveEnum)]
#[oai(rename_all = "snake_case")]
#[serde(rename_all = "snake_case")]
#[sea_orm(
    rs_type = "String",
    db_type = "String(StringLen::None)",
    rename_all = "snake_case"
)]
pub enum OpinionStep {
    /// 隶属单位意见.
    Unit,
    /// 区县科协推荐意见.
    District,
    /// 市科协审核意见.
    Municipal,
}

names!(OpinionStep {
    Unit => "unit",
    District => "district",
    Municipal => "municipal",
});

// An opinion's decision (the API schema `Decision`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum, Serialize, Deserialize, EnumIter, DeriveActiveEnum)]
#[oai(rename_all = "snake_case")]
#[serde(rename_all = "snake_case")]
#[sea_orm(
    rs_type = "String",
    db_type = "String(StringLen::None)",
    rename_all = "snake_case"
)]
pub enum Decision {
    Approve,
    Return,
    Reject,
}

names!(Decision {
    Approve => "approve",
    Return => "return",
    Reject => "reject",
});

#[cfg(test)]
mod tests {
    use super::*;
    use crate::names::check_names;

    #[test]
    fn stored_api_and_json_names_agree() {
        check_names(&ApplicationStatus::ALL, |s| s.as_str());
        check_names(&OpinionStep::ALL, |s| s.as_str());
        check_names(&Decision::ALL, |s| s.as_str());
    }
}
