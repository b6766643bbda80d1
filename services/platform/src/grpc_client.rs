//! Calling other services: channels, trace propagation and deadlines.
//!
//! Every outgoing call carries the current `traceparent` and a
//! `grpc-timeout` (tonic's `Endpoint::timeout` alone sends none), taken from
//! what remains of the incoming request's deadline when there is one.

use std::time::Duration;

use tonic::service::Interceptor;
use tonic::service::interceptor::InterceptedService;
use tonic::transport::{Channel, Endpoint};

use crate::Error;
use crate::server::Deadline;
use crate::telemetry::inject_trace_context;

/// A channel that adds trace context to every call.
pub type TracedChannel = InterceptedService<Channel, TracePropagation>;

/// Injects the current span's `traceparent` into outgoing metadata.
#[derive(Debug, Clone, Copy, Default)]
pub struct TracePropagation;

impl Interceptor for TracePropagation {
    fn call(&mut self, mut request: tonic::Request<()>) -> Result<tonic::Request<()>, tonic::Status> {
        inject_trace_context(request.metadata_mut());
        Ok(request)
    }
}

/// A lazily connecting channel to `url` (http://host:port).
pub fn channel(url: &str) -> Result<Channel, Error> {
    let endpoint = Endpoint::from_shared(url.to_string())
        .map_err(|e| Error::Unavailable(format!("Địa chỉ dịch vụ không hợp lệ {url}: {e}")))?
        .connect_timeout(Duration::from_secs(3))
        .tcp_nodelay(true)
        .http2_keep_alive_interval(Duration::from_secs(30))
        .keep_alive_while_idle(true);
    Ok(endpoint.connect_lazy())
}

/// [`channel`] with trace propagation.
pub fn traced(channel: Channel) -> TracedChannel {
    InterceptedService::new(channel, TracePropagation)
}

/// Sets the outgoing call's deadline: what remains of `incoming`, or
/// `default` when there is none.
pub fn with_deadline<T>(
    mut request: tonic::Request<T>,
    incoming: Option<Deadline>,
    default: Duration,
) -> tonic::Request<T> {
    let timeout = incoming.map_or(default, |d| d.remaining().min(default));
    request.set_timeout(timeout);
    request
}
