//! Citizen reception (tiếp công dân, docs/domain.md §3): the office's book
//! of receptions between two dates, a reception recorded with its
//! visitors (named, or only counted) and the office's petitions handed
//! over, and the leaders' monthly reception duty (Quy định 11-QĐi/TW) of
//! the office and those below it. The petitions service decides who may
//! record and read them; the pages show its refusals beside the fields.

use std::collections::HashMap;

use askama::Template;
use axum::extract::Query;
use axum::response::{Html, IntoResponse, Redirect, Response};
use chrono::{Datelike, NaiveDate};
use http::StatusCode;
use serde::Deserialize;

use vanphong_proto::directory::v1::Role;
use vanphong_proto::petitions::v1::{
    CheckReceptionDutyRequest, CreateReceptionRequest, ListPetitionsRequest, ListReceptionsRequest, ReceptionDutyRow,
    ReceptionSort, Visitor,
};

use super::form::{FormData, Refusal, shown_again_to, shown_status};
use super::people::{self, Picker};
use super::petitions::PersonRow;
use super::sorting::{Order, Orders, Sorted};
use super::{Ctx, Layout, Me, input};
use crate::errors::ConsoleError;
use crate::format;

/// Receptions on one page of the book.
const PAGE: i32 = 50;

/// Visitor rows the form starts with, and adds each time.
const VISITOR_ROWS: usize = 3;

/// Most visitor rows the form grows to (the service takes up to 500).
const MAX_ROWS: usize = 100;

/// The office's petitions offered to tick as handed over: those received
/// within this many days before the reception form is opened.
const RECENT_DAYS: i64 = 90;

/// Pages of the office's petitions read to name the petitions of a page
/// of receptions by their number.
const NUMBER_PAGES: usize = 10;

/// Who records receptions (the petitions service's roles for it).
fn records(me: &Me) -> bool {
    [Role::Clerk, Role::PetitionOfficer, Role::Leader]
        .iter()
        .any(|r| me.has(*r))
}

/// A page's place among the reception pages, for their tabs.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Section {
    Book,
    Record,
    Duty,
}

/// The tabs of the reception pages.
struct Tabs {
    current: Section,
    can_record: bool,
}

impl Tabs {
    fn is(&self, section: &str) -> bool {
        let current = match self.current {
            Section::Book => "book",
            Section::Record => "record",
            Section::Duty => "duty",
        };
        current == section
    }
}

/// A petition handed over, by its number (never its id).
struct Handed {
    id: String,
    number: String,
}

/// A row of the book.
struct BookRow {
    received: String,
    receiver: String,
    by_leader: bool,
    visitors: i32,
    content: String,
    petitions: Vec<Handed>,
}

#[derive(Template)]
#[template(path = "receptions.html")]
struct BookPage {
    layout: Layout,
    tabs: Tabs,
    office: String,
    office_name: Option<String>,
    from: String,
    to: String,
    /// The dates listed, in words ("từ 01/01/2026 đến 29/11/2026").
    period: String,
    rows: Vec<BookRow>,
    sorted: Sorted,
    first: Option<String>,
    next: Option<String>,
    refusal: Option<Refusal>,
    notice: Option<&'static str>,
}

impl BookPage {
    fn error(&self, field: &str) -> String {
        self.refusal.as_ref().map(|r| r.about(field)).unwrap_or_default()
    }
}

#[derive(Deserialize)]
pub struct BookQuery {
    /// `dd/mm/yyyy`, as typed; empty: the service's default (1 January,
    /// today).
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
    /// An office below the person's (from the duty table).
    #[serde(default)]
    office: String,
    /// The page's token (the service's), empty for the first.
    #[serde(default)]
    page: String,
    /// The order chosen by the day's heading (see [`BOOK_SORTS`]).
    #[serde(default)]
    sort: String,
    m: Option<String>,
}

