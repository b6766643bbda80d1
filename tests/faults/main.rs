//! Fault tests: the suite as separate processes on loopback, against a
//! PostgreSQL cluster of the test's own, while things break.
//!
//! - [`replica_killed`]: two documents replicas behind the gateway under a
//!   write load; one is killed with SIGKILL and started again.
//! - [`database_outage`]: PostgreSQL stops for a few seconds under load.
//! - [`drain`]: SIGTERM lets a slow request in flight finish.
//!
//! Each test runs `vanphong migrate`, then `vanphong serve gateway` and
//! `vanphong serve documents` processes (this crate's binary) on free
//! loopback ports, and its own PostgreSQL cluster in a temporary folder
//! ([`cluster`]), so stopping the database disturbs no other test run. The
//! tests take turns ([`one_at_a_time`]): each starts several processes.
//!
//! They need root (PostgreSQL runs as the `postgres` user) and PostgreSQL's
//! server binaries (`/usr/lib/postgresql/<version>/bin`), so a plain
//! `cargo test` leaves them out (`#[ignore]`, with the reason). Run them with
//!
//! ```sh
//! VANPHONG_FAULT_TESTS=1 cargo test --test faults -- --include-ignored
//! ```
//!
//! as `.ci/run` does. With `VANPHONG_FAULT_TESTS=1` a missing prerequisite
//! fails the tests; without it they are skipped, saying why.

// Test code: a failed unwrap is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod clients;
mod cluster;
mod database_outage;
mod deployment;
mod drain;
mod replica_killed;

use std::time::Duration;

use tokio::sync::{Mutex, MutexGuard};

/// Serialises the tests: each runs a database and several servers, more
/// than a small machine runs twice at once within the tests' time limits.
pub async fn one_at_a_time() -> MutexGuard<'static, ()> {
    static TURN: Mutex<()> = Mutex::const_new(());
    TURN.lock().await
}

/// Polls `check` every 50 ms until it holds; panics with `what` after
/// `within`.
pub async fn eventually<F, Fut>(within: Duration, what: &str, mut check: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let until = tokio::time::Instant::now() + within;
    while !check().await {
        assert!(tokio::time::Instant::now() < until, "not within {within:?}: {what}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}
