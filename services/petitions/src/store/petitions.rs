//! Petitions: reading and writing whole rows.

use uuid::Uuid;

use vanphong_platform::db::{CorruptRow, Query, RowDecoder, StoreError, Tx, query_built};

use crate::domain::kinds::{Authority, Complexity, Counting, Outcome, Resolution};
use crate::domain::petition::Petition;

/// Every column, in the order of [`Row`].
pub(crate) const COLUMNS: &str = "id, office_id, year, number, channel, received_on, kind, subject_area_code, content, \
     accused, anonymous, petitioner_count, prior_stage, reception_id, source_body, state, repeat_of, repeat_count, \
     classification_due_on, outcome, classified_on, classified_by, classification_note, authority, handler_id, \
     accepted_on, resolution, complexity, remote, legal_days, counting, max_extensions, max_extension_days, \
     extensions_used, base_due_on, due_on, result_summary, decision_reference, decision_document_id, decided_on, \
     notified_on, closed_on, closing_note, created_by, created_at, updated_at";

/// The derived columns written after [`COLUMNS`].
const DERIVED: [&str; 2] = ["current_due_on", "search_text"];

#[derive(sqlx::FromRow)]
pub(crate) struct Row {
    id: String,
    office_id: String,
    year: i64,
    number: i64,
    channel: String,
    received_on: String,
    kind: String,
    subject_area_code: String,
    content: String,
    accused: String,
    anonymous: bool,
    petitioner_count: i64,
    prior_stage: String,
    reception_id: Option<String>,
    source_body: String,
    state: String,
    repeat_of: Option<String>,
    repeat_count: i64,
    classification_due_on: String,
    outcome: Option<String>,
    classified_on: Option<String>,
    classified_by: Option<String>,
    classification_note: String,
    authority: Option<String>,
    handler_id: Option<String>,
    accepted_on: Option<String>,
    resolution: Option<String>,
    complexity: Option<String>,
    remote: bool,
    legal_days: Option<i64>,
    counting: Option<String>,
    max_extensions: i64,
    max_extension_days: i64,
    extensions_used: i64,
    base_due_on: Option<String>,
    due_on: Option<String>,
    result_summary: String,
    decision_reference: String,
    decision_document_id: Option<String>,
    decided_on: Option<String>,
    notified_on: Option<String>,
    closed_on: Option<String>,
    closing_note: String,
    created_by: String,
    created_at: i64,
    updated_at: i64,
}

impl Row {
    /// The petition the row holds.
    pub(crate) fn into_petition(self) -> Result<Petition, CorruptRow> {
        let d = RowDecoder::new("petitions", &self.id);
        Ok(Petition {
            id: d.id("id", &self.id)?,
            office_id: d.id("office_id", &self.office_id)?,
            year: d.int("year", self.year)?,
            number: self.number,
            channel: d.coded("channel", &self.channel)?,
            received_on: d.date("received_on", &self.received_on)?,
            kind: d.coded("kind", &self.kind)?,
            subject_area_code: self.subject_area_code,
            content: self.content,
            accused: self.accused,
            anonymous: self.anonymous,
            petitioner_count: self.petitioner_count,
            prior_stage: d.coded("prior_stage", &self.prior_stage)?,
            reception_id: d.opt_id("reception_id", self.reception_id.as_deref())?,
            source_body: self.source_body,
            state: d.coded("state", &self.state)?,
            repeat_of: d.opt_id("repeat_of", self.repeat_of.as_deref())?,
            repeat_count: self.repeat_count,
            classification_due_on: d.date("classification_due_on", &self.classification_due_on)?,
            outcome: d.opt_coded("outcome", self.outcome.as_deref())?,
            classified_on: d.opt_date("classified_on", self.classified_on.as_deref())?,
            classified_by: d.opt_id("classified_by", self.classified_by.as_deref())?,
            classification_note: self.classification_note,
            authority: d.opt_coded("authority", self.authority.as_deref())?,
            handler_id: d.opt_id("handler_id", self.handler_id.as_deref())?,
            accepted_on: d.opt_date("accepted_on", self.accepted_on.as_deref())?,
            resolution: d.opt_coded("resolution", self.resolution.as_deref())?,
            complexity: d.opt_coded("complexity", self.complexity.as_deref())?,
            remote: self.remote,
            legal_days: self.legal_days,
            counting: d.opt_coded("counting", self.counting.as_deref())?,
            max_extensions: self.max_extensions,
            max_extension_days: self.max_extension_days,
            extensions_used: self.extensions_used,
            base_due_on: d.opt_date("base_due_on", self.base_due_on.as_deref())?,
            due_on: d.opt_date("due_on", self.due_on.as_deref())?,
            result_summary: self.result_summary,
            decision_reference: self.decision_reference,
            decision_document_id: d.opt_id("decision_document_id", self.decision_document_id.as_deref())?,
            decided_on: d.opt_date("decided_on", self.decided_on.as_deref())?,
            notified_on: d.opt_date("notified_on", self.notified_on.as_deref())?,
            closed_on: d.opt_date("closed_on", self.closed_on.as_deref())?,
            closing_note: self.closing_note,
            created_by: d.id("created_by", &self.created_by)?,
            created_at: d.timestamp("created_at", self.created_at)?,
            updated_at: d.timestamp("updated_at", self.updated_at)?,
        })
    }
}

