//! Estimates (dự toán, form DT01-TCĐ): the year's estimates of the office
//! and of the offices below it, with the accounts' balances on a date; a
//! new estimate entered as a grid of lines (a row more by a plain POST, the
//! total kept up to date by htmx as amounts are typed); an estimate's page
//! with its lines changed while a draft, submitted to the parent, approved
//! or returned with a reason by the parent's leaders. The finance service
//! decides who may take each step.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Path, Query};
use axum::response::{Html, IntoResponse, Redirect, Response};
use http::StatusCode;
use serde::Deserialize;

use vanphong_proto::directory::v1::{Office, Role};
use vanphong_proto::finance::v1::{
    BudgetLine, CreateEstimateRequest, Estimate, EstimateDecisionRequest, EstimateLine, EstimateStatus,
    GetEstimateRequest, ListEstimatesRequest, SetEstimateLinesRequest,
};

use super::{Balances, Pick, Tab, accountant, input, line_picks, office_name, refusal, renumber, tabs};
use crate::errors::ConsoleError;
use crate::format;
use crate::pages::form::{Done, Filled, FormData, Refusal, shown_again_as, shown_status};
use crate::pages::{Ctx, Layout, Me};

/// Rows an empty grid starts with.
const GRID_ROWS: usize = 5;
/// Most rows a grid offers (the service takes up to 500 lines).
const MAX_ROWS: usize = 500;

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
    id: String,
    title: String,
    office: String,
    status: &'static str,
    note: String,
    return_reason: String,
    /// Code, name, amount, note.
    lines: Vec<(String, String, String, String)>,
    total: String,
}

impl EstimateView {
    fn of(e: &Estimate, office: String) -> Self {
        EstimateView {
            id: e.id.clone(),
            title: format!(
                "{} năm {}",
                if e.supplementary {
                    "Dự toán bổ sung"
                } else {
                    "Dự toán"
                },
                e.year
            ),
            office,
            status: status(e.status),
            note: e.note.clone(),
            return_reason: e.return_reason.clone(),
            lines: e
                .lines
                .iter()
                .map(|l| {
                    (
                        l.line_code.clone(),
                        l.line_name.clone(),
                        format::money(l.amount),
                        l.note.clone(),
                    )
                })
                .collect(),
            total: format::money(e.total),
        }
    }
}

/// A row of the grid as typed, and what was said about it.
pub struct GridRow {
    pub index: usize,
    pub picks: Vec<Pick>,
    pub amount: String,
    pub note: String,
    pub code_error: String,
    pub amount_error: String,
    pub note_error: String,
}

/// The grid of an estimate's lines: its rows, their total, what was said
/// about the lines as a whole.
pub struct Grid {
    pub rows: Vec<GridRow>,
    pub total: String,
    /// Some amounts could not be read and are left out of the total.
    pub partial: bool,
    pub error: String,
}

/// What a grid form sent: the lines of its filled rows, and for each the
/// form's row; or what could not be read.
struct Sent {
    lines: Vec<EstimateLine>,
    rows: Vec<usize>,
    unreadable: Vec<(String, String)>,
}

fn rows_of(form: &FormData) -> usize {
    form.get("rows")
        .parse::<usize>()
        .unwrap_or(GRID_ROWS)
        .clamp(1, MAX_ROWS)
}

fn sent(form: &FormData) -> Sent {
    let mut out = Sent {
        lines: Vec::new(),
        rows: Vec::new(),
        unreadable: Vec::new(),
    };
    for r in 0..rows_of(form) {
        let code = form.get(&format!("line_code_{r}"));
        let amount = form.get(&format!("amount_{r}"));
        let note = form.get(&format!("note_{r}"));
        if code.is_empty() && amount.is_empty() && note.is_empty() {
            continue;
        }
        let amount = match input::amount(&amount) {
            Ok(a) => a.unwrap_or_default(),
            Err(m) => {
                out.unreadable.push((format!("lines[{r}].amount"), m.to_string()));
                0
            }
        };
        out.lines.push(EstimateLine {
            line_code: code,
            amount,
            note,
            ..Default::default()
        });
        out.rows.push(r);
    }
    out
}

