//! An OTLP/gRPC receiver standing in for the OpenTelemetry collector: it
//! keeps every span and metric data point the processes export.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use opentelemetry_proto::tonic::collector::metrics::v1::metrics_service_server::{
    MetricsService, MetricsServiceServer,
};
use opentelemetry_proto::tonic::collector::metrics::v1::{ExportMetricsServiceRequest, ExportMetricsServiceResponse};
use opentelemetry_proto::tonic::collector::trace::v1::trace_service_server::{TraceService, TraceServiceServer};
use opentelemetry_proto::tonic::collector::trace::v1::{ExportTraceServiceRequest, ExportTraceServiceResponse};
use opentelemetry_proto::tonic::common::v1::{AnyValue, KeyValue, any_value};
use opentelemetry_proto::tonic::metrics::v1::metric;
use opentelemetry_proto::tonic::resource::v1::Resource;
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;

/// One exported span, flattened.
#[derive(Debug, Clone)]
pub struct SpanRecord {
    /// The `service.name` of the process that exported it.
    pub service: String,
    pub trace_id: String,
    pub span_id: String,
    /// Empty for a root span.
    pub parent_span_id: String,
    pub name: String,
    /// OTLP `SpanKind`: 2 server, 3 client.
    pub kind: i32,
    pub attributes: Vec<(String, String)>,
}

impl SpanRecord {
    pub fn attribute(&self, key: &str) -> Option<&str> {
        self.attributes.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str())
    }
}

/// One exported data point of a counter.
#[derive(Debug, Clone)]
pub struct PointRecord {
    pub service: String,
    pub metric: String,
    pub attributes: Vec<(String, String)>,
}

/// What has been received so far.
#[derive(Debug, Default)]
pub struct Received {
    pub spans: Vec<SpanRecord>,
    pub points: Vec<PointRecord>,
}

#[derive(Clone, Default)]
struct Sink(Arc<Mutex<Received>>);

/// The running receiver.
pub struct Collector {
    pub addr: SocketAddr,
    received: Arc<Mutex<Received>>,
    stop: CancellationToken,
}

impl Collector {
    /// Listens on a free loopback port.
    pub async fn start() -> Collector {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let addr = listener.local_addr().expect("addr");
        let sink = Sink::default();
        let stop = CancellationToken::new();
        let server = tonic::transport::Server::builder()
            .add_service(TraceServiceServer::new(sink.clone()))
            .add_service(MetricsServiceServer::new(sink.clone()))
            .serve_with_incoming_shutdown(
                tonic::transport::server::TcpIncoming::from(listener),
                stop.clone().cancelled_owned(),
            );
        tokio::spawn(server);
        Collector {
            addr,
            received: sink.0,
            stop,
        }
    }

    /// Reads what has been received.
    pub fn with<T>(&self, read: impl FnOnce(&Received) -> T) -> T {
        read(&self.received.lock().expect("lock"))
    }
}

impl Drop for Collector {
    fn drop(&mut self) {
        self.stop.cancel();
    }
}

fn text(value: &Option<AnyValue>) -> String {
    match value.as_ref().and_then(|v| v.value.as_ref()) {
        Some(any_value::Value::StringValue(s)) => s.clone(),
        Some(any_value::Value::IntValue(i)) => i.to_string(),
        Some(any_value::Value::BoolValue(b)) => b.to_string(),
        Some(any_value::Value::DoubleValue(d)) => d.to_string(),
        Some(other) => format!("{other:?}"),
        None => String::new(),
    }
}

fn pairs(attributes: &[KeyValue]) -> Vec<(String, String)> {
    attributes.iter().map(|kv| (kv.key.clone(), text(&kv.value))).collect()
}

fn service_name(resource: &Option<Resource>) -> String {
    resource
        .as_ref()
        .and_then(|r| r.attributes.iter().find(|kv| kv.key == "service.name"))
        .map(|kv| text(&kv.value))
        .unwrap_or_default()
}

#[tonic::async_trait]
impl TraceService for Sink {
    async fn export(
        &self,
        request: tonic::Request<ExportTraceServiceRequest>,
    ) -> Result<tonic::Response<ExportTraceServiceResponse>, tonic::Status> {
        let mut received = self.0.lock().expect("lock");
        for resource_spans in request.into_inner().resource_spans {
            let service = service_name(&resource_spans.resource);
            for scope in resource_spans.scope_spans {
                for span in scope.spans {
                    received.spans.push(SpanRecord {
                        service: service.clone(),
                        trace_id: hex(&span.trace_id),
                        span_id: hex(&span.span_id),
                        parent_span_id: hex(&span.parent_span_id),
                        name: span.name,
                        kind: span.kind,
                        attributes: pairs(&span.attributes),
                    });
                }
            }
        }
        Ok(tonic::Response::new(ExportTraceServiceResponse::default()))
    }
}

#[tonic::async_trait]
impl MetricsService for Sink {
    async fn export(
        &self,
        request: tonic::Request<ExportMetricsServiceRequest>,
    ) -> Result<tonic::Response<ExportMetricsServiceResponse>, tonic::Status> {
        let mut received = self.0.lock().expect("lock");
        for resource_metrics in request.into_inner().resource_metrics {
            let service = service_name(&resource_metrics.resource);
            for scope in resource_metrics.scope_metrics {
                for m in scope.metrics {
                    let attributes: Vec<Vec<(String, String)>> = match &m.data {
                        Some(metric::Data::Sum(sum)) => sum.data_points.iter().map(|p| pairs(&p.attributes)).collect(),
                        Some(metric::Data::Histogram(h)) => {
                            h.data_points.iter().map(|p| pairs(&p.attributes)).collect()
                        }
                        _ => Vec::new(),
                    };
                    for attributes in attributes {
                        received.points.push(PointRecord {
                            service: service.clone(),
                            metric: m.name.clone(),
                            attributes,
                        });
                    }
                }
            }
        }
        Ok(tonic::Response::new(ExportMetricsServiceResponse::default()))
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
