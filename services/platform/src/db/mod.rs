//! Storage on SQLite (embedded default) or PostgreSQL (production), with one
//! behaviour.
//!
//! SQL is written once, with `$1, $2 …` placeholders numbered in order of
//! first use (SQLite reads `$N` as a named parameter numbered by first
//! appearance). Values are bound through [`Value`], a small set of types that
//! both backends store the same way: text, 64-bit integers, booleans and
//! bytes. Ids are stored as text, instants as microseconds since the epoch
//! (UTC), calendar dates as `YYYY-MM-DD` text. Rows are read into structs
//! deriving `sqlx::FromRow`, which works for either backend.
//!
//! Writes go through [`Db::begin_write`]: on SQLite a `BEGIN IMMEDIATE`
//! transaction on the one write connection ([`SqlitePools`]), so writers
//! queue in the process instead of spinning in SQLite's busy handler, and a
//! transaction that reads then writes never fails half-way on a lock
//! upgrade; on PostgreSQL a normal transaction in which callers take row
//! locks (`FOR UPDATE`, see [`Tx::for_update`]) where they read then write.
//!
//! Rows are turned into domain values through [`RowDecoder`]: a value that
//! cannot be read fails the read ([`CorruptRow`]), never becomes a default.
//!
//! Every statement run for a request is a span of its trace (`db.query`,
//! with the statement's text, never its values).
//!
//! Connections are lent by a [`Lender`], which takes them back without
//! the round trip sqlx's pool makes to test each one it takes back.
//!
//! SQLite allocates from mimalloc, set up before the first connection
//! opens ([`use_mimalloc_for_sqlite`]).

mod clauses;
mod connect;
mod decode;
mod keyed;
mod keyset;
mod lender;
mod migrate;
mod span;
mod sqlite_allocator;

use std::borrow::Cow;

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::postgres::PgRow;
use sqlx::sqlite::SqliteRow;
use sqlx::{AssertSqlSafe, FromRow, Postgres, Sqlite};
use uuid::Uuid;

pub use clauses::{Clauses, count_where, counts_by_key, cut_page, insert_into, json_rows, json_values, placeholders};
pub use connect::DatabaseSettings;
pub use decode::{CorruptRow, RowDecoder};
pub use keyed::KeyedTexts;
pub use keyset::{NO_DATE, Order, PageCursor, date_key};
pub use lender::{Lender, Lent, Transactional};
#[cfg(test)]
pub(crate) use migrate::scratch;
pub use migrate::{MigrationFile, Migrations};
pub use sqlite_allocator::use_mimalloc as use_mimalloc_for_sqlite;

use crate::clock::format_date;
use crate::clock::to_micros;

