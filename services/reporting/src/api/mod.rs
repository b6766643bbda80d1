//! The reporting service's gRPC services.

mod audit;

use std::sync::Arc;

use chrono::NaiveDate;

use vanphong_platform::Error;
use vanphong_platform::directory::DirectorySnapshot;
use vanphong_platform::host::ServiceContext;
use vanphong_platform::server::GrpcServices;
use vanphong_proto::reporting::v1::audit_service_server::AuditServiceServer;

/// What every handler shares.
pub(crate) struct Shared {
    pub ctx: ServiceContext,
}

impl Shared {
    pub fn snapshot(&self) -> Arc<DirectorySnapshot> {
        self.ctx.directory.current()
    }

    pub fn today(&self) -> NaiveDate {
        self.ctx.today()
    }
}

/// Every service of the reporting service.
pub async fn services(ctx: ServiceContext) -> Result<GrpcServices, Error> {
    let shared = Arc::new(Shared { ctx });
    Ok(GrpcServices::new().with_service(AuditServiceServer::new(audit::AuditApi(shared))))
}
