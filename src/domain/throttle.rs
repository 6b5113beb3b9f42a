//! Login throttling arithmetic (R-THROTTLE), with `now` as a parameter. The counts live in the
//! database (`throttle_buckets`, see `crate::throttle`); this is what they mean.
//!
//! Three buckets per login attempt, each a fixed window that starts at its first hit:
//! - (account, client address): `max_failures` in `window` → 429 with `Retry-After`;
//! - client address over all accounts: `max_per_address` in `window` → 429 with `Retry-After`;
//! - account over all addresses: never a refusal, only a growing delay before the password is
//!   verified, so a stranger can slow the account down but never lock its owner out.

use chrono::{DateTime, Duration, Utc};
use sha2::{Digest, Sha256};

/// The limits, from the configuration (`ZHIHUI_LOGIN_*`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LoginLimits {
    /// Failures per (account, address) in a window.
    pub max_failures: i64,
    /// Attempts per address over all accounts in a window.
    pub max_per_address: i64,
    pub window: Duration,
    /// Failures of an account (over all addresses) before its logins are slowed down.
    pub delay_after: i64,
    /// The longest delay an account's login is slowed down by.
    pub max_delay: std::time::Duration,
}

impl Default for LoginLimits {
    fn default() -> Self {
        Self {
            max_failures: 5,
            max_per_address: 30,
            window: Duration::minutes(15),
            delay_after: 10,
            max_delay: std::time::Duration::from_secs(5),
        }
    }
}

/// What a bucket's key is about; part of the hashed key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    AccountAddress,
    Address,
    Account,
    /// Public objections per client address (issue 12.4).
    Objection,
}

impl Scope {
    fn tag(self) -> &'static str {
        match self {
            Scope::AccountAddress => "login.pair",
            Scope::Address => "login.addr",
            Scope::Account => "login.acct",
            Scope::Objection => "objection.addr",
        }
    }
}

/// The stored key: sha256 of scope and value, so a row never holds a typed username and every
/// key has the same size however long the input.
pub fn bucket_key(scope: Scope, value: &str) -> String {
    hex::encode(Sha256::digest(format!("{}\0{value}", scope.tag()).as_bytes()))
}

/// Whether the hit that brought a bucket to `hits` may go on; when not, the seconds until the
/// window ends (at least 1), for `Retry-After`.
pub fn verdict(
    hits: i64,
    window_start: DateTime<Utc>,
    now: DateTime<Utc>,
    limit: i64,
    window: Duration,
) -> Result<(), u64> {
    if hits <= limit {
        return Ok(());
    }
    let left = (window_start + window - now).num_milliseconds();
    Err(((left + 999) / 1000).max(1) as u64)
}

/// How long an account's login waits given its failures in the window (over all addresses):
/// nothing up to `delay_after`, then 250 ms doubling with each failure, up to `max_delay`.
pub fn account_delay(failures: i64, limits: &LoginLimits) -> std::time::Duration {
    let over = failures - limits.delay_after;
    if over < 0 {
        return std::time::Duration::ZERO;
    }
    let ms = 250u64.saturating_mul(1u64 << over.min(20));
    std::time::Duration::from_millis(ms).min(limits.max_delay)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(secs: i64) -> DateTime<Utc> {
        DateTime::<Utc>::from_timestamp(1_700_000_000 + secs, 0).unwrap()
    }

    // R-THROTTLE: the sixth failure in the window is refused until the window ends.
    #[test]
    fn over_the_limit_is_refused_with_the_seconds_left() {
        let w = Duration::minutes(15);
        assert_eq!(verdict(5, t(0), t(10), 5, w), Ok(()));
        assert_eq!(verdict(6, t(0), t(10), 5, w), Err(890));
        assert_eq!(
            verdict(6, t(0), t(899) + Duration::milliseconds(500), 5, w),
            Err(1)
        );
        assert_eq!(verdict(6, t(0), t(900), 5, w), Err(1));
    }

    // R-THROTTLE: the account's delay grows but is bounded, and never refuses.
    #[test]
    fn the_account_delay_grows_and_is_capped() {
        let l = LoginLimits::default();
        assert_eq!(account_delay(0, &l), std::time::Duration::ZERO);
        assert_eq!(account_delay(9, &l), std::time::Duration::ZERO);
        assert_eq!(account_delay(10, &l).as_millis(), 250);
        assert_eq!(account_delay(11, &l).as_millis(), 500);
        assert_eq!(account_delay(12, &l).as_millis(), 1000);
        assert_eq!(account_delay(100, &l), l.max_delay);
        assert_eq!(account_delay(i64::MAX, &l), l.max_delay);
    }

    #[test]
    fn keys_are_hashed_per_scope_and_of_fixed_size() {
        let long = "a".repeat(10_000);
        assert_eq!(bucket_key(Scope::Account, &long).len(), 64);
        assert_ne!(
            bucket_key(Scope::Account, "admin"),
            bucket_key(Scope::Address, "admin")
        );
        assert!(!bucket_key(Scope::Account, "admin").contains("admin"));
    }
}
