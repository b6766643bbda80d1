//! Lists of petitions: filters, diacritic-insensitive search of content and
//! of petitioners' names, orders and cursor paging; the backlog lists; and what the
//! figures of a period need.

use chrono::NaiveDate;
use uuid::Uuid;

use vanphong_platform::db::{
    Clauses, CorruptRow, Db, Order, PageCursor, StoreError, Tx, cut_page, date_key, query_built,
};

use super::petitions::{COLUMNS, Row};
use crate::domain::kinds::{Backlog, Kind, State};
use crate::domain::petition::Petition;

/// How a list of petitions is ordered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Sort {
    #[default]
    Newest,
    Oldest,
    /// By số đơn, highest first.
    Number,
    /// Earliest due date first, those without one last.
    Due,
}

impl Sort {
    /// The order's key expression, direction and kind of key.
    pub fn order(self) -> Order {
        match self {
            Sort::Newest => Order::NEWEST,
            Sort::Oldest => Order::OLDEST,
            Sort::Number => Order::number("year * 10000000 + number", true),
            Sort::Due => Order::text("COALESCE(current_due_on, '9999-12-31')", false),
        }
    }

    /// The cursor of a page that ends with `last`: its key as the query
    /// computes it.
    pub fn after(self, last: &Petition) -> PageCursor {
        let key = match self {
            Sort::Newest | Sort::Oldest => last.created_at.timestamp_micros().to_string(),
            Sort::Number => (i64::from(last.year) * 10_000_000 + last.number).to_string(),
            Sort::Due => date_key(last.current_due()),
        };
        PageCursor::new(self.order(), key, last.id)
    }
}

/// What to list.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    /// The offices whose petitions to include (never empty).
    pub offices: Vec<Uuid>,
    pub states: Vec<State>,
    pub kind: Option<Kind>,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    /// Folded words that must all start words of the content or of the
    /// person complained about.
    pub words: Vec<String>,
    /// Folded words that must all start words of a petitioner's name.
    pub name_words: Vec<String>,
    /// Only petitions this user handles.
    pub handler: Option<Uuid>,
    /// Only petitions not yet closed.
    pub open_only: bool,
    /// Only the petition of this number and year.
    pub number: Option<(i64, i32)>,
    pub sort: Sort,
    pub after: Option<PageCursor>,
    pub limit: u32,
}

fn petitions_of(rows: Vec<Row>) -> Result<Vec<Petition>, CorruptRow> {
    rows.into_iter().map(Row::into_petition).collect()
}

/// One page of petitions in the filter's order, and the cursor of the next page.
pub async fn list(db: &Db, filter: &Filter) -> Result<(Vec<Petition>, Option<PageCursor>), StoreError> {
    let mut b = Clauses::new(format!("SELECT {COLUMNS} FROM petitions WHERE 1 = 1"));
    b.only_in("office_id", filter.offices.iter().copied());
    b.filter_in("state", filter.states.iter().map(|s| s.code()));
    b.compare("kind", "=", filter.kind.map(|k| k.code()));
    b.compare("received_on", ">=", filter.from);
    b.compare("received_on", "<=", filter.to);
    b.word_prefixes("search_text", &filter.words);
    if !filter.name_words.is_empty() {
        let clauses: Vec<String> = filter
            .name_words
            .iter()
            .map(|w| {
                let p = b.arg(format!("% {w}%"));
                format!("(' ' || n.folded_name) LIKE {p}")
            })
            .collect();
        b.and(&format!(
            "EXISTS (SELECT 1 FROM petitioners n WHERE n.petition_id = petitions.id AND {})",
            clauses.join(" AND ")
        ));
    }
    b.compare("handler_id", "=", filter.handler);
    if filter.open_only {
        b.and("closed_on IS NULL");
    }
    if let Some((number, year)) = filter.number {
        let n = b.arg(number);
        let y = b.arg(i64::from(year));
        b.and(&format!("number = {n} AND year = {y}"));
    }
    b.page_in(filter.sort.order(), filter.after.as_ref(), filter.limit);
    let petitions = petitions_of(db.fetch_all(b.into_query()).await?)?;
    Ok(cut_page(petitions, filter.limit, |p| filter.sort.after(p)))
}

/// Open petitions of the offices on one backlog list, most urgent first
/// (at most `limit` + 1, so the caller can tell that more matched): overdue
/// before `bound` (today), due soon from `today` to `bound`, long-running
/// if received before `bound` (the policy's days, `Policy::due_soon_until`
/// and `Policy::long_running_before`).
pub async fn backlog(
    db: &Db,
    offices: &[Uuid],
    kind: Backlog,
    today: NaiveDate,
    bound: NaiveDate,
    limit: u32,
) -> Result<Vec<Petition>, StoreError> {
    let mut b = Clauses::new(format!("SELECT {COLUMNS} FROM petitions WHERE closed_on IS NULL"));
    b.only_in("office_id", offices.iter().copied());
    let order = match kind {
        Backlog::Overdue => {
            let p = b.arg(bound);
            b.and(&format!("current_due_on < {p}"));
            "current_due_on, received_on"
        }
        Backlog::DueSoon => {
            let start = b.arg(today);
            let end = b.arg(bound);
            b.and(&format!("current_due_on >= {start} AND current_due_on <= {end}"));
            "current_due_on, received_on"
        }
        Backlog::LongRunning => {
            let p = b.arg(bound);
            b.and(&format!("received_on < {p}"));
            "received_on, current_due_on"
        }
    };
    let limit = b.arg(i64::from(limit) + 1);
    b.push(&format!(" ORDER BY {order}, id LIMIT {limit}"));
    Ok(petitions_of(db.fetch_all(b.into_query()).await?)?)
}

/// Every petition of one office received by `to` and not closed before
/// `from`: what the figures of [from, to] are computed from.
pub async fn for_period(
    tx: &mut Tx,
    office: Uuid,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<Petition>, StoreError> {
    let sql = format!(
        "SELECT {COLUMNS} FROM petitions WHERE office_id = $1 AND received_on <= $2 \
         AND (closed_on IS NULL OR closed_on >= $3) ORDER BY year, number"
    );
    Ok(petitions_of(
        tx.fetch_all(query_built(sql).bind(office).bind(to).bind(from)).await?,
    )?)
}

/// Petitions of one office received in [from, to], in number order: the
/// register.
pub async fn register(tx: &mut Tx, office: Uuid, from: NaiveDate, to: NaiveDate) -> Result<Vec<Petition>, StoreError> {
    let sql = format!(
        "SELECT {COLUMNS} FROM petitions WHERE office_id = $1 AND received_on >= $2 AND received_on <= $3 \
         ORDER BY year, number"
    );
    Ok(petitions_of(
        tx.fetch_all(query_built(sql).bind(office).bind(from).bind(to)).await?,
    )?)
}

/// Several petitions by id (those that exist).
pub async fn by_ids(tx: &mut Tx, ids: &[Uuid]) -> Result<Vec<Petition>, StoreError> {
    let mut out = Vec::new();
    for chunk in ids.chunks(500) {
        let ps: Vec<String> = (1..=chunk.len()).map(|i| format!("${i}")).collect();
        let sql = format!("SELECT {COLUMNS} FROM petitions WHERE id IN ({})", ps.join(", "));
        let q = chunk.iter().fold(query_built(sql), |q, id| q.bind(*id));
        out.extend(petitions_of(tx.fetch_all(q).await?)?);
    }
    Ok(out)
}
