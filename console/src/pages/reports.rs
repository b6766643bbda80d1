//! Reports (báo cáo định kỳ, docs/domain.md §5): the office's reports of a
//! reporting year (with the offices below for leaders), starting one for a
//! period, a report's page with its sections and figures, the steps of its
//! approval (submit, reopen, approve, send; accept or return at the
//! parent), and its Word and spreadsheet files as downloads. The
//! reporting service decides who may take each step.

use askama::Template;
use axum::extract::{Path, Query};
use axum::response::{Html, IntoResponse, Redirect, Response};
use serde::Deserialize;

use vanphong_proto::directory::v1::Role;
use vanphong_proto::reporting::v1::{
    AcceptReportRequest, ApproveReportRequest, AssignReportsRequest, CreateReportRequest, ExportReportRequest,
    FigureTable, GetCompletenessRequest, GetReportRequest, ListReportsRequest, RefreshFiguresRequest,
    ReopenReportRequest, Report, ReportStatus, ReturnReportRequest, SectionInput, SendReportRequest,
    SubmitReportRequest, Timeliness, UpdateSectionsRequest,
};

use super::chart::{self, BarChart};
use super::form::{Filled, FormData, Refusal, shown_again, shown_again_to};
use super::people::{self, Person, Picker};
use super::{Ctx, Layout, Me};
use crate::errors::ConsoleError;
use crate::format;

/// Where a report stands, in the office's words.
pub(super) fn status(status: i32) -> &'static str {
    match ReportStatus::try_from(status).unwrap_or(ReportStatus::Unspecified) {
        ReportStatus::Draft => "Đang soạn",
        ReportStatus::Submitted => "Chờ lãnh đạo duyệt",
        ReportStatus::Approved => "Đã duyệt, chờ gửi",
        ReportStatus::Sent => "Đã gửi cấp trên",
        ReportStatus::Accepted => "Cấp trên đã tiếp nhận",
        ReportStatus::Returned => "Cấp trên trả lại",
        ReportStatus::Unspecified => "",
    }
}

/// The kinds of period, as the create form offers them.
const KINDS: [(i32, &str); 6] = [
    (1, "Tuần"),
    (2, "Tháng"),
    (3, "Quý"),
    (4, "Sáu tháng"),
    (5, "Chín tháng"),
    (6, "Năm"),
];

/// What happened to a report.
fn event(action: &str) -> String {
    match action {
        "create" => "Tạo báo cáo".into(),
        "sections" => "Cập nhật nội dung".into(),
        "figures" => "Cập nhật số liệu".into(),
        "submit" => "Trình lãnh đạo".into(),
        "reopen" => "Lãnh đạo trả lại để sửa".into(),
        "approve" => "Lãnh đạo duyệt, ký".into(),
        "send" => "Gửi cấp trên".into(),
        "accept" => "Cấp trên tiếp nhận".into(),
        "return" => "Cấp trên trả lại".into(),
        "document" => "Lập văn bản báo cáo (BC) để ký, gửi".into(),
        "assign" => "Giao người viết".into(),
        "handover" => "Chuyển giao khi sắp xếp tổ chức".into(),
        other => other.to_string(),
    }
}

/// A row of the list.
struct Row {
    id: String,
    office: String,
    period: String,
    title: String,
    deadline: String,
    status: &'static str,
    late: bool,
}

