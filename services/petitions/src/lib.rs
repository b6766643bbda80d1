//! The petitions service (`vanphong.petitions.v1`).
//!
//! Citizen reception and petition handling (docs/domain.md §3): intake with
//! gap-free yearly numbers, duplicate detection, classification, legal
//! deadlines from a rule table, extensions, results, withdrawal, backlog
//! lists, protected identities, period statistics, reception records and
//! the leaders' reception duty, and spreadsheet exports.
//!
//! Where things live:
//! - [`domain`]: vocabularies and states, the petition, the flow, the
//!   deadline table, duplicate scoring, who may see identities, the policy
//!   and catalogue defaults, the statistics of a period, reception duty —
//!   no I/O;
//! - [`store`]: the SQL and the schema;
//! - [`export`]: the spreadsheets (register, statistics);
//! - [`api`]: the gRPC services, which validate, authorize, and make each
//!   change in one transaction with its audit record.

pub mod api;
pub mod domain;
pub mod export;
pub mod store;

use vanphong_platform::Error;
use vanphong_platform::db::Migrations;
use vanphong_platform::host::{Backend, ServiceContext};
use vanphong_platform::server::GrpcServices;

/// The petitions service, as run by the suite or `vanphong serve petitions`.
pub struct Petitions;

impl Backend for Petitions {
    const NAME: &'static str = "petitions";
    const PACKAGE: &'static str = "vanphong.petitions.v1";

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
