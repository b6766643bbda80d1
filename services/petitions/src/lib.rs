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

vanphong_platform::backend!(Petitions, "petitions");
