//! Metrics: every request a process answers, counted and timed.
//!
//! One OpenTelemetry meter provider per process records, for every server
//! the process runs (the all-in-one suite runs five):
//! - `rpc.server.calls` (counter) and `rpc.server.call.duration`
//!   (histogram, seconds) for each gRPC call, with the attributes `server`
//!   (gateway, documents, …), `rpc.system`, `rpc.service`, `rpc.method` and
//!   `rpc.grpc.status_code`;
//! - `http.server.requests` and `http.server.request.duration` for the
//!   gateway's plain HTTP routes (REST, health, OpenAPI), with
//!   `http.request.method`, `http.route` (the route's template, never the
//!   raw path) and `http.response.status_code`.
//!
//! They leave the process two ways: a pull reader renders them on demand
//! in the Prometheus text format for `GET /metrics` ([`Metrics::render`],
//! [`endpoint`]), and when `OTEL_EXPORTER_OTLP_ENDPOINT` is set a periodic
//! reader pushes them by OTLP/gRPC, like the traces (every
//! `OTEL_METRIC_EXPORT_INTERVAL` milliseconds, 60 s by default).
//!
//! The recording itself is done by tower layers in [`crate::server`].

mod prometheus;

use std::sync::{Arc, OnceLock, Weak};
use std::time::Duration;

use axum::response::IntoResponse;
use opentelemetry::KeyValue;
use opentelemetry::metrics::{Counter, Histogram, MeterProvider as _};
use opentelemetry_sdk::Resource;
use opentelemetry_sdk::error::OTelSdkResult;
use opentelemetry_sdk::metrics::data::ResourceMetrics;
use opentelemetry_sdk::metrics::reader::MetricReader;
use opentelemetry_sdk::metrics::{InstrumentKind, ManualReader, Pipeline, SdkMeterProvider, Temporality};

pub use prometheus::encode;

/// Bucket boundaries of the duration histograms, in seconds: fine below a
/// tenth of a second where most calls end, up to the default request
/// timeout (30 s).
pub const DURATION_BUCKETS: [f64; 15] = [
    0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1.0, 2.5, 5.0, 7.5, 10.0, 30.0,
];

/// The content type of the Prometheus text exposition format.
pub const PROMETHEUS_CONTENT_TYPE: &str = "text/plain; version=0.0.4; charset=utf-8";

/// The label value that stands for anything outside a bounded set (unknown
/// methods, routes and HTTP verbs), so that no caller can create series at
/// will.
pub const OTHER: &str = "_OTHER";

/// Why the process's metrics could not be set up.
#[derive(Debug, thiserror::Error)]
pub enum MetricsError {
    /// `OTEL_EXPORTER_OTLP_ENDPOINT` is set but the exporter cannot be built
    /// from it (e.g. a malformed address).
    #[error("cannot create the OTLP metric exporter: {0}")]
    Exporter(String),
}

/// The process's meter provider, the reader behind `/metrics`, and the
/// instruments the server layers record into.
pub struct Metrics {
    provider: SdkMeterProvider,
    reader: PullReader,
    rpc_calls: Counter<u64>,
    rpc_duration: Histogram<f64>,
    http_requests: Counter<u64>,
    http_duration: Histogram<f64>,
}

static METRICS: OnceLock<Metrics> = OnceLock::new();

/// Sets up the process's metrics, named `service_name` (the resource's
/// `service.name`), pushed by OTLP when `OTEL_EXPORTER_OTLP_ENDPOINT` is set.
/// The first set-up wins: a later call, or one after [`get`] has made the
/// default, returns what exists. Must run inside a Tokio runtime when the
/// OTLP exporter is wanted.
pub fn install(service_name: &str) -> Result<&'static Metrics, MetricsError> {
    if let Some(metrics) = METRICS.get() {
        return Ok(metrics);
    }
    let resource = Resource::builder().with_service_name(service_name.to_string()).build();
    let otlp = std::env::var_os("OTEL_EXPORTER_OTLP_ENDPOINT").is_some();
    let metrics = Metrics::new(resource, otlp)?;
    Ok(METRICS.get_or_init(|| metrics))
}

/// The process's metrics; without an [`install`] first, a default that is
/// only read at `/metrics` (tests, tools).
pub fn get() -> &'static Metrics {
    METRICS.get_or_init(|| Metrics::pull_only(Resource::builder().with_service_name("vanphong").build()))
}

/// `GET /metrics`: everything this process has recorded, in the Prometheus
/// text format.
pub async fn endpoint() -> axum::response::Response {
    let text = get().render();
    ([(http::header::CONTENT_TYPE, PROMETHEUS_CONTENT_TYPE)], text).into_response()
}

impl Metrics {
    fn new(resource: Resource, otlp: bool) -> Result<Self, MetricsError> {
        if !otlp {
            return Ok(Self::pull_only(resource));
        }
        let exporter = opentelemetry_otlp::MetricExporter::builder()
            .with_tonic()
            .build()
            .map_err(|e| MetricsError::Exporter(e.to_string()))?;
        let reader = PullReader::default();
        let provider = SdkMeterProvider::builder()
            .with_resource(resource)
            .with_reader(reader.clone())
            .with_periodic_exporter(exporter)
            .build();
        Ok(Self::with_provider(provider, reader))
    }

    fn pull_only(resource: Resource) -> Self {
        let reader = PullReader::default();
        let provider = SdkMeterProvider::builder()
            .with_resource(resource)
            .with_reader(reader.clone())
            .build();
        Self::with_provider(provider, reader)
    }

