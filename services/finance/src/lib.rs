//! The finance service (`vanphong.finance.v1`): Party budget estimates and
//! their allocation down the office tree, controlled spending, an immutable
//! double-entry ledger per office, membership dues, figures for reporting
//! and spreadsheet exports (docs/domain.md §4).
//!
//! Where things live:
//! - [`domain`]: money, periods, balancing, holdings and the budget
//!   invariants, dues shares and B01/ĐP, default catalogues, access — no I/O;
//! - [`store`]: the SQL (catalogue, periods, budget, ledger, spending, dues,
//!   figures) and the schema;
//! - [`api`]: the gRPC services, which validate, authorize, and make each
//!   change in one transaction with its audit record;
//! - [`export`]: the XLSX workbooks.

pub mod api;
pub mod domain;
pub mod export;
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

    fn audit_states() -> &'static dyn vanphong_platform::audit_state::StoredState {
        &api::audit::States
    }

    async fn services(context: ServiceContext) -> Result<GrpcServices, Error> {
        api::services(context).await
    }
}
