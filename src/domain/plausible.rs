//! Plausible values (issue 20 point 6): dates inside 2000-01-01 … 2100-12-31, counts of
//! people, volunteers and sessions at most 1,000,000, money per tier at most 100,000,000 fen
//! (¥1,000,000). The spec declares the same bounds (`minimum`/`maximum` on the numbers, the
//! range in each date's description); a value outside them is 422 `invalid_value` naming its
//! field, whether it came through the API or a page.

use super::cst;
use crate::error::DomainError;
use chrono::{DateTime, NaiveDate, Utc};

pub const MIN_DATE: NaiveDate = NaiveDate::from_ymd_opt(2000, 1, 1).expect("a valid date");
pub const MAX_DATE: NaiveDate = NaiveDate::from_ymd_opt(2100, 12, 31).expect("a valid date");
/// The largest count of people, volunteers or sessions.
pub const MAX_COUNT: i64 = 1_000_000;
/// The largest subsidy of one tier, in fen.
pub const MAX_FEN: i64 = 100_000_000;

/// A calendar date inside 2000-01-01 … 2100-12-31.
pub fn date(field: &str, d: NaiveDate) -> Result<NaiveDate, DomainError> {
    if (MIN_DATE..=MAX_DATE).contains(&d) {
        Ok(d)
    } else {
        Err(DomainError::invalid(
            field,
            "日期应在2000-01-01至2100-12-31之间",
            "the date must be between 2000-01-01 and 2100-12-31",
        ))
    }
}

/// A moment whose date (China Standard Time) is inside the plausible range.
pub fn time(field: &str, t: DateTime<Utc>) -> Result<DateTime<Utc>, DomainError> {
    date(field, t.with_timezone(&cst()).date_naive()).map(|_| t)
}

/// A count within 0 … 1,000,000.
pub fn count(field: &str, v: i64) -> Result<i32, DomainError> {
    if v < 0 {
        return Err(DomainError::invalid(field, "不能为负数", "must not be negative"));
    }
    if v > MAX_COUNT {
        return Err(DomainError::invalid(
            field,
            "数值不能超过1000000",
            "must be at most 1,000,000",
        ));
    }
    Ok(v as i32)
}

/// Money of one tier within 0 … 100,000,000 fen.
pub fn fen(field: &str, v: i64) -> Result<i64, DomainError> {
    if v < 0 {
        return Err(DomainError::invalid(
            field,
            "金额不能为负数",
            "must not be negative",
        ));
    }
    if v > MAX_FEN {
        return Err(DomainError::invalid(
            field,
            "金额不能超过100000000分（100万元）",
            "must be at most 100,000,000 fen",
        ));
    }
    Ok(v)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Issue 20.6
    #[test]
    fn dates_outside_2000_to_2100_are_refused() {
        let d = |y, m, dd| NaiveDate::from_ymd_opt(y, m, dd).unwrap();
        assert!(date("x", d(2000, 1, 1)).is_ok());
        assert!(date("x", d(2100, 12, 31)).is_ok());
        assert_eq!(
            date("x", d(1999, 12, 31)).unwrap_err().field.as_deref(),
            Some("x")
        );
        assert!(date("x", d(1, 1, 1)).is_err());
        assert!(date("x", d(9999, 12, 31)).is_err());
        // 2100-12-31 16:00 UTC is 2101-01-01 in Shenyang.
        let t = d(2100, 12, 31).and_hms_opt(16, 0, 0).unwrap().and_utc();
        assert!(time("t", t).is_err());
    }

    /// Issue 20.6
    #[test]
    fn counts_and_money_have_ceilings() {
        assert_eq!(count("n", 1_000_000).unwrap(), 1_000_000);
        assert!(count("n", 1_000_001).is_err());
        assert!(count("n", -1).is_err());
        assert_eq!(fen("f", 100_000_000).unwrap(), 100_000_000);
        assert!(fen("f", 1 << 62).is_err());
    }
}
