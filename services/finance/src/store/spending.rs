//! Vouchers (append-only) and commitments.

use uuid::Uuid;

use vanphong_platform::db::{Clauses, Order, PageCursor, StoreError, Tx, cut_page, insert_into, query, query_built};

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

super::row_reader!(VoucherRow, "vouchers", office: office_id, balance: balance_id);

const VOUCHER_COLUMNS: &str = "id, office_id, year, number, balance_id, line_code, amount, voucher_date, description, \
     payee, payment_account, warning, commitment_id, transaction_id, created_by, created_at";

pub async fn insert_voucher(tx: &mut Tx, v: &VoucherRow) -> Result<(), StoreError> {
    tx.execute(
        vanphong_platform::binds!(query_built(insert_into("vouchers", VOUCHER_COLUMNS))
        => &v.id, &v.office_id, v.year, v.number, &v.balance_id, &v.line_code, v.amount, &v.voucher_date,
           &v.description, &v.payee, &v.payment_account, &v.warning, v.commitment_id.clone(), &v.transaction_id,
           &v.created_by, v.created_at),
    )
    .await?;
    Ok(())
}

pub async fn get_voucher(tx: &mut Tx, id: Uuid) -> Result<Option<VoucherRow>, StoreError> {
    tx.fetch_by_id("vouchers", VOUCHER_COLUMNS, id, false).await
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
/// The orders vouchers are listed in (the key each pages by, then id).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VoucherSort {
    /// By number, lowest first: the order of the books.
    Number,
    /// By number, highest first.
    Newest,
    /// By amount, largest first.
    Largest,
}

impl VoucherSort {
    pub fn order(self) -> Order {
        match self {
            VoucherSort::Number => Order::number("number", false),
            VoucherSort::Newest => Order::number("number", true),
            VoucherSort::Largest => Order::number("amount", true),
        }
    }

    fn after(self, last: &VoucherRow) -> PageCursor {
        let key = match self {
            VoucherSort::Number | VoucherSort::Newest => last.number,
            VoucherSort::Largest => last.amount,
        };
        PageCursor::new(self.order(), key, &last.id)
    }
}

/// Where a listing starts and how much it reads.
#[derive(Debug, Clone, Default)]
pub struct Page {
    /// The cursor of the page before (none for the first page).
    pub after: Option<PageCursor>,
    pub limit: u32,
}

/// One page of an office's vouchers of a year (of one line, when given),
/// and the cursor of the next page.
pub async fn list_vouchers(
    tx: &mut Tx,
    office: Uuid,
    year: i32,
    balance: Option<Uuid>,
    sort: VoucherSort,
    page: &Page,
) -> Result<(Vec<VoucherRow>, Option<PageCursor>), StoreError> {
    let mut b = year_of_office(format!("SELECT {VOUCHER_COLUMNS} FROM vouchers"), office, year);
    b.compare("balance_id", "=", balance.map(|b| b.to_string()));
    b.page_in(sort.order(), page.after.as_ref(), page.limit);
    let rows = tx.fetch_all(b.into_query()).await?;
    Ok(cut_page(rows, page.limit, |v| sort.after(v)))
}

/// `select` narrowed to one office's rows of one fiscal year.
fn year_of_office(select: String, office: Uuid, year: i32) -> Clauses {
    let mut b = Clauses::new(format!("{select} WHERE 1 = 1"));
    b.compare("office_id", "=", Some(office.to_string()));
    b.compare("year", "=", Some(i64::from(year)));
    b
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

super::row_reader!(CommitmentRow, "commitments", office: office_id, balance: balance_id);

const COMMITMENT_COLUMNS: &str = "id, office_id, year, balance_id, line_code, amount, description, status, warning, \
     committed_on, voucher_id, posted_amount, settled_by, settled_at, created_by, created_at";

pub async fn insert_commitment(tx: &mut Tx, c: &CommitmentRow) -> Result<(), StoreError> {
    tx.execute(
        vanphong_platform::binds!(query_built(insert_into("commitments", COMMITMENT_COLUMNS))
        => &c.id, &c.office_id, c.year, &c.balance_id, &c.line_code, c.amount, &c.description, &c.status, &c.warning,
           &c.committed_on, c.voucher_id.clone(), c.posted_amount, c.settled_by.clone(), c.settled_at, &c.created_by,
           c.created_at),
    )
    .await?;
    Ok(())
}

/// Records how an open commitment ended.
pub async fn settle_commitment(tx: &mut Tx, c: &CommitmentRow) -> Result<(), StoreError> {
    tx.execute(vanphong_platform::binds!(query(
            "UPDATE commitments SET status = $1, voucher_id = $2, posted_amount = $3, settled_by = $4, \
             settled_at = $5 WHERE id = $6 AND status = 'open'",
        )
        => &c.status, c.voucher_id.clone(), c.posted_amount, c.settled_by.clone(), c.settled_at, &c.id))
        .await?;
    Ok(())
}

pub async fn get_commitment(tx: &mut Tx, id: Uuid, lock: bool) -> Result<Option<CommitmentRow>, StoreError> {
    tx.fetch_by_id("commitments", COMMITMENT_COLUMNS, id, lock).await
}

/// Every commitment of an office in a year, oldest first.
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

/// The orders commitments are listed in (the key each pages by, then id).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CommitmentSort {
    Oldest,
    Newest,
    /// By amount, largest first.
    Largest,
}

impl CommitmentSort {
    pub fn order(self) -> Order {
        match self {
            CommitmentSort::Oldest => Order::OLDEST,
            CommitmentSort::Newest => Order::NEWEST,
            CommitmentSort::Largest => Order::number("amount", true),
        }
    }

    fn after(self, last: &CommitmentRow) -> PageCursor {
        let key = match self {
            CommitmentSort::Oldest | CommitmentSort::Newest => last.created_at,
            CommitmentSort::Largest => last.amount,
        };
        PageCursor::new(self.order(), key, &last.id)
    }
}

/// One page of an office's commitments of a year (only the open ones,
/// when asked), and the cursor of the next page.
pub async fn commitments_page(
    tx: &mut Tx,
    office: Uuid,
    year: i32,
    open_only: bool,
    sort: CommitmentSort,
    page: &Page,
) -> Result<(Vec<CommitmentRow>, Option<PageCursor>), StoreError> {
    let mut b = year_of_office(format!("SELECT {COMMITMENT_COLUMNS} FROM commitments"), office, year);
    if open_only {
        b.and("status = 'open'");
    }
    b.page_in(sort.order(), page.after.as_ref(), page.limit);
    let rows = tx.fetch_all(b.into_query()).await?;
    Ok(cut_page(rows, page.limit, |c| sort.after(c)))
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
