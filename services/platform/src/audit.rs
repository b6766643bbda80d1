//! The tamper-evident audit trail.
//!
//! Every change a service makes writes, in the same transaction, who made it
//! (user, office), what changed (entity, id, action) and the entity before
//! and after, as JSON. Records form one hash chain per office: each record's
//! SHA-256 covers its content and the previous record's hash, and a head row
//! remembers the chain's end. [`verify`] recomputes the chains and reports,
//! per office, the first record that was altered, removed or re-linked, and
//! holds each chain against its signed checkpoints ([`crate::audit_anchor`])
//! so that a chain rewritten and recomputed by someone who can write the
//! database is caught too.

use chrono::{DateTime, Utc};
use serde_json::Value as Json;
use sha2::{Digest, Sha256};
use uuid::Uuid;

use vanphong_proto::common::v1 as wire;

use crate::Error;
use crate::audit_anchor::{self, Anchoring, Checkpoint};
use crate::audit_state::{self, StoredState};
use crate::clock::{to_micros, to_timestamp};
use crate::db::{Backend, CorruptRow, Db, RowDecoder, StoreError, Tx, query, query_built};
use crate::identity::Caller;
use crate::ids::new_id;
use crate::telemetry::current_trace_id;

/// The columns of an [`AuditRow`], from `audit_records`.
const SELECT_ROW: &str = "SELECT office_id, seq, id, recorded_at, actor_user_id, actor_office_id, entity, entity_id, \
     action, before_json, after_json, trace_id, prev_hash, hash FROM audit_records";

/// `prev_hash` of the first record of every chain.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// One change to record.
#[derive(Debug, Clone)]
pub struct Change {
    /// The office whose data changed (whose chain the record joins).
    pub office_id: Uuid,
    /// Kind of entity, e.g. `"office"`, `"user"`.
    pub entity: &'static str,
    pub entity_id: String,
    /// What happened, e.g. `"create"`, `"move"`.
    pub action: &'static str,
    /// The entity before and after; `None` when it did not or no longer
    /// exists.
    pub before: Option<Json>,
    pub after: Option<Json>,
}

impl Change {
    /// What `action` did to one entity of `office_id`'s data, with nothing
    /// said yet of the entity before or after: add that with
    /// [`Change::before`] and [`Change::after`].
    pub fn new(office_id: Uuid, entity: &'static str, entity_id: impl ToString, action: &'static str) -> Change {
        Change {
            office_id,
            entity,
            entity_id: entity_id.to_string(),
            action,
            before: None,
            after: None,
        }
    }

    /// An entity written in place of what was there: a `create` when
    /// nothing was (`before` is `None`), an `update` otherwise.
    pub fn saved(
        office_id: Uuid,
        entity: &'static str,
        entity_id: impl ToString,
        before: Option<Json>,
        after: Json,
    ) -> Change {
        let action = if before.is_some() { "update" } else { "create" };
        Change::new(office_id, entity, entity_id, action)
            .before(before)
            .after(after)
    }

    /// The entity as it was (`None`: it did not exist).
    pub fn before(mut self, json: impl Into<Option<Json>>) -> Change {
        self.before = json.into();
        self
    }

    /// The entity as it is now (`None`: it no longer exists).
    pub fn after(mut self, json: impl Into<Option<Json>>) -> Change {
        self.after = json.into();
        self
    }
}

/// A stored audit record.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow, serde::Serialize, serde::Deserialize)]
pub struct AuditRow {
    pub office_id: String,
    pub seq: i64,
    pub id: String,
    pub recorded_at: i64,
    pub actor_user_id: String,
    pub actor_office_id: String,
    pub entity: String,
    pub entity_id: String,
    pub action: String,
    pub before_json: Option<String>,
    pub after_json: Option<String>,
    pub trace_id: String,
    pub prev_hash: String,
    pub hash: String,
}

impl AuditRow {
    /// `actor`'s `change` at `at`, in the request's trace, as a record not
    /// yet placed in its chain (no `seq`, `prev_hash` or `hash`).
    pub(crate) fn unplaced(actor: &Caller, at: DateTime<Utc>, change: Change) -> Self {
        AuditRow {
            office_id: change.office_id.to_string(),
            seq: 0,
            id: new_id().to_string(),
            recorded_at: to_micros(at),
            actor_user_id: actor.subject_id.to_string(),
            actor_office_id: actor.office_id.to_string(),
            entity: change.entity.to_string(),
            entity_id: change.entity_id,
            action: change.action.to_string(),
            before_json: change.before.map(|v| v.to_string()),
            after_json: change.after.map(|v| v.to_string()),
            trace_id: current_trace_id(),
            prev_hash: String::new(),
            hash: String::new(),
        }
    }

