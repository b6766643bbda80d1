//! The petitions service's SQL: petitions and their petitioners, history,
//! extensions and transfers; listing, backlog and period
//! queries; receptions; the catalogue, deadline table and policy; the
//! notices of cases.

pub mod catalog;
pub mod extensions;
pub mod history;
pub mod listing;
pub mod notices;
pub mod petitioners;
pub mod petitions;
pub mod policy;
pub mod receptions;
pub mod transfers;
pub mod work;

use vanphong_platform::db::Migrations;
use vanphong_platform::migration;

/// The schema, per backend (the audit trail and idempotency keys come from
/// the platform's own migrations).
pub static MIGRATIONS: Migrations = Migrations {
    sqlite: &[
        migration!(1, "petitions", "../../migrations/sqlite/0001_petitions.sql"),
        migration!(2, "notifications", "../../migrations/sqlite/0002_notifications.sql"),
    ],
    postgres: &[
        migration!(1, "petitions", "../../migrations/postgres/0001_petitions.sql"),
        migration!(2, "notifications", "../../migrations/postgres/0002_notifications.sql"),
    ],
};