/// The orders of the reception book, by the day's heading.
const BOOK_SORTS: Orders<ReceptionSort> = Orders(&[
    (
        ReceptionSort::Unspecified,
        Order {
            slug: "newest",
            label: "Ngày tiếp, mới nhất trước",
            column: "Ngày tiếp",
            descending: true,
        },
    ),
    (
        ReceptionSort::Oldest,
        Order {
            slug: "oldest",
            label: "Ngày tiếp, cũ nhất trước (như sổ giấy)",
            column: "Ngày tiếp",
            descending: false,
        },
    ),
]);

/// `GET /petitions/receptions?from=…&to=…&page=…`: the office's
/// receptions, newest first, 50 to a page, the filters kept in the URL.
pub async fn book(ctx: Ctx, Query(query): Query<BookQuery>) -> Result<Response, ConsoleError> {
    let me = ctx.me().await?;
    let from_typed = query.from.trim().to_string();
    let to_typed = query.to.trim().to_string();
    let office = query.office.trim().to_string();
    if !office.is_empty() {
        ConsoleError::check_id(&office)?;
    }
    let chosen = BOOK_SORTS.named(&query.sort);
    let sort = chosen.unwrap_or(ReceptionSort::Unspecified);
    let sorted = BOOK_SORTS.sorted(
        sort,
        chosen,
        "/petitions/receptions",
        vec![
            ("from", from_typed.clone()),
            ("to", to_typed.clone()),
            ("office", office.clone()),
        ],
    );
    let mut page = BookPage {
        layout: me.layout("Tiếp công dân", "/petitions"),
        tabs: Tabs {
            current: Section::Book,
            can_record: records(&me),
        },
        office_name: None,
        from: from_typed.clone(),
        to: to_typed.clone(),
        period: String::new(),
        rows: Vec::new(),
        sorted,
        first: None,
        next: None,
        refusal: None,
        notice: (query.m.as_deref() == Some("created")).then_some("Đã ghi buổi tiếp công dân."),
        office: office.clone(),
    };
    let dates = (input::date(&from_typed), input::date(&to_typed));
    let (from, to) = match dates {
        (Ok(from), Ok(to)) => (from, to),
        (from, to) => {
            let mut fields = Vec::new();
            for (field, result) in [("from", from), ("to", to)] {
                if let Err(message) = result {
                    fields.push((field.to_string(), message.to_string()));
                }
            }
            page.refusal = Some(Refusal::marked(fields));
            return Ok((StatusCode::BAD_REQUEST, Html(page.render()?)).into_response());
        }
    };
    let request = ListReceptionsRequest {
        office_id: office.clone(),
        from,
        to,
        page_size: PAGE,
        page_token: query.page.clone(),
        sort: sort as i32,
    };
    let answer = match ctx.services().receptions()?.list_receptions(ctx.call(request)).await {
        Ok(answer) => answer.into_inner(),
        Err(status) if status.code() == tonic::Code::InvalidArgument => {
            page.refusal = Some(Refusal::of(&status));
            return Ok((StatusCode::BAD_REQUEST, Html(page.render()?)).into_response());
        }
        Err(status) => return Err(ConsoleError::unseen(status)),
    };
    let shown = answer.receptions;
    let wanted: Vec<String> = shown.iter().flat_map(|r| r.petition_ids.iter().cloned()).collect();
    let numbers = petition_numbers(&ctx, &office, &wanted).await?;
    page.first = (!query.page.is_empty()).then(|| page.sorted.page_link(""));
    page.next = (!answer.next_page_token.is_empty()).then(|| page.sorted.page_link(&answer.next_page_token));
    page.rows = shown
        .iter()
        .map(|r| BookRow {
            received: format::date(&r.received_on),
            receiver: r.receiver_name.clone(),
            by_leader: r.by_leader,
            visitors: r.visitor_count,
            content: r.content.clone(),
            petitions: r
                .petition_ids
                .iter()
                .map(|id| Handed {
                    id: id.clone(),
                    number: numbers.get(id).cloned().unwrap_or_default(),
                })
                .collect(),
        })
        .collect();
    let today = ctx.today();
    let start = format!("01/01/{}", today.year());
    page.period = format!(
        "từ {} đến {}",
        if from_typed.is_empty() { &start } else { &from_typed },
        if to_typed.is_empty() {
            ctx.today_typed()
        } else {
            to_typed.clone()
        }
    );
    if !office.is_empty() {
        page.office_name = Some(super::documents::office_name(&ctx, &office).await?);
    }
    Ok(Html(page.render()?).into_response())
}