/// Which database a connection talks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// Why a storage operation failed.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The database cannot be reached or is overloaded; retrying may succeed.
    #[error("database unavailable: {0}")]
    Unavailable(#[source] sqlx::Error),
    /// A concurrent transaction conflicted (serialization failure, deadlock,
    /// busy); the whole operation may be retried.
    #[error("conflicting concurrent change: {0}")]
    Conflict(#[source] sqlx::Error),
    /// A uniqueness constraint refused the write.
    #[error("duplicate value: {0}")]
    UniqueViolation(#[source] sqlx::Error),
    /// The connection URL or options are wrong.
    #[error("database configuration: {0}")]
    Config(String),
    /// Migrations could not be applied.
    #[error("migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    /// A stored value cannot be read (see [`RowDecoder`]).
    #[error(transparent)]
    Corrupt(#[from] CorruptRow),
    /// Anything else: a bug or a schema mismatch.
    #[error(transparent)]
    Other(sqlx::Error),
}

impl From<sqlx::Error> for StoreError {
    fn from(e: sqlx::Error) -> Self {
        use sqlx::Error as E;
        match &e {
            E::PoolTimedOut | E::PoolClosed | E::Io(_) | E::Tls(_) | E::WorkerCrashed => StoreError::Unavailable(e),
            E::Database(db) => {
                if db.is_unique_violation() {
                    return StoreError::UniqueViolation(e);
                }
                let code = db.code().unwrap_or_default();
                match code.as_ref() {
                    // PostgreSQL: serialization failure, deadlock, lock timeout.
                    "40001" | "40P01" | "55P03" => StoreError::Conflict(e),
                    // PostgreSQL: the server is shutting down or restarting.
                    "57P01" | "57P02" | "57P03" => StoreError::Unavailable(e),
                    // SQLite: SQLITE_BUSY, SQLITE_LOCKED (with extended codes).
                    c if c == "5" || c == "6" || c.parse::<u32>().is_ok_and(|n| n & 0xff == 5) => {
                        StoreError::Conflict(e)
                    }
                    _ => StoreError::Other(e),
                }
            }
            _ => StoreError::Other(e),
        }
    }
}

impl From<StoreError> for crate::Error {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::Unavailable(cause) => {
                tracing::warn!(error = %cause, "database unavailable");
                crate::Error::Unavailable("Cơ sở dữ liệu tạm thời không sẵn sàng, vui lòng thử lại".into())
            }
            StoreError::Conflict(cause) => {
                tracing::info!(error = %cause, "transaction conflict");
                crate::Error::Unavailable("Dữ liệu đang được thay đổi đồng thời, vui lòng thử lại".into())
            }
            StoreError::UniqueViolation(cause) => {
                tracing::info!(error = %cause, "unique violation");
                crate::Error::AlreadyExists("Bản ghi đã tồn tại".into())
            }
            StoreError::Corrupt(corrupt) => corrupt.into(),
            other => crate::Error::internal(other),
        }
    }
}

impl From<CorruptRow> for crate::Error {
    /// `INTERNAL` (with the trace id), the row named in the log.
    fn from(corrupt: CorruptRow) -> Self {
        tracing::error!(
            table = corrupt.table,
            key = %corrupt.key,
            column = corrupt.column,
            "a stored row cannot be read"
        );
        crate::Error::internal(corrupt)
    }
}

/// A value bound to a placeholder. The `None` of each variant binds a typed
/// NULL, which PostgreSQL needs to check the parameter's type.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Text(Option<String>),
    Int(Option<i64>),
    Bool(Option<bool>),
    Bytes(Option<Vec<u8>>),
}

macro_rules! value_from {
    ($($t:ty => $variant:ident $(via $conv:expr)?),* $(,)?) => {$(
        impl From<$t> for Value {
            fn from(v: $t) -> Self { Value::$variant(Some(value_from!(@conv v $(, $conv)?))) }
        }
        impl From<Option<$t>> for Value {
            fn from(v: Option<$t>) -> Self { Value::$variant(v.map(|v| value_from!(@conv v $(, $conv)?))) }
        }
    )*};
    (@conv $v:ident) => { $v.into() };
    (@conv $v:ident, $conv:expr) => { $conv($v) };
}

value_from! {
    String => Text,
    &str => Text via |v: &str| v.to_string(),
    &String => Text via |v: &String| v.clone(),
    Uuid => Text via |v: Uuid| v.to_string(),
    NaiveDate => Text via format_date,
    DateTime<Utc> => Int via to_micros,
    i64 => Int,
    i32 => Int via i64::from,
    u32 => Int via i64::from,
    bool => Bool,
    Vec<u8> => Bytes,
}

/// A statement and its arguments.
#[derive(Debug, Clone)]
pub struct Query {
    sql: Cow<'static, str>,
    args: Vec<Value>,
    /// Kept prepared on the connection (PostgreSQL may then run it by a
    /// generic plan made once); see [`Query::planned_each_time`].
    persistent: bool,
}

/// A statement whose text is fixed in the source.
pub fn query(sql: &'static str) -> Query {
    Query {
        sql: Cow::Borrowed(sql),
        args: Vec::new(),
        persistent: true,
    }
}

/// A statement assembled at run time (optional filters, backend-specific
/// clauses). Only fixed fragments may go into the text; values must be bound.
pub fn query_built(sql: String) -> Query {
    Query {
        sql: Cow::Owned(sql),
        args: Vec::new(),
        persistent: true,
    }
}

/// Binds values in turn: `binds!(query("…") => a, b, c)` is
/// `query("…").bind(a).bind(b).bind(c)`. A record's long list of columns
/// then reads as a few lines, in the order of the statement's placeholders,
/// instead of one `.bind` line a column (which rustfmt would otherwise lay
/// out the same way for every table).
#[macro_export]
macro_rules! binds {
    ($query:expr => $($value:expr),+ $(,)?) => {
        $query $(.bind($value))+
    };
}

