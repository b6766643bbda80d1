//! Cost against an office's history: the same registration load when the
//! office holds 100 documents, 100,000 and 1,000,000 (issue #16: the cost
//! must not grow with history), and at each size the year's figures and a
//! filtered list's first page against the same answers by hand-written
//! SQL.
//!
//! Two offices take part: one grows to each size in turn, the other keeps
//! the smallest history (and what the rounds register in it). At each size
//! the two are loaded in alternate rounds, and the figure is the median of
//! the rounds' ratios, so that the machine's own drift between one minute
//! and the next is not read as the history's cost.
//!
//! The history is written straight into the documents database (a past
//! year's incoming numbers, registered over the last year, most of them
//! done, some late or overdue), in batches, between the loads.

use std::time::Duration;

use chrono::{NaiveDate, Utc};
use vanphong_platform::clock::{local_date, local_zone, start_of_local_day, to_micros};
use vanphong_proto::documents::v1::document_query_service_client::DocumentQueryServiceClient;
use vanphong_proto::documents::v1::register_service_client::RegisterServiceClient;
use vanphong_proto::documents::v1::{Direction, GetDocumentFiguresRequest, ListDocumentsRequest, Status};

use crate::error::BenchError;
use crate::load;
use crate::suite::{Raw, Suite, authed, on_pool};
use crate::table::{self, Goal, Line, rate};

/// The year the seeded documents' incoming numbers belong to: never the
/// current one, whose numbers the gap check reads.
const SEEDED_YEAR: i64 = 2000;

/// Alternate rounds of the small and the grown office at each size.
const ROUNDS: usize = 3;

/// Where the small office's seeded documents' ids are counted from, so
/// that they never share an id with the grown office's.
const SMALL_OFFICE_SEED: u64 = 10_000_000_000;

/// Rows written per transaction while seeding.
const BATCH: u64 = 50_000;

/// A list's first page, as the console asks for it.
const PAGE: i32 = 50;

/// Measures registration in office `grown` of `suite` at each history size
/// of `sizes` (ascending) against office `small`, which holds the first
/// size throughout, and figures and list at the sizes past the first.
#[allow(clippy::too_many_arguments)]
pub async fn lines(
    suite: &Suite,
    backend: &str,
    grown: &'static str,
    small: &'static str,
    sizes: &[u64],
    clients: usize,
    length: Duration,
    lines: &mut Vec<Line>,
) -> Result<(), BenchError> {
    let office = suite.office_id(grown)?;
    let small_office = suite.office_id(small)?;
    let db = suite.documents_db().await?;
    let Some(&smallest) = sizes.first() else {
        return Ok(());
    };
    crate::note(&format!(
        "{backend}: seeding {small} and {grown} to {smallest} documents"
    ));
    seed(&db, &small_office, SMALL_OFFICE_SEED, 0, smallest).await?;
    seed(&db, &office, 0, 0, smallest).await?;
    let mut seeded = smallest;
    crate::note(&format!(
        "{backend}: register incoming at {smallest} documents of history"
    ));
    let first = suite.register_incoming(&[small], clients, length).await?;
    lines.push(Line {
        figure: format!(
            "register incoming, {backend}, office holding {} documents",
            thousands(smallest)
        ),
        value: rate(&first),
        floor: "—".into(),
        ratio: None,
        goal: Goal::None,
        also: None,
    });
    for &size in &sizes[1..] {
        crate::note(&format!("{backend}: seeding {grown} to {size} documents"));
        seed(&db, &office, 0, seeded, size).await?;
        seeded = size;
        crate::note(&format!(
            "{backend}: register incoming at {size} documents of history, {ROUNDS} rounds against {small}"
        ));
        let (small_only, grown_only) = ([small], [grown]);
        let rounds = load::alternated(
            ROUNDS,
            || suite.register_incoming(&small_only, clients, length),
            || suite.register_incoming(&grown_only, clients, length),
        )
        .await?;
        lines.push(Line {
            figure: format!(
                "register incoming, {backend}, office holding {} documents",
                thousands(size)
            ),
            value: rate(&rounds.measured),
            floor: format!(
                "office holding {}+ documents {:.0}/s, alternate rounds",
                thousands(smallest),
                rounds.base.rate()
            ),
            ratio: rounds.ratio,
            // Within 10 % of the rate at the smallest history.
            goal: Goal::AtLeast(0.9),
            also: None,
        });
        let at = Office {
            suite,
            db: &db,
            slug: grown,
            id: &office,
            backend,
            size,
        };
        lines.push(figures_line(&at).await?);
        lines.push(list_line(&at).await?);
    }
    db.close().await;
    Ok(())
}

