//! Documents: reading and writing whole rows.

use uuid::Uuid;

use vanphong_platform::db::{Backend, CorruptRow, RowDecoder, StoreError, Tx, query, query_built};
use vanphong_platform::identity::Clearance;
use vanphong_platform::number_series::{NEXT_NUMBER, next_number};

use crate::domain::document::Document;
use crate::domain::kinds::{Status, Urgency};

/// Every column, in the order of [`Row`].
pub(crate) const COLUMNS: &str = "id, office_id, direction, status, type_code, subject, number, symbol, number_symbol, \
     issued_on, issuer_name, issuer_code, signer_name, signer_position, urgency, secrecy, pages, due_on, channel, \
     electronic_id, arrival_year, arrival_number, received_at, registered_at, sender_office_id, source_document_id, \
     leader_id, lead_handler_id, handling_deadline, direction_note, assigned_at, reply_document_id, completed_at, \
     filed_at, file_reference, refusal_reason, created_by, created_at, updated_at, number_label, drafter_id, version, \
     signer_id, signing_prefix, signed_at, numbered_at, dispatched_at, cancelled_at, cancel_reason, \
     drafting_unit_code, congress, series, recall_requested, registered_by, on_behalf_of";

#[derive(sqlx::FromRow)]
pub(crate) struct Row {
    id: String,
    office_id: String,
    direction: String,
    status: String,
    type_code: String,
    subject: String,
    number: Option<i64>,
    symbol: String,
    number_symbol: String,
    issued_on: Option<String>,
    issuer_name: String,
    issuer_code: String,
    signer_name: String,
    signer_position: String,
    urgency: i64,
    secrecy: i64,
    pages: i64,
    due_on: Option<String>,
    channel: String,
    electronic_id: Option<String>,
    arrival_year: Option<i64>,
    arrival_number: Option<i64>,
    received_at: Option<i64>,
    registered_at: Option<i64>,
    registered_by: Option<String>,
    sender_office_id: Option<String>,
    source_document_id: Option<String>,
    leader_id: Option<String>,
    lead_handler_id: Option<String>,
    handling_deadline: Option<String>,
    direction_note: String,
    assigned_at: Option<i64>,
    reply_document_id: Option<String>,
    completed_at: Option<i64>,
    filed_at: Option<i64>,
    file_reference: String,
    refusal_reason: String,
    created_by: String,
    created_at: i64,
    updated_at: i64,
    number_label: String,
    drafter_id: Option<String>,
    version: i64,
    signer_id: Option<String>,
    signing_prefix: String,
    signed_at: Option<i64>,
    numbered_at: Option<i64>,
    dispatched_at: Option<i64>,
    cancelled_at: Option<i64>,
    cancel_reason: String,
    drafting_unit_code: String,
    congress: bool,
    series: Option<String>,
    recall_requested: bool,
    on_behalf_of: String,
}

impl Row {
    pub(crate) fn into_document(self) -> Result<Document, CorruptRow> {
        let d = RowDecoder::new("documents", &self.id);
        Ok(Document {
            id: d.id("id", &self.id)?,
            office_id: d.id("office_id", &self.office_id)?,
            direction: d.coded("direction", &self.direction)?,
            status: d.coded("status", &self.status)?,
            type_code: self.type_code,
            subject: self.subject,
            number: self.number,
            symbol: self.symbol,
            number_symbol: self.number_symbol,
            issued_on: d.opt_date("issued_on", self.issued_on.as_deref())?,
            issuer_name: self.issuer_name,
            issuer_code: self.issuer_code,
            signer_name: self.signer_name,
            signer_position: self.signer_position,
            urgency: d.code("urgency", &self.urgency, |l| Urgency::from_level(*l))?,
            secrecy: d.code("secrecy", &self.secrecy, |l| Clearance::from_level(*l))?,
            pages: self.pages,
            due_on: d.opt_date("due_on", self.due_on.as_deref())?,
            channel: d.coded("channel", &self.channel)?,
            electronic_id: self.electronic_id,
            arrival_year: self.arrival_year.map(|y| d.int("arrival_year", y)).transpose()?,
            arrival_number: self.arrival_number,
            received_at: d.opt_timestamp("received_at", self.received_at)?,
            registered_at: d.opt_timestamp("registered_at", self.registered_at)?,
            registered_by: d.opt_id("registered_by", self.registered_by.as_deref())?,
            sender_office_id: d.opt_id("sender_office_id", self.sender_office_id.as_deref())?,
            source_document_id: d.opt_id("source_document_id", self.source_document_id.as_deref())?,
            leader_id: d.opt_id("leader_id", self.leader_id.as_deref())?,
            lead_handler_id: d.opt_id("lead_handler_id", self.lead_handler_id.as_deref())?,
            handling_deadline: d.opt_date("handling_deadline", self.handling_deadline.as_deref())?,
            direction_note: self.direction_note,
            assigned_at: d.opt_timestamp("assigned_at", self.assigned_at)?,
            reply_document_id: d.opt_id("reply_document_id", self.reply_document_id.as_deref())?,
            completed_at: d.opt_timestamp("completed_at", self.completed_at)?,
            filed_at: d.opt_timestamp("filed_at", self.filed_at)?,
            file_reference: self.file_reference,
            refusal_reason: self.refusal_reason,
            created_by: d.id("created_by", &self.created_by)?,
            created_at: d.timestamp("created_at", self.created_at)?,
            updated_at: d.timestamp("updated_at", self.updated_at)?,
            number_label: self.number_label,
            drafter_id: d.opt_id("drafter_id", self.drafter_id.as_deref())?,
            version: self.version,
            signer_id: d.opt_id("signer_id", self.signer_id.as_deref())?,
            signing_prefix: self.signing_prefix,
            signed_at: d.opt_timestamp("signed_at", self.signed_at)?,
            numbered_at: d.opt_timestamp("numbered_at", self.numbered_at)?,
            dispatched_at: d.opt_timestamp("dispatched_at", self.dispatched_at)?,
            cancelled_at: d.opt_timestamp("cancelled_at", self.cancelled_at)?,
            cancel_reason: self.cancel_reason,
            drafting_unit_code: self.drafting_unit_code,
            congress: self.congress,
            series: self.series,
            recall_requested: self.recall_requested,
            on_behalf_of: self.on_behalf_of,
        })
    }
}

