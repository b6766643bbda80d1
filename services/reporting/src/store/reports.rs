//! Reports and their history: whole rows in and out.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};
use uuid::Uuid;

use vanphong_platform::db::{Clauses, CorruptRow, Db, RowDecoder, StoreError, Tx, query, query_built};

use crate::domain::figures::FigureTable;
use crate::domain::period::{Kind, Period};
use crate::domain::report::{Report, Status};

/// Every column, in the order of [`Row`].
const COLUMNS: &str = "id, office_id, kind, period_year, period_number, period_from, period_to, title, status, \
     sections_json, figures_json, deadline, parent_office_id, place, round, created_by, created_at, updated_at, \
     submitted_at, approved_by, approved_at, override_reason, document_id, number_symbol, issued_on, \
     signing_prefix, signing_body, signer_position, signer_name, sent_at, decided_at, return_reason, writer_id";

#[derive(sqlx::FromRow)]
struct Row {
    id: String,
    office_id: String,
    kind: String,
    period_year: i64,
    period_number: i64,
    period_from: String,
    period_to: String,
    title: String,
    status: String,
    sections_json: String,
    figures_json: Option<String>,
    deadline: String,
    parent_office_id: Option<String>,
    place: String,
    round: i64,
    created_by: String,
    created_at: i64,
    updated_at: i64,
    submitted_at: Option<i64>,
    approved_by: Option<String>,
    approved_at: Option<i64>,
    override_reason: String,
    document_id: Option<String>,
    number_symbol: String,
    issued_on: Option<String>,
    signing_prefix: String,
    signing_body: String,
    signer_position: String,
    signer_name: String,
    sent_at: Option<i64>,
    decided_at: Option<i64>,
    return_reason: String,
    /// Absent only in a row written before migration 0003 by an older build.
    writer_id: Option<String>,
}

impl Row {
    fn into_report(self) -> Result<Report, CorruptRow> {
        let d = RowDecoder::new("reports", &self.id);
        Ok(Report {
            id: d.id("id", &self.id)?,
            office_id: d.id("office_id", &self.office_id)?,
            period: Period {
                kind: d.coded("kind", &self.kind)?,
                year: d.int("period_year", self.period_year)?,
                number: d.int("period_number", self.period_number)?,
                from: d.date("period_from", &self.period_from)?,
                to: d.date("period_to", &self.period_to)?,
            },
            title: self.title,
            status: d.coded("status", &self.status)?,
            sections: d.json("sections_json", &self.sections_json)?,
            figures: self
                .figures_json
                .map(|f| d.json::<FigureTable>("figures_json", &f))
                .transpose()?,
            deadline: d.date("deadline", &self.deadline)?,
            parent_office_id: d.opt_id("parent_office_id", self.parent_office_id.as_deref())?,
            place: self.place,
            round: self.round,
            created_by: d.id("created_by", &self.created_by)?,
            writer: d.id("writer_id", self.writer_id.as_deref().unwrap_or(&self.created_by))?,
            created_at: d.timestamp("created_at", self.created_at)?,
            updated_at: d.timestamp("updated_at", self.updated_at)?,
            submitted_at: d.opt_timestamp("submitted_at", self.submitted_at)?,
            approved_by: d.opt_id("approved_by", self.approved_by.as_deref())?,
            approved_at: d.opt_timestamp("approved_at", self.approved_at)?,
            override_reason: self.override_reason,
            document_id: d.opt_id("document_id", self.document_id.as_deref())?,
            number_symbol: self.number_symbol,
            issued_on: d.opt_date("issued_on", self.issued_on.as_deref())?,
            signing_prefix: self.signing_prefix,
            signing_body: self.signing_body,
            signer_position: self.signer_position,
            signer_name: self.signer_name,
            sent_at: d.opt_timestamp("sent_at", self.sent_at)?,
            decided_at: d.opt_timestamp("decided_at", self.decided_at)?,
            return_reason: self.return_reason,
        })
    }
}

fn sections_json(r: &Report) -> String {
    serde_json::to_string(&r.sections).unwrap_or_else(|_| "{}".into())
}

