//! `SpendingService`: vouchers (chứng từ chi) and commitments against the
//! allocation lines of the caller's own office (accountants).
//!
//! Every voucher or commitment locks its allocation line (`FOR UPDATE` on
//! PostgreSQL; SQLite's write lock) before reading what remains, so
//! concurrent requests never overdraw a line: each sees the previous one's
//! spending.

use std::sync::Arc;

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use tonic::Request;
use uuid::Uuid;

use vanphong_platform::Error;
use vanphong_platform::audit::{self as trail, Change};
use vanphong_platform::clock::{format_date, to_micros};
use vanphong_platform::db::{Order, PageCursor, Tx};
use vanphong_platform::idempotency::{commit_answer, commit_recorded};
use vanphong_platform::identity::{Caller, Role};
use vanphong_platform::validate::Checker;
use vanphong_proto::finance::v1 as wire;
use vanphong_proto::finance::v1::spending_service_server::SpendingService;

use super::{MAX_TEXT, NewTransaction, Shared, check_past_date, check_year, convert};
use crate::domain::budget::check_spending;
use crate::domain::catalog::{BANK, EXPENSE};
use crate::domain::ledger::{AccountKind, Entry, TxKind};
use crate::domain::money::{self, format_vnd};
use crate::store;
use crate::store::budget::BalanceRow;
use crate::store::catalog::LineRow;
use crate::store::spending::{CommitmentRow, VoucherRow};
use crate::store::spending::{CommitmentSort, Page, VoucherSort};

pub struct SpendingApi(pub(crate) Arc<Shared>);

/// What a voucher says, checked.
struct VoucherInput {
    amount: i64,
    date: NaiveDate,
    description: String,
    payment: Payment,
    warning: String,
    commitment_id: Option<String>,
}

/// To whom a voucher pays and from which account (the bank by default), as
/// a new voucher and a commitment's posting both state them.
struct Payment {
    payee: String,
    account: String,
}

impl Payment {
    fn check(c: &mut Checker, payee: &str, account: &str) -> Self {
        Payment {
            payee: c.optional_text("payee", payee, 300).unwrap_or_default(),
            account: c
                .optional_text("payment_account", account, 20)
                .unwrap_or_else(|| BANK.to_string()),
        }
    }
}

fn voucher_json(v: &VoucherRow) -> serde_json::Value {
    serde_json::json!({
        "id": v.id, "office_id": v.office_id, "year": v.year, "number": v.number, "allocation_line_id": v.balance_id,
        "line_code": v.line_code, "amount": v.amount, "voucher_date": v.voucher_date, "description": v.description,
        "payee": v.payee, "payment_account": v.payment_account, "warning": v.warning,
        "commitment_id": v.commitment_id, "transaction_id": v.transaction_id,
    })
}

pub(crate) fn commitment_json(c: &CommitmentRow) -> serde_json::Value {
    serde_json::json!({
        "id": c.id, "office_id": c.office_id, "year": c.year, "allocation_line_id": c.balance_id,
        "line_code": c.line_code, "amount": c.amount, "status": c.status, "warning": c.warning,
        "voucher_id": c.voucher_id, "posted_amount": c.posted_amount,
    })
}

/// The allocation line `id` of the caller's own office, locked; a line of
/// another office or an unknown one is a bad `allocation_line_id`.
async fn own_line(tx: &mut Tx, caller: &Caller, id: Uuid) -> Result<(BalanceRow, LineRow), Error> {
    let balance = store::budget::get_balance(tx, id, true).await?.ok_or_else(|| {
        Error::invalid(
            "allocation_line_id",
            "UNKNOWN_LINE",
            format!("Không có dòng dự toán {id}"),
        )
    })?;
    if balance.office()? != caller.office_id {
        return Err(Error::invalid(
            "allocation_line_id",
            "NOT_OWN_OFFICE",
            format!(
                "Dòng dự toán {id} (tiểu mục {}) thuộc đơn vị khác; chỉ được chi trên dự toán của đơn vị mình",
                balance.line_code
            ),
        ));
    }
    let line = store::catalog::get(tx, &balance.line_code).await?.ok_or_else(|| {
        Error::invalid(
            "allocation_line_id",
            "UNKNOWN_LINE",
            format!("Tiểu mục {} không có trong mục lục ngân sách", balance.line_code),
        )
    })?;
    Ok((balance, line))
}

