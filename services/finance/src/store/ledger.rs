//! Accounts, and the append-only ledger: transactions and their postings
//! are inserted, read and summed — there is no statement here, or
//! anywhere, that updates or deletes them (and triggers refuse it).

use chrono::NaiveDate;
use uuid::Uuid;

use vanphong_platform::db::{CorruptRow, RowDecoder, StoreError, Tx, query, query_built};

use crate::domain::catalog::DEFAULT_ACCOUNTS;
use crate::domain::ledger::{AccountKind, Entry, Side, TxKind};

/// An account of an office.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct AccountRow {
    pub office_id: String,
    pub code: String,
    pub name: String,
    pub kind: String,
}

impl AccountRow {
    pub fn kind(&self) -> Result<AccountKind, CorruptRow> {
        RowDecoder::new("accounts", &self.code).coded("kind", &self.kind)
    }
}

/// Gives the office the default chart the first time its books are used.
pub async fn ensure_accounts(tx: &mut Tx, office: Uuid, at: i64) -> Result<(), StoreError> {
    let any = tx
        .scalar::<String>(query("SELECT code FROM accounts WHERE office_id = $1 LIMIT 1").bind(office))
        .await?;
    if any.is_some() {
        return Ok(());
    }
    for a in DEFAULT_ACCOUNTS {
        tx.execute(vanphong_platform::binds!(query(
                "INSERT INTO accounts (office_id, code, name, kind, created_at) VALUES ($1, $2, $3, $4, $5) \
                 ON CONFLICT (office_id, code) DO NOTHING",
            )
            => office, a.code, a.name, a.kind.code(), at))
            .await?;
    }
    Ok(())
}

pub async fn list_accounts(tx: &mut Tx, office: Uuid) -> Result<Vec<AccountRow>, StoreError> {
    tx.fetch_all(
        query("SELECT office_id, code, name, kind FROM accounts WHERE office_id = $1 ORDER BY code").bind(office),
    )
    .await
}

pub async fn get_account(tx: &mut Tx, office: Uuid, code: &str) -> Result<Option<AccountRow>, StoreError> {
    tx.fetch_optional(
        query("SELECT office_id, code, name, kind FROM accounts WHERE office_id = $1 AND code = $2")
            .bind(office)
            .bind(code),
    )
    .await
}

pub async fn insert_account(tx: &mut Tx, a: &AccountRow, at: i64) -> Result<(), StoreError> {
    tx.execute(vanphong_platform::binds!(query(
            "INSERT INTO accounts (office_id, code, name, kind, created_at) VALUES ($1, $2, $3, $4, $5)",
        )
            => &a.office_id, &a.code, &a.name, &a.kind, at))
        .await?;
    Ok(())
}

/// A transaction's header.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct TxRow {
    pub id: String,
    pub office_id: String,
    pub year: i64,
    pub number: i64,
    pub posted_on: String,
    pub description: String,
    pub kind: String,
    pub reverses_id: Option<String>,
    pub source_id: Option<String>,
    pub created_by: String,
    pub created_at: i64,
}

super::row_reader!(TxRow, "ledger_transactions", office: office_id);

impl TxRow {
    pub fn posted_on(&self) -> Result<NaiveDate, CorruptRow> {
        self.decoder().date("posted_on", &self.posted_on)
    }

    pub fn kind(&self) -> Result<TxKind, CorruptRow> {
        self.decoder().coded("kind", &self.kind)
    }
}

/// A posting as stored: one of debit and credit is zero.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct PostingRow {
    pub transaction_id: String,
    pub seq: i64,
    pub account_code: String,
    pub debit: i64,
    pub credit: i64,
    pub line_code: Option<String>,
}

impl PostingRow {
    pub fn entry(&self) -> Entry {
        let (side, amount) = if self.debit > 0 {
            (Side::Debit, self.debit)
        } else {
            (Side::Credit, self.credit)
        };
        Entry {
            account_code: self.account_code.clone(),
            side,
            amount,
            line_code: self.line_code.clone(),
        }
    }
}

const TX_COLUMNS: &str =
    "id, office_id, year, number, posted_on, description, kind, reverses_id, source_id, created_by, created_at";

