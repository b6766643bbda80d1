//! The finance service (`vanphong.finance.v1`).
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

/// The finance service, as run by the suite or `vanphong serve finance`.
pub struct Finance;

impl Backend for Finance {
    const NAME: &'static str = "finance";
    const PACKAGE: &'static str = "vanphong.finance.v1";

    fn migrations() -> &'static Migrations {
        &store::MIGRATIONS
    }

    async fn services(context: ServiceContext) -> Result<GrpcServices, Error> {
        api::services(context).await
    }
}