    /// The hash this record must carry, from its content and `prev_hash`.
    pub fn expected_hash(&self) -> String {
        hex(&Sha256::digest(self.canonical(self.seq.into()).as_bytes()))
    }

    /// The text the hash covers, with `seq` in the record's number's place
    /// (a statement that learns the number only as it runs puts a mark
    /// there: [`crate::audit_in_statement`]).
    pub(crate) fn canonical(&self, seq: Json) -> String {
        serde_json::json!([
            self.office_id,
            seq,
            self.id,
            self.recorded_at,
            self.actor_user_id,
            self.actor_office_id,
            self.entity,
            self.entity_id,
            self.action,
            self.before_json,
            self.after_json,
            self.trace_id,
            self.prev_hash,
        ])
        .to_string()
    }

    /// The record on the wire; an unreadable instant fails (the record is
    /// never shown as written in 1970).
    pub fn to_wire(&self) -> Result<wire::AuditRecord, CorruptRow> {
        let key = format!("{}/{}", self.office_id, self.seq);
        let recorded_at = RowDecoder::new("audit_records", &key).timestamp("recorded_at", self.recorded_at)?;
        Ok(wire::AuditRecord {
            office_id: self.office_id.clone(),
            seq: self.seq,
            id: self.id.clone(),
            recorded_at: Some(to_timestamp(recorded_at)),
            actor_user_id: self.actor_user_id.clone(),
            actor_office_id: self.actor_office_id.clone(),
            entity: self.entity.clone(),
            entity_id: self.entity_id.clone(),
            action: self.action.clone(),
            before_json: self.before_json.clone().unwrap_or_default(),
            after_json: self.after_json.clone().unwrap_or_default(),
            trace_id: self.trace_id.clone(),
            prev_hash: self.prev_hash.clone(),
            hash: self.hash.clone(),
            redacted: false,
        })
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Where an office's chain stands once advanced for a new record: the
/// record's number and the hash it links to. Its row stays locked until
/// the commit, so the records of one office are chained one after another.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Head {
    pub seq: i64,
    pub hash: String,
}

/// The statement that advances an office's head (created with `rows`, the
/// values of `office_id, seq, hash, prev_hash`, for its first record). The
/// head keeps the hash its newest record links to (`prev_hash`) beside its
/// own, so that a statement writing the record in the same breath can read
/// both ([`crate::audit_in_statement`]).
fn advance_head_sql(rows: &str) -> String {
    format!(
        "INSERT INTO audit_heads (office_id, seq, hash, prev_hash) {rows} \
         ON CONFLICT (office_id) DO UPDATE SET seq = audit_heads.seq + 1, prev_hash = audit_heads.hash"
    )
}

/// What the head's advance returns: the new record's number and the hash
/// it links to ([`Head`]).
const RETURNING_HEAD: &str = " RETURNING seq, hash";

/// The head's advance as the body of a `WITH h AS (…)` in a caller's own
/// statement (PostgreSQL), run once `after` (a common table expression of
/// that statement, with one row) has run: a caller that locks a number
/// series in `after` then takes the two rows in the same order as
/// everything else does (series, then audit head), and holds both for one
/// round trip less. Bind the office and [`GENESIS`] at the two placeholders.
pub fn advance_head_after(office: &str, genesis: &str, after: &str) -> String {
    advance_head_sql(&format!(
        "SELECT {office}, 1, {genesis}, {genesis} FROM {after} WHERE true"
    )) + RETURNING_HEAD
}

/// The head's advance as one statement of a batch sent in one call
/// (SQLite), returning nothing: the batch's last statement reads the head
/// with [`head_columns`]. Bind the office and [`GENESIS`] at the two
/// placeholders.
pub fn advance_head_in_batch(office: &str, genesis: &str) -> String {
    advance_head_sql(&format!("VALUES ({office}, 1, {genesis}, {genesis})"))
}

/// The office's head as the columns `seq, hash` of a `SELECT`.
pub fn head_columns(office: &str) -> String {
    format!(
        "(SELECT seq FROM audit_heads WHERE office_id = {office}) AS seq, \
         (SELECT hash FROM audit_heads WHERE office_id = {office}) AS hash"
    )
}

/// Advances the office's head for a record about to be written (see
/// [`record_at`]).
pub async fn advance_head(tx: &mut Tx, office: Uuid) -> Result<Head, StoreError> {
    let head = tx
        .fetch_optional(
            query_built(advance_head_sql("VALUES ($1, 1, $2, $2)") + RETURNING_HEAD)
                .bind(office)
                .bind(GENESIS),
        )
        .await?;
    Ok(head.unwrap_or(Head {
        seq: 1,
        hash: GENESIS.to_string(),
    }))
}

/// Appends a record to the office's chain inside the caller's transaction.
pub async fn record(tx: &mut Tx, actor: &Caller, at: DateTime<Utc>, change: Change) -> Result<(), StoreError> {
    let head = advance_head(tx, change.office_id).await?;
    record_at(tx, head, actor, at, change).await
}

/// Writes a record at `head`, which the caller advanced in this
/// transaction for the change's office ([`advance_head`], or
/// [`advance_head_after`] within its own statement).
pub async fn record_at(
    tx: &mut Tx,
    head: Head,
    actor: &Caller,
    at: DateTime<Utc>,
    change: Change,
) -> Result<(), StoreError> {
    let mut row = AuditRow::unplaced(actor, at, change);
    row.seq = head.seq;
    row.prev_hash = head.hash;
    row.hash = row.expected_hash();
    // The record, and the head moved on to its hash, in one call: on
    // PostgreSQL one statement, so the office's head is locked for one round
    // trip less; on SQLite two statements sent together.
    let insert = match tx.backend() {
        Backend::Postgres => {
            "WITH r AS (INSERT INTO audit_records (office_id, seq, id, recorded_at, actor_user_id, actor_office_id, \
             entity, entity_id, action, before_json, after_json, trace_id, prev_hash, hash) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) RETURNING office_id, hash) \
             UPDATE audit_heads SET hash = r.hash FROM r WHERE audit_heads.office_id = r.office_id"
        }
        Backend::Sqlite => {
            "INSERT INTO audit_records (office_id, seq, id, recorded_at, actor_user_id, actor_office_id, \
             entity, entity_id, action, before_json, after_json, trace_id, prev_hash, hash) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14); \
             UPDATE audit_heads SET hash = $14 WHERE office_id = $1"
        }
    };
    tx.execute(crate::binds!(query(insert)
        => &row.office_id, row.seq, &row.id, row.recorded_at, &row.actor_user_id, &row.actor_office_id, &row.entity,
           &row.entity_id, &row.action, row.before_json.clone(), row.after_json.clone(), &row.trace_id,
           &row.prev_hash, &row.hash))
        .await?;
    Ok(())
}

/// Where one office's chain first breaks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BrokenLink {
    pub office_id: Uuid,
    pub seq: i64,
    /// For people (Vietnamese).
    pub reason: String,
}

