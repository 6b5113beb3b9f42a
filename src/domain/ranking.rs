//! Final scores and ranking (R-AGG, R-RANK).
//!
//! Scores are integers in tenths of a point (each criterion has at most one decimal), and every
//! comparison uses exact rationals: two applications that tie on paper tie here, and the
//! tie-break order of R-RANK decides, never a floating-point rounding.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::cmp::Ordering;

pub use vocab::{Aggregation, Tier};

/// Position of a tier in `Tier::ALL` (best first).
fn tier_index(t: Tier) -> usize {
    t as usize
}

/// An exact score in tenths of a point: `numerator / denominator`, kept reduced with a
/// positive denominator, so derived equality and hashing agree with the ordering.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Score {
    numerator: i128,
    denominator: i128,
}

impl Score {
    /// `numerator / denominator` tenths; `None` when the denominator is zero.
    pub fn new(numerator: i128, denominator: i128) -> Option<Score> {
        if denominator == 0 {
            return None;
        }
        let sign = denominator.signum();
        let g = gcd(numerator.unsigned_abs(), denominator.unsigned_abs()).max(1);
        // `g` divides both magnitudes, so it fits in i128 whenever they do.
        let g = i128::try_from(g).unwrap_or(1);
        Some(Score {
            numerator: sign * numerator / g,
            denominator: sign * denominator / g,
        })
    }

    /// A whole number of tenths.
    pub fn from_tenths(tenths: i64) -> Score {
        Score {
            numerator: i128::from(tenths),
            denominator: 1,
        }
    }

    /// Numerator in tenths (reduced).
    pub fn numerator(&self) -> i128 {
        self.numerator
    }

    /// Denominator (reduced, > 0).
    pub fn denominator(&self) -> i128 {
        self.denominator
    }

    /// Points as a float, for display only.
    pub fn to_f64(&self) -> f64 {
        self.numerator as f64 / self.denominator as f64 / 10.0
    }

    /// Points rounded half away from zero to two decimals, for display only.
    pub fn to_points_rounded_2(&self) -> f64 {
        // Hundredths of a point = tenths × 10, rounded exactly in integers.
        round_div(self.numerator * 10, self.denominator) as f64 / 100.0
    }

    fn at_least_tenths(&self, tenths: i64) -> bool {
        *self >= Score::from_tenths(tenths)
    }
}

impl Ord for Score {
    fn cmp(&self, other: &Self) -> Ordering {
        // Denominators are positive, so cross multiplication keeps the order. Totals are
        // i64 and counts are small, so the products stay far inside i128.
        (self.numerator * other.denominator).cmp(&(other.numerator * self.denominator))
    }
}

impl PartialOrd for Score {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// R-AGG: the mean of the experts' totals; with `TrimmedMean` and at least five totals the
/// single highest and single lowest are dropped first. `None` when there are no totals.
pub fn final_score(totals_tenths: &[i64], agg: Aggregation) -> Option<Score> {
    let sum: i128 = totals_tenths.iter().map(|&t| i128::from(t)).sum();
    let count = totals_tenths.len();
    let (sum, count) = match (agg, totals_tenths.iter().min(), totals_tenths.iter().max()) {
        (Aggregation::TrimmedMean, Some(&lo), Some(&hi)) if count >= 5 => {
            (sum - i128::from(lo) - i128::from(hi), count - 2)
        }
        _ => (sum, count),
    };
    Score::new(sum, i128::try_from(count).ok()?)
}

/// One accepted application to rank.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RankInput {
    pub application_id: i64,
    /// Each expert's total, in tenths of a point.
    pub totals_tenths: Vec<i64>,
    /// Sessions (场次) of the counted activities: first tie-break.
    pub sessions: i64,
    /// People served of the counted activities: second tie-break.
    pub people_served: i64,
    /// Submission time: earlier wins the third tie-break.
    pub submitted_at: DateTime<Utc>,
    /// `Some(x)` when an upheld objection fixed the award to `x` (`Some(None)`: no award).
    pub forced_tier: Option<Option<Tier>>,
}

/// Number of awards per tier.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Quotas {
    pub first: u32,
    pub second: u32,
    pub third: u32,
}

impl Quotas {
    fn get(&self, tier: Tier) -> u32 {
        match tier {
            Tier::First => self.first,
            Tier::Second => self.second,
            Tier::Third => self.third,
        }
    }
}

