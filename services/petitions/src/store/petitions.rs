//! Petitions: reading and writing whole rows.

use chrono::NaiveDate;
use uuid::Uuid;

use vanphong_platform::clock::from_micros;
use vanphong_platform::db::{Query, StoreError, Tx, query_built};

use crate::domain::kinds::{Authority, Channel, Complexity, Counting, Kind, Outcome, PriorStage, Resolution, State};
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

/// A stored id (an unreadable one, which the schema prevents, reads as nil).
pub(crate) fn id(s: &str) -> Uuid {
    Uuid::parse_str(s).unwrap_or_default()
}

/// A stored optional id.
pub(crate) fn opt_id(s: Option<String>) -> Option<Uuid> {
    s.and_then(|s| Uuid::parse_str(&s).ok())
}

/// A stored `YYYY-MM-DD` date.
pub(crate) fn date(s: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").ok()
}

/// A stored optional date.
pub(crate) fn opt_date(s: Option<String>) -> Option<NaiveDate> {
    s.as_deref().and_then(date)
}

impl Row {
    /// The petition the row holds.
    pub(crate) fn into_petition(self) -> Petition {
        Petition {
            id: id(&self.id),
            office_id: id(&self.office_id),
            year: i32::try_from(self.year).unwrap_or_default(),
            number: self.number,
            channel: Channel::from_code(&self.channel).unwrap_or(Channel::Mail),
            received_on: date(&self.received_on).unwrap_or_default(),
            kind: Kind::from_code(&self.kind).unwrap_or(Kind::Recommendation),
            subject_area_code: self.subject_area_code,
            content: self.content,
            accused: self.accused,
            anonymous: self.anonymous,
            petitioner_count: self.petitioner_count,
            prior_stage: PriorStage::from_code(&self.prior_stage).unwrap_or(PriorStage::NotYetResolved),
            reception_id: opt_id(self.reception_id),
            source_body: self.source_body,
            state: State::from_code(&self.state).unwrap_or(State::Classifying),
            repeat_of: opt_id(self.repeat_of),
            repeat_count: self.repeat_count,
            classification_due_on: date(&self.classification_due_on).unwrap_or_default(),
            outcome: self.outcome.as_deref().and_then(Outcome::from_code),
            classified_on: opt_date(self.classified_on),
            classified_by: opt_id(self.classified_by),
            classification_note: self.classification_note,
            authority: self.authority.as_deref().and_then(Authority::from_code),
            handler_id: opt_id(self.handler_id),
            accepted_on: opt_date(self.accepted_on),
            resolution: self.resolution.as_deref().and_then(Resolution::from_code),
            complexity: self.complexity.as_deref().and_then(Complexity::from_code),
            remote: self.remote,
            legal_days: self.legal_days,
            counting: self.counting.as_deref().and_then(Counting::from_code),
            max_extensions: self.max_extensions,
            max_extension_days: self.max_extension_days,
            extensions_used: self.extensions_used,
            base_due_on: opt_date(self.base_due_on),
            due_on: opt_date(self.due_on),
            result_summary: self.result_summary,
            decision_reference: self.decision_reference,
            decision_document_id: opt_id(self.decision_document_id),
            decided_on: opt_date(self.decided_on),
            notified_on: opt_date(self.notified_on),
            closed_on: opt_date(self.closed_on),
            closing_note: self.closing_note,
            created_by: id(&self.created_by),
            created_at: from_micros(self.created_at),
            updated_at: from_micros(self.updated_at),
        }
    }
}

/// The petition, if it exists.
pub async fn get(tx: &mut Tx, petition: Uuid) -> Result<Option<Petition>, StoreError> {
    let row: Option<Row> = tx
        .fetch_optional(query_built(format!("SELECT {COLUMNS} FROM petitions WHERE id = $1")).bind(petition))
        .await?;
    Ok(row.map(Row::into_petition))
}

/// Like [`get`], locking the row for the rest of the transaction on
/// PostgreSQL, for read-then-write steps.
pub async fn get_for_update(tx: &mut Tx, petition: Uuid) -> Result<Option<Petition>, StoreError> {
    let sql = format!("SELECT {COLUMNS} FROM petitions WHERE id = $1{}", tx.for_update());
    let row: Option<Row> = tx.fetch_optional(query_built(sql).bind(petition)).await?;
    Ok(row.map(Row::into_petition))
}

/// Binds every column but `id`, in the order of [`COLUMNS`], then the
/// derived ones.
fn bind_fields(q: Query, p: &Petition) -> Query {
    q.bind(p.office_id)
        .bind(i64::from(p.year))
        .bind(p.number)
        .bind(p.channel.code())
        .bind(p.received_on)
        .bind(p.kind.code())
        .bind(&p.subject_area_code)
        .bind(&p.content)
        .bind(&p.accused)
        .bind(p.anonymous)
        .bind(p.petitioner_count)
        .bind(p.prior_stage.code())
        .bind(p.reception_id)
        .bind(&p.source_body)
        .bind(p.state.code())
        .bind(p.repeat_of)
        .bind(p.repeat_count)
        .bind(p.classification_due_on)
        .bind(p.outcome.map(Outcome::code))
        .bind(p.classified_on)
        .bind(p.classified_by)
        .bind(&p.classification_note)
        .bind(p.authority.map(Authority::code))
        .bind(p.handler_id)
        .bind(p.accepted_on)
        .bind(p.resolution.map(Resolution::code))
        .bind(p.complexity.map(Complexity::code))
        .bind(p.remote)
        .bind(p.legal_days)
        .bind(p.counting.map(Counting::code))
        .bind(p.max_extensions)
        .bind(p.max_extension_days)
        .bind(p.extensions_used)
        .bind(p.base_due_on)
        .bind(p.due_on)
        .bind(&p.result_summary)
        .bind(&p.decision_reference)
        .bind(p.decision_document_id)
        .bind(p.decided_on)
        .bind(p.notified_on)
        .bind(p.closed_on)
        .bind(&p.closing_note)
        .bind(p.created_by)
        .bind(p.created_at)
        .bind(p.updated_at)
        .bind(p.current_due())
        .bind(p.search_text())
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
