//! Connections lent to one statement or one transaction at a time, and
//! taken back without a round trip.
//!
//! sqlx's pool pings every connection handed back to it (a spawned task
//! that sends the connection a command and waits for the answer) before
//! another caller may have it. On SQLite that is a second trip to the
//! connection's worker thread for each statement, and the one write
//! connection is not free for the next writer until it is done; on
//! PostgreSQL it is a second network round trip per statement. A
//! [`Lender`] keeps its idle connections itself: one that comes back is at
//! once the next caller's. What the ping was for is done otherwise:
//! - a transaction dropped unfinished is rolled back before its
//!   connection is lent again (in a task of its own, see [`Lent`]'s drop);
//! - a connection whose statement failed for the connection's sake (I/O,
//!   protocol, a crashed worker, a server shutting down) is closed, not
//!   lent again ([`Lent::check`]);
//! - a PostgreSQL connection idle longer than a set time is pinged before
//!   it is lent (the server may have closed it meanwhile).
//!
//! New connections are opened by the sqlx pool the lender wraps (its
//! connect options, its timeout) and detached from it; the lender's own
//! permits bound how many are open at once. The pool stays available for
//! what wants one (migrations, tests).

use std::ops::{Deref, DerefMut};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use futures_util::future::BoxFuture;
use sqlx::{Connection, Database, Pool, Postgres, Sqlite};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

/// Lends the connections of one database, at most `max` at once.
pub struct Lender<DB: Transactional> {
    shared: Arc<Shared<DB>>,
}

struct Shared<DB: Transactional> {
    pool: Pool<DB>,
    idle: Mutex<Vec<Idle<DB::Connection>>>,
    permits: Arc<Semaphore>,
    acquire_timeout: Duration,
    check_after_idle: Option<Duration>,
}

struct Idle<C> {
    connection: C,
    since: Instant,
}

impl<DB: Transactional> Clone for Lender<DB> {
    fn clone(&self) -> Self {
        Self {
            shared: Arc::clone(&self.shared),
        }
    }
}

impl<DB: Transactional> std::fmt::Debug for Lender<DB> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Lender")
            .field("available", &self.shared.permits.available_permits())
            .field("idle", &self.shared.idle().len())
            .finish()
    }
}

impl<DB: Transactional> Shared<DB> {
    fn idle(&self) -> MutexGuard<'_, Vec<Idle<DB::Connection>>> {
        self.idle.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

impl<DB: Transactional> Lender<DB> {
    /// Lends at most `max` connections opened by `pool`, waiting at most
    /// `acquire_timeout` for one; a connection idle longer than
    /// `check_after_idle` is pinged before it is lent.
    pub fn new(pool: Pool<DB>, max: u32, acquire_timeout: Duration, check_after_idle: Option<Duration>) -> Self {
        Self {
            shared: Arc::new(Shared {
                pool,
                idle: Mutex::new(Vec::new()),
                permits: Arc::new(Semaphore::new(max.max(1) as usize)),
                acquire_timeout,
                check_after_idle,
            }),
        }
    }

    /// The sqlx pool new connections come from, for what runs on a pool
    /// (migrations, tests).
    pub fn pool(&self) -> &Pool<DB> {
        &self.shared.pool
    }

    /// A connection for one statement or one transaction; it comes back
    /// when the [`Lent`] is dropped.
    pub async fn lend(&self) -> Result<Lent<DB>, sqlx::Error> {
        let shared = &self.shared;
        let permit = tokio::time::timeout(shared.acquire_timeout, Arc::clone(&shared.permits).acquire_owned())
            .await
            .map_err(|_| sqlx::Error::PoolTimedOut)?
            .map_err(|_| sqlx::Error::PoolClosed)?;
        let idle = shared.idle().pop();
        let connection = match idle {
            Some(mut idle) => {
                let stale = shared
                    .check_after_idle
                    .is_some_and(|after| idle.since.elapsed() > after);
                if stale && idle.connection.ping().await.is_err() {
                    self.open().await?
                } else {
                    idle.connection
                }
            }
            None => self.open().await?,
        };
        Ok(Lent {
            connection: Some(connection),
            shared: Arc::clone(shared),
            permit: Some(permit),
            reusable: true,
            in_transaction: false,
            rolling_back: false,
        })
    }

    async fn open(&self) -> Result<DB::Connection, sqlx::Error> {
        Ok(self.shared.pool.acquire().await?.detach())
    }

