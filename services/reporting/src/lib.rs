//! The reporting service (`vanphong.reporting.v1`).
//!
//! Where things live:
//! - [`api`]: the gRPC services;
//! - [`store`]: the SQL and the schema.

pub mod api;
pub mod store;

use vanphong_platform::Error;
use vanphong_platform::db::Migrations;
use vanphong_platform::host::{Backend, ServiceContext};
use vanphong_platform::server::GrpcServices;

/// The reporting service, as run by the suite or `vanphong serve reporting`.
pub struct Reporting;

impl Backend for Reporting {
    const NAME: &'static str = "reporting";
    const PACKAGE: &'static str = "vanphong.reporting.v1";

    fn migrations() -> &'static Migrations {
        &store::MIGRATIONS
    }

    async fn services(context: ServiceContext) -> Result<GrpcServices, Error> {
        api::services(context).await
    }
}