/// One line of the ranking.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RankedRow {
    /// 1-based position in the R-RANK order.
    pub rank: u32,
    pub application_id: i64,
    /// Final score; zero for an application without totals.
    pub final_score: Score,
    pub tier: Option<Tier>,
}

/// R-RANK: orders applications by final score (desc), sessions (desc), people served (desc),
/// submission time (earlier first) and finally application id (asc), and gives tiers.
///
/// Tiers: an application with a forced tier gets exactly that tier and uses one place of
/// that tier's quota (places are taken by forced tiers first, wherever they stand in the
/// order). Walking the order, every other application whose final score is at least
/// `min_score_tenths` takes the next free first-prize place, then second, then third; the
/// rest get `None`. Applications without any totals sort last, with score zero, and are
/// never awarded unless forced.
pub fn rank(inputs: &[RankInput], agg: Aggregation, min_score_tenths: i64, quotas: Quotas) -> Vec<RankedRow> {
    let mut scored: Vec<(Option<Score>, &RankInput)> = inputs
        .iter()
        .map(|input| (final_score(&input.totals_tenths, agg), input))
        .collect();
    scored.sort_by(|(sa, a), (sb, b)| by_score(*sa, *sb).then_with(|| tie_order(a, b)));

    let mut free = Tier::ALL.map(|t| quotas.get(t));
    for (_, input) in &scored {
        if let Some(Some(tier)) = input.forced_tier {
            free[tier_index(tier)] = free[tier_index(tier)].saturating_sub(1);
        }
    }

    let mut rows = Vec::with_capacity(scored.len());
    for (position, (score, input)) in scored.into_iter().enumerate() {
        let tier = match input.forced_tier {
            Some(forced) => forced,
            None if score.is_some_and(|s| s.at_least_tenths(min_score_tenths)) => {
                Tier::ALL.into_iter().find(|t| free[tier_index(*t)] > 0)
            }
            None => None,
        };
        if let (None, Some(t)) = (input.forced_tier, tier) {
            free[tier_index(t)] -= 1;
        }
        rows.push(RankedRow {
            rank: u32::try_from(position + 1).unwrap_or(u32::MAX),
            application_id: input.application_id,
            final_score: score.unwrap_or(Score::from_tenths(0)),
            tier,
        });
    }
    rows
}

/// `Some` (scored) before `None`, then the higher score first.
fn by_score(a: Option<Score>, b: Option<Score>) -> Ordering {
    b.is_some().cmp(&a.is_some()).then_with(|| b.cmp(&a))
}

/// The R-RANK key that orders two applications whose final scores are equal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TieBreak {
    /// More sessions (场次) first.
    Sessions,
    /// More people served first.
    PeopleServed,
    /// Earlier submission first.
    SubmittedAt,
    /// Lower application id first (the last resort that keeps the order deterministic).
    ApplicationId,
}

impl TieBreak {
    pub fn label_zh(self) -> &'static str {
        match self {
            Self::Sessions => "活动场次多者居前",
            Self::PeopleServed => "服务人次多者居前",
            Self::SubmittedAt => "提交时间早者居前",
            Self::ApplicationId => "申报编号小者居前",
        }
    }
}

/// Each tie-break key in R-RANK order with how it orders `a` against `b`.
fn tie_keys(a: &RankInput, b: &RankInput) -> [(TieBreak, Ordering); 4] {
    [
        (TieBreak::Sessions, b.sessions.cmp(&a.sessions)),
        (TieBreak::PeopleServed, b.people_served.cmp(&a.people_served)),
        (TieBreak::SubmittedAt, a.submitted_at.cmp(&b.submitted_at)),
        (TieBreak::ApplicationId, a.application_id.cmp(&b.application_id)),
    ]
}

/// The order of two applications with equal final scores.
fn tie_order(a: &RankInput, b: &RankInput) -> Ordering {
    tie_keys(a, b)
        .into_iter()
        .map(|(_, o)| o)
        .find(|o| o.is_ne())
        .unwrap_or(Ordering::Equal)
}

/// The R-RANK order of two applications (`Less`: `a` ranks before `b`).
pub fn compare(a: &RankInput, b: &RankInput, agg: Aggregation) -> Ordering {
    by_score(
        final_score(&a.totals_tenths, agg),
        final_score(&b.totals_tenths, agg),
    )
    .then_with(|| tie_order(a, b))
}

