//! The failed-login throttle (R-ERR: 429 `too_many_attempts`). It lives below the services
//! because the application state holds it: `state.rs` names no service type.

use crate::error::{DomainError, Kind};
use chrono::{DateTime, Duration, Utc};
use std::{collections::HashMap, sync::Mutex};

/// Failed logins per username: after [`LoginLimiter::MAX_FAILURES`] failures within the window,
/// the username is refused (429 `too_many_attempts`) until the lock expires.
#[derive(Debug, Default)]
pub struct LoginLimiter {
    failures: Mutex<HashMap<String, (u32, DateTime<Utc>)>>,
}

impl LoginLimiter {
    pub const MAX_FAILURES: u32 = 5;
    pub const WINDOW_MINUTES: i64 = 15;

    fn key(username: &str) -> String {
        username.trim().to_lowercase()
    }
    pub fn check(&self, username: &str, now: DateTime<Utc>) -> Result<(), DomainError> {
        let map = self.failures.lock().unwrap_or_else(|e| e.into_inner());
        match map.get(&Self::key(username)) {
            Some((n, since))
                if *n >= Self::MAX_FAILURES && now - *since < Duration::minutes(Self::WINDOW_MINUTES) =>
            {
                Err(DomainError::new(
                    Kind::TooManyRequests,
                    "too_many_attempts",
                    "登录失败次数过多，请15分钟后再试",
                    "too many failed logins; try again in 15 minutes",
                ))
            }
            _ => Ok(()),
        }
    }
    pub fn failed(&self, username: &str, now: DateTime<Utc>) {
        let mut map = self.failures.lock().unwrap_or_else(|e| e.into_inner());
        let entry = map.entry(Self::key(username)).or_insert((0, now));
        if now - entry.1 >= Duration::minutes(Self::WINDOW_MINUTES) {
            *entry = (0, now);
        }
        entry.0 += 1;
    }
    pub fn succeeded(&self, username: &str) {
        self.failures
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(&Self::key(username));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(min: i64) -> DateTime<Utc> {
        DateTime::<Utc>::from_timestamp(1_700_000_000 + min * 60, 0).unwrap()
    }

    #[test]
    fn five_failures_lock_the_username_for_the_window() {
        let l = LoginLimiter::default();
        for _ in 0..5 {
            assert!(l.check("Alice", t(0)).is_ok());
            l.failed("alice", t(0));
        }
        assert_eq!(l.check("alice", t(1)).unwrap_err().code, "too_many_attempts");
        assert!(l.check("bob", t(1)).is_ok());
        assert!(l.check("alice", t(16)).is_ok());
    }

    #[test]
    fn success_clears_the_count() {
        let l = LoginLimiter::default();
        for _ in 0..4 {
            l.failed("a", t(0));
        }
        l.succeeded("a");
        l.failed("a", t(0));
        assert!(l.check("a", t(0)).is_ok());
    }
}
