//! Sign-in throttling counts, per account and per client address, kept in
//! the directory's database so that every gateway replica counts the same
//! failures (the rules are in `domain::throttle`).

use std::collections::HashMap;

use chrono::{DateTime, Utc};

use vanphong_platform::clock::to_micros;
use vanphong_platform::db::{CorruptRow, RowDecoder, StoreError, Tx, query, query_built};

use crate::directory::domain::throttle::{FORGET_AFTER, KeyState};

#[derive(sqlx::FromRow)]
struct Row {
    key: String,
    failures: i64,
    last_failure_at: i64,
    locked_until: i64,
    window_start: i64,
    attempts: i64,
}

impl Row {
    fn into_state(self) -> Result<(String, KeyState), CorruptRow> {
        let d = RowDecoder::new("sign_in_throttle", &self.key);
        let state = KeyState {
            failures: d.int("failures", self.failures)?,
            last_failure: d.timestamp("last_failure_at", self.last_failure_at)?,
            locked_until: d.timestamp("locked_until", self.locked_until)?,
            window_start: d.timestamp("window_start", self.window_start)?,
            attempts: d.int("attempts", self.attempts)?,
        };
        Ok((self.key, state))
    }
}

/// The states of `keys`, locked until the transaction ends (so that
/// concurrent attempts on any replica are counted one after the other);
/// keys never seen start fresh at `now`.
pub async fn lock(tx: &mut Tx, keys: &[&str], now: DateTime<Utc>) -> Result<HashMap<String, KeyState>, StoreError> {
    let fresh = KeyState::new(now);
    for key in keys {
        tx.execute(
            query(
                "INSERT INTO sign_in_throttle (key, failures, last_failure_at, locked_until, window_start, attempts) \
                 VALUES ($1, 0, $2, $3, $2, 0) ON CONFLICT (key) DO NOTHING",
            )
            .bind(*key)
            .bind(to_micros(fresh.last_failure))
            .bind(to_micros(fresh.locked_until)),
        )
        .await?;
    }
    let placeholders: Vec<String> = (1..=keys.len()).map(|i| format!("${i}")).collect();
    let mut q = query_built(format!(
        "SELECT key, failures, last_failure_at, locked_until, window_start, attempts \
         FROM sign_in_throttle WHERE key IN ({}) ORDER BY key{}",
        placeholders.join(", "),
        tx.for_update()
    ));
    for key in keys {
        q = q.bind(*key);
    }
    let rows: Vec<Row> = tx.fetch_all(q).await?;
    Ok(rows.into_iter().map(Row::into_state).collect::<Result<_, _>>()?)
}

/// Stores a key's new state.
pub async fn save(tx: &mut Tx, key: &str, state: &KeyState) -> Result<(), StoreError> {
    tx.execute(
        query(
            "UPDATE sign_in_throttle SET failures = $1, last_failure_at = $2, locked_until = $3, \
             window_start = $4, attempts = $5 WHERE key = $6",
        )
        .bind(i64::from(state.failures))
        .bind(to_micros(state.last_failure))
        .bind(to_micros(state.locked_until))
        .bind(to_micros(state.window_start))
        .bind(i64::from(state.attempts))
        .bind(key),
    )
    .await?;
    Ok(())
}

/// Forgets an account's failures after a successful sign-in.
pub async fn clear(tx: &mut Tx, key: &str) -> Result<(), StoreError> {
    tx.execute(query("DELETE FROM sign_in_throttle WHERE key = $1").bind(key))
        .await?;
    Ok(())
}

/// Drops keys that no longer hold anything back: no failure for the quiet
/// period, no lock and no attempt window still running.
pub async fn purge(tx: &mut Tx, now: DateTime<Utc>) -> Result<u64, StoreError> {
    let quiet = to_micros(now - FORGET_AFTER);
    tx.execute(
        query("DELETE FROM sign_in_throttle WHERE last_failure_at < $1 AND locked_until < $2 AND window_start < $1")
            .bind(quiet)
            .bind(to_micros(now)),
    )
    .await
}
