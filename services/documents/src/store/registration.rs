//! Writing a new incoming document at its registration: the document with
//! its số đến, the people it goes to, its first history entry, and the
//! office's audit head advanced for the record that names the number.
//!
//! Taking the number locks the office's series until the commit, and the
//! audit head is locked the same way, so both are taken as late as possible
//! and held for as few round trips as possible (docs/domain.md, 2.2). All of
//! it is one call to the database: on PostgreSQL one statement, which
//! writes the audit record too when the registration is not in a
//! transaction of its own (without a request id to remember,
//! [`insert_numbered_recorded`]), or after which only the audit record and
//! the commit remain; on SQLite, whose one writer holds the database for the
//! whole transaction, a batch of statements sent at once instead of one
//! trip to the database's thread each.

use uuid::Uuid;

use vanphong_platform::audit::{self, GENESIS, Head};
use vanphong_platform::audit_in_statement::RecordInStatement;
use vanphong_platform::db::{Backend, Db, Query, StoreError, Tx, query_built};
use vanphong_platform::history::{Event, History};
use vanphong_platform::number_series::{ADVANCE, CURRENT_NUMBER, NEXT_NUMBER, next_number_where};

use super::documents::{COLUMNS, bind_fields};
use super::people::DOCUMENTS;
use crate::domain::document::Document;

/// Where a registration stands once written: the office's audit head,
/// advanced for the record that names the document's number.
pub struct Written {
    pub head: Head,
}

#[derive(sqlx::FromRow)]
struct Row {
    number: i64,
    seq: i64,
    hash: String,
}

/// Writes the new incoming document `d` numbered next in `series` for
/// `year` (its `arrival_number` and `arrival_year` are set here),
/// distributed to `distribution`, with `event` as its first history entry,
/// and advances the office's audit head.
pub async fn insert_numbered(
    tx: &mut Tx,
    d: &mut Document,
    series: &str,
    year: i32,
    distribution: &[Uuid],
    event: &Event,
) -> Result<Written, StoreError> {
    let q = numbered_query(statement(tx.backend(), false), d, series, year, distribution, event);
    let rows: Vec<Row> = tx.fetch_all(q).await?;
    written(rows, d)
}

/// As [`insert_numbered`] on PostgreSQL, with the audit record of the
/// registration (which names the number) written by the same statement,
/// run on its own: one round trip, no transaction around it, the office's
/// series and audit head held only while the statement commits. The
/// statement also checks the document's type against the catalog: `false`,
/// and nothing written, when it is not an active type.
pub async fn insert_numbered_recorded(
    db: &Db,
    d: &mut Document,
    series: &str,
    year: i32,
    distribution: &[Uuid],
    event: &Event,
    record: RecordInStatement,
) -> Result<bool, StoreError> {
    let q = numbered_query(statement(Backend::Postgres, true), d, series, year, distribution, event);
    let rows: Vec<Row> = db.fetch_all(record.bind(q)).await?;
    if rows.is_empty() {
        return Ok(false);
    }
    written(rows, d).map(|_| true)
}

fn numbered_query(
    sql: String,
    d: &mut Document,
    series: &str,
    year: i32,
    distribution: &[Uuid],
    event: &Event,
) -> Query {
    d.arrival_year = Some(year);
    d.arrival_number = None;
    let mut named: Vec<String> = distribution.iter().map(Uuid::to_string).collect();
    named.sort_unstable();
    named.dedup();
    let named = serde_json::Value::from(named).to_string();
    let q = bind_fields(query_built(sql).bind(d.office_id).bind(series).bind(d.id), d).bind(named);
    History::bind_entry(q, event).bind(GENESIS)
}

fn written(rows: Vec<Row>, d: &mut Document) -> Result<Written, StoreError> {
    let row = rows
        .into_iter()
        .next()
        .ok_or(StoreError::Other(sqlx::Error::RowNotFound))?;
    d.arrival_number = Some(row.number);
    Ok(Written {
        head: Head {
            seq: row.seq,
            hash: row.hash,
        },
    })
}

/// How many of the document's columns come before `column` in [`COLUMNS`].
fn columns_before(column: &str) -> usize {
    COLUMNS
        .split(',')
        .map(str::trim)
        .position(|c| c == column)
        .unwrap_or_else(|| unreachable!("{column} is one of the documents' columns"))
}

/// The SQL of [`insert_numbered`]; its placeholders: `$1` the office and
/// `$2` the series (the number series'), `$3` on the document's columns
/// with the derived two, then the distribution (a JSON array of ids), the
/// history entry's six values and the audit chain's genesis, then (when
/// `recorded`, on PostgreSQL) the audit record's values. It returns one
/// row: the number, and the head's `seq` and `hash`.
fn statement(backend: Backend, recorded: bool) -> String {
    let columns: Vec<&str> = COLUMNS
        .split(',')
        .map(str::trim)
        .chain(["duplicate_key", "search_text"])
        .collect();
    let number_from = match backend {
        Backend::Postgres => "n.last_number",
        Backend::Sqlite => CURRENT_NUMBER,
    };
    let values: Vec<String> = (3..)
        .zip(&columns)
        .map(|(i, column)| match *column {
            "arrival_number" => format!("COALESCE(${i}, {number_from})"),
            _ => format!("${i}"),
        })
        .collect();
    let (columns, values) = (columns.join(", "), values.join(", "));
    let users = 3 + COLUMNS.split(',').count() + 2;
    let entry = users + 1;
    let genesis = format!("${}", entry + 6);
    match backend {
        // The series row is locked first (`n`), the document written with
        // its number (`d`), then the rest; the audit head (`h`) reads from
        // `d`, so it is locked after the series, the order every other
        // write takes them in.
        Backend::Postgres => format!(
            "WITH n AS ({}), \
             d AS (INSERT INTO documents ({columns}) SELECT {values} FROM n RETURNING id), \
             dist AS (INSERT INTO document_distribution (document_id, user_id) \
                      SELECT d.id, user_id FROM d, json_array_elements_text(CAST(${users} AS json)) AS user_id), \
             e AS ({}), \
             {} \
             SELECT n.last_number AS number, h.seq, h.hash FROM n, h",
            if recorded {
                // No number, and so nothing written, for a type that is not
                // an active one of the catalog.
                let type_code = 3 + columns_before("type_code");
                next_number_where(&format!(
                    "EXISTS (SELECT 1 FROM document_types WHERE code = ${type_code} AND active)"
                ))
            } else {
                NEXT_NUMBER.to_string()
            },
            DOCUMENTS.add_after("d", entry),
            if recorded {
                let number = "(SELECT last_number FROM n)";
                RecordInStatement::ctes("$1", &genesis, entry + 7, "d", number)
            } else {
                format!("h AS ({})", audit::advance_head_after("$1", &genesis, "d"))
            },
        ),
        Backend::Sqlite => format!(
            "{ADVANCE}; \
             INSERT INTO documents ({columns}) VALUES ({values}); \
             INSERT INTO document_distribution (document_id, user_id) SELECT $3, value FROM json_each(${users}); \
             WITH d AS (SELECT $3 AS id) {}; \
             {}; \
             SELECT {CURRENT_NUMBER} AS number, {}",
            DOCUMENTS.add_after("d", entry),
            audit::advance_head_in_batch("$1", &genesis),
            audit::head_columns("$1"),
        ),
    }
}
