//! The reporting service's SQL: reports with their history, and the
//! reporting rules.

pub mod policy;
pub mod reports;
pub mod work;

use vanphong_platform::db::Migrations;
use vanphong_platform::migration;

/// The schema, per backend (the audit trail and idempotency keys come from
/// the platform's own migrations).
pub static MIGRATIONS: Migrations = Migrations {
    sqlite: &[migration!(1, "reports", "../../migrations/sqlite/0001_reports.sql")],
    postgres: &[migration!(1, "reports", "../../migrations/postgres/0001_reports.sql")],
};
