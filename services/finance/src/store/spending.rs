//! Vouchers (append-only) and commitments.

use uuid::Uuid;

use vanphong_platform::db::{CorruptRow, RowDecoder, StoreError, Tx, query, query_built};

/// A spending voucher.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct VoucherRow {
    pub id: String,
    pub office_id: String,
    pub year: i64,
    pub number: i64,
    pub balance_id: String,
    pub line_code: String,
    pub amount: i64,
    pub voucher_date: String,
    pub description: String,
    pub payee: String,
    pub payment_account: String,
    pub warning: String,
    pub commitment_id: Option<String>,
    pub transaction_id: String,
    pub created_by: String,
    pub created_at: i64,
}

impl VoucherRow {
    /// Reads this row's columns.
    pub fn decoder(&self) -> RowDecoder<'_> {
        RowDecoder::new("vouchers", &self.id)
    }

    pub fn office(&self) -> Result<Uuid, CorruptRow> {
        self.decoder().id("office_id", &self.office_id)
    }

    pub fn balance(&self) -> Result<Uuid, CorruptRow> {
        self.decoder().id("balance_id", &self.balance_id)
    }
}

const VOUCHER_COLUMNS: &str = "id, office_id, year, number, balance_id, line_code, amount, voucher_date, description, \
     payee, payment_account, warning, commitment_id, transaction_id, created_by, created_at";

pub async fn insert_voucher(tx: &mut Tx, v: &VoucherRow) -> Result<(), StoreError> {
    tx.execute(
        query(
            "INSERT INTO vouchers (id, office_id, year, number, balance_id, line_code, amount, voucher_date, \
             description, payee, payment_account, warning, commitment_id, transaction_id, created_by, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)",
        )
        .bind(&v.id)
        .bind(&v.office_id)
        .bind(v.year)
        .bind(v.number)
        .bind(&v.balance_id)
        .bind(&v.line_code)
        .bind(v.amount)
        .bind(&v.voucher_date)
        .bind(&v.description)
        .bind(&v.payee)
        .bind(&v.payment_account)
        .bind(&v.warning)
        .bind(v.commitment_id.clone())
        .bind(&v.transaction_id)
        .bind(&v.created_by)
        .bind(v.created_at),
    )
    .await?;
    Ok(())
}

pub async fn get_voucher(tx: &mut Tx, id: Uuid) -> Result<Option<VoucherRow>, StoreError> {
    tx.fetch_optional(query_built(format!("SELECT {VOUCHER_COLUMNS} FROM vouchers WHERE id = $1")).bind(id))
        .await
}

/// The voucher whose ledger transaction is `transaction`.
pub async fn voucher_of_transaction(tx: &mut Tx, transaction: &str) -> Result<Option<VoucherRow>, StoreError> {
    tx.fetch_optional(
        query_built(format!(
            "SELECT {VOUCHER_COLUMNS} FROM vouchers WHERE transaction_id = $1"
        ))
        .bind(transaction),
    )
    .await
}

/// Vouchers of an office in a year, optionally of one allocation line.
pub async fn list_vouchers(
    tx: &mut Tx,
    office: Uuid,
    year: i32,
    balance: Option<Uuid>,
) -> Result<Vec<VoucherRow>, StoreError> {
    tx.fetch_all(
        query_built(format!(
            "SELECT {VOUCHER_COLUMNS} FROM vouchers WHERE office_id = $1 AND year = $2 \
             AND (balance_id = $3 OR $4) ORDER BY number"
        ))
        .bind(office)
        .bind(year)
        .bind(balance.map(|b| b.to_string()).unwrap_or_default())
        .bind(balance.is_none()),
    )
    .await
}

/// A commitment.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct CommitmentRow {
    pub id: String,
    pub office_id: String,
    pub year: i64,
    pub balance_id: String,
    pub line_code: String,
    pub amount: i64,
    pub description: String,
    pub status: String,
    pub warning: String,
    pub committed_on: String,
    pub voucher_id: Option<String>,
    pub posted_amount: i64,
    pub settled_by: Option<String>,
    pub settled_at: Option<i64>,
    pub created_by: String,
    pub created_at: i64,
}

impl CommitmentRow {
    /// Reads this row's columns.
    pub fn decoder(&self) -> RowDecoder<'_> {
        RowDecoder::new("commitments", &self.id)
    }

    pub fn office(&self) -> Result<Uuid, CorruptRow> {
        self.decoder().id("office_id", &self.office_id)
    }

    pub fn balance(&self) -> Result<Uuid, CorruptRow> {
        self.decoder().id("balance_id", &self.balance_id)
    }
}

const COMMITMENT_COLUMNS: &str = "id, office_id, year, balance_id, line_code, amount, description, status, warning, \
     committed_on, voucher_id, posted_amount, settled_by, settled_at, created_by, created_at";

pub async fn insert_commitment(tx: &mut Tx, c: &CommitmentRow) -> Result<(), StoreError> {
    tx.execute(
        query(
            "INSERT INTO commitments (id, office_id, year, balance_id, line_code, amount, description, status, \
             warning, committed_on, voucher_id, posted_amount, settled_by, settled_at, created_by, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)",
        )
        .bind(&c.id)
        .bind(&c.office_id)
        .bind(c.year)
        .bind(&c.balance_id)
        .bind(&c.line_code)
        .bind(c.amount)
        .bind(&c.description)
        .bind(&c.status)
        .bind(&c.warning)
        .bind(&c.committed_on)
        .bind(c.voucher_id.clone())
        .bind(c.posted_amount)
        .bind(c.settled_by.clone())
        .bind(c.settled_at)
        .bind(&c.created_by)
        .bind(c.created_at),
    )
    .await?;
    Ok(())
}

/// Records how an open commitment ended.
pub async fn settle_commitment(tx: &mut Tx, c: &CommitmentRow) -> Result<(), StoreError> {
    tx.execute(
        query(
            "UPDATE commitments SET status = $1, voucher_id = $2, posted_amount = $3, settled_by = $4, \
             settled_at = $5 WHERE id = $6 AND status = 'open'",
        )
        .bind(&c.status)
        .bind(c.voucher_id.clone())
        .bind(c.posted_amount)
        .bind(c.settled_by.clone())
        .bind(c.settled_at)
        .bind(&c.id),
    )
    .await?;
    Ok(())
}

pub async fn get_commitment(tx: &mut Tx, id: Uuid, lock: bool) -> Result<Option<CommitmentRow>, StoreError> {
    let lock = if lock { tx.for_update() } else { "" };
    tx.fetch_optional(
        query_built(format!(
            "SELECT {COMMITMENT_COLUMNS} FROM commitments WHERE id = $1{lock}"
        ))
        .bind(id),
    )
    .await
}

pub async fn list_commitments(tx: &mut Tx, office: Uuid, year: i32) -> Result<Vec<CommitmentRow>, StoreError> {
    tx.fetch_all(
        query_built(format!(
            "SELECT {COMMITMENT_COLUMNS} FROM commitments WHERE office_id = $1 AND year = $2 ORDER BY created_at, id"
        ))
        .bind(office)
        .bind(year),
    )
    .await
}

/// Moves an open commitment to another office's line (a reorganisation).
pub async fn move_commitment(tx: &mut Tx, c: &CommitmentRow) -> Result<(), StoreError> {
    tx.execute(
        query("UPDATE commitments SET office_id = $1, balance_id = $2 WHERE id = $3 AND status = 'open'")
            .bind(&c.office_id)
            .bind(&c.balance_id)
            .bind(&c.id),
    )
    .await?;
    Ok(())
}
