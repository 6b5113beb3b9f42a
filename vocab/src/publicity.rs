//! Where an objection stands (`objections.status`).

use poem_openapi::Enum;
use sea_orm::{DeriveActiveEnum, EnumIter, sea_query::StringLen};
use serde::{Deserialize, Serialize};

/// Where an objection stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum, Serialize, Deserialize, EnumIter, DeriveActiveEnum)]
#[oai(rename_all = "snake_case", rename = "ObjectionStatus")]
#[serde(rename_all = "snake_case")]
#[sea_orm(
    rs_type = "String",
    db_type = "String(StringLen::None)",
    rename_all = "snake_case"
)]
pub enum ObjectionStatus {
    Open,
    Upheld,
    Dismissed,
}

names!(ObjectionStatus {
    Open => "open",
    Upheld => "upheld",
    Dismissed => "dismissed",
});

#[cfg(test)]
mod tests {
    use super::*;
    use crate::names::check_names;

    #[test]
    fn stored_api_and_json_names_agree() {
        check_names(&ObjectionStatus::ALL, |s| s.as_str());
    }
}
