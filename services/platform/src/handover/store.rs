//! The `handovers` table: one row per ended office, per service database.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::{Count, Handover};
use crate::db::{Db, RowDecoder, StoreError, Tx, query};

/// Where a handover stands in this service.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum State {
    Applied,
    Failed,
}

impl State {
    fn code(self) -> &'static str {
        match self {
            State::Applied => "applied",
            State::Failed => "failed",
        }
    }
}

/// A stored handover.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    pub state: State,
    pub counts: Vec<Count>,
    pub reason: String,
    pub attempts: i32,
    pub applied_at: Option<DateTime<Utc>>,
}

#[derive(sqlx::FromRow)]
struct Stored {
    office_id: String,
    state: String,
    counts: String,
    reason: String,
    attempts: i64,
    applied_at: Option<i64>,
}

fn decode(r: Stored) -> Result<Row, StoreError> {
    let d = RowDecoder::new("handovers", &r.office_id);
    let state = match r.state.as_str() {
        "applied" => State::Applied,
        "failed" => State::Failed,
        other => return Err(d.corrupt("state", other, "applied or failed").into()),
    };
    Ok(Row {
        state,
        counts: d.json("counts", &r.counts)?,
        reason: r.reason,
        attempts: d.int("attempts", r.attempts)?,
        applied_at: d.opt_timestamp("applied_at", r.applied_at)?,
    })
}

const SELECT: &str =
    "SELECT office_id, state, counts, reason, attempts, applied_at FROM handovers WHERE office_id = $1";

/// The stored state of `office`'s handover, if any attempt was made.
pub async fn get(db: &Db, office: Uuid) -> Result<Option<Row>, StoreError> {
    db.fetch_optional::<Stored>(query(SELECT).bind(office))
        .await?
        .map(decode)
        .transpose()
}

/// Marks the handover applied inside the transaction doing it. `false` when
/// it was already applied (by another replica): the caller then rolls
/// back, so the work is never done twice. Concurrent claims wait on the
/// row's key until the first commits.
pub async fn claim(tx: &mut Tx, h: &Handover, counts: &[Count], at: DateTime<Utc>) -> Result<bool, StoreError> {
    let counts = serde_json::to_string(counts).map_err(|e| StoreError::Config(e.to_string()))?;
    let changed = tx
        .execute(crate::binds!(query(
                "INSERT INTO handovers (office_id, successor_id, effective_on, state, counts, reason, attempts, \
                 applied_at, updated_at) VALUES ($1, $2, $3, 'applied', $4, '', 0, $5, $5) \
                 ON CONFLICT (office_id) DO UPDATE SET successor_id = excluded.successor_id, \
                 state = 'applied', counts = excluded.counts, reason = '', applied_at = excluded.applied_at, \
                 updated_at = excluded.updated_at WHERE handovers.state <> 'applied'",
            )
            => h.office_id, h.successor_id, h.effective_on, counts, at))
        .await?;
    Ok(changed == 1)
}

/// Records a failed attempt and why, unless the handover is applied.
pub async fn record_failure(db: &Db, h: &Handover, reason: &str, at: DateTime<Utc>) -> Result<(), StoreError> {
    let mut tx = db.begin_write().await?;
    tx.execute(crate::binds!(query(
            "INSERT INTO handovers (office_id, successor_id, effective_on, state, counts, reason, attempts, \
             applied_at, updated_at) VALUES ($1, $2, $3, $4, '[]', $5, 1, NULL, $6) \
             ON CONFLICT (office_id) DO UPDATE SET reason = excluded.reason, \
             attempts = handovers.attempts + 1, updated_at = excluded.updated_at \
             WHERE handovers.state <> 'applied'",
        )
        => h.office_id, h.successor_id, h.effective_on, State::Failed.code(), reason, at))
        .await?;
    tx.commit().await
}