pub async fn get(tx: &mut Tx, document: Uuid) -> Result<Option<Document>, StoreError> {
    by_id(tx, document, false).await
}

/// Like [`get`], locking the row for the rest of the transaction on
/// PostgreSQL, for read-then-write steps.
pub async fn get_for_update(tx: &mut Tx, document: Uuid) -> Result<Option<Document>, StoreError> {
    by_id(tx, document, true).await
}

async fn by_id(tx: &mut Tx, document: Uuid, lock: bool) -> Result<Option<Document>, StoreError> {
    let row: Option<Row> = tx.fetch_by_id("documents", COLUMNS, document, lock).await?;
    Ok(row.map(Row::into_document).transpose()?)
}

/// A document already registered, as a refusal names it.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct RegisteredRow {
    pub id: String,
    pub arrival_number: Option<i64>,
    pub arrival_year: Option<i64>,
    pub registered_at: Option<i64>,
}

/// The document of the office registered under `duplicate_key` or
/// `electronic_id` (other than `except`), refused and arrived ones aside.
pub async fn find_registered(
    tx: &mut Tx,
    office: Uuid,
    duplicate_key: Option<&str>,
    electronic_id: Option<&str>,
    except: Option<Uuid>,
) -> Result<Option<RegisteredRow>, StoreError> {
    // One lookup per key, each written with its unique partial index's own
    // condition (`… IS NOT NULL AND status <> 'refused'`) so that SQLite
    // uses the index instead of reading the office's every document (an OR
    // of the two keys, or `status NOT IN (…)`, hides the indexes from it).
    // PostgreSQL plans it afresh each time (a plan kept from when the
    // office's table was nearly empty would scan it all on every write), so
    // it reads only the four columns a refusal names.
    const FOUND: &str = "id, arrival_number, arrival_year, registered_at";
    let sql = format!(
        "SELECT {FOUND} FROM (\
         SELECT {FOUND} FROM documents WHERE office_id = $1 AND duplicate_key = $2 \
         AND duplicate_key IS NOT NULL AND status <> 'refused' AND status <> 'arrived' AND id <> $4 \
         UNION ALL \
         SELECT {FOUND} FROM documents WHERE office_id = $1 AND electronic_id = $3 \
         AND electronic_id IS NOT NULL AND status <> 'refused' AND status <> 'arrived' AND id <> $4\
         ) AS found LIMIT 1"
    );
    tx.fetch_optional(
        query_built(sql)
            .planned_each_time()
            .bind(office)
            .bind(duplicate_key)
            .bind(electronic_id)
            .bind(except.map(|u| u.to_string()).unwrap_or_default()),
    )
    .await
}

/// The office's documents in any of `statuses`, oldest first, locked for
/// the rest of the transaction on PostgreSQL (a handover changes them).
pub async fn in_states(tx: &mut Tx, office: Uuid, statuses: &[Status]) -> Result<Vec<Document>, StoreError> {
    let q = tx.office_rows_in_states("documents", COLUMNS, office, statuses.iter().map(|s| s.code()));
    let rows: Vec<Row> = tx.fetch_all(q).await?;
    Ok(rows.into_iter().map(Row::into_document).collect::<Result<_, _>>()?)
}

