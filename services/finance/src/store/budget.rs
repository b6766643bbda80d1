//! Estimates, budget entries (allocations) and the running totals of each
//! allocation line.

use uuid::Uuid;

use vanphong_platform::db::{CorruptRow, StoreError, Tx, query, query_built};

use crate::domain::budget::{AllocationKind, EstimateStatus, Holding};

/// An estimate without its lines.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct EstimateRow {
    pub id: String,
    pub office_id: String,
    pub year: i64,
    pub status: String,
    pub note: String,
    pub return_reason: String,
    pub created_by: String,
    pub created_at: i64,
    pub submitted_at: Option<i64>,
    pub decided_by: Option<String>,
    pub decided_at: Option<i64>,
    pub updated_at: i64,
    /// A supplementary estimate (dự toán bổ sung).
    pub supplementary: bool,
}

super::row_reader!(EstimateRow, "estimates");

impl EstimateRow {
    pub fn status(&self) -> Result<EstimateStatus, CorruptRow> {
        self.decoder().coded("status", &self.status)
    }

    pub fn office(&self) -> Result<Uuid, CorruptRow> {
        self.decoder().id("office_id", &self.office_id)
    }

    pub fn year(&self) -> Result<i32, CorruptRow> {
        self.decoder().int("year", self.year)
    }
}

/// A line of an estimate.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct EstimateLineRow {
    pub line_code: String,
    pub amount: i64,
    pub note: String,
}

const ESTIMATE_COLUMNS: &str = "id, office_id, year, status, note, return_reason, created_by, created_at, \
     submitted_at, decided_by, decided_at, updated_at, supplementary";

pub async fn insert_estimate(tx: &mut Tx, e: &EstimateRow) -> Result<(), StoreError> {
    tx.execute(vanphong_platform::binds!(query(
            "INSERT INTO estimates (id, office_id, year, status, note, return_reason, created_by, created_at, \
             submitted_at, decided_by, decided_at, updated_at, supplementary) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
        )
        => &e.id, &e.office_id, e.year, &e.status, &e.note, &e.return_reason, &e.created_by, e.created_at,
           e.submitted_at, e.decided_by.clone(), e.decided_at, e.updated_at, e.supplementary))
        .await?;
    Ok(())
}

pub async fn update_estimate(tx: &mut Tx, e: &EstimateRow) -> Result<(), StoreError> {
    tx.execute(vanphong_platform::binds!(query(
            "UPDATE estimates SET status = $1, note = $2, return_reason = $3, submitted_at = $4, decided_by = $5, \
             decided_at = $6, updated_at = $7 WHERE id = $8",
        )
        => &e.status, &e.note, &e.return_reason, e.submitted_at, e.decided_by.clone(), e.decided_at, e.updated_at,
           &e.id))
        .await?;
    Ok(())
}

/// An estimate, locked for change when `lock`.
pub async fn get_estimate(tx: &mut Tx, id: Uuid, lock: bool) -> Result<Option<EstimateRow>, StoreError> {
    tx.fetch_by_id("estimates", ESTIMATE_COLUMNS, id, lock).await
}

/// The office's ordinary estimate of the year (not a supplementary one).
pub async fn find_estimate(tx: &mut Tx, office: Uuid, year: i32) -> Result<Option<EstimateRow>, StoreError> {
    tx.fetch_optional(
        query_built(format!(
            "SELECT {ESTIMATE_COLUMNS} FROM estimates WHERE office_id = $1 AND year = $2 AND NOT supplementary"
        ))
        .bind(office)
        .bind(year),
    )
    .await
}

/// Estimates of the given offices for a year (every year when `year` is 0).
pub async fn list_estimates(tx: &mut Tx, offices: &[Uuid], year: i32) -> Result<Vec<EstimateRow>, StoreError> {
    let mut out = Vec::new();
    for office in offices {
        let rows: Vec<EstimateRow> = tx
            .fetch_all(
                query_built(format!(
                    "SELECT {ESTIMATE_COLUMNS} FROM estimates WHERE office_id = $1 AND (year = $2 OR $3) \
                     ORDER BY year DESC, supplementary, created_at"
                ))
                .bind(*office)
                .bind(year)
                .bind(year == 0),
            )
            .await?;
        out.extend(rows);
    }
    Ok(out)
}

pub async fn estimate_lines(tx: &mut Tx, estimate: &str) -> Result<Vec<EstimateLineRow>, StoreError> {
    tx.fetch_all(
        query("SELECT line_code, amount, note FROM estimate_lines WHERE estimate_id = $1 ORDER BY line_code")
            .bind(estimate),
    )
    .await
}

/// Replaces the lines of a draft estimate.
pub async fn set_estimate_lines(tx: &mut Tx, estimate: &str, lines: &[EstimateLineRow]) -> Result<(), StoreError> {
    tx.execute(query("DELETE FROM estimate_lines WHERE estimate_id = $1").bind(estimate))
        .await?;
    for l in lines {
        tx.execute(
            query("INSERT INTO estimate_lines (estimate_id, line_code, amount, note) VALUES ($1, $2, $3, $4)")
                .bind(estimate)
                .bind(&l.line_code)
                .bind(l.amount)
                .bind(&l.note),
        )
        .await?;
    }
    Ok(())
}