/// The numbers (`14/2026`) of the office's petitions among `ids`, read
/// from the office's list (which shows no one's identity); those not
/// found in the first pages stay unnamed.
async fn petition_numbers(ctx: &Ctx, office: &str, ids: &[String]) -> Result<HashMap<String, String>, ConsoleError> {
    let mut numbers = HashMap::new();
    let mut token = String::new();
    let client = ctx.services().petitions()?;
    for _ in 0..NUMBER_PAGES {
        if ids.iter().all(|id| numbers.contains_key(id)) {
            break;
        }
        let request = ListPetitionsRequest {
            office_id: office.to_string(),
            page_size: 500,
            page_token: token.clone(),
            ..Default::default()
        };
        let answer = match client.clone().list_petitions(ctx.call(request)).await {
            Ok(answer) => answer.into_inner(),
            Err(status) if status.code() == tonic::Code::PermissionDenied => break,
            Err(status) => return Err(status.into()),
        };
        for p in answer.petitions {
            if ids.contains(&p.id) {
                numbers.insert(p.id, p.number_label);
            }
        }
        if answer.next_page_token.is_empty() {
            break;
        }
        token = answer.next_page_token;
    }
    Ok(numbers)
}

/// A petition of the office offered to tick.
struct Offered {
    id: String,
    label: String,
    ticked: bool,
}

#[derive(Template)]
#[template(path = "reception_new.html")]
struct RecordPage {
    layout: Layout,
    tabs: Tabs,
    values: HashMap<String, String>,
    picker: Picker,
    visitors: Vec<PersonRow>,
    petitions: Vec<Offered>,
    refusal: Option<Refusal>,
}

impl RecordPage {
    fn value(&self, field: &str) -> String {
        self.values.get(field).cloned().unwrap_or_default()
    }

    fn error(&self, field: &str) -> String {
        self.refusal.as_ref().map(|r| r.about(field)).unwrap_or_default()
    }

    /// What was said about the visitors as a whole, or about a row that
    /// is not on the form.
    fn visitors_error(&self) -> String {
        self.refusal.as_ref().map(|r| r.about("visitors")).unwrap_or_default()
    }

    fn petitions_error(&self) -> String {
        self.refusal
            .as_ref()
            .map(|r| r.about_all("petition_ids"))
            .unwrap_or_default()
    }
}

/// The form as typed: its values, the visitor rows and the petitions
/// ticked.
struct Typed {
    values: HashMap<String, String>,
    rows: usize,
    ticked: Vec<String>,
}

impl Typed {
    fn of(form: &FormData) -> Self {
        let values: HashMap<String, String> = form
            .0
            .iter()
            .filter(|(k, _)| k != crate::csrf::FIELD && k != "petition_ids")
            .map(|(k, v)| (k.clone(), v.trim().to_string()))
            .collect();
        let rows = values
            .get("rows")
            .and_then(|r| r.parse::<usize>().ok())
            .unwrap_or(VISITOR_ROWS)
            .clamp(1, MAX_ROWS);
        Typed {
            values,
            rows,
            ticked: form.all("petition_ids"),
        }
    }

    fn get(&self, field: &str) -> String {
        self.values.get(field).cloned().unwrap_or_default()
    }

    fn anonymous(&self) -> bool {
        !self.get("anonymous").is_empty()
    }

    /// The rows with something typed, as the service's visitors, each
    /// with the form's row it came from.
    fn visitors(&self) -> Vec<(usize, Visitor)> {
        if self.anonymous() {
            return Vec::new();
        }
        (0..self.rows)
            .map(|i| PersonRow::typed("v", i, |k| self.get(k)))
            .filter(|row| !row.is_blank())
            .map(|row| {
                let visitor = Visitor {
                    full_name: row.full_name,
                    id_number: row.id_number,
                    address: row.address,
                    phone: row.phone,
                    redacted: false,
                };
                (row.index, visitor)
            })
            .collect()
    }
}

