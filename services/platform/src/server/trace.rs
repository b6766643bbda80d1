//! A span per request, with its trace id and request id (health checks
//! and metric scrapes excepted).

use std::time::Instant;

use http::{HeaderValue, Request};
use opentelemetry::trace::TraceContextExt;
use tracing::Instrument;
use tracing_opentelemetry::OpenTelemetrySpanExt;
use uuid::Uuid;

use crate::middleware::{Answer, Inner, Middleware, Next};
use crate::telemetry::HeaderExtractor;

/// The ids of the request being served, in its extensions.
#[derive(Debug, Clone)]
pub struct RequestIds {
    /// From the caller's `x-request-id`, or new.
    pub request_id: String,
    /// W3C trace id (32 hex digits).
    pub trace_id: String,
}

/// Opens the request span (continuing the caller's trace from
/// `traceparent`), and stamps `x-request-id` and `x-trace-id` on the response.
#[derive(Debug, Clone, Copy, Default)]
pub struct RequestTrace {
    edge: bool,
}

impl RequestTrace {
    /// `edge`: this server is the one callers reach first, whose request
    /// lines are logged at INFO (see [`super::ServerOptions::edge`]).
    pub fn new(edge: bool) -> Self {
        Self { edge }
    }
}

impl<R: Send + 'static> Middleware<R> for RequestTrace {
    fn call<B: Send + 'static, S: Inner<B, R>>(&self, mut request: Request<B>, next: Next<S>) -> Answer<R, S::Error> {
        let request_id = request
            .headers()
            .get("x-request-id")
            .and_then(|v| v.to_str().ok())
            .filter(|v| !v.is_empty() && v.len() <= 128 && v.chars().all(|c| c.is_ascii_graphic()))
            .map(str::to_string)
            .unwrap_or_else(|| Uuid::now_v7().to_string());
        let path = request.uri().path().to_string();
        let method = request.method().clone();
        let parent = opentelemetry::global::get_text_map_propagator(|p| p.extract(&HeaderExtractor(request.headers())));
        let span = if is_probe(&path) {
            // Probes and scrapes come every few seconds from every kubelet
            // and Prometheus: as traces they would bury the requests.
            tracing::Span::none()
        } else {
            tracing::info_span!(
                "request",
                otel.name = %path,
                otel.kind = "server",
                http.method = %method,
                request_id = %request_id,
                trace_id = tracing::field::Empty,
                caller = tracing::field::Empty,
            )
        };
        let _ = span.set_parent(parent.clone());
        let trace_id = trace_id_of(&span, &parent);
        span.record("trace_id", trace_id.as_str());
        request.extensions_mut().insert(RequestIds {
            request_id: request_id.clone(),
            trace_id: trace_id.clone(),
        });

        let edge = self.edge;
        let started = Instant::now();
        let future = {
            let _entered = span.enter();
            next.run(request)
        };
        Box::pin(
            async move {
                let mut response = future.await?;
                let headers = response.headers_mut();
                if let Ok(v) = HeaderValue::from_str(&request_id) {
                    headers.insert("x-request-id", v);
                }
                if let Ok(v) = HeaderValue::from_str(&trace_id) {
                    headers.insert("x-trace-id", v);
                }
                let grpc_status = headers
                    .get("grpc-status")
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or("")
                    .to_string();
                macro_rules! request_line {
                    ($level:ident) => {
                        tracing::$level!(
                            http.status = response.status().as_u16(),
                            grpc.status = grpc_status.as_str(),
                            elapsed_ms = started.elapsed().as_millis() as u64,
                            "{method} {path}"
                        )
                    };
                }
                if edge {
                    request_line!(info);
                } else {
                    request_line!(debug);
                }
                Ok(response)
            }
            .instrument(span),
        )
    }
}

/// Health checks and metric scrapes, which get no span of their own (they
/// still carry `x-trace-id` and are logged).
fn is_probe(path: &str) -> bool {
    matches!(
        path,
        "/healthz" | "/readyz" | "/metrics" | "/grpc.health.v1.Health/Check"
    )
}

/// The span's OpenTelemetry trace id; without an OpenTelemetry subscriber,
/// the caller's trace id or a fresh one, so every response still carries one.
fn trace_id_of(span: &tracing::Span, parent: &opentelemetry::Context) -> String {
    let own = span.context().span().span_context().clone();
    if own.is_valid() {
        return own.trace_id().to_string();
    }
    let remote = parent.span().span_context().clone();
    if remote.is_valid() {
        return remote.trace_id().to_string();
    }
    Uuid::new_v4().simple().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn probes_and_scrapes_are_not_traced_but_calls_are() {
        for path in ["/healthz", "/readyz", "/metrics", "/grpc.health.v1.Health/Check"] {
            assert!(is_probe(path), "{path}");
        }
        for path in [
            "/grpc.health.v1.Health/Watch",
            "/api/v1/documents",
            "/vanphong.documents.v1.IncomingService/Register",
        ] {
            assert!(!is_probe(path), "{path}");
        }
    }
}
