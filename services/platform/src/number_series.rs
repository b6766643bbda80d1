//! Gap-free number series, for every service that numbers what it records
//! (incoming and outgoing documents, petitions, transactions, vouchers):
//! docs/domain.md §2.2.
//!
//! A series is named by its scope and period, as the service spells it
//! (`in:2026`, `pet:2026`, `tx:2026`, a term's series …), and runs per
//! office from 1. The next number is taken by incrementing the series' row
//! inside the transaction that uses it: concurrent transactions wait on
//! that row, and a transaction that rolls back gives its number back with
//! it, so numbers are neither skipped nor repeated.
//!
//! Each numbering service keeps the `number_series` table (`office_id`,
//! `series`, `last_number`, keyed by the first two) in its own schema,
//! created by its first migration; only the code is shared.

use uuid::Uuid;

use crate::db::{StoreError, Tx, query};

/// The next number of `series` in `office`, starting at 1.
///
/// One statement: the series' row is created at 1 or incremented, and the
/// row lock it takes (on PostgreSQL) is held from here to the commit, so a
/// caller takes its number as late in its transaction as it can.
pub async fn next_number(tx: &mut Tx, office: Uuid, series: &str) -> Result<i64, StoreError> {
    let next = tx.scalar::<i64>(query(NEXT_NUMBER).bind(office).bind(series)).await?;
    Ok(next.unwrap_or(1))
}

/// Advances the series of `$1` (the office) and `$2` (the series) by one,
/// created at 1; what [`NEXT_NUMBER`] and [`ADVANCE`] share.
macro_rules! advance {
    () => {
        concat!(
            "INSERT INTO number_series (office_id, series, last_number) VALUES ($1, $2, 1)",
            increment!()
        )
    };
}

/// What takes the next number of a series whose row exists.
macro_rules! increment {
    () => {
        " ON CONFLICT (office_id, series) DO UPDATE SET last_number = number_series.last_number + 1"
    };
}

/// The statement [`next_number`] runs (`$1` the office, `$2` the series),
/// returning `last_number`. On PostgreSQL a caller may run it as a
/// `WITH n AS (…)` before the statement that stores the number, so the
/// series stays locked for one round trip less.
pub const NEXT_NUMBER: &str = concat!(advance!(), " RETURNING last_number");

/// [`NEXT_NUMBER`] taken only where `condition` holds (SQL, e.g. an
/// `EXISTS` over the catalog): where it does not, no number is taken and
/// nothing is returned.
pub fn next_number_where(condition: &str) -> String {
    format!(
        concat!(
            "INSERT INTO number_series (office_id, series, last_number) SELECT $1, $2, 1 WHERE {}",
            increment!(),
            " RETURNING last_number"
        ),
        condition
    )
}

/// [`NEXT_NUMBER`] returning nothing, for a batch of statements sent in one
/// call (SQLite), whose later statements read the number from
/// [`CURRENT_NUMBER`].
pub const ADVANCE: &str = advance!();

/// The series' number as it stands (`$1` the office, `$2` the series), as
/// a scalar subquery.
pub const CURRENT_NUMBER: &str = "(SELECT last_number FROM number_series WHERE office_id = $1 AND series = $2)";

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::{MigrationFile, Migrations, scratch};

    /// The table as the numbering services' first migrations create it.
    const TABLE: Migrations = Migrations {
        sqlite: &[MigrationFile {
            version: 1,
            description: "number series",
            sql: "CREATE TABLE number_series (office_id TEXT NOT NULL, series TEXT NOT NULL, \
                  last_number INTEGER NOT NULL, PRIMARY KEY (office_id, series));",
        }],
        postgres: &[],
    };

    #[tokio::test]
    async fn numbers_run_per_office_and_series_and_a_rollback_gives_its_number_back() {
        let (_dir, db) = scratch(&TABLE).await;
        let (a, b) = (Uuid::now_v7(), Uuid::now_v7());

        let mut tx = db.begin_write().await.expect("tx");
        assert_eq!(next_number(&mut tx, a, "in:2026").await.expect("next"), 1);
        assert_eq!(next_number(&mut tx, a, "in:2026").await.expect("next"), 2);
        assert_eq!(next_number(&mut tx, a, "in:2027").await.expect("next"), 1);
        assert_eq!(next_number(&mut tx, b, "in:2026").await.expect("next"), 1);
        tx.commit().await.expect("commit");

        let mut tx = db.begin_write().await.expect("tx");
        assert_eq!(next_number(&mut tx, a, "in:2026").await.expect("next"), 3);
        drop(tx);

        let mut tx = db.begin_write().await.expect("tx");
        assert_eq!(
            next_number(&mut tx, a, "in:2026").await.expect("next"),
            3,
            "the rolled-back number is given again"
        );
    }
}