/// When two applications have the same final score, the tie-break that decides their order
/// (the first key of R-RANK on which they differ); `None` when the scores differ.
pub fn decided_by(a: &RankInput, b: &RankInput, agg: Aggregation) -> Option<TieBreak> {
    if by_score(
        final_score(&a.totals_tenths, agg),
        final_score(&b.totals_tenths, agg),
    )
    .is_ne()
    {
        return None;
    }
    tie_keys(a, b)
        .into_iter()
        .find(|(_, o)| o.is_ne())
        .map(|(k, _)| k)
}

/// A spread is large when the experts' totals have a standard deviation of at least a tenth
/// of the rubric's full marks (10 points of 100): the experts disagree enough to look again.
pub fn is_large_spread(spread: &Spread, full_marks_tenths: i64) -> bool {
    // std_dev is in points; full marks in tenths: std_dev ≥ full/10 points ⇔ 100·sd ≥ full.
    spread.std_dev * 100.0 >= full_marks_tenths as f64
}

/// How far the experts' totals for one application lie apart.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Spread {
    pub min_tenths: i64,
    pub max_tenths: i64,
    pub range_tenths: i64,
    /// Population standard deviation, in points.
    pub std_dev: f64,
}

/// Minimum, maximum, range and population standard deviation of the totals; `None` if empty.
pub fn spread(totals_tenths: &[i64]) -> Option<Spread> {
    let min = *totals_tenths.iter().min()?;
    let max = *totals_tenths.iter().max()?;
    let n = i128::try_from(totals_tenths.len()).ok()?;
    let sum: i128 = totals_tenths.iter().map(|&t| i128::from(t)).sum();
    let sum_sq: i128 = totals_tenths.iter().map(|&t| i128::from(t).pow(2)).sum();
    // Variance × n² exactly in integers (never negative), then one float step.
    let variance_n2 = n * sum_sq - sum * sum;
    let std_dev_tenths = (variance_n2 as f64).sqrt() / n as f64;
    Some(Spread {
        min_tenths: min,
        max_tenths: max,
        range_tenths: max - min,
        std_dev: std_dev_tenths / 10.0,
    })
}

/// Mean per criterion over the experts who scored it, in points rounded to two decimals;
/// criteria in first-seen order. Each expert's entries are `(criterion key, tenths)`.
pub fn criterion_means(per_expert: &[Vec<(String, i64)>]) -> Vec<(String, f64)> {
    let mut acc: Vec<(String, i128, i128)> = Vec::new();
    for (key, tenths) in per_expert.iter().flatten() {
        match acc.iter_mut().find(|(k, _, _)| k == key) {
            Some((_, sum, count)) => {
                *sum += i128::from(*tenths);
                *count += 1;
            }
            None => acc.push((key.clone(), i128::from(*tenths), 1)),
        }
    }
    acc.into_iter()
        .map(|(key, sum, count)| (key, round_div(sum * 10, count) as f64 / 100.0))
        .collect()
}

/// `a / b` rounded half away from zero, for `b > 0`.
fn round_div(a: i128, b: i128) -> i128 {
    let q = a / b;
    let r = a % b;
    if 2 * r.abs() >= b { q + a.signum() } else { q }
}

