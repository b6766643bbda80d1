//! The books (sổ kế toán): the office's transactions between two dates,
//! paged in the URL, each with its entries (Nợ/Có), and the accounts'
//! balances on the last day; for accountants, a transaction entered by
//! hand (its entries as a grid, accounts picked by name) and the reversal
//! of one with its reason — the books are never changed otherwise; the
//! year's months, closed one by one by the accountants (a closed month
//! takes no posting), and the year settled by the leaders.
//! Vouchers, dues and remittances post their own transactions.

use askama::Template;
use axum::extract::{Path, Query};
use axum::response::{Html, IntoResponse, Redirect, Response};
use http::StatusCode;
use serde::Deserialize;

use vanphong_proto::finance::v1::{
    ClosePeriodRequest, GetFiscalYearRequest, ListAccountsRequest, ListTransactionsRequest, PostTransactionRequest,
    Posting, ReverseTransactionRequest, SettleYearRequest, Side, Transaction, TransactionKind,
};

use super::{Balances, Pick, Tab, accountant, input, refusal, renumber, tabs};
use crate::errors::ConsoleError;
use crate::format;
use crate::pages::form::{Filled, FormData, Refusal, shown_status};
use crate::pages::{Ctx, Layout, Me};

/// Rows the entry grid starts with (a transaction has two entries or more).
const ENTRY_ROWS: usize = 4;
const MAX_ROWS: usize = 100;

/// Transactions a page shows.
const PAGE: i32 = 50;

fn kind(kind: i32) -> &'static str {
    match TransactionKind::try_from(kind).unwrap_or(TransactionKind::Unspecified) {
        TransactionKind::Manual => "Bút toán",
        TransactionKind::Voucher => "Chứng từ chi",
        TransactionKind::Reversal => "Bút toán đảo",
        TransactionKind::Dues => "Thu đảng phí",
        TransactionKind::Remittance => "Nộp đảng phí",
        TransactionKind::Handover => "Bàn giao khi tổ chức lại",
        TransactionKind::Unspecified => "",
    }
}

/// A transaction as the journal shows it.
struct Line {
    id: String,
    /// Neither a reversal nor reversed already.
    reversible: bool,
    number: i64,
    on: String,
    kind: &'static str,
    description: String,
    /// "Nợ 112", amount.
    entries: Vec<(String, String)>,
    reversed: bool,
}

fn line(t: &Transaction) -> Line {
    Line {
        id: t.id.clone(),
        reversible: t.reversed_by_id.is_empty() && t.kind != TransactionKind::Reversal as i32,
        number: t.number,
        on: format::date(&t.posted_on),
        kind: kind(t.kind),
        description: t.description.clone(),
        entries: t
            .postings
            .iter()
            .map(|p| {
                let side = if p.side == Side::Debit as i32 { "Nợ" } else { "Có" };
                let line = if p.line_code.is_empty() {
                    String::new()
                } else {
                    format!(" (tiểu mục {})", p.line_code)
                };
                (format!("{side} {}{line}", p.account_code), format::money(p.amount))
            })
            .collect(),
        reversed: !t.reversed_by_id.is_empty(),
    }
}

#[derive(Template)]
#[template(path = "finance_ledger.html")]
struct LedgerPage {
    layout: Layout,
    tabs: Vec<Tab>,
    from: String,
    to: String,
    error: String,
    lines: Vec<Line>,
    next: Option<String>,
    balances: Balances,
    can_post: bool,
    request_id: String,
    today: String,
    rows: Vec<EntryRow>,
    /// The transaction a refused reversal was about.
    acted: String,
    /// The fiscal year of the last day shown: its months (number, closed
    /// on, by whom) and whether it is settled.
    year: i32,
    months: Vec<(i32, String)>,
    open_months: Vec<i32>,
    settled: String,
    can_settle: bool,
    notice: Option<&'static str>,
    filled: Filled,
}

/// An entry of the grid as typed, and what was said about it.
struct EntryRow {
    index: usize,
    accounts: Vec<Pick>,
    debit: bool,
    credit: bool,
    amount: String,
    account_error: String,
    side_error: String,
    amount_error: String,
}

#[derive(Deserialize)]
pub struct LedgerQuery {
    /// dd/mm/yyyy; the first of this year by default.
    #[serde(default)]
    from: String,
    /// dd/mm/yyyy; today by default.
    #[serde(default)]
    to: String,
    #[serde(default)]
    page: String,
    m: Option<String>,
}

fn notice(m: Option<&str>) -> Option<&'static str> {
    match m? {
        "posted" => Some("Đã ghi bút toán vào sổ."),
        "reversed" => Some("Đã ghi bút toán đảo."),
        "closed" => Some("Đã khóa sổ tháng."),
        "settled" => Some("Đã quyết toán năm."),
        _ => None,
    }
}

fn rows_of(form: &FormData) -> usize {
    form.get("rows")
        .parse::<usize>()
        .unwrap_or(ENTRY_ROWS)
        .clamp(2, MAX_ROWS)
}

