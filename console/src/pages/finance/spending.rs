//! Spending (chi): vouchers (chứng từ chi) and commitments (cam kết chi)
//! against the office's own allocation lines, each line offered by name
//! with what it has left. The finance service decides: a voucher over
//! what remains is refused — the page says why, in the service's words,
//! beside the amount, with what was typed kept — or, on a line whose
//! policy allows it, accepted with the service's warning shown.

use askama::Template;
use axum::extract::{Path, Query};
use axum::response::{Html, IntoResponse, Redirect, Response};
use http::StatusCode;
use serde::Deserialize;

use vanphong_proto::finance::v1::{
    AccountKind, Commitment, CommitmentSort, CommitmentStatus, CreateCommitmentRequest, CreateVoucherRequest,
    GetVoucherRequest, ListAccountsRequest, ListCommitmentsRequest, ListVouchersRequest, PostCommitmentRequest,
    ReleaseCommitmentRequest, Voucher, VoucherSort,
};

use super::{Pick, Tab, accountant, holding_picks, refusal, tabs};
use crate::errors::ConsoleError;
use crate::format;
use crate::pages::form::{Done, Filled, FormData, Refusal, shown_again_as};
use crate::pages::sorting::{ListParams, Order, Orders, SORT_PAGE, Sorted};
use crate::pages::{Ctx, Layout, Me};

/// The account vouchers are paid from unless another is picked.
const DEFAULT_PAYMENT_ACCOUNT: &str = "112";

/// How many vouchers, and how many commitments, a page lists.
const PAGE_SIZE: i32 = 50;

/// The orders of the vouchers' list, by its column headings.
const VOUCHER_SORTS: Orders<VoucherSort> = Orders(&[
    (
        VoucherSort::Newest,
        Order {
            slug: "newest",
            label: "Số chứng từ, mới nhất trước",
            column: "Số",
            descending: true,
        },
    ),
    (
        VoucherSort::Unspecified,
        Order {
            slug: "number",
            label: "Số chứng từ, theo thứ tự sổ",
            column: "Số",
            descending: false,
        },
    ),
    (
        VoucherSort::Largest,
        Order {
            slug: "largest",
            label: "Số tiền, lớn nhất trước",
            column: "Số tiền",
            descending: true,
        },
    ),
]);

/// The orders of the commitments' list, by its column headings.
const COMMITMENT_SORTS: Orders<CommitmentSort> = Orders(&[
    (
        CommitmentSort::Newest,
        Order {
            slug: "newest",
            label: "Ngày, mới nhất trước",
            column: "Ngày",
            descending: true,
        },
    ),
    (
        CommitmentSort::Unspecified,
        Order {
            slug: "oldest",
            label: "Ngày, cũ nhất trước",
            column: "Ngày",
            descending: false,
        },
    ),
    (
        CommitmentSort::Largest,
        Order {
            slug: "largest",
            label: "Số tiền, lớn nhất trước",
            column: "Số tiền",
            descending: true,
        },
    ),
]);

/// The commitments' order and page in the URL, beside the vouchers'
/// (`sort`, `page`).
const COMMITMENT_PARAMS: ListParams = ListParams {
    sort: "csort",
    page: "cpage",
    label: "Sắp xếp cam kết chi",
};

/// The vouchers' choice of order, named apart from the commitments'.
const VOUCHER_PARAMS: ListParams = ListParams {
    label: "Sắp xếp chứng từ chi",
    ..SORT_PAGE
};

/// A voucher as the list shows it.
struct VoucherRow {
    id: String,
    number: String,
    date: String,
    line: String,
    description: String,
    payee: String,
    amount: String,
    warning: String,
}

fn voucher_row(v: &Voucher) -> VoucherRow {
    VoucherRow {
        id: v.id.clone(),
        number: format!("{}/{}", v.number, v.year),
        date: format::date(&v.voucher_date),
        line: v.line_code.clone(),
        description: v.description.clone(),
        payee: v.payee.clone(),
        amount: format::money(v.amount),
        warning: v.warning.clone(),
    }
}

/// A commitment as the list shows it.
struct CommitmentRow {
    id: String,
    line: String,
    description: String,
    amount: String,
    on: String,
    status: &'static str,
    open: bool,
    posted: String,
    warning: String,
}

fn commitment_status(status: i32) -> &'static str {
    match CommitmentStatus::try_from(status).unwrap_or(CommitmentStatus::Unspecified) {
        CommitmentStatus::Open => "Đang giữ",
        CommitmentStatus::Posted => "Đã ghi chi",
        CommitmentStatus::Released => "Đã giải phóng",
        CommitmentStatus::Unspecified => "",
    }
}

