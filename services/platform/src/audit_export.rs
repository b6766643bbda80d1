//! The auditor's export: one office's audit records for a period in a JSON
//! file that proves itself without the database.
//!
//! The file holds the records as stored (with `prev_hash` and `hash`; a
//! record the exporter may not read has its hidden values replaced and says
//! `redacted`, its hashes kept so the chain still links), the record before
//! the period (its `seq` and `hash`), a checkpoint of the period's last
//! record signed with the deployment's audit key, that key's public half,
//! and an Ed25519 signature by the same key over the canonical bytes of all
//! of it. [`verify_file`] checks all that offline: `vanphong audit
//! verify-export FILE`.

use chrono::{DateTime, NaiveDate, Utc};
use ed25519_dalek::VerifyingKey;
use ed25519_dalek::pkcs8::DecodePublicKey;
use serde::{Deserialize, Serialize};
use serde_json::Value as Json;
use sha2::{Digest, Sha256};
use uuid::Uuid;

use crate::Error;
use crate::audit::{self, AuditRow, GENESIS};
use crate::audit_anchor::{self, Anchoring, AuditKey, Checkpoint};
use crate::audit_state::StoredState;
use crate::audit_view::{self, Sight};
use crate::clock::{format_date, start_of_local_day};

/// The `format` of every export file of this layout.
pub const FORMAT: &str = "vanphong-audit-export/v1";

/// The media type of an export file.
pub const CONTENT_TYPE: &str = "application/json";

/// The most records one export holds: a longer period is exported in parts.
pub const MAX_RECORDS: i64 = 5000;

/// A record as exported.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExportedRecord {
    #[serde(flatten)]
    pub record: AuditRow,
    /// True when values the exporter may not read are hidden: its hash is
    /// then that of the record as stored and cannot be recomputed here.
    pub redacted: bool,
}

/// Where the exported records join the chain: the record before them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Link {
    /// 0 when the chain starts with the export.
    pub seq: i64,
    pub hash: String,
}

/// The signed content of an export file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Export {
    pub format: String,
    /// The service whose chain this is (`"documents"` …).
    pub service: String,
    pub office_id: String,
    /// The period, local dates, both included.
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub exported_at: DateTime<Utc>,
    /// Who exported: a user's id, or `"cli"` for the command line.
    pub exported_by: String,
    pub previous: Link,
    pub records: Vec<ExportedRecord>,
    /// Signed statement of the chain at the last record (or at `previous`
    /// when the period has none); absent only for an empty chain.
    pub checkpoint: Option<Checkpoint>,
    /// The audit key's public half (PEM) and its id.
    pub public_key: String,
    pub key_id: String,
}

/// The file: the export and the signature of its canonical bytes.
#[derive(Debug, Serialize, Deserialize)]
struct SignedFile {
    export: Json,
    signature: String,
}

/// What is read out of the database for an export, before it is sealed.
#[derive(Debug, Clone)]
pub struct Gathered {
    pub office: Uuid,
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub previous: Link,
    /// The records of the period, in order, as stored.
    pub records: Vec<AuditRow>,
    pub checkpoint: Option<Checkpoint>,
}

