//! Writing the audit record of a change to an office, user or service
//! account, in the transaction that makes the change.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use vanphong_platform::Error;
use vanphong_platform::audit::{self, Change};
use vanphong_platform::db::Tx;
use vanphong_platform::identity::Caller;
use vanphong_platform::tree::OfficeEntry;

use super::convert::office_audit_json;
use crate::directory::domain::user::{ServiceAccount, User};

/// Something whose changes are audited.
pub trait Audited {
    /// Kind of entity in the trail, e.g. `"user"`.
    const ENTITY: &'static str;
    /// The office whose chain records the change.
    fn office_id(&self) -> Uuid;
    fn entity_id(&self) -> Uuid;
    /// The entity as recorded: never secrets such as password hashes.
    fn audit_json(&self) -> serde_json::Value;
}

impl Audited for User {
    const ENTITY: &'static str = "user";
    fn office_id(&self) -> Uuid {
        self.office_id
    }
    fn entity_id(&self) -> Uuid {
        self.id
    }
    fn audit_json(&self) -> serde_json::Value {
        User::audit_json(self)
    }
}

impl Audited for ServiceAccount {
    const ENTITY: &'static str = "service_account";
    fn office_id(&self) -> Uuid {
        self.office_id
    }
    fn entity_id(&self) -> Uuid {
        self.id
    }
    fn audit_json(&self) -> serde_json::Value {
        ServiceAccount::audit_json(self)
    }
}

impl Audited for OfficeEntry {
    const ENTITY: &'static str = "office";
    fn office_id(&self) -> Uuid {
        self.id
    }
    fn entity_id(&self) -> Uuid {
        self.id
    }
    fn audit_json(&self) -> serde_json::Value {
        office_audit_json(self)
    }
}

/// Records `action` on `after` (and what it was `before`, if it existed).
pub async fn record_change<T: Audited>(
    tx: &mut Tx,
    caller: &Caller,
    now: DateTime<Utc>,
    before: Option<&T>,
    after: &T,
    action: &'static str,
) -> Result<(), Error> {
    audit::record(
        tx,
        caller,
        now,
        Change {
            office_id: after.office_id(),
            entity: T::ENTITY,
            entity_id: after.entity_id().to_string(),
            action,
            before: before.map(Audited::audit_json),
            after: Some(after.audit_json()),
        },
    )
    .await?;
    Ok(())
}