/// Adds documents `from`..`to` (numbered by their position) to `office`,
/// their ids counted from `ids_from`.
async fn seed(db: &Raw, office: &str, ids_from: u64, from: u64, to: u64) -> Result<(), BenchError> {
    let now = to_micros(Utc::now());
    let mut start = from;
    while start < to {
        let end = (start + BATCH).min(to);
        let sql = seed_sql(db);
        let (first, last) = (start as i64 + 1, end as i64);
        on_pool!(db, pool => sqlx::query(sqlx::AssertSqlSafe(sql.clone()))
            .bind(office)
            .bind(first)
            .bind(last)
            .bind(now)
            .bind(ids_from as i64)
            .execute(pool)
            .await
            .map(|_| ()))
        .map_err(BenchError::sql("seeding history"))?;
        start = end;
    }
    // A year's history has been vacuumed and analyzed many times over; a
    // history loaded at once would be, by autovacuum, during the next
    // measurement (its full-text index's pending entries merged while
    // registrations wait for them). The bench does it now, so the load
    // measures the office, not the bulk load's aftermath. (SQLite plans
    // without statistics and merges its full-text index as it goes, as the
    // suite runs it.)
    if let Raw::Postgres(pool) = db {
        sqlx::raw_sql("VACUUM (ANALYZE) documents")
            .execute(pool)
            .await
            .map_err(BenchError::sql("analyzing the history"))?;
    }
    Ok(())
}

/// One batch of history: documents $2..=$3 of office $1 (their ids counted
/// from $5), registered one every 31 s going back from $4 (a million cover
/// the last year), nineteen in twenty done a day later, one in three due
/// long ago (late or overdue), one in three due far ahead.
fn seed_sql(db: &Raw) -> String {
    let (id, number_symbol) = match db {
        Raw::Sqlite(_) => (
            "printf('00000000-0000-4000-8000-%012d', i + $5)",
            "printf('%d/UBND-VP', i)",
        ),
        Raw::Postgres(_) => (
            "'00000000-0000-4000-8000-' || lpad((i + $5)::text, 12, '0')",
            "i::text || '/UBND-VP'",
        ),
    };
    let sql = format!(
        "WITH RECURSIVE n(i) AS (SELECT CAST($2 AS BIGINT) UNION ALL SELECT i + 1 FROM n WHERE i < $3), \
         r AS (SELECT i, CAST($4 AS BIGINT) - i * 31000000 AS at FROM n) \
         INSERT INTO documents (id, office_id, direction, status, type_code, subject, number, symbol, \
         number_symbol, issued_on, issuer_name, issuer_code, signer_name, signer_position, urgency, secrecy, \
         pages, due_on, channel, duplicate_key, arrival_year, arrival_number, received_at, registered_at, \
         completed_at, search_text, created_by, registered_by, created_at, updated_at) \
         SELECT {id}, $1, 'incoming', CASE WHEN i % 20 = 0 THEN 'registered' ELSE 'done' END, 'CV', \
         'Công văn lưu số ' || i, i, 'UBND-VP', {number_symbol}, '2000-01-01', \
         'Ủy ban nhân dân huyện Hiệp Hòa', 'UBND', '', '', 0, 0, 1, \
         CASE i % 3 WHEN 0 THEN NULL WHEN 1 THEN '2000-01-02' ELSE '2999-12-31' END, 'paper', \
         'seed|' || i, {SEEDED_YEAR}, i, at, at, \
         CASE WHEN i % 20 = 0 THEN NULL ELSE at + 86400000000 END, 'cong van luu so ' || i, \
         '00000000-0000-4000-8000-000000000000', '00000000-0000-4000-8000-000000000000', at, at FROM r"
    );
    match db {
        // SQLite numbers `$N` by first appearance; `?N` is positional.
        Raw::Sqlite(_) => sql.replace('$', "?"),
        Raw::Postgres(_) => sql,
    }
}

/// Where the figures and lists are measured: the office, its database and
/// how much history it holds.
struct Office<'a> {
    suite: &'a Suite,
    db: &'a Raw,
    slug: &'a str,
    id: &'a str,
    backend: &'a str,
    size: u64,
}

impl Office<'_> {
    /// A line of `took` against the same answer by hand-written SQL.
    fn versus_sql(&self, what: &str, took: Duration, sql: Duration, goal: Goal) -> Line {
        Line {
            figure: format!("{what}, {}, {} documents", self.backend, thousands(self.size)),
            value: table::millis(took),
            floor: format!("hand-written SQL {}", table::millis(sql)),
            ratio: (sql > Duration::ZERO).then(|| took.as_secs_f64() / sql.as_secs_f64()),
            goal,
            also: None,
        }
    }
}

