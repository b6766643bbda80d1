//! The anti-forgery token every POST carries (a synchronizer token).
//!
//! Signed in, the token is HMAC-SHA256 of the session's id under the
//! deployment's key: it stays the same for the whole session (refreshes
//! keep the session id) and no other site can compute it. Before signing
//! in, the sign-in form is bound to a random value in a short-lived cookie
//! of its own. Forms send the token as their first field, `csrf`; the
//! [`check`] middleware refuses every POST without the right one before any
//! handler runs (for a file upload it reads only the first part, the rest
//! streams on untouched).

use std::sync::Arc;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use bytes::{Bytes, BytesMut};
use futures_util::StreamExt;
use hmac::{Hmac, KeyInit, Mac};
use http::{Method, header};
use sha2::Sha256;

use crate::Console;
use crate::errors::ConsoleError;
use crate::session::{self, Session};

/// The form field that carries the token.
pub const FIELD: &str = "csrf";

/// Largest form body (without files) read to find the token.
const MAX_FORM: usize = 256 * 1024;

/// How much of a multipart body may come before its first field ends.
const MAX_PREFIX: usize = 16 * 1024;

/// The deployment's key for the tokens.
pub struct CsrfKey([u8; 32]);

impl CsrfKey {
    pub fn new(key: [u8; 32]) -> Self {
        Self(key)
    }

    fn mac(&self, binding: &str) -> Hmac<Sha256> {
        // A key shorter than the block is zero-padded by HMAC itself: the
        // padded block is the same key, and needs no fallible length check.
        let mut block = [0u8; 64];
        block[..32].copy_from_slice(&self.0);
        let mut mac = <Hmac<Sha256> as KeyInit>::new(&block.into());
        mac.update(binding.as_bytes());
        mac
    }

    /// The token of a session.
    pub fn for_session(&self, session_id: &str) -> String {
        self.token(&format!("session:{session_id}"))
    }

    /// The token of a sign-in form bound to `nonce` (its cookie's value).
    pub fn for_sign_in(&self, nonce: &str) -> String {
        self.token(&format!("sign-in:{nonce}"))
    }

    fn token(&self, binding: &str) -> String {
        URL_SAFE_NO_PAD.encode(self.mac(binding).finalize().into_bytes())
    }

    /// Whether `token` is the one of `binding`, in constant time.
    fn verify(&self, binding: &str, token: &str) -> bool {
        match URL_SAFE_NO_PAD.decode(token) {
            Ok(bytes) => self.mac(binding).verify_slice(&bytes).is_ok(),
            Err(_) => false,
        }
    }
}

/// Refuses a POST whose `csrf` field is missing or wrong (403 page);
/// anything else passes. Runs after [`session::load`], which has put the
/// session (if any) in the request.
pub async fn check(State(console): State<Arc<Console>>, request: Request, next: Next) -> Response {
    if request.method() != Method::POST {
        return next.run(request).await;
    }
    let binding = if request.uri().path() == "/sign-in" {
        session::sign_in_nonce(request.headers()).map(|nonce| format!("sign-in:{nonce}"))
    } else {
        request
            .extensions()
            .get::<Session>()
            .map(|s| format!("session:{}", s.claims.sid))
    };
    let (parts, body) = request.into_parts();
    let content_type = parts
        .headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    let (token, body) = if content_type.starts_with("application/x-www-form-urlencoded") {
        match axum::body::to_bytes(body, MAX_FORM).await {
            Ok(bytes) => (form_token(&bytes), Body::from(bytes)),
            Err(_) => return ConsoleError::TooLarge.into_response(),
        }
    } else if let Some(boundary) = multipart_boundary(&content_type) {
        match multipart_token(body, &boundary).await {
            Ok(found) => found,
            Err(error) => return error.into_response(),
        }
    } else {
        (None, body)
    };
    let valid = match (&binding, &token) {
        (Some(binding), Some(token)) => console.csrf.verify(binding, token),
        _ => false,
    };
    if !valid {
        tracing::warn!(path = %parts.uri.path(), "console POST refused: missing or wrong CSRF token");
        return ConsoleError::Forgery.into_response();
    }
    next.run(Request::from_parts(parts, body)).await
}

fn form_token(body: &[u8]) -> Option<String> {
    form_urlencoded::parse(body)
        .find(|(k, _)| k == FIELD)
        .map(|(_, v)| v.into_owned())
}

