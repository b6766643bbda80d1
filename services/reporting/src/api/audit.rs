//! `AuditService`: the reporting service's audit trail.

use std::sync::Arc;

use tonic::{Request, Response, Status};

use vanphong_platform::audit_api;
use vanphong_platform::audit_state::{StateFuture, StoredState};
use vanphong_platform::audit_view::AsStored;
use vanphong_platform::db::Tx;
use vanphong_proto::common::v1::{
    AuditExportFile, ExportAuditRecordsRequest, ListAuditRecordsRequest, ListAuditRecordsResponse, VerifyAuditRequest,
    VerifyAuditResponse,
};
use vanphong_proto::reporting::v1::audit_service_server::AuditService;

use super::Shared;

/// Reports as their audit records describe them: every change to a report
/// is recorded with the whole report (`Report::audit_json`).
pub struct States;

impl StoredState for States {
    fn kinds(&self) -> &'static [&'static str] {
        &["report"]
    }

    fn load<'a>(&'a self, tx: &'a mut Tx, _kind: &'a str, id: &'a str) -> StateFuture<'a> {
        Box::pin(async move {
            let Ok(id) = uuid::Uuid::parse_str(id) else {
                return Ok(None);
            };
            Ok(crate::store::reports::get(tx, id).await?.map(|r| r.audit_json()))
        })
    }
}

/// The `AuditService` handlers.
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

    async fn export_audit_records(
        &self,
        request: Request<ExportAuditRecordsRequest>,
    ) -> Result<Response<AuditExportFile>, Status> {
        audit_api::serve_export(&self.0.ctx, request, &AsStored).await
    }
}
