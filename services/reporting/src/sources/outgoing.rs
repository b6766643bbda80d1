//! The outgoing BC document that carries a report to the parent office,
//! through the documents service: drafted, reviewed, approved and signed
//! by a leader when the report is approved; numbered and dispatched by a
//! clerk when it is sent. Every step reads the document first and does only
//! what is left, so retries (and two people acting at once) never dispatch
//! it twice.

use uuid::Uuid;

use vanphong_platform::Error;
use vanphong_platform::people::OnBehalf;
use vanphong_proto::documents::v1 as wire;
use vanphong_proto::documents::v1::document_query_service_client::DocumentQueryServiceClient;
use vanphong_proto::documents::v1::outgoing_service_client::OutgoingServiceClient;

use super::{Outbound, Service, Sources, ask, failure};

/// How far the document should go.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Goal {
    /// Signed by the approving leader.
    Signed,
    /// Numbered and dispatched to the parent by a clerk.
    Dispatched,
}

/// Who signs, and as what.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Signature {
    /// "T/M" (Party) or "TM." (state).
    pub prefix: String,
    pub position: String,
}

/// A new BC document for a report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Draft {
    /// Makes the creation safe to retry.
    pub request_id: String,
    pub office_id: Uuid,
    pub subject: String,
    pub parent_office_id: Uuid,
}

/// The document's state as the documents service reports it.
pub fn status(document: &wire::Document) -> wire::Status {
    wire::Status::try_from(document.status).unwrap_or(wire::Status::Unspecified)
}

