//! Sums for the reporting figures.

use chrono::NaiveDate;
use uuid::Uuid;

use vanphong_platform::db::{StoreError, Tx, query};

use crate::domain::catalog::EXPENSE;

/// A budget entry into an office, with where it came from.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Incoming {
    pub from_office_id: Option<String>,
    pub amount: i64,
}

/// Entries into `office` for `year` dated on or before `to`.
pub async fn allocations_into(
    tx: &mut Tx,
    office: Uuid,
    year: i32,
    to: NaiveDate,
) -> Result<Vec<Incoming>, StoreError> {
    tx.fetch_all(
        query(
            "SELECT from_office_id, amount FROM allocations WHERE to_office_id = $1 AND year = $2 \
             AND allocated_on <= $3 AND kind <> 'handover'",
        )
        .bind(office)
        .bind(year)
        .bind(to),
    )
    .await
}

/// What vouchers charged to budget lines in `[from, to]`, reversals
/// deducted.
pub async fn spent_between(tx: &mut Tx, office: Uuid, from: NaiveDate, to: NaiveDate) -> Result<i64, StoreError> {
    Ok(tx
        .scalar::<i64>(
            query(
                "SELECT CAST(COALESCE(SUM(debit), 0) - COALESCE(SUM(credit), 0) AS BIGINT) FROM ledger_postings \
                 WHERE office_id = $1 AND account_code = $2 AND line_code IS NOT NULL \
                 AND posted_on >= $3 AND posted_on <= $4",
            )
            .bind(office)
            .bind(EXPENSE)
            .bind(from)
            .bind(to),
        )
        .await?
        .unwrap_or(0))
}
