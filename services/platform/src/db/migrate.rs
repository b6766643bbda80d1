//! Schema migrations, one folder per backend.
//!
//! The platform's own tables (audit trail, idempotency keys) are migrated
//! with their own history table, so a service's migration versions never
//! collide with the platform's. Migrations run at start-up and from
//! `vanphong migrate`; on PostgreSQL an advisory lock keeps concurrent
//! replicas from running them twice.

use sqlx::SqlSafeStr;
use sqlx::migrate::{Migration, MigrationType, Migrator};

use super::{Db, StoreError};

/// One migration file, embedded at compile time.
#[derive(Debug, Clone, Copy)]
pub struct MigrationFile {
    pub version: i64,
    pub description: &'static str,
    pub sql: &'static str,
}

/// The migrations of one service for both backends.
#[derive(Debug, Clone, Copy)]
pub struct Migrations {
    pub sqlite: &'static [MigrationFile],
    pub postgres: &'static [MigrationFile],
}

/// A service's schema for both backends from one list of its files:
/// `migrations![(1, "documents", "0001_documents.sql"), …]` embeds
/// `migrations/sqlite/<file>` and `migrations/postgres/<file>` of the
/// calling crate, so the two folders keep one numbering and one set of
/// names.
#[macro_export]
macro_rules! migrations {
    ($(($version:expr, $description:expr, $file:literal)),+ $(,)?) => {
        $crate::db::Migrations {
            sqlite: &[$($crate::db::MigrationFile {
                version: $version,
                description: $description,
                sql: include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/migrations/sqlite/", $file)),
            }),+],
            postgres: &[$($crate::db::MigrationFile {
                version: $version,
                description: $description,
                sql: include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/migrations/postgres/", $file)),
            }),+],
        }
    };
}

const PLATFORM: Migrations = crate::migrations![
    (1, "audit and idempotency", "0001_platform.sql"),
    (2, "audit checkpoints", "0002_audit_checkpoints.sql"),
    (3, "handovers", "0003_handovers.sql"),
    (4, "audit head links", "0004_audit_head_links.sql"),
];

const PLATFORM_TABLE: &str = "_vanphong_platform_migrations";
const SERVICE_TABLE: &str = "_vanphong_migrations";

impl Db {
    /// Applies the platform's migrations, then the service's.
    pub async fn migrate(&self, service: &Migrations) -> Result<(), StoreError> {
        self.apply(&PLATFORM, PLATFORM_TABLE).await?;
        self.apply(service, SERVICE_TABLE).await
    }

    async fn apply(&self, set: &Migrations, table: &'static str) -> Result<(), StoreError> {
        let files = match self {
            Db::Sqlite(_) => set.sqlite,
            Db::Postgres(_) => set.postgres,
        };
        let migrations = files
            .iter()
            .map(|f| {
                Migration::new(
                    f.version,
                    f.description.into(),
                    MigrationType::Simple,
                    f.sql.into_sql_str(),
                    false,
                )
            })
            .collect();
        let mut migrator = Migrator::with_migrations(migrations);
        migrator.dangerous_set_table_name(table);
        match self {
            Db::Sqlite(pools) => migrator.run(pools.write.pool()).await?,
            Db::Postgres(lender) => migrator.run(lender.pool()).await?,
        }
        Ok(())
    }
}

/// A fresh SQLite database in a temporary folder with the platform's tables
/// and `service`'s, for unit tests; the folder lives as long as the guard.
#[cfg(test)]
pub(crate) async fn scratch(service: &Migrations) -> (tempfile::TempDir, Db) {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = Db::connect(&super::DatabaseSettings {
        url: format!("sqlite://{}?mode=rwc", dir.path().join("t.db").display()),
        schema: None,
        max_connections: 2,
        acquire_timeout: std::time::Duration::from_secs(5),
    })
    .await
    .expect("db");
    db.migrate(service).await.expect("migrate");
    (dir, db)
}
