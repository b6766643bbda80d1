//! The reporting service's SQL.

use vanphong_platform::db::Migrations;

/// The schema, per backend (the audit trail and idempotency keys come from
/// the platform's own migrations).
pub static MIGRATIONS: Migrations = Migrations {
    sqlite: &[],
    postgres: &[],
};
