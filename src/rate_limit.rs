//! A per-client-address rate limit for public endpoints (issue 20 point 3, issue 12 point 4):
//! at most `per_minute` requests in a fixed one-minute window per address. Process memory,
//! bounded: at most [`RateLimiter::CAPACITY`] addresses are kept; expired windows are purged
//! when the table is full, and if it is still full the oldest window gives way.

use chrono::{DateTime, Duration, Utc};
use std::{collections::HashMap, net::IpAddr, sync::Mutex};

pub struct RateLimiter {
    per_minute: u32,
    windows: Mutex<HashMap<IpAddr, (DateTime<Utc>, u32)>>,
}

impl RateLimiter {
    /// The most addresses tracked at once.
    pub const CAPACITY: usize = 10_000;

    pub fn new(per_minute: u32) -> Self {
        Self {
            per_minute: per_minute.max(1),
            windows: Mutex::new(HashMap::new()),
        }
    }

    /// Counts one request from `addr`; `Err(seconds)` says when the next one is allowed.
    pub fn check(&self, addr: IpAddr, now: DateTime<Utc>) -> Result<(), u64> {
        let window = Duration::minutes(1);
        let mut map = self.windows.lock().unwrap_or_else(|p| p.into_inner());
        if !map.contains_key(&addr) && map.len() >= Self::CAPACITY {
            map.retain(|_, (start, _)| *start + window > now);
            if map.len() >= Self::CAPACITY
                && let Some(oldest) = map.iter().min_by_key(|(_, (start, _))| *start).map(|(k, _)| *k)
            {
                map.remove(&oldest);
            }
        }
        let entry = map.entry(addr).or_insert((now, 0));
        if entry.0 + window <= now {
            *entry = (now, 0);
        }
        if entry.1 >= self.per_minute {
            let wait = (entry.0 + window - now).num_milliseconds().max(1);
            return Err((wait as u64).div_ceil(1000));
        }
        entry.1 += 1;
        Ok(())
    }

    /// How many addresses are tracked (for the bound's test).
    pub fn tracked(&self) -> usize {
        self.windows.lock().map(|m| m.len()).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(n: u32) -> IpAddr {
        IpAddr::from(n.to_be_bytes())
    }

    #[test]
    fn the_sixth_request_in_a_minute_waits_for_the_window() {
        let t0 = Utc::now();
        let rl = RateLimiter::new(5);
        for _ in 0..5 {
            assert!(rl.check(ip(1), t0).is_ok());
        }
        assert_eq!(rl.check(ip(1), t0 + Duration::seconds(20)), Err(40));
        // Another address is not affected.
        assert!(rl.check(ip(2), t0).is_ok());
        assert!(rl.check(ip(1), t0 + Duration::seconds(60)).is_ok());
    }

    #[test]
    fn the_table_is_bounded() {
        let t0 = Utc::now();
        let rl = RateLimiter::new(5);
        for n in 0..(RateLimiter::CAPACITY as u32 + 500) {
            rl.check(ip(n), t0 + Duration::milliseconds(i64::from(n))).ok();
        }
        assert_eq!(rl.tracked(), RateLimiter::CAPACITY);
    }
}