/// The grid as the form had it (or `lines` when first shown), with the
/// refusal's words beside each row.
fn grid(catalogue: &[BudgetLine], form: &FormData, lines: &[EstimateLine], refusal: Option<&Refusal>) -> Grid {
    let about = |field: String| refusal.map(|r| r.about(&field)).unwrap_or_default();
    let typed = !form.get("rows").is_empty();
    let count = if typed {
        rows_of(form)
    } else {
        (lines.len() + 2).max(GRID_ROWS)
    };
    let rows = (0..count)
        .map(|r| {
            let (code, amount, note) = if typed {
                (
                    form.get(&format!("line_code_{r}")),
                    form.get(&format!("amount_{r}")),
                    form.get(&format!("note_{r}")),
                )
            } else {
                lines
                    .get(r)
                    .map(|l| (l.line_code.clone(), input::typed(l.amount), l.note.clone()))
                    .unwrap_or_default()
            };
            GridRow {
                index: r,
                picks: line_picks(catalogue, &code),
                amount,
                note,
                code_error: about(format!("lines[{r}].line_code")),
                amount_error: about(format!("lines[{r}].amount")),
                note_error: about(format!("lines[{r}].note")),
            }
        })
        .collect();
    let (total, partial) = if typed {
        let s = sent(form);
        (s.lines.iter().map(|l| l.amount).sum(), !s.unreadable.is_empty())
    } else {
        (lines.iter().map(|l| l.amount).sum(), false)
    };
    Grid {
        rows,
        total: format::money(total),
        partial,
        error: about("lines".into()),
    }
}

#[derive(Template)]
#[template(path = "finance.html")]
struct FinancePage {
    layout: Layout,
    tabs: Vec<Tab>,
    year: i32,
    estimates: Vec<EstimateView>,
    balances: Balances,
    can_create: bool,
    request_id: String,
    grid: Grid,
    supplementary: bool,
    filled: Filled,
}

#[derive(Deserialize)]
pub struct FinanceQuery {
    year: Option<i32>,
    /// dd/mm/yyyy (or YYYY-MM-DD); today by default.
    #[serde(default)]
    as_of: String,
}

/// `GET /finance?year=…&as_of=…`: the year's estimates (the offices'
/// below too), the balances on a date, the form of a new estimate.
pub async fn page(ctx: Ctx, Query(query): Query<FinanceQuery>) -> Result<Response, ConsoleError> {
    let me = ctx.me().await?;
    let page = finance_page(&ctx, &me, query, Filled::empty()).await?;
    Ok(Html(page.render()?).into_response())
}

async fn finance_page(ctx: &Ctx, me: &Me, query: FinanceQuery, filled: Filled) -> Result<FinancePage, ConsoleError> {
    let year = super::year_or_this(ctx, query.year);
    let estimates = ctx
        .services()
        .budget()?
        .list_estimates(ctx.call(ListEstimatesRequest {
            year,
            include_children: true,
            ..Default::default()
        }))
        .await?
        .into_inner()
        .estimates;
    let as_of = input::date(&query.as_of).unwrap_or_default();
    let balances = super::balances(ctx, as_of).await?;
    let offices = super::offices(ctx).await?;
    let can_create = accountant(me);
    let catalogue = if can_create {
        super::catalogue(ctx).await?
    } else {
        Vec::new()
    };
    let mut views: Vec<EstimateView> = estimates
        .iter()
        .map(|e| EstimateView::of(e, office_name(&offices, &e.office_id)))
        .collect();
    // The office's own first, then those below by name.
    let own = me.principal.office_name.clone();
    views.sort_by_key(|v| (v.office != own, v.office.clone()));
    Ok(FinancePage {
        layout: me.layout("Tài chính", "/finance"),
        tabs: tabs("/finance"),
        year,
        estimates: views,
        balances,
        can_create,
        request_id: super::request_id(&filled.kept),
        grid: grid(&catalogue, &filled.kept, &[], filled.refusal.as_ref()),
        supplementary: !filled.kept("supplementary").is_empty(),
        filled,
    })
}

/// A grid form's refusal: the console's own (amounts it could not read),
/// else none yet.
fn unreadable(s: &Sent) -> Option<Refusal> {
    (!s.unreadable.is_empty()).then(|| Refusal::marked(s.unreadable.clone()))
}

