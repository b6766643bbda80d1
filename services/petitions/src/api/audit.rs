//! `AuditService`: the petitions service's audit trail. Its records never
//! hold a petitioner's or visitor's identity (`Petition::audit_json`,
//! `Reception::audit_json`, and the records of identity views hold counts
//! and ids only), so every audit reader sees them as stored.

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
use vanphong_proto::petitions::v1::audit_service_server::AuditService;

use super::Shared;

/// Petitions as their audit records describe them: every change to a
/// petition is recorded with the whole petition (`Petition::audit_json`).
pub struct States;

impl StoredState for States {
    fn kinds(&self) -> &'static [&'static str] {
        &["petition"]
    }

    fn load<'a>(&'a self, tx: &'a mut Tx, _kind: &'a str, id: &'a str) -> StateFuture<'a> {
        Box::pin(async move {
            let Ok(id) = uuid::Uuid::parse_str(id) else {
                return Ok(None);
            };
            Ok(crate::store::petitions::get(tx, id).await?.map(|p| p.audit_json()))
        })
    }
}

/// The audit trail service, shared with every service through the platform.
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
