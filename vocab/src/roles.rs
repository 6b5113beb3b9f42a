//! Roles (`users.role`) and unit kinds (`units.kind`) (SPEC "Who uses it", "Organisations").

use poem_openapi::Enum;
use sea_orm::{DeriveActiveEnum, EnumIter, sea_query::StringLen};
use serde::{Deserialize, Serialize};

/// Who a user is. Derives the API enum directly: its wire names are the contract.
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
pub enum Role {
    Admin,
    Finance,
    Expert,
    Team,
    Unit,
    District,
}

names!(Role {
    Admin => "admin",
    Finance => "finance",
    Expert => "expert",
    Team => "team",
    Unit => "unit",
    District => "district",
});

/// What kind of organisation a unit is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum, Serialize, Deserialize, EnumIter, DeriveActiveEnum)]
#[oai(rename_all = "snake_case")]
#[serde(rename_all = "snake_case")]
#[sea_orm(
    rs_type = "String",
    db_type = "String(StringLen::None)",
    rename_all = "snake_case"
)]
pub enum UnitKind {
    District,
    Society,
    University,
    Institute,
    Enterprise,
    Other,
}

names!(UnitKind {
    District => "district",
    Society => "society",
    University => "university",
    Institute => "institute",
    Enterprise => "enterprise",
    Other => "other",
});

#[cfg(test)]
mod tests {
    use super::*;
    use crate::names::check_names;

    #[test]
    fn stored_api_and_json_names_agree() {
        check_names(&Role::ALL, |r| r.as_str());
        check_names(&UnitKind::ALL, |k| k.as_str());
    }
}
