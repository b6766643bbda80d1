//! The gRPC front door: calls for the directory are served here; calls for
//! backend services are forwarded as they are (bytes, headers, streams) with
//! the caller's token, deadline and trace context, so another office's
//! system needs only the gateway's address.

use std::collections::HashSet;
use std::convert::Infallible;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use axum::body::Body;
use futures_util::future::BoxFuture;
use http::{Request, Response};
use tower::{Service, ServiceExt};

use vanphong_platform::grpc_client::ServiceChannel;
use vanphong_platform::server::{Deadline, grpc_timeout_value};
use vanphong_platform::telemetry::inject_trace_headers;

use crate::rest::error_response;
use crate::upstream::{Upstream, Upstreams};

/// Routes gRPC calls by service name.
#[derive(Clone)]
pub struct FrontDoor {
    local: axum::Router,
    local_services: Arc<HashSet<String>>,
    upstreams: Upstreams,
    default_timeout: Duration,
}

impl FrontDoor {
    pub fn new(
        local: axum::Router,
        local_services: HashSet<String>,
        upstreams: Upstreams,
        default_timeout: Duration,
    ) -> Self {
        Self {
            local,
            local_services: Arc::new(local_services),
            upstreams,
            default_timeout,
        }
    }
}

fn is_grpc<B>(request: &Request<B>) -> bool {
    request
        .headers()
        .get(http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| ct.starts_with("application/grpc"))
}

impl Service<Request<Body>> for FrontDoor {
    type Response = Response<Body>;
    type Error = Infallible;
    type Future = BoxFuture<'static, Result<Response<Body>, Infallible>>;

    fn poll_ready(&mut self, _cx: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, request: Request<Body>) -> Self::Future {
        let service = request
            .uri()
            .path()
            .trim_start_matches('/')
            .split('/')
            .next()
            .unwrap_or("")
            .to_string();
        if self.local_services.contains(&service) {
            return Box::pin(self.local.clone().oneshot(request));
        }
        if !is_grpc(&request) {
            let status = tonic::Status::not_found(format!("Không có tài nguyên {}", request.uri().path()));
            return Box::pin(async move { Ok(error_response(&status)) });
        }
        let package = service.rsplit_once('.').map(|(p, _)| p.to_string()).unwrap_or_default();
        match self.upstreams.get(&package).cloned() {
            Some(Upstream::Local(router)) => Box::pin(router.oneshot(request)),
            Some(Upstream::Remote { name, channel }) => {
                let timeout = self.default_timeout;
                Box::pin(async move { Ok(forward(name, channel, request, timeout).await) })
            }
            None => {
                let status = tonic::Status::unimplemented(format!("Không có dịch vụ {service}"));
                Box::pin(async move { Ok(status.into_http()) })
            }
        }
    }
}

async fn forward(
    name: String,
    channel: ServiceChannel,
    request: Request<Body>,
    default_timeout: Duration,
) -> Response<Body> {
    let (mut parts, body) = request.into_parts();
    // What remains of the deadline the server's layer set (the caller's, or
    // the gateway's own limit), so that the backend answers before it.
    let left = parts
        .extensions
        .get::<Deadline>()
        .map_or(default_timeout, |d| d.remaining().min(default_timeout));
    parts.headers.insert("grpc-timeout", grpc_timeout_value(left));
    inject_trace_headers(&mut parts.headers);
    let request = Request::from_parts(parts, tonic::body::Body::new(body));
    // The channel balances over the backend's replicas, retries what is safe
    // to retry within the deadline, and answers UNAVAILABLE itself when no
    // replica can be reached; it never fails.
    let Ok(response) = channel.oneshot(request).await;
    tracing::debug!(service = %name, status = ?response.headers().get("grpc-status"), "forwarded");
    response.map(Body::new)
}