/// Appends a transaction and its postings.
pub async fn insert_transaction(tx: &mut Tx, t: &TxRow, entries: &[Entry]) -> Result<(), StoreError> {
    tx.execute(vanphong_platform::binds!(query(
            "INSERT INTO ledger_transactions (id, office_id, year, number, posted_on, description, kind, reverses_id, \
             source_id, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
        )
        => &t.id, &t.office_id, t.year, t.number, &t.posted_on, &t.description, &t.kind, t.reverses_id.clone(),
           t.source_id.clone(), &t.created_by, t.created_at))
        .await?;
    for (seq, e) in entries.iter().enumerate() {
        let (debit, credit) = match e.side {
            Side::Debit => (e.amount, 0),
            Side::Credit => (0, e.amount),
        };
        tx.execute(vanphong_platform::binds!(query(
                "INSERT INTO ledger_postings (transaction_id, seq, office_id, account_code, debit, credit, line_code, \
                 posted_on) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            )
            => &t.id, seq as i64 + 1, &t.office_id, &e.account_code, debit, credit, e.line_code.clone(), &t.posted_on))
            .await?;
    }
    Ok(())
}

pub async fn get_transaction(tx: &mut Tx, id: Uuid) -> Result<Option<TxRow>, StoreError> {
    tx.fetch_by_id("ledger_transactions", TX_COLUMNS, id, false).await
}

pub async fn postings(tx: &mut Tx, transaction: &str) -> Result<Vec<PostingRow>, StoreError> {
    tx.fetch_all(
        query(
            "SELECT transaction_id, seq, account_code, debit, credit, line_code FROM ledger_postings \
             WHERE transaction_id = $1 ORDER BY seq",
        )
        .bind(transaction),
    )
    .await
}

/// The transaction that reversed `transaction`, if any.
pub async fn reversed_by(tx: &mut Tx, transaction: &str) -> Result<Option<String>, StoreError> {
    tx.scalar::<String>(query("SELECT id FROM ledger_transactions WHERE reverses_id = $1").bind(transaction))
        .await
}

/// A page of an office's transactions in id (creation) order.
pub async fn list_transactions(
    tx: &mut Tx,
    office: Uuid,
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
    after: Option<&str>,
    limit: u32,
) -> Result<Vec<TxRow>, StoreError> {
    tx.fetch_all(vanphong_platform::binds!(query_built(format!(
            "SELECT {TX_COLUMNS} FROM ledger_transactions WHERE office_id = $1 AND posted_on >= $2 \
             AND posted_on <= $3 AND id > $4 ORDER BY id LIMIT $5"
        ))
        => office, from.map_or_else(|| "0000-01-01".to_string(), |d| d.format("%Y-%m-%d").to_string()),
           to.map_or_else(|| "9999-12-31".to_string(), |d| d.format("%Y-%m-%d").to_string()), after.unwrap_or(""),
           i64::from(limit)))
        .await
}

/// Totals of one account up to a date.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct AccountTotals {
    pub account_code: String,
    pub debit: i64,
    pub credit: i64,
}

/// Debit and credit totals of every account of the office with postings
/// dated on or before `as_of`.
pub async fn totals(tx: &mut Tx, office: Uuid, as_of: NaiveDate) -> Result<Vec<AccountTotals>, StoreError> {
    tx.fetch_all(
        query(
            "SELECT account_code, CAST(COALESCE(SUM(debit), 0) AS BIGINT) AS debit, \
             CAST(COALESCE(SUM(credit), 0) AS BIGINT) AS credit FROM ledger_postings \
             WHERE office_id = $1 AND posted_on <= $2 GROUP BY account_code ORDER BY account_code",
        )
        .bind(office)
        .bind(as_of),
    )
    .await
}

/// The balance (credit − debit) of one account up to a date: what a
/// liability account owes.
pub async fn credit_balance(tx: &mut Tx, office: Uuid, account: &str, as_of: NaiveDate) -> Result<i64, StoreError> {
    Ok(tx
        .scalar::<i64>(
            query(
                "SELECT CAST(COALESCE(SUM(credit), 0) - COALESCE(SUM(debit), 0) AS BIGINT) FROM ledger_postings \
                 WHERE office_id = $1 AND account_code = $2 AND posted_on <= $3",
            )
            .bind(office)
            .bind(account)
            .bind(as_of),
        )
        .await?
        .unwrap_or(0))
}