/// `POST /finance/estimates`: a new estimate from the grid; a row more
/// (`add`), or the service's refusal beside its rows, the grid kept.
pub async fn create(ctx: Ctx, form: FormData) -> Result<Response, ConsoleError> {
    let me = ctx.me().await?;
    let year = input::number(&form.get("year")).ok().flatten();
    let query = |year| FinanceQuery {
        year,
        as_of: String::new(),
    };
    if !form.get("add").is_empty() {
        let mut form = form;
        let rows = rows_of(&form) + 1;
        form.0.retain(|(k, _)| k != "rows" && k != "add");
        form.0.push(("rows".into(), rows.min(MAX_ROWS).to_string()));
        let page = finance_page(&ctx, &me, query(year), Filled::new(None, form)).await?;
        return Ok(Html(page.render()?).into_response());
    }
    let s = sent(&form);
    let year_typed = match input::number(&form.get("year")) {
        Ok(y) => Ok(y.unwrap_or_default()),
        Err(m) => Err(Refusal::field("year", m)),
    };
    let refused = match (unreadable(&s), year_typed) {
        (Some(r), _) | (None, Err(r)) => Some(r),
        (None, Ok(y)) => {
            let request = CreateEstimateRequest {
                request_id: form.get("request_id"),
                year: y,
                lines: s.lines.clone(),
                note: form.get("note"),
                supplementary: !form.get("supplementary").is_empty(),
                ..Default::default()
            };
            match ctx.services().budget()?.create_estimate(ctx.call(request)).await {
                Ok(e) => {
                    let id = e.into_inner().id;
                    return Ok(Redirect::to(&format!("/finance/estimates/{id}?m=created")).into_response());
                }
                Err(status) if shown_status(&status).is_some() => Some(renumber(refusal(&status), "lines", &s.rows)),
                Err(status) => return Err(status.into()),
            }
        }
    };
    let page = finance_page(&ctx, &me, query(year), Filled::new(refused, form)).await?;
    Ok((StatusCode::BAD_REQUEST, Html(page.render()?)).into_response())
}

#[derive(Template)]
#[template(path = "finance_total.html")]
struct Total {
    total: String,
    partial: bool,
}

/// `POST /finance/estimates/total` (htmx, as amounts are typed): the
/// grid's total.
pub async fn total(ctx: Ctx, form: FormData) -> Result<Html<String>, ConsoleError> {
    ctx.session()?;
    let s = sent(&form);
    let page = Total {
        total: format::money(s.lines.iter().map(|l| l.amount).sum()),
        partial: !s.unreadable.is_empty(),
    };
    Ok(Html(page.render()?))
}

/// Which steps the page offers (the service decides).
#[derive(Default)]
struct Actions {
    edit: bool,
    submit: bool,
    decide: bool,
}

#[derive(Template)]
#[template(path = "finance_estimate.html")]
struct EstimatePage {
    layout: Layout,
    tabs: Vec<Tab>,
    e: EstimateView,
    year: i32,
    submitted: String,
    decided: String,
    actions: Actions,
    grid: Grid,
    notice: Option<&'static str>,
    filled: Filled,
}

fn notice(m: Option<&str>) -> Option<&'static str> {
    match m? {
        "created" => Some("Đã lập dự toán. Kiểm tra lại các dòng rồi trình cấp trên."),
        "lines" => Some("Đã lưu các dòng dự toán."),
        "submit" => Some("Đã trình dự toán lên cấp trên."),
        "approve" => Some("Đã duyệt dự toán."),
        "return" => Some("Đã trả lại dự toán."),
        _ => None,
    }
}

/// `GET /finance/estimates/{id}`.
pub async fn estimate(ctx: Ctx, Path(id): Path<String>, Query(done): Query<Done>) -> Result<Response, ConsoleError> {
    let me = ctx.me().await?;
    let page = estimate_page(&ctx, &me, &id, notice(done.m.as_deref()), Filled::empty()).await?;
    Ok(Html(page.render()?).into_response())
}

/// Whether the person's office decides on `office`'s estimates: the parent
/// office, or the office itself when it has none.
fn decides(me: &Me, offices: &HashMap<String, Office>, office: &str) -> bool {
    let parent = offices.get(office).map(|o| o.parent_id.as_str()).unwrap_or_default();
    let decider = if parent.is_empty() { office } else { parent };
    me.has(Role::Leader) && decider == me.principal.office_id
}

