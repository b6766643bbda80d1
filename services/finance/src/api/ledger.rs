//! `LedgerService`: accounts, balanced transactions, reversals and
//! balances. There is no call that changes or removes a transaction.

use std::sync::Arc;

use chrono::NaiveDate;
use tonic::Request;
use uuid::Uuid;

use vanphong_platform::Error;
use vanphong_platform::audit::{self as trail, Change};
use vanphong_platform::clock::to_micros;
use vanphong_platform::db::Tx;
use vanphong_platform::idempotency::{commit_answer, commit_recorded};
use vanphong_platform::identity::{Caller, Role};
use vanphong_platform::paging;
use vanphong_platform::validate::Checker;
use vanphong_proto::finance::v1 as wire;
use vanphong_proto::finance::v1::ledger_service_server::LedgerService;

use super::{MAX_TEXT, NewTransaction, Shared, check_past_date, convert};
use crate::domain::catalog::DEFAULT_ACCOUNTS;
use crate::domain::ledger::{AccountKind, Entry, Side, TxKind, check_balanced, reversal};
use crate::domain::money;
use crate::store;
use crate::store::ledger::{AccountRow, TxRow};

pub struct LedgerApi(pub(crate) Arc<Shared>);

/// A transaction with its postings and reversal, as answered.
pub(crate) async fn transaction_answer(tx: &mut Tx, t: &TxRow) -> Result<wire::Transaction, Error> {
    let postings = store::ledger::postings(tx, &t.id).await?;
    let reversed_by = store::ledger::reversed_by(tx, &t.id).await?;
    Ok(convert::transaction(t, &postings, reversed_by)?)
}

pub(crate) fn transaction_json(t: &TxRow, entries: &[Entry]) -> serde_json::Value {
    serde_json::json!({
        "id": t.id, "office_id": t.office_id, "number": t.number, "posted_on": t.posted_on,
        "description": t.description, "kind": t.kind, "reverses_id": t.reverses_id, "source_id": t.source_id,
        "postings": entries.iter().map(|e| serde_json::json!({
            "account_code": e.account_code,
            "side": if e.side == Side::Debit { "debit" } else { "credit" },
            "amount": e.amount, "line_code": e.line_code,
        })).collect::<Vec<_>>(),
    })
}

/// The office's chart: its accounts, or the default chart before its books
/// are first used.
async fn chart(tx: &mut Tx, office: Uuid) -> Result<Vec<AccountRow>, Error> {
    let accounts = store::ledger::list_accounts(tx, office).await?;
    if !accounts.is_empty() {
        return Ok(accounts);
    }
    Ok(DEFAULT_ACCOUNTS
        .iter()
        .map(|a| AccountRow {
            office_id: office.to_string(),
            code: a.code.to_string(),
            name: a.name.to_string(),
            kind: a.kind.code().to_string(),
        })
        .collect())
}

fn check_postings(c: &mut Checker, postings: &[wire::Posting]) -> Vec<Entry> {
    if postings.len() > 100 {
        c.violation("postings", "TOO_MANY", "Tối đa 100 bút toán trong một giao dịch");
    }
    postings
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let account_code = c.text(&format!("postings[{i}].account_code"), &p.account_code, 20);
            let side = Side::from_wire(p.side).unwrap_or_else(|_| {
                c.violation(&format!("postings[{i}].side"), "REQUIRED", "Phải chọn Nợ hoặc Có");
                Side::Debit
            });
            let amount = money::positive(c, &format!("postings[{i}].amount"), p.amount);
            if !p.line_code.is_empty() {
                c.violation(
                    &format!("postings[{i}].line_code"),
                    "RESERVED",
                    "Tiểu mục chỉ được ghi qua chứng từ chi",
                );
            }
            Entry {
                account_code,
                side,
                amount,
                line_code: None,
            }
        })
        .collect()
}