impl Query {
    /// On PostgreSQL, planned for its arguments every time it runs rather
    /// than kept prepared on the connection. A connection that prepared a
    /// lookup while its table was nearly empty may otherwise keep running
    /// it by the generic plan made then — a scan of the whole table, which
    /// grows — until the table is next analysed: for a lookup on every
    /// write of a table that keeps growing, such as the duplicate check of
    /// a registration.
    pub fn planned_each_time(mut self) -> Self {
        self.persistent = false;
        self
    }

    pub fn bind(mut self, value: impl Into<Value>) -> Self {
        self.args.push(value.into());
        self
    }

    /// The SQL text, for logs and tests.
    pub fn sql(&self) -> &str {
        &self.sql
    }
}

/// A row type readable from either backend.
pub trait Record: for<'r> FromRow<'r, SqliteRow> + for<'r> FromRow<'r, PgRow> + Send + Unpin {}
impl<T> Record for T where T: for<'r> FromRow<'r, SqliteRow> + for<'r> FromRow<'r, PgRow> + Send + Unpin {}

/// A single-column value readable from either backend.
pub trait Scalar:
    for<'r> sqlx::Decode<'r, Sqlite>
    + sqlx::Type<Sqlite>
    + for<'r> sqlx::Decode<'r, Postgres>
    + sqlx::Type<Postgres>
    + Send
    + Unpin
{
}
impl<T> Scalar for T where
    T: for<'r> sqlx::Decode<'r, Sqlite>
        + sqlx::Type<Sqlite>
        + for<'r> sqlx::Decode<'r, Postgres>
        + sqlx::Type<Postgres>
        + Send
        + Unpin
{
}

macro_rules! bind_args {
    ($q:expr, $args:expr) => {{
        let mut q = $q;
        for arg in $args {
            q = match arg {
                Value::Text(v) => q.bind(v),
                Value::Int(v) => q.bind(v),
                Value::Bool(v) => q.bind(v),
                Value::Bytes(v) => q.bind(v),
            };
        }
        q
    }};
}

/// Runs `$q` on whichever backend `$self` is, with sqlx's `$build`
/// (`query_as` or `query_scalar`) read as `$t` and fetched by `$fetch`
/// against each arm's pool or transaction, traced as one statement: the one
/// body of every fetch of [`Db`] and [`Tx`].
macro_rules! fetch_on {
    ($self:ident, $q:ident, $build:ident::<$t:ty>.$fetch:ident, $sp:pat => $se:expr, $pp:pat => $pe:expr) => {{
        let span = span::statement($self.backend(), $q.sql());
        Ok(span::run(span, async {
            match $self {
                $sp => {
                    let mut held = $se;
                    let lent: &mut Lent<Sqlite> = &mut held;
                    let fetched = bind_args!(sqlx::$build::<Sqlite, $t>(AssertSqlSafe($q.sql)), $q.args)
                        .$fetch(&mut **lent)
                        .await;
                    lent.check(fetched)
                }
                $pp => {
                    let persistent = $q.persistent;
                    let mut held = $pe;
                    let lent: &mut Lent<Postgres> = &mut held;
                    let fetched = bind_args!(sqlx::$build::<Postgres, $t>(AssertSqlSafe($q.sql)), $q.args)
                        .persistent(persistent)
                        .$fetch(&mut **lent)
                        .await;
                    lent.check(fetched)
                }
            }
        })
        .await?)
    }};
}

/// A database of one service.
#[derive(Debug, Clone)]
pub enum Db {
    Sqlite(SqlitePools),
    Postgres(Lender<Postgres>),
}

/// SQLite allows one writer at a time; giving writes a pool of exactly one
/// connection makes them wait their turn in the process (a fair queue)
/// rather than sleep and retry inside SQLite's busy handler, and leaves the
/// read connections free for readers, which WAL never blocks.
#[derive(Debug, Clone)]
pub struct SqlitePools {
    /// Reads and read transactions, several connections.
    pub read: Lender<Sqlite>,
    /// Write transactions and migrations: one connection.
    pub write: Lender<Sqlite>,
}

