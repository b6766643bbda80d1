//! The reporting service (`vanphong.reporting.v1`): periodic briefing
//! reports (báo cáo giao ban, định kỳ) with figures gathered from the other
//! services and rolled up the office tree, approval up to the parent office
//! as a BC document, completeness, and Word and spreadsheet exports
//! (docs/domain.md §5).
//!
//! Where things live:
//! - [`domain`]: periods and cut-offs, deadlines, the report's states and
//!   sections, the roll-up, completeness, the Party layout — no I/O;
//! - [`sources`]: calls to the documents, petitions and finance services on
//!   the caller's behalf (figures; the outgoing BC document);
//! - [`export`]: DOCX and XLSX writers;
//! - [`store`]: the SQL and the schema;
//! - [`api`]: the gRPC services, which validate, authorize, and make each
//!   change in one transaction with its audit record.

pub mod api;
pub mod domain;
pub mod export;
pub mod sources;
pub mod store;

vanphong_platform::backend!(Reporting, "reporting");
