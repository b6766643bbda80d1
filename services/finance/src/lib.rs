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

vanphong_platform::backend!(Finance, "finance");