/// Verifies `office`'s chain (refusing to export one that does not verify),
/// then reads the records of the period and a checkpoint of the last one,
/// signing a checkpoint there when none is stored yet.
pub async fn gather(
    db: &crate::db::Db,
    anchoring: &Anchoring,
    states: &dyn StoredState,
    office: Uuid,
    from: NaiveDate,
    to: NaiveDate,
    now: DateTime<Utc>,
) -> Result<Gathered, Error> {
    if !anchoring.key.can_sign() {
        return Err(Error::FailedPrecondition(
            "Không có khóa bí mật của khóa nhật ký (--audit-key-file) nên không ký được bản xuất".into(),
        ));
    }
    let report = audit::verify(db, anchoring, states, &[office], now).await?;
    if let Some(first) = report.broken.first() {
        return Err(Error::FailedPrecondition(format!(
            "Chuỗi nhật ký của đơn vị không nguyên vẹn nên không xuất được (bản ghi số {}: {})",
            first.seq, first.reason
        )));
    }
    // Verifying signed a checkpoint at the head it verified: records after
    // it (appended meanwhile) are left out.
    let (valid, _) = audit_anchor::checked_checkpoints(db, anchoring, office).await?;
    let verified_up_to = valid.last().map_or(0, |c| c.seq);
    let start = crate::clock::to_micros(start_of_local_day(from));
    let until = crate::clock::to_micros(start_of_local_day(to.succ_opt().unwrap_or(to)));
    let range = audit::seq_range(db, office, start, until)
        .await?
        .map(|(first, last)| (first, last.min(verified_up_to)))
        .filter(|(first, last)| first <= last);
    let (previous, records) = match range {
        Some((first, last)) => {
            if last - first + 1 > MAX_RECORDS {
                return Err(Error::FailedPrecondition(format!(
                    "Khoảng thời gian có {} bản ghi, quá {MAX_RECORDS} bản ghi của một lần xuất: hãy xuất từng khoảng ngắn hơn",
                    last - first + 1
                )));
            }
            let records = audit::between(db, office, first - 1, last).await?;
            let (before, records) = match records.split_first() {
                Some((before, rest)) if before.seq == first - 1 => (
                    Link {
                        seq: before.seq,
                        hash: before.hash.clone(),
                    },
                    rest.to_vec(),
                ),
                _ => (
                    Link {
                        seq: 0,
                        hash: GENESIS.to_string(),
                    },
                    records,
                ),
            };
            (before, records)
        }
        None => match audit::last_before(db, office, start).await? {
            Some(row) if row.seq <= verified_up_to => (
                Link {
                    seq: row.seq,
                    hash: row.hash,
                },
                Vec::new(),
            ),
            _ => (
                Link {
                    seq: 0,
                    hash: GENESIS.to_string(),
                },
                Vec::new(),
            ),
        },
    };
    let (seq, hash) = records
        .last()
        .map_or((previous.seq, previous.hash.clone()), |r| (r.seq, r.hash.clone()));
    let checkpoint = if seq == 0 {
        None
    } else if let Some(stored) = valid.iter().find(|c| c.seq == seq && c.hash == hash) {
        Some(stored.clone())
    } else {
        let fresh = Checkpoint::sign(&anchoring.key, anchoring.chain, &office.to_string(), seq, &hash, now)
            .ok_or_else(|| Error::internal("the audit key stopped signing"))?;
        audit_anchor::store(db, &fresh).await?;
        Some(fresh)
    };
    Ok(Gathered {
        office,
        from,
        to,
        previous,
        records,
        checkpoint,
    })
}

/// A sealed export: its file name and bytes.
#[derive(Debug, Clone)]
pub struct Sealed {
    pub file_name: String,
    pub content: Vec<u8>,
    /// SHA-256 (hex) of the content, for the record of the export.
    pub sha256: String,
}

/// Seals `gathered` into a file signed with `anchoring`'s key, each record
/// as `sights` (one per record, in order) lets the exporter see it.
pub fn seal(
    gathered: &Gathered,
    sights: &[Sight],
    anchoring: &Anchoring,
    exported_by: &str,
    now: DateTime<Utc>,
) -> Result<Sealed, Error> {
    if sights.len() != gathered.records.len() {
        return Err(Error::internal("an audit lens judged a different number of records"));
    }
    let records = gathered
        .records
        .iter()
        .zip(sights)
        .map(|(row, sight)| {
            let mut record = row.clone();
            let redacted = audit_view::redact(&mut record, *sight);
            ExportedRecord { record, redacted }
        })
        .collect();
    let export = Export {
        format: FORMAT.into(),
        service: anchoring.chain.into(),
        office_id: gathered.office.to_string(),
        from: gathered.from,
        to: gathered.to,
        exported_at: now,
        exported_by: exported_by.into(),
        previous: gathered.previous.clone(),
        records,
        checkpoint: gathered.checkpoint.clone(),
        public_key: anchoring.key.public_pem(),
        key_id: anchoring.key.id().into(),
    };
    let export = serde_json::to_value(&export).map_err(Error::internal)?;
    let signature = anchoring
        .key
        .sign(canonical(&export).as_bytes())
        .ok_or_else(|| Error::internal("the audit key stopped signing"))?;
    let mut content = serde_json::to_vec_pretty(&SignedFile { export, signature }).map_err(Error::internal)?;
    content.push(b'\n');
    let sha256 = Sha256::digest(&content).iter().map(|b| format!("{b:02x}")).collect();
    Ok(Sealed {
        file_name: format!(
            "nhat-ky-{}-{}-{}-{}.json",
            anchoring.chain,
            gathered.office,
            format_date(gathered.from),
            format_date(gathered.to)
        ),
        content,
        sha256,
    })
}

