//! Lists of documents: filters, diacritic-insensitive search, sorting and
//! cursor paging, with the secrecy rule applied in the query so that pages
//! stay full.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::NaiveDate;
use uuid::Uuid;

use vanphong_platform::db::{Backend, Db, Query, StoreError, Value, query_built};

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
}

impl Sort {
    /// The sort key expression and whether it descends.
    fn key(self) -> (&'static str, bool) {
        match self {
            Sort::Newest => ("created_at", true),
            Sort::Oldest => ("created_at", false),
            Sort::ArrivalNumber => (
                "COALESCE(arrival_year, 0) * 10000000 + COALESCE(arrival_number, 0)",
                true,
            ),
            Sort::Deadline => ("COALESCE(handling_deadline, due_on, '9999-12-31')", false),
        }
    }

    fn key_is_text(self) -> bool {
        self == Sort::Deadline
    }
}

/// Where the previous page ended.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Cursor {
    /// The sort key of the last document (number or text, as a string).
    pub key: String,
    pub id: String,
}

impl Cursor {
    /// The cursor of a page that ends with `last`, in `sort` order.
    pub fn after(sort: Sort, last: &Document) -> Cursor {
        Cursor {
            key: sort_key(sort, last),
            id: last.id.to_string(),
        }
    }

    pub fn encode(&self) -> String {
        URL_SAFE_NO_PAD.encode(serde_json::to_vec(self).unwrap_or_default())
    }

    /// The cursor of a page token issued for a list in `sort` order;
    /// `None` for anything else (another order's token, a tampered one),
    /// so nothing odd reaches the query.
    pub fn decode(token: &str, sort: Sort) -> Option<Cursor> {
        let cursor: Cursor = serde_json::from_slice(&URL_SAFE_NO_PAD.decode(token).ok()?).ok()?;
        Uuid::parse_str(&cursor.id).ok()?;
        if !sort.key_is_text() {
            cursor.key.parse::<i64>().ok()?;
        }
        Some(cursor)
    }

    /// The numeric sort key (checked by [`Cursor::decode`]).
    fn number(&self) -> i64 {
        self.key.parse().unwrap_or_default()
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
    /// Only documents this user handles.
    pub handler: Option<Uuid>,
    /// Folded words that must all appear (as word prefixes).
    pub words: Vec<String>,
    /// A number as written: see [`NumberLookup`].
    pub number: Option<NumberLookup>,
    /// Who is looking: secret documents they may not read are left out.
    pub reader: Reader,
    pub sort: Sort,
    pub after: Option<Cursor>,
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

/// Builds `WHERE` clauses with placeholders numbered in order of use.
struct Builder {
    sql: String,
    args: Vec<Value>,
}

impl Builder {
    fn arg(&mut self, value: impl Into<Value>) -> String {
        self.args.push(value.into());
        format!("${}", self.args.len())
    }

    fn and(&mut self, clause: &str) {
        self.sql.push_str(" AND ");
        self.sql.push_str(clause);
    }

    fn into_query(self) -> Query {
        self.args.into_iter().fold(query_built(self.sql), |q, v| q.bind(v))
    }
}

/// One page of documents, and the cursor of the next page if there is one.
pub async fn list(db: &Db, filter: &Filter) -> Result<(Vec<Document>, Option<Cursor>), StoreError> {
    let mut b = Builder {
        sql: format!("SELECT {COLUMNS} FROM documents WHERE 1 = 1"),
        args: Vec::new(),
    };
    let offices: Vec<String> = filter.offices.iter().map(|o| b.arg(*o)).collect();
    b.and(&format!("office_id IN ({})", offices.join(", ")));
    if let Some(direction) = filter.direction {
        let p = b.arg(direction.code());
        b.and(&format!("direction = {p}"));
    }
    if !filter.statuses.is_empty() {
        let ps: Vec<String> = filter.statuses.iter().map(|s| b.arg(s.code())).collect();
        b.and(&format!("status IN ({})", ps.join(", ")));
    }
    if let Some(code) = &filter.type_code {
        let p = b.arg(code.as_str());
        b.and(&format!("type_code = {p}"));
    }
    if let Some(urgency) = filter.min_urgency {
        let p = b.arg(urgency.level());
        b.and(&format!("urgency >= {p}"));
    }
    if let Some(from) = filter.from {
        let p = b.arg(from);
        b.and(&format!("issued_on >= {p}"));
    }
    if let Some(to) = filter.to {
        let p = b.arg(to);
        b.and(&format!("issued_on <= {p}"));
    }
    if let Some(day) = filter.overdue_on {
        let p = b.arg(day);
        b.and(&format!(
            "COALESCE(handling_deadline, due_on) < {p} AND status IN ('registered', 'submitted', 'assigned', 'in_progress')"
        ));
    }
    if let Some(handler) = filter.handler {
        let p = b.arg(handler);
        b.and(&format!(
            "EXISTS (SELECT 1 FROM document_handlers h WHERE h.document_id = documents.id AND h.user_id = {p})"
        ));
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
    let (key, descending) = filter.sort.key();
    let (op, order) = if descending { ("<", "DESC") } else { (">", "ASC") };
    if let Some(after) = &filter.after {
        let k = if filter.sort.key_is_text() {
            b.arg(after.key.as_str())
        } else {
            b.arg(after.number())
        };
        let i = b.arg(after.id.as_str());
        b.and(&format!("({key} {op} {k} OR ({key} = {k} AND id {op} {i}))"));
    }
    let limit = b.arg(i64::from(filter.limit) + 1);
    b.sql
        .push_str(&format!(" ORDER BY {key} {order}, id {order} LIMIT {limit}"));

    let rows: Vec<Row> = db.fetch_all(b.into_query()).await?;
    let mut documents: Vec<Document> = rows.into_iter().map(Row::into_document).collect::<Result<_, _>>()?;
    let next = if documents.len() > filter.limit as usize {
        documents.truncate(filter.limit as usize);
        documents.last().map(|d| Cursor::after(filter.sort, d))
    } else {
        None
    };
    Ok((documents, next))
}

/// [`Reader::may_read`] as a condition on a row of `documents`: the same
/// rule, term for term, from the same reader and duties.
fn readable_by(b: &mut Builder, reader: &Reader) -> String {
    let clearance = b.arg(i64::from(reader.clearance.level()));
    let user = b.arg(reader.user);
    let mut grounds = vec![format!(
        "EXISTS (SELECT 1 FROM document_distribution d WHERE d.document_id = documents.id AND d.user_id = {user})"
    )];
    if !reader.holds.is_empty() && !reader.duties.is_empty() {
        let holds: Vec<String> = reader.holds.iter().map(|o| b.arg(*o)).collect();
        let duties: Vec<String> = reader
            .duties
            .iter()
            .map(|duty| {
                let mut terms = vec!["1 = 1".to_string()];
                if let Some(direction) = duty.direction {
                    terms.push(format!("direction = {}", b.arg(direction.code())));
                }
                if !duty.statuses.is_empty() {
                    let ps: Vec<String> = duty.statuses.iter().map(|s| b.arg(s.code())).collect();
                    terms.push(format!("status IN ({})", ps.join(", ")));
                }
                format!("({})", terms.join(" AND "))
            })
            .collect();
        grounds.push(format!(
            "(office_id IN ({}) AND ({}))",
            holds.join(", "),
            duties.join(" OR ")
        ));
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
        Sort::Deadline => d
            .deadline()
            .map(|d| d.format("%Y-%m-%d").to_string())
            .unwrap_or_else(|| "9999-12-31".into()),
    }
}

#[cfg(test)]
mod tests;
