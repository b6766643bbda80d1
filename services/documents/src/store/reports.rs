//! What register books and figures read: documents of an office by the
//! moment they were registered, numbered or completed.

use chrono::{DateTime, NaiveDate, Utc};
use uuid::Uuid;

use vanphong_platform::clock::local_date;
use vanphong_platform::db::{CorruptRow, Db, RowDecoder, StoreError, query, query_built};

use super::documents::{COLUMNS, Row};
use crate::domain::document::Document;

/// Incoming documents registered in [start, end), in incoming-number order.
pub async fn registered(
    db: &Db,
    office: Uuid,
    start: DateTime<Utc>,
    end: DateTime<Utc>,
) -> Result<Vec<Document>, StoreError> {
    let rows: Vec<Row> = db
        .fetch_all(
            query_built(format!(
                "SELECT {COLUMNS} FROM documents WHERE office_id = $1 AND direction = 'incoming' \
                 AND registered_at >= $2 AND registered_at < $3 ORDER BY arrival_year, arrival_number"
            ))
            .bind(office)
            .bind(start)
            .bind(end),
        )
        .await?;
    Ok(rows.into_iter().map(Row::into_document).collect::<Result<_, _>>()?)
}

/// Outgoing documents numbered in [start, end), in the order numbered.
pub async fn numbered(
    db: &Db,
    office: Uuid,
    start: DateTime<Utc>,
    end: DateTime<Utc>,
) -> Result<Vec<Document>, StoreError> {
    let rows: Vec<Row> = db
        .fetch_all(
            query_built(format!(
                "SELECT {COLUMNS} FROM documents WHERE office_id = $1 AND direction = 'outgoing' \
                 AND numbered_at >= $2 AND numbered_at < $3 ORDER BY numbered_at, number"
            ))
            .bind(office)
            .bind(start)
            .bind(end),
        )
        .await?;
    Ok(rows.into_iter().map(Row::into_document).collect::<Result<_, _>>()?)
}

/// The number and symbol of documents, by id (for replies).
pub async fn number_symbols(db: &Db, ids: &[Uuid]) -> Result<Vec<(Uuid, String)>, StoreError> {
    let mut out = Vec::new();
    for id in ids {
        let found = db
            .scalar::<String>(query("SELECT number_symbol FROM documents WHERE id = $1").bind(*id))
            .await?;
        if let Some(symbol) = found {
            out.push((*id, symbol));
        }
    }
    Ok(out)
}

#[derive(sqlx::FromRow)]
struct Timing {
    id: String,
    completed_at: Option<i64>,
    handling_deadline: Option<String>,
    due_on: Option<String>,
}

/// When a document was completed (its local day) and its deadline, the
/// handling deadline if set, else the due date.
struct Timed {
    done: Option<NaiveDate>,
    deadline: Option<NaiveDate>,
}

impl Timing {
    fn read(self) -> Result<Timed, CorruptRow> {
        let d = RowDecoder::new("documents", &self.id);
        let deadline = match self.handling_deadline.as_deref() {
            Some(set) => Some(d.date("handling_deadline", set)?),
            None => d.opt_date("due_on", self.due_on.as_deref())?,
        };
        Ok(Timed {
            done: d.opt_timestamp("completed_at", self.completed_at)?.map(local_date),
            deadline,
        })
    }
}

/// Reads every row of `rows`, failing on the first unreadable one.
fn read_all(rows: Vec<Timing>) -> Result<Vec<Timed>, CorruptRow> {
    rows.into_iter().map(Timing::read).collect()
}

/// The counts of one office in [start, end).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Counts {
    pub received: i64,
    pub issued_by_type: Vec<(String, i64)>,
    pub handled_on_time: i64,
    pub handled_late: i64,
    pub pending: i64,
    pub overdue: i64,
}

/// Counts the office's documents for a period whose days are
/// [first_day, last_day]; `start`/`end` are the instants those days begin
/// and the day after ends.
pub async fn counts(
    db: &Db,
    office: Uuid,
    start: DateTime<Utc>,
    end: DateTime<Utc>,
    last_day: NaiveDate,
) -> Result<Counts, StoreError> {
    let received = db
        .scalar::<i64>(
            query(
                "SELECT COUNT(*) FROM documents WHERE office_id = $1 AND direction = 'incoming' \
                 AND registered_at >= $2 AND registered_at < $3",
            )
            .bind(office)
            .bind(start)
            .bind(end),
        )
        .await?
        .unwrap_or(0);
    let issued_by_type: Vec<(String, i64)> = db
        .fetch_all(
            query(
                "SELECT type_code, COUNT(*) FROM documents WHERE office_id = $1 AND direction = 'outgoing' \
                 AND numbered_at >= $2 AND numbered_at < $3 GROUP BY type_code ORDER BY type_code",
            )
            .bind(office)
            .bind(start)
            .bind(end),
        )
        .await?;
    let completed: Vec<Timing> = db
        .fetch_all(
            query(
                "SELECT id, completed_at, handling_deadline, due_on FROM documents WHERE office_id = $1 \
                 AND direction = 'incoming' AND completed_at >= $2 AND completed_at < $3",
            )
            .bind(office)
            .bind(start)
            .bind(end),
        )
        .await?;
    let open: Vec<Timing> = db
        .fetch_all(
            query(
                "SELECT id, completed_at, handling_deadline, due_on FROM documents WHERE office_id = $1 \
                 AND direction = 'incoming' AND registered_at < $2 AND (completed_at IS NULL OR completed_at >= $2) \
                 AND status NOT IN ('refused', 'recalled')",
            )
            .bind(office)
            .bind(end),
        )
        .await?;
    let (completed, open) = (read_all(completed)?, read_all(open)?);
    let mut counts = Counts {
        received,
        issued_by_type,
        pending: open.len() as i64,
        overdue: open
            .iter()
            .filter(|t| t.deadline.is_some_and(|d| d <= last_day))
            .count() as i64,
        ..Counts::default()
    };
    for t in &completed {
        match (t.done, t.deadline) {
            (Some(done), Some(deadline)) if done > deadline => counts.handled_late += 1,
            _ => counts.handled_on_time += 1,
        }
    }
    Ok(counts)
}
