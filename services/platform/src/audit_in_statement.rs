//! An audit record written by the same PostgreSQL statement that makes its
//! change, the database computing the record's hash.
//!
//! A change whose record names a number the statement itself takes (an
//! incoming document's số đến) could otherwise only be recorded by a second
//! statement once the number is known, inside a transaction: `BEGIN`, the
//! change, the record, `COMMIT`, four round trips with the office's number
//! series and audit head locked for three. Here the record's text is
//! prepared with marks where its number in the chain, the change's number
//! and the hash it links to go, and the statement fills them in and hashes
//! with `sha256()`: the change and its record are one statement, which
//! needs no transaction around it. The hash is the one
//! [`AuditRow::expected_hash`] computes, so verification does not know how
//! a record was written.

use chrono::{DateTime, Utc};
use serde_json::Value as Json;

use crate::Error;
use crate::audit::{AuditRow, Change};
use crate::db::Query;
use crate::identity::Caller;

/// A mark to put where a change's JSON names the number the statement
/// takes: random, so that it occurs nowhere else in the record.
#[derive(Debug, Clone)]
pub struct NumberMark(String);

impl NumberMark {
    pub fn new() -> Self {
        Self(format!("n{}", uuid::Uuid::new_v4().simple()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl Default for NumberMark {
    fn default() -> Self {
        Self::new()
    }
}

/// A record to write with [`RecordInStatement::ctes`], its text split
/// around what only the statement knows.
#[derive(Debug, Clone)]
pub struct RecordInStatement {
    row: AuditRow,
    /// The hashed text: before the record's number in the chain, between
    /// it and the change's number, between that and the linked hash, after
    /// the linked hash.
    hashed: [String; 4],
    /// `after_json` before and after the change's number.
    after: [String; 2],
}

/// Splits `text` at the one occurrence of `mark`; `None` when it is not
/// there exactly once.
fn split_at_mark<'a>(text: &'a str, mark: &str) -> Option<(&'a str, &'a str)> {
    let (before, after) = text.split_once(mark)?;
    (!after.contains(mark)).then_some((before, after))
}

impl RecordInStatement {
    /// `actor`'s `change` at `at`, whose after-JSON holds `mark` once,
    /// where the number goes.
    pub fn new(actor: &Caller, at: DateTime<Utc>, change: Change, mark: &NumberMark) -> Result<Self, Error> {
        // Marks of their own for the other two, none inside another.
        let random = &mark.as_str()[1..];
        let (seq_mark, prev_mark) = (format!("s{random}"), format!("p{random}"));
        let mut row = AuditRow::unplaced(actor, at, change);
        row.prev_hash = prev_mark.clone();
        let unmarked = || Error::internal(format!("the audit record of {} lacks its number's mark", row.entity_id));
        let canonical = row.canonical(Json::String(seq_mark.clone()));
        let (head, rest) = split_at_mark(&canonical, &format!("\"{seq_mark}\"")).ok_or_else(unmarked)?;
        let (middle, rest) = split_at_mark(rest, mark.as_str()).ok_or_else(unmarked)?;
        let (tail, end) = split_at_mark(rest, &prev_mark).ok_or_else(unmarked)?;
        let after_json = row.after_json.as_deref().unwrap_or_default();
        let (after_head, after_tail) = split_at_mark(after_json, mark.as_str()).ok_or_else(unmarked)?;
        Ok(Self {
            hashed: [head, middle, tail, end].map(str::to_string),
            after: [after_head, after_tail].map(str::to_string),
            row,
        })
    }

    /// The common table expressions `h`, the office's head advanced (run
    /// once the CTE `after` has, so it is locked after whatever `after`
    /// locks), and `r`, the record, for a statement whose placeholder
    /// `office` is the office, `genesis` is [`crate::audit::GENESIS`], and
    /// whose own placeholders end before `$first`, where the record's
    /// values ([`RecordInStatement::bind`]) begin. `number` is an SQL
    /// expression of the change's number. `h` returns the record's `seq`
    /// and `hash`.
    pub fn ctes(office: &str, genesis: &str, first: usize, after: &str, number: &str) -> String {
        let p = |i: usize| format!("${}", first + i);
        let hash = |seq: &str, prev: &str| {
            format!(
                "encode(sha256(convert_to({} || CAST({seq} AS text) || {} || CAST({number} AS text) || {} || {prev} || {}, \
                 'UTF8')), 'hex')",
                p(0),
                p(1),
                p(2),
                p(3)
            )
        };
        format!(
            "h AS (INSERT INTO audit_heads (office_id, seq, hash, prev_hash) \
                   SELECT {office}, 1, {}, {genesis} FROM {after} WHERE true \
                   ON CONFLICT (office_id) DO UPDATE SET seq = audit_heads.seq + 1, \
                   prev_hash = audit_heads.hash, hash = {} \
                   RETURNING seq, hash, prev_hash), \
             r AS (INSERT INTO audit_records (office_id, seq, id, recorded_at, actor_user_id, actor_office_id, \
                   entity, entity_id, action, before_json, after_json, trace_id, prev_hash, hash) \
                   SELECT {office}, h.seq, {}, {}, {}, {}, {}, {}, {}, {}, {} || CAST({number} AS text) || {}, {}, \
                   h.prev_hash, h.hash FROM h)",
            hash("1", genesis),
            hash("audit_heads.seq + 1", "audit_heads.hash"),
            p(6),
            p(7),
            p(8),
            p(9),
            p(10),
            p(11),
            p(12),
            p(13),
            p(4),
            p(5),
            p(14),
        )
    }

    /// Binds the record's values, in the order of [`RecordInStatement::ctes`].
    pub fn bind(self, q: Query) -> Query {
        let [h0, h1, h2, h3] = self.hashed;
        let [a0, a1] = self.after;
        let r = self.row;
        crate::binds!(q => h0, h1, h2, h3, a0, a1, r.id, r.recorded_at, r.actor_user_id, r.actor_office_id,
            r.entity, r.entity_id, r.action, r.before_json, r.trace_id)
    }

    /// The record as stored once the statement ran and returned its `seq`,
    /// the hash it links to and its own, with `number`: to check it
    /// against [`AuditRow::expected_hash`].
    #[cfg(test)]
    fn as_stored(&self, seq: i64, number: i64, prev_hash: &str, hash: &str) -> AuditRow {
        let mut row = self.row.clone();
        row.seq = seq;
        row.after_json = Some(format!("{}{number}{}", self.after[0], self.after[1]));
        row.prev_hash = prev_hash.to_string();
        row.hash = hash.to_string();
        row
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;
    use uuid::Uuid;

    use sha2::{Digest, Sha256};

    use super::*;

    fn caller() -> Caller {
        Caller::system(Uuid::now_v7())
    }

    #[test]
    fn the_split_text_hashes_as_the_record_does() {
        let mark = NumberMark::new();
        let at = Utc.with_ymd_and_hms(2026, 3, 2, 8, 0, 0).single().expect("instant");
        let change = Change::new(Uuid::now_v7(), "document", "d1", "register").after(
            serde_json::json!({ "arrival": format!("{}/2026", mark.as_str()), "subject": "Về \"công tác\" tháng 3" }),
        );
        let record = RecordInStatement::new(&caller(), at, change, &mark).expect("marked");
        // What the statement computes, done here the same way.
        let (seq, number, prev) = (7, 42, "ab".repeat(32));
        let text = format!(
            "{}{seq}{}{number}{}{prev}{}",
            record.hashed[0], record.hashed[1], record.hashed[2], record.hashed[3]
        );
        let hash: String = Sha256::digest(text.as_bytes())
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        let stored = record.as_stored(seq, number, &prev, &hash);
        assert_eq!(stored.expected_hash(), hash);
        assert!(stored.after_json.as_deref().is_some_and(|a| a.contains("\"42/2026\"")));
    }

    #[test]
    fn a_change_without_the_mark_is_refused() {
        let change =
            Change::new(Uuid::now_v7(), "document", "d1", "register").after(serde_json::json!({ "arrival": "1/2026" }));
        assert!(RecordInStatement::new(&caller(), Utc::now(), change, &NumberMark::new()).is_err());
    }
}