/// A transaction; dropped without [`Tx::commit`] it rolls back.
#[derive(Debug)]
pub enum Tx {
    Sqlite(Lent<Sqlite>),
    Postgres(Lent<Postgres>),
}

impl Db {
    pub fn backend(&self) -> Backend {
        match self {
            Db::Sqlite(_) => Backend::Sqlite,
            Db::Postgres(_) => Backend::Postgres,
        }
    }

    /// A transaction for work that writes (and usually reads first).
    pub async fn begin_write(&self) -> Result<Tx, StoreError> {
        let span = span::statement(self.backend(), "BEGIN");
        Ok(span::run(span, async {
            Ok(match self {
                Db::Sqlite(pools) => Tx::Sqlite(begun(pools.write.lend().await?, "BEGIN IMMEDIATE").await?),
                Db::Postgres(lender) => Tx::Postgres(begun(lender.lend().await?, "BEGIN").await?),
            })
        })
        .await?)
    }

    /// A transaction for a consistent multi-statement read.
    pub async fn begin_read(&self) -> Result<Tx, StoreError> {
        let span = span::statement(self.backend(), "BEGIN");
        Ok(span::run(span, async {
            Ok(match self {
                Db::Sqlite(pools) => Tx::Sqlite(begun(pools.read.lend().await?, "BEGIN").await?),
                Db::Postgres(lender) => Tx::Postgres(begun(lender.lend().await?, "BEGIN").await?),
            })
        })
        .await?)
    }

    /// Runs `work` in one read transaction and commits it: a consistent
    /// read of several statements, opened and closed in one place.
    pub async fn read<R, E: From<StoreError>>(&self, work: impl AsyncFnOnce(&mut Tx) -> Result<R, E>) -> Result<R, E> {
        let mut tx = self.begin_read().await?;
        let answer = work(&mut tx).await?;
        tx.commit().await?;
        Ok(answer)
    }

    pub async fn fetch_all<T: Record>(&self, q: Query) -> Result<Vec<T>, StoreError> {
        fetch_on!(self, q, query_as::<T>.fetch_all, Db::Sqlite(SqlitePools { read, .. }) => read.lend().await?, Db::Postgres(lender) => lender.lend().await?)
    }

    pub async fn fetch_optional<T: Record>(&self, q: Query) -> Result<Option<T>, StoreError> {
        fetch_on!(self, q, query_as::<T>.fetch_optional, Db::Sqlite(SqlitePools { read, .. }) => read.lend().await?, Db::Postgres(lender) => lender.lend().await?)
    }

    pub async fn scalar<T: Scalar>(&self, q: Query) -> Result<Option<T>, StoreError> {
        fetch_on!(self, q, query_scalar::<T>.fetch_optional, Db::Sqlite(SqlitePools { read, .. }) => read.lend().await?, Db::Postgres(lender) => lender.lend().await?)
    }

    /// Whether the database answers: for readiness checks.
    pub async fn ping(&self) -> Result<(), StoreError> {
        self.scalar::<i64>(query("SELECT CAST(1 AS BIGINT)")).await.map(|_| ())
    }

    /// Closes every connection; pending work fails.
    pub async fn close(&self) {
        match self {
            Db::Sqlite(pools) => {
                pools.read.close().await;
                pools.write.close().await;
            }
            Db::Postgres(lender) => lender.close().await,
        }
    }
}

/// `lent` with a transaction begun on it by `statement`.
async fn begun<DB: Transactional>(mut lent: Lent<DB>, statement: &'static str) -> Result<Lent<DB>, sqlx::Error> {
    lent.begin(statement).await?;
    Ok(lent)
}

impl Tx {
    pub fn backend(&self) -> Backend {
        match self {
            Tx::Sqlite(_) => Backend::Sqlite,
            Tx::Postgres(_) => Backend::Postgres,
        }
    }

