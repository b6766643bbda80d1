//! `GetHandover` and `PreviewHandover`, written once for every service's
//! package: where this service stands with an ended office's handover, and
//! what it would hand over in a reorganisation not yet made.
//!
//! Whoever may read the ended office's records (the successor's people,
//! leaders above) or administer it may ask where it stands; a preview is
//! for the admins who may make the change.

use std::sync::Arc;

use vanphong_proto::common::v1 as wire;

use super::{Count, Handover, Job, TakesPart, runner, store};
use crate::Error;
use crate::clock::{format_date, to_timestamp};
use crate::host::ServiceContext;
use crate::identity::Caller;
use crate::validate::Checker;

/// The `HandoverService` of every backend; registered as
/// `HandoverServiceServer::new(HandoverApi::started(ctx.clone(), part))`.
pub struct HandoverApi<P> {
    context: ServiceContext,
    part: Arc<P>,
}

impl<P: TakesPart> HandoverApi<P> {
    /// Starts applying the service's `part` to due handovers in the
    /// background (see [`runner`]) and answers for it.
    pub fn started(context: ServiceContext, part: Arc<P>) -> Self {
        runner::spawn(context.clone(), part.clone());
        Self { context, part }
    }

    /// Runs the service's part for the change described, inside a
    /// transaction that is then rolled back: the counts are exactly what
    /// applying it now would move, and nothing changes.
    async fn preview(
        &self,
        caller: &Caller,
        req: wire::PreviewHandoverRequest,
    ) -> Result<wire::HandoverPreview, Error> {
        let mut c = Checker::new();
        let office = c.id("office_id", &req.office_id);
        let successor = c.id("successor_id", &req.successor_id);
        let on = c.date("effective_date", &req.effective_date);
        let parts: Vec<(uuid::Uuid, Vec<uuid::Uuid>)> = req
            .parts
            .iter()
            .enumerate()
            .map(|(i, part)| {
                let id = c.id(&format!("parts[{i}].office_id"), &part.office_id);
                let people = part
                    .person_ids
                    .iter()
                    .enumerate()
                    .map(|(j, p)| c.id(&format!("parts[{i}].person_ids[{j}]"), p))
                    .collect();
                (id, people)
            })
            .collect();
        c.finish()?;
        let snapshot = self.context.snapshot();
        let today = self.context.today();
        for (field, id) in [("office_id", office), ("successor_id", successor)]
            .into_iter()
            .chain(parts.iter().map(|(id, _)| ("parts", *id)))
        {
            if snapshot.tree.get(id).is_none() {
                return Err(Error::NotFound(format!("Không tìm thấy đơn vị {id} ({field})")));
            }
        }
        if !caller.may_administer(&snapshot.tree, office, today) {
            return Err(Error::PermissionDenied(
                "Chỉ quản trị cấp trên của đơn vị mới xem trước được việc tổ chức lại".into(),
            ));
        }
        let handover = Handover::preview(&snapshot, office, successor, &parts, on, req.move_people);
        let mut tx = self.context.db.begin_write().await?;
        let job = Job {
            handover: &handover,
            snapshot: &snapshot,
            at: self.context.now(),
        };
        let counts = self.part.hand_over(&mut tx, job).await;
        drop(tx);
        Ok(wire::HandoverPreview {
            counts: counts?.iter().map(Count::to_wire).collect(),
        })
    }

    async fn get(&self, caller: &Caller, req: wire::GetHandoverRequest) -> Result<wire::Handover, Error> {
        let office = Checker::only_id("office_id", &req.office_id)?;
        let snapshot = self.context.snapshot();
        let today = self.context.today();
        let not_found = || Error::NotFound(format!("Không tìm thấy đơn vị {office}"));
        if snapshot.tree.get(office).is_none() {
            return Err(not_found());
        }
        if !super::may_see(caller, &snapshot.tree, office, today) {
            return Err(not_found());
        }
        let handover = Handover::of(&snapshot, office, today).ok_or_else(|| {
            Error::FailedPrecondition(format!(
                "Đơn vị {} không được sáp nhập hay giải thể vào đơn vị nào",
                snapshot.office_name(office)
            ))
        })?;
        let row = store::get(&self.context.db, office).await?;
        let mut answer = wire::Handover {
            office_id: handover.office_id.to_string(),
            office_name: handover.office_name.clone(),
            successor_id: handover.successor_id.to_string(),
            successor_name: handover.successor_name.clone(),
            effective_date: format_date(handover.effective_on),
            ..Default::default()
        };
        match row {
            Some(row) => {
                answer.state = match row.state {
                    store::State::Applied => wire::HandoverState::Applied,
                    store::State::Failed => wire::HandoverState::Failed,
                } as i32;
                answer.reason = row.reason;
                answer.attempts = row.attempts;
                answer.applied_at = row.applied_at.map(to_timestamp);
                answer.counts = row.counts.iter().map(Count::to_wire).collect();
            }
            None => {
                answer.state = wire::HandoverState::Pending as i32;
                answer.reason = if handover.effective_on > today {
                    format!("Có hiệu lực từ ngày {}", handover.effective_on.format("%d/%m/%Y"))
                } else {
                    "Đang chờ dịch vụ chuyển giao (tự thực hiện lại mỗi phút)".into()
                };
            }
        }
        Ok(answer)
    }
}

/// Implements each package's generated `HandoverService` for [`HandoverApi`].
macro_rules! handover_services {
    ($($service:path),+ $(,)?) => {$(
        #[tonic::async_trait]
        impl<P: TakesPart> $service for HandoverApi<P> {
            async fn get_handover(
                &self,
                request: tonic::Request<wire::GetHandoverRequest>,
            ) -> Result<tonic::Response<wire::Handover>, tonic::Status> {
                let caller = Caller::of(&request)?;
                Ok(tonic::Response::new(self.get(&caller, request.into_inner()).await?))
            }

            async fn preview_handover(
                &self,
                request: tonic::Request<wire::PreviewHandoverRequest>,
            ) -> Result<tonic::Response<wire::HandoverPreview>, tonic::Status> {
                let caller = Caller::of(&request)?;
                Ok(tonic::Response::new(self.preview(&caller, request.into_inner()).await?))
            }
        }
    )+};
}

handover_services!(
    vanphong_proto::documents::v1::handover_service_server::HandoverService,
    vanphong_proto::petitions::v1::handover_service_server::HandoverService,
    vanphong_proto::finance::v1::handover_service_server::HandoverService,
    vanphong_proto::reporting::v1::handover_service_server::HandoverService,
);
