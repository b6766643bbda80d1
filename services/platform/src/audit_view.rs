//! What a reader of the audit trail is shown of each record: never more than
//! the thing the record is about would show them. Admins and inspectors read
//! every record of the offices they audit, but some records hold what only
//! some people may read (a secret document's subject, a protected
//! identity). Each service knows which, and says so through its
//! [`AuditLens`]; [`crate::audit_api::list`] applies it.
//!
//! Only the view is changed: the hashes shown are those of the record as
//! stored, so the chain is still verified (by `VerifyAudit`) over what was
//! written, and a redacted record says it is one.

use std::future::Future;

use serde_json::Value as Json;

use vanphong_proto::common::v1 as wire;

use crate::Error;
use crate::audit::AuditRow;
use crate::db::CorruptRow;
use crate::identity::Caller;

/// What is shown in place of a hidden value.
pub const HIDDEN: &str = "[đã ẩn]";

/// How much of one record a reader may see.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sight {
    /// All of it, as stored.
    Whole,
    /// All but these keys of its before and after JSON.
    Without(&'static [&'static str]),
}

/// A service's judgement of what each reader may see of its records.
pub trait AuditLens: Sync {
    /// The sight `caller` has of each of `records`, in the same order.
    fn sights(&self, caller: &Caller, records: &[AuditRow]) -> impl Future<Output = Result<Vec<Sight>, Error>> + Send;
}

/// For services whose records hold nothing an audit reader may not see.
pub struct AsStored;

impl AuditLens for AsStored {
    async fn sights(&self, _caller: &Caller, records: &[AuditRow]) -> Result<Vec<Sight>, Error> {
        Ok(vec![Sight::Whole; records.len()])
    }
}

/// The record as the reader may see it.
pub fn view(record: &AuditRow, sight: Sight) -> Result<wire::AuditRecord, CorruptRow> {
    let mut seen = record.clone();
    let redacted = redact(&mut seen, sight);
    let mut shown = seen.to_wire()?;
    shown.redacted = redacted;
    Ok(shown)
}

/// The record as stored with what `sight` hides hidden; whether anything
/// was (the hashes stay those of the record as stored).
pub fn redact(record: &mut AuditRow, sight: Sight) -> bool {
    let Sight::Without(keys) = sight else {
        return false;
    };
    for json in [&mut record.before_json, &mut record.after_json].into_iter().flatten() {
        *json = without(json, keys);
    }
    true
}

/// The JSON with the values of `keys` hidden; anything but an object is
/// hidden whole, since its parts cannot be told apart.
fn without(json: &str, keys: &[&str]) -> String {
    if json.is_empty() {
        return String::new();
    }
    let hidden = Json::String(HIDDEN.into());
    let shown = match serde_json::from_str::<Json>(json) {
        Ok(Json::Object(mut fields)) => {
            for key in keys {
                if let Some(value) = fields.get_mut(*key) {
                    *value = hidden.clone();
                }
            }
            Json::Object(fields)
        }
        _ => hidden,
    };
    shown.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(after: &str) -> AuditRow {
        AuditRow {
            office_id: "o".into(),
            seq: 7,
            id: "r".into(),
            recorded_at: 0,
            actor_user_id: "u".into(),
            actor_office_id: "o".into(),
            entity: "document".into(),
            entity_id: "d".into(),
            action: "create".into(),
            before_json: None,
            after_json: Some(after.into()),
            trace_id: String::new(),
            prev_hash: "p".into(),
            hash: "h".into(),
        }
    }

    #[test]
    fn hidden_keys_lose_their_values_and_the_hashes_stay() {
        let stored = row(r#"{"subject":"Mật","secrecy":1}"#);
        let whole = view(&stored, Sight::Whole).expect("readable");
        assert!(!whole.redacted);
        assert_eq!(whole.after_json, stored.after_json.clone().unwrap_or_default());

        let shown = view(&stored, Sight::Without(&["subject", "absent"])).expect("readable");
        assert!(shown.redacted);
        let after: Json = serde_json::from_str(&shown.after_json).expect("json");
        assert_eq!(after["subject"], HIDDEN);
        assert_eq!(after["secrecy"], 1);
        assert!(after.get("absent").is_none(), "no key is added");
        assert_eq!(shown.before_json, "");
        assert_eq!((shown.hash.as_str(), shown.prev_hash.as_str()), ("h", "p"));

        let odd = view(&row("[\"Mật\"]"), Sight::Without(&["subject"])).expect("readable");
        assert_eq!(odd.after_json, format!("\"{HIDDEN}\""));
    }
}
