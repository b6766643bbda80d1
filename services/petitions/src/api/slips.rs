//! The transfer slip (phiếu chuyển) of a transferred petition: an outgoing
//! document of the documents service, issued once per transfer.
//!
//! The slip is asked for before the classification is written: if the
//! documents service cannot answer, the classification fails with
//! `UNAVAILABLE` and nothing is written; when it succeeds the slip's id is
//! stored with the transfer in the classification's own transaction. The
//! create call carries an idempotency key derived from the petition
//! ([`slip_request_id`]), so a retried classification finds the same slip
//! instead of making a second one.

use uuid::Uuid;

use vanphong_platform::Error;
use vanphong_platform::grpc_client::traced;
use vanphong_platform::people::OnBehalf;
use vanphong_proto::documents::v1::outgoing_service_client::OutgoingServiceClient;
use vanphong_proto::documents::v1::{CreateDraftRequest, RecipientInput};

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

/// Creates the slip as a draft outgoing document of the office (type
/// `PC`, addressed to the competent body) on the caller's behalf, and
/// returns its id.
pub(crate) async fn create_transfer_slip(
    shared: &Shared,
    on_behalf: &OnBehalf,
    petition: &Petition,
    target_body: &str,
) -> Result<Uuid, Error> {
    let Some(documents) = &shared.documents else {
        return Err(Error::Unavailable(
            "Chưa cấu hình địa chỉ dịch vụ văn bản (documents); không lập được phiếu chuyển".into(),
        ));
    };
    let mut client = OutgoingServiceClient::new(traced(documents.clone()));
    let transfer = Transfer {
        petition_id: petition.id,
        target_body: target_body.to_string(),
        reason: String::new(),
        slip_document_id: None,
        slip_status: String::new(),
    };
    let request = on_behalf.request(CreateDraftRequest {
        request_id: slip_request_id(petition.id),
        office_id: petition.office_id.to_string(),
        type_code: "PC".into(),
        subject: slip_subject(petition, &transfer),
        recipients: vec![RecipientInput {
            name: target_body.to_string(),
            ..Default::default()
        }],
        ..Default::default()
    });
    let document = client
        .create_draft(request)
        .await
        .map_err(|status| match status.code() {
            tonic::Code::PermissionDenied => Error::PermissionDenied(status.message().to_string()),
            tonic::Code::Unauthenticated => Error::Unauthenticated(status.message().to_string()),
            tonic::Code::DeadlineExceeded => Error::DeadlineExceeded(format!(
                "Dịch vụ văn bản (documents) không lập kịp phiếu chuyển trước thời hạn: {}",
                status.message()
            )),
            code => {
                tracing::warn!(
                    ?code,
                    message = status.message(),
                    "documents service refused the transfer slip"
                );
                Error::Unavailable(format!(
                    "Dịch vụ văn bản (documents) không lập được phiếu chuyển: {}",
                    status.message()
                ))
            }
        })?;
    Uuid::parse_str(&document.into_inner().id).map_err(Error::internal)
}
