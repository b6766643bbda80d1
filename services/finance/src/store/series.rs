//! Gap-free number series (transactions and vouchers per office and year).
//!
//! The next number is taken by incrementing the series' row inside the
//! transaction that uses it: concurrent transactions wait on that row, and
//! a transaction that rolls back gives its number back with it.

use uuid::Uuid;

use vanphong_platform::db::{StoreError, Tx, query};

/// The next number of `series` in `office`, starting at 1.
pub async fn next_number(tx: &mut Tx, office: Uuid, series: &str) -> Result<i64, StoreError> {
    tx.execute(
        query(
            "INSERT INTO number_series (office_id, series, last_number) VALUES ($1, $2, 0) \
             ON CONFLICT (office_id, series) DO NOTHING",
        )
        .bind(office)
        .bind(series),
    )
    .await?;
    let next = tx
        .scalar::<i64>(
            query(
                "UPDATE number_series SET last_number = last_number + 1 WHERE office_id = $1 AND series = $2 \
                 RETURNING last_number",
            )
            .bind(office)
            .bind(series),
        )
        .await?;
    Ok(next.unwrap_or(1))
}
