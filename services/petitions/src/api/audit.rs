//! The petitions service's entities as its audit trail records them, so
//! that `VerifyAudit` catches a petition edited straight in the database;
//! the audit RPCs themselves are the platform's `AuditApi`. Its records
//! never hold a petitioner's or visitor's identity (`Petition::audit_json`,
//! `Reception::audit_json`, and the records of identity views hold counts
//! and ids only), so every audit reader sees them as stored (`AsStored`).

use vanphong_platform::audit_state::{StateFuture, StoredState};
use vanphong_platform::db::Tx;

/// Petitions as their audit records describe them: every change to a
/// petition is recorded with the whole petition (`Petition::audit_json`).
pub struct States;

impl StoredState for States {
    fn kinds(&self) -> &'static [&'static str] {
        &["petition"]
    }

    /// Who saw a petitioner's identity is recorded against the petition
    /// (`record_identity_view`), with counts, not the petition.
    fn reads(&self) -> &'static [&'static str] {
        &[super::VIEW_IDENTITY]
    }

    fn load<'a>(&'a self, tx: &'a mut Tx, _kind: &'a str, id: &'a str) -> StateFuture<'a> {
        Box::pin(async move {
            let Ok(id) = uuid::Uuid::parse_str(id) else {
                return Ok(None);
            };
            Ok(crate::store::petitions::get(tx, id).await?.map(|p| p.audit_json()))
        })
    }
}
