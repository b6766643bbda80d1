//! Opening a service's database from its URL.

use std::str::FromStr;
use std::time::Duration;

use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{ConnectOptions, Connection};

use super::{Db, Lender, SqlitePools, StoreError};

/// Where and how a service connects to its database.
#[derive(Debug, Clone)]
pub struct DatabaseSettings {
    /// `sqlite://path/file.db` or `postgres://user@host/db`.
    pub url: String,
    /// PostgreSQL only: the schema the service's tables live in, created if
    /// missing, so several services can share one database and stay apart.
    pub schema: Option<String>,
    pub max_connections: u32,
    /// How long a request waits for a free connection before failing with
    /// `UNAVAILABLE`.
    pub acquire_timeout: Duration,
}

/// How long SQLite waits for a writer in another process (the CLI while the
/// suite runs) before giving up; writers of this process queue for the one
/// write connection instead.
const SQLITE_BUSY_TIMEOUT: Duration = Duration::from_secs(10);

/// Pages are read through a memory map of the file's first 256 MiB rather
/// than copied into each connection's cache.
const SQLITE_MMAP_BYTES: u64 = 256 * 1024 * 1024;

/// A PostgreSQL connection idle longer than this is pinged before it is
/// lent out, so one left broken by a database restart is replaced instead
/// of failing a request; one in steady use is lent as it is (sqlx's default
/// pings every time, a round trip before every statement or transaction).
const POSTGRES_PING_AFTER_IDLE: Duration = Duration::from_secs(5);

/// Each connection's page cache, negative meaning KiB (SQLite's convention):
/// 4 MiB, enough for the indexes of the hot queries.
const SQLITE_CACHE_KIB: i64 = -4096;

impl Db {
    /// Opens the pool; the SQLite file (and its folder) is created if missing.
    pub async fn connect(settings: &DatabaseSettings) -> Result<Db, StoreError> {
        if settings.url.starts_with("sqlite:") {
            connect_sqlite(settings).await
        } else if settings.url.starts_with("postgres:") || settings.url.starts_with("postgresql:") {
            connect_postgres(settings).await
        } else {
            Err(StoreError::Config(format!(
                "unsupported database URL (expected sqlite:// or postgres://): {}",
                redact(&settings.url)
            )))
        }
    }
}

async fn connect_sqlite(settings: &DatabaseSettings) -> Result<Db, StoreError> {
    super::sqlite_allocator::use_mimalloc();
    let options = SqliteConnectOptions::from_str(&settings.url)
        .map_err(|e| StoreError::Config(format!("bad SQLite URL: {e}")))?
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        // An acknowledged write (a document's legal number) survives a power
        // cut: the WAL is synced at every commit (docs/domain.md, 2.2).
        .synchronous(SqliteSynchronous::Full)
        .busy_timeout(SQLITE_BUSY_TIMEOUT)
        .foreign_keys(true)
        .pragma("mmap_size", SQLITE_MMAP_BYTES.to_string())
        .pragma("cache_size", SQLITE_CACHE_KIB.to_string());
    if let Some(folder) = options.get_filename().parent()
        && !folder.as_os_str().is_empty()
    {
        std::fs::create_dir_all(folder)
            .map_err(|e| StoreError::Config(format!("cannot create {}: {e}", folder.display())))?;
    }
    // The write connection first: it creates the file and turns on WAL.
    // Neither lender pings a connection before lending it, nor after it
    // comes back: the database is in the process, there is no far end to
    // hang up, and a ping is a round trip to the connection's worker thread.
    let write = SqlitePoolOptions::new()
        .max_connections(1)
        .test_before_acquire(false)
        .acquire_timeout(settings.acquire_timeout)
        .connect_with(options.clone())
        .await?;
    let read = SqlitePoolOptions::new()
        .max_connections(settings.max_connections.max(1))
        .test_before_acquire(false)
        .acquire_timeout(settings.acquire_timeout)
        .connect_with(options)
        .await?;
    let (write, read) = (
        Lender::new(write, 1, settings.acquire_timeout, None),
        Lender::new(read, settings.max_connections, settings.acquire_timeout, None),
    );
    Ok(Db::Sqlite(SqlitePools { read, write }))
}

