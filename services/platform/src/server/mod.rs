//! Building and running a server.
//!
//! Every process serves one axum router on one TCP listener through tonic's
//! server (HTTP/2, and HTTP/1 where REST is served). Around it, outermost
//! first:
//! - [`trace`]: a span per request with its W3C trace id and a request id,
//!   both returned as `x-trace-id` / `x-request-id`;
//! - [`metrics`]: every gRPC call counted and timed by service, method and
//!   status code (plain HTTP routes are counted by a route layer of the
//!   gateway, [`HttpMetrics`]);
//! - [`deadline`]: the caller's deadline (or the server's own limit) bounds
//!   every request, answered `DEADLINE_EXCEEDED` / 504 when it passes;
//! - [`admission`]: a global concurrency limit that sheds load with
//!   `UNAVAILABLE` / 503 instead of queueing without bound (health checks are
//!   exempt);
//! - tonic's per-connection limit with load shedding.
//!
//! gRPC services are assembled by [`GrpcServices`], which adds
//! `grpc.health.v1` ([`health`], which also answers for services forwarded
//! to other servers) and reflection and wraps them in the auth layer and the
//! [`deadline`] layer (again, for calls made to them within the process).
//! Shutdown on SIGTERM or Ctrl-C stops accepting, lets requests in flight
//! finish (up to a grace period), then returns.

mod admission;
mod deadline;
mod grpc;
mod health;
mod metrics;
mod shutdown;
mod trace;

use std::time::Duration;

use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;

pub use admission::Admission;
pub use deadline::{Deadline, DeadlineLimit, grpc_timeout_value, parse_grpc_timeout};
pub use grpc::{GrpcServices, LIVENESS};
pub use metrics::{HttpMetrics, RpcMetrics};
pub use shutdown::on_signals;
pub use trace::{RequestIds, RequestTrace};

use crate::Error;
use crate::grpc_client::InProcess;
use crate::middleware::MiddlewareLayer;

/// Limits and timeouts of a server.
#[derive(Debug, Clone)]
pub struct ServerOptions {
    /// Longest time a request may run; also the default when the caller
    /// sends no deadline.
    pub request_timeout: Duration,
    /// Requests handled at once by the whole process before new ones are shed.
    pub max_concurrent_requests: usize,
    /// Requests handled at once on one connection.
    pub max_concurrent_requests_per_connection: usize,
    /// Also speak HTTP/1.1 (for REST clients).
    pub accept_http1: bool,
    /// How long shutdown waits for requests in flight.
    pub shutdown_grace: Duration,
    /// Which server this is ("gateway", "documents", …): the `server` label
    /// of its metrics.
    pub name: &'static str,
    /// Serve `/metrics` on this server's own port too (the gateway, which
    /// speaks HTTP/1); off when the process has a metrics listener of its
    /// own (`metrics-listen`), so that the public port does not show it.
    pub metrics_route: bool,
    /// The server callers reach first (the gateway): it logs each request
    /// at INFO; the servers behind it log theirs at DEBUG, so a call makes
    /// one INFO line, not one per hop.
    pub edge: bool,
}

impl Default for ServerOptions {
    fn default() -> Self {
        Self {
            request_timeout: Duration::from_secs(30),
            max_concurrent_requests: 1024,
            max_concurrent_requests_per_connection: 256,
            accept_http1: false,
            shutdown_grace: Duration::from_secs(20),
            name: "vanphong",
            metrics_route: true,
            edge: false,
        }
    }
}

/// Whether a request or response is gRPC (by its content type).
pub(crate) fn is_grpc(headers: &http::HeaderMap) -> bool {
    headers
        .get(http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| ct.starts_with("application/grpc"))
}

/// A JSON error for plain HTTP callers, shaped as the gateway's REST errors
/// are (`{"error": {"code", "status", "message"}}`), for answers a layer
/// gives before any route runs.
pub(crate) fn json_error(status: http::StatusCode, code: &str, message: &str) -> http::Response<axum::body::Body> {
    let body = serde_json::json!({
        "error": {"code": status.as_u16(), "status": code, "message": message}
    });
    let mut response = http::Response::new(axum::body::Body::from(body.to_string()));
    *response.status_mut() = status;
    response.headers_mut().insert(
        http::header::CONTENT_TYPE,
        http::HeaderValue::from_static("application/json"),
    );
    response
}

/// Serves `app` on `listener` until `shutdown` is cancelled, then drains.
pub async fn serve(
    listener: TcpListener,
    app: axum::Router,
    options: &ServerOptions,
    shutdown: CancellationToken,
) -> Result<(), Error> {
    let incoming = tonic::transport::server::TcpIncoming::from(listener)
        .with_nodelay(Some(true))
        .with_keepalive(Some(Duration::from_secs(60)));
    let server = tonic::transport::Server::builder()
        .accept_http1(options.accept_http1)
        .concurrency_limit_per_connection(options.max_concurrent_requests_per_connection)
        .load_shed(true)
        .http2_keepalive_interval(Some(Duration::from_secs(30)))
        .http2_keepalive_timeout(Some(Duration::from_secs(10)))
        .layer(MiddlewareLayer::new(RequestTrace::new(options.edge)))
        .layer(MiddlewareLayer::new(RpcMetrics::new(options.name)))
        .layer(MiddlewareLayer::new(DeadlineLimit::new(options.request_timeout)))
        .layer(MiddlewareLayer::new(Admission::new(options.max_concurrent_requests)))
        .serve_with_incoming_shutdown(app, incoming, shutdown.clone().cancelled_owned());
    let grace = options.shutdown_grace;
    tokio::select! {
        result = server => result.map_err(Error::internal),
        _ = async {
            shutdown.cancelled().await;
            tokio::time::sleep(grace).await;
        } => {
            tracing::warn!(grace_secs = grace.as_secs(), "requests still running after the grace period; stopping anyway");
            Ok(())
        }
    }
}

/// `app` as [`serve`] runs it, for callers in this process (the gateway of
/// the all-in-one suite): counted in its server's metrics and under its
/// admission limit, with no socket or HTTP/2 framing between caller and
/// service. The router's own layers (tokens, deadlines) still apply.
pub fn in_process(app: axum::Router, options: &ServerOptions) -> InProcess {
    let stack = tower::ServiceBuilder::new()
        .map_response(|response: http::Response<axum::body::Body>| response.map(tonic::body::Body::new))
        .layer(MiddlewareLayer::new(RpcMetrics::new(options.name)))
        .layer(MiddlewareLayer::new(Admission::new(options.max_concurrent_requests)))
        .service(app);
    InProcess::new(stack)
}

/// Serves `GET /metrics` alone on `listener` (HTTP/1.1 for Prometheus, and
/// h2c) until `shutdown` is cancelled: the `metrics-listen` address, apart
/// from the ports callers use. Scrapes are neither traced nor counted.
pub async fn serve_metrics(listener: TcpListener, shutdown: CancellationToken) -> Result<(), Error> {
    let app = axum::Router::new().route("/metrics", axum::routing::get(crate::metrics::endpoint));
    let incoming = tonic::transport::server::TcpIncoming::from(listener).with_nodelay(Some(true));
    tonic::transport::Server::builder()
        .accept_http1(true)
        .serve_with_incoming_shutdown(app, incoming, shutdown.cancelled_owned())
        .await
        .map_err(Error::internal)
}
