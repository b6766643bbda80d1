//! The reporting service's entities as its audit trail records them, so
//! that `VerifyAudit` catches a report edited straight in the database; the
//! audit RPCs themselves are the platform's `AuditApi`.

use vanphong_platform::audit_state::{StateFuture, StoredState};
use vanphong_platform::db::Tx;

/// Reports as their audit records describe them: every change to a report
/// is recorded with the whole report (`Report::audit_json`).
pub struct States;

impl StoredState for States {
    fn kinds(&self) -> &'static [&'static str] {
        &["report"]
    }

    fn load<'a>(&'a self, tx: &'a mut Tx, _kind: &'a str, id: &'a str) -> StateFuture<'a> {
        Box::pin(async move {
            let Ok(id) = uuid::Uuid::parse_str(id) else {
                return Ok(None);
            };
            Ok(crate::store::reports::get(tx, id).await?.map(|r| r.audit_json()))
        })
    }
}