/// Posts a voucher on a locked line: its number, the ledger transaction
/// (Nợ 611 with the budget line / Có the payment account), the line's
/// spending and the voucher itself.
async fn write_voucher(
    tx: &mut Tx,
    caller: &Caller,
    now: DateTime<Utc>,
    balance: &mut BalanceRow,
    input: VoucherInput,
) -> Result<VoucherRow, Error> {
    let office = balance.office()?;
    if i64::from(input.date.year()) != balance.year {
        return Err(Error::invalid(
            "voucher_date",
            "OTHER_YEAR",
            format!(
                "Ngày chứng từ {} không thuộc năm dự toán {}",
                input.date.format("%d/%m/%Y"),
                balance.year
            ),
        ));
    }
    store::ledger::ensure_accounts(tx, office, to_micros(now)).await?;
    match store::ledger::get_account(tx, office, &input.payment.account).await? {
        Some(a) if a.kind()? == AccountKind::Asset => {}
        Some(a) => {
            return Err(Error::invalid(
                "payment_account",
                "NOT_AN_ASSET",
                format!("Tài khoản {} ({}) không phải tài khoản tiền", a.code, a.name),
            ));
        }
        None => {
            return Err(Error::invalid(
                "payment_account",
                "UNKNOWN_ACCOUNT",
                format!(
                    "Tài khoản {} không có trong hệ thống tài khoản của đơn vị",
                    input.payment.account
                ),
            ));
        }
    }
    balance.spent = money::add("amount", balance.spent, input.amount)?;
    let year = input.date.year();
    let id = vanphong_platform::ids::new_id().to_string();
    let number = vanphong_platform::number_series::next_number(tx, office, &format!("voucher:{year}")).await?;
    let entries = vec![
        Entry {
            line_code: Some(balance.line_code.clone()),
            ..Entry::debit(EXPENSE, input.amount)
        },
        Entry::credit(&input.payment.account, input.amount),
    ];
    let description = format!("Chứng từ chi số {number}/{year}: {}", input.description);
    let posted = NewTransaction::new(office, input.date, &description, TxKind::Voucher, &entries)
        .with_source(&id)
        .post(tx, caller, now)
        .await?;
    store::budget::save_balance(tx, balance).await?;
    let voucher = VoucherRow {
        id,
        office_id: balance.office_id.clone(),
        year: i64::from(year),
        number,
        balance_id: balance.id.clone(),
        line_code: balance.line_code.clone(),
        amount: input.amount,
        voucher_date: format_date(input.date),
        description: input.description,
        payee: input.payment.payee,
        payment_account: input.payment.account,
        warning: input.warning,
        commitment_id: input.commitment_id,
        transaction_id: posted.id,
        created_by: caller.subject_id.to_string(),
        created_at: to_micros(now),
    };
    store::spending::insert_voucher(tx, &voucher).await?;
    let change = Change::new(office, "voucher", &voucher.id, "post").after(voucher_json(&voucher));
    trail::record(tx, caller, now, change).await?;
    Ok(voucher)
}

fn what(line: &LineRow, year: i64) -> String {
    format!("{} năm {year}", line.label())
}

