//! Party cells, dues collections and remittances.

use chrono::NaiveDate;
use uuid::Uuid;

use vanphong_platform::db::{StoreError, Tx, query, query_built};

/// A Party cell.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct CellRow {
    pub id: String,
    pub office_id: String,
    pub name: String,
    pub created_at: i64,
}

super::row_reader!(CellRow, "party_cells", office: office_id);

pub async fn insert_cell(tx: &mut Tx, c: &CellRow, folded: &str) -> Result<(), StoreError> {
    tx.execute(vanphong_platform::binds!(query(
            "INSERT INTO party_cells (id, office_id, name, folded_name, created_at) VALUES ($1, $2, $3, $4, $5)",
        )
            => &c.id, &c.office_id, &c.name, folded, c.created_at))
        .await?;
    Ok(())
}

pub async fn find_cell_by_name(tx: &mut Tx, office: Uuid, folded: &str) -> Result<Option<CellRow>, StoreError> {
    tx.fetch_optional(
        query("SELECT id, office_id, name, created_at FROM party_cells WHERE office_id = $1 AND folded_name = $2")
            .bind(office)
            .bind(folded),
    )
    .await
}

pub async fn get_cell(tx: &mut Tx, id: Uuid) -> Result<Option<CellRow>, StoreError> {
    tx.fetch_optional(query("SELECT id, office_id, name, created_at FROM party_cells WHERE id = $1").bind(id))
        .await
}

pub async fn list_cells(tx: &mut Tx, office: Uuid) -> Result<Vec<CellRow>, StoreError> {
    tx.fetch_all(
        query("SELECT id, office_id, name, created_at FROM party_cells WHERE office_id = $1 ORDER BY name")
            .bind(office),
    )
    .await
}

/// Dues collected by a cell (or the office: `cell_key` empty) in a month.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct CollectionRow {
    pub id: String,
    pub office_id: String,
    pub cell_key: String,
    pub year: i64,
    pub month: i64,
    pub members: i64,
    pub amount: i64,
    pub cell_share: i64,
    pub office_share: i64,
    pub remitted_share: i64,
    pub collected_on: String,
    pub transaction_id: Option<String>,
    pub created_by: String,
    pub created_at: i64,
}

super::row_reader!(CollectionRow, "dues_collections");

const COLLECTION_COLUMNS: &str = "id, office_id, cell_key, year, month, members, amount, cell_share, office_share, \
     remitted_share, collected_on, transaction_id, created_by, created_at";

pub async fn insert_collection(tx: &mut Tx, c: &CollectionRow) -> Result<(), StoreError> {
    tx.execute(vanphong_platform::binds!(query(
            "INSERT INTO dues_collections (id, office_id, cell_key, year, month, members, amount, cell_share, \
             office_share, remitted_share, collected_on, transaction_id, created_by, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)",
        )
        => &c.id, &c.office_id, &c.cell_key, c.year, c.month, c.members, c.amount, c.cell_share, c.office_share,
           c.remitted_share, &c.collected_on, c.transaction_id.clone(), &c.created_by, c.created_at))
        .await?;
    Ok(())
}

pub async fn find_collection(
    tx: &mut Tx,
    office: Uuid,
    cell_key: &str,
    year: i32,
    month: u32,
) -> Result<Option<CollectionRow>, StoreError> {
    tx.fetch_optional(
        query_built(format!(
            "SELECT {COLLECTION_COLUMNS} FROM dues_collections WHERE office_id = $1 AND cell_key = $2 AND year = $3 \
             AND month = $4"
        ))
        .bind(office)
        .bind(cell_key)
        .bind(year)
        .bind(month),
    )
    .await
}

/// Collections of an office for the months `from..=to` of a year.
pub async fn collections(
    tx: &mut Tx,
    office: Uuid,
    year: i32,
    from_month: u32,
    to_month: u32,
) -> Result<Vec<CollectionRow>, StoreError> {
    tx.fetch_all(
        query_built(format!(
            "SELECT {COLLECTION_COLUMNS} FROM dues_collections WHERE office_id = $1 AND year = $2 \
             AND month >= $3 AND month <= $4 ORDER BY month, cell_key"
        ))
        .bind(office)
        .bind(year)
        .bind(from_month)
        .bind(to_month),
    )
    .await
}

/// Dues remitted to the parent.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct RemittanceRow {
    pub id: String,
    pub from_office_id: String,
    pub to_office_id: String,
    pub amount: i64,
    pub remitted_on: String,
    pub child_transaction_id: String,
    pub parent_transaction_id: String,
    pub note: String,
    pub created_by: String,
    pub created_at: i64,
    pub parent_kept_share: i64,
    pub parent_owed_share: i64,
}

super::row_reader!(RemittanceRow, "dues_remittances");

const REMITTANCE_COLUMNS: &str = "id, from_office_id, to_office_id, amount, remitted_on, child_transaction_id, \
     parent_transaction_id, note, created_by, created_at, parent_kept_share, parent_owed_share";

pub async fn insert_remittance(tx: &mut Tx, r: &RemittanceRow) -> Result<(), StoreError> {
    tx.execute(vanphong_platform::binds!(query(
            "INSERT INTO dues_remittances (id, from_office_id, to_office_id, amount, remitted_on, \
             child_transaction_id, parent_transaction_id, note, created_by, created_at, parent_kept_share, \
             parent_owed_share) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
        )
        => &r.id, &r.from_office_id, &r.to_office_id, r.amount, &r.remitted_on, &r.child_transaction_id,
           &r.parent_transaction_id, &r.note, &r.created_by, r.created_at, r.parent_kept_share, r.parent_owed_share))
        .await?;
    Ok(())
}

/// Which side of remittances to read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    /// Made by the office to its parent.
    Made,
    /// Received by the office from its children.
    Received,
}

/// Remittances made or received by an office dated in `[from, to]`.
pub async fn remittances(
    tx: &mut Tx,
    office: Uuid,
    side: Side,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<RemittanceRow>, StoreError> {
    let column = match side {
        Side::Made => "from_office_id",
        Side::Received => "to_office_id",
    };
    tx.fetch_all(
        query_built(format!(
            "SELECT {REMITTANCE_COLUMNS} FROM dues_remittances \
             WHERE {column} = $1 AND remitted_on >= $2 AND remitted_on <= $3 ORDER BY remitted_on, id"
        ))
        .bind(office)
        .bind(from)
        .bind(to),
    )
    .await
}

/// Dues collected by an office with a collection date in `[from, to]`.
pub async fn collected_between(tx: &mut Tx, office: Uuid, from: NaiveDate, to: NaiveDate) -> Result<i64, StoreError> {
    Ok(tx
        .scalar::<i64>(
            query(
                "SELECT CAST(COALESCE(SUM(amount), 0) AS BIGINT) FROM dues_collections \
                 WHERE office_id = $1 AND collected_on >= $2 AND collected_on <= $3",
            )
            .bind(office)
            .bind(from)
            .bind(to),
        )
        .await?
        .unwrap_or(0))
}
