//! Lists of documents: filters, diacritic-insensitive search, sorting and
//! cursor paging, with the secrecy rule applied in the query so that pages
//! stay full.

use chrono::{Datelike, NaiveDate};
use uuid::Uuid;

use vanphong_platform::db::{Backend, Clauses, Db, Order, PageCursor, StoreError, cut_page, date_key};

use super::documents::{COLUMNS, Row};
use crate::domain::access::Reader;
use crate::domain::document::Document;
use crate::domain::kinds::{Direction, Status, Urgency};

/// How a list is ordered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Sort {
    #[default]
    Newest,
    Oldest,
    ArrivalNumber,
    Deadline,
    Updated,
    Number,
}

impl Sort {
    /// The order's key expression, direction and kind of key.
    pub fn order(self) -> Order {
        match self {
            Sort::Newest => Order::NEWEST,
            Sort::Oldest => Order::OLDEST,
            Sort::ArrivalNumber => Order::number(
                "COALESCE(arrival_year, 0) * 10000000 + COALESCE(arrival_number, 0)",
                true,
            ),
            Sort::Deadline => Order::text("COALESCE(handling_deadline, due_on, '9999-12-31')", false),
            Sort::Updated => Order::number("updated_at", true),
            Sort::Number => Order::number(
                "COALESCE(CAST(SUBSTR(issued_on, 1, 4) AS BIGINT), 0) * 10000000 + COALESCE(number, 0)",
                true,
            ),
        }
    }

    /// The cursor of a page that ends with `last`.
    pub fn after(self, last: &Document) -> PageCursor {
        PageCursor::new(self.order(), sort_key(self, last), last.id)
    }
}

/// What to list.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    /// The offices whose documents to include (never empty).
    pub offices: Vec<Uuid>,
    pub direction: Option<Direction>,
    pub statuses: Vec<Status>,
    pub type_code: Option<String>,
    pub min_urgency: Option<Urgency>,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    /// Only documents whose deadline is before this day and still open.
    pub overdue_on: Option<NaiveDate>,
    /// Only documents due within these days (both included).
    pub due_between: Option<(NaiveDate, NaiveDate)>,
    /// Only documents submitted to this leader for direction.
    pub submitted_to: Option<Uuid>,
    /// Only documents this user handles.
    pub handler: Option<Uuid>,
    /// Folded words that must all appear (as word prefixes).
    pub words: Vec<String>,
    /// A number as written: see [`NumberLookup`].
    pub number: Option<NumberLookup>,
    /// Who is looking: secret documents they may not read are left out.
    pub reader: Reader,
    pub sort: Sort,
    pub after: Option<PageCursor>,
    pub limit: u32,
}

/// A document looked up by a number as someone wrote it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NumberLookup {
    /// The number and symbol folded by [`NumberLookup::fold`].
    pub folded: String,
    /// The incoming number and year, when the text reads "12/2026".
    pub arrival: Option<(i64, i32)>,
}

impl NumberLookup {
    /// Lower case with Đ read as D and no spaces: how "05/QĐ-UBND",
    /// "05/qd-ubnd" and "05 / QĐ-UBND" compare equal. The query folds the
    /// stored number_symbol the same way (ASCII lower-casing suffices once
    /// Đ is replaced: symbols are Latin capitals).
    pub fn fold(text: &str) -> String {
        text.chars()
            .filter(|c| !c.is_whitespace())
            .map(|c| match c {
                'Đ' | 'đ' => 'd',
                c => c.to_ascii_lowercase(),
            })
            .collect()
    }
}

/// When a document's handling is due, as a column expression: the
/// leader's deadline, else the issuer's ([`Document::deadline`]).
pub const DEADLINE: &str = "COALESCE(handling_deadline, due_on)";

/// The states in which a document is being handled and can be overdue
/// ([`Status::is_open`]).
pub const OPEN: &str = "status IN ('registered', 'submitted', 'assigned', 'in_progress')";

/// Open and past its deadline on the day bound to placeholder `today`
/// ([`Document::is_overdue`]): the overdue list's condition, and the
/// condition of every overdue count ("my work", the leader's roll-up).
pub fn overdue(today: &str) -> String {
    format!("{DEADLINE} < {today} AND {OPEN}")
}

/// Due from the day bound to `today` to the day bound to `until`, both
/// included: every due-soon count's condition (the window is
/// `vanphong_platform::my_work`'s).
pub fn due_between(today: &str, until: &str) -> String {
    format!("{DEADLINE} >= {today} AND {DEADLINE} <= {until}")
}

/// Submitted for direction to the leader bound to `leader`: the "awaiting
/// my direction" list's condition and count's.
pub fn submitted_to(leader: &str) -> String {
    format!("status = 'submitted' AND leader_id = {leader}")
}

/// Handled (as lead or coordinator) by the user bound to `user`: the
/// "assigned to me" lists' condition and that of one's own counts.
pub fn handled_by(user: &str) -> String {
    format!("EXISTS (SELECT 1 FROM document_handlers h WHERE h.document_id = documents.id AND h.user_id = {user})")
}

