//! `AuditService`: the finance service's audit trail.

use std::sync::Arc;

use tonic::{Request, Response, Status};

use vanphong_platform::audit_api;
use vanphong_platform::audit_view::AsStored;
use vanphong_proto::common::v1::{
    ListAuditRecordsRequest, ListAuditRecordsResponse, VerifyAuditRequest, VerifyAuditResponse,
};
use vanphong_proto::finance::v1::audit_service_server::AuditService;

use super::Shared;

pub struct AuditApi(pub(crate) Arc<Shared>);

#[tonic::async_trait]
impl AuditService for AuditApi {
    async fn list_audit_records(
        &self,
        request: Request<ListAuditRecordsRequest>,
    ) -> Result<Response<ListAuditRecordsResponse>, Status> {
        audit_api::serve_list(&self.0.ctx, request, &AsStored).await
    }

    async fn verify_audit(
        &self,
        request: Request<VerifyAuditRequest>,
    ) -> Result<Response<VerifyAuditResponse>, Status> {
        audit_api::serve_verify(&self.0.ctx, request).await
    }
}
