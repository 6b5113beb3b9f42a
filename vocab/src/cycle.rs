//! Cycle states (`cycles.status`), the aggregation method (`cycles.aggregation`) and the two
//! JSON columns of a cycle, `cycles.tiers` and `cycles.rubric` (SPEC "Award cycle").
//!
//! Stored shapes: `tiers` is `[{"tier":"first","quota":3,"subsidy_fen":1000000}, …]`, `rubric`
//! is `[{"key":"sessions","name":"活动场次","max_score":30.0}, …]`. Reading a value that is not
//! that shape is an error (a 500, logged), never an empty list.

use crate::award::Tier;
use poem_openapi::{Enum, Object};
use sea_orm::{DeriveActiveEnum, DeriveValueType, EnumIter, sea_query::StringLen};
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
pub enum CycleStatus {
    Draft,
    Open,
    Reviewing,
    Ranked,
    Published,
    Finalized,
}

names!(CycleStatus {
    Draft => "draft",
    Open => "open",
    Reviewing => "reviewing",
    Ranked => "ranked",
    Published => "published",
    Finalized => "finalized",
});

/// How experts' totals become one final score (R-AGG).
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
pub enum Aggregation {
    /// Mean of all totals.
    Mean,
    /// Mean after dropping one highest and one lowest total, when there are at least five.
    TrimmedMean,
}

names!(Aggregation {
    Mean => "mean",
    TrimmedMean => "trimmed_mean",
});

/// One prize tier of a cycle.
#[derive(Debug, Clone, PartialEq, Eq, Object, Serialize, Deserialize)]
#[oai(rename = "TierRule")]
pub struct TierRule {
    pub tier: Tier,
    /// Number of awards, ≥ 0.
    pub quota: i64,
    /// Subsidy per award in fen, 0 … 100,000,000 (¥1,000,000).
    #[oai(validator(minimum(value = "0"), maximum(value = "100000000")))]
    pub subsidy_fen: i64,
}

/// One scoring criterion.
#[derive(Debug, Clone, PartialEq, Object, Serialize, Deserialize)]
#[oai(rename = "Criterion")]
pub struct Criterion {
    /// Unique within the rubric, e.g. `sessions`.
    pub key: String,
    pub name: String,
    /// Positive, at most one decimal.
    pub max_score: f64,
}

impl Criterion {
    pub fn max_tenths(&self) -> i64 {
        (self.max_score * 10.0).round() as i64
    }
}

/// `cycles.tiers`: the prize tiers as a typed column (JSON text in the database). Built only
/// from settings `domain::cycle::check_settings` accepted.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, DeriveValueType)]
#[serde(transparent)]
#[sea_orm(
    value_type = "String",
    from_str = "Tiers::from_json",
    to_str = "Tiers::to_json",
    column_type = "Text"
)]
pub struct Tiers(pub Vec<TierRule>);

impl Tiers {
    fn from_json(s: &str) -> Result<Self, serde_json::Error> {
        serde_json::from_str(s).map(Tiers)
    }
    fn to_json(&self) -> String {
        json_text(&self.0)
    }
}

impl std::ops::Deref for Tiers {
    type Target = [TierRule];
    fn deref(&self) -> &[TierRule] {
        &self.0
    }
}

/// `cycles.rubric`: the scoring criteria as a typed column (JSON text in the database). Built
/// only from settings `domain::cycle::check_settings` accepted.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, DeriveValueType)]
#[serde(transparent)]
#[sea_orm(
    value_type = "String",
    from_str = "Rubric::from_json",
    to_str = "Rubric::to_json",
    column_type = "Text"
)]
pub struct Rubric(pub Vec<Criterion>);

impl Rubric {
    fn from_json(s: &str) -> Result<Self, serde_json::Error> {
        serde_json::from_str(s).map(Rubric)
    }
    fn to_json(&self) -> String {
        json_text(&self.0)
    }
}

impl std::ops::Deref for Rubric {
    type Target = [Criterion];
    fn deref(&self) -> &[Criterion] {
        &self.0
    }
}

/// JSON text of a value whose serialisation cannot fail (plain structs, string keys).
pub(crate) fn json_text(v: &impl Serialize) -> String {
    serde_json::to_string(v).expect("plain structs with string keys always serialise")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::names::check_names;

    #[test]
    fn stored_api_and_json_names_agree() {
        check_names(&CycleStatus::ALL, |s| s.as_str());
        check_names(&Aggregation::ALL, |s| s.as_str());
    }

    #[test]
    fn the_json_columns_keep_the_stored_shape() {
        let stored = r#"[{"tier":"first","quota":3,"subsidy_fen":1000000}]"#;
        let tiers = Tiers::from_json(stored).unwrap();
        assert_eq!(tiers[0].tier, Tier::First);
        assert_eq!(tiers.to_json(), stored);
        let stored = r#"[{"key":"sessions","name":"活动场次","max_score":30.0}]"#;
        let rubric = Rubric::from_json(stored).unwrap();
        assert_eq!(rubric[0].max_tenths(), 300);
        assert_eq!(rubric.to_json(), stored);
    }

    /// A corrupt value is an error when read, never "no tiers".
    #[test]
    fn a_corrupt_json_column_is_an_error() {
        assert!(Tiers::from_json("").is_err());
        assert!(Tiers::from_json(r#"[{"tier":"fourth","quota":1,"subsidy_fen":0}]"#).is_err());
        assert!(Rubric::from_json("{}").is_err());
    }
}
