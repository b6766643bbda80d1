//! The transfer slip (phiếu chuyển) of a transferred petition: an outgoing
//! document of the documents service, issued once per transfer.
//!
//! THE SEAM. Outgoing documents do not exist in the documents service yet,
//! so [`request_transfer_slip`] does not call it. What is in place:
//! - the transfer is stored (`store::transfers`) in the same transaction as
//!   the classification, with its slip `pending` — the outbox;
//! - this function is called after that transaction commits, with
//!   everything the slip needs ([`slip_subject`], the target body, the
//!   reason) and the caller's credentials and deadline;
//! - [`slip_request_id`] is the idempotency key to send with the documents
//!   service's create call, so a retried request yields one slip;
//! - `store::transfers::record_slip` records the slip's document id once,
//!   and only while the transfer is still pending.
//!
//! To wire it: create the outgoing document (type `PC`, phiếu chuyển;
//! recipient `transfer.target_body`; subject [`slip_subject`]) with
//! `request_id = slip_request_id(petition.id)`, then record its id with
//! `record_slip` in a write transaction (with an audit record). Pending
//! transfers left by a failure can be retried from `petition_transfers`
//! where `slip_status = 'pending'`.

use uuid::Uuid;

use vanphong_platform::people::OnBehalf;

use super::Shared;
use crate::domain::petition::Petition;
use crate::store::transfers::Transfer;

/// The idempotency key of the slip of a petition's transfer.
pub fn slip_request_id(petition: Uuid) -> String {
    format!("petition-transfer-slip-{petition}")
}

/// The subject (trích yếu) of a transfer slip.
pub fn slip_subject(petition: &Petition, transfer: &Transfer) -> String {
    format!(
        "Phiếu chuyển đơn số {} ({}) đến {}",
        petition.number_label(),
        petition.kind.label().to_lowercase(),
        transfer.target_body
    )
}

/// Asks the documents service for the transfer slip. Not wired yet (see
/// the module documentation): the transfer stays `pending`. Never fails the
/// classification: a slip that cannot be issued now is retried later.
pub(crate) async fn request_transfer_slip(
    _shared: &Shared,
    _on_behalf: &OnBehalf,
    petition: &Petition,
    transfer: &Transfer,
) {
    tracing::info!(
        petition = %petition.id,
        request_id = %slip_request_id(petition.id),
        subject = %slip_subject(petition, transfer),
        "transfer slip pending: outgoing documents are not available yet"
    );
}
