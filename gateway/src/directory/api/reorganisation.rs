//! `ReorganisationService`, asking every backend with the caller's own
//! token, so each applies its own access rules:
//! - `GetHandoverStatus`: where an ended office's handover stands in every
//!   service. A service that does not answer shows as pending, with why:
//!   never a half-applied reorganisation nobody sees.
//! - `PreviewReorganisation`: what a merger, dissolution or split would do
//!   (offices and people moved, open work per service and receiving
//!   office), planned with the same checks as the change, changing nothing.

use std::collections::HashMap;
use std::sync::Arc;

use futures_util::future::join_all;
use tonic::{Request, Response, Status};

use uuid::Uuid;
use vanphong_platform::Error;
use vanphong_platform::clock::format_date;
use vanphong_platform::grpc_client::{ServiceChannel, traced};
use vanphong_platform::handover::Handover as Ending;
use vanphong_platform::identity::Caller;
use vanphong_platform::people::OnBehalf;
use vanphong_platform::validate::Checker;
use vanphong_proto::common::v1::{GetHandoverRequest, Handover, HandoverPart, HandoverState, PreviewHandoverRequest};
use vanphong_proto::directory::v1::reorganisation_service_server::ReorganisationService;
use vanphong_proto::directory::v1::{
    GetHandoverStatusRequest, HandoverStatus, PreviewReorganisationRequest, PreviewedEnding, PreviewedMove,
    PreviewedPerson, ReorganisationKind, ReorganisationPreview, ServiceHandover, ServicePreview,
};

use super::offices::{check_move_people, check_split_people_listed, ensure_administer_parent, split_shares};
use crate::directory::Directory;
use crate::directory::domain::office::{self as rules, Dissolution, SplitShare};

/// Calls one RPC of the named backend's `HandoverService`.
macro_rules! ask_handover_service {
    ($service:expr, $channel:expr, $method:ident, $request:expr) => {{
        use vanphong_proto::{documents, finance, petitions, reporting};
        match $service {
            "documents" => documents::v1::handover_service_client::HandoverServiceClient::new($channel)
                .$method($request)
                .await
                .map(Response::into_inner),
            "petitions" => petitions::v1::handover_service_client::HandoverServiceClient::new($channel)
                .$method($request)
                .await
                .map(Response::into_inner),
            "finance" => finance::v1::handover_service_client::HandoverServiceClient::new($channel)
                .$method($request)
                .await
                .map(Response::into_inner),
            "reporting" => reporting::v1::handover_service_client::HandoverServiceClient::new($channel)
                .$method($request)
                .await
                .map(Response::into_inner),
            other => Err(Status::unimplemented(format!("{other} không tham gia tổ chức lại"))),
        }
    }};
}

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
    let answer = ask_handover_service!(service.as_str(), traced(channel), get_handover, request);
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