#[derive(Template)]
#[template(path = "reports.html")]
struct ListPage {
    layout: Layout,
    year: i32,
    heading: &'static str,
    /// One office seen (its id and name), else the leader's own.
    office: String,
    office_name: Option<String>,
    /// The views: link, title, current.
    tabs: Vec<(String, &'static str, bool)>,
    below: bool,
    /// Leaders may add the offices below.
    leader: bool,
    /// Makes the create form safe to submit twice.
    request_id: String,
    rows: Vec<Row>,
    /// What an empty list says.
    empty: String,
    /// The next page, and the first (when not on it).
    next: Option<String>,
    first: Option<String>,
    kinds: Vec<(i32, &'static str)>,
    /// The kind the create form shows chosen (monthly unless kept).
    kind: String,
    can_write: bool,
    filled: Filled,
}

#[derive(Deserialize)]
pub struct ListQuery {
    year: Option<i32>,
    /// One of [`VIEWS`]: the reports waiting for a step, of every year.
    view: Option<String>,
    /// Also the offices below (leaders).
    #[serde(default)]
    below: String,
    /// One office (a leader's own or one below), from the home page's
    /// table.
    #[serde(default)]
    office: String,
    /// The service's token of the page shown ("" for the first).
    #[serde(default)]
    page: String,
}

/// The lists of "my work" in reports (the home page's cards): slug,
/// title, statuses; the deadline views take every unsent report.
const VIEWS: [(&str, &str, &[ReportStatus]); 7] = [
    ("unsent", "Chưa gửi", &UNSENT),
    (
        "drafts",
        "Đang soạn, bị trả lại",
        &[ReportStatus::Draft, ReportStatus::Returned],
    ),
    ("to-approve", "Chờ duyệt", &[ReportStatus::Submitted]),
    ("to-send", "Chờ gửi", &[ReportStatus::Approved]),
    ("to-accept", "Cấp dưới gửi lên", &[ReportStatus::Sent]),
    ("due-soon", "Sắp đến hạn", &UNSENT),
    ("overdue", "Quá hạn", &UNSENT),
];

/// How many reports a page lists.
const PAGE_SIZE: i32 = 50;

const UNSENT: [ReportStatus; 4] = [
    ReportStatus::Draft,
    ReportStatus::Submitted,
    ReportStatus::Approved,
    ReportStatus::Returned,
];

/// `GET /reports?year=…&below=1` (or `?view=…`): the reports of a
/// reporting year, or those waiting for a step.
pub async fn list(ctx: Ctx, Query(query): Query<ListQuery>) -> Result<Response, ConsoleError> {
    let me = ctx.me().await?;
    let page = list_page(&ctx, &me, query, Filled::empty()).await?;
    Ok(Html(page.render()?).into_response())
}

async fn list_page(ctx: &Ctx, me: &Me, query: ListQuery, filled: Filled) -> Result<ListPage, ConsoleError> {
    use chrono::Datelike;
    let view = VIEWS.iter().find(|v| Some(v.0) == query.view.as_deref());
    let year = query.year.unwrap_or_else(|| ctx.today().year());
    let to_accept = view.is_some_and(|v| v.0 == "to-accept");
    let office = query.office.trim().to_string();
    // The views other than what comes up from below are the office's own.
    let below = (to_accept || (view.is_none() && !query.below.is_empty())) && me.has(Role::Leader) && office.is_empty();
    let today = ctx.today();
    let slug = view.map(|v| v.0).unwrap_or_default();
    // The window the home page's count uses (`GetMyWork`).
    let soon = vanphong_platform::my_work::due_soon_last_day(today);
    let request = ListReportsRequest {
        office_id: office.clone(),
        year: if view.is_some() { 0 } else { year },
        include_descendants: below,
        statuses: view
            .map(|v| v.2.iter().map(|s| *s as i32).collect())
            .unwrap_or_default(),
        // The drafts one writes, as the home page counts them.
        assigned_to_me: slug == "drafts" && office.is_empty(),
        deadline_from: if slug == "due-soon" { date(today) } else { String::new() },
        deadline_to: match slug {
            "due-soon" => date(soon),
            "overdue" => today.pred_opt().map(date).unwrap_or_default(),
            _ => String::new(),
        },
        parent_office_id: if to_accept {
            me.principal.office_id.clone()
        } else {
            String::new()
        },
        page_size: PAGE_SIZE,
        page_token: query.page.clone(),
        ..Default::default()
    };
    let today = date(today);
    let answer = ctx
        .services()
        .reports()?
        .list_reports(ctx.call(request))
        .await?
        .into_inner();
    let unsent = |r: &Report| UNSENT.iter().any(|s| *s as i32 == r.status);
    let office_name = if office.is_empty() {
        None
    } else {
        Some(super::documents::office_name(ctx, &office).await?)
    };
    let of_office = if office.is_empty() {
        String::new()
    } else {
        format!("&office={}", format::url_encode(&office))
    };
    // This list at another of the service's pages ("" for the first).
    let here = |page: &str| {
        let mut href = match view {
            Some(v) => format!("/reports?view={}", v.0),
            None => format!("/reports?year={year}{}", if below { "&below=1" } else { "" }),
        };
        href.push_str(&of_office);
        if !page.is_empty() {
            href.push_str(&format!("&page={}", format::url_encode(page)));
        }
        href
    };
    Ok(ListPage {
        layout: me.layout("Báo cáo", "/reports"),
        year,
        below,
        office: office.clone(),
        office_name,
        leader: me.has(Role::Leader),
        request_id: Some(filled.kept("request_id"))
            .filter(|r| !r.is_empty())
            .unwrap_or_else(|| uuid::Uuid::new_v4().to_string()),
        heading: view.map(|v| v.1).unwrap_or("Theo năm báo cáo"),
        tabs: VIEWS
            .iter()
            .map(|v| (format!("/reports?view={}{of_office}", v.0), v.1, Some(v) == view))
            .collect(),
        next: (!answer.next_page_token.is_empty()).then(|| here(&answer.next_page_token)),
        first: (!query.page.is_empty()).then(|| here("")),
        empty: if view.is_some() {
            "Không có báo cáo nào trong danh sách này.".to_string()
        } else {
            format!("Chưa có báo cáo nào của năm {year}.")
        },
        rows: answer
            .reports
            .iter()
            .map(|r| Row {
                id: r.id.clone(),
                office: r.office_name.clone(),
                period: r.period.as_ref().map(|p| p.label.clone()).unwrap_or_default(),
                title: r.title.clone(),
                deadline: format::date(&r.deadline),
                status: status(r.status),
                late: unsent(r) && !r.deadline.is_empty() && r.deadline < today,
            })
            .collect(),
        kinds: KINDS.to_vec(),
        kind: Some(filled.kept("kind"))
            .filter(|k| !k.is_empty())
            .unwrap_or_else(|| "2".into()),
        can_write: [Role::Specialist, Role::Clerk, Role::Leader].iter().any(|r| me.has(*r)),
        filled,
    })
}

/// `POST /reports`: starts the office's report of a period.
pub async fn create(ctx: Ctx, form: FormData) -> Result<Response, ConsoleError> {
    let me = ctx.me().await?;
    let number = |k: &str| form.get(k).parse::<i32>().unwrap_or(0);
    let request = CreateReportRequest {
        request_id: form.get("request_id"),
        kind: number("kind"),
        year: number("year"),
        number: number("number"),
        ..Default::default()
    };
    match ctx.services().reports()?.create_report(ctx.call(request)).await {
        Ok(report) => Ok(Redirect::to(&format!("/reports/{}?m=created", report.into_inner().id)).into_response()),
        Err(status) => {
            let query = ListQuery {
                year: Some(number("year")).filter(|y| *y > 0),
                view: None,
                below: String::new(),
                office: String::new(),
                page: String::new(),
            };
            shown_again_to(&me, status, Refusal::of, async |me, refusal| {
                list_page(&ctx, me, query, Filled::new(Some(refusal), form)).await
            })
            .await
        }
    }
}

/// A section as the editor shows it.
struct SectionView {
    code: String,
    title: String,
    text: String,
}

/// The figures as a table of text, money formatted Vietnamese-style, and
/// the totals as bar charts, one per group of like columns.
pub(super) struct Figures {
    pub(super) charts: Vec<BarChart>,
    pub(super) groups: Vec<(String, usize)>,
    pub(super) headings: Vec<String>,
    pub(super) rows: Vec<(String, Vec<String>, String)>,
    pub(super) total: Vec<String>,
    pub(super) total_percent: String,
    pub(super) gathered: String,
}

pub(super) fn figures(table: &FigureTable) -> Figures {
    let mut groups: Vec<(String, usize)> = Vec::new();
    for column in &table.columns {
        match groups.last_mut() {
            Some((label, span)) if *label == column.group_label => *span += 1,
            _ => groups.push((column.group_label.clone(), 1)),
        }
    }
    let cells = |values: &std::collections::HashMap<String, i64>| {
        table
            .columns
            .iter()
            .map(|c| {
                let value = values.get(&c.code).copied().unwrap_or(0);
                if c.money {
                    format::money(value)
                } else {
                    format::number(value)
                }
            })
            .collect::<Vec<_>>()
    };
    let total = table.total.clone().unwrap_or_default();
    Figures {
        charts: charts(table, &total.values),
        groups,
        headings: table.columns.iter().map(|c| c.label.clone()).collect(),
        rows: table
            .rows
            .iter()
            .map(|r| (r.office_name.clone(), cells(&r.values), r.executed_percent.clone()))
            .collect(),
        total: cells(&total.values),
        total_percent: total.executed_percent.clone(),
        gathered: format::timestamp(table.gathered_at.as_ref()),
    }
}

/// The totals as bar charts: one per group of columns ("Văn bản", "Đơn
/// thư", "Tài chính"), counts and money apart (their scales differ).
fn charts(table: &FigureTable, totals: &std::collections::HashMap<String, i64>) -> Vec<BarChart> {
    // (heading, money, bars: label, value, value as shown)
    let mut groups: Vec<(String, bool, Vec<chart::Value>)> = Vec::new();
    for c in &table.columns {
        let value = totals.get(&c.code).copied().unwrap_or(0);
        let shown = if c.money {
            format::money(value)
        } else {
            format::number(value)
        };
        let label: String = c.label.chars().take(32).collect();
        match groups
            .iter_mut()
            .find(|(g, money, _)| *g == c.group_label && *money == c.money)
        {
            Some((_, _, bars)) => bars.push((label, value, shown)),
            None => groups.push((c.group_label.clone(), c.money, vec![(label, value, shown)])),
        }
    }
    groups
        .iter()
        .filter_map(|(title, money, values)| {
            let title = if *money {
                format!("{title} (đồng)")
            } else {
                title.clone()
            };
            chart::bars(&title, values)
        })
        .collect()
}

/// How the offices below sent their reports of the period: each with its
/// deadline and whether it came on time, late, not yet or is missing.
struct CompletenessView {
    rows: Vec<CompletenessLine>,
    expected: i32,
    on_time: i32,
    late: i32,
    missing: i32,
    pending: i32,
}

struct CompletenessLine {
    office: String,
    deadline: String,
    sent: String,
    /// "good", "warn", "bad" or "": the row's colour.
    tone: &'static str,
    label: &'static str,
    href: Option<String>,
}

/// The completeness of the offices directly below the report's office for
/// its period; none when it has none, or the person may not see it (the
/// service decides).
async fn completeness(ctx: &Ctx, r: &Report) -> Option<CompletenessView> {
    let period = r.period.as_ref()?;
    let request = GetCompletenessRequest {
        office_id: r.office_id.clone(),
        kind: period.kind,
        year: period.year,
        number: period.number,
        from: if period.number == 0 {
            period.from.clone()
        } else {
            String::new()
        },
        to: if period.number == 0 {
            period.to.clone()
        } else {
            String::new()
        },
        direct_only: true,
    };
    let answer = match ctx
        .services()
        .report_periods()
        .ok()?
        .get_completeness(ctx.call(request))
        .await
    {
        Ok(answer) => answer.into_inner(),
        Err(status) => {
            tracing::debug!(%status, "completeness not shown");
            return None;
        }
    };
    if answer.rows.is_empty() {
        return None;
    }
    let rows = answer
        .rows
        .iter()
        .map(|row| {
            let (tone, label) = match Timeliness::try_from(row.timeliness).unwrap_or(Timeliness::Unspecified) {
                Timeliness::OnTime => ("good", "Đúng hạn"),
                Timeliness::Late => ("warn", "Muộn"),
                Timeliness::Missing => ("bad", "Chưa gửi, quá hạn"),
                Timeliness::Pending | Timeliness::Unspecified => ("", "Chưa đến hạn"),
            };
            CompletenessLine {
                office: row.office_name.clone(),
                deadline: format::date(&row.deadline),
                sent: format::timestamp(row.sent_at.as_ref()),
                tone,
                label,
                href: (!row.report_id.is_empty() && row.sent_at.is_some())
                    .then(|| format!("/reports/{}", row.report_id)),
            }
        })
        .collect();
    Some(CompletenessView {
        rows,
        expected: answer.expected,
        on_time: answer.on_time,
        late: answer.late,
        missing: answer.missing,
        pending: answer.pending,
    })
}

/// Most periods a trend shows (the report's own and those before it).
const TREND_PERIODS: usize = 6;

/// One figure of the office's reports over its last periods of the same
/// kind, for the trend chart; with the figures it may be drawn for.
struct Trend {
    chart: Option<BarChart>,
    /// The columns to pick: code, label, picked.
    columns: Vec<(String, String, bool)>,
    /// Periods whose report has no figures yet, named.
    missing: Vec<String>,
}

/// The trend of column `code` (the first column when empty or unknown)
/// over the last [`TREND_PERIODS`] reports of the office of `r`'s kind,
/// this reporting year and the one before; none when the report has no
/// figures or the reports cannot be read (the service decides).
async fn trend(ctx: &Ctx, r: &Report, code: &str) -> Option<Trend> {
    let table = r.figures.as_ref()?;
    let period = r.period.as_ref()?;
    let column = table
        .columns
        .iter()
        .find(|c| c.code == code)
        .or_else(|| table.columns.first())?;
    let list = |year: i32| async move {
        let request = ListReportsRequest {
            office_id: r.office_id.clone(),
            kind: period.kind,
            year,
            page_size: 200,
            ..Default::default()
        };
        match ctx.services().reports().ok()?.list_reports(ctx.call(request)).await {
            Ok(answer) => Some(answer.into_inner().reports),
            Err(status) => {
                tracing::debug!(%status, "trend not shown");
                None
            }
        }
    };
    let (this_year, last_year) = tokio::join!(list(period.year), list(period.year - 1));
    let mut earlier: Vec<Report> = this_year?
        .into_iter()
        .chain(last_year.unwrap_or_default())
        .filter(|x| x.id != r.id && x.period.as_ref().is_some_and(|p| p.from < period.from))
        .collect();
    earlier.sort_by(|a, b| {
        let from = |x: &Report| x.period.as_ref().map(|p| p.from.clone()).unwrap_or_default();
        from(a).cmp(&from(b))
    });
    let earlier = &earlier[earlier.len().saturating_sub(TREND_PERIODS - 1)..];
    // The list carries no figures: each earlier report is read whole.
    let read = futures_util::future::join_all(earlier.iter().map(|x| get(ctx, &x.id))).await;
    let mut values = Vec::new();
    let mut missing = Vec::new();
    let label = |x: &Report| x.period.as_ref().map(|p| p.label.clone()).unwrap_or_default();
    for (x, full) in earlier.iter().zip(read) {
        match full.ok().and_then(|f| f.figures).and_then(|f| f.total) {
            Some(total) => {
                let value = total.values.get(&column.code).copied().unwrap_or(0);
                values.push((label(x), value, shown(column.money, value)));
            }
            None => missing.push(label(x)),
        }
    }
    let own = table
        .total
        .as_ref()
        .and_then(|t| t.values.get(&column.code).copied())
        .unwrap_or(0);
    values.push((label(r), own, shown(column.money, own)));
    let title = format!("{} qua các kỳ", column.label);
    Some(Trend {
        chart: chart::bars(&title, &values),
        columns: table
            .columns
            .iter()
            .map(|c| (c.code.clone(), c.label.clone(), c.code == column.code))
            .collect(),
        missing,
    })
}

/// A figure as people read it: money `48.000.000 đ`, a count `1.234`.
fn shown(money: bool, value: i64) -> String {
    if money {
        format::money(value)
    } else {
        format::number(value)
    }
}

/// Which forms the page offers, by the report's status and the person's
/// roles (the service decides).
#[derive(Default)]
struct Actions {
    /// A leader gives it to another writer of the office (`AssignReports`).
    assign: bool,
    edit: bool,
    submit: bool,
    reopen: bool,
    approve: bool,
    send: bool,
    decide: bool,
}

struct EventLine {
    at: String,
    what: String,
    who: String,
    note: String,
}

#[derive(Template)]
#[template(path = "report.html")]
struct ReportPage {
    layout: Layout,
    r: Report,
    status: &'static str,
    period: String,
    deadline: String,
    sent: String,
    sections: Vec<SectionView>,
    figures: Option<Figures>,
    trend: Option<Trend>,
    completeness: Option<CompletenessView>,
    events: Vec<EventLine>,
    actions: Actions,
    /// Who the report may be given to, when a leader may give it.
    people: Vec<Person>,
    my_office_id: String,
    notice: Option<&'static str>,
    filled: Filled,
}

impl ReportPage {
    /// The writer, picked by name among those of the office who write.
    fn writer_picker(&self) -> Picker {
        Picker::new(
            "writer",
            "writer_id",
            "Người viết",
            &self.my_office_id,
            "writer",
            self.people.clone(),
        )
        .error(self.filled.error("writer_id"))
    }
}

/// Whether the report is the person's office's to write and send: its own,
/// or one of an office that ended into it.
fn held_here(r: &Report, me: &Me) -> bool {
    let holder = if r.holder_office_id.is_empty() {
        &r.office_id
    } else {
        &r.holder_office_id
    };
    *holder == me.principal.office_id
}

/// A day as the service reads it (`YYYY-MM-DD`).
fn date(day: chrono::NaiveDate) -> String {
    day.format("%Y-%m-%d").to_string()
}

fn notice(m: Option<&str>) -> Option<&'static str> {
    match m? {
        "created" => Some("Đã tạo báo cáo."),
        "sections" => Some("Đã lưu nội dung báo cáo."),
        "refresh" => Some("Đã cập nhật số liệu từ các phân hệ."),
        "assign" => Some("Đã giao người viết báo cáo."),
        "submit" => Some("Đã trình lãnh đạo."),
        "reopen" => Some("Đã trả lại để sửa."),
        "approve" => Some("Đã duyệt báo cáo."),
        "send" => Some("Đã gửi báo cáo lên cấp trên."),
        "accept" => Some("Đã tiếp nhận báo cáo."),
        "return" => Some("Đã trả lại báo cáo cho cấp dưới."),
        _ => None,
    }
}

#[derive(Deserialize)]
pub struct PageQuery {
    m: Option<String>,
    /// The column whose trend is drawn.
    #[serde(default)]
    trend: String,
}

/// `GET /reports/{id}?trend=…`.
pub async fn page(ctx: Ctx, Path(id): Path<String>, Query(query): Query<PageQuery>) -> Result<Response, ConsoleError> {
    let me = ctx.me().await?;
    let mut page = report_page(&ctx, &me, &id, notice(query.m.as_deref()), Filled::empty()).await?;
    page.trend = trend(&ctx, &page.r, &query.trend).await;
    Ok(Html(page.render()?).into_response())
}

/// A report by id; a malformed id, or one the person may not read, is not
/// found.
pub(super) async fn get(ctx: &Ctx, id: &str) -> Result<Report, ConsoleError> {
    ConsoleError::check_id(id)?;
    let request = GetReportRequest {
        report_id: id.to_string(),
    };
    let answer = ctx.services().reports()?.get_report(ctx.call(request)).await;
    Ok(answer.map_err(ConsoleError::unseen)?.into_inner())
}

async fn report_page(
    ctx: &Ctx,
    me: &Me,
    id: &str,
    notice: Option<&'static str>,
    filled: Filled,
) -> Result<ReportPage, ConsoleError> {
    let r = get(ctx, id).await?;
    let state = ReportStatus::try_from(r.status).unwrap_or(ReportStatus::Unspecified);
    let own = held_here(&r, me);
    let writer = [Role::Specialist, Role::Clerk, Role::Leader].iter().any(|x| me.has(*x));
    let editable = matches!(state, ReportStatus::Draft | ReportStatus::Returned);
    let actions = Actions {
        assign: own && editable && me.has(Role::Leader),
        edit: own && editable && writer,
        submit: own && editable && writer,
        reopen: own && state == ReportStatus::Submitted && me.has(Role::Leader),
        approve: own && state == ReportStatus::Submitted && me.has(Role::Leader),
        send: own && state == ReportStatus::Approved && me.has(Role::Clerk),
        decide: !own
            && state == ReportStatus::Sent
            && me.has(Role::Leader)
            && r.parent_office_id == me.principal.office_id,
    };
    let users = people::actor_names(ctx, &r.office_id, &me.principal.office_id).await?;
    let people = if actions.assign {
        let mine = people::of_office(ctx, &me.principal.office_id, "").await?;
        people::writers(&mine, &filled.kept.all("writer_id"))
    } else {
        Vec::new()
    };
    let sections = r
        .sections
        .iter()
        .map(|s| SectionView {
            code: s.code.clone(),
            title: s.title.clone(),
            text: {
                if filled.kept.0.is_empty() {
                    s.text.clone()
                } else {
                    filled.kept(&format!("section_{}", s.code))
                }
            },
        })
        .collect();
    Ok(ReportPage {
        layout: me.layout(r.title.clone(), "/reports"),
        status: status(r.status),
        period: r
            .period
            .as_ref()
            .map(|p| format!("{} ({} – {})", p.label, format::date(&p.from), format::date(&p.to)))
            .unwrap_or_default(),
        deadline: format::date(&r.deadline),
        sent: format::timestamp(r.sent_at.as_ref()),
        sections,
        figures: r.figures.as_ref().map(figures),
        trend: None,
        completeness: completeness(ctx, &r).await,
        events: r
            .events
            .iter()
            .rev()
            .map(|e| EventLine {
                at: format::timestamp(e.at.as_ref()),
                what: event(&e.action),
                who: people::actor(&users, &e.actor_id, &e.actor_name),
                // The BC document's id says nothing to a person.
                note: if uuid::Uuid::parse_str(&e.note).is_ok() {
                    String::new()
                } else {
                    e.note.clone()
                },
            })
            .collect(),
        actions,
        people,
        my_office_id: me.principal.office_id.clone(),
        notice,
        filled,
        r,
    })
}

/// `POST /reports/{id}/{action}`: one step; back to the report, or its page
/// with the service's refusal and what was typed.
pub async fn step(
    ctx: Ctx,
    Path((id, action)): Path<(String, String)>,
    form: FormData,
) -> Result<Response, ConsoleError> {
    ctx.session()?;
    ConsoleError::check_id(&id)?;
    let report_id = id.clone();
    let services = ctx.services();
    let result = match action.as_str() {
        "sections" => {
            let sections = form
                .0
                .iter()
                .filter_map(|(k, v)| {
                    k.strip_prefix("section_").map(|code| SectionInput {
                        code: code.to_string(),
                        text: v.trim().to_string(),
                    })
                })
                .collect();
            let request = UpdateSectionsRequest {
                report_id,
                sections,
                title: form.get("title"),
            };
            services.reports()?.update_sections(ctx.call(request)).await
        }
        "assign" => {
            let request = AssignReportsRequest {
                report_ids: vec![report_id],
                writer_id: form.get("writer_id"),
                note: form.get("note"),
            };
            let given = services.reports()?.assign_reports(ctx.call(request)).await;
            given.map(|answer| answer.map(|a| a.reports.into_iter().next().unwrap_or_default()))
        }
        "refresh" => {
            let request = RefreshFiguresRequest { report_id };
            services.reports()?.refresh_figures(ctx.call(request)).await
        }
        "submit" => {
            let request = SubmitReportRequest {
                report_id,
                note: form.get("note"),
            };
            services.report_approval()?.submit_report(ctx.call(request)).await
        }
        "reopen" => {
            let request = ReopenReportRequest {
                report_id,
                reason: form.get("reason"),
            };
            services.report_approval()?.reopen_report(ctx.call(request)).await
        }
        "approve" => {
            let request = ApproveReportRequest {
                report_id,
                signer_position: form.get("signer_position"),
                signing_body: form.get("signing_body"),
                override_reason: form.get("override_reason"),
                note: form.get("note"),
            };
            services.report_approval()?.approve_report(ctx.call(request)).await
        }
        "send" => {
            let request = SendReportRequest { report_id };
            services.report_approval()?.send_report(ctx.call(request)).await
        }
        "accept" => {
            let request = AcceptReportRequest {
                report_id,
                note: form.get("note"),
            };
            services.report_approval()?.accept_report(ctx.call(request)).await
        }
        "return" => {
            let request = ReturnReportRequest {
                report_id,
                reason: form.get("reason"),
            };
            services.report_approval()?.return_report(ctx.call(request)).await
        }
        _ => return Err(ConsoleError::NotFound),
    };
    let status = match result {
        Ok(_) => return Ok(Redirect::to(&format!("/reports/{id}?m={action}")).into_response()),
        Err(status) => status,
    };
    shown_again(&ctx, status, async |me, refusal| {
        report_page(&ctx, me, &id, None, Filled::new(Some(refusal), form)).await
    })
    .await
}

/// `GET /reports/{id}/{file}` with `file` `docx`, `pdf` or `xlsx`: the
/// report as a Word document or a PDF, or its figures as a spreadsheet,
/// downloaded under the service's (Vietnamese) file name.
pub async fn download(ctx: Ctx, Path((id, file)): Path<(String, String)>) -> Result<Response, ConsoleError> {
    ctx.session()?;
    ConsoleError::check_id(&id)?;
    let request = ctx.call(ExportReportRequest { report_id: id });
    let mut client = ctx.services().report_exports()?;
    let answer = match file.as_str() {
        "docx" => client.export_report_document(request).await,
        "pdf" => client.export_report_pdf(request).await,
        "xlsx" => client.export_report_figures(request).await,
        _ => return Err(ConsoleError::NotFound),
    };
    let exported = answer.map_err(ConsoleError::unseen)?.into_inner();
    // The service's name has Vietnamese letters; without them for old clients.
    let fallback = vanphong_platform::text::fold(&exported.file_name).replace(' ', "-");
    Ok(super::files::download(
        &fallback,
        &exported.file_name,
        &exported.content_type,
        exported.content,
    ))
}
