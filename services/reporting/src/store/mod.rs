//! The reporting service's SQL: reports with their history, the
//! reporting rules, and the notices of reports.

pub mod notices;
pub mod policy;
pub mod reports;
pub mod work;

use vanphong_platform::db::Migrations;

/// The schema, per backend (the audit trail and idempotency keys come from
/// the platform's own migrations).
pub static MIGRATIONS: Migrations = vanphong_platform::migrations![
    (1, "reports", "0001_reports.sql"),
    (2, "notifications", "0002_notifications.sql"),
    (3, "report writers", "0003_report_writers.sql"),
];
