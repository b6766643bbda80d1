//! Counting and timing requests into [`crate::metrics`].
//!
//! - [`RpcMetricsLayer`] sits around a whole server and records every gRPC
//!   call when it ends: at the status trailer, or at once for a
//!   trailers-only answer (errors, shed load), or as `CANCELLED` when the
//!   caller goes away first.
//! - [`HttpMetricsLayer`] is a route layer of the gateway's axum router and
//!   records plain HTTP requests by their route's template.

use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Instant;

use axum::extract::MatchedPath;
use bytes::Bytes;
use futures_util::future::BoxFuture;
use http::{HeaderMap, Method, Request, Response};
use http_body::{Body, Frame, SizeHint};
use tower::{Layer, Service};

use super::is_grpc;
use crate::metrics::{self, OTHER};

/// gRPC status codes the layer itself assigns.
const UNKNOWN: i32 = 2;
const CANCELLED: i32 = 1;
const UNIMPLEMENTED: i32 = 12;

/// Adds [`RpcMetrics`] for the server named `server`.
#[derive(Debug, Clone, Copy)]
pub struct RpcMetricsLayer {
    server: &'static str,
}

impl RpcMetricsLayer {
    /// `server` labels the calls ("gateway", "documents", …), which keeps
    /// apart the servers of one process and a call the gateway forwards from
    /// the same call answered by its service.
    pub fn new(server: &'static str) -> Self {
        Self { server }
    }
}

impl<S> Layer<S> for RpcMetricsLayer {
    type Service = RpcMetrics<S>;
    fn layer(&self, inner: S) -> Self::Service {
        RpcMetrics {
            inner,
            server: self.server,
        }
    }
}

/// Records each gRPC call (count, duration, status code) by service and
/// method; other requests pass untouched.
#[derive(Debug, Clone)]
pub struct RpcMetrics<S> {
    inner: S,
    server: &'static str,
}

impl<S, B> Service<Request<B>> for RpcMetrics<S>
where
    S: Service<Request<B>, Response = Response<axum::body::Body>> + Clone + Send + 'static,
    S::Future: Send + 'static,
    B: Send + 'static,
{
    type Response = Response<axum::body::Body>;
    type Error = S::Error;
    type Future = BoxFuture<'static, Result<Self::Response, Self::Error>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: Request<B>) -> Self::Future {
        let ready = self.inner.clone();
        let mut inner = std::mem::replace(&mut self.inner, ready);
        if !is_grpc(request.headers()) {
            return Box::pin(inner.call(request));
        }
        let (service, method) = service_and_method(request.uri().path());
        let call = PendingCall {
            server: self.server,
            service,
            method,
            started: Instant::now(),
        };
        let future = inner.call(request);
        Box::pin(async move {
            let response = future.await?;
            if let Some(code) = grpc_status(response.headers()) {
                // Trailers-only: the status is already known.
                call.finish(code);
                return Ok(response);
            }
            let (parts, body) = response.into_parts();
            let body = MeteredBody {
                inner: body,
                call: Some(call),
            };
            Ok(Response::from_parts(parts, axum::body::Body::new(body)))
        })
    }
}

/// `/package.Service/Method` → (`package.Service`, `Method`); anything else
/// is [`OTHER`].
fn service_and_method(path: &str) -> (String, String) {
    let mut parts = path.trim_start_matches('/').splitn(2, '/');
    match (parts.next(), parts.next()) {
        (Some(service), Some(method))
            if !service.is_empty()
                && !method.is_empty()
                && !method.contains('/')
                && service.len() <= 128
                && method.len() <= 128 =>
        {
            (service.to_string(), method.to_string())
        }
        _ => (OTHER.to_string(), OTHER.to_string()),
    }
}

fn grpc_status(headers: &HeaderMap) -> Option<i32> {
    headers.get("grpc-status")?.to_str().ok()?.parse().ok()
}

/// A call between its arrival and its status.
#[derive(Debug)]
struct PendingCall {
    server: &'static str,
    service: String,
    method: String,
    started: Instant,
}