impl SpendingApi {
    async fn create_voucher(&self, request: Request<wire::CreateVoucherRequest>) -> Result<wire::Voucher, Error> {
        let (caller, req) = Caller::split(request)?;
        let s = &self.0;
        let mut c = Checker::new();
        let request_id = c.request_id(&req.request_id);
        let line_id = c.id("allocation_line_id", &req.allocation_line_id);
        let amount = money::positive(&mut c, "amount", req.amount);
        let date = check_past_date(&mut c, "voucher_date", &req.voucher_date, s.today());
        let description = c.text("description", &req.description, MAX_TEXT);
        let payment = Payment::check(&mut c, &req.payee, &req.payment_account);
        c.finish()?;
        caller.require_any_role(&[Role::Accountant])?;
        let now = s.now();
        let (key, mut tx) =
            vanphong_platform::begin_idempotent!(s.ctx.db, &caller, "CreateVoucher", request_id, &req, now);
        let (mut balance, line) = own_line(&mut tx, &caller, line_id).await?;
        let warning = check_spending(&balance.holding(), amount, line.policy()?, &what(&line, balance.year))?;
        let input = VoucherInput {
            amount,
            date,
            description,
            payment,
            warning: warning.unwrap_or_default(),
            commitment_id: None,
        };
        let voucher = write_voucher(&mut tx, &caller, now, &mut balance, input).await?;
        let answer = convert::voucher(&voucher)?;
        commit_answer(&key, tx, answer).await
    }

    async fn get_voucher(&self, request: Request<wire::GetVoucherRequest>) -> Result<wire::Voucher, Error> {
        let caller = Caller::of(&request)?;
        let s = &self.0;
        let id = Checker::only_id("voucher_id", &request.get_ref().voucher_id)?;
        let not_found = || Error::not_found("chứng từ", id);
        let voucher = s
            .ctx
            .db
            .read(async |tx| store::spending::get_voucher(tx, id).await)
            .await?;
        let voucher = voucher.ok_or_else(not_found)?;
        s.ensure_read(&caller, voucher.office()?).map_err(|_| not_found())?;
        Ok(convert::voucher(&voucher)?)
    }

    async fn list_vouchers(
        &self,
        request: Request<wire::ListVouchersRequest>,
    ) -> Result<wire::ListVouchersResponse, Error> {
        let (caller, req) = Caller::split(request)?;
        let s = &self.0;
        let mut c = Checker::new();
        let office = c.office_or_own("office_id", &req.office_id, &caller);
        let year = check_year(&mut c, "year", req.year, Some(s.today().year()));
        let line = c.optional_id("allocation_line_id", &req.allocation_line_id);
        let sort = VoucherSort::from(c.sort::<wire::VoucherSort>(req.sort));
        let page = page_of(&mut c, req.page_size, &req.page_token, sort.order());
        c.finish()?;
        s.ensure_read(&caller, office)?;
        let (rows, next) = s
            .ctx
            .db
            .read(async |tx| store::spending::list_vouchers(tx, office, year, line, sort, &page).await)
            .await?;
        Ok(wire::ListVouchersResponse {
            vouchers: rows.iter().map(convert::voucher).collect::<Result<_, _>>()?,
            next_page_token: next.map(|n| n.encode()).unwrap_or_default(),
        })
    }