/// The form's page: `sent` maps the visitors sent (`visitors[k]`) to the
/// form's rows, so the service's words land beside the row typed.
async fn record_page(
    ctx: &Ctx,
    me: &Me,
    typed: Typed,
    sent: &[usize],
    refusal: Option<Refusal>,
) -> Result<RecordPage, ConsoleError> {
    let office = me.principal.office_id.clone();
    let users = people::of_office(ctx, &office, "").await?;
    let receiver = typed.get("receiver_id");
    let choices = people::receivers(&users, std::slice::from_ref(&receiver));
    let receiver_error = refusal.as_ref().map(|r| r.about("receiver_id")).unwrap_or_default();
    let picker = Picker::new("receiver", "receiver_id", "Người tiếp", &office, "receiver", choices)
        .when("lãnh đạo tiếp được tính vào lịch tiếp dân định kỳ")
        .size(6)
        .required()
        .error(receiver_error);
    let since = (ctx.today() - chrono::Duration::days(RECENT_DAYS))
        .format("%Y-%m-%d")
        .to_string();
    let request = ListPetitionsRequest {
        from: since,
        page_size: 200,
        ..Default::default()
    };
    let mut recent = ctx
        .services()
        .petitions()?
        .list_petitions(ctx.call(request))
        .await?
        .into_inner()
        .petitions;
    recent.sort_by(|a, b| b.received_on.cmp(&a.received_on).then(b.number.cmp(&a.number)));
    let petitions = recent
        .iter()
        .map(|p| Offered {
            label: format!(
                "Đơn số {} · nhận {} · {}",
                p.number_label,
                format::date(&p.received_on),
                format::excerpt(&p.content, 140)
            ),
            ticked: typed.ticked.contains(&p.id),
            id: p.id.clone(),
        })
        .collect();
    let visitors = (0..typed.rows)
        .map(|i| {
            let error = match (&refusal, sent.iter().position(|row| *row == i)) {
                (Some(r), Some(k)) => r.about_all(&format!("visitors[{k}]")),
                _ => String::new(),
            };
            PersonRow {
                error,
                ..PersonRow::typed("v", i, |k| typed.get(k))
            }
        })
        .collect();
    Ok(RecordPage {
        layout: me.layout("Ghi buổi tiếp công dân", "/petitions"),
        tabs: Tabs {
            current: Section::Record,
            can_record: true,
        },
        values: typed.values,
        picker,
        visitors,
        petitions,
        refusal,
    })
}

/// `GET /petitions/receptions/new`: an empty form, dated today, with the
/// request id that makes its submission safe to repeat.
pub async fn new(ctx: Ctx) -> Result<Response, ConsoleError> {
    let me = ctx.me().await?;
    if !records(&me) {
        return Err(ConsoleError::NotFound);
    }
    let mut values = HashMap::new();
    values.insert("request_id".to_string(), uuid::Uuid::new_v4().to_string());
    values.insert("received_on".to_string(), ctx.today_typed());
    values.insert("receiver_id".to_string(), me.principal.subject_id.clone());
    let typed = Typed {
        values,
        rows: VISITOR_ROWS,
        ticked: Vec::new(),
    };
    Ok(Html(record_page(&ctx, &me, typed, &[], None).await?.render()?).into_response())
}