impl ReorganisationApi {
    async fn preview(&self, request: Request<PreviewReorganisationRequest>) -> Result<ReorganisationPreview, Error> {
        let caller = Caller::of(&request)?;
        let on_behalf = OnBehalf::of(&request);
        let req = request.into_inner();
        let today = self.dir.today();
        let mut c = Checker::new();
        let kind = ReorganisationKind::try_from(req.kind)
            .ok()
            .filter(|k| *k != ReorganisationKind::Unspecified);
        if kind.is_none() {
            c.violation(
                "kind",
                "REQUIRED",
                "Chọn loại thay đổi: hợp nhất, giải thể hoặc chia tách",
            );
        }
        let ended: Vec<Uuid> = req
            .office_ids
            .iter()
            .enumerate()
            .map(|(i, v)| c.id(&format!("office_ids[{i}]"), v))
            .collect();
        if ended.is_empty() {
            c.violation("office_ids", "REQUIRED", "Chọn đơn vị kết thúc hoạt động");
        }
        let single = matches!(kind, Some(ReorganisationKind::Dissolve | ReorganisationKind::Split));
        if single && ended.len() > 1 {
            c.violation("office_ids", "ONE_ONLY", "Giải thể hay chia tách từng đơn vị một");
        }
        let successor = if kind == Some(ReorganisationKind::Dissolve) {
            c.optional_id("successor_id", &req.successor_id)
        } else {
            Some(c.id("successor_id", &req.successor_id))
        };
        let on = c.date("effective_date", &req.effective_date);
        let shares = split_shares(&mut c, &req.parts);
        if kind != Some(ReorganisationKind::Split) && !shares.is_empty() {
            c.violation("parts", "ONLY_FOR_SPLIT", "Chỉ chia tách mới có nhiều đơn vị tiếp nhận");
        }
        if req.move_people {
            check_move_people(&mut c, on, today);
        }
        check_split_people_listed(&mut c, &shares, req.move_people);
        c.finish()?;
        let snapshot = self.dir.view().current();
        let tree = &snapshot.tree;
        for id in &ended {
            let office = tree
                .get(*id)
                .ok_or_else(|| Error::NotFound(format!("Không tìm thấy đơn vị {id}")))?;
            ensure_administer_parent(&caller, tree, office, on, today)?;
        }
        for receiver in successor.into_iter().chain(shares.iter().map(|s| s.office_id)) {
            caller.ensure_administer(tree, receiver, today)?;
        }
        let plans: Vec<Dissolution> = match (kind, successor) {
            (Some(ReorganisationKind::Merge), Some(into)) => rules::plan_merge(tree, &ended, into, on, "")?,
            (Some(ReorganisationKind::Split), Some(into)) => {
                vec![rules::plan_split(tree, ended[0], on, into, &shares, "")?]
            }
            _ => vec![rules::plan_dissolve(tree, ended[0], on, successor, "")?],
        };
        let mut people = Vec::new();
        if let (true, Some(into)) = (req.move_people, successor) {
            for office in &ended {
                let members: Vec<Uuid> = snapshot.people_of(*office).map(|p| p.id).collect();
                let destinations = rules::split_destinations(&members, into, &shares)?;
                for person in snapshot.people_of(*office) {
                    let to = destinations.get(&person.id).copied().unwrap_or(into);
                    people.push(PreviewedPerson {
                        user_id: person.id.to_string(),
                        full_name: person.full_name.clone(),
                        from_office_id: office.to_string(),
                        from_office_name: snapshot.office_name(*office),
                        to_office_id: to.to_string(),
                        to_office_name: snapshot.office_name(to),
                    });
                }
            }
        }
        let moves = plans
            .iter()
            .flat_map(|plan| plan.children.iter())
            .map(|m| PreviewedMove {
                office_id: m.office_id.to_string(),
                office_name: snapshot.office_name(m.office_id),
                new_parent_id: m.new_parent.to_string(),
                new_parent_name: snapshot.office_name(m.new_parent),
            })
            .collect();
        let mut endings = Vec::new();
        for plan in &plans {
            let services = match plan.successor {
                Some(into) => {
                    self.preview_services(&on_behalf, plan, into, &shares, req.move_people)
                        .await
                }
                None => Vec::new(),
            };
            endings.push(PreviewedEnding {
                office_id: plan.office_id.to_string(),
                office_name: snapshot.office_name(plan.office_id),
                successor_id: plan.successor.map(|s| s.to_string()).unwrap_or_default(),
                successor_name: snapshot.optional_office_name(plan.successor),
                services,
            });
        }
        Ok(ReorganisationPreview {
            effective_date: format_date(on),
            endings,
            moves,
            people,
        })
    }

    /// Every service's preview of one ending, side by side; a service that
    /// cannot be asked says so instead of its counts.
    async fn preview_services(
        &self,
        on_behalf: &OnBehalf,
        plan: &Dissolution,
        into: Uuid,
        shares: &[SplitShare],
        move_people: bool,
    ) -> Vec<ServicePreview> {
        let people: HashMap<Uuid, &Vec<Uuid>> = shares.iter().map(|s| (s.office_id, &s.people)).collect();
        let message = PreviewHandoverRequest {
            office_id: plan.office_id.to_string(),
            successor_id: into.to_string(),
            parts: plan
                .split_into
                .iter()
                .map(|part| HandoverPart {
                    office_id: part.to_string(),
                    person_ids: people
                        .get(part)
                        .map(|p| p.iter().map(Uuid::to_string).collect())
                        .unwrap_or_default(),
                })
                .collect(),
            effective_date: format_date(plan.on),
            move_people,
        };
        let asks = self.participants.iter().map(|(name, channel)| {
            let request = on_behalf.request(message.clone());
            let (name, channel) = (name.clone(), channel.clone());
            async move {
                let answer = ask_handover_service!(name.as_str(), traced(channel), preview_handover, request);
                match answer {
                    Ok(preview) => ServicePreview {
                        service: name,
                        counts: preview.counts,
                        unavailable: String::new(),
                    },
                    Err(status) => ServicePreview {
                        service: name,
                        counts: Vec::new(),
                        unavailable: format!(
                            "Dịch vụ chưa trả lời ({}): {}",
                            status.code().description(),
                            status.message()
                        ),
                    },
                }
            }
        });
        join_all(asks).await
    }
}

#[tonic::async_trait]
impl ReorganisationService for ReorganisationApi {
    async fn preview_reorganisation(
        &self,
        request: Request<PreviewReorganisationRequest>,
    ) -> Result<Response<ReorganisationPreview>, Status> {
        Ok(Response::new(self.preview(request).await?))
    }

    async fn get_handover_status(
        &self,
        request: Request<GetHandoverStatusRequest>,
    ) -> Result<Response<HandoverStatus>, Status> {
        Ok(Response::new(self.status(request).await?))
    }
}