    async fn create_commitment(
        &self,
        request: Request<wire::CreateCommitmentRequest>,
    ) -> Result<wire::Commitment, Error> {
        let (caller, req) = Caller::split(request)?;
        let s = &self.0;
        let mut c = Checker::new();
        let request_id = c.request_id(&req.request_id);
        let line_id = c.id("allocation_line_id", &req.allocation_line_id);
        let amount = money::positive(&mut c, "amount", req.amount);
        let description = c.text("description", &req.description, MAX_TEXT);
        c.finish()?;
        caller.require_any_role(&[Role::Accountant])?;
        let now = s.now();
        let today = s.today();
        let (key, mut tx) =
            vanphong_platform::begin_idempotent!(s.ctx.db, &caller, "CreateCommitment", request_id, &req, now);
        let (mut balance, line) = own_line(&mut tx, &caller, line_id).await?;
        let year = balance.year()?;
        store::periods::state(&mut tx, caller.office_id, year)
            .await?
            .ensure_not_settled()?;
        let warning = check_spending(&balance.holding(), amount, line.policy()?, &what(&line, balance.year))?;
        balance.committed = money::add("amount", balance.committed, amount)?;
        store::budget::save_balance(&mut tx, &balance).await?;
        let row = CommitmentRow {
            id: vanphong_platform::ids::new_id().to_string(),
            office_id: balance.office_id.clone(),
            year: balance.year,
            balance_id: balance.id.clone(),
            line_code: balance.line_code.clone(),
            amount,
            description,
            status: "open".into(),
            warning: warning.unwrap_or_default(),
            committed_on: format_date(today),
            voucher_id: None,
            posted_amount: 0,
            settled_by: None,
            settled_at: None,
            created_by: caller.subject_id.to_string(),
            created_at: to_micros(now),
        };
        store::spending::insert_commitment(&mut tx, &row).await?;
        let change = Change::new(caller.office_id, "commitment", &row.id, "reserve").after(commitment_json(&row));
        commit_recorded(&key, tx, &caller, now, change, convert::commitment(&row)?).await
    }

    /// An open commitment of the caller's own office, locked, with its line
    /// (also locked).
    async fn open_commitment(
        &self,
        tx: &mut Tx,
        caller: &Caller,
        id: Uuid,
    ) -> Result<(CommitmentRow, BalanceRow), Error> {
        let not_found = || Error::not_found("cam kết chi", id);
        let commitment = store::spending::get_commitment(tx, id, true)
            .await?
            .ok_or_else(not_found)?;
        let office = commitment.office()?;
        self.0.ensure_read(caller, office).map_err(|_| not_found())?;
        self.0.ensure_act(caller, office, &[Role::Accountant])?;
        if commitment.status != "open" {
            return Err(Error::FailedPrecondition(format!(
                "Cam kết chi {id} đã {}",
                if commitment.status == "posted" {
                    "được ghi chi"
                } else {
                    "được giải phóng"
                }
            )));
        }
        let balance = store::budget::get_balance(tx, commitment.balance()?, true)
            .await?
            .ok_or_else(not_found)?;
        Ok((commitment, balance))
    }

    async fn post_commitment(&self, request: Request<wire::PostCommitmentRequest>) -> Result<wire::Voucher, Error> {
        let (caller, req) = Caller::split(request)?;
        let s = &self.0;
        let mut c = Checker::new();
        let request_id = c.request_id(&req.request_id);
        let id = c.id("commitment_id", &req.commitment_id);
        if req.amount != 0 {
            money::positive(&mut c, "amount", req.amount);
        }
        let date = check_past_date(&mut c, "voucher_date", &req.voucher_date, s.today());
        let payment = Payment::check(&mut c, &req.payee, &req.payment_account);
        c.finish()?;
        let now = s.now();
        let (key, mut tx) =
            vanphong_platform::begin_idempotent!(s.ctx.db, &caller, "PostCommitment", request_id, &req, now);
        let (before, mut balance) = self.open_commitment(&mut tx, &caller, id).await?;
        let amount = if req.amount == 0 { before.amount } else { req.amount };
        if amount > before.amount {
            return Err(Error::invalid(
                "amount",
                "ABOVE_RESERVED",
                format!(
                    "Số ghi chi {} vượt số đã cam kết {}",
                    format_vnd(amount),
                    format_vnd(before.amount)
                ),
            ));
        }
        balance.committed = money::sub("amount", balance.committed, before.amount)?;
        let input = VoucherInput {
            amount,
            date,
            description: before.description.clone(),
            payment,
            warning: before.warning.clone(),
            commitment_id: Some(before.id.clone()),
        };
        let voucher = write_voucher(&mut tx, &caller, now, &mut balance, input).await?;
        let mut after = before.clone();
        after.status = "posted".into();
        after.voucher_id = Some(voucher.id.clone());
        after.posted_amount = amount;
        after.settled_by = Some(caller.subject_id.to_string());
        after.settled_at = Some(to_micros(now));
        store::spending::settle_commitment(&mut tx, &after).await?;
        let change = Change::new(caller.office_id, "commitment", &after.id, "post")
            .before(commitment_json(&before))
            .after(commitment_json(&after));
        commit_recorded(&key, tx, &caller, now, change, convert::voucher(&voucher)?).await
    }

