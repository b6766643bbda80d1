//! Closed months and settled years.

use uuid::Uuid;

use vanphong_platform::db::{RowDecoder, StoreError, Tx, query};

use crate::domain::period::YearState;

/// A closed month, for answers.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ClosedRow {
    pub month: i64,
    pub closed_at: i64,
    pub closed_by: String,
}

/// A settled year, for answers.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct SettledRow {
    pub settled_at: i64,
    pub settled_by: String,
    pub note: String,
}

pub async fn closed(tx: &mut Tx, office: Uuid, year: i32) -> Result<Vec<ClosedRow>, StoreError> {
    tx.fetch_all(
        query(
            "SELECT month, closed_at, closed_by FROM closed_periods WHERE office_id = $1 AND year = $2 ORDER BY month",
        )
        .bind(office)
        .bind(year),
    )
    .await
}

pub async fn settled(tx: &mut Tx, office: Uuid, year: i32) -> Result<Option<SettledRow>, StoreError> {
    tx.fetch_optional(
        query("SELECT settled_at, settled_by, note FROM settled_years WHERE office_id = $1 AND year = $2")
            .bind(office)
            .bind(year),
    )
    .await
}

/// The state of an office's year, for the rules.
pub async fn state(tx: &mut Tx, office: Uuid, year: i32) -> Result<YearState, StoreError> {
    let closed = closed(tx, office, year).await?;
    let settled = settled(tx, office, year).await?.is_some();
    let key = format!("{office}/{year}");
    let d = RowDecoder::new("closed_periods", &key);
    Ok(YearState {
        year,
        closed: closed
            .iter()
            .map(|c| d.int("month", c.month))
            .collect::<Result<_, _>>()?,
        settled,
    })
}

pub async fn close(tx: &mut Tx, office: Uuid, year: i32, month: u32, by: Uuid, at: i64) -> Result<(), StoreError> {
    tx.execute(vanphong_platform::binds!(query(
            "INSERT INTO closed_periods (office_id, year, month, closed_at, closed_by) VALUES ($1, $2, $3, $4, $5)",
        )
            => office, year, month, at, by))
        .await?;
    Ok(())
}

pub async fn settle(tx: &mut Tx, office: Uuid, year: i32, by: Uuid, at: i64, note: &str) -> Result<(), StoreError> {
    tx.execute(vanphong_platform::binds!(query(
            "INSERT INTO settled_years (office_id, year, settled_at, settled_by, note) VALUES ($1, $2, $3, $4, $5)",
        )
            => office, year, at, by, note))
        .await?;
    Ok(())
}

/// Locks the office's fiscal year: shared for postings (which may run side
/// by side), exclusive for closing a month or settling (which wait for the
/// postings in flight and make later ones wait). SQLite's write lock
/// already serializes every writer.
pub async fn lock_year(tx: &mut Tx, office: Uuid, year: i32, exclusive: bool) -> Result<(), StoreError> {
    tx.execute(
        query("INSERT INTO fiscal_years (office_id, year) VALUES ($1, $2) ON CONFLICT (office_id, year) DO NOTHING")
            .bind(office)
            .bind(year),
    )
    .await?;
    let lock = match (tx.backend(), exclusive) {
        (vanphong_platform::db::Backend::Sqlite, _) => "",
        (_, true) => " FOR UPDATE",
        (_, false) => " FOR SHARE",
    };
    tx.scalar::<String>(
        vanphong_platform::db::query_built(format!(
            "SELECT office_id FROM fiscal_years WHERE office_id = $1 AND year = $2{lock}"
        ))
        .bind(office)
        .bind(year),
    )
    .await?;
    Ok(())
}
