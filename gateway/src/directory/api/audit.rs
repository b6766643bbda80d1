//! `AuditService`: the directory's audit trail.

use std::sync::Arc;

use tonic::{Request, Response, Status};

use vanphong_platform::audit_api;
use vanphong_platform::audit_state::{StateFuture, StoredState};
use vanphong_platform::audit_view::AsStored;
use vanphong_platform::db::Tx;
use vanphong_platform::identity::Caller;
use vanphong_proto::common::v1::{
    AuditExportFile, ExportAuditRecordsRequest, ListAuditRecordsRequest, ListAuditRecordsResponse, VerifyAuditRequest,
    VerifyAuditResponse,
};
use vanphong_proto::directory::v1::audit_service_server::AuditService;

use super::convert::office_audit_json;
use crate::directory::{Directory, store};

/// The directory as its audit records describe it: every change to an
/// office or a user is recorded with the whole entity (`office_audit_json`,
/// `User::audit_json`).
pub struct States;

impl StoredState for States {
    fn kinds(&self) -> &'static [&'static str] {
        &["office", "user"]
    }

    fn load<'a>(&'a self, tx: &'a mut Tx, kind: &'a str, id: &'a str) -> StateFuture<'a> {
        Box::pin(async move {
            let Ok(id) = uuid::Uuid::parse_str(id) else {
                return Ok(None);
            };
            Ok(match kind {
                "office" => store::offices::load_all(tx)
                    .await?
                    .iter()
                    .find(|o| o.id == id)
                    .map(office_audit_json),
                "user" => store::users::get(tx, id).await?.map(|(user, _)| user.audit_json()),
                _ => None,
            })
        })
    }
}

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
            &States,
            &caller,
            &snapshot.tree,
            self.dir.clock.now(),
            request.into_inner(),
        )
        .await?;
        Ok(Response::new(answer))
    }

    async fn export_audit_records(
        &self,
        request: Request<ExportAuditRecordsRequest>,
    ) -> Result<Response<AuditExportFile>, Status> {
        let caller = Caller::of(&request)?;
        let snapshot = self.dir.view().current();
        let answer = audit_api::export(
            &self.dir.db,
            &self.dir.anchoring(),
            &States,
            &caller,
            &snapshot.tree,
            self.dir.clock.now(),
            request.into_inner(),
            &AsStored,
        )
        .await?;
        Ok(Response::new(answer))
    }
}
