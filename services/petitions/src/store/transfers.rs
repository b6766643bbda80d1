//! Transfers to the competent body (chuyển đơn) and their slips.
//!
//! The transfer row is written in the same transaction as the
//! classification and keeps the id of the transfer slip (phiếu chuyển, a
//! draft outgoing document of the documents service), which is made just
//! before that transaction under an idempotency key of its own.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use vanphong_platform::db::{RowDecoder, StoreError, Tx, query};

/// The slip was issued as an outgoing document.
pub const SLIP_ISSUED: &str = "issued";

/// A transfer of a petition.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Transfer {
    pub petition_id: Uuid,
    pub target_body: String,
    pub reason: String,
    pub slip_document_id: Option<Uuid>,
    pub slip_status: String,
}

/// Records a transfer with its slip.
pub async fn add(tx: &mut Tx, t: &Transfer, at: DateTime<Utc>) -> Result<(), StoreError> {
    tx.execute(vanphong_platform::binds!(query(
            "INSERT INTO petition_transfers (petition_id, target_body, reason, slip_document_id, slip_status, \
             created_at) VALUES ($1, $2, $3, $4, $5, $6)",
        )
        => t.petition_id, &t.target_body, &t.reason, t.slip_document_id, &t.slip_status, at))
        .await?;
    Ok(())
}

#[derive(sqlx::FromRow)]
struct Row {
    petition_id: String,
    target_body: String,
    reason: String,
    slip_document_id: Option<String>,
    slip_status: String,
}

/// The transfer of a petition, if it was transferred.
pub async fn of(tx: &mut Tx, petition: Uuid) -> Result<Option<Transfer>, StoreError> {
    let row: Option<Row> = tx
        .fetch_optional(
            query(
                "SELECT petition_id, target_body, reason, slip_document_id, slip_status FROM petition_transfers \
                 WHERE petition_id = $1",
            )
            .bind(petition),
        )
        .await?;
    let Some(r) = row else { return Ok(None) };
    let d = RowDecoder::new("petition_transfers", &r.petition_id);
    Ok(Some(Transfer {
        petition_id: d.id("petition_id", &r.petition_id)?,
        slip_document_id: d.opt_id("slip_document_id", r.slip_document_id.as_deref())?,
        target_body: r.target_body,
        reason: r.reason,
        slip_status: r.slip_status,
    }))
}
