//! Signing in and out. The sign-in form posts the username and password to
//! the directory's `SignIn` (which throttles repeated failures and says, in
//! words, how long to wait); the tokens it gives become the session's
//! cookies. Signing out revokes the session (or every session of the
//! person) with `SignOut` and clears the cookies.

use askama::Template;
use axum::Form;
use axum::extract::Query;
use axum::response::{Html, IntoResponse, Redirect, Response};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use http::{StatusCode, header};
use serde::Deserialize;
use tonic::Code;

use vanphong_proto::directory::v1::{SignInRequest, SignOutRequest};

use super::{Ctx, Layout};
use crate::errors::ConsoleError;
use crate::session;

/// How long a sign-in form stays usable.
const FORM_LIFETIME_SECS: i64 = 3600;

#[derive(Template)]
#[template(path = "sign_in.html")]
struct SignInPage {
    layout: Layout,
    csrf: String,
    next: String,
    username: String,
    notice: Option<&'static str>,
    error: Option<String>,
}

#[derive(Deserialize)]
pub struct SignInQuery {
    next: Option<String>,
    /// Why the person is here: `expired`, `signed_out`, `signed_out_all`.
    m: Option<String>,
}

/// Where to go after signing in: a path of this site, never elsewhere.
fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(n) if n.starts_with('/') && !n.starts_with("//") && !n.contains('\\') => n.to_string(),
        _ => "/".into(),
    }
}

fn notice(m: Option<&str>) -> Option<&'static str> {
    match m? {
        "expired" => Some("Phiên làm việc đã hết hạn. Vui lòng đăng nhập lại."),
        "signed_out" => Some("Bạn đã đăng xuất."),
        "signed_out_all" => Some("Bạn đã đăng xuất khỏi mọi thiết bị."),
        _ => None,
    }
}

fn new_nonce() -> Result<String, ConsoleError> {
    let mut bytes = [0u8; 18];
    getrandom::fill(&mut bytes).map_err(|e| ConsoleError::Service(tonic::Status::internal(e.to_string())))?;
    Ok(URL_SAFE_NO_PAD.encode(bytes))
}

/// `GET /sign-in`: the form (or, already signed in, where it leads).
pub async fn form(ctx: Ctx, Query(query): Query<SignInQuery>) -> Result<Response, ConsoleError> {
    let next = safe_next(query.next.as_deref());
    if ctx.session.is_some() {
        return Ok(Redirect::to(&next).into_response());
    }
    let nonce = new_nonce()?;
    let page = SignInPage {
        layout: Layout::bare("Đăng nhập"),
        csrf: ctx.csrf().for_sign_in(&nonce),
        next,
        username: String::new(),
        notice: notice(query.m.as_deref()),
        error: None,
    };
    let cookie = session::set_cookie(session::SIGN_IN, &nonce, "/sign-in", FORM_LIFETIME_SECS, ctx.secure());
    Ok(([(header::SET_COOKIE, cookie)], Html(page.render()?)).into_response())
}

#[derive(Deserialize)]
pub struct SignInForm {
    #[serde(default)]
    username: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    next: String,
}

/// `POST /sign-in`: the directory's answer, as a session or as the form
/// again with the reason, the username kept.
pub async fn submit(ctx: Ctx, Form(form): Form<SignInForm>) -> Result<Response, ConsoleError> {
    let next = safe_next(Some(&form.next));
    let request = SignInRequest {
        username: form.username.trim().to_string(),
        password: form.password,
    };
    let (status, error) = match ctx.services().auth().sign_in(ctx.call(request)).await {
        Ok(tokens) => {
            let tokens = tokens.into_inner();
            let secure = ctx.secure();
            let mut response = Redirect::to(&next).into_response();
            for cookie in session::session_cookies(&tokens, secure) {
                response.headers_mut().append(header::SET_COOKIE, cookie);
            }
            return Ok(response);
        }
        Err(status) => match status.code() {
            Code::Unauthenticated | Code::InvalidArgument => (StatusCode::UNAUTHORIZED, status.message().to_string()),
            Code::ResourceExhausted => (
                StatusCode::TOO_MANY_REQUESTS,
                format!(
                    "{}. Để bảo vệ tài khoản, hệ thống tạm dừng đăng nhập sau nhiều lần nhập sai.",
                    status.message().trim_end_matches('.')
                ),
            ),
            Code::Unavailable | Code::DeadlineExceeded => (
                StatusCode::SERVICE_UNAVAILABLE,
                "Hệ thống chưa trả lời kịp. Vui lòng thử lại sau ít phút.".to_string(),
            ),
            _ => return Err(ConsoleError::Service(status)),
        },
    };
    let nonce = session::sign_in_nonce(&ctx.parts.headers).unwrap_or_default();
    let page = SignInPage {
        layout: Layout::bare("Đăng nhập"),
        csrf: ctx.csrf().for_sign_in(&nonce),
        next,
        username: form.username,
        notice: None,
        error: Some(error),
    };
    Ok((status, Html(page.render()?)).into_response())
}

#[derive(Deserialize)]
pub struct SignOutForm {
    /// Present ("1") to end every session of the person.
    everywhere: Option<String>,
}

/// `POST /sign-out`: revokes this session (or all of the person's) and
/// clears the cookies, whatever the directory answered.
pub async fn sign_out(ctx: Ctx, Form(form): Form<SignOutForm>) -> Response {
    let everywhere = form.everywhere.is_some_and(|v| v == "1");
    if ctx.session.is_some()
        && let Err(status) = ctx
            .services()
            .auth()
            .sign_out(ctx.call(SignOutRequest { everywhere }))
            .await
    {
        tracing::info!(code = ?status.code(), "sign-out not recorded by the directory");
    }
    let to = if everywhere {
        "/sign-in?m=signed_out_all"
    } else {
        "/sign-in?m=signed_out"
    };
    let mut response = Redirect::to(to).into_response();
    for cookie in session::cleared_cookies(ctx.secure()) {
        response.headers_mut().append(header::SET_COOKIE, cookie);
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_local_paths_are_followed_after_sign_in() {
        assert_eq!(safe_next(Some("/documents/1")), "/documents/1");
        assert_eq!(safe_next(Some("//evil.example/")), "/");
        assert_eq!(safe_next(Some("https://evil.example/")), "/");
        assert_eq!(safe_next(Some("/\\evil")), "/");
        assert_eq!(safe_next(None), "/");
    }
}
