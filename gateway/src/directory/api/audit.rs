//! `AuditService`: the directory's audit trail.

use std::sync::Arc;

use tonic::{Request, Response, Status};

use vanphong_platform::audit_api;
use vanphong_platform::audit_view::AsStored;
use vanphong_platform::identity::Caller;
use vanphong_proto::common::v1::{
    ListAuditRecordsRequest, ListAuditRecordsResponse, VerifyAuditRequest, VerifyAuditResponse,
};
use vanphong_proto::directory::v1::audit_service_server::AuditService;

use crate::directory::Directory;

pub struct AuditApi {
    dir: Arc<Directory>,
}

impl AuditApi {
    pub fn new(dir: Arc<Directory>) -> Self {
        Self { dir }
    }
}

#[tonic::async_trait]
impl AuditService for AuditApi {
    async fn list_audit_records(
        &self,
        request: Request<ListAuditRecordsRequest>,
    ) -> Result<Response<ListAuditRecordsResponse>, Status> {
        let caller = Caller::of(&request)?;
        let snapshot = self.dir.view().current();
        let answer = audit_api::list(
            &self.dir.db,
            &caller,
            &snapshot.tree,
            self.dir.today(),
            request.into_inner(),
            &AsStored,
        )
        .await?;
        Ok(Response::new(answer))
    }

    async fn verify_audit(
        &self,
        request: Request<VerifyAuditRequest>,
    ) -> Result<Response<VerifyAuditResponse>, Status> {
        let caller = Caller::of(&request)?;
        let snapshot = self.dir.view().current();
        let answer = audit_api::verify(
            &self.dir.db,
            &self.dir.anchoring(),
            &caller,
            &snapshot.tree,
            self.dir.clock.now(),
            request.into_inner(),
        )
        .await?;
        Ok(Response::new(answer))
    }
}
