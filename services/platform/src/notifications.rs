//! In-app notifications kept per user, read or unread: an [`Inbox`] over one
//! table of a service's own database (`notifications`: `seq`, `id`,
//! `user_id`, `kind`, `record_id`, `actor_name`, `note`, `created_at`,
//! `read_at`, `dedupe_key`), like [`crate::history::History`].
//!
//! Why a service writes its notices itself, in the transaction of the step
//! that causes them, rather than deriving them later from its history
//! table: a history entry names who acted, never who must be told (the
//! people a step concerns — the leader a document is submitted to, the
//! handlers it is assigned to, the clerks of the office it arrives at, the
//! drafter it is returned to — are known only to the step), and a notice
//! written with the step can never be lost or duplicated by a crash between
//! the two. The one notice no step causes, a deadline drawing near, is
//! written when its person next asks for their notices, once per record and
//! deadline (`dedupe_key`).
//!
//! Every read and change is by the user's own id, so a person sees and
//! marks only their own notices; what a notice points at is shown by the
//! service only as far as the person may still see that record.

use chrono::{DateTime, NaiveDate, Utc};
use uuid::Uuid;

use crate::db::{CorruptRow, RowDecoder, StoreError, Tx, query, query_built};
use crate::ids::new_id;

/// A notice to write.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewNotice {
    pub user_id: Uuid,
    /// What happened, a fixed code of the service (`assigned`, `returned`…).
    pub kind: &'static str,
    /// The record it is about (a document, a petition).
    pub record_id: Uuid,
    /// Who caused it ("" for the system, e.g. a deadline).
    pub actor_name: String,
    /// A short detail (a direction's note, a recipient's name).
    pub note: String,
    pub at: DateTime<Utc>,
    /// Set for a notice that must be written once only (a deadline): a
    /// second notice with the same key for the same user is not written.
    pub dedupe_key: Option<String>,
}

impl NewNotice {
    /// A notice for `user_id` written every time (no `dedupe_key`).
    pub fn new(
        user_id: Uuid,
        kind: &'static str,
        record_id: Uuid,
        actor_name: impl Into<String>,
        note: impl Into<String>,
        at: DateTime<Utc>,
    ) -> NewNotice {
        NewNotice {
            user_id,
            kind,
            record_id,
            actor_name: actor_name.into(),
            note: note.into(),
            at,
            dedupe_key: None,
        }
    }

    /// The notice of `record`'s `deadline` drawing near, written once per
    /// person, record and deadline.
    pub fn deadline(user_id: Uuid, record: Uuid, deadline: NaiveDate, at: DateTime<Utc>) -> NewNotice {
        NewNotice {
            dedupe_key: Some(deadline_key(record, deadline)),
            ..NewNotice::new(user_id, DEADLINE, record, "", deadline.to_string(), at)
        }
    }
}

/// A stored notice.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    /// Its place in the table, newest highest (the page token).
    pub seq: i64,
    pub id: Uuid,
    pub user_id: Uuid,
    pub kind: String,
    pub record_id: Uuid,
    pub actor_name: String,
    pub note: String,
    pub at: DateTime<Utc>,
    pub read_at: Option<DateTime<Utc>>,
}

impl Notice {
    /// What an audit record says of the notice: never the record's content.
    pub fn audit_json(&self) -> serde_json::Value {
        serde_json::json!({
            "id": self.id.to_string(),
            "user_id": self.user_id.to_string(),
            "kind": self.kind,
            "record_id": self.record_id.to_string(),
            "read_at": self.read_at.map(|t| t.to_rfc3339()),
        })
    }
}

#[derive(sqlx::FromRow)]
struct Row {
    seq: i64,
    id: String,
    user_id: String,
    kind: String,
    record_id: String,
    actor_name: String,
    note: String,
    created_at: i64,
    read_at: Option<i64>,
}

impl Row {
    fn into_notice(self, table: &'static str) -> Result<Notice, CorruptRow> {
        let d = RowDecoder::new(table, &self.id);
        Ok(Notice {
            seq: self.seq,
            id: d.id("id", &self.id)?,
            user_id: d.id("user_id", &self.user_id)?,
            kind: self.kind,
            record_id: d.id("record_id", &self.record_id)?,
            actor_name: self.actor_name,
            note: self.note,
            at: d.timestamp("created_at", self.created_at)?,
            read_at: d.opt_timestamp("read_at", self.read_at)?,
        })
    }
}

/// The kind of the notice no step writes: a deadline drawing near.
pub const DEADLINE: &str = "deadline";

/// The key that makes a deadline's notice be written once per record,
/// person and deadline (a deadline moved later is told again). A service's
/// [`DeadlineQuery`] compares it in SQL, as `'deadline:' || id || ':' || deadline`.
pub fn deadline_key(record: Uuid, deadline: NaiveDate) -> String {
    format!("deadline:{record}:{deadline}")
}

/// A service's records whose deadline draws near for a person, who may have
/// no notice of it yet: its fixed statement and where it reads.
#[derive(Debug, Clone, Copy)]
pub struct DeadlineQuery {
    /// The table read and its deadline, named when a row cannot be decoded.
    pub table: &'static str,
    pub deadline_column: &'static str,
    /// `SELECT id, <deadline> …` of the open records the person (`$1`)
    /// works on whose deadline falls from today (`$2`) to the last day due
    /// soon (`$3`), without a notice keyed by [`deadline_key`], by id.
    pub sql: &'static str,
}

