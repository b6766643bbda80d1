//! `AuditService`: the reporting service's audit trail.

use std::sync::Arc;

use tonic::{Request, Response, Status};

use vanphong_platform::audit_api;
use vanphong_platform::identity::Caller;
use vanphong_proto::common::v1::{
    ListAuditRecordsRequest, ListAuditRecordsResponse, VerifyAuditRequest, VerifyAuditResponse,
};
use vanphong_proto::reporting::v1::audit_service_server::AuditService;

use super::Shared;

/// The `AuditService` handlers.
pub struct AuditApi(pub(crate) Arc<Shared>);

#[tonic::async_trait]
impl AuditService for AuditApi {
    async fn list_audit_records(
        &self,
        request: Request<ListAuditRecordsRequest>,
    ) -> Result<Response<ListAuditRecordsResponse>, Status> {
        let caller = Caller::of(&request)?;
        let s = &self.0;
        let answer = audit_api::list(&s.ctx.db, &caller, &s.snapshot().tree, s.today(), request.into_inner()).await?;
        Ok(Response::new(answer))
    }

    async fn verify_audit(
        &self,
        request: Request<VerifyAuditRequest>,
    ) -> Result<Response<VerifyAuditResponse>, Status> {
        let caller = Caller::of(&request)?;
        let s = &self.0;
        let answer = audit_api::verify(&s.ctx.db, &caller, &s.snapshot().tree, s.today(), request.into_inner()).await?;
        Ok(Response::new(answer))
    }
}
