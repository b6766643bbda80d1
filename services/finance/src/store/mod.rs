//! The finance service's SQL: one module per kind of record.

pub mod budget;
pub mod catalog;
pub mod dues;
pub mod figures;
pub mod ledger;
pub mod periods;
pub mod spending;

use vanphong_platform::db::Migrations;

/// A row struct's `decoder()` (its values read as columns of `table`, the
/// row named by its `id`) and a getter for each id column named
/// (`office: office_id` gives `office()` reading `office_id`).
macro_rules! row_reader {
    ($row:ty, $table:literal $(, $getter:ident: $column:ident)* $(,)?) => {
        impl $row {
            /// Reads this row's columns.
            pub fn decoder(&self) -> vanphong_platform::db::RowDecoder<'_> {
                vanphong_platform::db::RowDecoder::new($table, &self.id)
            }

            $(
                pub fn $getter(&self) -> Result<uuid::Uuid, vanphong_platform::db::CorruptRow> {
                    self.decoder().id(stringify!($column), &self.$column)
                }
            )*
        }
    };
}
use row_reader;

/// The schema, per backend (the audit trail and idempotency keys come from
/// the platform's own migrations).
pub static MIGRATIONS: Migrations = vanphong_platform::migrations![
    (1, "finance", "0001_finance.sql"),
    (2, "dues chain", "0002_dues_chain.sql"),
    (3, "supplementary estimates", "0003_supplementary_estimates.sql"),
];