impl DeadlineQuery {
    /// The records due soon for `person` that they have no notice of yet,
    /// with their deadlines.
    pub async fn due_soon(
        &self,
        tx: &mut Tx,
        person: Uuid,
        today: NaiveDate,
        soon: NaiveDate,
    ) -> Result<Vec<(Uuid, NaiveDate)>, StoreError> {
        let rows: Vec<(String, String)> = tx
            .fetch_all(query(self.sql).bind(person).bind(today).bind(soon))
            .await?;
        let mut out = Vec::with_capacity(rows.len());
        for (id, deadline) in rows {
            let d = RowDecoder::new(self.table, &id);
            out.push((d.id("id", &id)?, d.date(self.deadline_column, &deadline)?));
        }
        Ok(out)
    }
}

const COLUMNS: &str = "seq, id, user_id, kind, record_id, actor_name, note, created_at, read_at";

/// Where a service keeps its notices: a fixed table name from the source,
/// never input.
#[derive(Debug, Clone, Copy)]
pub struct Inbox {
    pub table: &'static str,
}

impl Inbox {
    /// Writes a notice; false when one with its `dedupe_key` already exists.
    pub async fn add(&self, tx: &mut Tx, notice: &NewNotice) -> Result<bool, StoreError> {
        let written = tx
            .execute(crate::binds!(query_built(format!(
                    "INSERT INTO {} (id, user_id, kind, record_id, actor_name, note, created_at, dedupe_key) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (user_id, dedupe_key) DO NOTHING",
                    self.table
                ))
                => new_id(), notice.user_id, notice.kind, notice.record_id, &notice.actor_name, &notice.note,
                   notice.at, notice.dedupe_key.clone()))
            .await?;
        Ok(written > 0)
    }

    /// Writes the same notice to each of `users` (each once, however often
    /// named), except `skip` (the person who acted needs no notice of it).
    pub async fn add_to_each(
        &self,
        tx: &mut Tx,
        users: &[Uuid],
        skip: Uuid,
        notice: &NewNotice,
    ) -> Result<(), StoreError> {
        let mut told: Vec<Uuid> = Vec::with_capacity(users.len());
        for user in users {
            if *user == skip || told.contains(user) {
                continue;
            }
            told.push(*user);
            let one = NewNotice {
                user_id: *user,
                ..notice.clone()
            };
            self.add(tx, &one).await?;
        }
        Ok(())
    }

    /// A page of `user`'s notices, newest first, after the one numbered
    /// `before` (exclusive) when given; `limit` + 1 are read so the caller
    /// can tell whether more follow.
    pub async fn page(
        &self,
        tx: &mut Tx,
        user: Uuid,
        unread_only: bool,
        before: Option<i64>,
        limit: u32,
    ) -> Result<Vec<Notice>, StoreError> {
        let mut sql = format!("SELECT {COLUMNS} FROM {} WHERE user_id = $1", self.table);
        if unread_only {
            sql.push_str(" AND read_at IS NULL");
        }
        if before.is_some() {
            sql.push_str(" AND seq < $2");
        }
        sql.push_str(&format!(" ORDER BY seq DESC LIMIT {}", u64::from(limit) + 1));
        let mut q = query_built(sql).bind(user);
        if let Some(before) = before {
            q = q.bind(before);
        }
        let rows: Vec<Row> = tx.fetch_all(q).await?;
        Ok(rows
            .into_iter()
            .map(|r| r.into_notice(self.table))
            .collect::<Result<_, _>>()?)
    }

    /// How many of `user`'s notices are unread.
    pub async fn unread(&self, tx: &mut Tx, user: Uuid) -> Result<i64, StoreError> {
        let n: Option<i64> = tx
            .scalar(
                query_built(format!(
                    "SELECT COUNT(*) FROM {} WHERE user_id = $1 AND read_at IS NULL",
                    self.table
                ))
                .bind(user),
            )
            .await?;
        Ok(n.unwrap_or(0))
    }

    /// `user`'s notice `id`; none when it is someone else's.
    pub async fn get(&self, tx: &mut Tx, user: Uuid, id: Uuid) -> Result<Option<Notice>, StoreError> {
        let row: Option<Row> = tx
            .fetch_optional(
                query_built(format!(
                    "SELECT {COLUMNS} FROM {} WHERE id = $1 AND user_id = $2",
                    self.table
                ))
                .bind(id)
                .bind(user),
            )
            .await?;
        Ok(row.map(|r| r.into_notice(self.table)).transpose()?)
    }

    /// Marks `user`'s notice `id` read at `at` (a notice already read keeps
    /// its time); false when nothing changed.
    pub async fn mark_read(&self, tx: &mut Tx, user: Uuid, id: Uuid, at: DateTime<Utc>) -> Result<bool, StoreError> {
        let changed = tx
            .execute(
                query_built(format!(
                    "UPDATE {} SET read_at = $1 WHERE id = $2 AND user_id = $3 AND read_at IS NULL",
                    self.table
                ))
                .bind(at)
                .bind(id)
                .bind(user),
            )
            .await?;
        Ok(changed > 0)
    }

    /// Marks every unread notice of `user` read at `at`; how many were.
    pub async fn mark_all_read(&self, tx: &mut Tx, user: Uuid, at: DateTime<Utc>) -> Result<u64, StoreError> {
        tx.execute(
            query_built(format!(
                "UPDATE {} SET read_at = $1 WHERE user_id = $2 AND read_at IS NULL",
                self.table
            ))
            .bind(at)
            .bind(user),
        )
        .await
    }
}