/// `POST /petitions/receptions`: records the reception (or, with `add`,
/// gives the form more visitor rows); refused, the form again with the
/// service's words beside the fields and everything typed kept.
pub async fn create(ctx: Ctx, form: FormData) -> Result<Response, ConsoleError> {
    let me = ctx.me().await?;
    let mut typed = Typed::of(&form);
    if !typed.get("add").is_empty() {
        typed.values.remove("add");
        typed.rows = (typed.rows + VISITOR_ROWS).min(MAX_ROWS);
        return Ok(Html(record_page(&ctx, &me, typed, &[], None).await?.render()?).into_response());
    }
    let visitors = typed.visitors();
    let sent: Vec<usize> = visitors.iter().map(|(i, _)| *i).collect();
    let mut refused = Vec::new();
    let received_on = input::date(&typed.get("received_on")).unwrap_or_else(|m| {
        refused.push(("received_on".to_string(), m.to_string()));
        String::new()
    });
    let visitor_count = input::number(&typed.get("visitor_count")).unwrap_or_else(|m| {
        refused.push(("visitor_count".to_string(), m.to_string()));
        None
    });
    let mut handed_over = typed.ticked.clone();
    for number in typed.get("petition_numbers").split([',', ';']).map(str::trim) {
        if number.is_empty() {
            continue;
        }
        match by_number(&ctx, number).await? {
            Some(id) if !handed_over.contains(&id) => handed_over.push(id),
            Some(_) => {}
            None => refused.push((
                "petition_numbers".to_string(),
                format!("Không tìm thấy đơn số «{number}» của đơn vị (ghi số/năm, ví dụ 14/2026)"),
            )),
        }
    }
    if !refused.is_empty() {
        let refusal = Refusal::marked(refused);
        let page = record_page(&ctx, &me, typed, &sent, Some(refusal)).await?;
        return Ok((StatusCode::BAD_REQUEST, Html(page.render()?)).into_response());
    }
    let request = CreateReceptionRequest {
        request_id: typed.get("request_id"),
        office_id: String::new(),
        received_on,
        receiver_id: typed.get("receiver_id"),
        visitors: visitors.into_iter().map(|(_, v)| v).collect(),
        visitor_count: visitor_count.unwrap_or(0),
        content: typed.get("content"),
        petition_ids: handed_over,
    };
    match ctx.services().receptions()?.create_reception(ctx.call(request)).await {
        Ok(_) => Ok(Redirect::to("/petitions/receptions?m=created").into_response()),
        Err(status) => {
            shown_again_to(&me, status, Refusal::of, async |me, refusal| {
                record_page(&ctx, me, typed, &sent, Some(refusal)).await
            })
            .await
        }
    }
}

/// The id of the office's petition of number `number` ("14/2026"), if
/// there is one; a number not written as one finds none.
async fn by_number(ctx: &Ctx, number: &str) -> Result<Option<String>, ConsoleError> {
    let request = ListPetitionsRequest {
        number: number.to_string(),
        page_size: 1,
        ..Default::default()
    };
    match ctx.services().petitions()?.list_petitions(ctx.call(request)).await {
        Ok(found) => Ok(found.into_inner().petitions.into_iter().next().map(|p| p.id)),
        Err(status) if status.code() == tonic::Code::InvalidArgument => Ok(None),
        Err(status) => Err(status.into()),
    }
}

/// An office's row of the duty check.
struct DutyLine {
    office_id: String,
    office_name: String,
    level: &'static str,
    required: i32,
    held: i32,
    days: String,
    met: bool,
}

impl DutyLine {
    fn of(row: &ReceptionDutyRow) -> Self {
        DutyLine {
            office_id: row.office_id.clone(),
            office_name: row.office_name.clone(),
            level: super::admin::kind(row.office_kind),
            required: row.required_days,
            held: row.held_days,
            days: row.days.iter().map(|d| format::date(d)).collect::<Vec<_>>().join(", "),
            met: row.met,
        }
    }
}

/// A month offered by the picker.
struct MonthChoice {
    value: u32,
    selected: bool,
}

#[derive(Template)]
#[template(path = "reception_duty.html")]
struct DutyPage {
    layout: Layout,
    tabs: Tabs,
    months: Vec<MonthChoice>,
    year: String,
    /// Whether the person may see the offices below (their leaders), and
    /// whether they are shown.
    can_below: bool,
    below: bool,
    /// The month's first and last day, for the links to each office's book.
    first: String,
    last: String,
    rows: Vec<DutyLine>,
    refusal: Option<Refusal>,
}

impl DutyPage {
    fn error(&self, field: &str) -> String {
        self.refusal.as_ref().map(|r| r.about(field)).unwrap_or_default()
    }

    fn met_count(&self) -> usize {
        self.rows.iter().filter(|r| r.met).count()
    }
}

#[derive(Deserialize)]
pub struct DutyQuery {
    #[serde(default)]
    year: String,
    month: Option<u32>,
    /// `0`: the person's office alone; otherwise, for its leaders, with
    /// the offices below.
    below: Option<u8>,
}