fn commitment_row(c: &Commitment) -> CommitmentRow {
    CommitmentRow {
        id: c.id.clone(),
        line: c.line_code.clone(),
        description: c.description.clone(),
        amount: format::money(c.amount),
        on: format::date(&c.committed_on),
        status: commitment_status(c.status),
        open: c.status == CommitmentStatus::Open as i32,
        posted: if c.posted_amount > 0 {
            format::money(c.posted_amount)
        } else {
            String::new()
        },
        warning: c.warning.clone(),
    }
}

#[derive(Template)]
#[template(path = "finance_spending.html")]
struct SpendingPage {
    layout: Layout,
    tabs: Vec<Tab>,
    year: i32,
    can_spend: bool,
    lines: Vec<Pick>,
    commitment_lines: Vec<Pick>,
    accounts: Vec<Pick>,
    today: String,
    request_id: String,
    commitment_request_id: String,
    vouchers: Listed<VoucherRow>,
    commitments: Listed<CommitmentRow>,
    /// The commitment a refused step was about.
    acted: String,
    notice: Option<&'static str>,
    filled: Filled,
}

/// One page of a list in its order, with the links to the next page and
/// back to the first.
struct Listed<T> {
    rows: Vec<T>,
    sorted: Sorted,
    next: Option<String>,
    first: Option<String>,
}

#[derive(Deserialize)]
pub struct SpendingQuery {
    year: Option<i32>,
    m: Option<String>,
    #[serde(flatten)]
    lists: Lists,
}

/// Where the two lists are: each one's order and page (as the URL says).
#[derive(Deserialize, Default)]
struct Lists {
    #[serde(default)]
    sort: String,
    #[serde(default)]
    page: String,
    #[serde(default)]
    csort: String,
    #[serde(default)]
    cpage: String,
}

fn notice(m: Option<&str>) -> Option<&'static str> {
    match m? {
        "committed" => Some("Đã ghi cam kết chi, số tiền được giữ trên dòng dự toán."),
        "committed-warning" => Some("Đã ghi cam kết chi, kèm cảnh báo chi vượt dự toán (xem danh sách cam kết)."),
        "released" => Some("Đã giải phóng cam kết chi, số tiền trở lại dòng dự toán."),
        _ => None,
    }
}

/// `GET /finance/spending?year=…`.
pub async fn page(ctx: Ctx, Query(query): Query<SpendingQuery>) -> Result<Response, ConsoleError> {
    let me = ctx.me().await?;
    let year = super::year_or_this(&ctx, query.year);
    let page = spending_page(
        &ctx,
        &me,
        year,
        &query.lists,
        notice(query.m.as_deref()),
        String::new(),
        Filled::empty(),
    )
    .await?;
    Ok(Html(page.render()?).into_response())
}

async fn spending_page(
    ctx: &Ctx,
    me: &Me,
    year: i32,
    lists: &Lists,
    notice: Option<&'static str>,
    acted: String,
    filled: Filled,
) -> Result<SpendingPage, ConsoleError> {
    let (lines, _) = super::holdings(ctx, year).await?;
    let spending = ctx.services().spending()?;
    let chosen_vouchers = VOUCHER_SORTS.named(&lists.sort);
    let voucher_sort = chosen_vouchers.unwrap_or(VoucherSort::Newest);
    let vouchers = spending
        .clone()
        .list_vouchers(ctx.call(ListVouchersRequest {
            year,
            sort: voucher_sort as i32,
            page_size: PAGE_SIZE,
            page_token: lists.page.clone(),
            ..Default::default()
        }))
        .await?
        .into_inner();
    let chosen_commitments = COMMITMENT_SORTS.named(&lists.csort);
    let commitment_sort = chosen_commitments.unwrap_or(CommitmentSort::Newest);
    let commitments = spending
        .clone()
        .list_commitments(ctx.call(ListCommitmentsRequest {
            year,
            sort: commitment_sort as i32,
            page_size: PAGE_SIZE,
            page_token: lists.cpage.clone(),
            ..Default::default()
        }))
        .await?
        .into_inner();
    let year_param = ("year", year.to_string());
    let vouchers = listed(
        VOUCHER_SORTS.sorted_as(
            VOUCHER_PARAMS,
            voucher_sort,
            chosen_vouchers,
            "/finance/spending",
            vec![
                year_param.clone(),
                ("csort", lists.csort.clone()),
                ("cpage", lists.cpage.clone()),
            ],
        ),
        vouchers.vouchers.iter().map(voucher_row).collect(),
        &vouchers.next_page_token,
        &lists.page,
    );
    let commitments = listed(
        COMMITMENT_SORTS.sorted_as(
            COMMITMENT_PARAMS,
            commitment_sort,
            chosen_commitments,
            "/finance/spending",
            vec![year_param, ("sort", lists.sort.clone()), ("page", lists.page.clone())],
        ),
        commitments.commitments.iter().map(commitment_row).collect(),
        &commitments.next_page_token,
        &lists.cpage,
    );
    let can_spend = accountant(me);
    let accounts = if can_spend {
        ctx.services()
            .ledger()?
            .list_accounts(ctx.call(ListAccountsRequest::default()))
            .await?
            .into_inner()
            .accounts
    } else {
        Vec::new()
    };
    let chosen = Some(filled.kept("payment_account"))
        .filter(|a| !a.is_empty())
        .unwrap_or_else(|| DEFAULT_PAYMENT_ACCOUNT.into());
    Ok(SpendingPage {
        layout: me.layout("Chứng từ chi", "/finance"),
        tabs: tabs("/finance/spending"),
        year,
        can_spend,
        lines: holding_picks(&lines, &filled.kept("allocation_line_id")),
        commitment_lines: holding_picks(&lines, &filled.kept("commitment_allocation_line_id")),
        accounts: accounts
            .iter()
            .filter(|a| a.kind == AccountKind::Asset as i32 && a.code != "141")
            .map(|a| Pick {
                value: a.code.clone(),
                label: format!("{} – {}", a.code, a.name),
                selected: a.code == chosen,
            })
            .collect(),
        today: ctx.today_typed(),
        request_id: super::request_id(&filled.kept),
        commitment_request_id: Some(filled.kept("commitment_request_id"))
            .filter(|r| !r.is_empty())
            .unwrap_or_else(|| uuid::Uuid::new_v4().to_string()),
        vouchers,
        commitments,
        acted,
        notice,
        filled,
    })
}

