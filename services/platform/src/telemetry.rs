//! Logs and traces.
//!
//! Every process logs with `tracing` (text for people, JSON for log
//! collectors) and always runs an OpenTelemetry tracer, so each request has a
//! W3C trace id that is logged, returned to the caller (`x-trace-id`) and
//! propagated (`traceparent`) on every gRPC call it makes. Spans are
//! exported by OTLP/gRPC only when `OTEL_EXPORTER_OTLP_ENDPOINT` is set; so
//! are the process's metrics ([`crate::metrics`]), which [`init`] sets up
//! under the same `service.name`.

use std::sync::OnceLock;
use std::sync::atomic::{AtomicBool, Ordering};

use opentelemetry::propagation::{Extractor, Injector};
use opentelemetry::trace::{TraceContextExt, TracerProvider as _};
use opentelemetry_sdk::Resource;
use opentelemetry_sdk::metrics::SdkMeterProvider;
use opentelemetry_sdk::propagation::TraceContextPropagator;
use opentelemetry_sdk::trace::SdkTracerProvider;
use tracing_opentelemetry::OpenTelemetrySpanExt;
use tracing_subscriber::EnvFilter;
use tracing_subscriber::Layer;
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;

/// How log lines are written.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    /// One readable line per event.
    #[default]
    Text,
    /// One JSON object per line, for log collectors.
    Json,
}

/// Why telemetry could not start.
#[derive(Debug, thiserror::Error)]
pub enum TelemetryError {
    /// The log filter (`--log`) does not parse.
    #[error("bad log filter {filter:?}: {message}")]
    Filter { filter: String, message: String },
    /// `OTEL_EXPORTER_OTLP_ENDPOINT` is set but an exporter cannot be built
    /// from it.
    #[error("cannot create the OTLP exporter: {0}")]
    Exporter(String),
}

/// Keeps the tracer and meter providers alive; flushes pending spans and
/// metrics when dropped.
pub struct TelemetryGuard {
    provider: Option<SdkTracerProvider>,
    meters: Option<SdkMeterProvider>,
}

impl TelemetryGuard {
    fn inactive() -> Self {
        Self {
            provider: None,
            meters: None,
        }
    }
}

impl Drop for TelemetryGuard {
    fn drop(&mut self) {
        if let Some(provider) = self.provider.take()
            && let Err(e) = provider.shutdown()
        {
            eprintln!("flushing traces failed: {e}");
        }
        if let Some(meters) = self.meters.take()
            && let Err(e) = meters.shutdown()
        {
            eprintln!("flushing metrics failed: {e}");
        }
    }
}

static INSTALLED: OnceLock<()> = OnceLock::new();

/// Whether spans leave the process (an OTLP endpoint is configured).
static EXPORTING: AtomicBool = AtomicBool::new(false);

/// Whether this process exports its spans. Without an exporter, spans that
/// only an exported trace would show (one per SQL statement) are not made
/// at all: each costs the OpenTelemetry layer's work and nobody sees it.
pub fn exporting_traces() -> bool {
    EXPORTING.load(Ordering::Relaxed)
}

/// What becomes a span: the suite's own spans (info and above), not the
/// transport's internals.
fn trace_filter() -> tracing_subscriber::filter::Targets {
    use tracing_subscriber::filter::LevelFilter;
    tracing_subscriber::filter::Targets::new()
        .with_default(LevelFilter::INFO)
        .with_targets(["h2", "hyper", "hyper_util", "tower", "tonic"].map(|t| (t, LevelFilter::OFF)))
}

