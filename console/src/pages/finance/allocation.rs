//! Allocation (phân bổ, giao dự toán): what the office holds by budget
//! line in a year (được giao, phân bổ đi, đã chi, đã cam kết, còn lại), the
//! entries to and from it, and — for its leaders and accountants — the
//! allocation to the offices below as a grid (each row an office picked by
//! name, a line, an amount), with what each line would have left shown as
//! amounts are typed, and adjustments up or down citing their decision.

use std::collections::{BTreeMap, HashMap};

use askama::Template;
use axum::extract::Query;
use axum::response::{Html, IntoResponse, Redirect, Response};
use http::StatusCode;
use serde::Deserialize;

use vanphong_proto::directory::v1::Office;
use vanphong_proto::finance::v1::{
    AdjustAllocationRequest, AllocateRequest, AllocationItem, AllocationKind, AllocationLine,
    ExportBudgetExecutionRequest, ListAllocationsRequest,
};

use super::{Pick, Tab, allocates, input, office_name, refusal, renumber, tabs};
use crate::errors::ConsoleError;
use crate::format;
use crate::pages::form::{Filled, FormData, Refusal, shown_status};
use crate::pages::{Ctx, Layout, Me};

/// Rows the allocation grid starts with.
const GRID_ROWS: usize = 4;
const MAX_ROWS: usize = 1000;

/// A line the office holds, as the table shows it.
struct HoldingView {
    code: String,
    name: String,
    held: String,
    allocated_out: String,
    spent: String,
    committed: String,
    remaining: String,
    executed: String,
}

fn holding(l: &AllocationLine) -> HoldingView {
    HoldingView {
        code: l.line_code.clone(),
        name: l.line_name.clone(),
        held: format::money(l.held),
        allocated_out: format::money(l.allocated_out),
        spent: format::money(l.spent),
        committed: format::money(l.committed),
        remaining: format::money(l.remaining),
        executed: format!(
            "{},{:02}%",
            l.executed_basis_points / 100,
            l.executed_basis_points % 100
        ),
    }
}

/// What a line would have left after the grid's allocation.
pub struct Remaining {
    pub code: String,
    pub name: String,
    pub now: String,
    pub given: String,
    pub after: String,
    pub over: bool,
}

/// An allocation row as typed, and what was said about it.
struct Row {
    index: usize,
    offices: Vec<Pick>,
    lines: Vec<Pick>,
    amount: String,
    office_error: String,
    line_error: String,
    amount_error: String,
}

/// An entry of the budget, as the list shows it.
struct EntryView {
    on: String,
    kind: &'static str,
    from: String,
    to: String,
    line: String,
    amount: String,
    decision: String,
    reason: String,
}

fn kind(kind: i32) -> &'static str {
    match AllocationKind::try_from(kind).unwrap_or(AllocationKind::Unspecified) {
        AllocationKind::Estimate => "Dự toán được duyệt",
        AllocationKind::Allocation => "Phân bổ",
        AllocationKind::Adjustment => "Điều chỉnh",
        AllocationKind::Handover => "Bàn giao khi tổ chức lại",
        AllocationKind::Unspecified => "",
    }
}

#[derive(Template)]
#[template(path = "finance_allocation.html")]
struct AllocationPage {
    layout: Layout,
    tabs: Vec<Tab>,
    year: i32,
    lines: Vec<HoldingView>,
    total: HoldingView,
    entries: Vec<EntryView>,
    can_allocate: bool,
    request_id: String,
    adjust_request_id: String,
    today: String,
    rows: Vec<Row>,
    remaining: Vec<Remaining>,
    /// The adjustment form's choices.
    adjust_offices: Vec<Pick>,
    adjust_lines: Vec<Pick>,
    notice: Option<&'static str>,
    filled: Filled,
}

#[derive(Deserialize)]
pub struct YearQuery {
    year: Option<i32>,
    m: Option<String>,
}

fn notice(m: Option<&str>) -> Option<&'static str> {
    match m? {
        "allocated" => Some("Đã ghi phân bổ dự toán cho đơn vị cấp dưới."),
        "adjusted" => Some("Đã ghi điều chỉnh dự toán."),
        _ => None,
    }
}

/// `GET /finance/allocation?year=…`.
pub async fn page(ctx: Ctx, Query(query): Query<YearQuery>) -> Result<Response, ConsoleError> {
    let me = ctx.me().await?;
    let year = super::year_or_this(&ctx, query.year);
    let page = allocation_page(&ctx, &me, year, notice(query.m.as_deref()), Filled::empty()).await?;
    Ok(Html(page.render()?).into_response())
}

fn rows_of(form: &FormData) -> usize {
    form.get("rows")
        .parse::<usize>()
        .unwrap_or(GRID_ROWS)
        .clamp(1, MAX_ROWS)
}

