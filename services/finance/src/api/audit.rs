//! `AuditService`: the finance service's audit trail.

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
use vanphong_proto::finance::v1::audit_service_server::AuditService;

use super::Shared;
use crate::store;

/// The books as their audit records describe them: every posted
/// transaction (with its postings) and every change to an estimate (with
/// its lines) is recorded whole.
pub struct States;

impl StoredState for States {
    fn kinds(&self) -> &'static [&'static str] {
        &["transaction", "estimate"]
    }

    fn load<'a>(&'a self, tx: &'a mut Tx, kind: &'a str, id: &'a str) -> StateFuture<'a> {
        Box::pin(async move {
            let Ok(id) = uuid::Uuid::parse_str(id) else {
                return Ok(None);
            };
            match kind {
                "transaction" => {
                    let Some(row) = store::ledger::get_transaction(tx, id).await? else {
                        return Ok(None);
                    };
                    let postings = store::ledger::postings(tx, &row.id).await?;
                    let entries: Vec<_> = postings.iter().map(|p| p.entry()).collect();
                    Ok(Some(super::ledger::transaction_json(&row, &entries)))
                }
                "estimate" => {
                    let Some(row) = store::budget::get_estimate(tx, id, false).await? else {
                        return Ok(None);
                    };
                    let lines = store::budget::estimate_lines(tx, &row.id).await?;
                    Ok(Some(super::budget::estimate_json(&row, &lines)))
                }
                _ => Ok(None),
            }
        })
    }
}

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