impl LedgerApi {
    async fn list_accounts(
        &self,
        request: Request<wire::ListAccountsRequest>,
    ) -> Result<wire::ListAccountsResponse, Error> {
        let caller = Caller::of(&request)?;
        let s = &self.0;
        let office = s.readable_office(&caller, &request.get_ref().office_id)?;
        let accounts = s.ctx.db.read(async |tx| chart(tx, office).await).await?;
        Ok(wire::ListAccountsResponse {
            accounts: accounts.iter().map(convert::account).collect::<Result<_, _>>()?,
        })
    }

    async fn create_account(&self, request: Request<wire::CreateAccountRequest>) -> Result<wire::Account, Error> {
        let (caller, req) = Caller::split(request)?;
        let s = &self.0;
        let mut c = Checker::new();
        let request_id = c.request_id(&req.request_id);
        let office = c.office_or_own("office_id", &req.office_id, &caller);
        let code = c.text("code", &req.code, 20);
        if !code.chars().all(|ch| ch.is_ascii_alphanumeric()) {
            c.violation(
                "code",
                "INVALID_FORMAT",
                "Số hiệu tài khoản chỉ gồm chữ số và chữ cái không dấu",
            );
        }
        let name = c.text("name", &req.name, 300);
        let kind = c.wire("kind", req.kind, AccountKind::Asset);
        c.finish()?;
        s.ensure_act(&caller, office, &[Role::Accountant])?;
        let now = s.now();
        let (key, mut tx) =
            vanphong_platform::begin_idempotent!(s.ctx.db, &caller, "CreateAccount", request_id, &req, now);
        store::ledger::ensure_accounts(&mut tx, office, to_micros(now)).await?;
        if let Some(existing) = store::ledger::get_account(&mut tx, office, &code).await? {
            return Err(Error::AlreadyExists(format!(
                "Tài khoản {code} đã có ({})",
                existing.name
            )));
        }
        let row = AccountRow {
            office_id: office.to_string(),
            code,
            name,
            kind: kind.code().into(),
        };
        store::ledger::insert_account(&mut tx, &row, to_micros(now)).await?;
        let change = Change::new(office, "account", &row.code, "create")
            .after(serde_json::json!({"code": row.code, "name": row.name, "kind": row.kind}));
        commit_recorded(&key, tx, &caller, now, change, convert::account(&row)?).await
    }

    async fn post_transaction(
        &self,
        request: Request<wire::PostTransactionRequest>,
    ) -> Result<wire::Transaction, Error> {
        let (caller, req) = Caller::split(request)?;
        let s = &self.0;
        let today = s.today();
        let mut c = Checker::new();
        let request_id = c.request_id(&req.request_id);
        let office = c.office_or_own("office_id", &req.office_id, &caller);
        let date = check_past_date(&mut c, "posted_on", &req.posted_on, today);
        let description = c.text("description", &req.description, MAX_TEXT);
        let entries = check_postings(&mut c, &req.postings);
        c.finish()?;
        check_balanced(&entries)?;
        s.ensure_act(&caller, office, &[Role::Accountant])?;
        let now = s.now();
        let (key, mut tx) =
            vanphong_platform::begin_idempotent!(s.ctx.db, &caller, "PostTransaction", request_id, &req, now);
        let row = NewTransaction::new(office, date, &description, TxKind::Manual, &entries)
            .post(&mut tx, &caller, now)
            .await?;
        let change = Change::new(office, "transaction", &row.id, "post").after(transaction_json(&row, &entries));
        trail::record(&mut tx, &caller, now, change).await?;
        let answer = transaction_answer(&mut tx, &row).await?;
        commit_answer(&key, tx, answer).await
    }