/// The outcome of verifying chains.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct VerifyReport {
    pub chains_checked: i64,
    pub records_checked: i64,
    pub broken: Vec<BrokenLink>,
}

impl VerifyReport {
    pub fn is_intact(&self) -> bool {
        self.broken.is_empty()
    }

    pub fn to_wire(&self) -> wire::VerifyAuditResponse {
        wire::VerifyAuditResponse {
            intact: self.is_intact(),
            chains_checked: self.chains_checked,
            records_checked: self.records_checked,
            broken: self
                .broken
                .iter()
                .map(|b| wire::BrokenLink {
                    office_id: b.office_id.to_string(),
                    seq: b.seq,
                    reason: b.reason.clone(),
                })
                .collect(),
        }
    }
}

/// Offices that have an audit chain.
pub async fn chained_offices(db: &Db) -> Result<Vec<Uuid>, StoreError> {
    let ids: Vec<(String,)> = db
        .fetch_all(query(
            "SELECT office_id FROM audit_heads UNION SELECT office_id FROM audit_records ORDER BY 1",
        ))
        .await?;
    // An office whose id does not read fails the listing: skipping it would
    // leave its chain unverified without a word.
    Ok(ids
        .into_iter()
        .map(|(id,)| RowDecoder::new("audit_records", &id).id("office_id", &id))
        .collect::<Result<_, _>>()?)
}

const VERIFY_BATCH: i64 = 1000;

