//! The documents service: incoming and outgoing official documents, their
//! legal numbers, their handling, and their exchange between offices
//! (`vanphong.documents.v1`).
//!
//! Where things live:
//! - [`domain`]: kinds and states, the incoming flow, the catalogue's
//!   defaults, numbers and symbols, who may see what — no I/O;
//! - [`store`]: the SQL (documents, people named on documents, history,
//!   listing and search, catalogue); numbers come from the platform's
//!   `number_series`;
//! - [`blob`]: where attachments' content is kept (a local folder or
//!   S3-compatible object storage);
//! - [`api`]: the gRPC services, which validate, authorize, and make each
//!   change in one transaction with its audit record.

pub mod api;
pub mod blob;
pub mod domain;
pub mod store;

vanphong_platform::backend!(Documents, "documents");
