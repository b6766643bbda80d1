//! The catalogue of budget lines, and the dues rates.

use vanphong_platform::db::{CorruptRow, Db, RowDecoder, StoreError, Tx, query};

use crate::domain::budget::OverspendPolicy;
use crate::domain::catalog::{DEFAULT_CHAPTER, DEFAULT_CLAUSE, DEFAULT_LINES, DEFAULT_TYPE};
use crate::domain::dues::{DEFAULT_RATES, Rates};

/// A line of the catalogue.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct LineRow {
    pub code: String,
    pub item_code: String,
    pub name: String,
    pub chapter: String,
    pub type_code: String,
    pub clause_code: String,
    pub overspend: String,
    pub active: bool,
}

impl LineRow {
    pub fn policy(&self) -> Result<OverspendPolicy, CorruptRow> {
        RowDecoder::new("budget_lines", &self.code).coded("overspend", &self.overspend)
    }

    /// "tiểu mục 6551 (Văn phòng phẩm)".
    pub fn label(&self) -> String {
        format!("tiểu mục {} ({})", self.code, self.name)
    }
}

const COLUMNS: &str = "code, item_code, name, chapter, type_code, clause_code, overspend, active";

/// Inserts the default lines that are missing (never changes edited ones).
pub async fn ensure_defaults(db: &Db) -> Result<(), StoreError> {
    let mut tx = db.begin_write().await?;
    for (order, l) in DEFAULT_LINES.iter().enumerate() {
        tx.execute(vanphong_platform::binds!(query(
                "INSERT INTO budget_lines (code, item_code, name, chapter, type_code, clause_code, overspend, active, \
                 sort_order) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (code) DO NOTHING",
            )
            => l.code, l.item_code, l.name, DEFAULT_CHAPTER, DEFAULT_TYPE, DEFAULT_CLAUSE, l.overspend.code(), true,
               order as i64))
            .await?;
    }
    tx.commit().await
}

pub async fn list(db: &Db, include_inactive: bool) -> Result<Vec<LineRow>, StoreError> {
    db.fetch_all(
        vanphong_platform::db::query_built(format!(
            "SELECT {COLUMNS} FROM budget_lines WHERE active OR $1 ORDER BY sort_order, code"
        ))
        .bind(include_inactive),
    )
    .await
}

pub async fn get(tx: &mut Tx, code: &str) -> Result<Option<LineRow>, StoreError> {
    tx.fetch_optional(
        vanphong_platform::db::query_built(format!("SELECT {COLUMNS} FROM budget_lines WHERE code = $1")).bind(code),
    )
    .await
}

/// Adds a line at the end of the list, or changes an existing one.
pub async fn upsert(tx: &mut Tx, l: &LineRow) -> Result<(), StoreError> {
    tx.execute(vanphong_platform::binds!(query(
            "INSERT INTO budget_lines (code, item_code, name, chapter, type_code, clause_code, overspend, active, \
             sort_order) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, \
             (SELECT COALESCE(MAX(sort_order), 0) + 1 FROM budget_lines)) \
             ON CONFLICT (code) DO UPDATE SET item_code = excluded.item_code, name = excluded.name, \
             chapter = excluded.chapter, type_code = excluded.type_code, clause_code = excluded.clause_code, \
             overspend = excluded.overspend, active = excluded.active",
        )
        => &l.code, &l.item_code, &l.name, &l.chapter, &l.type_code, &l.clause_code, &l.overspend, l.active))
        .await?;
    Ok(())
}

#[derive(sqlx::FromRow)]
struct RatesRow {
    cell_bp: i64,
    office_bp: i64,
    received_bp: i64,
}

/// The rates of `scope` ("default" or an office id), if set.
pub async fn rates_of(tx: &mut Tx, scope: &str) -> Result<Option<Rates>, StoreError> {
    let row: Option<RatesRow> = tx
        .fetch_optional(query("SELECT cell_bp, office_bp, received_bp FROM dues_rates WHERE scope = $1").bind(scope))
        .await?;
    Ok(row.map(|r| Rates {
        cell_bp: r.cell_bp,
        office_bp: r.office_bp,
        received_bp: r.received_bp,
    }))
}

/// The rates that apply to an office: its own, else the default, else
/// [`DEFAULT_RATES`].
pub async fn effective_rates(tx: &mut Tx, office: &str) -> Result<(Rates, bool), StoreError> {
    if let Some(own) = rates_of(tx, office).await? {
        return Ok((own, true));
    }
    Ok((rates_of(tx, "default").await?.unwrap_or(DEFAULT_RATES), false))
}

pub async fn set_rates(tx: &mut Tx, scope: &str, rates: Rates, by: &str, at: i64) -> Result<(), StoreError> {
    tx.execute(vanphong_platform::binds!(query(
            "INSERT INTO dues_rates (scope, cell_bp, office_bp, received_bp, updated_by, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6) \
             ON CONFLICT (scope) DO UPDATE SET cell_bp = excluded.cell_bp, office_bp = excluded.office_bp, \
             received_bp = excluded.received_bp, updated_by = excluded.updated_by, updated_at = excluded.updated_at",
        )
        => scope, rates.cell_bp, rates.office_bp, rates.received_bp, by, at))
        .await?;
    Ok(())
}