/// `GET /finance/ledger?from=…&to=…&page=…`.
pub async fn page(ctx: Ctx, Query(query): Query<LedgerQuery>) -> Result<Response, ConsoleError> {
    let me = ctx.me().await?;
    let notice = notice(query.m.as_deref());
    let page = ledger_page(&ctx, &me, query, notice, String::new(), Filled::empty()).await?;
    Ok(Html(page.render()?).into_response())
}

async fn ledger_page(
    ctx: &Ctx,
    me: &Me,
    query: LedgerQuery,
    notice: Option<&'static str>,
    acted: String,
    filled: Filled,
) -> Result<LedgerPage, ConsoleError> {
    use chrono::Datelike;
    let today = ctx.today();
    let typed = |text: &str, default: String| {
        if text.trim().is_empty() {
            Ok(default)
        } else {
            input::date(text)
        }
    };
    let first = format!("{}-01-01", today.year());
    let (from, to, error) = match (
        typed(&query.from, first.clone()),
        typed(&query.to, today.format("%Y-%m-%d").to_string()),
    ) {
        (Ok(f), Ok(t)) => (f, t, String::new()),
        (Err(m), _) | (_, Err(m)) => (first, today.format("%Y-%m-%d").to_string(), m.to_string()),
    };
    let answer = ctx
        .services()
        .ledger()?
        .list_transactions(ctx.call(ListTransactionsRequest {
            from: from.clone(),
            to: to.clone(),
            page_size: PAGE,
            page_token: query.page.clone(),
            ..Default::default()
        }))
        .await?
        .into_inner();
    let balances = super::balances(ctx, to.clone()).await?;
    let year = to.get(..4).and_then(|y| y.parse().ok()).unwrap_or_else(|| today.year());
    let fiscal = ctx
        .services()
        .fiscal_years()?
        .get_fiscal_year(ctx.call(GetFiscalYearRequest {
            year,
            ..Default::default()
        }))
        .await?
        .into_inner();
    let can_post = accountant(me);
    let accounts = if can_post {
        ctx.services()
            .ledger()?
            .list_accounts(ctx.call(ListAccountsRequest::default()))
            .await?
            .into_inner()
            .accounts
    } else {
        Vec::new()
    };
    let form = &filled.kept;
    let about = |field: String| filled.error(&field);
    let rows = (0..rows_of(form))
        .map(|r| {
            let chosen = form.get(&format!("account_{r}"));
            let side = form.get(&format!("side_{r}"));
            EntryRow {
                index: r,
                accounts: accounts
                    .iter()
                    .map(|a| Pick {
                        value: a.code.clone(),
                        label: format!("{} – {}", a.code, a.name),
                        selected: a.code == chosen,
                    })
                    .collect(),
                debit: side == "debit",
                credit: side == "credit",
                amount: form.get(&format!("amount_{r}")),
                account_error: about(format!("postings[{r}].account_code")),
                side_error: about(format!("postings[{r}].side")),
                amount_error: about(format!("postings[{r}].amount")),
            }
        })
        .collect();
    let next = (!answer.next_page_token.is_empty()).then(|| {
        format!(
            "/finance/ledger?from={}&to={}&page={}",
            format::url_encode(&format::date(&from)),
            format::url_encode(&format::date(&to)),
            format::url_encode(&answer.next_page_token)
        )
    });
    Ok(LedgerPage {
        layout: me.layout("Sổ kế toán", "/finance"),
        tabs: tabs("/finance/ledger"),
        from: format::date(&from),
        to: format::date(&to),
        error,
        lines: answer.transactions.iter().map(line).collect(),
        next,
        balances,
        can_post,
        request_id: super::request_id(form),
        today: ctx.today_typed(),
        rows,
        acted,
        year,
        months: fiscal
            .periods
            .iter()
            .map(|p| {
                let state = if p.closed {
                    format!("Đã khóa sổ {}", format::timestamp(p.closed_at.as_ref()))
                } else {
                    "Đang mở".to_string()
                };
                (p.month, state)
            })
            .collect(),
        open_months: fiscal.periods.iter().filter(|p| !p.closed).map(|p| p.month).collect(),
        settled: if fiscal.settled {
            format!("Đã quyết toán {}", format::timestamp(fiscal.settled_at.as_ref()))
        } else {
            String::new()
        },
        can_settle: me.has(vanphong_proto::directory::v1::Role::Leader) && !fiscal.settled,
        notice,
        filled,
    })
}

