//! Files a page hands over as downloads (a report's Word document or
//! spreadsheet, a register book): their bytes with their type and a
//! Vietnamese file name, never shown as text.

use axum::response::{IntoResponse, Response};
use http::{HeaderValue, header};

use crate::format;

/// A download of `content` named `name`, with `fallback` as the name for
/// clients that read only ASCII names.
pub fn download(fallback: &str, name: &str, content_type: &str, content: Vec<u8>) -> Response {
    let mut response = content.into_response();
    let headers = response.headers_mut();
    let content_type = HeaderValue::from_str(content_type)
        .ok()
        .filter(|_| !content_type.is_empty())
        .unwrap_or(HeaderValue::from_static("application/octet-stream"));
    headers.insert(header::CONTENT_TYPE, content_type);
    if let Some(value) = format::attachment(fallback, name) {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    response
}