/// The first and last day of a month, `dd/mm/yyyy`.
fn month_span(year: i32, month: u32) -> Option<(String, String)> {
    let first = NaiveDate::from_ymd_opt(year, month, 1)?;
    let next = if month == 12 {
        NaiveDate::from_ymd_opt(year + 1, 1, 1)?
    } else {
        NaiveDate::from_ymd_opt(year, month + 1, 1)?
    };
    let last = next.pred_opt()?;
    Some((
        first.format("%d/%m/%Y").to_string(),
        last.format("%d/%m/%Y").to_string(),
    ))
}

/// `GET /petitions/receptions/duty?year=…&month=…&below=…`: for a month,
/// whether the leaders of the office (and of each office below) received
/// citizens on as many days as the rule asks, office by office.
pub async fn duty(ctx: Ctx, Query(query): Query<DutyQuery>) -> Result<Response, ConsoleError> {
    let me = ctx.me().await?;
    let today = ctx.today();
    let month = query.month.filter(|m| (1..=12).contains(m)).unwrap_or(today.month());
    let year_typed = if query.year.trim().is_empty() {
        today.year().to_string()
    } else {
        query.year.trim().to_string()
    };
    let can_below = me.has(Role::Leader);
    let below = can_below && query.below != Some(0);
    let mut page = DutyPage {
        layout: me.layout("Lịch tiếp dân của lãnh đạo", "/petitions"),
        tabs: Tabs {
            current: Section::Duty,
            can_record: records(&me),
        },
        months: (1..=12)
            .map(|m| MonthChoice {
                value: m,
                selected: m == month,
            })
            .collect(),
        year: year_typed.clone(),
        can_below,
        below,
        first: String::new(),
        last: String::new(),
        rows: Vec::new(),
        refusal: None,
    };
    let year = match input::number(&year_typed) {
        Ok(Some(year)) => year,
        Ok(None) | Err(_) => {
            page.refusal = Some(Refusal::field("year", input::BAD_NUMBER));
            return Ok((StatusCode::BAD_REQUEST, Html(page.render()?)).into_response());
        }
    };
    let request = CheckReceptionDutyRequest {
        office_id: String::new(),
        include_descendants: below,
        year,
        month: i32::try_from(month).unwrap_or(1),
    };
    match ctx
        .services()
        .receptions()?
        .check_reception_duty(ctx.call(request))
        .await
    {
        Ok(answer) => {
            page.rows = answer.into_inner().rows.iter().map(DutyLine::of).collect();
            if let Some((first, last)) = month_span(year, month) {
                page.first = first;
                page.last = last;
            }
            Ok(Html(page.render()?).into_response())
        }
        Err(status) => match shown_status(&status) {
            Some(code) => {
                page.refusal = Some(Refusal::of(&status));
                Ok((code, Html(page.render()?)).into_response())
            }
            None => Err(status.into()),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_months_span_runs_from_its_first_to_its_last_day() {
        assert_eq!(
            month_span(2026, 2),
            Some(("01/02/2026".to_string(), "28/02/2026".to_string()))
        );
        assert_eq!(
            month_span(2026, 12),
            Some(("01/12/2026".to_string(), "31/12/2026".to_string()))
        );
        assert_eq!(month_span(2026, 13), None);
    }

    #[test]
    fn empty_visitor_rows_are_not_sent_and_rows_are_remembered() {
        let form = FormData(vec![
            ("rows".into(), "3".into()),
            ("v0_name".into(), String::new()),
            ("v1_name".into(), "Trần Văn Bình".into()),
            ("v2_address".into(), " ".into()),
        ]);
        let sent = Typed::of(&form).visitors();
        assert_eq!(sent.len(), 1);
        assert_eq!(sent[0].0, 1, "the form's second row");
        assert_eq!(sent[0].1.full_name, "Trần Văn Bình");
        let mut anonymous = form.0.clone();
        anonymous.push(("anonymous".into(), "1".into()));
        assert!(Typed::of(&FormData(anonymous)).visitors().is_empty());
    }
}
