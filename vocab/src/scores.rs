//! `scores.breakdown`: one expert's points per criterion, in tenths, as a typed column (JSON
//! text `{"criterion_key": tenths, …}` in the database).

use crate::cycle::json_text;
use sea_orm::DeriveValueType;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Tenths per criterion key. Built only from a sheet `domain::scoring::ScoreSheet` accepted;
/// a stored value that is not this shape is an error when read.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, DeriveValueType)]
#[serde(transparent)]
#[sea_orm(
    value_type = "String",
    from_str = "ScoreBreakdown::from_json",
    to_str = "ScoreBreakdown::to_json",
    column_type = "Text"
)]
pub struct ScoreBreakdown(pub BTreeMap<String, i64>);

impl ScoreBreakdown {
    fn from_json(s: &str) -> Result<Self, serde_json::Error> {
        serde_json::from_str(s).map(ScoreBreakdown)
    }
    fn to_json(&self) -> String {
        json_text(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_stored_shape_round_trips_and_corruption_is_an_error() {
        let stored = r#"{"people_served":200,"sessions":225}"#;
        let b = ScoreBreakdown::from_json(stored).unwrap();
        assert_eq!(b.0["sessions"], 225);
        assert_eq!(b.to_json(), stored);
        assert!(ScoreBreakdown::from_json("[1,2]").is_err());
        assert!(ScoreBreakdown::from_json(r#"{"sessions":2.5}"#).is_err());
    }
}