    async fn release(&self, request: Request<wire::ReleaseCommitmentRequest>) -> Result<wire::Commitment, Error> {
        let (caller, req) = Caller::split(request)?;
        let s = &self.0;
        let mut c = Checker::new();
        let id = c.id("commitment_id", &req.commitment_id);
        let reason = c.optional_text("reason", &req.reason, MAX_TEXT).unwrap_or_default();
        c.finish()?;
        let now = s.now();
        let mut tx = s.ctx.db.begin_write().await?;
        let (before, mut balance) = self.open_commitment(&mut tx, &caller, id).await?;
        balance.committed = money::sub("amount", balance.committed, before.amount)?;
        store::budget::save_balance(&mut tx, &balance).await?;
        let mut after = before.clone();
        after.status = "released".into();
        after.settled_by = Some(caller.subject_id.to_string());
        after.settled_at = Some(to_micros(now));
        store::spending::settle_commitment(&mut tx, &after).await?;
        let mut json = commitment_json(&after);
        json["reason"] = serde_json::Value::String(reason);
        let change = Change::new(caller.office_id, "commitment", &after.id, "release")
            .before(commitment_json(&before))
            .after(json);
        trail::record(&mut tx, &caller, now, change).await?;
        tx.commit().await?;
        Ok(convert::commitment(&after)?)
    }

    async fn list_commitments(
        &self,
        request: Request<wire::ListCommitmentsRequest>,
    ) -> Result<wire::ListCommitmentsResponse, Error> {
        let (caller, req) = Caller::split(request)?;
        let s = &self.0;
        let mut c = Checker::new();
        let sort = CommitmentSort::from(c.sort::<wire::CommitmentSort>(req.sort));
        let page = page_of(&mut c, req.page_size, &req.page_token, sort.order());
        c.finish()?;
        let open_only = req.open_only;
        let (_, _, (rows, next)) = s
            .read_year(&caller, &req.office_id, req.year, async |tx, office, year| {
                store::spending::commitments_page(tx, office, year, open_only, sort, &page).await
            })
            .await?;
        Ok(wire::ListCommitmentsResponse {
            commitments: rows.iter().map(convert::commitment).collect::<Result<_, _>>()?,
            next_page_token: next.map(|n| n.encode()).unwrap_or_default(),
        })
    }
}

/// The page a listing asks for: its size (default 50, at most 500) and
/// where the previous page in `order` ended.
fn page_of(c: &mut Checker, page_size: i32, token: &str, order: Order) -> Page {
    Page {
        limit: c.page_size("page_size", page_size, 50, 500),
        after: c.page_token("page_token", token, |t| PageCursor::decode(t, order)),
    }
}

vanphong_platform::grpc_delegate! {
    impl SpendingService for SpendingApi {
        create_voucher(wire::CreateVoucherRequest) -> wire::Voucher = Self::create_voucher;
        get_voucher(wire::GetVoucherRequest) -> wire::Voucher = Self::get_voucher;
        list_vouchers(wire::ListVouchersRequest) -> wire::ListVouchersResponse = Self::list_vouchers;
        create_commitment(wire::CreateCommitmentRequest) -> wire::Commitment = Self::create_commitment;
        post_commitment(wire::PostCommitmentRequest) -> wire::Voucher = Self::post_commitment;
        release_commitment(wire::ReleaseCommitmentRequest) -> wire::Commitment = Self::release;
        list_commitments(wire::ListCommitmentsRequest) -> wire::ListCommitmentsResponse = Self::list_commitments;
    }
}