/// JSON with every object's keys in order and no spaces: the bytes signed,
/// the same however the file was laid out.
fn canonical(value: &Json) -> String {
    match value {
        Json::Object(fields) => {
            let mut keys: Vec<&String> = fields.keys().collect();
            keys.sort();
            let inner: Vec<String> = keys
                .into_iter()
                .map(|k| format!("{}:{}", Json::String(k.clone()), canonical(&fields[k])))
                .collect();
            format!("{{{}}}", inner.join(","))
        }
        Json::Array(items) => format!("[{}]", items.iter().map(canonical).collect::<Vec<_>>().join(",")),
        other => other.to_string(),
    }
}

/// What an intact export holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verified {
    pub export: Export,
    /// The id of the key that signed the file.
    pub key_id: String,
    pub redacted: usize,
}

/// Checks an export file offline: its signature (by `trusted` when given,
/// else by the key it carries), the chain links within it, each unredacted
/// record's hash, and the checkpoint's signature and that it stands for the
/// last record. The first problem found, for people (Vietnamese), if any.
pub fn verify_file(content: &[u8], trusted: Option<&VerifyingKey>) -> Result<Verified, String> {
    let file: SignedFile = serde_json::from_slice(content)
        .map_err(|e| format!("Không phải tệp xuất nhật ký (not an audit export file): {e}"))?;
    let carried = file
        .export
        .get("public_key")
        .and_then(Json::as_str)
        .ok_or("Tệp không có khóa công khai (no public key in the file)")?;
    let carried = VerifyingKey::from_public_key_pem(carried)
        .map_err(|e| format!("Khóa công khai trong tệp không đọc được (unreadable public key): {e}"))?;
    let key = match trusted {
        Some(trusted) if trusted != &carried => {
            return Err(format!(
                "Tệp được ký bằng khóa {} chứ không phải khóa được chỉ định {} (signed by another key)",
                AuditKey::from_verifying(carried).id(),
                AuditKey::from_verifying(*trusted).id()
            ));
        }
        Some(trusted) => *trusted,
        None => carried,
    };
    if !audit_anchor::verifies(&key, canonical(&file.export).as_bytes(), &file.signature) {
        return Err("Chữ ký của tệp không hợp lệ: nội dung đã bị sửa (the file's signature does not hold)".into());
    }
    let export: Export = serde_json::from_value(file.export)
        .map_err(|e| format!("Nội dung tệp không đúng định dạng (malformed export): {e}"))?;
    if export.format != FORMAT {
        return Err(format!(
            "Định dạng {} không được hỗ trợ (unsupported format)",
            export.format
        ));
    }
    let mut last = export.previous.clone();
    for exported in &export.records {
        let record = &exported.record;
        if record.office_id != export.office_id {
            return Err(format!(
                "Bản ghi số {} thuộc đơn vị khác (record of another office)",
                record.seq
            ));
        }
        if record.seq != last.seq + 1 {
            return Err(format!(
                "Thiếu bản ghi số {} (record missing from the file)",
                last.seq + 1
            ));
        }
        if record.prev_hash != last.hash {
            return Err(format!(
                "Bản ghi số {}: liên kết với bản ghi trước không khớp (broken link)",
                record.seq
            ));
        }
        if !exported.redacted && record.expected_hash() != record.hash {
            return Err(format!(
                "Bản ghi số {}: nội dung đã bị sửa (record altered)",
                record.seq
            ));
        }
        last = Link {
            seq: record.seq,
            hash: record.hash.clone(),
        };
    }
    match &export.checkpoint {
        None if last.seq == 0 => {}
        None => return Err("Thiếu điểm neo đã ký (no signed checkpoint)".into()),
        Some(checkpoint) => {
            if !checkpoint.is_signed_by(&key, &export.service) {
                return Err("Chữ ký của điểm neo không hợp lệ (the checkpoint's signature does not hold)".into());
            }
            if checkpoint.office_id != export.office_id || checkpoint.seq != last.seq || checkpoint.hash != last.hash {
                return Err(format!(
                    "Điểm neo đã ký (bản ghi số {}) không khớp với bản ghi cuối số {} (checkpoint does not match the last record)",
                    checkpoint.seq, last.seq
                ));
            }
        }
    }
    let redacted = export.records.iter().filter(|r| r.redacted).count();
    Ok(Verified {
        key_id: AuditKey::from_verifying(key).id().to_string(),
        export,
        redacted,
    })
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::clock::from_micros;

    fn row(seq: i64, prev_hash: &str) -> AuditRow {
        let mut row = AuditRow {
            office_id: Uuid::nil().to_string(),
            seq,
            id: format!("r{seq}"),
            recorded_at: 1_800_000_000_000_000 + seq,
            actor_user_id: "u".into(),
            actor_office_id: Uuid::nil().to_string(),
            entity: "document".into(),
            entity_id: "d".into(),
            action: "update".into(),
            before_json: None,
            after_json: Some(format!(r#"{{"subject":"Mật {seq}"}}"#)),
            trace_id: String::new(),
            prev_hash: prev_hash.into(),
            hash: String::new(),
        };
        row.hash = row.expected_hash();
        row
    }

    fn sealed(anchoring: &Anchoring, sights: &[Sight], edit: impl FnOnce(&mut Gathered)) -> Vec<u8> {
        let at = from_micros(1_800_000_000_000_000);
        let before = row(4, "p");
        let first = row(5, &before.hash);
        let second = row(6, &first.hash);
        let checkpoint = Checkpoint::sign(
            &anchoring.key,
            anchoring.chain,
            &Uuid::nil().to_string(),
            6,
            &second.hash,
            at,
        );
        let mut gathered = Gathered {
            office: Uuid::nil(),
            from: NaiveDate::MIN,
            to: NaiveDate::MIN,
            previous: Link {
                seq: 4,
                hash: before.hash,
            },
            records: vec![first, second],
            checkpoint,
        };
        edit(&mut gathered);
        seal(&gathered, sights, anchoring, "u", at).expect("sealed").content
    }

    #[test]
    fn an_export_holds_only_whole_linked_and_signed() {
        let dir = tempfile::tempdir().expect("tempdir");
        let key = AuditKey::load_or_create(&dir.path().join("audit-key.pem")).expect("key");
        let anchoring = Anchoring {
            chain: "documents",
            key: Arc::new(key),
        };
        let whole = [Sight::Whole, Sight::Whole];
        let good = sealed(&anchoring, &whole, |_| {});
        let verified = verify_file(&good, Some(anchoring.key.verifying_key())).expect("intact");
        assert_eq!(verified.export.records.len(), 2);
        assert_eq!(verified.key_id, anchoring.key.id());

        // Redacted records keep their hashes and the chain still links.
        let hidden = sealed(&anchoring, &[Sight::Without(&["subject"]), Sight::Whole], |_| {});
        let verified = verify_file(&hidden, None).expect("intact");
        assert_eq!(verified.redacted, 1);
        assert!(String::from_utf8_lossy(&hidden).contains(audit_view::HIDDEN));

        // Even re-signed by the key, a file missing a record, with an
        // altered one, or with a checkpoint elsewhere fails.
        let gap = sealed(&anchoring, &[Sight::Whole], |g| {
            g.records.remove(0);
        });
        assert!(verify_file(&gap, None).expect_err("gap").contains("Thiếu bản ghi số 5"));
        let altered = sealed(&anchoring, &whole, |g| g.records[0].action = "delete".into());
        assert!(verify_file(&altered, None).expect_err("altered").contains("số 5"));
        let short = sealed(&anchoring, &[Sight::Whole], |g| {
            g.records.pop();
        });
        assert!(
            verify_file(&short, None)
                .expect_err("checkpoint")
                .contains("không khớp")
        );

        // One byte changed breaks the file's signature; another key is named.
        let text = String::from_utf8(good).expect("utf-8");
        let changed = text.replacen("Mật 5", "Mật 9", 1);
        assert!(
            verify_file(changed.as_bytes(), None)
                .expect_err("changed")
                .contains("Chữ ký")
        );
        let other = AuditKey::load_or_create(&dir.path().join("other.pem")).expect("key");
        let e = verify_file(text.as_bytes(), Some(other.verifying_key())).expect_err("other key");
        assert!(e.contains(other.id()) && e.contains(anchoring.key.id()), "{e}");
        assert!(verify_file(b"{}", None).is_err());
    }
}