/// Recomputes the chains of the given offices, holds each against its
/// signed checkpoints and the latest record of each entity against the
/// entity as stored (`states`); a chain found intact gets a new checkpoint
/// at its end when `anchoring`'s key can sign.
pub async fn verify(
    db: &Db,
    anchoring: &Anchoring,
    states: &dyn StoredState,
    offices: &[Uuid],
    now: DateTime<Utc>,
) -> Result<VerifyReport, Error> {
    let mut report = VerifyReport::default();
    for office in offices {
        report.chains_checked += 1;
        let (valid, forged) = audit_anchor::checked_checkpoints(db, anchoring, *office).await?;
        if let Some(first) = forged.first() {
            let others = match forged.len() {
                1 => String::new(),
                n => format!(" (và {} điểm neo khác)", n - 1),
            };
            report.broken.push(BrokenLink {
                office_id: *office,
                seq: first.seq,
                reason: format!(
                    "Điểm neo đã ký của bản ghi số {}{others} có chữ ký không hợp lệ: bị giả mạo, bị sửa hoặc ký bằng khóa khác",
                    first.seq
                ),
            });
        }
        match verify_chain(db, *office, None, &valid, &mut report.records_checked).await? {
            Err(broken) => report.broken.push(broken),
            Ok(end) => {
                audit_anchor::sign_end(db, anchoring, *office, &end, valid.last(), now).await?;
                report.broken.extend(audit_state::check(db, states, *office).await?);
            }
        }
    }
    Ok(report)
}

/// Where a chain that verified ends.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChainEnd {
    pub seq: i64,
    pub hash: String,
}

/// Verifies one office's chain up to its head: from `start` (a valid
/// checkpoint, whose record must still hash to it) or from the first record,
/// and against `checkpoints` (valid ones, oldest first): each record they
/// cover must still hash to what was signed, even when the chain was
/// recomputed to be consistent. The head is read first, so records appended
/// meanwhile are not mistaken for damage.
pub async fn verify_chain(
    db: &Db,
    office: Uuid,
    start: Option<&Checkpoint>,
    checkpoints: &[Checkpoint],
    checked: &mut i64,
) -> Result<Result<ChainEnd, BrokenLink>, StoreError> {
    let office_id = office.to_string();
    let broken = |seq: i64, reason: String| {
        Ok(Err(BrokenLink {
            office_id: office,
            seq,
            reason,
        }))
    };
    let head: Option<Head> = db
        .fetch_optional(query("SELECT seq, hash FROM audit_heads WHERE office_id = $1").bind(&office_id))
        .await?;
    let up_to = head.as_ref().map_or(i64::MAX, |h| h.seq);
    let mut last_seq = 0_i64;
    let mut last_hash = GENESIS.to_string();
    if let Some(start) = start {
        let row: Option<AuditRow> = db
            .fetch_optional(
                query_built(format!("{SELECT_ROW} WHERE office_id = $1 AND seq = $2"))
                    .bind(&office_id)
                    .bind(start.seq),
            )
            .await?;
        match row {
            Some(row) if row.hash == start.hash && row.expected_hash() == start.hash => {}
            Some(_) => return broken(start.seq, recomputed(None, start)),
            None => return broken(start.seq, fewer_than_signed(start, 0)),
        }
        last_seq = start.seq;
        last_hash = start.hash.clone();
    }
    let mut pending: std::collections::VecDeque<&Checkpoint> =
        checkpoints.iter().filter(|c| c.seq > last_seq).collect();
    let mut matched: Option<&Checkpoint> = start;
    loop {
        let rows: Vec<AuditRow> = db
            .fetch_all(
                query_built(format!(
                    "{SELECT_ROW} WHERE office_id = $1 AND seq > $2 AND seq <= $3 ORDER BY seq LIMIT $4"
                ))
                .bind(&office_id)
                .bind(last_seq)
                .bind(up_to)
                .bind(VERIFY_BATCH),
            )
            .await?;
        if rows.is_empty() {
            break;
        }
        for row in rows {
            *checked += 1;
            let expected_seq = last_seq + 1;
            if row.seq != expected_seq {
                return broken(expected_seq, format!("Thiếu bản ghi số {expected_seq} (bị xóa)"));
            }
            if row.prev_hash != last_hash {
                return broken(row.seq, "Liên kết với bản ghi trước không khớp".into());
            }
            if row.expected_hash() != row.hash {
                return broken(row.seq, "Nội dung bản ghi đã bị sửa".into());
            }
            while let Some(checkpoint) = pending.pop_front_if(|c| c.seq == row.seq) {
                if checkpoint.hash != row.hash {
                    return broken(row.seq, recomputed(matched, checkpoint));
                }
                matched = Some(checkpoint);
            }
            last_seq = row.seq;
            last_hash = row.hash;
        }
    }
    if let Some(checkpoint) = pending.front() {
        return broken(last_seq + 1, fewer_than_signed(checkpoint, last_seq));
    }
    match head {
        None if last_seq > 0 => broken(last_seq, "Mất điểm cuối của chuỗi nhật ký".into()),
        None => Ok(Ok(ChainEnd {
            seq: last_seq,
            hash: last_hash,
        })),
        Some(head) if head.seq > last_seq => broken(
            last_seq + 1,
            format!("Các bản ghi từ số {} đến {} đã bị xóa", last_seq + 1, head.seq),
        ),
        Some(head) if head.seq != last_seq || head.hash != last_hash => {
            broken(last_seq, "Điểm cuối của chuỗi nhật ký không khớp".into())
        }
        Some(_) => Ok(Ok(ChainEnd {
            seq: last_seq,
            hash: last_hash,
        })),
    }
}