    /// Lends no more connections and closes the idle ones and the pool; a
    /// connection still lent is closed when it comes back.
    pub async fn close(&self) {
        self.shared.permits.close();
        let idle: Vec<_> = self.shared.idle().drain(..).collect();
        for idle in idle {
            let _ = idle.connection.close().await;
        }
        self.shared.pool.close().await;
    }
}

/// The databases a [`Lender`] serves: how a statement that ends or begins
/// a transaction is run on one of their connections.
pub trait Transactional: Database {
    fn run<'c>(connection: &'c mut Self::Connection, statement: &'static str)
    -> BoxFuture<'c, Result<(), sqlx::Error>>;
}

macro_rules! transactional {
    ($($db:ty),*) => {$(
        impl Transactional for $db {
            fn run<'c>(
                connection: &'c mut Self::Connection,
                statement: &'static str,
            ) -> BoxFuture<'c, Result<(), sqlx::Error>> {
                Box::pin(async move { sqlx::query(statement).execute(connection).await.map(|_| ()) })
            }
        }
    )*};
}

transactional!(Sqlite, Postgres);

/// A lent connection; dropped, it goes back to its [`Lender`] unless a
/// failure made it unfit. Dropped with a transaction open (an error
/// returned half-way, a cancelled request), it is rolled back first, in a
/// task of its own, so the transaction's locks do not outlive it while the
/// connection waits idle; without a runtime to run that task in, the
/// connection is closed instead.
pub struct Lent<DB: Transactional> {
    connection: Option<DB::Connection>,
    shared: Arc<Shared<DB>>,
    permit: Option<OwnedSemaphorePermit>,
    reusable: bool,
    in_transaction: bool,
    /// Lent to the task rolling back a transaction dropped unfinished: if
    /// that task is dropped too (the runtime stopping), the connection is
    /// closed rather than handed to yet another task.
    rolling_back: bool,
}

impl<DB: Transactional> std::fmt::Debug for Lent<DB> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Lent")
            .field("in_transaction", &self.in_transaction)
            .field("reusable", &self.reusable)
            .finish()
    }
}

impl<DB: Transactional> Lent<DB> {
    /// Passes `result` on, first marking the connection unfit to lend
    /// again when its error says the connection itself failed.
    pub fn check<T>(&mut self, result: Result<T, sqlx::Error>) -> Result<T, sqlx::Error> {
        if let Err(e) = &result
            && breaks_connection(e)
        {
            self.discard();
        }
        result
    }

    /// Marks the connection unfit to lend again: it is closed when dropped.
    fn discard(&mut self) {
        self.reusable = false;
    }

    /// Begins a transaction with `statement` (`BEGIN`, or SQLite's
    /// `BEGIN IMMEDIATE`).
    pub async fn begin(&mut self, statement: &'static str) -> Result<(), sqlx::Error> {
        let begun = DB::run(self, statement).await;
        self.in_transaction = begun.is_ok();
        self.check(begun)
    }

    /// Ends the open transaction, keeping its writes when `keep`.
    pub async fn end(&mut self, keep: bool) -> Result<(), sqlx::Error> {
        let ended = DB::run(self, if keep { "COMMIT" } else { "ROLLBACK" }).await;
        if ended.is_ok() {
            self.in_transaction = false;
        }
        self.check(ended)
    }
}

/// Whether an error means the connection itself can no longer be trusted.
fn breaks_connection(e: &sqlx::Error) -> bool {
    use sqlx::Error as E;
    match e {
        E::Io(_) | E::Tls(_) | E::Protocol(_) | E::WorkerCrashed => true,
        // PostgreSQL: the server is shutting down or restarting.
        E::Database(db) => matches!(db.code().as_deref(), Some("57P01" | "57P02" | "57P03")),
        _ => false,
    }
}

impl<DB: Transactional> Deref for Lent<DB> {
    type Target = DB::Connection;

    fn deref(&self) -> &DB::Connection {
        // Taken out only by `drop`.
        self.connection
            .as_ref()
            .unwrap_or_else(|| unreachable!("a lent connection is present until dropped"))
    }
}

impl<DB: Transactional> DerefMut for Lent<DB> {
    fn deref_mut(&mut self) -> &mut DB::Connection {
        self.connection
            .as_mut()
            .unwrap_or_else(|| unreachable!("a lent connection is present until dropped"))
    }
}

