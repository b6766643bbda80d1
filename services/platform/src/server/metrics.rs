//! Counting and timing requests into [`crate::metrics`].
//!
//! - [`RpcMetrics`] sits around a whole server and records every gRPC
//!   call when it ends: at the status trailer, or at once for a
//!   trailers-only answer (errors, shed load), or as `CANCELLED` when the
//!   caller goes away first.
//! - [`HttpMetrics`] is a route layer of the gateway's axum router and
//!   records plain HTTP requests by their route's template.

use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Instant;

use axum::extract::MatchedPath;
use bytes::Bytes;
use http::{HeaderMap, Method, Request, Response};
use http_body::{Body, Frame, SizeHint};

use super::is_grpc;
use crate::metrics::{self, OTHER};
use crate::middleware::{Answer, Inner, Middleware, Next};

/// gRPC status codes the layer itself assigns.
const UNKNOWN: i32 = 2;
const CANCELLED: i32 = 1;
const UNIMPLEMENTED: i32 = 12;

/// Records each gRPC call (count, duration, status code) by service and
/// method; other requests pass untouched.
#[derive(Debug, Clone, Copy)]
pub struct RpcMetrics {
    server: &'static str,
}

impl RpcMetrics {
    /// `server` labels the calls ("gateway", "documents", …), which keeps
    /// apart the servers of one process and a call the gateway forwards from
    /// the same call answered by its service.
    pub fn new(server: &'static str) -> Self {
        Self { server }
    }
}

impl Middleware<axum::body::Body> for RpcMetrics {
    fn call<B: Send + 'static, S: Inner<B, axum::body::Body>>(
        &self,
        request: Request<B>,
        next: Next<S>,
    ) -> Answer<axum::body::Body, S::Error> {
        if !is_grpc(request.headers()) {
            return Box::pin(next.run(request));
        }
        let (service, method) = service_and_method(request.uri().path());
        let call = PendingCall {
            server: self.server,
            service,
            method,
            started: Instant::now(),
        };
        let future = next.run(request);
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

/// Records each plain HTTP request (count, duration, status) by method and
/// route template; use it as an axum `route_layer`, where the matched
/// route's template is known.
#[derive(Debug, Clone, Copy, Default)]
pub struct HttpMetrics;

impl<R: Send + 'static> Middleware<R> for HttpMetrics {
    fn call<B: Send + 'static, S: Inner<B, R>>(&self, request: Request<B>, next: Next<S>) -> Answer<R, S::Error> {
        let route = request
            .extensions()
            .get::<MatchedPath>()
            .map_or_else(|| OTHER.to_string(), |p| p.as_str().to_string());
        let method = known_method(request.method());
        let started = Instant::now();
        let future = next.run(request);
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
