//! The platform's error type and its mapping to gRPC status.
//!
//! Every server answers with one of these; [`Error::into_status`] turns them
//! into `tonic::Status` with `google.rpc` details (field violations, retry
//! delay). Internal causes are logged with the request's trace id and never
//! sent to the caller.

use std::time::Duration;

use tonic::{Code, Status};
use tonic_types::{ErrorDetails, StatusExt};
use vanphong_proto::contract::invalid_argument;

use crate::telemetry::current_trace_id;

/// One bad field of a request: the contract's violation, so that the
/// decode-time checks and every handler's own answer alike.
pub use vanphong_proto::contract::Violation as FieldViolation;

/// Why a request failed. Each variant maps to one gRPC code.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The request is malformed; one entry per bad field. Nothing was written.
    #[error("{}", describe_violations(.0))]
    InvalidArgument(Vec<FieldViolation>),
    /// The entity named in the request does not exist (or the caller may not
    /// know that it does).
    #[error("{0}")]
    NotFound(String),
    /// Creating would duplicate an existing entity; the message names it.
    #[error("{0}")]
    AlreadyExists(String),
    /// Creating would duplicate the record `id` (of `resource_type`, e.g.
    /// "document"): sent as ALREADY_EXISTS with a `google.rpc.ResourceInfo`
    /// naming it, so a client can open the existing record instead of
    /// showing an id to a person; the message says what it is in words.
    #[error("{message}")]
    Duplicate {
        message: String,
        resource_type: &'static str,
        id: String,
    },
    /// The request is well formed but not allowed in the current state, e.g.
    /// a transition from the wrong status.
    #[error("{0}")]
    FailedPrecondition(String),
    /// The caller is known but may not do this to this office's data.
    #[error("{0}")]
    PermissionDenied(String),
    /// No valid identity: missing, malformed, forged, expired or revoked token.
    #[error("{0}")]
    Unauthenticated(String),
    /// Too many attempts or too much load; retry after the delay if given.
    #[error("{message}")]
    ResourceExhausted {
        message: String,
        retry_after: Option<Duration>,
    },
    /// A dependency (database, another service) cannot answer now; retrying
    /// later may succeed.
    #[error("{0}")]
    Unavailable(String),
    /// The caller's deadline passed before the work finished.
    #[error("{0}")]
    DeadlineExceeded(String),
    /// A fault of ours. Logged with the trace id, hidden from the caller.
    #[error("internal error: {0}")]
    Internal(#[source] Box<dyn std::error::Error + Send + Sync>),
}

impl Error {
    /// Creating would duplicate the record `id` of `resource_type`.
    pub fn duplicate(resource_type: &'static str, id: impl ToString, message: impl Into<String>) -> Self {
        Error::Duplicate {
            message: message.into(),
            resource_type,
            id: id.to_string(),
        }
    }

    /// NOT_FOUND in the one wording users see for any record looked up by
    /// id: "Không tìm thấy {what} {id}" (`what` in Vietnamese, "văn bản").
    pub fn not_found(what: &str, id: impl std::fmt::Display) -> Self {
        Error::NotFound(format!("Không tìm thấy {what} {id}"))
    }

    /// A request with a single bad field.
    pub fn invalid(field: impl Into<String>, reason: &'static str, description: impl Into<String>) -> Self {
        Error::InvalidArgument(vec![FieldViolation {
            field: field.into(),
            reason,
            description: description.into(),
        }])
    }

    /// An internal fault from any error value.
    pub fn internal(cause: impl Into<Box<dyn std::error::Error + Send + Sync>>) -> Self {
        Error::Internal(cause.into())
    }

    /// The gRPC status sent to the caller.
    pub fn into_status(self) -> Status {
        match self {
            // Bounded: the first violations and a count, whatever the
            // request (see `vanphong_proto::contract::status`).
            Error::InvalidArgument(violations) => invalid_argument(&violations, violations.len()),
            Error::NotFound(m) => Status::not_found(m),
            Error::AlreadyExists(m) => Status::already_exists(m),
            Error::Duplicate {
                message,
                resource_type,
                id,
            } => Status::with_error_details(
                Code::AlreadyExists,
                message.clone(),
                ErrorDetails::with_resource_info(resource_type, id, "", message),
            ),
            Error::FailedPrecondition(m) => Status::failed_precondition(m),
            Error::PermissionDenied(m) => Status::permission_denied(m),
            Error::Unauthenticated(m) => Status::unauthenticated(m),
            Error::ResourceExhausted { message, retry_after } => Status::with_error_details(
                Code::ResourceExhausted,
                message,
                ErrorDetails::with_retry_info(retry_after),
            ),
            Error::Unavailable(m) => Status::unavailable(m),
            Error::DeadlineExceeded(m) => Status::deadline_exceeded(m),
            Error::Internal(cause) => {
                let trace_id = current_trace_id();
                tracing::error!(error = %display_chain(&*cause), trace_id = %trace_id, "internal error");
                Status::internal(format!(
                    "Lỗi hệ thống. Vui lòng thử lại hoặc báo quản trị, mã truy vết: {trace_id}"
                ))
            }
        }
    }
}

impl From<Error> for Status {
    fn from(e: Error) -> Self {
        e.into_status()
    }
}

/// The error's message followed by each of its sources.
pub fn display_chain(e: &(dyn std::error::Error + 'static)) -> String {
    let mut out = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        out.push_str(": ");
        out.push_str(&s.to_string());
        source = s.source();
    }
    out
}

fn describe_violations(violations: &[FieldViolation]) -> String {
    vanphong_proto::contract::status::message(violations, violations.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invalid_argument_carries_every_field_with_reason() {
        let status = Error::InvalidArgument(vec![
            FieldViolation {
                field: "name".into(),
                reason: "REQUIRED",
                description: "Bắt buộc".into(),
            },
            FieldViolation {
                field: "code".into(),
                reason: "TOO_LONG",
                description: "Quá dài".into(),
            },
        ])
        .into_status();
        assert_eq!(status.code(), Code::InvalidArgument);
        let details = status.get_error_details();
        let fields: Vec<(&str, &str)> = details
            .bad_request()
            .expect("bad request details")
            .field_violations
            .iter()
            .map(|v| (v.field.as_str(), v.reason.as_str()))
            .collect();
        assert_eq!(fields, vec![("name", "REQUIRED"), ("code", "TOO_LONG")]);
        assert!(status.message().contains("name"));
    }

    #[test]
    fn hundreds_of_violations_make_a_small_status() {
        let violations = (0..600)
            .map(|i| FieldViolation {
                field: format!("lines[{i}].amount"),
                reason: "OUT_OF_RANGE",
                description: "Phải lớn hơn 0".into(),
            })
            .collect();
        let status = Error::InvalidArgument(violations).into_status();
        let details = status.get_error_details();
        let sent = &details.bad_request().expect("bad request details").field_violations;
        assert!(sent.len() <= 21);
        assert!(
            sent.last()
                .is_some_and(|v| v.reason == "MORE_VIOLATIONS" && v.description.contains("600"))
        );
        assert!(status.details().len() < 8 * 1024);
    }

    #[test]
    fn internal_cause_is_not_sent() {
        let status = Error::internal("password=hunter2 leaked").into_status();
        assert_eq!(status.code(), Code::Internal);
        assert!(!status.message().contains("hunter2"));
    }
}
