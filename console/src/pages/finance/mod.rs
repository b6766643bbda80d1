//! Finance (tài chính Đảng, docs/domain.md §4) for accountants and
//! leaders, through the finance service's own API and the person's token:
//!
//! - [`estimates`]: the year's estimates (dự toán), a new one entered as a
//!   grid of lines with its total, its submission, approval or return;
//! - [`allocation`]: what the office holds by line and what remains, and
//!   its allocation (phân bổ) and adjustments to the offices below, picked
//!   by name;
//! - [`spending`]: vouchers (chứng từ chi) and commitments, with the
//!   service's warning or refusal shown as it words it;
//! - [`ledger`]: the books' transactions and the accounts' balances;
//! - [`dues`]: Party dues collected, remitted upward, the B01/ĐP report;
//!
//! Amounts are shown as `48.000.000 đ`. Forms are offered by role, as the
//! service's roles are documented; the service alone decides.

pub mod allocation;
pub mod dues;
pub mod estimates;
pub mod ledger;
pub mod spending;

use super::input;

use std::collections::HashMap;

use vanphong_proto::directory::v1::{ListOfficesRequest, Office, Role};
use vanphong_proto::finance::v1::{
    AllocationLine, BudgetLine, GetBalancesRequest, ListAllocationLinesRequest, ListBudgetLinesRequest,
};

use super::form::{FormData, Refusal};
use super::{Ctx, Me};
use crate::errors::ConsoleError;
use crate::format;

/// The finance pages, as tabs: link, title.
const TABS: [(&str, &str); 5] = [
    ("/finance", "Dự toán"),
    ("/finance/allocation", "Phân bổ, thực hiện"),
    ("/finance/spending", "Chứng từ chi"),
    ("/finance/ledger", "Sổ kế toán"),
    ("/finance/dues", "Đảng phí"),
];

/// A tab of the finance pages.
pub struct Tab {
    pub href: &'static str,
    pub label: &'static str,
    pub current: bool,
}

/// The tabs, `active` the current one.
pub fn tabs(active: &str) -> Vec<Tab> {
    TABS.iter()
        .map(|(href, label)| Tab {
            href,
            label,
            current: *href == active,
        })
        .collect()
}

/// Whether the person keeps the office's books (the service's role for
/// estimates, vouchers, commitments and dues).
pub fn accountant(me: &Me) -> bool {
    me.has(Role::Accountant)
}

/// Whether the person may allocate or adjust (the service's roles).
pub fn allocates(me: &Me) -> bool {
    me.has(Role::Accountant) || me.has(Role::Leader)
}

/// The service's refusal of a form, its words put beside the field they
/// name: a field violation as it is, and a refusal written
/// `amount: 60.000.000 đ vượt quá …` beside `amount`, without the name.
pub fn refusal(status: &tonic::Status) -> Refusal {
    let mut refusal = Refusal::of(status);
    if refusal.fields.is_empty()
        && let Some((field, rest)) = refusal.message.split_once(": ")
        && !field.is_empty()
        && field
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "_.[]".contains(c))
    {
        refusal.fields.push((field.to_string(), rest.to_string()));
        refusal.message = rest.to_string();
    }
    refusal
}

/// A refusal about the rows of a grid: the service numbers `list[i]` among
/// the rows sent, the form among all its rows (`rows[i]` is the form's row
/// of the i-th sent).
pub fn renumber(mut refusal: Refusal, list: &str, rows: &[usize]) -> Refusal {
    for (field, _) in &mut refusal.fields {
        if let Some(rest) = field.strip_prefix(&format!("{list}["))
            && let Some((index, tail)) = rest.split_once(']')
            && let Ok(i) = index.parse::<usize>()
            && let Some(row) = rows.get(i)
        {
            *field = format!("{list}[{row}]{tail}");
        }
    }
    refusal
}

/// The first value of `field` as an amount of đồng, or the refusal to show
/// beside it; empty is zero (the service then says what is missing).
pub fn amount_field(form: &FormData, field: &str) -> Result<i64, Refusal> {
    input::amount(&form.get(field))
        .map(Option::unwrap_or_default)
        .map_err(|m| Refusal::field(field, m))
}

/// The first value of `field` as a whole number (zero when empty).
pub fn number_field(form: &FormData, field: &str) -> Result<i32, Refusal> {
    input::number(&form.get(field))
        .map(Option::unwrap_or_default)
        .map_err(|m| Refusal::field(field, m))
}

/// The deployment's offices by id (names for the ids the API returns).
pub async fn offices(ctx: &Ctx) -> Result<HashMap<String, Office>, ConsoleError> {
    Ok(ctx
        .services()
        .offices()
        .list_offices(ctx.call(ListOfficesRequest::default()))
        .await?
        .into_inner()
        .offices
        .into_iter()
        .map(|o| (o.id.clone(), o))
        .collect())
}