impl PendingCall {
    fn finish(self, code: i32) {
        // A call nobody serves names whatever the caller sent: keep such
        // names out of the series.
        let (service, method) = if code == UNIMPLEMENTED {
            (OTHER, OTHER)
        } else {
            (self.service.as_str(), self.method.as_str())
        };
        metrics::get().record_rpc(self.server, service, method, code, self.started.elapsed());
    }
}

/// A gRPC response body that records its call when the status trailer goes
/// out (or the body ends or is dropped without one).
struct MeteredBody {
    inner: axum::body::Body,
    call: Option<PendingCall>,
}

impl MeteredBody {
    fn finish(&mut self, code: i32) {
        if let Some(call) = self.call.take() {
            call.finish(code);
        }
    }
}

impl Body for MeteredBody {
    type Data = Bytes;
    type Error = axum::Error;

    fn poll_frame(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Result<Frame<Bytes>, axum::Error>>> {
        let this = &mut *self;
        let polled = Pin::new(&mut this.inner).poll_frame(cx);
        match &polled {
            Poll::Ready(Some(Ok(frame))) => {
                if let Some(trailers) = frame.trailers_ref() {
                    this.finish(grpc_status(trailers).unwrap_or(UNKNOWN));
                }
            }
            Poll::Ready(Some(Err(_))) | Poll::Ready(None) => this.finish(UNKNOWN),
            Poll::Pending => {}
        }
        polled
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}

impl Drop for MeteredBody {
    fn drop(&mut self) {
        // The caller went away (or the server stopped) before the status.
        self.finish(CANCELLED);
    }
}

/// Adds [`HttpMetrics`]; use it as an axum `route_layer`, where the matched
/// route's template is known.
#[derive(Debug, Clone, Copy, Default)]
pub struct HttpMetricsLayer;

impl<S> Layer<S> for HttpMetricsLayer {
    type Service = HttpMetrics<S>;
    fn layer(&self, inner: S) -> Self::Service {
        HttpMetrics { inner }
    }
}

/// Records each plain HTTP request (count, duration, status) by method and
/// route template.
#[derive(Debug, Clone)]
pub struct HttpMetrics<S> {
    inner: S,
}

impl<S, B, ResBody> Service<Request<B>> for HttpMetrics<S>
where
    S: Service<Request<B>, Response = Response<ResBody>> + Clone + Send + 'static,
    S::Future: Send + 'static,
    B: Send + 'static,
{
    type Response = S::Response;
    type Error = S::Error;
    type Future = BoxFuture<'static, Result<Self::Response, Self::Error>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: Request<B>) -> Self::Future {
        let ready = self.inner.clone();
        let mut inner = std::mem::replace(&mut self.inner, ready);
        let route = request
            .extensions()
            .get::<MatchedPath>()
            .map_or_else(|| OTHER.to_string(), |p| p.as_str().to_string());
        let method = known_method(request.method());
        let started = Instant::now();
        let future = inner.call(request);
        Box::pin(async move {
            let response = future.await?;
            metrics::get().record_http(method, &route, response.status().as_u16(), started.elapsed());
            Ok(response)
        })
    }
}

/// The request's method when it is a standard one, else [`OTHER`].
fn known_method(method: &Method) -> &'static str {
    match *method {
        Method::GET => "GET",
        Method::POST => "POST",
        Method::PUT => "PUT",
        Method::PATCH => "PATCH",
        Method::DELETE => "DELETE",
        Method::HEAD => "HEAD",
        Method::OPTIONS => "OPTIONS",
        _ => OTHER,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_give_service_and_method_or_other() {
        assert_eq!(
            service_and_method("/vanphong.documents.v1.IncomingService/GetDocument"),
            ("vanphong.documents.v1.IncomingService".into(), "GetDocument".into())
        );
        for junk in ["/", "/x", "/a/b/c", "//m"] {
            assert_eq!(service_and_method(junk), (OTHER.into(), OTHER.into()), "{junk}");
        }
    }
}