impl<DB: Transactional> Drop for Lent<DB> {
    fn drop(&mut self) {
        let Some(connection) = self.connection.take() else {
            return;
        };
        if !self.reusable || self.shared.permits.is_closed() {
            return;
        }
        if self.in_transaction {
            if self.rolling_back {
                return;
            }
            let Ok(runtime) = tokio::runtime::Handle::try_current() else {
                return;
            };
            let mut open = Lent {
                connection: Some(connection),
                shared: Arc::clone(&self.shared),
                permit: self.permit.take(),
                reusable: true,
                in_transaction: true,
                rolling_back: true,
            };
            runtime.spawn(async move {
                // Lent again (dropped at the end) only once rolled back.
                if open.end(false).await.is_err() {
                    open.discard();
                }
            });
            return;
        }
        self.shared.idle().push(Idle {
            connection,
            since: Instant::now(),
        });
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use crate::db::{DatabaseSettings, Db, StoreError, query};

    async fn sqlite(max_connections: u32, acquire_timeout: Duration) -> (tempfile::TempDir, Db) {
        let dir = tempfile::tempdir().expect("tempdir");
        let db = Db::connect(&DatabaseSettings {
            url: format!("sqlite://{}?mode=rwc", dir.path().join("t.db").display()),
            schema: None,
            max_connections,
            acquire_timeout,
        })
        .await
        .expect("db");
        let mut tx = db.begin_write().await.expect("begin");
        tx.execute(query("CREATE TABLE t (n INTEGER NOT NULL)"))
            .await
            .expect("table");
        tx.commit().await.expect("commit");
        (dir, db)
    }

    async fn rows(db: &Db) -> i64 {
        db.scalar::<i64>(query("SELECT COUNT(*) FROM t"))
            .await
            .expect("count")
            .unwrap_or(-1)
    }

    /// A connection given back is the next one lent: what a connection
    /// keeps for itself (a temporary table) is still there.
    #[tokio::test]
    async fn a_connection_given_back_is_lent_again() {
        let (_dir, db) = sqlite(1, Duration::from_secs(5)).await;
        let mut tx = db.begin_read().await.expect("begin");
        tx.execute(query("CREATE TEMP TABLE mine (n INTEGER)"))
            .await
            .expect("temp table");
        tx.commit().await.expect("commit");
        let mut again = db.begin_read().await.expect("begin again");
        let n = again
            .scalar::<i64>(query("SELECT COUNT(*) FROM mine"))
            .await
            .expect("the same connection");
        assert_eq!(n, Some(0));
    }

    /// A transaction dropped half-way leaves nothing, and the one write
    /// connection is lent again with no transaction open on it.
    #[tokio::test]
    async fn a_transaction_dropped_unfinished_is_rolled_back_before_the_next() {
        let (_dir, db) = sqlite(2, Duration::from_secs(5)).await;
        for _ in 0..3 {
            let mut tx = db.begin_write().await.expect("begin");
            tx.execute(query("INSERT INTO t (n) VALUES (1)")).await.expect("insert");
            drop(tx);
        }
        assert_eq!(rows(&db).await, 0);
        let mut tx = db.begin_write().await.expect("the write connection, free again");
        tx.execute(query("INSERT INTO t (n) VALUES (2)")).await.expect("insert");
        tx.commit().await.expect("commit");
        assert_eq!(rows(&db).await, 1);
    }

    /// No more connections than allowed are lent: a caller waits for one
    /// to come back and gives up at the acquire timeout.
    #[tokio::test]
    async fn lending_waits_for_a_connection_and_times_out() {
        let (_dir, db) = sqlite(1, Duration::from_millis(200)).await;
        let held = db.begin_write().await.expect("begin");
        let waited = db.begin_write().await.map(|_| ());
        assert!(matches!(waited, Err(StoreError::Unavailable(_))), "{waited:?}");
        let db2 = db.clone();
        let waiting = tokio::spawn(async move { db2.begin_write().await.map(drop) });
        tokio::time::sleep(Duration::from_millis(50)).await;
        held.commit().await.expect("commit");
        waiting.await.expect("task").expect("lent once the first came back");
    }

    /// Closed, the lender lends nothing more.
    #[tokio::test]
    async fn a_closed_database_lends_nothing() {
        let (_dir, db) = sqlite(1, Duration::from_secs(5)).await;
        db.close().await;
        assert!(matches!(db.begin_write().await, Err(StoreError::Unavailable(_))));
    }
}
