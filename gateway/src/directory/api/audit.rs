//! `AuditService`: the directory's audit trail.

use std::sync::Arc;

use tonic::{Request, Response, Status};
use uuid::Uuid;

use vanphong_platform::Error;
use vanphong_platform::audit;
use vanphong_platform::identity::{Caller, Role};
use vanphong_platform::validate::Checker;
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

    /// Admins and inspectors audit their own office and those below it.
    fn may_audit(&self, caller: &Caller, office: Uuid) -> bool {
        let snapshot = self.dir.view().current();
        (caller.has_role(Role::Admin) || caller.has_role(Role::Inspector))
            && (office == caller.office_id || snapshot.tree.is_ancestor_on(caller.office_id, office, self.dir.today()))
    }

    fn ensure_may_audit(&self, caller: &Caller, office: Uuid) -> Result<(), Error> {
        if self.may_audit(caller, office) {
            Ok(())
        } else {
            Err(Error::PermissionDenied(
                "Chỉ quản trị hoặc cán bộ kiểm tra của đơn vị (hoặc cấp trên) mới xem được nhật ký".into(),
            ))
        }
    }

    async fn list(&self, request: Request<ListAuditRecordsRequest>) -> Result<ListAuditRecordsResponse, Error> {
        let caller = Caller::of(&request)?;
        let req = request.into_inner();
        let mut c = Checker::new();
        let office = c.id("office_id", &req.office_id);
        let entity = c.optional_text("entity", &req.entity, 64);
        let entity_id = c.optional_text("entity_id", &req.entity_id, 128);
        let page_size = c.page_size("page_size", req.page_size, 50, 500);
        let before = if req.page_token.is_empty() {
            None
        } else {
            match req.page_token.parse::<i64>() {
                Ok(seq) if seq > 0 => Some(seq),
                _ => {
                    c.violation("page_token", "INVALID_FORMAT", "Mã trang không hợp lệ");
                    None
                }
            }
        };
        c.finish()?;
        self.ensure_may_audit(&caller, office)?;
        let mut rows = audit::list(
            &self.dir.db,
            office,
            entity.as_deref(),
            entity_id.as_deref(),
            page_size + 1,
            before,
        )
        .await?;
        let next_page_token = if rows.len() > page_size as usize {
            rows.truncate(page_size as usize);
            rows.last().map(|r| r.seq.to_string()).unwrap_or_default()
        } else {
            String::new()
        };
        Ok(ListAuditRecordsResponse {
            records: rows.iter().map(audit::AuditRow::to_wire).collect(),
            next_page_token,
        })
    }

    async fn verify(&self, request: Request<VerifyAuditRequest>) -> Result<VerifyAuditResponse, Error> {
        let caller = Caller::of(&request)?;
        let req = request.into_inner();
        let mut c = Checker::new();
        let office = c.optional_id("office_id", &req.office_id);
        c.finish()?;
        let offices = match office {
            Some(office) => {
                self.ensure_may_audit(&caller, office)?;
                vec![office]
            }
            None => {
                if !(caller.has_role(Role::Admin) || caller.has_role(Role::Inspector)) {
                    return Err(Error::PermissionDenied(
                        "Chỉ quản trị hoặc cán bộ kiểm tra mới kiểm tra được nhật ký".into(),
                    ));
                }
                audit::chained_offices(&self.dir.db)
                    .await?
                    .into_iter()
                    .filter(|o| self.may_audit(&caller, *o))
                    .collect()
            }
        };
        Ok(audit::verify(&self.dir.db, &offices).await?.to_wire())
    }
}

#[tonic::async_trait]
impl AuditService for AuditApi {
    async fn list_audit_records(
        &self,
        request: Request<ListAuditRecordsRequest>,
    ) -> Result<Response<ListAuditRecordsResponse>, Status> {
        Ok(Response::new(self.list(request).await?))
    }

    async fn verify_audit(
        &self,
        request: Request<VerifyAuditRequest>,
    ) -> Result<Response<VerifyAuditResponse>, Status> {
        Ok(Response::new(self.verify(request).await?))
    }
}
