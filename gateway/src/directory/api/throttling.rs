//! Sign-in throttling around the password check: each step is a short
//! transaction on the shared counts (never held while a password is hashed).

use std::time::Duration;

use vanphong_platform::Error;

use crate::directory::Directory;
use crate::directory::domain::throttle::{KeyKind, KeyState};
use crate::directory::store;

/// The answer while an account or address must wait.
fn too_many(wait: Duration) -> Error {
    Error::ResourceExhausted {
        message: format!(
            "Đăng nhập sai quá nhiều lần. Vui lòng thử lại sau {}",
            describe_wait(wait)
        ),
        retry_after: Some(wait),
    }
}

/// "12 giây", "3 phút" — what a person reads.
fn describe_wait(wait: Duration) -> String {
    let secs = wait.as_secs().max(1);
    if secs < 120 {
        format!("{secs} giây")
    } else {
        format!("{} phút", secs.div_ceil(60))
    }
}

/// Counts an attempt from `addr` and refuses it while the address is over
/// its attempts for the minute, or the account or the address is locked.
pub(super) async fn admit(dir: &Directory, account: &str, addr: &str) -> Result<(), Error> {
    let now = dir.clock.now();
    let mut tx = dir.db.begin_write().await?;
    let states = store::throttle::lock(&mut tx, &[account, addr], now).await?;
    let state = |key: &str| states.get(key).copied().unwrap_or_else(|| KeyState::new(now));
    let admitted = dir.throttle.admit(state(addr), now);
    if let Ok(next) = &admitted {
        store::throttle::save(&mut tx, addr, next).await?;
    }
    tx.commit().await?;
    admitted.map_err(too_many)?;
    let wait = [state(account), state(addr)]
        .iter()
        .filter_map(|s| s.lock_remaining(now))
        .max();
    match wait {
        Some(wait) => Err(too_many(wait)),
        None => Ok(()),
    }
}

/// Counts a failed sign-in against the account and the address.
pub(super) async fn record_failure(dir: &Directory, account: &str, addr: &str) -> Result<(), Error> {
    let now = dir.clock.now();
    let mut tx = dir.db.begin_write().await?;
    let states = store::throttle::lock(&mut tx, &[account, addr], now).await?;
    for (key, kind) in [(account, KeyKind::Account), (addr, KeyKind::Address)] {
        let state = states.get(key).copied().unwrap_or_else(|| KeyState::new(now));
        store::throttle::save(&mut tx, key, &dir.throttle.after_failure(kind, state, now)).await?;
    }
    tx.commit().await?;
    Ok(())
}

/// Forgets an account's failures after it signed in.
pub(super) async fn clear(dir: &Directory, account: &str) -> Result<(), Error> {
    let mut tx = dir.db.begin_write().await?;
    store::throttle::clear(&mut tx, account).await?;
    tx.commit().await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn waits_read_as_seconds_then_minutes() {
        assert_eq!(describe_wait(Duration::from_millis(300)), "1 giây");
        assert_eq!(describe_wait(Duration::from_secs(64)), "64 giây");
        assert_eq!(describe_wait(Duration::from_secs(900)), "15 phút");
    }
}