    async fn reverse(&self, request: Request<wire::ReverseTransactionRequest>) -> Result<wire::Transaction, Error> {
        let (caller, req) = Caller::split(request)?;
        let s = &self.0;
        let today = s.today();
        let mut c = Checker::new();
        let request_id = c.request_id(&req.request_id);
        let id = c.id("transaction_id", &req.transaction_id);
        let reason = c.text("reason", &req.reason, MAX_TEXT);
        let date = check_past_date(&mut c, "posted_on", &req.posted_on, today);
        c.finish()?;
        let now = s.now();
        let (key, mut tx) =
            vanphong_platform::begin_idempotent!(s.ctx.db, &caller, "ReverseTransaction", request_id, &req, now);
        let not_found = || Error::not_found("giao dịch", id);
        let original = store::ledger::get_transaction(&mut tx, id)
            .await?
            .ok_or_else(not_found)?;
        let office = original.office()?;
        s.ensure_read(&caller, office).map_err(|_| not_found())?;
        s.ensure_act(&caller, office, &[Role::Accountant])?;
        let kind = original.kind()?;
        if !kind.reversible() {
            return Err(Error::FailedPrecondition(format!(
                "Giao dịch số {} là bút toán {} nên không đảo được bằng bút toán đảo",
                original.number,
                match kind {
                    TxKind::Reversal => "đảo",
                    TxKind::Dues => "thu đảng phí",
                    TxKind::Handover => "bàn giao khi tổ chức lại",
                    _ => "nộp đảng phí",
                }
            )));
        }
        if let Some(by) = store::ledger::reversed_by(&mut tx, &original.id).await? {
            return Err(Error::FailedPrecondition(format!(
                "Giao dịch số {} đã được đảo bởi giao dịch {by}",
                original.number
            )));
        }
        let original_date = original.posted_on()?;
        if date < original_date {
            return Err(Error::invalid(
                "posted_on",
                "BEFORE_ORIGINAL",
                format!(
                    "Ngày đảo {} trước ngày của giao dịch gốc {}",
                    date.format("%d/%m/%Y"),
                    original_date.format("%d/%m/%Y")
                ),
            ));
        }
        // A voucher's spending goes back to its allocation line.
        if kind == TxKind::Voucher
            && let Some(voucher) = store::spending::voucher_of_transaction(&mut tx, &original.id).await?
            && let Some(mut balance) = store::budget::get_balance(&mut tx, voucher.balance()?, true).await?
        {
            balance.spent = money::sub("amount", balance.spent, voucher.amount)?;
            store::budget::save_balance(&mut tx, &balance).await?;
        }
        let postings = store::ledger::postings(&mut tx, &original.id).await?;
        let entries = reversal(&postings.iter().map(|p| p.entry()).collect::<Vec<_>>());
        let description = format!("Đảo giao dịch số {}: {reason}", original.number);
        let reversal = NewTransaction {
            reverses: Some(&original.id),
            source: original.source_id.as_deref(),
            ..NewTransaction::new(office, date, &description, TxKind::Reversal, &entries)
        };
        let row = reversal.post(&mut tx, &caller, now).await?;
        let change = Change::new(office, "transaction", &row.id, "reverse").after(transaction_json(&row, &entries));
        trail::record(&mut tx, &caller, now, change).await?;
        let answer = transaction_answer(&mut tx, &row).await?;
        commit_answer(&key, tx, answer).await
    }

    async fn get_transaction(&self, request: Request<wire::GetTransactionRequest>) -> Result<wire::Transaction, Error> {
        let caller = Caller::of(&request)?;
        let s = &self.0;
        let id = Checker::only_id("transaction_id", &request.get_ref().transaction_id)?;
        let not_found = || Error::not_found("giao dịch", id);
        s.ctx
            .db
            .read(async |tx| {
                let row = store::ledger::get_transaction(tx, id).await?.ok_or_else(not_found)?;
                s.ensure_read(&caller, row.office()?).map_err(|_| not_found())?;
                transaction_answer(tx, &row).await
            })
            .await
    }

