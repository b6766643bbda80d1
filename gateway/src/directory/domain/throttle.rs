//! Slowing down repeated failed sign-ins.
//!
//! Each account (username or service client id) and each client address
//! has a count of recent failures. An account gets a few free failures;
//! after that each further failure locks it for twice as long as the last
//! (1 s, 2 s, 4 s … up to 15 minutes), and while it is locked every attempt
//! is refused with the time to wait, even with the right password, so
//! guessing gets no faster by trying harder. An address gets many more free
//! failures before the same locks apply to it, because a whole office often
//! signs in from behind one address: one person's typing mistakes must not
//! lock out their colleagues. A success clears the account; failures are
//! forgotten after a quiet period.
//!
//! Separately, each address may try to sign in only so many times a
//! minute, right or wrong, which bounds the load one client can cause.
//!
//! The counts live in the directory's database (see
//! `store::throttle`), so every gateway replica sees the same ones; this
//! module only says how a count changes.

use std::time::Duration;

use chrono::{DateTime, Utc};

/// Longest lock.
const MAX_LOCK: Duration = Duration::from_secs(15 * 60);
/// A count starts again after this long without a failure.
pub const FORGET_AFTER: chrono::Duration = chrono::Duration::minutes(30);
/// The window of the per-address attempt limit.
const WINDOW: chrono::Duration = chrono::Duration::minutes(1);

/// The throttle's settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ThrottlePolicy {
    /// Failures an account may have before locks begin.
    pub account_free_failures: u32,
    /// Failures an address may have before locks begin (much more than an
    /// account: many people share an office's address).
    pub address_free_failures: u32,
    /// Sign-in attempts an address may make per minute.
    pub attempts_per_minute: u32,
}

/// What is known of one key (an account or an address).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KeyState {
    pub failures: u32,
    pub last_failure: DateTime<Utc>,
    pub locked_until: DateTime<Utc>,
    /// Start of the current attempt window, and the attempts in it.
    pub window_start: DateTime<Utc>,
    pub attempts: u32,
}

impl KeyState {
    /// A key never seen before: never locked, whatever the clock reads
    /// later (a clock set back, as the demo's is while it tells 2025, must
    /// not find a fresh key locked until the moment it was made).
    pub fn new(now: DateTime<Utc>) -> Self {
        KeyState {
            failures: 0,
            last_failure: now,
            locked_until: DateTime::UNIX_EPOCH,
            window_start: now,
            attempts: 0,
        }
    }

    /// How long the key stays locked, if it is locked at `now`; never less
    /// than a second, so clients are told a wait they can act on.
    pub fn lock_remaining(&self, now: DateTime<Utc>) -> Option<Duration> {
        (self.locked_until > now).then(|| {
            (self.locked_until - now)
                .to_std()
                .unwrap_or_default()
                .max(Duration::from_secs(1))
        })
    }
}

/// Which kind of key a failure counts against.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyKind {
    Account,
    Address,
}

/// The key of a username.
pub fn user_key(username: &str) -> String {
    format!("user:{username}")
}

/// The key of a service account's client id.
pub fn client_key(client_id: &str) -> String {
    format!("client:{client_id}")
}

/// The key of a client address.
pub fn addr_key(addr: &str) -> String {
    format!("addr:{addr}")
}

impl ThrottlePolicy {
    /// Counts an attempt from an address: the new state, or the wait once
    /// the address has used up its attempts for the current minute.
    pub fn admit(&self, state: KeyState, now: DateTime<Utc>) -> Result<KeyState, Duration> {
        let mut next = state;
        if now - next.window_start >= WINDOW || now < next.window_start {
            next.window_start = now;
            next.attempts = 0;
        }
        if next.attempts >= self.attempts_per_minute.max(1) {
            let wait = (next.window_start + WINDOW - now).to_std().unwrap_or_default();
            return Err(wait.max(Duration::from_secs(1)));
        }
        next.attempts += 1;
        Ok(next)
    }

    /// The state after one more failure.
    pub fn after_failure(&self, kind: KeyKind, state: KeyState, now: DateTime<Utc>) -> KeyState {
        let free = match kind {
            KeyKind::Account => self.account_free_failures,
            KeyKind::Address => self.address_free_failures,
        };
        let mut next = state;
        if now - next.last_failure >= FORGET_AFTER {
            next.failures = 0;
        }
        next.failures = next.failures.saturating_add(1);
        next.last_failure = now;
        if next.failures > free {
            let exponent = (next.failures - free - 1).min(20);
            let lock = Duration::from_secs(1u64 << exponent).min(MAX_LOCK);
            next.locked_until = now + chrono::Duration::from_std(lock).unwrap_or_default();
        }
        next
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn policy() -> ThrottlePolicy {
        ThrottlePolicy {
            account_free_failures: 3,
            address_free_failures: 30,
            attempts_per_minute: 3,
        }
    }

    fn t0() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 28, 8, 0, 0).single().expect("time")
    }

    #[test]
    fn a_fresh_key_is_not_locked_when_the_clock_goes_back() {
        let (p, t) = (policy(), t0());
        let seen = p.admit(KeyState::new(t), t).expect("admitted");
        let earlier = t - chrono::Duration::days(300);
        assert_eq!(seen.lock_remaining(earlier), None);
        assert!(p.admit(seen, earlier).is_ok());
    }

    #[test]
    fn free_failures_then_doubling_locks() {
        let (p, t) = (policy(), t0());
        let mut s = KeyState::new(t);
        for _ in 0..3 {
            assert_eq!(s.lock_remaining(t), None);
            s = p.after_failure(KeyKind::Account, s, t);
        }
        assert_eq!(s.lock_remaining(t), None, "three free failures");
        s = p.after_failure(KeyKind::Account, s, t);
        assert_eq!(s.lock_remaining(t), Some(Duration::from_secs(1)));
        let t2 = t + chrono::Duration::seconds(1);
        assert_eq!(s.lock_remaining(t2), None);
        s = p.after_failure(KeyKind::Account, s, t2);
        assert_eq!(s.lock_remaining(t2), Some(Duration::from_secs(2)));
    }

    #[test]
    fn an_address_has_many_more_free_failures_than_an_account() {
        let (p, t) = (policy(), t0());
        let mut address = KeyState::new(t);
        for _ in 0..30 {
            address = p.after_failure(KeyKind::Address, address, t);
        }
        assert_eq!(address.lock_remaining(t), None);
        address = p.after_failure(KeyKind::Address, address, t);
        assert!(address.lock_remaining(t).is_some());
    }

    #[test]
    fn failures_are_forgotten_after_a_quiet_period() {
        let (p, t) = (policy(), t0());
        let mut s = KeyState::new(t);
        for _ in 0..5 {
            s = p.after_failure(KeyKind::Account, s, t);
        }
        assert!(s.lock_remaining(t).is_some());
        let later = t + chrono::Duration::hours(1);
        s = p.after_failure(KeyKind::Account, s, later);
        assert_eq!(s.failures, 1, "count restarted");
        assert_eq!(s.lock_remaining(later), None);
    }

    #[test]
    fn attempts_per_address_are_capped_per_minute() {
        let (p, t) = (policy(), t0());
        let mut s = KeyState::new(t);
        for _ in 0..3 {
            s = p.admit(s, t).expect("admitted");
        }
        assert_eq!(
            p.admit(s, t + chrono::Duration::seconds(20)),
            Err(Duration::from_secs(40))
        );
        assert!(p.admit(s, t + chrono::Duration::seconds(61)).is_ok(), "a new minute");
    }
}
