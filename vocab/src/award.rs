//! Prize tiers (`awards.tier`, `payouts.tier`, `award_history.tier`, `results.tier`), the
//! override an upheld objection sets (`applications.tier_override`, `objections.new_tier`) and
//! where an award-history row came from (`award_history.source`).

use poem_openapi::Enum;
use sea_orm::{DeriveActiveEnum, EnumIter, sea_query::StringLen};
use serde::{Deserialize, Serialize};

/// Prize tier; `First` sorts before `Second`.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    Ord,
    PartialOrd,
    Serialize,
    Deserialize,
    Enum,
    EnumIter,
    DeriveActiveEnum,
)]
#[serde(rename_all = "snake_case")]
#[oai(rename_all = "snake_case")]
#[sea_orm(
    rs_type = "String",
    db_type = "String(StringLen::None)",
    rename_all = "snake_case"
)]
pub enum Tier {
    First,
    Second,
    Third,
}

names!(Tier {
    First => "first",
    Second => "second",
    Third => "third",
});

impl Tier {
    /// Chinese label: 一等奖, 二等奖, 三等奖.
    pub fn label_zh(self) -> &'static str {
        match self {
            Tier::First => "一等奖",
            Tier::Second => "二等奖",
            Tier::Third => "三等奖",
        }
    }
}

/// The award an upheld objection fixes: a tier, or none at all (revoked).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum, Serialize, Deserialize, EnumIter, DeriveActiveEnum)]
#[oai(rename_all = "snake_case", rename = "AwardOverride")]
#[serde(rename_all = "snake_case")]
#[sea_orm(
    rs_type = "String",
    db_type = "String(StringLen::None)",
    rename_all = "snake_case"
)]
pub enum AwardOverride {
    First,
    Second,
    Third,
    None,
}

names!(AwardOverride {
    First => "first",
    Second => "second",
    Third => "third",
    None => "none",
});

impl AwardOverride {
    /// The tier it forces; `None` when the award was revoked.
    pub fn tier(self) -> Option<Tier> {
        match self {
            Self::First => Some(Tier::First),
            Self::Second => Some(Tier::Second),
            Self::Third => Some(Tier::Third),
            Self::None => None,
        }
    }
}

/// How a record entered the history.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum, Serialize, Deserialize, EnumIter, DeriveActiveEnum)]
#[oai(rename_all = "snake_case", rename = "AwardHistorySource")]
#[serde(rename_all = "snake_case")]
#[sea_orm(
    rs_type = "String",
    db_type = "String(StringLen::None)",
    rename_all = "snake_case"
)]
pub enum AwardSource {
    /// Entered one at a time.
    Manual,
    /// From an imported list.
    Import,
}

names!(AwardSource {
    Manual => "manual",
    Import => "import",
});

#[cfg(test)]
mod tests {
    use super::*;
    use crate::names::check_names;

    #[test]
    fn stored_api_and_json_names_agree() {
        check_names(&Tier::ALL, |t| t.as_str());
        check_names(&AwardOverride::ALL, |t| t.as_str());
        check_names(&AwardSource::ALL, |t| t.as_str());
    }

    #[test]
    fn tiers_sort_best_first() {
        assert!(Tier::First < Tier::Second && Tier::Second < Tier::Third);
        assert_eq!(AwardOverride::None.tier(), None);
        assert_eq!(AwardOverride::Second.tier(), Some(Tier::Second));
    }
}