fn gcd(mut a: u128, mut b: u128) -> u128 {
    while b != 0 {
        (a, b) = (b, a % b);
    }
    a
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use proptest::prelude::*;

    fn at(second: i64) -> DateTime<Utc> {
        Utc.timestamp_opt(1_740_000_000 + second, 0).unwrap()
    }

    fn input(id: i64, totals: &[i64]) -> RankInput {
        RankInput {
            application_id: id,
            totals_tenths: totals.to_vec(),
            sessions: 0,
            people_served: 0,
            submitted_at: at(0),
            forced_tier: None,
        }
    }

    fn quotas(first: u32, second: u32, third: u32) -> Quotas {
        Quotas { first, second, third }
    }

    fn order(rows: &[RankedRow]) -> Vec<i64> {
        rows.iter().map(|r| r.application_id).collect()
    }

    fn tiers(rows: &[RankedRow]) -> Vec<Option<Tier>> {
        rows.iter().map(|r| r.tier).collect()
    }

    /// R-AGG
    #[test]
    fn final_score_is_the_exact_mean_of_the_totals() {
        let score = final_score(&[800, 850, 905], Aggregation::Mean).unwrap();
        assert_eq!(score, Score::new(2555, 3).unwrap());
        assert_eq!(score.to_points_rounded_2(), 85.17);
        assert!((score.to_f64() - 85.1666).abs() < 1e-3);
    }

    /// R-AGG
    #[test]
    fn trimmed_mean_with_five_experts_drops_one_highest_and_one_lowest() {
        let score = final_score(&[700, 950, 800, 820, 810], Aggregation::TrimmedMean);
        assert_eq!(score, Some(Score::from_tenths(810)));
        // Only one of each duplicate extreme is dropped: (700 + 800 + 900) / 3.
        let score = final_score(&[700, 700, 800, 900, 900], Aggregation::TrimmedMean);
        assert_eq!(score, Some(Score::from_tenths(800)));
    }

    /// R-AGG
    #[test]
    fn trimmed_mean_with_four_experts_is_the_plain_mean() {
        let totals = [700, 950, 800, 820];
        let trimmed = final_score(&totals, Aggregation::TrimmedMean);
        assert_eq!(trimmed, final_score(&totals, Aggregation::Mean));
        assert_eq!(trimmed, Score::new(3270, 4));
    }

    /// R-AGG
    #[test]
    fn no_totals_give_no_final_score() {
        assert_eq!(final_score(&[], Aggregation::Mean), None);
        assert_eq!(final_score(&[], Aggregation::TrimmedMean), None);
    }

    /// R-RANK
    #[test]
    fn scores_compare_exactly_without_floats() {
        let third = Score::new(1, 3).unwrap();
        assert!(third > Score::new(333_333_333_333, 1_000_000_000_000).unwrap());
        assert_eq!(Score::new(2, 4), Score::new(-1, -2));
        assert_eq!(Score::new(1, 0), None);
        assert_eq!(Score::new(5, 2).unwrap().to_points_rounded_2(), 0.25);
        assert_eq!(Score::new(-1, 800).unwrap().to_points_rounded_2(), 0.0);
    }

    /// R-RANK
    #[test]
    fn tier_names_round_trip() {
        for tier in Tier::ALL {
            assert_eq!(Tier::parse(tier.as_str()), Some(tier));
        }
        assert_eq!(Tier::parse("fourth"), None);
        assert_eq!(Tier::Second.label_zh(), "二等奖");
        assert!(Tier::First < Tier::Third);
    }

    /// R-RANK
    #[test]
    fn a_tie_is_broken_by_sessions_then_people_served_then_submission_time() {
        let mut by_sessions = input(1, &[800]);
        by_sessions.sessions = 9;
        let mut by_people = input(2, &[800]);
        (by_people.sessions, by_people.people_served) = (5, 300);
        let mut early = input(3, &[800]);
        (early.sessions, early.people_served, early.submitted_at) = (5, 200, at(-60));
        let mut late = input(4, &[800]);
        (late.sessions, late.people_served) = (5, 200);
        let mut same_as_late = input(0, &[800]);
        (same_as_late.sessions, same_as_late.people_served) = (5, 200);
        let better_score = input(5, &[801]);
        let inputs = [late, same_as_late, early, by_people, by_sessions, better_score];

        let rows = rank(&inputs, Aggregation::Mean, 0, quotas(0, 0, 0));

        assert_eq!(order(&rows), [5, 1, 2, 3, 0, 4]);
        assert_eq!(
            rows.iter().map(|r| r.rank).collect::<Vec<_>>(),
            [1, 2, 3, 4, 5, 6]
        );
    }

    /// R-RANK
    #[test]
    fn quotas_fill_first_then_second_then_third_above_the_minimum() {
        let inputs: Vec<_> = [950, 900, 850, 800, 790, 600]
            .iter()
            .enumerate()
            .map(|(i, &t)| input(i as i64, &[t]))
            .collect();

        let rows = rank(&inputs, Aggregation::Mean, 800, quotas(1, 2, 5));

        use Tier::*;
        let expected = [Some(First), Some(Second), Some(Second), Some(Third), None, None];
        assert_eq!(tiers(&rows), expected);
    }

    /// R-RANK
    #[test]
    fn a_forced_tier_is_kept_and_uses_a_place_of_its_quota() {
        let mut revoked = input(1, &[950]);
        revoked.forced_tier = Some(None);
        let mut raised = input(4, &[700]);
        raised.forced_tier = Some(Some(Tier::First));
        let inputs = [revoked, input(2, &[900]), input(3, &[850]), raised];

        let rows = rank(&inputs, Aggregation::Mean, 0, quotas(1, 1, 0));

        use Tier::*;
        assert_eq!(order(&rows), [1, 2, 3, 4]);
        assert_eq!(tiers(&rows), [None, Some(Second), None, Some(First)]);
    }

    /// R-RANK
    #[test]
    fn quotas_of_zero_award_nothing() {
        let inputs = [input(1, &[1000]), input(2, &[900])];

        let rows = rank(&inputs, Aggregation::Mean, 0, Quotas::default());

        assert!(rows.iter().all(|r| r.tier.is_none()));
    }

    /// R-RANK
    #[test]
    fn applications_without_totals_sort_last_with_score_zero_and_no_award() {
        let inputs = [input(1, &[]), input(2, &[0]), input(3, &[10])];

        let rows = rank(&inputs, Aggregation::Mean, 0, quotas(3, 0, 0));

        assert_eq!(order(&rows), [3, 2, 1]);
        assert_eq!(rows[2].final_score, Score::from_tenths(0));
        assert_eq!(tiers(&rows), [Some(Tier::First), Some(Tier::First), None]);
    }

    /// R-RANK: the page names the key that decided each tie, the same one the sort used.
    #[test]
    fn the_deciding_tie_break_is_the_first_key_that_differs() {
        let mut a = input(1, &[800]);
        let mut b = input(2, &[800]);
        (a.sessions, b.sessions) = (9, 5);
        assert_eq!(decided_by(&a, &b, Aggregation::Mean), Some(TieBreak::Sessions));
        b.sessions = 9;
        (a.people_served, b.people_served) = (100, 300);
        assert_eq!(
            decided_by(&b, &a, Aggregation::Mean),
            Some(TieBreak::PeopleServed)
        );
        b.people_served = 100;
        a.submitted_at = at(-5);
        assert_eq!(decided_by(&a, &b, Aggregation::Mean), Some(TieBreak::SubmittedAt));
        a.submitted_at = at(0);
        assert_eq!(
            decided_by(&a, &b, Aggregation::Mean),
            Some(TieBreak::ApplicationId)
        );
        let better = input(3, &[801]);
        assert_eq!(
            decided_by(&better, &a, Aggregation::Mean),
            None,
            "the score decided"
        );
        // The same mean from different totals is a tie too.
        let mut c = input(4, &[700, 900]);
        (c.sessions, c.people_served) = (9, 100);
        assert_eq!(
            decided_by(&a, &c, Aggregation::Mean),
            Some(TieBreak::ApplicationId)
        );
    }

    /// R-AGG: a spread of a tenth of full marks is large.
    #[test]
    fn a_large_spread_is_a_tenth_of_full_marks() {
        assert!(is_large_spread(&spread(&[700, 900]).unwrap(), 1000));
        assert!(!is_large_spread(&spread(&[750, 900]).unwrap(), 1000));
        assert!(!is_large_spread(&spread(&[800]).unwrap(), 1000));
    }

    /// R-AGG
    #[test]
    fn spread_gives_range_and_population_standard_deviation_in_points() {
        let s = spread(&[800, 900, 850, 850]).unwrap();
        assert_eq!((s.min_tenths, s.max_tenths, s.range_tenths), (800, 900, 100));
        assert!((s.std_dev - 3.5355).abs() < 1e-3);
        assert_eq!(spread(&[]), None);
        assert_eq!(spread(&[5]).unwrap().std_dev, 0.0);
    }

    /// R-AGG
    #[test]
    fn criterion_means_keep_first_seen_order_and_two_decimals() {
        let expert = |a: i64, b: i64| vec![("sessions".to_owned(), a), ("benefit".to_owned(), b)];
        let per_expert = [expert(200, 150), expert(205, 151), vec![("benefit".into(), 150)]];

        let means = criterion_means(&per_expert);

        assert_eq!(means, [("sessions".into(), 20.25), ("benefit".into(), 15.03)]);
    }

    fn tier_strategy() -> impl Strategy<Value = Tier> {
        prop_oneof![Just(Tier::First), Just(Tier::Second), Just(Tier::Third)]
    }

    fn inputs_strategy() -> impl Strategy<Value = Vec<RankInput>> {
        let one = (
            prop::collection::vec((0_i64..=8).prop_map(|x| x * 100), 0..6),
            0_i64..3,
            0_i64..3,
            0_i64..3,
            prop_oneof![
                8 => Just(None),
                1 => Just(Some(None)),
                1 => tier_strategy().prop_map(|t| Some(Some(t))),
            ],
        );
        prop::collection::vec(one, 0..25).prop_map(|v| {
            v.into_iter()
                .enumerate()
                .map(|(i, (totals, sessions, people, second, forced))| RankInput {
                    application_id: i as i64,
                    totals_tenths: totals,
                    sessions,
                    people_served: people,
                    submitted_at: at(second),
                    forced_tier: forced,
                })
                .collect()
        })
    }

    fn quotas_strategy() -> impl Strategy<Value = Quotas> {
        (0_u32..5, 0_u32..5, 0_u32..5).prop_map(|(a, b, c)| quotas(a, b, c))
    }

    fn agg_strategy() -> impl Strategy<Value = Aggregation> {
        prop_oneof![Just(Aggregation::Mean), Just(Aggregation::TrimmedMean)]
    }

    proptest! {
        /// R-RANK
        #[test]
        fn ranking_is_deterministic_and_independent_of_input_order(
            (inputs, shuffled) in inputs_strategy().prop_flat_map(|v| (Just(v.clone()), Just(v).prop_shuffle())),
            agg in agg_strategy(),
            min in 0_i64..900,
            q in quotas_strategy(),
        ) {
            let first = rank(&inputs, agg, min, q);
            prop_assert_eq!(&first, &rank(&inputs, agg, min, q));
            prop_assert_eq!(&first, &rank(&shuffled, agg, min, q));
        }

        /// R-RANK: `compare` and `decided_by` agree with the order `rank` gives.
        #[test]
        fn compare_agrees_with_the_ranking(inputs in inputs_strategy(), agg in agg_strategy()) {
            let rows = rank(&inputs, agg, 0, Quotas::default());
            for w in rows.windows(2) {
                let a = &inputs[w[0].application_id as usize];
                let b = &inputs[w[1].application_id as usize];
                prop_assert_eq!(compare(a, b, agg), Ordering::Less);
                prop_assert_eq!(decided_by(a, b, agg).is_some(), w[0].final_score == w[1].final_score
                    && a.totals_tenths.is_empty() == b.totals_tenths.is_empty());
            }
        }

        /// R-RANK
        #[test]
        fn awards_go_to_the_best_eligible_and_respect_quotas(
            inputs in inputs_strategy(),
            agg in agg_strategy(),
            min in 0_i64..900,
            q in quotas_strategy(),
        ) {
            let rows = rank(&inputs, agg, min, q);
            let forced = |id: i64| inputs[id as usize].forced_tier.is_some();
            let scored = |id: i64| !inputs[id as usize].totals_tenths.is_empty();
            let free: Vec<&RankedRow> = rows.iter().filter(|r| !forced(r.application_id)).collect();
            let min_awarded = free.iter().filter(|r| r.tier.is_some()).map(|r| r.final_score).min();
            for r in free.iter().filter(|r| r.tier.is_none()) {
                let eligible = scored(r.application_id) && r.final_score >= Score::from_tenths(min);
                if let (true, Some(lowest)) = (eligible, min_awarded) {
                    prop_assert!(lowest >= r.final_score);
                }
            }
            for r in free.iter().filter(|r| r.tier.is_some()) {
                prop_assert!(scored(r.application_id) && r.final_score >= Score::from_tenths(min));
            }
            // Tiers of the free applications never get better further down the order.
            let free_tiers: Vec<Tier> = free.iter().filter_map(|r| r.tier).collect();
            prop_assert!(free_tiers.windows(2).all(|w| w[0] <= w[1]));
            for tier in Tier::ALL {
                let forced_n = inputs.iter().filter(|i| i.forced_tier == Some(Some(tier))).count();
                let awarded = rows.iter().filter(|r| r.tier == Some(tier)).count();
                let quota = q.get(tier) as usize;
                prop_assert!(awarded <= quota.max(forced_n));
                prop_assert!(awarded - forced_n <= quota.saturating_sub(forced_n));
            }
            for r in &rows {
                if let Some(tier) = inputs[r.application_id as usize].forced_tier {
                    prop_assert_eq!(r.tier, tier);
                }
            }
        }
    }
}
