//! Party dues (đảng phí): the office's Party cells, the dues collected
//! month by month with the shares each level keeps, their remittance to
//! the parent office (what is still owed shown), and the quarter's
//! B01/ĐP report on the page and as the service's spreadsheet.

use askama::Template;
use axum::extract::Query;
use axum::response::{Html, IntoResponse, Redirect, Response};
use http::StatusCode;
use serde::Deserialize;

use vanphong_proto::finance::v1::{
    CreatePartyCellRequest, DuesReportRequest, ExportDuesReportRequest, ListDuesRequest, ListPartyCellsRequest,
    RecordDuesRequest, RemitDuesRequest,
};

use super::{Pick, Tab, accountant, refusal, tabs};
use crate::errors::ConsoleError;
use crate::format;
use crate::pages::form::{Filled, FormData, Refusal, shown_status};
use crate::pages::{Ctx, Layout, Me};

/// The row of B01/ĐP that counts members (the others are amounts).
const MEMBERS_ROW: &str = "01";

/// A month's collection as the list shows it.
struct CollectionRow {
    month: String,
    cell: String,
    members: i32,
    amount: String,
    cell_share: String,
    office_share: String,
    remitted_share: String,
    on: String,
}

#[derive(Template)]
#[template(path = "finance_dues.html")]
struct DuesPage {
    layout: Layout,
    tabs: Vec<Tab>,
    year: i32,
    quarter: i32,
    can_record: bool,
    cells: Vec<Pick>,
    months: Vec<Pick>,
    today: String,
    request_id: String,
    collections: Vec<CollectionRow>,
    /// Number, label, value.
    report: Vec<(String, String, String)>,
    outstanding: String,
    notice: Option<&'static str>,
    filled: Filled,
}

#[derive(Deserialize)]
pub struct DuesQuery {
    year: Option<i32>,
    quarter: Option<i32>,
    m: Option<String>,
}

fn notice(m: Option<&str>) -> Option<&'static str> {
    match m? {
        "recorded" => Some("Đã ghi số đảng phí thu được."),
        "remitted" => Some("Đã ghi nộp đảng phí lên cấp trên."),
        "cell" => Some("Đã thêm chi bộ."),
        _ => None,
    }
}

/// The quarter asked for, or this one.
fn quarter_or_this(ctx: &Ctx, quarter: Option<i32>) -> i32 {
    use chrono::Datelike;
    quarter
        .filter(|q| (1..=4).contains(q))
        .unwrap_or_else(|| (ctx.today().month0() / 3 + 1) as i32)
}

/// `GET /finance/dues?year=…&quarter=…`.
pub async fn page(ctx: Ctx, Query(query): Query<DuesQuery>) -> Result<Response, ConsoleError> {
    let me = ctx.me().await?;
    let year = super::year_or_this(&ctx, query.year);
    let quarter = quarter_or_this(&ctx, query.quarter);
    let page = dues_page(&ctx, &me, year, quarter, notice(query.m.as_deref()), Filled::empty()).await?;
    Ok(Html(page.render()?).into_response())
}

async fn dues_page(
    ctx: &Ctx,
    me: &Me,
    year: i32,
    quarter: i32,
    notice: Option<&'static str>,
    filled: Filled,
) -> Result<DuesPage, ConsoleError> {
    let dues = ctx.services().dues()?;
    let cells = dues
        .clone()
        .list_party_cells(ctx.call(ListPartyCellsRequest::default()))
        .await?
        .into_inner()
        .cells;
    let collections = dues
        .clone()
        .list_dues(ctx.call(ListDuesRequest {
            year,
            ..Default::default()
        }))
        .await?
        .into_inner()
        .collections;
    let report = dues
        .clone()
        .get_dues_report(ctx.call(DuesReportRequest {
            year,
            quarter,
            ..Default::default()
        }))
        .await?
        .into_inner();
    let cell_name = |id: &str| {
        cells
            .iter()
            .find(|c| c.id == id)
            .map(|c| c.name.clone())
            .unwrap_or_else(|| "Đơn vị trực tiếp thu".into())
    };
    let chosen_cell = filled.kept("cell_id");
    let chosen_month = filled.kept("month");
    let this_month = {
        use chrono::Datelike;
        ctx.today().month().to_string()
    };
    let chosen_month = if chosen_month.is_empty() {
        this_month
    } else {
        chosen_month
    };
    let mut cell_picks = vec![Pick {
        value: String::new(),
        label: "Đơn vị trực tiếp thu".into(),
        selected: chosen_cell.is_empty(),
    }];
    cell_picks.extend(cells.iter().map(|c| Pick {
        value: c.id.clone(),
        label: c.name.clone(),
        selected: c.id == chosen_cell,
    }));
    Ok(DuesPage {
        layout: me.layout("Đảng phí", "/finance"),
        tabs: tabs("/finance/dues"),
        year,
        quarter,
        can_record: accountant(me),
        cells: cell_picks,
        months: (1..=12)
            .map(|m| Pick {
                value: m.to_string(),
                label: format!("Tháng {m}"),
                selected: m.to_string() == chosen_month,
            })
            .collect(),
        today: ctx.today_typed(),
        request_id: super::request_id(&filled.kept),
        collections: collections
            .iter()
            .map(|c| CollectionRow {
                month: format!("{:02}/{}", c.month, c.year),
                cell: cell_name(&c.cell_id),
                members: c.members,
                amount: format::money(c.amount),
                cell_share: format::money(c.cell_share),
                office_share: format::money(c.office_share),
                remitted_share: format::money(c.remitted_share),
                on: format::date(&c.collected_on),
            })
            .collect(),
        report: report
            .rows
            .iter()
            .map(|r| {
                // Mã số 01 of the form counts members; the rest are đồng.
                let value = if r.number == MEMBERS_ROW {
                    format!("{} người", format::number(r.value))
                } else {
                    format::money(r.value)
                };
                (r.number.clone(), r.label.clone(), value)
            })
            .collect(),
        outstanding: format::money(report.outstanding),
        notice,
        filled,
    })
}

