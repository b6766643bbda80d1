//! Slowing down repeated failed sign-ins.
//!
//! Each username and each client address has a count of recent failures.
//! The first few are free; after that each further failure locks the key
//! for twice as long as the last (1 s, 2 s, 4 s … up to 15 minutes). While a
//! key is locked every attempt is refused with the time to wait, even with
//! the right password, so guessing gets no faster by trying harder. A
//! success clears the username; failures are forgotten after a quiet period.
//!
//! Separately, each client address may try to sign in only so many times a
//! minute, right or wrong, which bounds the load one client can cause.
//! State is per process: each gateway replica throttles on its own.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;

use chrono::{DateTime, Utc};

const MAX_LOCK: Duration = Duration::from_secs(15 * 60);
const FORGET_AFTER: chrono::Duration = chrono::Duration::minutes(30);
const MAX_TRACKED: usize = 100_000;

#[derive(Debug, Clone)]
struct Failures {
    count: u32,
    last: DateTime<Utc>,
    locked_until: DateTime<Utc>,
}

/// Failure counts by key, and attempts per address in the current minute.
#[derive(Debug)]
pub struct SignInThrottle {
    free_failures: u32,
    attempts_per_minute: u32,
    state: Mutex<HashMap<String, Failures>>,
    attempts: Mutex<HashMap<String, (DateTime<Utc>, u32)>>,
}

/// The key of a username.
pub fn user_key(username: &str) -> String {
    format!("user:{username}")
}

/// The key of a client address.
pub fn addr_key(addr: &str) -> String {
    format!("addr:{addr}")
}

impl SignInThrottle {
    pub fn new(free_failures: u32, attempts_per_minute: u32) -> Self {
        Self {
            free_failures,
            attempts_per_minute: attempts_per_minute.max(1),
            state: Mutex::new(HashMap::new()),
            attempts: Mutex::new(HashMap::new()),
        }
    }

    /// Counts an attempt from `addr_key`; `Err(wait)` once the address has
    /// used up its attempts for the current minute.
    pub fn admit(&self, addr_key: &str, now: DateTime<Utc>) -> Result<(), Duration> {
        let window = chrono::Duration::minutes(1);
        let mut attempts = self.attempts.lock().unwrap_or_else(|p| p.into_inner());
        if attempts.len() > MAX_TRACKED {
            attempts.retain(|_, (start, _)| now - *start < window);
        }
        let entry = attempts.entry(addr_key.to_string()).or_insert((now, 0));
        if now - entry.0 >= window {
            *entry = (now, 0);
        }
        if entry.1 >= self.attempts_per_minute {
            let wait = (entry.0 + window - now).to_std().unwrap_or_default();
            return Err(wait.max(Duration::from_secs(1)));
        }
        entry.1 += 1;
        Ok(())
    }

    /// `Err(wait)` if any of the keys is locked at `now`.
    pub fn check(&self, keys: &[String], now: DateTime<Utc>) -> Result<(), Duration> {
        let state = self.state.lock().unwrap_or_else(|p| p.into_inner());
        let wait = keys
            .iter()
            .filter_map(|k| state.get(k))
            .filter(|f| f.locked_until > now)
            .map(|f| (f.locked_until - now).to_std().unwrap_or_default())
            .max();
        match wait {
            Some(wait) => Err(wait.max(Duration::from_secs(1))),
            None => Ok(()),
        }
    }

    /// Counts a failure for every key.
    pub fn record_failure(&self, keys: &[String], now: DateTime<Utc>) {
        let mut state = self.state.lock().unwrap_or_else(|p| p.into_inner());
        if state.len() > MAX_TRACKED {
            state.retain(|_, f| now - f.last < FORGET_AFTER);
        }
        for key in keys {
            let entry = state.entry(key.clone()).or_insert(Failures {
                count: 0,
                last: now,
                locked_until: now,
            });
            if now - entry.last >= FORGET_AFTER {
                entry.count = 0;
            }
            entry.count += 1;
            entry.last = now;
            if entry.count > self.free_failures {
                let exponent = (entry.count - self.free_failures - 1).min(20);
                let lock = Duration::from_secs(1u64 << exponent).min(MAX_LOCK);
                entry.locked_until = now + chrono::Duration::from_std(lock).unwrap_or_default();
            }
        }
    }

    /// Forgets the failures of a key after a successful sign-in.
    pub fn clear(&self, key: &str) {
        self.state.lock().unwrap_or_else(|p| p.into_inner()).remove(key);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn free_failures_then_doubling_locks() {
        let t = Utc.with_ymd_and_hms(2026, 11, 28, 8, 0, 0).single().expect("time");
        let throttle = SignInThrottle::new(3, 100);
        let keys = vec![user_key("a")];
        for _ in 0..3 {
            assert!(throttle.check(&keys, t).is_ok());
            throttle.record_failure(&keys, t);
        }
        assert!(throttle.check(&keys, t).is_ok(), "three free failures");
        throttle.record_failure(&keys, t);
        assert_eq!(throttle.check(&keys, t), Err(Duration::from_secs(1)));
        let t2 = t + chrono::Duration::seconds(1);
        assert!(throttle.check(&keys, t2).is_ok());
        throttle.record_failure(&keys, t2);
        assert_eq!(throttle.check(&keys, t2), Err(Duration::from_secs(2)));
        throttle.clear(&keys[0]);
        assert!(throttle.check(&keys, t2).is_ok());
    }

    #[test]
    fn failures_are_forgotten_after_quiet_period() {
        let t = Utc.with_ymd_and_hms(2026, 11, 28, 8, 0, 0).single().expect("time");
        let throttle = SignInThrottle::new(1, 100);
        let keys = vec![addr_key("10.0.0.1")];
        throttle.record_failure(&keys, t);
        throttle.record_failure(&keys, t);
        assert!(throttle.check(&keys, t).is_err());
        let later = t + chrono::Duration::hours(1);
        throttle.record_failure(&keys, later);
        assert!(throttle.check(&keys, later).is_ok(), "count restarted");
    }

    #[test]
    fn attempts_per_address_are_capped_per_minute() {
        let t = Utc.with_ymd_and_hms(2026, 11, 28, 8, 0, 0).single().expect("time");
        let throttle = SignInThrottle::new(5, 3);
        let addr = addr_key("10.0.0.9");
        for _ in 0..3 {
            assert!(throttle.admit(&addr, t).is_ok());
        }
        assert_eq!(
            throttle.admit(&addr, t + chrono::Duration::seconds(20)),
            Err(Duration::from_secs(40))
        );
        assert!(
            throttle.admit(&addr_key("10.0.0.10"), t).is_ok(),
            "other addresses are not affected"
        );
        assert!(
            throttle.admit(&addr, t + chrono::Duration::seconds(61)).is_ok(),
            "a new minute"
        );
    }
}