/// A budget entry.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct AllocationRow {
    pub id: String,
    pub year: i64,
    pub from_office_id: Option<String>,
    pub to_office_id: String,
    pub line_code: String,
    pub amount: i64,
    pub kind: String,
    pub reason: String,
    pub decision_ref: String,
    pub allocated_on: String,
    pub created_by: String,
    pub created_at: i64,
}

super::row_reader!(AllocationRow, "allocations");

impl AllocationRow {
    pub fn kind(&self) -> Result<AllocationKind, CorruptRow> {
        self.decoder().coded("kind", &self.kind)
    }
}

const ALLOCATION_COLUMNS: &str = "id, year, from_office_id, to_office_id, line_code, amount, kind, reason, \
     decision_ref, allocated_on, created_by, created_at";

pub async fn insert_allocation(tx: &mut Tx, a: &AllocationRow) -> Result<(), StoreError> {
    tx.execute(vanphong_platform::binds!(query(
            "INSERT INTO allocations (id, year, from_office_id, to_office_id, line_code, amount, kind, reason, \
             decision_ref, allocated_on, created_by, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
        )
        => &a.id, a.year, a.from_office_id.clone(), &a.to_office_id, &a.line_code, a.amount, &a.kind, &a.reason,
           &a.decision_ref, &a.allocated_on, &a.created_by, a.created_at))
        .await?;
    Ok(())
}

/// Entries to or from an office in a year, oldest first.
pub async fn list_allocations(tx: &mut Tx, office: Uuid, year: i32) -> Result<Vec<AllocationRow>, StoreError> {
    tx.fetch_all(
        query_built(format!(
            "SELECT {ALLOCATION_COLUMNS} FROM allocations WHERE (to_office_id = $1 OR from_office_id = $1) \
             AND year = $2 ORDER BY created_at, id"
        ))
        .bind(office)
        .bind(year),
    )
    .await
}

/// The running totals of one allocation line.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct BalanceRow {
    pub id: String,
    pub office_id: String,
    pub year: i64,
    pub line_code: String,
    pub held: i64,
    pub allocated_out: i64,
    pub spent: i64,
    pub committed: i64,
}

super::row_reader!(BalanceRow, "budget_balances", office: office_id);

impl BalanceRow {
    pub fn year(&self) -> Result<i32, CorruptRow> {
        self.decoder().int("year", self.year)
    }

    pub fn holding(&self) -> Holding {
        Holding {
            held: self.held,
            allocated_out: self.allocated_out,
            spent: self.spent,
            committed: self.committed,
        }
    }
}

const BALANCE_COLUMNS: &str = "id, office_id, year, line_code, held, allocated_out, spent, committed";

/// The allocation line of an office, year and budget line, created empty
/// if missing, and locked until the transaction ends.
pub async fn lock_balance(tx: &mut Tx, office: Uuid, year: i32, line: &str) -> Result<BalanceRow, StoreError> {
    tx.execute(
        query(
            "INSERT INTO budget_balances (id, office_id, year, line_code, held, allocated_out, spent, committed) \
             VALUES ($1, $2, $3, $4, 0, 0, 0, 0) ON CONFLICT (office_id, year, line_code) DO NOTHING",
        )
        .bind(vanphong_platform::ids::new_id())
        .bind(office)
        .bind(year)
        .bind(line),
    )
    .await?;
    let row: Option<BalanceRow> = tx
        .fetch_optional(
            query_built(format!(
                "SELECT {BALANCE_COLUMNS} FROM budget_balances WHERE office_id = $1 AND year = $2 AND line_code = $3{}",
                tx.for_update()
            ))
            .bind(office)
            .bind(year)
            .bind(line),
        )
        .await?;
    row.ok_or(StoreError::Other(sqlx::Error::RowNotFound))
}

/// An allocation line by id, locked when `lock`.
pub async fn get_balance(tx: &mut Tx, id: Uuid, lock: bool) -> Result<Option<BalanceRow>, StoreError> {
    tx.fetch_by_id("budget_balances", BALANCE_COLUMNS, id, lock).await
}

/// Writes back the totals of a locked line.
pub async fn save_balance(tx: &mut Tx, b: &BalanceRow) -> Result<(), StoreError> {
    tx.execute(vanphong_platform::binds!(query(
            "UPDATE budget_balances SET held = $1, allocated_out = $2, spent = $3, committed = $4 WHERE id = $5",
        )
            => b.held, b.allocated_out, b.spent, b.committed, &b.id))
        .await?;
    Ok(())
}

/// Every allocation line of an office in a year, by line code.
pub async fn list_balances(tx: &mut Tx, office: Uuid, year: i32) -> Result<Vec<BalanceRow>, StoreError> {
    tx.fetch_all(
        query_built(format!(
            "SELECT {BALANCE_COLUMNS} FROM budget_balances WHERE office_id = $1 AND year = $2 ORDER BY line_code"
        ))
        .bind(office)
        .bind(year),
    )
    .await
}
