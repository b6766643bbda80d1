//! Finance, read only, for accountants and leaders: the estimates (dự
//! toán) of a year with their lines, and the balances of the office's
//! accounts on a date, amounts written as `48.000.000 đ`. The finance
//! service decides what each person may read.

use askama::Template;
use axum::extract::Query;
use axum::response::{Html, IntoResponse, Response};
use serde::Deserialize;

use vanphong_proto::finance::v1::{Estimate, EstimateStatus, GetBalancesRequest, ListEstimatesRequest};

use super::{Ctx, Layout};
use crate::errors::ConsoleError;
use crate::format;

fn status(status: i32) -> &'static str {
    match EstimateStatus::try_from(status).unwrap_or(EstimateStatus::Unspecified) {
        EstimateStatus::Draft => "Đang lập",
        EstimateStatus::Submitted => "Đã trình cấp trên",
        EstimateStatus::Approved => "Đã duyệt",
        EstimateStatus::Returned => "Bị trả lại",
        EstimateStatus::Unspecified => "",
    }
}

/// An estimate as shown: its lines and total in đồng.
struct EstimateView {
    title: String,
    status: &'static str,
    note: String,
    return_reason: String,
    lines: Vec<(String, String, String)>,
    total: String,
}

impl EstimateView {
    fn of(e: &Estimate) -> Self {
        EstimateView {
            title: format!(
                "{} năm {}",
                if e.supplementary {
                    "Dự toán bổ sung"
                } else {
                    "Dự toán"
                },
                e.year
            ),
            status: status(e.status),
            note: e.note.clone(),
            return_reason: e.return_reason.clone(),
            lines: e
                .lines
                .iter()
                .map(|l| (l.line_code.clone(), l.line_name.clone(), format::money(l.amount)))
                .collect(),
            total: format::money(e.total),
        }
    }
}

#[derive(Template)]
#[template(path = "finance.html")]
struct FinancePage {
    layout: Layout,
    year: i32,
    as_of: String,
    /// dd/mm/yyyy.
    as_of_label: String,
    estimates: Vec<EstimateView>,
    /// Code, name, debits, credits, balance.
    balances: Vec<(String, String, String, String, String)>,
    total_debits: String,
    total_credits: String,
}

#[derive(Deserialize)]
pub struct FinanceQuery {
    year: Option<i32>,
    /// YYYY-MM-DD; today by default.
    #[serde(default)]
    as_of: String,
}

/// `GET /finance?year=…&as_of=…`.
pub async fn page(ctx: Ctx, Query(query): Query<FinanceQuery>) -> Result<Response, ConsoleError> {
    use chrono::Datelike;
    let me = ctx.me().await?;
    let year = query.year.unwrap_or_else(|| ctx.today().year());
    let estimates = ctx
        .services()
        .budget()?
        .list_estimates(ctx.call(ListEstimatesRequest {
            year,
            ..Default::default()
        }))
        .await?
        .into_inner()
        .estimates;
    let balances = ctx
        .services()
        .ledger()?
        .get_balances(ctx.call(GetBalancesRequest {
            as_of: query.as_of.trim().to_string(),
            ..Default::default()
        }))
        .await?
        .into_inner();
    let page = FinancePage {
        layout: me.layout("Tài chính", "/finance"),
        year,
        as_of: balances.as_of.clone(),
        as_of_label: format::date(&balances.as_of),
        estimates: estimates.iter().map(EstimateView::of).collect(),
        balances: balances
            .balances
            .iter()
            .map(|b| {
                (
                    b.account_code.clone(),
                    b.account_name.clone(),
                    format::money(b.debit_total),
                    format::money(b.credit_total),
                    format::money(b.balance),
                )
            })
            .collect(),
        total_debits: format::money(balances.total_debits),
        total_credits: format::money(balances.total_credits),
    };
    Ok(Html(page.render()?).into_response())
}
