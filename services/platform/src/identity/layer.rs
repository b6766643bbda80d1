//! The middleware that verifies bearer tokens on every gRPC request.
//!
//! A request without `authorization` passes through without a [`Caller`]
//! (handlers of protected RPCs then answer `UNAUTHENTICATED`); a request
//! with a bad, expired, foreign or revoked token is refused here, before any
//! handler runs.

use std::sync::Arc;

use http::{HeaderMap, Request};

use super::caller::Caller;
use super::token::{TokenError, TokenVerifier};
use crate::clock::SharedClock;
use crate::directory::DirectoryView;
use crate::middleware::{Answer, Inner, Middleware, Next};

/// What verifying a token needs; as a [`Middleware`], the auth layer
/// (`MiddlewareLayer::new(state)`).
#[derive(Clone)]
pub struct AuthState {
    pub verifier: Arc<TokenVerifier>,
    /// Supplies the revoked sessions.
    pub directory: DirectoryView,
    pub clock: SharedClock,
}

impl AuthState {
    /// The caller named by the headers: `None` without a token, an error for
    /// a token that must be refused.
    pub fn authenticate(&self, headers: &HeaderMap) -> Result<Option<Caller>, TokenError> {
        let Some(value) = headers.get(http::header::AUTHORIZATION) else {
            return Ok(None);
        };
        let value = value.to_str().map_err(|_| TokenError::Malformed)?;
        let (scheme, token) = value.trim().split_once(' ').ok_or(TokenError::Malformed)?;
        if !scheme.eq_ignore_ascii_case("bearer") {
            return Err(TokenError::Malformed);
        }
        let claims = self.verifier.verify(token.trim(), self.clock.now())?;
        if self.directory.current().is_revoked(claims.sid) {
            return Err(TokenError::Revoked);
        }
        Ok(Some(Caller::from_claims(claims)))
    }
}

/// Verifies the token and inserts the [`Caller`] into the request; a
/// token that must be refused is answered `UNAUTHENTICATED` here.
impl<R: Default + Send + 'static> Middleware<R> for AuthState {
    fn call<B: Send + 'static, S: Inner<B, R>>(&self, mut request: Request<B>, next: Next<S>) -> Answer<R, S::Error> {
        match self.authenticate(request.headers()) {
            Ok(caller) => {
                if let Some(caller) = caller {
                    tracing::Span::current().record("caller", caller.name.as_str());
                    request.extensions_mut().insert(caller);
                }
                Box::pin(next.run(request))
            }
            Err(e) => {
                let response = tonic::Status::unauthenticated(e.to_string()).into_http::<R>();
                Box::pin(async move { Ok(response) })
            }
        }
    }
}