/// Why a consistent chain no longer matches `checkpoint`, the last one that
/// matched being `matched`.
fn recomputed(matched: Option<&Checkpoint>, checkpoint: &Checkpoint) -> String {
    let from = matched.map_or(1, |m| m.seq + 1);
    format!(
        "Chuỗi nhật ký đã bị tính lại: bản ghi số {} không còn khớp với điểm neo đã ký lúc {}; \
         ít nhất một bản ghi từ số {from} đến {} đã bị sửa",
        checkpoint.seq,
        checkpoint.signed_at_text(),
        checkpoint.seq
    )
}

fn fewer_than_signed(checkpoint: &Checkpoint, last_seq: i64) -> String {
    format!(
        "Thiếu bản ghi: điểm neo đã ký lúc {} ghi nhận {} bản ghi, chuỗi chỉ còn {last_seq}",
        checkpoint.signed_at_text(),
        checkpoint.seq
    )
}

/// A page of one office's trail, newest first.
pub async fn list(
    db: &Db,
    office: Uuid,
    entity: Option<&str>,
    entity_id: Option<&str>,
    limit: u32,
    before_seq: Option<i64>,
) -> Result<Vec<AuditRow>, StoreError> {
    let mut sql = format!("{SELECT_ROW} WHERE office_id = $1 AND seq < $2");
    let mut next = 3;
    if entity.is_some() {
        sql.push_str(&format!(" AND entity = ${next}"));
        next += 1;
    }
    if entity_id.is_some() {
        sql.push_str(&format!(" AND entity_id = ${next}"));
        next += 1;
    }
    sql.push_str(&format!(" ORDER BY seq DESC LIMIT ${next}"));
    let mut q = query_built(sql)
        .bind(office.to_string())
        .bind(before_seq.unwrap_or(i64::MAX));
    if let Some(e) = entity {
        q = q.bind(e);
    }
    if let Some(e) = entity_id {
        q = q.bind(e);
    }
    db.fetch_all(q.bind(i64::from(limit))).await
}

/// The first and last `seq` of the records of `office` recorded in
/// `[from, until)` (microseconds), if any.
pub async fn seq_range(db: &Db, office: Uuid, from: i64, until: i64) -> Result<Option<(i64, i64)>, StoreError> {
    let (first, last): (Option<i64>, Option<i64>) = db
        .fetch_optional(
            query(
                "SELECT MIN(seq), MAX(seq) FROM audit_records \
                 WHERE office_id = $1 AND recorded_at >= $2 AND recorded_at < $3",
            )
            .bind(office.to_string())
            .bind(from)
            .bind(until),
        )
        .await?
        .unwrap_or((None, None));
    Ok(first.zip(last))
}

/// The last record of `office` recorded before `until` (microseconds).
pub async fn last_before(db: &Db, office: Uuid, until: i64) -> Result<Option<AuditRow>, StoreError> {
    db.fetch_optional(
        query_built(format!(
            "{SELECT_ROW} WHERE office_id = $1 AND recorded_at < $2 ORDER BY seq DESC LIMIT 1"
        ))
        .bind(office.to_string())
        .bind(until),
    )
    .await
}

/// The records of `office` numbered `first` to `last`, in order.
pub async fn between(db: &Db, office: Uuid, first: i64, last: i64) -> Result<Vec<AuditRow>, StoreError> {
    db.fetch_all(
        query_built(format!(
            "{SELECT_ROW} WHERE office_id = $1 AND seq >= $2 AND seq <= $3 ORDER BY seq"
        ))
        .bind(office.to_string())
        .bind(first)
        .bind(last),
    )
    .await
}