/// The next step towards `goal`, `None` when it is reached.
fn next_step(status: wire::Status, goal: Goal) -> Result<Option<Step>, Error> {
    use wire::Status as S;
    Ok(match (status, goal) {
        (S::Draft, Goal::Signed) => Some(Step::SubmitForReview),
        (S::InReview, Goal::Signed) => Some(Step::Approve),
        (S::Approved, Goal::Signed) => Some(Step::Sign),
        (S::Signed | S::Numbered | S::Dispatched, Goal::Signed) => None,
        (S::Draft | S::InReview | S::Approved, Goal::Dispatched) => {
            return Err(Error::FailedPrecondition(
                "Văn bản báo cáo chưa được lãnh đạo ký; lãnh đạo cần duyệt lại báo cáo để hoàn tất việc ký".into(),
            ));
        }
        (S::Signed, Goal::Dispatched) => Some(Step::Number),
        (S::Numbered, Goal::Dispatched) => Some(Step::Dispatch),
        (S::Dispatched, Goal::Dispatched) => None,
        (S::Cancelled, _) => {
            return Err(Error::FailedPrecondition(
                "Văn bản báo cáo đã bị hủy bên dịch vụ văn bản".into(),
            ));
        }
        (other, _) => {
            return Err(Error::FailedPrecondition(format!(
                "Văn bản báo cáo ở trạng thái không mong đợi ({other:?})"
            )));
        }
    })
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Step {
    SubmitForReview,
    Approve,
    Sign,
    Number,
    Dispatch,
}

impl Sources {
    fn outgoing(&self) -> Result<OutgoingServiceClient<vanphong_platform::grpc_client::TracedChannel>, Error> {
        Ok(OutgoingServiceClient::new(self.channel(Service::Documents)?))
    }

    /// Creates the BC draft addressed to the parent (the same draft again
    /// for a retry by the same person with the same request id).
    pub async fn create_bc(&self, on_behalf: &OnBehalf, draft: &Draft) -> Result<wire::Document, Error> {
        let request = on_behalf.outbound(wire::CreateDraftRequest {
            request_id: draft.request_id.clone(),
            office_id: draft.office_id.to_string(),
            type_code: "BC".into(),
            subject: draft.subject.clone(),
            pages: 1,
            recipients: vec![wire::RecipientInput {
                office_id: draft.parent_office_id.to_string(),
                ..Default::default()
            }],
            ..Default::default()
        });
        ask(Service::Documents, self.outgoing()?.create_draft(request)).await
    }

    /// The document as it stands.
    pub async fn document(&self, on_behalf: &OnBehalf, id: Uuid) -> Result<wire::Document, Error> {
        let mut client = DocumentQueryServiceClient::new(self.channel(Service::Documents)?);
        let request = on_behalf.outbound(wire::GetDocumentRequest {
            document_id: id.to_string(),
        });
        ask(Service::Documents, client.get_document(request)).await
    }

    /// Cancels a draft that lost a race to be the report's document.
    pub async fn cancel(&self, on_behalf: &OnBehalf, id: Uuid, reason: &str) -> Result<(), Error> {
        let request = on_behalf.outbound(wire::CancelRequest {
            document_id: id.to_string(),
            reason: reason.to_string(),
        });
        ask(Service::Documents, self.outgoing()?.cancel(request)).await?;
        Ok(())
    }

    async fn take(
        &self,
        on_behalf: &OnBehalf,
        id: Uuid,
        step: Step,
        signature: &Signature,
    ) -> Result<wire::Document, Error> {
        let mut client = self.outgoing()?;
        let document_id = id.to_string();
        let answer = match step {
            Step::SubmitForReview => {
                client
                    .submit_for_review(on_behalf.outbound(wire::SubmitForReviewRequest {
                        document_id,
                        note: "Báo cáo định kỳ trình ký".into(),
                    }))
                    .await
            }
            Step::Approve => {
                client
                    .approve(on_behalf.outbound(wire::ReviewRequest {
                        document_id,
                        note: String::new(),
                    }))
                    .await
            }
            Step::Sign => {
                client
                    .sign(on_behalf.outbound(wire::SignRequest {
                        document_id,
                        signing_prefix: signature.prefix.clone(),
                        signer_position: signature.position.clone(),
                        on_behalf_of: String::new(),
                    }))
                    .await
            }
            Step::Number => {
                client
                    .issue_number(on_behalf.outbound(wire::IssueNumberRequest { document_id }))
                    .await
            }
            Step::Dispatch => {
                client
                    .dispatch(on_behalf.outbound(wire::DispatchRequest { document_id }))
                    .await
            }
        };
        Ok(answer.map_err(|s| failure(Service::Documents, &s))?.into_inner())
    }

    /// Moves the document towards `goal`, doing only the steps left. A step
    /// refused because someone else just took it is not an error.
    pub async fn advance(
        &self,
        on_behalf: &OnBehalf,
        id: Uuid,
        goal: Goal,
        signature: &Signature,
    ) -> Result<wire::Document, Error> {
        let mut document = self.document(on_behalf, id).await?;
        // At most five steps separate a draft from its dispatch.
        for _ in 0..8 {
            let Some(step) = next_step(status(&document), goal)? else {
                return Ok(document);
            };
            match self.take(on_behalf, id, step, signature).await {
                Ok(next) => document = next,
                Err(Error::FailedPrecondition(message)) => {
                    let now = self.document(on_behalf, id).await?;
                    if status(&now) == status(&document) {
                        return Err(Error::FailedPrecondition(message));
                    }
                    document = now;
                }
                Err(e) => return Err(e),
            }
        }
        Err(Error::FailedPrecondition(
            "Văn bản báo cáo không tiến triển được, vui lòng thử lại".into(),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use wire::Status as S;

    #[test]
    fn only_what_is_left_is_done() {
        assert_eq!(
            next_step(S::Draft, Goal::Signed).ok(),
            Some(Some(Step::SubmitForReview))
        );
        assert_eq!(next_step(S::Signed, Goal::Signed).ok(), Some(None));
        assert_eq!(next_step(S::Signed, Goal::Dispatched).ok(), Some(Some(Step::Number)));
        assert_eq!(
            next_step(S::Numbered, Goal::Dispatched).ok(),
            Some(Some(Step::Dispatch))
        );
        assert_eq!(next_step(S::Dispatched, Goal::Dispatched).ok(), Some(None));
        assert!(matches!(
            next_step(S::Approved, Goal::Dispatched),
            Err(Error::FailedPrecondition(_))
        ));
        assert!(matches!(
            next_step(S::Cancelled, Goal::Signed),
            Err(Error::FailedPrecondition(_))
        ));
    }
}