/// The page again, with the refusal and what was typed (`acted`: the
/// commitment the refused step was about).
async fn spending_page_again(
    ctx: &Ctx,
    me: &Me,
    form: FormData,
    refusal: Refusal,
    acted: String,
) -> Result<SpendingPage, ConsoleError> {
    let year = super::year_or_this(ctx, form.get("year").parse().ok());
    let lists = Lists::default();
    spending_page(ctx, me, year, &lists, None, acted, Filled::new(Some(refusal), form)).await
}

/// A page of `rows` in the order `sorted` says; `next` is the service's
/// token of the page after ("" on the last), `at` the page shown ("" for
/// the first).
fn listed<T>(sorted: Sorted, rows: Vec<T>, next: &str, at: &str) -> Listed<T> {
    Listed {
        rows,
        next: (!next.is_empty()).then(|| sorted.page_link(next)),
        first: (!at.is_empty()).then(|| sorted.page_link("")),
        sorted,
    }
}

/// The page again with a refusal the console found before calling (400).
async fn refused(ctx: &Ctx, form: FormData, refusal: Refusal, acted: String) -> Result<Response, ConsoleError> {
    let me = ctx.me().await?;
    let page = spending_page_again(ctx, &me, form, refusal, acted).await?;
    Ok((StatusCode::BAD_REQUEST, Html(page.render()?)).into_response())
}

/// A refusal of a step on money: the service's words, said plainly as a
/// refusal of `what`.
fn money_refusal(status: &tonic::Status, what: &str) -> Refusal {
    let mut r = refusal(status);
    if status.code() == tonic::Code::FailedPrecondition {
        r.message = format!("{what}: {}", r.message);
    }
    r
}

/// `POST /finance/vouchers`: a voucher; its page, or the refusal.
pub async fn create_voucher(ctx: Ctx, form: FormData) -> Result<Response, ConsoleError> {
    ctx.session()?;
    let typed = super::amount_field(&form, "amount").and_then(|a| Ok((a, form.date("voucher_date")?)));
    let (amount, voucher_date) = match typed {
        Ok(t) => t,
        Err(r) => return refused(&ctx, form, r, String::new()).await,
    };
    let request = CreateVoucherRequest {
        request_id: form.get("request_id"),
        allocation_line_id: form.get("allocation_line_id"),
        amount,
        voucher_date,
        description: form.get("description"),
        payee: form.get("payee"),
        payment_account: form.get("payment_account"),
    };
    match ctx.services().spending()?.create_voucher(ctx.call(request)).await {
        Ok(v) => Ok(Redirect::to(&format!("/finance/vouchers/{}?m=posted", v.into_inner().id)).into_response()),
        Err(status) => {
            let told = |s: &tonic::Status| money_refusal(s, "Không ghi được chứng từ chi");
            shown_again_as(&ctx, status, told, async |me, r| {
                spending_page_again(&ctx, me, form, r, String::new()).await
            })
            .await
        }
    }
}

