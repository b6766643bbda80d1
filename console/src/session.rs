//! The session: two cookies holding the access token and the refresh token
//! that sign-in gave (nothing else), HttpOnly, SameSite=Strict, Path=/, and
//! Secure when the request came over HTTPS (the deployment's proxy says so
//! with `X-Forwarded-Proto: https`).
//!
//! [`load`] runs before every page: it checks the access token and, when it
//! is about to expire (or has), trades the refresh token for new ones and
//! sets the new cookies on the answer. Two requests of one browser that
//! refresh at once (two tabs, htmx) must not both spend the same refresh
//! token, since the directory revokes a session whose spent token comes
//! back: [`RefreshCache`] gives the second the first one's answer.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::Response;
use http::{HeaderMap, HeaderValue, header};
use sha2::{Digest, Sha256};

use vanphong_platform::identity::{Claims, TokenError};
use vanphong_proto::directory::v1::{RefreshRequest, TokenResponse};

use crate::Console;

/// The cookie with the access token.
pub const ACCESS: &str = "vp_access";
/// The cookie with the refresh token.
pub const REFRESH: &str = "vp_refresh";
/// The cookie binding a sign-in form to its browser (see [`crate::csrf`]).
pub const SIGN_IN: &str = "vp_signin";

/// Refresh when the access token has less than this left.
const REFRESH_MARGIN_SECS: i64 = 120;

/// How long a refresh's answer is given again to the same refresh token.
const REFRESH_REUSE: Duration = Duration::from_secs(60);

/// The signed-in person's tokens, and what the access token says.
#[derive(Clone)]
pub struct Session {
    pub access: String,
    pub claims: Claims,
}

/// The value of a request's cookie.
pub fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_string())
        .filter(|v| !v.is_empty())
}

/// The nonce of the sign-in form's cookie.
pub fn sign_in_nonce(headers: &HeaderMap) -> Option<String> {
    cookie(headers, SIGN_IN)
}

/// Whether the browser reached us over HTTPS (through the deployment's
/// proxy): then cookies are marked Secure.
pub fn secure(headers: &HeaderMap) -> bool {
    headers
        .get("x-forwarded-proto")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|p| p.trim().eq_ignore_ascii_case("https"))
}

/// A `Set-Cookie` value; `max_age` 0 removes the cookie.
pub fn set_cookie(name: &str, value: &str, path: &str, max_age: i64, secure: bool) -> HeaderValue {
    let secure = if secure { "; Secure" } else { "" };
    HeaderValue::from_str(&format!(
        "{name}={value}; Path={path}; Max-Age={max_age}; HttpOnly; SameSite=Strict{secure}"
    ))
    .unwrap_or_else(|_| HeaderValue::from_static("vp_invalid=; Max-Age=0"))
}

/// The cookies of a new pair of tokens; both last as long as the refresh
/// token.
pub fn session_cookies(tokens: &TokenResponse, secure: bool) -> Vec<HeaderValue> {
    let max_age = tokens.refresh_expires_in.max(tokens.expires_in);
    vec![
        set_cookie(ACCESS, &tokens.access_token, "/", max_age, secure),
        set_cookie(REFRESH, &tokens.refresh_token, "/", max_age, secure),
    ]
}

/// The cookies that end the session in this browser.
pub fn cleared_cookies(secure: bool) -> Vec<HeaderValue> {
    vec![
        set_cookie(ACCESS, "", "/", 0, secure),
        set_cookie(REFRESH, "", "/", 0, secure),
    ]
}

/// Recent refreshes, by the refresh token they spent.
#[derive(Default)]
pub struct RefreshCache(tokio::sync::Mutex<HashMap<String, (Instant, TokenResponse)>>);

fn digest(token: &str) -> String {
    Sha256::digest(token.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// New tokens for `refresh`: the directory's answer, or the answer another
/// request of the same browser just had for the same refresh token.
async fn refresh_tokens(
    console: &Console,
    parts: &http::request::Parts,
    refresh: &str,
) -> Result<TokenResponse, tonic::Status> {
    let key = digest(refresh);
    // One refresh at a time in this process: refreshes are rare (one per
    // person every few minutes) and each is a quick call.
    let mut cache = console.refreshes.0.lock().await;
    cache.retain(|_, (at, _)| at.elapsed() < REFRESH_REUSE);
    if let Some((_, tokens)) = cache.get(&key) {
        return Ok(tokens.clone());
    }
    let mut call = vanphong_platform::grpc_client::call_for_http(
        parts,
        console.timeout,
        RefreshRequest {
            refresh_token: refresh.to_string(),
        },
    );
    call.metadata_mut().remove("authorization");
    let tokens = console.services.auth().refresh(call).await?.into_inner();
    cache.insert(key, (Instant::now(), tokens.clone()));
    Ok(tokens)
}

/// Puts the [`Session`] (if any) in the request, refreshing its tokens
/// when they are about to expire; sets or clears the cookies on the answer
/// when they changed (unless the page set them itself: sign-in, sign-out).
pub async fn load(State(console): State<Arc<Console>>, request: Request, next: Next) -> Response {
    let (mut parts, body) = request.into_parts();
    let secure = secure(&parts.headers);
    let mut cookies = None;
    if let (Some(access), Some(refresh)) = (cookie(&parts.headers, ACCESS), cookie(&parts.headers, REFRESH)) {
        let now = console.clock.now();
        match console.verifier.verify(&access, now) {
            Ok(claims) if claims.exp - now.timestamp() > REFRESH_MARGIN_SECS => {
                parts.extensions.insert(Session { access, claims });
            }
            Ok(_) | Err(TokenError::Expired) => match refresh_tokens(&console, &parts, &refresh).await {
                Ok(tokens) => {
                    if let Ok(claims) = console.verifier.verify(&tokens.access_token, now) {
                        parts.extensions.insert(Session {
                            access: tokens.access_token.clone(),
                            claims,
                        });
                    }
                    cookies = Some(session_cookies(&tokens, secure));
                }
                Err(status) => {
                    tracing::info!(code = ?status.code(), "console session could not be refreshed");
                    cookies = Some(cleared_cookies(secure));
                }
            },
            Err(_) => cookies = Some(cleared_cookies(secure)),
        }
    }
    let mut response = next.run(Request::from_parts(parts, body)).await;
    if let Some(cookies) = cookies {
        let page_set_its_own = response
            .headers()
            .get_all(header::SET_COOKIE)
            .iter()
            .any(|v| v.to_str().is_ok_and(|v| v.starts_with(ACCESS)));
        if !page_set_its_own {
            for value in cookies {
                response.headers_mut().append(header::SET_COOKIE, value);
            }
        }
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cookies_are_read_by_name() {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::COOKIE,
            HeaderValue::from_static("a=1; vp_access=tok; vp_refresh="),
        );
        assert_eq!(cookie(&headers, ACCESS).as_deref(), Some("tok"));
        assert_eq!(cookie(&headers, REFRESH), None, "an empty cookie is none");
        assert_eq!(cookie(&headers, "b"), None);
    }

    #[test]
    fn cookies_are_http_only_strict_and_secure_over_https() {
        let value = set_cookie(ACCESS, "t", "/", 60, true);
        assert_eq!(
            value.to_str().ok(),
            Some("vp_access=t; Path=/; Max-Age=60; HttpOnly; SameSite=Strict; Secure")
        );
        let mut headers = HeaderMap::new();
        assert!(!secure(&headers));
        headers.insert("x-forwarded-proto", HeaderValue::from_static("https"));
        assert!(secure(&headers));
    }
}
