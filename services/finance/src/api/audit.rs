//! The finance service's entities as its audit trail records them, so that
//! `VerifyAudit` catches a transaction or an estimate edited straight in the
//! database; the audit RPCs themselves are the platform's `AuditApi`.

use vanphong_platform::audit_state::{StateFuture, StoredState};
use vanphong_platform::db::Tx;

use crate::store;

/// The books as their audit records describe them: every posted
/// transaction (with its postings) and every change to an estimate (with
/// its lines) is recorded whole.
pub struct States;

impl StoredState for States {
    fn kinds(&self) -> &'static [&'static str] {
        &["transaction", "estimate"]
    }

    fn load<'a>(&'a self, tx: &'a mut Tx, kind: &'a str, id: &'a str) -> StateFuture<'a> {
        Box::pin(async move {
            let Ok(id) = uuid::Uuid::parse_str(id) else {
                return Ok(None);
            };
            match kind {
                "transaction" => {
                    let Some(row) = store::ledger::get_transaction(tx, id).await? else {
                        return Ok(None);
                    };
                    let postings = store::ledger::postings(tx, &row.id).await?;
                    let entries: Vec<_> = postings.iter().map(|p| p.entry()).collect();
                    Ok(Some(super::ledger::transaction_json(&row, &entries)))
                }
                "estimate" => {
                    let Some(row) = store::budget::get_estimate(tx, id, false).await? else {
                        return Ok(None);
                    };
                    let lines = store::budget::estimate_lines(tx, &row.id).await?;
                    Ok(Some(super::budget::estimate_json(&row, &lines)))
                }
                _ => Ok(None),
            }
        })
    }
}