/// The office's document with this electronic id, whatever its state
/// (refused ones excepted), for refusing a package received twice.
pub async fn by_electronic_id(tx: &mut Tx, office: Uuid, electronic_id: &str) -> Result<Option<Document>, StoreError> {
    let sql = format!(
        "SELECT {COLUMNS} FROM documents WHERE office_id = $1 AND electronic_id = $2 AND status <> 'refused' LIMIT 1"
    );
    let row: Option<Row> = tx
        .fetch_optional(query_built(sql).bind(office).bind(electronic_id))
        .await?;
    Ok(row.map(Row::into_document).transpose()?)
}

/// Binds every column but `id`, in the order of [`COLUMNS`], then the
/// derived `duplicate_key` and `search_text`.
pub(crate) fn bind_fields(q: vanphong_platform::db::Query, d: &Document) -> vanphong_platform::db::Query {
    vanphong_platform::binds!(q => d.office_id, d.direction.code(), d.status.code(), &d.type_code, &d.subject,
        d.number, &d.symbol, &d.number_symbol, d.issued_on, &d.issuer_name, &d.issuer_code, &d.signer_name,
        &d.signer_position, d.urgency.level(), i64::from(d.secrecy.level()), d.pages, d.due_on, d.channel.code(),
        d.electronic_id.clone(), d.arrival_year.map(i64::from), d.arrival_number, d.received_at, d.registered_at,
        d.sender_office_id, d.source_document_id, d.leader_id, d.lead_handler_id, d.handling_deadline,
        &d.direction_note, d.assigned_at, d.reply_document_id, d.completed_at, d.filed_at, &d.file_reference,
        &d.refusal_reason, d.created_by, d.created_at, d.updated_at, &d.number_label, d.drafter_id, d.version,
        d.signer_id, &d.signing_prefix, d.signed_at, d.numbered_at, d.dispatched_at, d.cancelled_at,
        &d.cancel_reason, &d.drafting_unit_code, d.congress, d.series.clone(), d.recall_requested, d.registered_by,
        &d.on_behalf_of, d.duplicate_key(), d.search_text())
}

/// Stores a new document.
pub async fn insert(tx: &mut Tx, d: &Document) -> Result<(), StoreError> {
    let count = COLUMNS.split(',').count() + 2;
    let placeholders: Vec<String> = (1..=count).map(|i| format!("${i}")).collect();
    let sql = format!(
        "INSERT INTO documents ({COLUMNS}, duplicate_key, search_text) VALUES ({})",
        placeholders.join(", ")
    );
    tx.execute(bind_fields(query_built(sql).bind(d.id), d)).await?;
    Ok(())
}

/// Gives a registered incoming document its arrival number (taken last in
/// the registration, see docs/domain.md, 2.2).
/// Gives the document the next số đến of `series` in `office` for `year`,
/// and returns it. On PostgreSQL one statement takes the number and stores
/// it, so the office's series is locked for one round trip less.
pub async fn take_arrival_number(
    tx: &mut Tx,
    office: Uuid,
    series: &str,
    id: Uuid,
    year: i32,
) -> Result<i64, StoreError> {
    if tx.backend() == Backend::Postgres {
        let sql = format!(
            "WITH n AS ({NEXT_NUMBER}) UPDATE documents SET arrival_year = $3, arrival_number = n.last_number \
             FROM n WHERE documents.id = $4 RETURNING documents.arrival_number"
        );
        let number = tx
            .scalar::<i64>(query_built(sql).bind(office).bind(series).bind(year).bind(id))
            .await?;
        // The document was written earlier in this transaction.
        return number.ok_or(StoreError::Other(sqlx::Error::RowNotFound));
    }
    let number = next_number(tx, office, series).await?;
    set_arrival_number(tx, id, year, number).await?;
    Ok(number)
}

pub async fn set_arrival_number(tx: &mut Tx, id: Uuid, year: i32, number: i64) -> Result<(), StoreError> {
    tx.execute(
        query("UPDATE documents SET arrival_year = $1, arrival_number = $2 WHERE id = $3")
            .bind(year)
            .bind(number)
            .bind(id),
    )
    .await?;
    Ok(())
}

/// Saves every column of an existing document.
pub async fn update(tx: &mut Tx, d: &Document) -> Result<(), StoreError> {
    let assignments: Vec<String> = COLUMNS
        .split(',')
        .map(str::trim)
        .skip(1)
        .chain(["duplicate_key", "search_text"])
        .enumerate()
        .map(|(i, column)| format!("{column} = ${}", i + 1))
        .collect();
    // Placeholders must first appear in ascending order (SQLite numbers them
    // by first appearance), so `id` is the last one.
    let sql = format!(
        "UPDATE documents SET {} WHERE id = ${}",
        assignments.join(", "),
        assignments.len() + 1
    );
    tx.execute(bind_fields(query_built(sql), d).bind(d.id)).await?;
    Ok(())
}