/// The page again with the refusal and what was typed.
async fn refused(ctx: &Ctx, form: FormData, refusal: Refusal, code: StatusCode) -> Result<Response, ConsoleError> {
    let me = ctx.me().await?;
    let year = super::year_or_this(ctx, form.get("year").parse().ok());
    let quarter = quarter_or_this(ctx, form.get("quarter").parse().ok());
    let page = dues_page(ctx, &me, year, quarter, None, Filled::new(Some(refusal), form)).await?;
    Ok((code, Html(page.render()?)).into_response())
}

/// A service's answer to a dues form: back to the page, or its refusal
/// with the fields named as the form names them (`prefix` + field).
async fn answer<T>(
    ctx: &Ctx,
    form: FormData,
    result: Result<T, tonic::Status>,
    done: &str,
    prefix: &str,
) -> Result<Response, ConsoleError> {
    let year = super::year_or_this(ctx, form.get("year").parse().ok());
    match result {
        Ok(_) => Ok(Redirect::to(&format!("/finance/dues?year={year}&m={done}")).into_response()),
        Err(status) => match shown_status(&status) {
            Some(code) => {
                let mut r = refusal(&status);
                for (field, _) in &mut r.fields {
                    *field = format!("{prefix}{field}");
                }
                refused(ctx, form, r, code).await
            }
            None => Err(status.into()),
        },
    }
}

/// `POST /finance/dues`: a month's dues collected.
pub async fn record(ctx: Ctx, form: FormData) -> Result<Response, ConsoleError> {
    ctx.session()?;
    let typed = (|| {
        Ok::<_, Refusal>((
            super::amount_field(&form, "amount")?,
            super::number_field(&form, "members")?,
            super::number_field(&form, "month")?,
            form.date("collected_on")?,
        ))
    })();
    let (amount, members, month, collected_on) = match typed {
        Ok(t) => t,
        Err(r) => return refused(&ctx, form, r, StatusCode::BAD_REQUEST).await,
    };
    let request = RecordDuesRequest {
        request_id: form.get("request_id"),
        cell_id: form.get("cell_id"),
        year: super::year_or_this(&ctx, form.get("year").parse().ok()),
        month,
        members,
        amount,
        collected_on,
        ..Default::default()
    };
    let result = ctx.services().dues()?.record_dues(ctx.call(request)).await;
    answer(&ctx, form, result, "recorded", "").await
}

/// `POST /finance/dues/remit`: dues sent to the parent office.
pub async fn remit(ctx: Ctx, form: FormData) -> Result<Response, ConsoleError> {
    ctx.session()?;
    let typed = (|| {
        Ok::<_, Refusal>((
            super::amount_field(&form, "remit_amount")?,
            form.date("remit_remitted_on")?,
        ))
    })();
    let (amount, remitted_on) = match typed {
        Ok(t) => t,
        Err(r) => return refused(&ctx, form, r, StatusCode::BAD_REQUEST).await,
    };
    let request = RemitDuesRequest {
        request_id: form.get("remit_request_id"),
        amount,
        remitted_on,
        note: form.get("remit_note"),
        ..Default::default()
    };
    let result = ctx.services().dues()?.remit_dues(ctx.call(request)).await;
    answer(&ctx, form, result, "remitted", "remit_").await
}

/// `POST /finance/dues/cells`: a Party cell of the office.
pub async fn create_cell(ctx: Ctx, form: FormData) -> Result<Response, ConsoleError> {
    ctx.session()?;
    let request = CreatePartyCellRequest {
        request_id: form.get("cell_request_id"),
        name: form.get("cell_name"),
        ..Default::default()
    };
    let result = ctx.services().dues()?.create_party_cell(ctx.call(request)).await;
    answer(&ctx, form, result, "cell", "cell_").await
}

#[derive(Deserialize)]
pub struct ReportQuery {
    year: Option<i32>,
    quarter: Option<i32>,
}

/// `GET /finance/dues/b01.xlsx?year=…&quarter=…`: the B01/ĐP report as the
/// service's spreadsheet (amounts as number cells).
pub async fn b01(ctx: Ctx, Query(query): Query<ReportQuery>) -> Result<Response, ConsoleError> {
    ctx.session()?;
    let file = ctx
        .services()
        .finance_exports()?
        .export_dues_report(ctx.call(ExportDuesReportRequest {
            year: super::year_or_this(&ctx, query.year),
            quarter: quarter_or_this(&ctx, query.quarter),
            ..Default::default()
        }))
        .await?
        .into_inner();
    Ok(super::spreadsheet(file))
}