fn figures_json(r: &Report) -> Option<String> {
    r.figures.as_ref().and_then(|f| serde_json::to_string(f).ok())
}

/// Stores a new report.
pub async fn insert(tx: &mut Tx, r: &Report) -> Result<(), StoreError> {
    tx.execute(vanphong_platform::binds!(query_built(format!(
            "INSERT INTO reports ({COLUMNS}, period_key) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, \
             $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24, $25, $26, $27, $28, $29, $30, $31, $32, $33, $34)"
        ))
        => r.id, r.office_id, r.period.kind.code(), i64::from(r.period.year), i64::from(r.period.number),
           r.period.from, r.period.to, &r.title, r.status.code(), sections_json(r), figures_json(r), r.deadline,
           r.parent_office_id, &r.place, r.round, r.created_by, r.created_at, r.updated_at, r.submitted_at,
           r.approved_by, r.approved_at, &r.override_reason, r.document_id, &r.number_symbol, r.issued_on,
           &r.signing_prefix, &r.signing_body, &r.signer_position, &r.signer_name, r.sent_at, r.decided_at,
           &r.return_reason, r.writer, r.period.key()))
        .await?;
    Ok(())
}

/// Writes every changing column of the report.
pub async fn update(tx: &mut Tx, r: &Report) -> Result<(), StoreError> {
    tx.execute(vanphong_platform::binds!(query(
            "UPDATE reports SET title = $1, status = $2, sections_json = $3, figures_json = $4, place = $5, \
             round = $6, updated_at = $7, submitted_at = $8, approved_by = $9, approved_at = $10, \
             override_reason = $11, document_id = $12, number_symbol = $13, issued_on = $14, signing_prefix = $15, \
             signing_body = $16, signer_position = $17, signer_name = $18, sent_at = $19, decided_at = $20, \
             return_reason = $21, writer_id = $22 WHERE id = $23",
        )
        => &r.title, r.status.code(), sections_json(r), figures_json(r), &r.place, r.round, r.updated_at,
           r.submitted_at, r.approved_by, r.approved_at, &r.override_reason, r.document_id, &r.number_symbol,
           r.issued_on, &r.signing_prefix, &r.signing_body, &r.signer_position, &r.signer_name, r.sent_at,
           r.decided_at, &r.return_reason, r.writer, r.id))
        .await?;
    Ok(())
}

/// The report, if it exists.
pub async fn get(tx: &mut Tx, report: Uuid) -> Result<Option<Report>, StoreError> {
    by_id(tx, report, false).await
}

/// The report, locked for a read-then-write.
pub async fn get_for_update(tx: &mut Tx, report: Uuid) -> Result<Option<Report>, StoreError> {
    by_id(tx, report, true).await
}

async fn by_id(tx: &mut Tx, report: Uuid, lock: bool) -> Result<Option<Report>, StoreError> {
    let row: Option<Row> = tx.fetch_by_id("reports", COLUMNS, report, lock).await?;
    Ok(row.map(Row::into_report).transpose()?)
}

/// The office's report for a period, if there is one.
pub async fn find(tx: &mut Tx, office: Uuid, period: &Period) -> Result<Option<Report>, StoreError> {
    let row: Option<Row> = tx
        .fetch_optional(
            query_built(format!(
                "SELECT {COLUMNS} FROM reports WHERE office_id = $1 AND period_key = $2"
            ))
            .bind(office)
            .bind(period.key()),
        )
        .await?;
    Ok(row.map(Row::into_report).transpose()?)
}

/// The office's reports in any of `statuses`, locked for the rest of the
/// transaction on PostgreSQL (a handover changes them).
pub async fn of_office_in(tx: &mut Tx, office: Uuid, statuses: &[Status]) -> Result<Vec<Report>, StoreError> {
    let q = tx.office_rows_in_states("reports", COLUMNS, office, statuses.iter().map(|s| s.code()));
    let rows: Vec<Row> = tx.fetch_all(q).await?;
    Ok(rows.into_iter().map(Row::into_report).collect::<Result<_, _>>()?)
}

