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

/// The schema, per backend (the audit trail and idempotency keys come from
/// the platform's own migrations).
pub static MIGRATIONS: Migrations = vanphong_platform::migrations![
    (1, "petitions", "0001_petitions.sql"),
    (2, "notifications", "0002_notifications.sql"),
];