/// The name of office `id`, or the id when unknown.
pub fn office_name(offices: &HashMap<String, Office>, id: &str) -> String {
    offices
        .get(id)
        .map(|o| o.name.clone())
        .unwrap_or_else(|| id.to_string())
}

/// The active budget lines of the catalogue, in the index's order.
pub async fn catalogue(ctx: &Ctx) -> Result<Vec<BudgetLine>, ConsoleError> {
    let mut lines = ctx
        .services()
        .budget_lines()?
        .list_budget_lines(ctx.call(ListBudgetLinesRequest::default()))
        .await?
        .into_inner()
        .lines;
    lines.sort_by(|a, b| a.code.cmp(&b.code));
    Ok(lines)
}

/// What the caller's office holds by line in `year`, and the total.
pub async fn holdings(ctx: &Ctx, year: i32) -> Result<(Vec<AllocationLine>, AllocationLine), ConsoleError> {
    let answer = ctx
        .services()
        .budget()?
        .list_allocation_lines(ctx.call(ListAllocationLinesRequest {
            year,
            ..Default::default()
        }))
        .await?
        .into_inner();
    Ok((answer.lines, answer.total.unwrap_or_default()))
}

/// A choice of a select: value, label, selected.
pub struct Pick {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

/// Budget lines to pick from, "6551 – Văn phòng phẩm", `current` selected.
pub fn line_picks(catalogue: &[BudgetLine], current: &str) -> Vec<Pick> {
    catalogue
        .iter()
        .map(|l| Pick {
            value: l.code.clone(),
            label: format!("{} – {}", l.code, l.name),
            selected: l.code == current,
        })
        .collect()
}

/// The office's allocation lines to spend from, with what remains:
/// "6551 – Văn phòng phẩm (còn 12.000.000 đ)".
pub fn holding_picks(lines: &[AllocationLine], current: &str) -> Vec<Pick> {
    lines
        .iter()
        .map(|l| Pick {
            value: l.id.clone(),
            label: format!("{} – {} (còn {})", l.line_code, l.line_name, format::money(l.remaining)),
            selected: l.id == current,
        })
        .collect()
}

/// A new request id for a form, or the one it was sent with (a form sent
/// again after a refusal, or twice, is the same request).
pub fn request_id(form: &FormData) -> String {
    Some(form.get("request_id"))
        .filter(|r| !r.is_empty())
        .unwrap_or_else(|| uuid::Uuid::new_v4().to_string())
}

/// The year asked for, or this year.
pub fn year_or_this(ctx: &Ctx, year: Option<i32>) -> i32 {
    use chrono::Datelike;
    year.filter(|y| (2000..=2100).contains(y))
        .unwrap_or_else(|| ctx.today().year())
}

/// The accounts' balances on a date, as the balances table shows them.
pub struct Balances {
    /// dd/mm/yyyy.
    pub as_of: String,
    /// Code, name, debits, credits, balance.
    pub rows: Vec<(String, String, String, String, String)>,
    pub total_debits: String,
    pub total_credits: String,
}

/// The balances of the caller's office on `as_of` (YYYY-MM-DD; empty for
/// today).
pub async fn balances(ctx: &Ctx, as_of: String) -> Result<Balances, ConsoleError> {
    let answer = ctx
        .services()
        .ledger()?
        .get_balances(ctx.call(GetBalancesRequest {
            as_of,
            ..Default::default()
        }))
        .await?
        .into_inner();
    Ok(Balances {
        as_of: format::date(&answer.as_of),
        rows: answer
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
        total_debits: format::money(answer.total_debits),
        total_credits: format::money(answer.total_credits),
    })
}

/// A download of a spreadsheet the finance service made, under its
/// (Vietnamese) name.
pub fn spreadsheet(file: vanphong_proto::finance::v1::ExportFile) -> axum::response::Response {
    let fallback = vanphong_platform::text::fold(&file.file_name).replace(' ', "-");
    super::files::download(&fallback, &file.file_name, &file.content_type, file.content)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_refusal_naming_its_field_goes_beside_it() {
        let status = tonic::Status::failed_precondition("amount: 60.000.000 đ vượt quá số còn lại 48.000.000 đ");
        let r = refusal(&status);
        assert_eq!(r.about("amount"), "60.000.000 đ vượt quá số còn lại 48.000.000 đ");
        assert_eq!(r.message, "60.000.000 đ vượt quá số còn lại 48.000.000 đ");
        let plain = refusal(&tonic::Status::failed_precondition("Không thể duyệt dự toán đang lập"));
        assert!(plain.fields.is_empty());
        let r = renumber(
            refusal(&tonic::Status::failed_precondition("items[1].amount: vượt")),
            "items",
            &[0, 3],
        );
        assert_eq!(r.about("items[3].amount"), "vượt");
    }
}