/// The reports of a period, by office.
pub async fn of_period(db: &Db, period: &Period) -> Result<BTreeMap<Uuid, Report>, StoreError> {
    let rows: Vec<Row> = db
        .fetch_all(query_built(format!("SELECT {COLUMNS} FROM reports WHERE period_key = $1")).bind(period.key()))
        .await?;
    Ok(rows
        .into_iter()
        .map(|row| row.into_report().map(|r| (r.office_id, r)))
        .collect::<Result<_, _>>()?)
}

/// Filters of a report list.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    pub offices: Vec<Uuid>,
    pub kind: Option<Kind>,
    pub year: Option<i32>,
    pub statuses: Vec<Status>,
    /// Only the reports this person is to write.
    pub writer: Option<Uuid>,
    /// Only those due from / until these days (inclusive).
    pub deadline_from: Option<NaiveDate>,
    pub deadline_to: Option<NaiveDate>,
    /// Only those sent up to this office.
    pub parent: Option<Uuid>,
}

/// A page of reports, latest periods first.
pub async fn list(db: &Db, filter: &Filter, offset: u64, limit: u32) -> Result<Vec<Report>, StoreError> {
    let mut b = Clauses::new(format!("SELECT {COLUMNS} FROM reports WHERE 1 = 1"));
    b.only_in("office_id", filter.offices.iter().copied());
    b.compare("kind", "=", filter.kind.map(|k| k.code()));
    b.compare("period_year", "=", filter.year);
    b.filter_in("status", filter.statuses.iter().map(|s| s.code()));
    b.compare("writer_id", "=", filter.writer);
    b.compare("parent_office_id", "=", filter.parent);
    if filter.deadline_from.is_some() || filter.deadline_to.is_some() {
        b.and("deadline <> ''");
    }
    b.compare("deadline", ">=", filter.deadline_from);
    b.compare("deadline", "<=", filter.deadline_to);
    let limit = b.arg(limit);
    let offset = b.arg(i64::try_from(offset).unwrap_or(i64::MAX));
    b.push(&format!(
        " ORDER BY period_to DESC, kind, office_id, id LIMIT {limit} OFFSET {offset}"
    ));
    let rows: Vec<Row> = db.fetch_all(b.into_query()).await?;
    Ok(rows.into_iter().map(Row::into_report).collect::<Result<_, _>>()?)
}

/// A line of a report's history.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event {
    pub at: DateTime<Utc>,
    pub actor_id: Uuid,
    pub actor_name: String,
    pub action: String,
    pub note: String,
}

#[derive(sqlx::FromRow)]
struct EventRow {
    seq: i64,
    happened_at: i64,
    actor_id: String,
    actor_name: String,
    action: String,
    note: String,
}

/// Appends a line to the report's history.
pub async fn add_event(tx: &mut Tx, report: Uuid, event: &Event) -> Result<(), StoreError> {
    let seq: i64 = tx
        .scalar(
            query("SELECT CAST(COALESCE(MAX(seq), 0) + 1 AS BIGINT) FROM report_events WHERE report_id = $1")
                .bind(report),
        )
        .await?
        .unwrap_or(1);
    tx.execute(vanphong_platform::binds!(query(
            "INSERT INTO report_events (report_id, seq, happened_at, actor_id, actor_name, action, note) \
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        => report, seq, event.at, event.actor_id, &event.actor_name, &event.action, &event.note))
        .await?;
    Ok(())
}

/// The report's history, oldest first.
pub async fn events(tx: &mut Tx, report: Uuid) -> Result<Vec<Event>, StoreError> {
    let rows: Vec<EventRow> = tx
        .fetch_all(
            query("SELECT seq, happened_at, actor_id, actor_name, action, note FROM report_events WHERE report_id = $1 ORDER BY seq")
                .bind(report),
        )
        .await?;
    let events = rows.into_iter().map(|r| {
        let key = format!("{report}/{}", r.seq);
        let d = RowDecoder::new("report_events", &key);
        let (at, actor_id) = (
            d.timestamp("happened_at", r.happened_at)?,
            d.id("actor_id", &r.actor_id)?,
        );
        Ok(Event {
            at,
            actor_id,
            actor_name: r.actor_name,
            action: r.action,
            note: r.note,
        })
    });
    Ok(events.collect::<Result<_, CorruptRow>>()?)
}
