//! Writing a new incoming document at its registration: the document with
//! its số đến, the people it goes to, its first history entry, and the
//! office's audit head advanced for the record that names the number.
//!
//! Taking the number locks the office's series until the commit (on
//! PostgreSQL; SQLite has one writer anyway), and the audit head is locked
//! the same way, so both are taken as late as possible and held for as few
//! round trips as possible (docs/domain.md, 2.2): on PostgreSQL everything
//! here is one statement, after which only the audit record and the commit
//! remain.

use uuid::Uuid;

use vanphong_platform::audit::{self, GENESIS, Head};
use vanphong_platform::db::{Backend, StoreError, Tx, query_built};
use vanphong_platform::history::{Event, History};
use vanphong_platform::number_series::{NEXT_NUMBER, next_number};

use super::documents::{COLUMNS, bind_fields, insert};
use super::people::{DOCUMENTS, add_distribution, add_event};
use crate::domain::document::Document;

/// Where a registration stands once written: the office's audit head,
/// advanced for the record that names the document's number.
pub struct Written {
    pub head: Head,
}

/// Writes the new incoming document `d` numbered next in `series` for
/// `year` (its `arrival_number` and `arrival_year` are set here),
/// distributed to `distribution` (no repeats), with `event` as its first
/// history entry, and advances the office's audit head.
pub async fn insert_numbered(
    tx: &mut Tx,
    d: &mut Document,
    series: &str,
    year: i32,
    distribution: &[Uuid],
    event: &Event,
) -> Result<Written, StoreError> {
    d.arrival_year = Some(year);
    d.arrival_number = None;
    if tx.backend() == Backend::Postgres {
        return insert_numbered_in_one(tx, d, series, distribution, event).await;
    }
    d.arrival_number = Some(next_number(tx, d.office_id, series).await?);
    insert(tx, d).await?;
    add_distribution(tx, d.id, distribution).await?;
    add_event(tx, d.id, event).await?;
    Ok(Written {
        head: audit::advance_head(tx, d.office_id).await?,
    })
}

/// The PostgreSQL statement: the series row is locked first (`n`), the
/// document written with its number (`d`), then the rest; the audit head
/// (`h`) reads from `d`, so it is locked after the series, the order every
/// other write takes them in.
async fn insert_numbered_in_one(
    tx: &mut Tx,
    d: &mut Document,
    series: &str,
    distribution: &[Uuid],
    event: &Event,
) -> Result<Written, StoreError> {
    #[derive(sqlx::FromRow)]
    struct Row {
        number: i64,
        seq: i64,
        hash: String,
    }
    // $1 office and $2 series (NEXT_NUMBER's), then the document's columns
    // with the derived two, then the distribution, the history entry's six
    // values and the audit chain's genesis.
    let columns: Vec<&str> = COLUMNS
        .split(',')
        .map(str::trim)
        .chain(["duplicate_key", "search_text"])
        .collect();
    let values: Vec<String> = columns
        .iter()
        .enumerate()
        .map(|(i, column)| match *column {
            "arrival_number" => format!("COALESCE(${}, n.last_number)", i + 3),
            _ => format!("${}", i + 3),
        })
        .collect();
    let users = columns.len() + 3;
    let entry = users + 1;
    let genesis = entry + 6;
    let sql = format!(
        "WITH n AS ({NEXT_NUMBER}), \
         d AS (INSERT INTO documents ({}) SELECT {} FROM n RETURNING id), \
         dist AS (INSERT INTO document_distribution (document_id, user_id) \
               SELECT d.id, user_id FROM d, unnest(string_to_array(${users}, ',')) AS user_id), \
         e AS ({}), \
         h AS ({}) \
         SELECT n.last_number AS number, h.seq, h.hash FROM n, h",
        columns.join(", "),
        values.join(", "),
        DOCUMENTS.add_after("d", entry),
        audit::advance_head_after("$1", &format!("${genesis}"), "d"),
    );
    let mut named: Vec<String> = distribution.iter().map(Uuid::to_string).collect();
    named.sort_unstable();
    named.dedup();
    let q = bind_fields(query_built(sql).bind(d.office_id).bind(series).bind(d.id), d).bind(named.join(","));
    let row: Option<Row> = tx.fetch_optional(History::bind_entry(q, event).bind(GENESIS)).await?;
    let row = row.ok_or(StoreError::Other(sqlx::Error::RowNotFound))?;
    d.arrival_number = Some(row.number);
    Ok(Written {
        head: Head {
            seq: row.seq,
            hash: row.hash,
        },
    })
}