/// The office's children today, by name.
fn children(me: &Me, offices: &HashMap<String, Office>) -> Vec<Office> {
    let mut out: Vec<Office> = offices
        .values()
        .filter(|o| o.parent_id == me.principal.office_id)
        .cloned()
        .collect();
    out.sort_by(|a, b| a.name.cmp(&b.name));
    out
}

fn office_picks(offices: &[Office], current: &str) -> Vec<Pick> {
    offices
        .iter()
        .map(|o| Pick {
            value: o.id.clone(),
            label: o.name.clone(),
            selected: o.id == current,
        })
        .collect()
}

fn held_picks(lines: &[AllocationLine], current: &str) -> Vec<Pick> {
    lines
        .iter()
        .map(|l| Pick {
            value: l.line_code.clone(),
            label: format!("{} – {} (còn {})", l.line_code, l.line_name, format::money(l.remaining)),
            selected: l.line_code == current,
        })
        .collect()
}

/// What the grid gives away per line (amounts that cannot be read count
/// as nothing), and what each line then has left.
fn remaining(lines: &[AllocationLine], form: &FormData) -> Vec<Remaining> {
    let mut given: BTreeMap<String, i64> = BTreeMap::new();
    for r in 0..rows_of(form) {
        let line = form.get(&format!("line_{r}"));
        if let Ok(Some(amount)) = input::amount(&form.get(&format!("amount_{r}")))
            && !line.is_empty()
        {
            *given.entry(line).or_default() += amount;
        }
    }
    lines
        .iter()
        .map(|l| {
            let out = given.get(&l.line_code).copied().unwrap_or_default();
            let after = l.remaining.saturating_sub(out);
            Remaining {
                code: l.line_code.clone(),
                name: l.line_name.clone(),
                now: format::money(l.remaining),
                given: format::money(out),
                after: format::money(after),
                over: after < 0,
            }
        })
        .collect()
}

async fn allocation_page(
    ctx: &Ctx,
    me: &Me,
    year: i32,
    notice: Option<&'static str>,
    filled: Filled,
) -> Result<AllocationPage, ConsoleError> {
    let (lines, total) = super::holdings(ctx, year).await?;
    let entries = ctx
        .services()
        .budget()?
        .list_allocations(ctx.call(ListAllocationsRequest {
            year,
            ..Default::default()
        }))
        .await?
        .into_inner()
        .allocations;
    let offices = super::offices(ctx).await?;
    let children = children(me, &offices);
    let is_root = offices
        .get(&me.principal.office_id)
        .is_some_and(|o| o.parent_id.is_empty());
    let form = &filled.kept;
    let about = |field: String| filled.error(&field);
    let rows = (0..rows_of(form))
        .map(|r| Row {
            index: r,
            offices: office_picks(&children, &form.get(&format!("office_{r}"))),
            lines: held_picks(&lines, &form.get(&format!("line_{r}"))),
            amount: form.get(&format!("amount_{r}")),
            office_error: about(format!("items[{r}].to_office_id")),
            line_error: about(format!("items[{r}].line_code")),
            amount_error: about(format!("items[{r}].amount")),
        })
        .collect();
    let mut adjust_targets = children.clone();
    if is_root && let Some(own) = offices.get(&me.principal.office_id) {
        adjust_targets.insert(0, own.clone());
    }
    Ok(AllocationPage {
        layout: me.layout("Phân bổ dự toán", "/finance"),
        tabs: tabs("/finance/allocation"),
        year,
        total: holding(&total),
        entries: entries
            .iter()
            .rev()
            .map(|a| EntryView {
                on: format::date(&a.allocated_on),
                kind: kind(a.kind),
                from: if a.from_office_id.is_empty() {
                    String::new()
                } else {
                    office_name(&offices, &a.from_office_id)
                },
                to: office_name(&offices, &a.to_office_id),
                line: a.line_code.clone(),
                amount: format::money(a.amount),
                decision: a.decision_ref.clone(),
                reason: a.reason.clone(),
            })
            .collect(),
        can_allocate: allocates(me) && !children.is_empty(),
        request_id: super::request_id(form),
        adjust_request_id: Some(form.get("adjust_request_id"))
            .filter(|r| !r.is_empty())
            .unwrap_or_else(|| uuid::Uuid::new_v4().to_string()),
        today: ctx.today_typed(),
        rows,
        remaining: remaining(&lines, form),
        adjust_offices: office_picks(&adjust_targets, &form.get("adjust_to_office_id")),
        adjust_lines: held_picks(&lines, &form.get("adjust_line_code")),
        lines: lines.iter().map(holding).collect(),
        notice,
        filled,
    })
}

