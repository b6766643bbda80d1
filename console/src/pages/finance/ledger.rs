//! The books (sổ kế toán): the office's transactions between two dates,
//! paged in the URL, each with its entries (Nợ/Có), and the accounts'
//! balances on the last day. Nothing here writes: vouchers, dues and
//! remittances post their own transactions.

use askama::Template;
use axum::extract::Query;
use axum::response::{Html, IntoResponse, Response};
use serde::Deserialize;

use vanphong_proto::finance::v1::{ListTransactionsRequest, Side, Transaction, TransactionKind};

use super::{Balances, Tab, input, tabs};
use crate::errors::ConsoleError;
use crate::format;
use crate::pages::Ctx;
use crate::pages::Layout;

/// Transactions a page shows.
const PAGE: i32 = 50;

fn kind(kind: i32) -> &'static str {
    match TransactionKind::try_from(kind).unwrap_or(TransactionKind::Unspecified) {
        TransactionKind::Manual => "Bút toán",
        TransactionKind::Voucher => "Chứng từ chi",
        TransactionKind::Reversal => "Bút toán đảo",
        TransactionKind::Dues => "Thu đảng phí",
        TransactionKind::Remittance => "Nộp đảng phí",
        TransactionKind::Unspecified => "",
    }
}

/// A transaction as the journal shows it.
struct Line {
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
}

/// `GET /finance/ledger?from=…&to=…&page=…`.
pub async fn page(ctx: Ctx, Query(query): Query<LedgerQuery>) -> Result<Response, ConsoleError> {
    use chrono::Datelike;
    let me = ctx.me().await?;
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
    let balances = super::balances(&ctx, to.clone()).await?;
    let next = (!answer.next_page_token.is_empty()).then(|| {
        format!(
            "/finance/ledger?from={}&to={}&page={}",
            format::url_encode(&format::date(&from)),
            format::url_encode(&format::date(&to)),
            format::url_encode(&answer.next_page_token)
        )
    });
    let page = LedgerPage {
        layout: me.layout("Sổ kế toán", "/finance"),
        tabs: tabs("/finance/ledger"),
        from: format::date(&from),
        to: format::date(&to),
        error,
        lines: answer.transactions.iter().map(line).collect(),
        next,
        balances,
    };
    Ok(Html(page.render()?).into_response())
}