    fn with_provider(provider: SdkMeterProvider, reader: PullReader) -> Self {
        let meter = provider.meter("vanphong");
        Self {
            rpc_calls: meter
                .u64_counter("rpc.server.calls")
                .with_unit("{call}")
                .with_description("gRPC calls answered, by server, service, method and status code")
                .build(),
            rpc_duration: meter
                .f64_histogram("rpc.server.call.duration")
                .with_unit("s")
                .with_description("Time from a gRPC call's arrival to its last byte (the status trailer)")
                .with_boundaries(DURATION_BUCKETS.to_vec())
                .build(),
            http_requests: meter
                .u64_counter("http.server.requests")
                .with_unit("{request}")
                .with_description("Plain HTTP requests answered (REST, health, OpenAPI), by route and status")
                .build(),
            http_duration: meter
                .f64_histogram("http.server.request.duration")
                .with_unit("s")
                .with_description("Time from a plain HTTP request's arrival to its response")
                .with_boundaries(DURATION_BUCKETS.to_vec())
                .build(),
            provider,
            reader,
        }
    }

    /// The meter provider, to shut down (flushing the last OTLP export) when
    /// the process ends.
    pub fn provider(&self) -> &SdkMeterProvider {
        &self.provider
    }

    /// Records one answered gRPC call of `server` (e.g. "documents").
    /// `code` is the gRPC status code (0 for OK).
    pub fn record_rpc(&self, server: &'static str, service: &str, method: &str, code: i32, elapsed: Duration) {
        let attributes = [
            KeyValue::new("server", server),
            KeyValue::new("rpc.system", "grpc"),
            KeyValue::new("rpc.service", service.to_string()),
            KeyValue::new("rpc.method", method.to_string()),
            KeyValue::new("rpc.grpc.status_code", i64::from(code)),
        ];
        self.rpc_calls.add(1, &attributes);
        self.rpc_duration.record(elapsed.as_secs_f64(), &attributes);
    }

    /// Records one answered plain HTTP request on the route `route` (its
    /// template, e.g. `/api/v1/documents/{document_id}`).
    pub fn record_http(&self, method: &str, route: &str, status: u16, elapsed: Duration) {
        let attributes = [
            KeyValue::new("http.request.method", method.to_string()),
            KeyValue::new("http.route", route.to_string()),
            KeyValue::new("http.response.status_code", i64::from(status)),
        ];
        self.http_requests.add(1, &attributes);
        self.http_duration.record(elapsed.as_secs_f64(), &attributes);
    }

    /// Everything recorded so far in the Prometheus text exposition format
    /// (version 0.0.4), with the resource as `target_info`.
    pub fn render(&self) -> String {
        let mut collected = ResourceMetrics::default();
        if let Err(e) = self.reader.collect(&mut collected) {
            tracing::warn!(error = %e, "cannot collect metrics");
            return String::new();
        }
        encode(&collected)
    }
}

/// The pull reader, shared between the provider (which owns its readers)
/// and [`Metrics::render`].
#[derive(Debug, Clone, Default)]
struct PullReader(Arc<ManualReader>);

impl MetricReader for PullReader {
    fn register_pipeline(&self, pipeline: Weak<Pipeline>) {
        self.0.register_pipeline(pipeline);
    }

    fn collect(&self, rm: &mut ResourceMetrics) -> OTelSdkResult {
        self.0.collect(rm)
    }

    fn force_flush(&self) -> OTelSdkResult {
        self.0.force_flush()
    }

    fn shutdown_with_timeout(&self, timeout: Duration) -> OTelSdkResult {
        self.0.shutdown_with_timeout(timeout)
    }

    fn temporality(&self, kind: InstrumentKind) -> Temporality {
        self.0.temporality(kind)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recorded_calls_are_rendered_with_their_labels_and_buckets() {
        let metrics = Metrics::pull_only(Resource::builder().with_service_name("vanphong-test").build());
        metrics.record_rpc(
            "documents",
            "vanphong.documents.v1.IncomingService",
            "GetDocument",
            5,
            Duration::from_millis(30),
        );
        metrics.record_rpc(
            "documents",
            "vanphong.documents.v1.IncomingService",
            "GetDocument",
            5,
            Duration::from_millis(3),
        );
        metrics.record_http("GET", "/api/v1/documents/{document_id}", 404, Duration::from_millis(40));
        let text = metrics.render();
        let has = |line: &str| assert!(text.contains(line), "no {line:?} in\n{text}");
        let labels = r#"rpc_grpc_status_code="5",rpc_method="GetDocument",rpc_service="vanphong.documents.v1.IncomingService",rpc_system="grpc",server="documents""#;
        has("# TYPE rpc_server_calls_total counter\n");
        has(&format!("rpc_server_calls_total{{{labels}}} 2\n"));
        has("# TYPE rpc_server_call_duration_seconds histogram\n");
        let bucket =
            |le: &str, count: u32| format!("rpc_server_call_duration_seconds_bucket{{{labels},le=\"{le}\"}} {count}\n");
        has(&bucket("0.005", 1));
        has(&bucket("0.025", 1));
        has(&bucket("0.05", 2));
        has(&bucket("+Inf", 2));
        has(&format!("rpc_server_call_duration_seconds_count{{{labels}}} 2\n"));
        has(
            r#"http_server_requests_total{http_request_method="GET",http_response_status_code="404",http_route="/api/v1/documents/{document_id}"} 1"#,
        );
        has(r#"service_name="vanphong-test""#);
    }
}
