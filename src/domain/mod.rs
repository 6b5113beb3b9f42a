//! Pure rules and newtypes: no database, no HTTP handlers.

pub mod account;
pub mod activity;
pub mod application;
pub mod assignment;
pub mod audit_chain;
pub mod award_import;
pub mod backfill_import;
pub mod bank;
pub mod cycle;
pub mod email;
pub mod idempotency;
pub mod mobile;
pub mod pagination;
pub mod payout;
pub mod pii;
pub mod plausible;
pub mod publicity;
pub mod ranking;
pub mod recommendation;
pub mod reminder;
pub mod rmb;
pub mod roles;
pub mod scoring;
pub mod statistics;
pub mod text;
pub mod throttle;

use chrono::{DateTime, FixedOffset, NaiveDate, Utc};

/// China Standard Time, the programme's time zone.
pub fn cst() -> FixedOffset {
    // 8 hours east is always a valid offset.
    FixedOffset::east_opt(8 * 3600).expect("UTC+08:00 is a valid offset")
}

/// The calendar date in Shenyang at an instant.
pub fn cst_date(at: DateTime<Utc>) -> NaiveDate {
    at.with_timezone(&cst()).date_naive()
}
