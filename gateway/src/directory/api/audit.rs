//! The directory's audit trail: its entities as their records describe
//! them, and the directory as the [`AuditHost`] of the platform's
//! `AuditApi`, which serves its `AuditService`.

use std::sync::Arc;

use chrono::{DateTime, Utc};

use vanphong_platform::audit_anchor::Anchoring;
use vanphong_platform::audit_api::AuditHost;
use vanphong_platform::audit_state::{StateFuture, StoredState};
use vanphong_platform::db::{Db, Tx};
use vanphong_platform::directory::DirectorySnapshot;

use super::convert::office_audit_json;
use crate::directory::{Directory, store};

/// The directory as its audit records describe it: every change to an
/// office or a user is recorded with the whole entity (`office_audit_json`,
/// `User::audit_json`).
pub struct States;

impl StoredState for States {
    fn kinds(&self) -> &'static [&'static str] {
        &["office", "user"]
    }

    fn load<'a>(&'a self, tx: &'a mut Tx, kind: &'a str, id: &'a str) -> StateFuture<'a> {
        Box::pin(async move {
            let Ok(id) = uuid::Uuid::parse_str(id) else {
                return Ok(None);
            };
            Ok(match kind {
                "office" => store::offices::load_all(tx)
                    .await?
                    .iter()
                    .find(|o| o.id == id)
                    .map(office_audit_json),
                "user" => store::users::get(tx, id).await?.map(|(user, _)| user.audit_json()),
                _ => None,
            })
        })
    }
}

/// The directory hosts its own trail: the platform's `AuditApi` serves it
/// over the directory's database, chain and office tree.
impl AuditHost for Directory {
    fn db(&self) -> &Db {
        &self.db
    }

    fn anchoring(&self) -> Anchoring {
        Directory::anchoring(self)
    }

    fn states(&self) -> &dyn StoredState {
        &States
    }

    fn tree(&self) -> Arc<DirectorySnapshot> {
        self.view().current()
    }

    fn now(&self) -> DateTime<Utc> {
        self.clock.now()
    }
}