/// GetDocumentFigures for the last 365 days against the same figures by
/// hand-written SQL; the two must agree.
async fn figures_line(at: &Office<'_>) -> Result<Line, BenchError> {
    let (suite, db, slug, office) = (at.suite, at.db, at.slug, at.id);
    let to = local_date(Utc::now());
    let from = to - chrono::Duration::days(364);
    let token = suite.clerk_token(slug).await?;
    let registers = RegisterServiceClient::new(suite.channel());
    let (api, answer) = load::median(3, || {
        let mut registers = registers.clone();
        let request = authed(
            GetDocumentFiguresRequest {
                office_id: office.to_string(),
                from: from.to_string(),
                to: to.to_string(),
                include_descendants: false,
            },
            &token,
        );
        async move { registers.get_document_figures(request).await }
    })
    .await
    .map_err(BenchError::call("document figures"))?;
    let (sql, by_sql) = load::median(3, || figures_by_sql(db, office, from, to))
        .await
        .map_err(BenchError::sql("figures by SQL"))?;
    let got = answer.into_inner().offices.into_iter().next().unwrap_or_default();
    let got = (
        got.received,
        got.handled_on_time,
        got.handled_late,
        got.pending,
        got.overdue,
    );
    if got != by_sql {
        return Err(BenchError::Check(format!(
            "figures {got:?} differ from the SQL's {by_sql:?} (received, on time, late, pending, overdue)"
        )));
    }
    Ok(at.versus_sql("documents figures for a year", api, sql, Goal::AtMost(2.0)))
}

type Figures = (i64, i64, i64, i64, i64);

/// The office's incoming figures for [from, to] in one statement:
/// received, on time, late, pending and overdue.
async fn figures_by_sql(db: &Raw, office: &str, from: NaiveDate, to: NaiveDate) -> Result<Figures, sqlx::Error> {
    let start = to_micros(start_of_local_day(from));
    let end = to_micros(start_of_local_day(to.succ_opt().unwrap_or(to)));
    let offset = local_zone().local_minus_utc();
    let done_on = match db {
        Raw::Sqlite(_) => format!("date(completed_at / 1000000 + {offset}, 'unixepoch')"),
        Raw::Postgres(_) => {
            format!("to_char(to_timestamp(completed_at / 1000000 + {offset}) AT TIME ZONE 'UTC', 'YYYY-MM-DD')")
        }
    };
    let deadline = "COALESCE(handling_deadline, due_on)";
    let completed = "completed_at >= $2 AND completed_at < $3";
    let open = "registered_at < $3 AND (completed_at IS NULL OR completed_at >= $3) \
                AND status NOT IN ('refused', 'recalled')";
    let sql = format!(
        "SELECT COUNT(CASE WHEN registered_at >= $2 AND registered_at < $3 THEN 1 END), \
         COUNT(CASE WHEN {completed} THEN 1 END), \
         COUNT(CASE WHEN {completed} AND {done_on} > {deadline} THEN 1 END), \
         COUNT(CASE WHEN {open} THEN 1 END), \
         COUNT(CASE WHEN {open} AND {deadline} <= $4 THEN 1 END) \
         FROM documents WHERE office_id = $1 AND direction = 'incoming'"
    );
    let last_day = to.format("%Y-%m-%d").to_string();
    let sql = match db {
        // SQLite numbers `$N` by first appearance; `?N` is positional.
        Raw::Sqlite(_) => sql.replace('$', "?"),
        Raw::Postgres(_) => sql,
    };
    let (received, completed, late, pending, overdue): Figures = on_pool!(db, pool => sqlx::query_as(sqlx::AssertSqlSafe(sql.clone()))
        .bind(office)
        .bind(start)
        .bind(end)
        .bind(last_day.clone())
        .fetch_one(pool)
        .await)?;
    Ok((received, completed - late, late, pending, overdue))
}

/// ListDocuments' first page of the office's registered incoming
/// documents (newest first) against the same page by hand-written SQL.
async fn list_line(at: &Office<'_>) -> Result<Line, BenchError> {
    let (suite, db, slug, office) = (at.suite, at.db, at.slug, at.id);
    let token = suite.clerk_token(slug).await?;
    let queries = DocumentQueryServiceClient::new(suite.channel());
    let (api, page) = load::median(5, || {
        let mut queries = queries.clone();
        let request = authed(
            ListDocumentsRequest {
                office_id: office.to_string(),
                direction: Direction::Incoming as i32,
                statuses: vec![Status::Registered as i32],
                page_size: PAGE,
                ..Default::default()
            },
            &token,
        );
        async move { queries.list_documents(request).await }
    })
    .await
    .map_err(BenchError::call("list documents"))?;
    let sql = "SELECT * FROM documents WHERE office_id = $1 AND direction = 'incoming' AND status = 'registered' \
               ORDER BY created_at DESC, id DESC LIMIT $2";
    let (floor, rows) = load::median(5, || async {
        on_pool!(db, pool => sqlx::query(sql)
            .bind(office)
            .bind(i64::from(PAGE))
            .fetch_all(pool)
            .await
            .map(|r| r.len()))
    })
    .await
    .map_err(BenchError::sql("list by SQL"))?;
    let listed = page.into_inner().documents.len();
    if listed != rows {
        return Err(BenchError::Check(format!(
            "the list's first page has {listed} documents, the SQL's {rows}"
        )));
    }
    Ok(at.versus_sql(&format!("list, filtered, first page of {PAGE}"), api, floor, Goal::None))
}

/// 1000000 as "1,000,000".
fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thousands_are_grouped() {
        assert_eq!(thousands(100), "100");
        assert_eq!(thousands(100_000), "100,000");
        assert_eq!(thousands(1_000_000), "1,000,000");
    }
}
