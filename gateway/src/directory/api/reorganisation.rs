//! `GetHandoverStatus`: where an ended office's handover stands in every
//! service, asked of each service with the caller's own token, so each
//! applies its own access rules. A service that does not answer shows as
//! pending, with why: never a half-applied reorganisation nobody sees.

use std::sync::Arc;

use futures_util::future::join_all;
use tonic::{Request, Response, Status};

use vanphong_platform::Error;
use vanphong_platform::clock::format_date;
use vanphong_platform::grpc_client::{ServiceChannel, traced};
use vanphong_platform::handover::Handover as Ending;
use vanphong_platform::identity::Caller;
use vanphong_platform::people::OnBehalf;
use vanphong_platform::validate::Checker;
use vanphong_proto::common::v1::{GetHandoverRequest, Handover, HandoverState};
use vanphong_proto::directory::v1::reorganisation_service_server::ReorganisationService;
use vanphong_proto::directory::v1::{GetHandoverStatusRequest, HandoverStatus, ServiceHandover};

use crate::directory::Directory;

/// A backend service the directory asks: its name and channel.
pub type Participant = (String, ServiceChannel);

pub struct ReorganisationApi {
    dir: Arc<Directory>,
    participants: Vec<Participant>,
}

impl ReorganisationApi {
    pub fn new(dir: Arc<Directory>, participants: Vec<Participant>) -> Self {
        Self { dir, participants }
    }

    async fn status(&self, request: Request<GetHandoverStatusRequest>) -> Result<HandoverStatus, Error> {
        let caller = Caller::of(&request)?;
        let on_behalf = OnBehalf::of(&request);
        let req = request.into_inner();
        let mut c = Checker::new();
        let office = c.id("office_id", &req.office_id);
        c.finish()?;
        let snapshot = self.dir.view().current();
        let today = self.dir.today();
        let not_found = || Error::NotFound(format!("Không tìm thấy đơn vị {office}"));
        if snapshot.tree.get(office).is_none()
            || !vanphong_platform::handover::may_see(&caller, &snapshot.tree, office, today)
        {
            return Err(not_found());
        }
        let ending = Ending::of(&snapshot, office, today).ok_or_else(|| {
            Error::FailedPrecondition(format!(
                "Đơn vị {} không được sáp nhập hay giải thể vào đơn vị nào",
                snapshot.office_name(office)
            ))
        })?;
        let asks = self.participants.iter().map(|(name, channel)| {
            let request = on_behalf.request(GetHandoverRequest {
                office_id: office.to_string(),
            });
            ask(name.clone(), channel.clone(), request, &ending)
        });
        let services: Vec<ServiceHandover> = join_all(asks).await;
        let complete = services.iter().all(|s| {
            s.handover
                .as_ref()
                .is_some_and(|h| h.state == HandoverState::Applied as i32)
        });
        Ok(HandoverStatus {
            office_id: office.to_string(),
            office_name: ending.office_name,
            successor_id: ending.successor_id.to_string(),
            successor_name: ending.successor_name,
            effective_date: format_date(ending.effective_on),
            services,
            complete,
        })
    }
}

/// One service's answer; its silence or refusal as a pending state saying
/// why.
async fn ask(
    service: String,
    channel: ServiceChannel,
    request: Request<GetHandoverRequest>,
    ending: &Ending,
) -> ServiceHandover {
    use vanphong_proto::{documents, finance, petitions, reporting};
    let channel = traced(channel);
    let answer = match service.as_str() {
        "documents" => documents::v1::handover_service_client::HandoverServiceClient::new(channel)
            .get_handover(request)
            .await
            .map(Response::into_inner),
        "petitions" => petitions::v1::handover_service_client::HandoverServiceClient::new(channel)
            .get_handover(request)
            .await
            .map(Response::into_inner),
        "finance" => finance::v1::handover_service_client::HandoverServiceClient::new(channel)
            .get_handover(request)
            .await
            .map(Response::into_inner),
        "reporting" => reporting::v1::handover_service_client::HandoverServiceClient::new(channel)
            .get_handover(request)
            .await
            .map(Response::into_inner),
        other => Err(Status::unimplemented(format!("{other} không tham gia tổ chức lại"))),
    };
    let handover = answer.unwrap_or_else(|status| Handover {
        office_id: ending.office_id.to_string(),
        office_name: ending.office_name.clone(),
        successor_id: ending.successor_id.to_string(),
        successor_name: ending.successor_name.clone(),
        effective_date: format_date(ending.effective_on),
        state: HandoverState::Pending as i32,
        reason: format!(
            "Dịch vụ chưa trả lời ({}): {}",
            status.code().description(),
            status.message()
        ),
        ..Default::default()
    });
    ServiceHandover {
        service,
        handover: Some(handover),
    }
}

#[tonic::async_trait]
impl ReorganisationService for ReorganisationApi {
    async fn get_handover_status(
        &self,
        request: Request<GetHandoverStatusRequest>,
    ) -> Result<Response<HandoverStatus>, Status> {
        Ok(Response::new(self.status(request).await?))
    }
}
