//! The web console: the offices' people do their work in a browser, in
//! Vietnamese.
//!
//! The gateway serves it on its own port, in its own process, at `/`
//! (REST stays under `/api/v1`, gRPC on the fallback). Every page is
//! rendered on the server from compile-time checked templates and calls
//! the services through the same channels the REST routes use, with the
//! signed-in person's own token, request id and deadline: every rule
//! (tenancy, secrecy, roles, audit) is the services', none is checked here.
//! Every flow works as a plain form POST (then a redirect); htmx, vendored
//! and pinned, only improves some of them.
//!
//! - [`services`]: the channels to the services and the calls made for a
//!   request;
//! - [`session`]: the session cookies, their refresh before expiry;
//! - [`csrf`]: the anti-forgery token every POST must carry;
//! - [`security`]: the Content-Security-Policy and other response headers;
//! - [`assets`]: htmx and the stylesheet, under a versioned path;
//! - [`errors`]: what goes wrong, as pages in Vietnamese;
//! - [`format`]: Vietnamese labels, dates and numbers;
//! - [`pages`]: the pages themselves.

pub mod assets;
pub mod csrf;
pub mod errors;
pub mod format;
pub mod pages;
pub mod security;
pub mod services;
pub mod session;

use std::sync::Arc;
use std::time::Duration;

use vanphong_platform::clock::SharedClock;
use vanphong_platform::identity::TokenVerifier;

pub use services::{GrpcChannel, Services};

/// What the console needs from the process that serves it.
pub struct ConsoleConfig {
    /// Where the services are.
    pub services: Services,
    /// Checks the session's access token (signature, expiry) to know who is
    /// signed in and when to refresh; the services check it again.
    pub verifier: Arc<TokenVerifier>,
    /// The deployment's key for CSRF tokens, the same on every gateway
    /// replica (derived from the service credential).
    pub csrf_key: [u8; 32],
    /// The suite's clock, the one tokens are issued and checked by.
    pub clock: SharedClock,
    /// Longest time a call to a service may take.
    pub timeout: Duration,
}

/// The console's state, shared by every request.
pub struct Console {
    pub(crate) services: Services,
    pub(crate) verifier: Arc<TokenVerifier>,
    pub(crate) csrf: csrf::CsrfKey,
    pub(crate) clock: SharedClock,
    pub(crate) timeout: Duration,
    pub(crate) refreshes: session::RefreshCache,
}

/// The console's routes, to merge into the gateway's router.
pub fn router(config: ConsoleConfig) -> axum::Router {
    let console = Arc::new(Console {
        services: config.services,
        verifier: config.verifier,
        csrf: csrf::CsrfKey::new(config.csrf_key),
        clock: config.clock,
        timeout: config.timeout,
        refreshes: session::RefreshCache::default(),
    });
    pages::routes(console)
}
