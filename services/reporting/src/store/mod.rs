//! The reporting service's SQL: reports with their history, the
//! reporting rules, and the notices of reports.

pub mod notices;
pub mod policy;
pub mod reports;
pub mod work;

use vanphong_platform::db::Migrations;
use vanphong_platform::migration;

/// The schema, per backend (the audit trail and idempotency keys come from
/// the platform's own migrations).
pub static MIGRATIONS: Migrations = Migrations {
    sqlite: &[
        migration!(1, "reports", "../../migrations/sqlite/0001_reports.sql"),
        migration!(2, "notifications", "../../migrations/sqlite/0002_notifications.sql"),
    ],
    postgres: &[
        migration!(1, "reports", "../../migrations/postgres/0001_reports.sql"),
        migration!(2, "notifications", "../../migrations/postgres/0002_notifications.sql"),
    ],
};