async fn estimate_page(
    ctx: &Ctx,
    me: &Me,
    id: &str,
    notice: Option<&'static str>,
    filled: Filled,
) -> Result<EstimatePage, ConsoleError> {
    ConsoleError::check_id(id)?;
    let request = GetEstimateRequest {
        estimate_id: id.to_string(),
    };
    let answer = ctx.services().budget()?.get_estimate(ctx.call(request)).await;
    let e = answer.map_err(ConsoleError::unseen)?.into_inner();
    let offices = super::offices(ctx).await?;
    let state = EstimateStatus::try_from(e.status).unwrap_or(EstimateStatus::Unspecified);
    let own = e.office_id == me.principal.office_id;
    let editable = matches!(state, EstimateStatus::Draft | EstimateStatus::Returned);
    let actions = Actions {
        edit: own && editable && accountant(me),
        submit: own && editable && accountant(me),
        decide: state == EstimateStatus::Submitted && decides(me, &offices, &e.office_id),
    };
    let catalogue = if actions.edit {
        super::catalogue(ctx).await?
    } else {
        Vec::new()
    };
    let grid = grid(&catalogue, &filled.kept, &e.lines, filled.refusal.as_ref());
    let view = EstimateView::of(&e, office_name(&offices, &e.office_id));
    Ok(EstimatePage {
        layout: me.layout(format!("{} – {}", view.title, view.office), "/finance"),
        tabs: tabs("/finance"),
        year: e.year,
        submitted: format::timestamp(e.submitted_at.as_ref()),
        decided: format::timestamp(e.decided_at.as_ref()),
        e: view,
        actions,
        grid,
        notice,
        filled,
    })
}

/// `POST /finance/estimates/{id}/{action}`: `lines` (the grid again, or
/// `add` for a row more), `submit`, `approve`, `return`.
pub async fn step(
    ctx: Ctx,
    Path((id, action)): Path<(String, String)>,
    form: FormData,
) -> Result<Response, ConsoleError> {
    ctx.session()?;
    ConsoleError::check_id(&id)?;
    let budget = ctx.services().budget()?;
    let decision = || EstimateDecisionRequest {
        estimate_id: id.clone(),
        reason: form.get("reason"),
    };
    let mut rows = Vec::new();
    let result = match action.as_str() {
        "lines" if !form.get("add").is_empty() => {
            let me = ctx.me().await?;
            let mut form = form;
            let count = rows_of(&form) + 1;
            form.0.retain(|(k, _)| k != "rows" && k != "add");
            form.0.push(("rows".into(), count.min(MAX_ROWS).to_string()));
            let page = estimate_page(&ctx, &me, &id, None, Filled::new(None, form)).await?;
            return Ok(Html(page.render()?).into_response());
        }
        "lines" => {
            let s = sent(&form);
            if let Some(r) = unreadable(&s) {
                let me = ctx.me().await?;
                let page = estimate_page(&ctx, &me, &id, None, Filled::new(Some(r), form)).await?;
                return Ok((StatusCode::BAD_REQUEST, Html(page.render()?)).into_response());
            }
            rows = s.rows;
            let request = SetEstimateLinesRequest {
                estimate_id: id.clone(),
                lines: s.lines,
                note: form.get("note"),
            };
            budget.clone().set_estimate_lines(ctx.call(request)).await
        }
        "submit" => budget.clone().submit_estimate(ctx.call(decision())).await,
        "approve" => budget.clone().approve_estimate(ctx.call(decision())).await,
        "return" => budget.clone().return_estimate(ctx.call(decision())).await,
        _ => return Err(ConsoleError::NotFound),
    };
    let status = match result {
        Ok(_) => return Ok(Redirect::to(&format!("/finance/estimates/{id}?m={action}")).into_response()),
        Err(status) => status,
    };
    let renumbered = |status: &tonic::Status| renumber(refusal(status), "lines", &rows);
    shown_again_as(&ctx, status, renumbered, async |me, refused| {
        estimate_page(&ctx, me, &id, None, Filled::new(Some(refused), form)).await
    })
    .await
}