async fn connect_postgres(settings: &DatabaseSettings) -> Result<Db, StoreError> {
    let mut options = PgConnectOptions::from_str(&settings.url)
        .map_err(|e| StoreError::Config(format!("bad PostgreSQL URL: {e}")))?;
    if let Some(schema) = &settings.schema {
        if !is_plain_identifier(schema) {
            return Err(StoreError::Config(format!(
                "schema name must be lower-case letters, digits and _: {schema}"
            )));
        }
        let mut conn = options.connect().await?;
        sqlx::query(sqlx::AssertSqlSafe(format!("CREATE SCHEMA IF NOT EXISTS \"{schema}\"")))
            .execute(&mut conn)
            .await?;
        conn.close().await?;
        options = options.options([("search_path", schema.as_str())]);
    }
    let pool = PgPoolOptions::new()
        .max_connections(settings.max_connections.max(1))
        .test_before_acquire(false)
        .acquire_timeout(settings.acquire_timeout)
        .connect_with(options)
        .await?;
    let lender = Lender::new(
        pool,
        settings.max_connections,
        settings.acquire_timeout,
        Some(POSTGRES_PING_AFTER_IDLE),
    );
    Ok(Db::Postgres(lender))
}

fn is_plain_identifier(name: &str) -> bool {
    let mut chars = name.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_lowercase() || c == '_')
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        && name.len() <= 63
}

/// The URL without its password, for messages.
pub fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme_end), Some(at)) if at > scheme_end => {
            let credentials = &url[scheme_end + 3..at];
            match credentials.find(':') {
                Some(colon) => format!("{}{}:***{}", &url[..scheme_end + 3], &credentials[..colon], &url[at..]),
                None => url.to_string(),
            }
        }
        _ => url.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redacts_password_only() {
        assert_eq!(redact("postgres://vp:secret@db:5432/x"), "postgres://vp:***@db:5432/x");
        assert_eq!(redact("postgres://vp@db/x"), "postgres://vp@db/x");
        assert_eq!(redact("sqlite://data/a.db"), "sqlite://data/a.db");
    }

    #[test]
    fn schema_names_are_plain() {
        assert!(is_plain_identifier("documents"));
        assert!(is_plain_identifier("t_0193_directory"));
        assert!(!is_plain_identifier("Docs"));
        assert!(!is_plain_identifier("x\"; DROP"));
        assert!(!is_plain_identifier(""));
    }

    /// With a test database (`VANPHONG_TEST_DATABASE_URL`), a URL asking for
    /// TLS gets an encrypted connection, as a managed PostgreSQL demands.
    #[tokio::test]
    async fn postgres_connections_use_tls_when_the_url_asks() {
        let Ok(url) = std::env::var("VANPHONG_TEST_DATABASE_URL") else {
            eprintln!("no VANPHONG_TEST_DATABASE_URL: TLS to PostgreSQL not tested");
            return;
        };
        if url.is_empty() {
            return;
        }
        let separator = if url.contains('?') { '&' } else { '?' };
        let db = Db::connect(&DatabaseSettings {
            url: format!("{url}{separator}sslmode=require"),
            schema: None,
            max_connections: 1,
            acquire_timeout: Duration::from_secs(5),
        })
        .await
        .expect("a TLS connection");
        let Db::Postgres(pool) = db else {
            panic!("a PostgreSQL pool");
        };
        let encrypted: bool = sqlx::query_scalar("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()")
            .fetch_one(pool.pool())
            .await
            .expect("pg_stat_ssl");
        assert!(encrypted, "the connection is encrypted");
    }
}