/// `POST /finance/allocation`: the grid's allocation (or `add`, a row
/// more); refused, the grid comes back with the service's words beside
/// its rows.
pub async fn allocate(ctx: Ctx, form: FormData) -> Result<Response, ConsoleError> {
    let me = ctx.me().await?;
    let year = input::number(&form.get("year")).ok().flatten();
    let year = super::year_or_this(&ctx, year);
    if !form.get("add").is_empty() {
        let mut form = form;
        let rows = rows_of(&form) + 1;
        form.0.retain(|(k, _)| k != "rows" && k != "add");
        form.0.push(("rows".into(), rows.min(MAX_ROWS).to_string()));
        let page = allocation_page(&ctx, &me, year, None, Filled::new(None, form)).await?;
        return Ok(Html(page.render()?).into_response());
    }
    let mut items = Vec::new();
    let mut rows = Vec::new();
    let mut unreadable = Vec::new();
    for r in 0..rows_of(&form) {
        let office = form.get(&format!("office_{r}"));
        let line = form.get(&format!("line_{r}"));
        let amount = form.get(&format!("amount_{r}"));
        if office.is_empty() && line.is_empty() && amount.is_empty() {
            continue;
        }
        let amount = input::amount(&amount).unwrap_or_else(|m| {
            unreadable.push((format!("items[{r}].amount"), m.to_string()));
            None
        });
        items.push(AllocationItem {
            to_office_id: office,
            line_code: line,
            amount: amount.unwrap_or_default(),
        });
        rows.push(r);
    }
    let date = form.date("allocated_on");
    let refused = if !unreadable.is_empty() {
        Refusal::marked(unreadable)
    } else {
        match date {
            Err(r) => r,
            Ok(allocated_on) => {
                let request = AllocateRequest {
                    request_id: form.get("request_id"),
                    year,
                    items,
                    decision_ref: form.get("decision_ref"),
                    allocated_on,
                    note: form.get("note"),
                };
                match ctx.services().budget()?.allocate(ctx.call(request)).await {
                    Ok(_) => {
                        return Ok(
                            Redirect::to(&format!("/finance/allocation?year={year}&m=allocated")).into_response()
                        );
                    }
                    Err(status) if shown_status(&status).is_some() => renumber(refusal(&status), "items", &rows),
                    Err(status) => return Err(status.into()),
                }
            }
        }
    };
    let page = allocation_page(&ctx, &me, year, None, Filled::new(Some(refused), form)).await?;
    Ok((StatusCode::BAD_REQUEST, Html(page.render()?)).into_response())
}

/// `POST /finance/allocation/adjust`: an adjustment up or down.
pub async fn adjust(ctx: Ctx, form: FormData) -> Result<Response, ConsoleError> {
    let me = ctx.me().await?;
    let year = super::year_or_this(&ctx, input::number(&form.get("year")).ok().flatten());
    let refused = match super::amount_field(&form, "adjust_amount") {
        Err(r) => r,
        Ok(amount) => {
            let request = AdjustAllocationRequest {
                request_id: form.get("adjust_request_id"),
                year,
                to_office_id: form.get("adjust_to_office_id"),
                line_code: form.get("adjust_line_code"),
                amount,
                reason: form.get("adjust_reason"),
                decision_ref: form.get("adjust_decision_ref"),
            };
            match ctx.services().budget()?.adjust_allocation(ctx.call(request)).await {
                Ok(_) => {
                    return Ok(Redirect::to(&format!("/finance/allocation?year={year}&m=adjusted")).into_response());
                }
                Err(status) if shown_status(&status).is_some() => {
                    let mut r = refusal(&status);
                    for (field, _) in &mut r.fields {
                        *field = format!("adjust_{field}");
                    }
                    r
                }
                Err(status) => return Err(status.into()),
            }
        }
    };
    let page = allocation_page(&ctx, &me, year, None, Filled::new(Some(refused), form)).await?;
    Ok((StatusCode::BAD_REQUEST, Html(page.render()?)).into_response())
}

#[derive(Template)]
#[template(path = "finance_remaining.html")]
struct RemainingPart {
    remaining: Vec<Remaining>,
}

/// `POST /finance/allocation/remaining` (htmx, as amounts are typed):
/// what each line would have left.
pub async fn remaining_part(ctx: Ctx, form: FormData) -> Result<Html<String>, ConsoleError> {
    ctx.session()?;
    let year = super::year_or_this(&ctx, input::number(&form.get("year")).ok().flatten());
    let (lines, _) = super::holdings(&ctx, year).await?;
    let page = RemainingPart {
        remaining: remaining(&lines, &form),
    };
    Ok(Html(page.render()?))
}

/// `GET /finance/allocation/execution.xlsx?year=…`: the execution of the
/// estimate by line, as the service's spreadsheet.
pub async fn execution(ctx: Ctx, Query(query): Query<YearOnly>) -> Result<Response, ConsoleError> {
    ctx.session()?;
    let year = super::year_or_this(&ctx, query.year);
    let file = ctx
        .services()
        .finance_exports()?
        .export_budget_execution(ctx.call(ExportBudgetExecutionRequest {
            year,
            ..Default::default()
        }))
        .await?
        .into_inner();
    Ok(super::spreadsheet(file))
}

/// A year in a download's query.
#[derive(Deserialize)]
pub struct YearOnly {
    year: Option<i32>,
}