/// The boundary of a `multipart/form-data` content type.
fn multipart_boundary(content_type: &str) -> Option<String> {
    let mut parts = content_type.split(';');
    if !parts.next()?.trim().eq_ignore_ascii_case("multipart/form-data") {
        return None;
    }
    parts.find_map(|p| {
        let (k, v) = p.trim().split_once('=')?;
        k.eq_ignore_ascii_case("boundary")
            .then(|| v.trim_matches('"').to_string())
    })
}

/// What the start of a multipart body says of its first field.
#[derive(Debug, PartialEq)]
enum FirstField {
    /// Not all of it has arrived yet.
    Incomplete,
    /// The first field is `csrf`, with this value.
    Token(String),
    /// The first field is something else.
    Other,
}

fn first_field(prefix: &[u8], boundary: &str) -> FirstField {
    let opening = format!("--{boundary}\r\n");
    let Some(start) = find(prefix, opening.as_bytes()) else {
        return FirstField::Incomplete;
    };
    let rest = &prefix[start + opening.len()..];
    let Some(end_of_headers) = find(rest, b"\r\n\r\n") else {
        return FirstField::Incomplete;
    };
    let headers = String::from_utf8_lossy(&rest[..end_of_headers]).to_ascii_lowercase();
    let is_token = headers.lines().any(|line| {
        line.starts_with("content-disposition:")
            && line.contains("form-data")
            && line.split(';').any(|p| p.trim() == format!("name=\"{FIELD}\""))
    });
    if !is_token {
        return FirstField::Other;
    }
    let value = &rest[end_of_headers + 4..];
    let closing = format!("\r\n--{boundary}");
    match find(value, closing.as_bytes()) {
        Some(end) => FirstField::Token(String::from_utf8_lossy(&value[..end]).into_owned()),
        None => FirstField::Incomplete,
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// The token of a multipart body's first field, and the body, whole again.
async fn multipart_token(body: Body, boundary: &str) -> Result<(Option<String>, Body), ConsoleError> {
    let mut stream = body.into_data_stream();
    let mut prefix = BytesMut::new();
    let token = loop {
        match first_field(&prefix, boundary) {
            FirstField::Token(token) => break Some(token),
            FirstField::Other => break None,
            FirstField::Incomplete if prefix.len() > MAX_PREFIX => break None,
            FirstField::Incomplete => {}
        }
        match stream.next().await {
            Some(Ok(chunk)) => prefix.extend_from_slice(&chunk),
            Some(Err(_)) => return Err(ConsoleError::BadUpload),
            None => break None,
        }
    };
    let head = futures_util::stream::once(async move { Ok::<Bytes, axum::Error>(prefix.freeze()) });
    Ok((token, Body::from_stream(head.chain(stream))))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_bound_to_their_session_and_key() {
        let key = CsrfKey::new([7; 32]);
        let token = key.for_session("s1");
        assert!(key.verify("session:s1", &token));
        assert!(!key.verify("session:s2", &token));
        assert!(!CsrfKey::new([8; 32]).verify("session:s1", &token));
        assert!(!key.verify("session:s1", ""));
        assert!(!key.verify("sign-in:s1", &token));
    }

    #[test]
    fn the_first_multipart_field_gives_the_token() {
        let body = b"--XyZ\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\nabc-123\r\n--XyZ\r\nContent-Disposition: form-data; name=\"subject\"\r\n\r\nx\r\n--XyZ--\r\n";
        assert_eq!(first_field(body, "XyZ"), FirstField::Token("abc-123".into()));
        assert_eq!(first_field(&body[..40], "XyZ"), FirstField::Incomplete);
        let other = b"--XyZ\r\nContent-Disposition: form-data; name=\"subject\"\r\n\r\nx\r\n--XyZ--\r\n";
        assert_eq!(first_field(other, "XyZ"), FirstField::Other);
        assert_eq!(
            multipart_boundary("multipart/form-data; boundary=\"XyZ\""),
            Some("XyZ".into())
        );
        assert_eq!(multipart_boundary("text/plain"), None);
    }

    #[test]
    fn the_form_field_gives_the_token() {
        assert_eq!(form_token(b"csrf=a%2Bb&x=1"), Some("a+b".into()));
        assert_eq!(form_token(b"x=1"), None);
    }
}
