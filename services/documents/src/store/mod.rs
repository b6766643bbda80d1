//! The documents service's SQL.

pub mod attachments;
pub mod catalog;
pub mod documents;
pub mod listing;
pub mod notifications;
pub mod people;
pub mod recipients;
pub mod reports;
pub mod terms;
pub mod texts;
pub mod work;

use vanphong_platform::db::Migrations;
use vanphong_platform::migration;

/// The schema, per backend.
pub static MIGRATIONS: Migrations = Migrations {
    sqlite: &[
        migration!(1, "documents", "../../migrations/sqlite/0001_documents.sql"),
        migration!(2, "outgoing", "../../migrations/sqlite/0002_outgoing.sql"),
        migration!(3, "attachments", "../../migrations/sqlite/0003_attachments.sql"),
        migration!(4, "registered_by", "../../migrations/sqlite/0004_registered_by.sql"),
        migration!(
            5,
            "signature_checks",
            "../../migrations/sqlite/0005_signature_checks.sql"
        ),
        migration!(6, "document_texts", "../../migrations/sqlite/0006_document_texts.sql"),
        migration!(7, "notifications", "../../migrations/sqlite/0007_notifications.sql"),
    ],
    postgres: &[
        migration!(1, "documents", "../../migrations/postgres/0001_documents.sql"),
        migration!(2, "outgoing", "../../migrations/postgres/0002_outgoing.sql"),
        migration!(3, "attachments", "../../migrations/postgres/0003_attachments.sql"),
        migration!(4, "registered_by", "../../migrations/postgres/0004_registered_by.sql"),
        migration!(
            5,
            "signature_checks",
            "../../migrations/postgres/0005_signature_checks.sql"
        ),
        migration!(6, "document_texts", "../../migrations/postgres/0006_document_texts.sql"),
        migration!(7, "notifications", "../../migrations/postgres/0007_notifications.sql"),
    ],
};