/// The petition, if it exists.
pub async fn get(tx: &mut Tx, petition: Uuid) -> Result<Option<Petition>, StoreError> {
    by_id(tx, petition, false).await
}

/// Like [`get`], locking the row for the rest of the transaction on
/// PostgreSQL, for read-then-write steps.
pub async fn get_for_update(tx: &mut Tx, petition: Uuid) -> Result<Option<Petition>, StoreError> {
    by_id(tx, petition, true).await
}

async fn by_id(tx: &mut Tx, petition: Uuid, lock: bool) -> Result<Option<Petition>, StoreError> {
    let row: Option<Row> = tx.fetch_by_id("petitions", COLUMNS, petition, lock).await?;
    Ok(row.map(Row::into_petition).transpose()?)
}

/// The office's petitions not yet closed, oldest first, locked for the rest
/// of the transaction on PostgreSQL (a handover changes them).
pub async fn open_of(tx: &mut Tx, office: Uuid) -> Result<Vec<Petition>, StoreError> {
    let sql = format!(
        "SELECT {COLUMNS} FROM petitions WHERE office_id = $1 AND closed_on IS NULL ORDER BY created_at, id{}",
        tx.for_update()
    );
    let rows: Vec<Row> = tx.fetch_all(query_built(sql).bind(office)).await?;
    Ok(rows.into_iter().map(Row::into_petition).collect::<Result<_, _>>()?)
}

/// Binds every column but `id`, in the order of [`COLUMNS`], then the
/// derived ones.
fn bind_fields(q: Query, p: &Petition) -> Query {
    vanphong_platform::binds!(q => p.office_id, i64::from(p.year), p.number, p.channel.code(), p.received_on,
        p.kind.code(), &p.subject_area_code, &p.content, &p.accused, p.anonymous, p.petitioner_count,
        p.prior_stage.code(), p.reception_id, &p.source_body, p.state.code(), p.repeat_of, p.repeat_count,
        p.classification_due_on, p.outcome.map(Outcome::code), p.classified_on, p.classified_by,
        &p.classification_note, p.authority.map(Authority::code), p.handler_id, p.accepted_on,
        p.resolution.map(Resolution::code), p.complexity.map(Complexity::code), p.remote, p.legal_days,
        p.counting.map(Counting::code), p.max_extensions, p.max_extension_days, p.extensions_used, p.base_due_on,
        p.due_on, &p.result_summary, &p.decision_reference, p.decision_document_id, p.decided_on, p.notified_on,
        p.closed_on, &p.closing_note, p.created_by, p.created_at, p.updated_at, p.current_due(), p.search_text())
}

fn column_names() -> Vec<&'static str> {
    COLUMNS.split(',').map(str::trim).chain(DERIVED).collect()
}

/// Stores a new petition.
pub async fn insert(tx: &mut Tx, p: &Petition) -> Result<(), StoreError> {
    let columns = column_names();
    let placeholders: Vec<String> = (1..=columns.len()).map(|i| format!("${i}")).collect();
    let sql = format!(
        "INSERT INTO petitions ({}) VALUES ({})",
        columns.join(", "),
        placeholders.join(", ")
    );
    tx.execute(bind_fields(query_built(sql).bind(p.id), p)).await?;
    Ok(())
}

/// Saves every column of an existing petition.
pub async fn update(tx: &mut Tx, p: &Petition) -> Result<(), StoreError> {
    let assignments: Vec<String> = column_names()
        .into_iter()
        .skip(1)
        .enumerate()
        .map(|(i, column)| format!("{column} = ${}", i + 1))
        .collect();
    // Placeholders must first appear in ascending order (SQLite numbers them
    // by first appearance), so `id` is the last one.
    let sql = format!(
        "UPDATE petitions SET {} WHERE id = ${}",
        assignments.join(", "),
        assignments.len() + 1
    );
    tx.execute(bind_fields(query_built(sql), p).bind(p.id)).await?;
    Ok(())
}
