//! The rules of Party finance, free of I/O: money, periods, the ledger's
//! balancing, the budget's holdings, dues shares and the B01/ĐP rows, the
//! default catalogues, and who may see or change whose books.

pub mod access;
pub mod budget;
pub mod catalog;
pub mod dues;
pub mod handover;
pub mod ledger;
pub mod money;
pub mod period;
