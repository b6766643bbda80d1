//! The tower layer that verifies bearer tokens on every gRPC request.
//!
//! A request without `authorization` passes through without a [`Caller`]
//! (handlers of protected RPCs then answer `UNAUTHENTICATED`); a request
//! with a bad, expired, foreign or revoked token is refused here, before any
//! handler runs.

use std::sync::Arc;
use std::task::{Context, Poll};

use futures_util::future::BoxFuture;
use http::{HeaderMap, Request, Response};
use tower::{Layer, Service};

use super::caller::Caller;
use super::token::{TokenError, TokenVerifier};
use crate::clock::SharedClock;
use crate::directory::DirectoryView;

/// What verifying a token needs.
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

/// Adds [`AuthService`] around a gRPC router.
#[derive(Clone)]
pub struct AuthLayer {
    state: AuthState,
}

impl AuthLayer {
    pub fn new(state: AuthState) -> Self {
        Self { state }
    }
}

impl<S> Layer<S> for AuthLayer {
    type Service = AuthService<S>;

    fn layer(&self, inner: S) -> Self::Service {
        AuthService {
            inner,
            state: self.state.clone(),
        }
    }
}

/// Verifies the token and inserts the [`Caller`] into the request.
#[derive(Clone)]
pub struct AuthService<S> {
    inner: S,
    state: AuthState,
}

impl<S, B, ResBody> Service<Request<B>> for AuthService<S>
where
    S: Service<Request<B>, Response = Response<ResBody>> + Clone + Send + 'static,
    S::Future: Send + 'static,
    B: Send + 'static,
    ResBody: Default + Send + 'static,
{
    type Response = S::Response;
    type Error = S::Error;
    type Future = BoxFuture<'static, Result<Self::Response, Self::Error>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, mut request: Request<B>) -> Self::Future {
        let ready = self.inner.clone();
        let mut inner = std::mem::replace(&mut self.inner, ready);
        match self.state.authenticate(request.headers()) {
            Ok(caller) => {
                if let Some(caller) = caller {
                    tracing::Span::current().record("caller", caller.name.as_str());
                    request.extensions_mut().insert(caller);
                }
                Box::pin(inner.call(request))
            }
            Err(e) => {
                let response = tonic::Status::unauthenticated(e.to_string()).into_http::<ResBody>();
                Box::pin(async move { Ok(response) })
            }
        }
    }
}