/// One page of documents, and the cursor of the next page if there is one.
pub async fn list(db: &Db, filter: &Filter) -> Result<(Vec<Document>, Option<PageCursor>), StoreError> {
    let mut b = Clauses::new(format!("SELECT {COLUMNS} FROM documents WHERE 1 = 1"));
    b.only_in("office_id", filter.offices.iter().copied());
    b.compare("direction", "=", filter.direction.map(|d| d.code()));
    b.filter_in("status", filter.statuses.iter().map(|s| s.code()));
    b.compare("type_code", "=", filter.type_code.as_deref());
    b.compare("urgency", ">=", filter.min_urgency.map(|u| u.level()));
    b.compare("issued_on", ">=", filter.from);
    b.compare("issued_on", "<=", filter.to);
    if let Some(day) = filter.overdue_on {
        let p = b.arg(day);
        b.and(&overdue(&p));
    }
    if let Some((first, last)) = filter.due_between {
        let (first, last) = (b.arg(first), b.arg(last));
        b.and(&format!("{} AND {OPEN}", due_between(&first, &last)));
    }
    if let Some(leader) = filter.submitted_to {
        let p = b.arg(leader);
        b.and(&submitted_to(&p));
    }
    if let Some(handler) = filter.handler {
        let p = b.arg(handler);
        b.and(&handled_by(&p));
    }
    if let Some(lookup) = &filter.number {
        let folded = b.arg(lookup.folded.as_str());
        let symbol = format!("REPLACE(LOWER(REPLACE(REPLACE(number_symbol, 'Đ', 'd'), 'đ', 'd')), ' ', '') = {folded}");
        match lookup.arrival {
            Some((number, year)) => {
                let n = b.arg(number);
                let y = b.arg(i64::from(year));
                b.and(&format!("({symbol} OR (arrival_number = {n} AND arrival_year = {y}))"));
            }
            None => b.and(&symbol),
        }
    }
    if !filter.words.is_empty() {
        match db.backend() {
            Backend::Sqlite => {
                let expression: Vec<String> = filter.words.iter().map(|w| format!("\"{w}\"*")).collect();
                let p = b.arg(expression.join(" "));
                b.and(&format!(
                    "documents.rowid IN (SELECT rowid FROM documents_fts WHERE documents_fts MATCH {p})"
                ));
            }
            Backend::Postgres => {
                let expression: Vec<String> = filter.words.iter().map(|w| format!("{w}:*")).collect();
                let p = b.arg(expression.join(" & "));
                b.and(&format!(
                    "to_tsvector('simple', search_text) @@ to_tsquery('simple', {p})"
                ));
            }
        }
    }
    let readable = readable_by(&mut b, &filter.reader);
    b.and(&readable);
    b.page_in(filter.sort.order(), filter.after.as_ref(), filter.limit);
    let rows: Vec<Row> = db.fetch_all(b.into_query()).await?;
    let documents: Vec<Document> = rows.into_iter().map(Row::into_document).collect::<Result<_, _>>()?;
    Ok(cut_page(documents, filter.limit, |d| filter.sort.after(d)))
}

/// [`Reader::may_read`] as a condition on a row of `documents`: the same
/// rule, term for term, from the same reader and duties. Lists and counts
/// both apply it, so a count never includes what the list hides.
pub fn readable_by(b: &mut Clauses, reader: &Reader) -> String {
    let clearance = b.arg(i64::from(reader.clearance.level()));
    let user = b.arg(reader.user);
    let mut grounds = vec![format!(
        "EXISTS (SELECT 1 FROM document_distribution d WHERE d.document_id = documents.id AND d.user_id = {user})"
    )];
    if !reader.holds.is_empty() && !reader.duties.is_empty() {
        let holds = b.args(reader.holds.iter().copied());
        let duties: Vec<String> = reader
            .duties
            .iter()
            .map(|duty| {
                let mut terms = vec!["1 = 1".to_string()];
                if let Some(direction) = duty.direction {
                    terms.push(format!("direction = {}", b.arg(direction.code())));
                }
                if !duty.statuses.is_empty() {
                    terms.push(format!(
                        "status IN ({})",
                        b.args(duty.statuses.iter().map(|s| s.code()))
                    ));
                }
                format!("({})", terms.join(" AND "))
            })
            .collect();
        grounds.push(format!("(office_id IN ({}) AND ({}))", holds, duties.join(" OR ")));
    }
    format!(
        "(secrecy = 0 OR (secrecy <= {clearance} AND ({})))",
        grounds.join(" OR ")
    )
}

/// The value of the sort key for a document, as the query computes it.
fn sort_key(sort: Sort, d: &Document) -> String {
    match sort {
        Sort::Newest | Sort::Oldest => d.created_at.timestamp_micros().to_string(),
        Sort::ArrivalNumber => {
            (i64::from(d.arrival_year.unwrap_or(0)) * 10_000_000 + d.arrival_number.unwrap_or(0)).to_string()
        }
        Sort::Deadline => date_key(d.deadline()),
        Sort::Updated => d.updated_at.timestamp_micros().to_string(),
        Sort::Number => {
            let year = d.issued_on.map(|on| i64::from(on.year())).unwrap_or(0);
            (year * 10_000_000 + d.number.unwrap_or(0)).to_string()
        }
    }
}

#[cfg(test)]
mod tests;
