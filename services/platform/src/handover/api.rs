//! `GetHandover`, written once for every service's package: where this
//! service stands with an ended office's handover.
//!
//! Whoever may read the ended office's records (the successor's people,
//! leaders above) or administer it may ask.

use vanphong_proto::common::v1 as wire;

use super::{Handover, store};
use crate::Error;
use crate::clock::{format_date, to_timestamp};
use crate::host::ServiceContext;
use crate::identity::Caller;
use crate::validate::Checker;

/// The `HandoverService` of every backend; registered as
/// `HandoverServiceServer::new(HandoverApi::new(ctx.clone()))`.
pub struct HandoverApi {
    context: ServiceContext,
}

impl HandoverApi {
    pub fn new(context: ServiceContext) -> Self {
        Self { context }
    }

    async fn get(&self, caller: &Caller, req: wire::GetHandoverRequest) -> Result<wire::Handover, Error> {
        let mut c = Checker::new();
        let office = c.id("office_id", &req.office_id);
        c.finish()?;
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
                answer.counts = row
                    .counts
                    .into_iter()
                    .map(|c| wire::HandoverCount {
                        kind: c.kind,
                        label: c.label,
                        count: c.count,
                    })
                    .collect();
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
        impl $service for HandoverApi {
            async fn get_handover(
                &self,
                request: tonic::Request<wire::GetHandoverRequest>,
            ) -> Result<tonic::Response<wire::Handover>, tonic::Status> {
                let caller = Caller::of(&request)?;
                Ok(tonic::Response::new(self.get(&caller, request.into_inner()).await?))
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