/// Installs logging and tracing for the process. Must run inside a Tokio
/// runtime (the OTLP exporter uses it). A second call does nothing, so tests
/// may call it from every test.
pub fn init(service_name: &str, filter: &str, format: LogFormat) -> Result<TelemetryGuard, TelemetryError> {
    install_propagator();
    if INSTALLED.get().is_some() {
        return Ok(TelemetryGuard::inactive());
    }
    let filter_layer = EnvFilter::try_new(filter).map_err(|e| TelemetryError::Filter {
        filter: filter.to_string(),
        message: e.to_string(),
    })?;

    let service_name = format!("vanphong-{service_name}");
    let metrics = crate::metrics::install(&service_name).map_err(|e| TelemetryError::Exporter(e.to_string()))?;
    let mut builder =
        SdkTracerProvider::builder().with_resource(Resource::builder().with_service_name(service_name).build());
    if std::env::var_os("OTEL_EXPORTER_OTLP_ENDPOINT").is_some() {
        let exporter = opentelemetry_otlp::SpanExporter::builder()
            .with_tonic()
            .build()
            .map_err(|e| TelemetryError::Exporter(e.to_string()))?;
        builder = builder.with_batch_exporter(exporter);
        EXPORTING.store(true, Ordering::Relaxed);
    }
    let provider = builder.build();
    // Traces do not depend on the log level: a request keeps its trace id
    // (in responses, audit records, exported spans) even when only errors are
    // logged. The trace layer goes outermost: with per-layer filters the
    // subscriber's level hint follows the outer layer.
    let otel_layer = tracing_opentelemetry::layer()
        .with_tracer(provider.tracer("vanphong"))
        .with_filter(trace_filter());
    let fmt_layer = match format {
        LogFormat::Text => tracing_subscriber::fmt::layer()
            .with_target(false)
            .with_writer(std::io::stderr)
            .with_filter(filter_layer)
            .boxed(),
        LogFormat::Json => tracing_subscriber::fmt::layer()
            .json()
            .with_current_span(true)
            .with_span_list(false)
            .with_writer(std::io::stderr)
            .with_filter(filter_layer)
            .boxed(),
    };
    let result = tracing_subscriber::registry()
        .with(fmt_layer)
        .with(otel_layer)
        .try_init();
    if result.is_err() {
        // Another subscriber is already installed (e.g. by a test harness).
        return Ok(TelemetryGuard::inactive());
    }
    let _ = INSTALLED.set(());
    Ok(TelemetryGuard {
        provider: Some(provider),
        meters: Some(metrics.provider().clone()),
    })
}

/// Sets the W3C trace-context propagator; idempotent.
pub fn install_propagator() {
    static PROPAGATOR: OnceLock<()> = OnceLock::new();
    PROPAGATOR.get_or_init(|| opentelemetry::global::set_text_map_propagator(TraceContextPropagator::new()));
}

/// The trace id of the current span as 32 hex digits, or empty outside a
/// traced request.
pub fn current_trace_id() -> String {
    let context = tracing::Span::current().context();
    let span = context.span();
    let span_context = span.span_context();
    if span_context.is_valid() {
        span_context.trace_id().to_string()
    } else {
        String::new()
    }
}

/// Reads W3C headers from an HTTP header map.
pub struct HeaderExtractor<'a>(pub &'a http::HeaderMap);

impl Extractor for HeaderExtractor<'_> {
    fn get(&self, key: &str) -> Option<&str> {
        self.0.get(key).and_then(|v| v.to_str().ok())
    }

    fn keys(&self) -> Vec<&str> {
        self.0.keys().map(|k| k.as_str()).collect()
    }
}

/// Writes W3C headers into gRPC metadata.
pub struct MetadataInjector<'a>(pub &'a mut tonic::metadata::MetadataMap);

impl Injector for MetadataInjector<'_> {
    fn set(&mut self, key: &str, value: String) {
        if let (Ok(key), Ok(value)) = (
            tonic::metadata::MetadataKey::from_bytes(key.as_bytes()),
            tonic::metadata::MetadataValue::try_from(value.as_str()),
        ) {
            self.0.insert(key, value);
        }
    }
}

/// Writes W3C headers into an HTTP header map.
pub struct HeaderInjector<'a>(pub &'a mut http::HeaderMap);

impl Injector for HeaderInjector<'_> {
    fn set(&mut self, key: &str, value: String) {
        if let (Ok(key), Ok(value)) = (
            http::header::HeaderName::from_bytes(key.as_bytes()),
            http::header::HeaderValue::from_str(&value),
        ) {
            self.0.insert(key, value);
        }
    }
}

/// Adds the current span's `traceparent` to outgoing gRPC metadata.
pub fn inject_trace_context(metadata: &mut tonic::metadata::MetadataMap) {
    let context = tracing::Span::current().context();
    opentelemetry::global::get_text_map_propagator(|p| p.inject_context(&context, &mut MetadataInjector(metadata)));
}

/// Adds the current span's `traceparent` to outgoing HTTP headers.
pub fn inject_trace_headers(headers: &mut http::HeaderMap) {
    let context = tracing::Span::current().context();
    opentelemetry::global::get_text_map_propagator(|p| p.inject_context(&context, &mut HeaderInjector(headers)));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn spans_carry_trace_ids_whatever_the_log_level() {
        let _guard = init("test", "error", LogFormat::Text).expect("init");
        let span = tracing::info_span!("request");
        let id = span.in_scope(current_trace_id);
        assert_eq!(id.len(), 32, "{id:?}");
    }
}
