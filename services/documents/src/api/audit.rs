//! What the documents service's audit trail differs in (the audit RPCs
//! themselves are the platform's `AuditApi`): its entities as their records
//! describe them, and its lens, by which readers see a secret document's
//! content only if they may read the document itself.

use std::collections::HashMap;

use uuid::Uuid;

use vanphong_platform::Error;
use vanphong_platform::audit::AuditRow;
use vanphong_platform::audit_state::{StateFuture, StoredState};
use vanphong_platform::audit_view::{AuditLens, Sight};
use vanphong_platform::db::Tx;
use vanphong_platform::identity::Caller;

use super::Shared;
use crate::domain::access;
use crate::store;

/// Documents as their audit records describe them: every change to a
/// document is recorded with the whole document (`Document::audit_json`).
pub struct States;

impl StoredState for States {
    fn kinds(&self) -> &'static [&'static str] {
        &["document"]
    }

    fn load<'a>(&'a self, tx: &'a mut Tx, _kind: &'a str, id: &'a str) -> StateFuture<'a> {
        Box::pin(async move {
            let Some(id) = self::id(id) else { return Ok(None) };
            Ok(store::documents::get(tx, id).await?.map(|d| d.audit_json()))
        })
    }
}

/// The keys of a record's JSON that carry a document's content, by the kind
/// of record: what a reader not cleared for a secret document must not see.
fn content_keys(entity: &str) -> Option<&'static [&'static str]> {
    match entity {
        "document" => Some(&["subject", "refusal_reason", "cancel_reason"]),
        "attachment" => Some(&["file_name"]),
        "recipient" => Some(&["description"]),
        _ => None,
    }
}

fn id(text: &str) -> Option<Uuid> {
    Uuid::parse_str(text).ok()
}

/// The document a record is about.
async fn document_of(tx: &mut Tx, record: &AuditRow) -> Result<Option<Uuid>, Error> {
    Ok(match record.entity.as_str() {
        "document" => id(&record.entity_id),
        "attachment" => [&record.after_json, &record.before_json]
            .into_iter()
            .flatten()
            .filter_map(|json| serde_json::from_str::<serde_json::Value>(json).ok())
            .find_map(|json| json["document_id"].as_str().and_then(id)),
        "recipient" => match id(&record.entity_id) {
            Some(recipient) => store::recipients::document_of(tx, recipient).await?,
            None => None,
        },
        _ => None,
    })
}

impl AuditLens for Shared {
    async fn sights(&self, caller: &Caller, records: &[AuditRow]) -> Result<Vec<Sight>, Error> {
        let snapshot = self.snapshot();
        let today = self.today();
        let mut readable: HashMap<Uuid, bool> = HashMap::new();
        let mut sights = Vec::with_capacity(records.len());
        let mut tx = self.ctx.db.begin_read().await?;
        for record in records {
            let Some(keys) = content_keys(&record.entity) else {
                sights.push(Sight::Whole);
                continue;
            };
            // A record whose document cannot be found shows no content.
            let mut sees = false;
            if let Some(id) = document_of(&mut tx, record).await? {
                sees = match readable.get(&id) {
                    Some(known) => *known,
                    None => {
                        let named = store::people::distribution(&mut tx, id).await?;
                        let found = store::documents::get(&mut tx, id).await?;
                        let sees =
                            found.is_some_and(|d| access::cleared_for(caller, &snapshot.tree, today, &d, &named));
                        readable.insert(id, sees);
                        sees
                    }
                };
            }
            sights.push(if sees { Sight::Whole } else { Sight::Without(keys) });
        }
        tx.commit().await?;
        Ok(sights)
    }
}
