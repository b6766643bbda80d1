//! The directory's SQL: offices and their links, users, service accounts,
//! sessions, sign-in throttling counts, and the version counter that tells other servers the tree or
//! the revocations changed.

pub mod offices;
pub mod service_accounts;
pub mod sessions;
pub mod throttle;
pub mod users;

use vanphong_platform::db::{Db, Migrations, StoreError, Tx, query};

/// The directory's schema, per backend.
pub const MIGRATIONS: Migrations = vanphong_platform::migrations![
    (1, "directory", "0001_directory.sql"),
    (2, "sign-in throttle", "0002_sign_in_throttle.sql"),
    (3, "office splits", "0003_office_splits.sql"),
];

/// The current directory version.
pub async fn version(db: &Db) -> Result<i64, StoreError> {
    Ok(db
        .scalar::<i64>(query("SELECT version FROM directory_version WHERE singleton = 1"))
        .await?
        .unwrap_or(0))
}

/// Serialises changes of the tree: on PostgreSQL this row lock makes
/// concurrent structure changes wait for each other; SQLite's write
/// transactions already do.
pub async fn lock_structure(tx: &mut Tx) -> Result<(), StoreError> {
    let sql = format!(
        "SELECT version FROM directory_version WHERE singleton = 1{}",
        tx.for_update()
    );
    tx.scalar::<i64>(vanphong_platform::db::query_built(sql)).await?;
    Ok(())
}

/// Marks a change other servers must learn of; returns the new version.
pub async fn bump_version(tx: &mut Tx) -> Result<i64, StoreError> {
    tx.execute(query(
        "UPDATE directory_version SET version = version + 1 WHERE singleton = 1",
    ))
    .await?;
    Ok(tx
        .scalar::<i64>(query("SELECT version FROM directory_version WHERE singleton = 1"))
        .await?
        .unwrap_or(0))
}