/// `POST /finance/ledger/{step}` with `step` `close` (a month, by the
/// accountants) or `settle` (the year, by the leaders).
pub async fn period(ctx: Ctx, Path(step): Path<String>, form: FormData) -> Result<Response, ConsoleError> {
    ctx.session()?;
    let year = match super::number_field(&form, "year") {
        Ok(y) => y,
        Err(r) => return refused(&ctx, form, r, String::new(), StatusCode::BAD_REQUEST).await,
    };
    let years = ctx.services().fiscal_years()?;
    let result = match step.as_str() {
        "close" => {
            let request = ClosePeriodRequest {
                year,
                month: form.get("close_month").parse().unwrap_or_default(),
                ..Default::default()
            };
            years.clone().close_period(ctx.call(request)).await
        }
        "settle" => {
            let request = SettleYearRequest {
                year,
                note: form.get("settle_note"),
                ..Default::default()
            };
            years.clone().settle_year(ctx.call(request)).await
        }
        _ => return Err(ConsoleError::NotFound),
    };
    match result {
        Ok(_) => Ok(Redirect::to(&format!("/finance/ledger?m={step}d")).into_response()),
        Err(status) => match shown_status(&status) {
            Some(code) => {
                let mut r = refusal(&status);
                for (field, _) in &mut r.fields {
                    *field = format!("{step}_{field}");
                }
                refused(&ctx, form, r, String::new(), code).await
            }
            None => Err(status.into()),
        },
    }
}

/// The journal again with a refusal and what was typed.
async fn refused(
    ctx: &Ctx,
    form: FormData,
    refusal: Refusal,
    acted: String,
    code: StatusCode,
) -> Result<Response, ConsoleError> {
    let me = ctx.me().await?;
    let query = LedgerQuery {
        from: form.get("from"),
        to: form.get("to"),
        page: String::new(),
        m: None,
    };
    let page = ledger_page(ctx, &me, query, None, acted, Filled::new(Some(refusal), form)).await?;
    Ok((code, Html(page.render()?)).into_response())
}

/// `POST /finance/ledger`: a transaction entered by hand, its entries a
/// grid of account, side (Nợ/Có) and amount.
pub async fn post(ctx: Ctx, form: FormData) -> Result<Response, ConsoleError> {
    ctx.session()?;
    let mut postings = Vec::new();
    let mut rows = Vec::new();
    let mut unreadable = Vec::new();
    for r in 0..rows_of(&form) {
        let account = form.get(&format!("account_{r}"));
        let amount = form.get(&format!("amount_{r}"));
        if account.is_empty() && amount.is_empty() {
            continue;
        }
        let amount = input::amount(&amount).unwrap_or_else(|m| {
            unreadable.push((format!("postings[{r}].amount"), m.to_string()));
            None
        });
        let side = match form.get(&format!("side_{r}")).as_str() {
            "debit" => Side::Debit,
            "credit" => Side::Credit,
            _ => Side::Unspecified,
        };
        postings.push(Posting {
            account_code: account,
            side: side as i32,
            amount: amount.unwrap_or_default(),
            ..Default::default()
        });
        rows.push(r);
    }
    let posted_on = match form.date("posted_on") {
        Ok(d) if unreadable.is_empty() => d,
        Ok(_) => {
            let r = Refusal::marked(unreadable);
            return refused(&ctx, form, r, String::new(), StatusCode::BAD_REQUEST).await;
        }
        Err(r) => return refused(&ctx, form, r, String::new(), StatusCode::BAD_REQUEST).await,
    };
    let request = PostTransactionRequest {
        request_id: form.get("request_id"),
        posted_on,
        description: form.get("description"),
        postings,
        ..Default::default()
    };
    match ctx.services().ledger()?.post_transaction(ctx.call(request)).await {
        Ok(_) => Ok(Redirect::to("/finance/ledger?m=posted").into_response()),
        Err(status) => match shown_status(&status) {
            Some(code) => {
                let r = renumber(refusal(&status), "postings", &rows);
                refused(&ctx, form, r, String::new(), code).await
            }
            None => Err(status.into()),
        },
    }
}

/// `POST /finance/ledger/{id}/reverse`: a transaction undone by a
/// reversing one, with its reason.
pub async fn reverse(ctx: Ctx, Path(id): Path<String>, form: FormData) -> Result<Response, ConsoleError> {
    ctx.session()?;
    ConsoleError::check_id(&id)?;
    let posted_on = match form.date("reverse_posted_on") {
        Ok(d) => d,
        Err(r) => return refused(&ctx, form, r, id, StatusCode::BAD_REQUEST).await,
    };
    let request = ReverseTransactionRequest {
        request_id: form.get("request_id"),
        transaction_id: id.clone(),
        reason: form.get("reverse_reason"),
        posted_on,
    };
    match ctx.services().ledger()?.reverse_transaction(ctx.call(request)).await {
        Ok(_) => Ok(Redirect::to("/finance/ledger?m=reversed").into_response()),
        Err(status) => match shown_status(&status) {
            Some(code) => {
                let mut r = refusal(&status);
                for (field, _) in &mut r.fields {
                    *field = format!("reverse_{field}");
                }
                refused(&ctx, form, r, id, code).await
            }
            None => Err(ConsoleError::unseen(status)),
        },
    }
}
