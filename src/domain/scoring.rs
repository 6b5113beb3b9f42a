//! One expert's score sheet for one application (SPEC "Review and ranking"): one score per
//! rubric criterion, each between 0 and the criterion's maximum with at most one decimal.
//! Parsed once at the boundary into whole tenths, so every later sum is exact.

use crate::{
    domain::cycle::{Criterion, points_to_tenths},
    error::DomainError,
};
use std::collections::BTreeMap;
use vocab::ScoreBreakdown;

/// A complete, valid score sheet: tenths per criterion key, in rubric order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScoreSheet {
    entries: Vec<(String, i64)>,
}

impl ScoreSheet {
    /// Checks `points` against the rubric: every criterion present, no unknown key
    /// (`invalid_value`), each value within `0..=max` with at most one decimal
    /// (`score_out_of_range`). The field at fault is `scores.<key>`.
    pub fn parse(rubric: &[Criterion], points: &BTreeMap<String, f64>) -> Result<Self, DomainError> {
        if let Some(unknown) = points.keys().find(|k| !rubric.iter().any(|c| &c.key == *k)) {
            return Err(DomainError::invalid(
                &format!("scores.{unknown}"),
                "评分标准中没有这一项",
                "the rubric has no such criterion",
            ));
        }
        let entries = rubric
            .iter()
            .map(|c| {
                let field = format!("scores.{}", c.key);
                let value = *points.get(&c.key).ok_or_else(|| {
                    DomainError::invalid(&field, "每个评分项都要打分", "every criterion needs a score")
                })?;
                let tenths = points_to_tenths(value)
                    .filter(|t| (0..=c.max_tenths()).contains(t))
                    .ok_or_else(|| out_of_range(c, &field))?;
                Ok((c.key.clone(), tenths))
            })
            .collect::<Result<_, DomainError>>()?;
        Ok(Self { entries })
    }

    /// `(criterion key, tenths)` in rubric order.
    pub fn entries(&self) -> &[(String, i64)] {
        &self.entries
    }

    pub fn total_tenths(&self) -> i64 {
        self.entries.iter().map(|(_, t)| t).sum()
    }

    /// The stored column (`scores.breakdown`): tenths per criterion key.
    pub fn to_breakdown(&self) -> ScoreBreakdown {
        ScoreBreakdown(self.entries.iter().cloned().collect())
    }

    /// A stored sheet, listing the criteria in `rubric` order first, then any others.
    pub fn from_stored(rubric: &[Criterion], stored: &ScoreBreakdown) -> Self {
        let mut map = stored.0.clone();
        let mut entries: Vec<(String, i64)> = rubric
            .iter()
            .filter_map(|c| map.remove(&c.key).map(|t| (c.key.clone(), t)))
            .collect();
        entries.extend(map);
        Self { entries }
    }
}

fn out_of_range(c: &Criterion, field: &str) -> DomainError {
    DomainError::unprocessable(
        "score_out_of_range",
        format!("“{}”的得分应在0到{}之间，最多一位小数", c.name, c.max_score),
        format!(
            "the score for {} must lie between 0 and {}, with at most one decimal",
            c.key, c.max_score
        ),
    )
    .field(field)
}

/// Tenths of a point as points, for display.
pub fn tenths_to_points(tenths: i64) -> f64 {
    tenths as f64 / 10.0
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::cycle::default_rubric;
    use proptest::prelude::*;

    fn points(pairs: &[(&str, f64)]) -> BTreeMap<String, f64> {
        pairs.iter().map(|(k, v)| ((*k).to_owned(), *v)).collect()
    }

    fn full(s: f64) -> BTreeMap<String, f64> {
        points(&[
            ("sessions", s),
            ("people_served", 20.0),
            ("social_benefit", 25.5),
            ("highlights_materials", 18.0),
        ])
    }

    #[test]
    fn a_full_sheet_is_kept_in_tenths_in_rubric_order() {
        let sheet = ScoreSheet::parse(&default_rubric(), &full(22.5)).unwrap();
        assert_eq!(sheet.entries()[0], ("sessions".to_owned(), 225));
        assert_eq!(sheet.total_tenths(), 225 + 200 + 255 + 180);
        let back = ScoreSheet::from_stored(&default_rubric(), &sheet.to_breakdown());
        assert_eq!(back, sheet);
    }

    #[test]
    fn each_score_lies_within_zero_and_the_maximum_with_one_decimal() {
        for bad in [25.1, -0.1, 12.25, f64::NAN, f64::INFINITY] {
            let err = ScoreSheet::parse(&default_rubric(), &full(bad)).unwrap_err();
            assert_eq!(err.code, "score_out_of_range", "{bad}");
            assert_eq!(err.field.as_deref(), Some("scores.sessions"));
        }
        assert!(ScoreSheet::parse(&default_rubric(), &full(25.0)).is_ok());
        assert!(ScoreSheet::parse(&default_rubric(), &full(0.0)).is_ok());
    }

    #[test]
    fn missing_and_unknown_criteria_are_refused_naming_the_key() {
        let mut missing = full(1.0);
        missing.remove("people_served");
        let err = ScoreSheet::parse(&default_rubric(), &missing).unwrap_err();
        assert_eq!(
            (err.code, err.field.as_deref()),
            ("invalid_value", Some("scores.people_served"))
        );

        let mut extra = full(1.0);
        extra.insert("charm".into(), 1.0);
        let err = ScoreSheet::parse(&default_rubric(), &extra).unwrap_err();
        assert_eq!(
            (err.code, err.field.as_deref()),
            ("invalid_value", Some("scores.charm"))
        );
    }

    proptest! {
        /// Any valid sheet in tenths survives the trip through points and JSON unchanged.
        #[test]
        fn valid_sheets_round_trip_exactly(tenths in prop::collection::vec(0_i64..=250, 4)) {
            let rubric = default_rubric();
            let max: Vec<i64> = rubric.iter().map(Criterion::max_tenths).collect();
            let tenths: Vec<i64> = tenths.iter().zip(&max).map(|(t, m)| t % (m + 1)).collect();
            let pts: BTreeMap<String, f64> = rubric
                .iter()
                .zip(&tenths)
                .map(|(c, t)| (c.key.clone(), *t as f64 / 10.0))
                .collect();
            let sheet = ScoreSheet::parse(&rubric, &pts).unwrap();
            prop_assert_eq!(sheet.total_tenths(), tenths.iter().sum::<i64>());
            prop_assert_eq!(ScoreSheet::from_stored(&rubric, &sheet.to_breakdown()), sheet);
        }
    }
}
