//! The documents service's SQL.

pub mod attachments;
pub mod catalog;
pub mod documents;
pub mod listing;
pub mod notifications;
pub mod people;
pub mod recipients;
pub mod registration;
pub mod reports;
pub mod terms;
pub mod texts;
pub mod whole;
pub mod work;

use vanphong_platform::db::Migrations;

/// The schema, per backend.
pub static MIGRATIONS: Migrations = vanphong_platform::migrations![
    (1, "documents", "0001_documents.sql"),
    (2, "outgoing", "0002_outgoing.sql"),
    (3, "attachments", "0003_attachments.sql"),
    (4, "registered_by", "0004_registered_by.sql"),
    (5, "signature_checks", "0005_signature_checks.sql"),
    (6, "document_texts", "0006_document_texts.sql"),
    (7, "notifications", "0007_notifications.sql"),
];
