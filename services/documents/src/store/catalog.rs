//! The catalogue of document types.

use vanphong_platform::db::{Db, StoreError, Tx, query};

use crate::domain::catalog::{DEFAULT_TYPES, DocumentType};

#[derive(sqlx::FromRow)]
struct Row {
    code: String,
    name: String,
    state: bool,
    party: bool,
    active: bool,
}

impl Row {
    fn into_type(self) -> DocumentType {
        DocumentType {
            code: self.code,
            name: self.name,
            state: self.state,
            party: self.party,
            active: self.active,
        }
    }
}

/// Inserts the default types that are missing (never changes edited ones).
pub async fn ensure_defaults(db: &Db) -> Result<(), StoreError> {
    let mut tx = db.begin_write().await?;
    for (order, t) in DEFAULT_TYPES.iter().enumerate() {
        tx.execute(vanphong_platform::binds!(query(
                "INSERT INTO document_types (code, name, state, party, active, sort_order) \
                 VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (code) DO NOTHING",
            )
            => t.code, t.name, t.state, t.party, true, order as i64))
            .await?;
    }
    tx.commit().await
}

pub async fn list(db: &Db, include_inactive: bool) -> Result<Vec<DocumentType>, StoreError> {
    let rows: Vec<Row> = db
        .fetch_all(
            query(
                "SELECT code, name, state, party, active FROM document_types \
                 WHERE active OR $1 ORDER BY sort_order, code",
            )
            .bind(include_inactive),
        )
        .await?;
    Ok(rows.into_iter().map(Row::into_type).collect())
}

const BY_CODE: &str = "SELECT code, name, state, party, active FROM document_types WHERE code = $1";

/// The type `code`, read outside any transaction: one statement, where a
/// check needs no more (registering checks the type before its write).
pub async fn find(db: &Db, code: &str) -> Result<Option<DocumentType>, StoreError> {
    let row: Option<Row> = db.fetch_optional(query(BY_CODE).bind(code)).await?;
    Ok(row.map(Row::into_type))
}

pub async fn get(tx: &mut Tx, code: &str) -> Result<Option<DocumentType>, StoreError> {
    let row: Option<Row> = tx.fetch_optional(query(BY_CODE).bind(code)).await?;
    Ok(row.map(Row::into_type))
}

/// Adds a type at the end of the list, or changes an existing one.
pub async fn upsert(tx: &mut Tx, t: &DocumentType) -> Result<(), StoreError> {
    tx.execute(vanphong_platform::binds!(query(
            "INSERT INTO document_types (code, name, state, party, active, sort_order) \
             VALUES ($1, $2, $3, $4, $5, (SELECT COALESCE(MAX(sort_order), 0) + 1 FROM document_types)) \
             ON CONFLICT (code) DO UPDATE SET name = excluded.name, state = excluded.state, \
             party = excluded.party, active = excluded.active",
        )
        => &t.code, &t.name, t.state, t.party, t.active))
        .await?;
    Ok(())
}
