//! How pages show times, dates, money and sizes — in one place, so every page agrees:
//! times in China Standard Time as `2026年3月5日 14:30`, money as `¥12,500.00`.

use crate::domain::cst;
use chrono::{DateTime, Datelike, NaiveDate, NaiveDateTime, TimeZone, Timelike, Utc};

/// `2026年3月5日 14:30` (China Standard Time).
pub fn time(t: DateTime<Utc>) -> String {
    let c = t.with_timezone(&cst());
    format!(
        "{}年{}月{}日 {:02}:{:02}",
        c.year(),
        c.month(),
        c.day(),
        c.hour(),
        c.minute()
    )
}

/// `2026年3月5日`.
pub fn date(d: NaiveDate) -> String {
    format!("{}年{}月{}日", d.year(), d.month(), d.day())
}

/// `¥12,500.00` from fen; negative amounts as `-¥3.05`.
pub fn money(fen: i64) -> String {
    let sign = if fen < 0 { "-" } else { "" };
    let abs = fen.unsigned_abs();
    let yuan = (abs / 100).to_string();
    let mut grouped = String::with_capacity(yuan.len() + yuan.len() / 3);
    for (i, ch) in yuan.chars().enumerate() {
        if i > 0 && (yuan.len() - i).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(ch);
    }
    format!("{sign}¥{grouped}.{:02}", abs % 100)
}

/// `1.5 MB`, `820 KB`, `12 B`.
pub fn size(bytes: i64) -> String {
    let b = bytes.max(0) as f64;
    if b >= 1024.0 * 1024.0 {
        format!("{:.1} MB", b / 1024.0 / 1024.0)
    } else if b >= 1024.0 {
        format!("{:.0} KB", b / 1024.0)
    } else {
        format!("{bytes} B")
    }
}

/// The value of an `<input type="datetime-local">` (CST): `2026-03-05T14:30`.
pub fn input_time(t: DateTime<Utc>) -> String {
    t.with_timezone(&cst()).format("%Y-%m-%dT%H:%M").to_string()
}

/// Reads an `<input type="datetime-local">` value as China Standard Time; `None` when it is
/// not a time (seconds are accepted, as some browsers send them).
pub fn parse_input_time(s: &str) -> Option<DateTime<Utc>> {
    let s = s.trim();
    let naive = NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M")
        .or_else(|_| NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S"))
        .ok()?;
    cst()
        .from_local_datetime(&naive)
        .single()
        .map(|t| t.with_timezone(&Utc))
}

/// A yuan amount typed into a form (`10000`, `10,000.5`, `¥10000.00`) in fen; `None` when it
/// is not an amount with at most two decimals.
pub fn parse_yuan(s: &str) -> Option<i64> {
    let t: String = s
        .trim()
        .trim_start_matches('¥')
        .chars()
        .filter(|c| *c != ',')
        .collect();
    let (whole, frac) = t.split_once('.').unwrap_or((&t, ""));
    if whole.is_empty() || frac.len() > 2 || !whole.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    if !frac.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let yuan: i64 = whole.parse().ok()?;
    let cents: i64 = format!("{frac:0<2}").parse().ok()?;
    yuan.checked_mul(100)?.checked_add(cents)
}

/// Fen as a form's yuan value: `10000.00`.
pub fn yuan_input(fen: i64) -> String {
    format!("{}.{:02}", fen / 100, (fen % 100).abs())
}

/// A score in tenths as `87.5`.
pub fn tenths(t: i64) -> String {
    format!("{}.{}", t / 10, (t % 10).abs())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yuan_inputs_are_read_as_fen() {
        assert_eq!(parse_yuan("10000"), Some(1_000_000));
        assert_eq!(parse_yuan("¥10,000.5"), Some(1_000_050));
        assert_eq!(parse_yuan("0.05"), Some(5));
        assert_eq!(parse_yuan("1.234"), None);
        assert_eq!(parse_yuan("-3"), None);
        assert_eq!(parse_yuan("abc"), None);
        assert_eq!(yuan_input(1_000_050), "10000.50");
        assert_eq!(tenths(875), "87.5");
    }

    #[test]
    fn times_are_shown_in_china_standard_time() {
        let t = Utc.with_ymd_and_hms(2026, 3, 5, 6, 30, 0).unwrap();
        assert_eq!(time(t), "2026年3月5日 14:30");
        // 20:05 UTC is already the next day in Shenyang.
        let late = Utc.with_ymd_and_hms(2026, 12, 31, 20, 5, 0).unwrap();
        assert_eq!(time(late), "2027年1月1日 04:05");
    }

    #[test]
    fn dates_have_no_leading_zeros() {
        assert_eq!(date(NaiveDate::from_ymd_opt(2026, 3, 5).unwrap()), "2026年3月5日");
    }

    #[test]
    fn money_is_yuan_with_grouping_and_two_decimals() {
        assert_eq!(money(1_250_000), "¥12,500.00");
        assert_eq!(money(0), "¥0.00");
        assert_eq!(money(5), "¥0.05");
        assert_eq!(money(123_456_789), "¥1,234,567.89");
        assert_eq!(money(100_000_000), "¥1,000,000.00");
        assert_eq!(money(-305), "-¥3.05");
    }

    #[test]
    fn sizes_are_human() {
        assert_eq!(size(12), "12 B");
        assert_eq!(size(2048), "2 KB");
        assert_eq!(size(3 * 1024 * 1024 / 2), "1.5 MB");
    }

    #[test]
    fn datetime_local_round_trips_through_cst() {
        let t = parse_input_time("2026-03-05T14:30").unwrap();
        assert_eq!(t, Utc.with_ymd_and_hms(2026, 3, 5, 6, 30, 0).unwrap());
        assert_eq!(input_time(t), "2026-03-05T14:30");
        assert!(parse_input_time("2026-03-05T14:30:15").is_some());
        assert!(parse_input_time("明天").is_none());
    }
}
