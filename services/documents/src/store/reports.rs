//! What register books and figures read: documents of an office by the
//! moment they were registered, numbered or completed.

use chrono::{DateTime, NaiveDate, Utc};
use uuid::Uuid;

use vanphong_platform::clock::local_zone;
use vanphong_platform::db::{Backend, Db, RowDecoder, StoreError, count_where, query, query_built};

use super::documents::{COLUMNS, Row};
use super::people::IDS_PER_STATEMENT;
use crate::domain::document::Document;
use crate::domain::kinds::Direction;
use vanphong_platform::db::placeholders;

/// The office's documents of one direction in a register book's window
/// [start, end): incoming ones registered then, in incoming-number order;
/// outgoing ones numbered then, in the order numbered.
pub async fn in_window(
    db: &Db,
    direction: Direction,
    office: Uuid,
    start: DateTime<Utc>,
    end: DateTime<Utc>,
) -> Result<Vec<Document>, StoreError> {
    let condition = match direction {
        Direction::Incoming => {
            "direction = 'incoming' AND registered_at >= $2 AND registered_at < $3 ORDER BY arrival_year, arrival_number"
        }
        Direction::Outgoing => {
            "direction = 'outgoing' AND numbered_at >= $2 AND numbered_at < $3 ORDER BY numbered_at, number"
        }
    };
    let sql = format!("SELECT {COLUMNS} FROM documents WHERE office_id = $1 AND {condition}");
    let rows: Vec<Row> = db
        .fetch_all(query_built(sql).bind(office).bind(start).bind(end))
        .await?;
    Ok(rows.into_iter().map(Row::into_document).collect::<Result<_, _>>()?)
}

/// The number and symbol of documents, by id (for replies), a slice of ids
/// per statement.
pub async fn number_symbols(db: &Db, ids: &[Uuid]) -> Result<Vec<(Uuid, String)>, StoreError> {
    let mut out = Vec::with_capacity(ids.len());
    for slice in ids.chunks(IDS_PER_STATEMENT) {
        let sql = format!(
            "SELECT id, number_symbol FROM documents WHERE id IN ({})",
            placeholders(slice.len())
        );
        let rows: Vec<(String, String)> = db
            .fetch_all(slice.iter().fold(query_built(sql), |q, id| q.bind(*id)))
            .await?;
        for (id, symbol) in rows {
            out.push((RowDecoder::new("documents", &id).id("id", &id)?, symbol));
        }
    }
    Ok(out)
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

/// The local calendar day (`YYYY-MM-DD`) of an instant column, as
/// [`local_date`] reads it, in each backend's SQL.
fn local_day_sql(backend: Backend, column: &str) -> String {
    let offset = local_zone().local_minus_utc();
    match backend {
        Backend::Sqlite => format!("date({column} / 1000000 + {offset}, 'unixepoch')"),
        Backend::Postgres => {
            format!("to_char(to_timestamp({column} / 1000000 + {offset}) AT TIME ZONE 'UTC', 'YYYY-MM-DD')")
        }
    }
}

/// Counts the office's documents for a period whose days are
/// [first_day, last_day]; `start`/`end` are the instants those days begin
/// and the day after ends.
///
/// Counted by the database in one pass over the office's incoming
/// documents (and one over the outgoing ones numbered in the period): a
/// year of a busy office is counted, not carried row by row into the
/// service. A document is late when the local day it was completed is
/// after its deadline (the handling deadline if set, else the due date),
/// and overdue when still open at the end of the period with its deadline
/// on or before the period's last day.
pub async fn counts(
    db: &Db,
    office: Uuid,
    start: DateTime<Utc>,
    end: DateTime<Utc>,
    last_day: NaiveDate,
) -> Result<Counts, StoreError> {
    // Placeholders first appear in ascending order (SQLite numbers them so).
    let deadline = "COALESCE(handling_deadline, due_on)";
    let completed = "completed_at >= $1 AND completed_at < $2";
    let open = "registered_at < $2 AND (completed_at IS NULL OR completed_at >= $2) \
                AND status NOT IN ('refused', 'recalled')";
    let done_on = local_day_sql(db.backend(), "completed_at");
    let sql = format!(
        "SELECT {}, {}, {}, {}, {} FROM documents WHERE office_id = $4 AND direction = 'incoming'",
        count_where("registered_at >= $1 AND registered_at < $2"),
        count_where(completed),
        count_where(&format!("{completed} AND {done_on} > {deadline}")),
        count_where(open),
        count_where(&format!("{open} AND {deadline} <= $3")),
    );
    let row: Option<(i64, i64, i64, i64, i64)> = db
        .fetch_optional(query_built(sql).bind(start).bind(end).bind(last_day).bind(office))
        .await?;
    let (received, completed, late, pending, overdue) = row.unwrap_or_default();
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
    Ok(Counts {
        received,
        issued_by_type,
        handled_on_time: completed - late,
        handled_late: late,
        pending,
        overdue,
    })
}
