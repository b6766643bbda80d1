//! The finance service's SQL: one module per kind of record.

pub mod budget;
pub mod catalog;
pub mod dues;
pub mod figures;
pub mod ledger;
pub mod periods;
pub mod spending;

use vanphong_platform::db::Migrations;
use vanphong_platform::migration;

/// The schema, per backend (the audit trail and idempotency keys come from
/// the platform's own migrations).
pub static MIGRATIONS: Migrations = Migrations {
    sqlite: &[
        migration!(1, "finance", "../../migrations/sqlite/0001_finance.sql"),
        migration!(2, "dues chain", "../../migrations/sqlite/0002_dues_chain.sql"),
        migration!(
            3,
            "supplementary estimates",
            "../../migrations/sqlite/0003_supplementary_estimates.sql"
        ),
    ],
    postgres: &[
        migration!(1, "finance", "../../migrations/postgres/0001_finance.sql"),
        migration!(2, "dues chain", "../../migrations/postgres/0002_dues_chain.sql"),
        migration!(
            3,
            "supplementary estimates",
            "../../migrations/postgres/0003_supplementary_estimates.sql"
        ),
    ],
};