/// `POST /finance/commitments`: money reserved on a line.
pub async fn create_commitment(ctx: Ctx, form: FormData) -> Result<Response, ConsoleError> {
    ctx.session()?;
    let amount = match super::amount_field(&form, "commitment_amount") {
        Ok(a) => a,
        Err(r) => return refused(&ctx, form, r, String::new()).await,
    };
    let request = CreateCommitmentRequest {
        request_id: form.get("commitment_request_id"),
        allocation_line_id: form.get("commitment_allocation_line_id"),
        amount,
        description: form.get("commitment_description"),
    };
    match ctx.services().spending()?.create_commitment(ctx.call(request)).await {
        Ok(c) => {
            let c = c.into_inner();
            let m = if c.warning.is_empty() {
                "committed"
            } else {
                "committed-warning"
            };
            Ok(Redirect::to(&format!("/finance/spending?year={}&m={m}", c.year)).into_response())
        }
        Err(status) => {
            let told = |s: &tonic::Status| {
                let mut r = money_refusal(s, "Không ghi được cam kết chi");
                for (field, _) in &mut r.fields {
                    *field = format!("commitment_{field}");
                }
                r
            };
            shown_again_as(&ctx, status, told, async |me, r| {
                spending_page_again(&ctx, me, form, r, String::new()).await
            })
            .await
        }
    }
}

/// `POST /finance/commitments/{id}/{action}`: `post` (a voucher of what
/// was reserved, or part of it) or `release`.
pub async fn commitment_step(
    ctx: Ctx,
    Path((id, action)): Path<(String, String)>,
    form: FormData,
) -> Result<Response, ConsoleError> {
    ctx.session()?;
    ConsoleError::check_id(&id)?;
    let spending = ctx.services().spending()?;
    let year = super::year_or_this(&ctx, form.get("year").parse().ok());
    let result = match action.as_str() {
        "post" => {
            let typed =
                super::amount_field(&form, "post_amount").and_then(|a| Ok((a, form.date("post_voucher_date")?)));
            let (amount, voucher_date) = match typed {
                Ok(t) => t,
                Err(r) => return refused(&ctx, form, r, id).await,
            };
            let request = PostCommitmentRequest {
                request_id: form.get("request_id"),
                commitment_id: id.clone(),
                amount,
                voucher_date,
                payee: form.get("post_payee"),
                payment_account: String::new(),
            };
            spending
                .clone()
                .post_commitment(ctx.call(request))
                .await
                .map(|v| format!("/finance/vouchers/{}?m=posted", v.into_inner().id))
        }
        "release" => {
            let request = ReleaseCommitmentRequest {
                commitment_id: id.clone(),
                reason: form.get("release_reason"),
            };
            spending
                .clone()
                .release_commitment(ctx.call(request))
                .await
                .map(|_| format!("/finance/spending?year={year}&m=released"))
        }
        _ => return Err(ConsoleError::NotFound),
    };
    match result {
        Ok(to) => Ok(Redirect::to(&to).into_response()),
        Err(status) => {
            let told = |s: &tonic::Status| {
                let mut r = money_refusal(s, "Không thực hiện được");
                for (field, _) in &mut r.fields {
                    *field = format!("{action}_{field}");
                }
                r
            };
            shown_again_as(&ctx, status, told, async |me, r| {
                spending_page_again(&ctx, me, form, r, id).await
            })
            .await
        }
    }
}

#[derive(Template)]
#[template(path = "finance_voucher.html")]
struct VoucherPage {
    layout: Layout,
    tabs: Vec<Tab>,
    v: Voucher,
    number: String,
    date: String,
    amount: String,
    line: String,
    created: String,
    posted: bool,
}

/// `GET /finance/vouchers/{id}`: a voucher; another office's (or one that
/// does not exist) is not found.
pub async fn voucher(ctx: Ctx, Path(id): Path<String>, Query(done): Query<Done>) -> Result<Response, ConsoleError> {
    let me = ctx.me().await?;
    ConsoleError::check_id(&id)?;
    let answer = ctx
        .services()
        .spending()?
        .get_voucher(ctx.call(GetVoucherRequest { voucher_id: id }))
        .await;
    let v = answer.map_err(ConsoleError::unseen)?.into_inner();
    let (lines, _) = super::holdings(&ctx, v.year).await.unwrap_or_default();
    let line = lines
        .iter()
        .find(|l| l.id == v.allocation_line_id)
        .map(|l| format!("{} – {}", l.line_code, l.line_name))
        .unwrap_or_else(|| v.line_code.clone());
    let page = VoucherPage {
        layout: me.layout(format!("Chứng từ chi số {}/{}", v.number, v.year), "/finance"),
        tabs: tabs("/finance/spending"),
        number: format!("{}/{}", v.number, v.year),
        date: format::date(&v.voucher_date),
        amount: format::money(v.amount),
        created: format::timestamp(v.created_at.as_ref()),
        posted: done.m.as_deref() == Some("posted"),
        line,
        v,
    };
    Ok(Html(page.render()?).into_response())
}