    /// `" FOR UPDATE"` on PostgreSQL, nothing on SQLite (whose write
    /// transactions already hold the database's write lock).
    pub fn for_update(&self) -> &'static str {
        match self {
            Tx::Sqlite(_) => "",
            Tx::Postgres(_) => " FOR UPDATE",
        }
    }

    /// `SELECT {columns} FROM {table}` of `office`'s rows in any of the
    /// status codes, oldest first (`created_at`, then `id`), locked for the
    /// rest of the transaction on PostgreSQL: the rows a reorganisation
    /// hands over. `table` and `columns` are fixed names from the source.
    pub fn office_rows_in_states(
        &self,
        table: &str,
        columns: &str,
        office: uuid::Uuid,
        codes: impl ExactSizeIterator<Item = &'static str>,
    ) -> Query {
        let placeholders: Vec<String> = (0..codes.len()).map(|i| format!("${}", i + 2)).collect();
        let sql = format!(
            "SELECT {columns} FROM {table} WHERE office_id = $1 AND status IN ({}) ORDER BY created_at, id{}",
            placeholders.join(", "),
            self.for_update()
        );
        codes.fold(query_built(sql).bind(office), |q, code| q.bind(code))
    }

    /// The row of `table` whose `id` it is (its `columns`), locked for the
    /// rest of the transaction on PostgreSQL when `lock` (read-then-write
    /// steps): every lookup of a record by id, read the same way. `table`
    /// and `columns` are fixed names from the source.
    pub async fn fetch_by_id<T: Record>(
        &mut self,
        table: &str,
        columns: &str,
        id: impl Into<Value>,
        lock: bool,
    ) -> Result<Option<T>, StoreError> {
        let lock = if lock { self.for_update() } else { "" };
        let sql = format!("SELECT {columns} FROM {table} WHERE id = $1{lock}");
        self.fetch_optional(query_built(sql).bind(id)).await
    }

    /// Runs a statement; returns the number of rows it changed.
    pub async fn execute(&mut self, q: Query) -> Result<u64, StoreError> {
        let span = span::statement(self.backend(), q.sql());
        Ok(span::run(span, async {
            Ok(match self {
                Tx::Sqlite(lent) => {
                    let done = bind_args!(sqlx::query::<Sqlite>(AssertSqlSafe(q.sql)), q.args)
                        .execute(&mut **lent)
                        .await;
                    lent.check(done)?.rows_affected()
                }
                Tx::Postgres(lent) => {
                    let done = bind_args!(sqlx::query::<Postgres>(AssertSqlSafe(q.sql)), q.args)
                        .persistent(q.persistent)
                        .execute(&mut **lent)
                        .await;
                    lent.check(done)?.rows_affected()
                }
            })
        })
        .await?)
    }

    pub async fn fetch_all<T: Record>(&mut self, q: Query) -> Result<Vec<T>, StoreError> {
        fetch_on!(self, q, query_as::<T>.fetch_all, Tx::Sqlite(lent) => lent, Tx::Postgres(lent) => lent)
    }

    pub async fn fetch_optional<T: Record>(&mut self, q: Query) -> Result<Option<T>, StoreError> {
        fetch_on!(self, q, query_as::<T>.fetch_optional, Tx::Sqlite(lent) => lent, Tx::Postgres(lent) => lent)
    }

    /// The first column of the first row, if any.
    pub async fn scalar<T: Scalar>(&mut self, q: Query) -> Result<Option<T>, StoreError> {
        fetch_on!(self, q, query_scalar::<T>.fetch_optional, Tx::Sqlite(lent) => lent, Tx::Postgres(lent) => lent)
    }

    /// Undoes everything written in the transaction before it returns (a
    /// drop rolls back too, a moment later, in a task of its own): a step
    /// computed in full only to show its outcome (`validate_only`) leaves
    /// nothing.
    pub async fn rollback(self) -> Result<(), StoreError> {
        self.end(false).await
    }

    pub async fn commit(self) -> Result<(), StoreError> {
        self.end(true).await
    }

    /// Ends the transaction, keeping what it wrote when `keep` (COMMIT) or
    /// not (ROLLBACK), traced as one statement.
    async fn end(self, keep: bool) -> Result<(), StoreError> {
        let span = span::statement(self.backend(), if keep { "COMMIT" } else { "ROLLBACK" });
        Ok(span::run(span, async {
            match self {
                Tx::Sqlite(mut lent) => lent.end(keep).await,
                Tx::Postgres(mut lent) => lent.end(keep).await,
            }
        })
        .await?)
    }
}
