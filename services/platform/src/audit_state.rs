//! Audit records held against the rows they describe.
//!
//! The chain proves the trail was not rewritten; it says nothing of a row
//! edited straight in the database (`UPDATE documents SET subject = …`)
//! without a record. So for the kinds of entity whose every change is
//! recorded with the whole entity as `after`, the latest record of each
//! entity must equal what the store holds now. Each service says which kinds
//! those are and how to read one as the trail records it, through
//! [`StoredState`]; [`check`] compares.
//!
//! The comparison is of JSON values (not text), so key order does not
//! matter; each service's audit JSON holds no timestamps finer than the
//! store keeps, so both backends give the value that was recorded.

use std::future::Future;
use std::pin::Pin;

use serde_json::Value as Json;
use uuid::Uuid;

use crate::Error;
use crate::audit::BrokenLink;
use crate::db::{Db, Tx, query, query_built};

/// A stored entity as its audit records describe it, or `None` when the
/// store holds no such entity.
pub type StateFuture<'a> = Pin<Box<dyn Future<Output = Result<Option<Json>, Error>> + Send + 'a>>;

/// What a service stores, seen as its audit trail records it.
pub trait StoredState: Send + Sync {
    /// The kinds of entity (`"document"` …) whose every change is recorded
    /// with the whole entity, as [`StoredState::load`] gives it, as `after`.
    fn kinds(&self) -> &'static [&'static str];

    /// Actions that record someone reading an entity of those kinds (who
    /// saw a protected identity, say), with what was read as `after`, not
    /// the entity: they are passed over when looking for its latest state.
    fn reads(&self) -> &'static [&'static str] {
        &[]
    }

    /// The entity `id` of `kind` as stored now, in the JSON its audit
    /// records carry.
    fn load<'a>(&'a self, tx: &'a mut Tx, kind: &'a str, id: &'a str) -> StateFuture<'a>;
}

/// For a trail with no entity checked against the store.
pub struct Unchecked;

impl StoredState for Unchecked {
    fn kinds(&self) -> &'static [&'static str] {
        &[]
    }

    fn load<'a>(&'a self, _tx: &'a mut Tx, _kind: &'a str, _id: &'a str) -> StateFuture<'a> {
        Box::pin(async { Ok(None) })
    }
}

/// At most this many entities are named per office; the rest are counted.
const NAMED: usize = 20;

#[derive(sqlx::FromRow)]
struct Latest {
    seq: i64,
    recorded_at: i64,
    entity: String,
    entity_id: String,
    after_json: Option<String>,
}

/// Compares the latest record of each checked entity in `office`'s chain
/// with the entity as stored; one [`BrokenLink`] per entity that differs.
pub async fn check(db: &Db, states: &dyn StoredState, office: Uuid) -> Result<Vec<BrokenLink>, Error> {
    let kinds = states.kinds();
    if kinds.is_empty() {
        return Ok(Vec::new());
    }
    let reads = states.reads();
    let marks = |from: usize, n: usize| (from..from + n).map(|i| format!("${i}")).collect::<Vec<_>>().join(", ");
    // A read is passed over; `''` stands for none, as no action is empty.
    let read_marks = if reads.is_empty() {
        "''".to_string()
    } else {
        marks(kinds.len() + 2, reads.len())
    };
    let mut latest = query_built(format!(
        "SELECT r.seq, r.recorded_at, r.entity, r.entity_id, r.after_json FROM audit_records r \
         WHERE r.office_id = $1 AND r.entity IN ({kinds}) AND r.seq = (SELECT MAX(s.seq) FROM audit_records s \
         WHERE s.office_id = r.office_id AND s.entity = r.entity AND s.entity_id = r.entity_id \
         AND s.action NOT IN ({read_marks})) ORDER BY r.seq",
        kinds = marks(2, kinds.len()),
    ))
    .bind(office.to_string());
    for kind in kinds.iter().chain(reads) {
        latest = latest.bind(*kind);
    }
    let records: Vec<Latest> = db.fetch_all(latest).await?;
    let mut differ = Vec::new();
    let mut tx = db.begin_read().await?;
    for record in records {
        let recorded = match record.after_json.as_deref().map(serde_json::from_str::<Json>) {
            None => None,
            Some(Ok(json)) => Some(json),
            // The chain check reports a record that is not JSON.
            Some(Err(_)) => continue,
        };
        let stored = states.load(&mut tx, &record.entity, &record.entity_id).await?;
        if stored == recorded || recorded_later_elsewhere(&mut tx, office, &record).await? {
            continue;
        }
        differ.push(BrokenLink {
            office_id: office,
            seq: record.seq,
            reason: match stored {
                None => format!(
                    "{} {}: đã bị xóa trực tiếp trong cơ sở dữ liệu (bản ghi nhật ký số {} vẫn ghi nhận)",
                    record.entity, record.entity_id, record.seq
                ),
                Some(_) => format!(
                    "{} {}: dữ liệu đang lưu khác với bản ghi nhật ký số {}, đã bị sửa trực tiếp trong cơ sở dữ liệu",
                    record.entity, record.entity_id, record.seq
                ),
            },
        });
    }
    tx.commit().await?;
    if differ.len() > NAMED {
        let more = differ.len() - NAMED;
        differ.truncate(NAMED);
        differ.push(BrokenLink {
            office_id: office,
            seq: 0,
            reason: format!("… và {more} đối tượng khác có dữ liệu đang lưu khác với nhật ký"),
        });
    }
    Ok(differ)
}

/// Whether another office's chain has a record of the same entity made at
/// or after `record` (an entity that moved office is checked there).
async fn recorded_later_elsewhere(tx: &mut Tx, office: Uuid, record: &Latest) -> Result<bool, Error> {
    let later: Option<i64> = tx
        .scalar(
            query(
                "SELECT COUNT(*) FROM audit_records WHERE entity = $1 AND entity_id = $2 AND office_id <> $3 \
                 AND recorded_at >= $4",
            )
            .bind(&record.entity)
            .bind(&record.entity_id)
            .bind(office.to_string())
            .bind(record.recorded_at),
        )
        .await?;
    Ok(later.unwrap_or(0) > 0)
}