    async fn list_transactions(
        &self,
        request: Request<wire::ListTransactionsRequest>,
    ) -> Result<wire::ListTransactionsResponse, Error> {
        let (caller, req) = Caller::split(request)?;
        let s = &self.0;
        let mut c = Checker::new();
        let office = c.office_or_own("office_id", &req.office_id, &caller);
        let (from, to) = c.optional_date_range(&req.from, &req.to);
        let page_size = c.page_size("page_size", req.page_size, 100, 500);
        let after = c.optional_id("page_token", &req.page_token);
        c.finish()?;
        s.ensure_read(&caller, office)?;
        let mut tx = s.ctx.db.begin_read().await?;
        let after = after.map(|a| a.to_string());
        let rows = store::ledger::list_transactions(&mut tx, office, from, to, after.as_deref(), page_size + 1).await?;
        let more = rows.len() > page_size as usize;
        let mut transactions = Vec::new();
        for row in rows.iter().take(page_size as usize) {
            transactions.push(transaction_answer(&mut tx, row).await?);
        }
        tx.commit().await?;
        let cut = paging::fit(&mut transactions);
        let next_page_token = if more || cut {
            transactions.last().map(|t| t.id.clone()).unwrap_or_default()
        } else {
            String::new()
        };
        Ok(wire::ListTransactionsResponse {
            transactions,
            next_page_token,
        })
    }

    async fn balances(&self, request: Request<wire::GetBalancesRequest>) -> Result<wire::GetBalancesResponse, Error> {
        let (caller, req) = Caller::split(request)?;
        let s = &self.0;
        let mut c = Checker::new();
        let office = c.office_or_own("office_id", &req.office_id, &caller);
        let as_of = c.date_or("as_of", &req.as_of, s.today());
        c.finish()?;
        s.ensure_read(&caller, office)?;
        let (accounts, totals) = s
            .ctx
            .db
            .read(async |tx| {
                Ok::<_, Error>((
                    chart(tx, office).await?,
                    store::ledger::totals(tx, office, as_of).await?,
                ))
            })
            .await?;
        balances_answer(office, as_of, &accounts, &totals)
    }
}

fn balances_answer(
    office: Uuid,
    as_of: NaiveDate,
    accounts: &[AccountRow],
    totals: &[store::ledger::AccountTotals],
) -> Result<wire::GetBalancesResponse, Error> {
    let mut balances = Vec::new();
    let (mut debits, mut credits) = (0_i64, 0_i64);
    for a in accounts {
        let t = totals.iter().find(|t| t.account_code == a.code);
        let (debit, credit) = t.map_or((0, 0), |t| (t.debit, t.credit));
        debits = money::add("balances", debits, debit)?;
        credits = money::add("balances", credits, credit)?;
        balances.push(wire::AccountBalance {
            account_code: a.code.clone(),
            account_name: a.name.clone(),
            kind: a.kind()?.to_wire(),
            debit_total: debit,
            credit_total: credit,
            balance: money::sub("balances", debit, credit)?,
        });
    }
    Ok(wire::GetBalancesResponse {
        office_id: office.to_string(),
        as_of: vanphong_platform::clock::format_date(as_of),
        balances,
        total_debits: debits,
        total_credits: credits,
    })
}

vanphong_platform::grpc_delegate! {
    impl LedgerService for LedgerApi {
        list_accounts(wire::ListAccountsRequest) -> wire::ListAccountsResponse = Self::list_accounts;
        create_account(wire::CreateAccountRequest) -> wire::Account = Self::create_account;
        post_transaction(wire::PostTransactionRequest) -> wire::Transaction = Self::post_transaction;
        reverse_transaction(wire::ReverseTransactionRequest) -> wire::Transaction = Self::reverse;
        get_transaction(wire::GetTransactionRequest) -> wire::Transaction = Self::get_transaction;
        list_transactions(wire::ListTransactionsRequest) -> wire::ListTransactionsResponse = Self::list_transactions;
        get_balances(wire::GetBalancesRequest) -> wire::GetBalancesResponse = Self::balances;
    }
}
