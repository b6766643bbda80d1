//! gRPC status to REST error responses.
//!
//! The body follows the shape of Google's JSON errors:
//! `{"error": {"code": 400, "status": "INVALID_ARGUMENT", "message": …,
//! "details": [{"@type": "type.googleapis.com/google.rpc.BadRequest",
//! "fieldViolations": [{"field": …, "description": …, "reason": …}]}]}}`.

use axum::body::Body;
use axum::response::Response;
use http::{HeaderValue, StatusCode, header};
use tonic::Code;
use tonic_types::StatusExt;

/// The HTTP status for a gRPC code.
pub fn http_status(code: Code) -> StatusCode {
    match code {
        Code::Ok => StatusCode::OK,
        Code::InvalidArgument | Code::FailedPrecondition | Code::OutOfRange => StatusCode::BAD_REQUEST,
        Code::Unauthenticated => StatusCode::UNAUTHORIZED,
        Code::PermissionDenied => StatusCode::FORBIDDEN,
        Code::NotFound => StatusCode::NOT_FOUND,
        Code::AlreadyExists | Code::Aborted => StatusCode::CONFLICT,
        Code::ResourceExhausted => StatusCode::TOO_MANY_REQUESTS,
        Code::Cancelled => StatusCode::from_u16(499).unwrap_or(StatusCode::BAD_REQUEST),
        Code::Unimplemented => StatusCode::NOT_IMPLEMENTED,
        Code::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
        Code::DeadlineExceeded => StatusCode::GATEWAY_TIMEOUT,
        Code::Internal | Code::Unknown | Code::DataLoss => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

/// `INVALID_ARGUMENT`-style name of a code.
pub fn code_name(code: Code) -> &'static str {
    match code {
        Code::Ok => "OK",
        Code::Cancelled => "CANCELLED",
        Code::Unknown => "UNKNOWN",
        Code::InvalidArgument => "INVALID_ARGUMENT",
        Code::DeadlineExceeded => "DEADLINE_EXCEEDED",
        Code::NotFound => "NOT_FOUND",
        Code::AlreadyExists => "ALREADY_EXISTS",
        Code::PermissionDenied => "PERMISSION_DENIED",
        Code::ResourceExhausted => "RESOURCE_EXHAUSTED",
        Code::FailedPrecondition => "FAILED_PRECONDITION",
        Code::Aborted => "ABORTED",
        Code::OutOfRange => "OUT_OF_RANGE",
        Code::Unimplemented => "UNIMPLEMENTED",
        Code::Internal => "INTERNAL",
        Code::Unavailable => "UNAVAILABLE",
        Code::DataLoss => "DATA_LOSS",
        Code::Unauthenticated => "UNAUTHENTICATED",
    }
}

/// The REST response for a failed call.
pub fn error_response(status: &tonic::Status) -> Response {
    let http = http_status(status.code());
    let details = status.get_error_details();
    let mut detail_list = Vec::new();
    if let Some(bad) = details.bad_request() {
        detail_list.push(serde_json::json!({
            "@type": "type.googleapis.com/google.rpc.BadRequest",
            "fieldViolations": bad.field_violations.iter().map(|v| serde_json::json!({
                "field": v.field,
                "description": v.description,
                "reason": v.reason,
            })).collect::<Vec<_>>(),
        }));
    }
    if let Some(resource) = details.resource_info() {
        detail_list.push(serde_json::json!({
            "@type": "type.googleapis.com/google.rpc.ResourceInfo",
            "resourceType": resource.resource_type,
            "resourceName": resource.resource_name,
            "description": resource.description,
        }));
    }
    let retry_after = details.retry_info().and_then(|r| r.retry_delay);
    if let Some(delay) = retry_after {
        detail_list.push(serde_json::json!({
            "@type": "type.googleapis.com/google.rpc.RetryInfo",
            "retryDelay": format!("{}s", delay.as_secs()),
        }));
    }
    let body = serde_json::json!({
        "error": {
            "code": http.as_u16(),
            "status": code_name(status.code()),
            "message": status.message(),
            "details": detail_list,
        }
    });
    let mut response = Response::new(Body::from(body.to_string()));
    *response.status_mut() = http;
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json; charset=utf-8"),
    );
    if status.code() == Code::Unauthenticated {
        headers.insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
    }
    if let Some(delay) = retry_after
        && let Ok(v) = HeaderValue::from_str(&delay.as_secs().max(1).to_string())
    {
        headers.insert(header::RETRY_AFTER, v);
    }
    response
}

/// A JSON response with status 200.
pub fn json_response(value: &serde_json::Value) -> Response {
    let mut response = Response::new(Body::from(value.to_string()));
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json; charset=utf-8"),
    );
    response
}
