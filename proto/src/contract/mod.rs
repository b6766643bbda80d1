//! The request contract: the `vanphong.api.v1.field` rules of every request
//! field, with the suite's defaults for fields that declare none.
//!
//! Every server enforces it while decoding a request, before any handler
//! runs ([`CheckedCodec`], the codec of every generated service), and the
//! gateway publishes it in `/openapi.json` ([`rules_of`]), so the limits
//! clients see are the limits servers apply.
//!
//! - [`rules`]: the rules of one field, defaults included;
//! - [`plan`]: per request message type, what needs checking (computed once
//!   from [`crate::FILE_DESCRIPTOR_SET`]) and the check itself;
//! - [`format`]: the text formats (`uuid`, `date`, `date-time`);
//! - [`status`]: `INVALID_ARGUMENT` with bounded `BadRequest` details, for
//!   these checks and every handler's own;
//! - [`codec`]: the tonic codec.

pub mod codec;
pub mod format;
pub mod plan;
pub mod rules;
pub mod status;

pub use codec::CheckedCodec;
pub use plan::{Contract, contract};
pub use rules::{DEFAULT_MAX_BYTES, DEFAULT_MAX_ITEMS, DEFAULT_MAX_TEXT, Format, Rules, rules_of};
pub use status::{Violation, invalid_argument};
