//! The gateway: the suite's front door, and the home of the office
//! directory.
//!
//! Where things live:
//! - [`directory`]: offices, users, service accounts, sign-in and sessions
//!   (`vanphong.directory.v1`), owner of the office tree;
//! - [`rest`]: REST/JSON routes generated from the `vanphong.api.v1.http`
//!   options of the protos, and the OpenAPI document at `/openapi.json`;
//! - [`front_door`]: gRPC for outside callers, forwarding calls for backend
//!   services;
//! - [`upstream`]: where calls go (this process or a backend);
//! - [`health`]: `/healthz` and `/readyz`; `/metrics` (Prometheus text)
//!   unless the process serves it on a listener of its own;
//! - the web console (crate `vanphong-console`) at `/`, calling the
//!   services through the same upstreams as the REST routes.

pub mod directory;
pub mod front_door;
pub mod health;
pub mod rest;
pub mod upstream;

use std::collections::HashSet;
use std::sync::Arc;
use std::sync::atomic::AtomicBool;

use axum::routing::get;
use prost_reflect::DescriptorPool;
use tonic_health::server::HealthReporter;

use vanphong_platform::Error;
use vanphong_platform::identity::AuthState;
use vanphong_platform::middleware::MiddlewareLayer;
use vanphong_platform::server::{HttpMetrics, ServerOptions};

use directory::Directory;
use front_door::FrontDoor;
use health::Readiness;
use upstream::{Upstream, Upstreams};

/// A backend service the gateway forwards to.
#[derive(Clone)]
pub struct Backend {
    /// Its name, e.g. "documents".
    pub name: String,
    /// Its proto package, e.g. "vanphong.documents.v1".
    pub package: String,
    /// Its replicas, balanced, with safe calls retried.
    pub channel: vanphong_platform::grpc_client::ServiceChannel,
}

/// The full names of the services of a proto package.
fn services_of(pool: &DescriptorPool, package: &str) -> Vec<String> {
    pool.services()
        .filter(|s| s.package_name() == package)
        .map(|s| s.full_name().to_string())
        .collect()
}

/// The gateway's whole HTTP surface: the web console at `/`, REST routes, `/openapi.json`,
/// `/healthz`, `/readyz`, `/metrics` (when `options.metrics_route`), and
/// gRPC (the directory's services served here, backend services
/// forwarded; reflection and `grpc.health.v1` answer for both, health from
/// each backend's own). `/readyz` answers 503 until `started` is set. Every plain
/// HTTP route is counted and timed by its template; gRPC calls are counted
/// by the server's own layer.
pub async fn app(
    directory: &Arc<Directory>,
    auth: AuthState,
    backends: Vec<Backend>,
    options: &ServerOptions,
    started: Arc<AtomicBool>,
) -> Result<(axum::Router, HealthReporter), Error> {
    let pool = DescriptorPool::decode(vanphong_proto::FILE_DESCRIPTOR_SET).map_err(Error::internal)?;
    let mut services = directory.services(backends.iter().map(|b| (b.name.clone(), b.channel.clone())).collect());
    let mut local_services: HashSet<String> = services.names().iter().map(|s| s.to_string()).collect();
    local_services.extend(
        [
            "grpc.health.v1.Health",
            "grpc.reflection.v1.ServerReflection",
            "grpc.reflection.v1alpha.ServerReflection",
        ]
        .map(String::from),
    );
    for backend in &backends {
        services = services.with_forwarded(services_of(&pool, &backend.package), &backend.channel);
    }
    let (verifier, clock) = (auth.verifier.clone(), auth.clock.clone());
    let (grpc, health) = services.build(auth, options.request_timeout).await?;

    let mut upstreams = Upstreams::new();
    upstreams.insert("vanphong.directory.v1", Upstream::Local(grpc.clone()));
    for backend in &backends {
        upstreams.insert(
            backend.package.clone(),
            Upstream::Remote {
                name: backend.name.clone(),
                channel: backend.channel.clone(),
            },
        );
    }

    let console = vanphong_console::router(vanphong_console::ConsoleConfig {
        services: vanphong_console::Services {
            directory: Upstream::Local(grpc.clone()).grpc_channel(),
            documents: upstreams.get("vanphong.documents.v1").map(Upstream::grpc_channel),
            petitions: upstreams.get("vanphong.petitions.v1").map(Upstream::grpc_channel),
            reporting: upstreams.get("vanphong.reporting.v1").map(Upstream::grpc_channel),
            finance: upstreams.get("vanphong.finance.v1").map(Upstream::grpc_channel),
        },
        verifier,
        csrf_key: directory.config.service_credential.derive_key("console-csrf"),
        clock,
        timeout: options.request_timeout,
    });

    let routes = rest::routes::routes(&pool).map_err(Error::internal)?;
    let openapi = Arc::new(rest::openapi::document(&routes, env!("CARGO_PKG_VERSION")));
    let readiness = Arc::new(Readiness {
        db: directory.db().clone(),
        backends: backends.iter().map(|b| (b.name.clone(), b.channel.clone())).collect(),
        started,
    });

    let mut router = rest::router(&routes, upstreams.clone(), options.request_timeout)
        .route(
            "/openapi.json",
            get(move || {
                let openapi = openapi.clone();
                async move { rest::json_response(&openapi) }
            }),
        )
        .route("/healthz", get(health::healthz))
        .route("/readyz", get(move || health::readyz(readiness.clone())))
        .merge(console);
    if options.metrics_route {
        router = router.route("/metrics", get(vanphong_platform::metrics::endpoint));
    }
    let front_door = FrontDoor::new(grpc, local_services, upstreams, options.request_timeout);
    let router = router
        .route_layer(MiddlewareLayer::new(HttpMetrics))
        .fallback_service(front_door);
    Ok((router, health))
}
