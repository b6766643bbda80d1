//! Calling other services: addresses, balanced channels, retries, trace
//! propagation and deadlines.
//!
//! A service is reached at one or more [`Addresses`]. One address that is an
//! IP literal gives a plain lazily connecting channel; several addresses, or
//! a host name (which may resolve to several replicas, e.g. a headless
//! Kubernetes Service), give a channel that balances every call over the
//! replicas that answer ([`balance`]), re-resolved and re-probed every few
//! seconds. Either way the channel retries what is safe to retry ([`retry`]):
//! reads, and creations that carry their idempotency key, on `UNAVAILABLE`,
//! with exponential backoff and jitter within the caller's deadline.
//!
//! Every outgoing call carries the current `traceparent` and a
//! `grpc-timeout` (tonic's `Endpoint::timeout` alone sends none), taken from
//! what remains of the incoming request's deadline when there is one.

pub mod balance;
pub mod link;
pub mod retry;

use std::fmt;
use std::net::{IpAddr, SocketAddr};
use std::str::FromStr;
use std::time::Duration;

use http::Uri;
use serde::Deserialize;
use tonic::service::Interceptor;
use tonic::service::interceptor::InterceptedService;
use tonic::transport::{Channel, Endpoint};

use crate::server::Deadline;
use crate::telemetry::inject_trace_context;

pub use link::{InProcess, InProcessSlot, Link};
pub use retry::{Retry, RetryPolicy};

/// A channel to one service (one or several replicas, or its stack in this
/// process) that retries what is safe to retry; every client of another
/// service is built on it.
pub type ServiceChannel = Retry<Link>;

/// A channel that adds trace context to every call.
pub type TracedChannel = InterceptedService<ServiceChannel, TracePropagation>;

/// Why an address setting is unusable.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AddressError {
    /// The setting names no address at all.
    #[error("no address given")]
    Empty,
    /// One address is not `http://host:port`.
    #[error("{address} is not a service address (http://host:port): {reason}")]
    Invalid { address: String, reason: String },
}

/// Where a service is reached: one or more `http://host:port` addresses
/// (comma-separated in a flag or environment variable, a string or a list
/// in the TOML file). A host name stands for every address it resolves to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Addresses(Vec<Uri>);

impl Addresses {
    /// The addresses, as given.
    pub fn uris(&self) -> &[Uri] {
        &self.0
    }

    /// The address when there is exactly one and its host is an IP literal:
    /// nothing to resolve or balance.
    fn single_ip(&self) -> Option<&Uri> {
        match self.0.as_slice() {
            [uri] if uri.host().is_some_and(|h| host_ip(h).is_some()) => Some(uri),
            _ => None,
        }
    }
}

/// The IP of a URI host that is a literal (IPv6 comes in brackets).
fn host_ip(host: &str) -> Option<IpAddr> {
    host.trim_start_matches('[').trim_end_matches(']').parse().ok()
}

/// The port of an address, or its scheme's default.
fn port_of(uri: &Uri) -> u16 {
    uri.port_u16()
        .unwrap_or(if uri.scheme_str() == Some("https") { 443 } else { 80 })
}

impl From<SocketAddr> for Addresses {
    /// `http://<addr>`, e.g. a server of this process on loopback.
    fn from(addr: SocketAddr) -> Self {
        let uri = Uri::builder()
            .scheme("http")
            .authority(addr.to_string())
            .path_and_query("/")
            .build()
            .unwrap_or_else(|_| Uri::from_static("http://127.0.0.1:8080"));
        Addresses(vec![uri])
    }
}

fn parse_one(text: &str) -> Result<Uri, AddressError> {
    let invalid = |reason: &str| AddressError::Invalid {
        address: text.to_string(),
        reason: reason.to_string(),
    };
    let uri: Uri = text
        .parse()
        .map_err(|e: http::uri::InvalidUri| invalid(&e.to_string()))?;
    match uri.scheme_str() {
        Some("http" | "https") => {}
        Some(_) => return Err(invalid("the scheme must be http or https")),
        None => return Err(invalid("the scheme (http://) is missing")),
    }
    if uri.host().is_none_or(str::is_empty) {
        return Err(invalid("the host is missing"));
    }
    if !matches!(uri.path(), "" | "/") || uri.query().is_some() {
        return Err(invalid("an address has no path"));
    }
    Ok(uri)
}

impl FromStr for Addresses {
    type Err = AddressError;

    /// Comma-separated addresses; blanks around them are ignored.
    fn from_str(text: &str) -> Result<Self, AddressError> {
        let uris = text
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(parse_one)
            .collect::<Result<Vec<_>, _>>()?;
        if uris.is_empty() {
            return Err(AddressError::Empty);
        }
        Ok(Addresses(uris))
    }
}

impl fmt::Display for Addresses {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let texts: Vec<String> = self
            .0
            .iter()
            .map(|u| u.to_string().trim_end_matches('/').to_string())
            .collect();
        f.write_str(&texts.join(","))
    }
}

impl<'de> Deserialize<'de> for Addresses {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Given {
            One(String),
            Many(Vec<String>),
        }
        let text = match Given::deserialize(deserializer)? {
            Given::One(text) => text,
            Given::Many(list) => list.join(","),
        };
        text.parse().map_err(serde::de::Error::custom)
    }
}

/// Injects the current span's `traceparent` into outgoing metadata.
#[derive(Debug, Clone, Copy, Default)]
pub struct TracePropagation;

impl Interceptor for TracePropagation {
    fn call(&mut self, mut request: tonic::Request<()>) -> Result<tonic::Request<()>, tonic::Status> {
        inject_trace_context(request.metadata_mut());
        Ok(request)
    }
}

/// How every connection to another service is made.
fn endpoint(uri: Uri) -> Endpoint {
    Endpoint::from(uri)
        .connect_timeout(Duration::from_secs(3))
        .tcp_nodelay(true)
        .http2_keep_alive_interval(Duration::from_secs(30))
        .keep_alive_while_idle(true)
}

/// A lazily connecting, retrying channel to the service `name` (named in
/// errors and logs) at `addresses`: balanced over every replica when there
/// are several or a host name is given.
///
/// Needs a Tokio runtime: connections and the replica task are spawned on it.
pub fn channel(name: &str, addresses: &Addresses) -> ServiceChannel {
    let (network, refresh) = network(name, addresses);
    Retry::new(name, Link::network(network), RetryPolicy::default(), refresh)
}

/// [`channel`] to a service of this process: its calls go to the stack put
/// in `slot` once the service has started, without a network hop (over the
/// network at `addresses` before), with the same retries and deadlines.
pub fn channel_in_process(name: &str, addresses: &Addresses, slot: InProcessSlot) -> ServiceChannel {
    let (network, refresh) = network(name, addresses);
    let link = Link::in_process_when_filled(network, slot);
    Retry::new(name, link, RetryPolicy::default(), refresh)
}

/// The network channel to `addresses` and, when balanced, what to tell
/// when a replica could not be reached.
fn network(name: &str, addresses: &Addresses) -> (Channel, Option<std::sync::Arc<tokio::sync::Notify>>) {
    match addresses.single_ip() {
        Some(uri) => (endpoint(uri.clone()).connect_lazy(), None),
        None => {
            let (channel, refresh) = balance::spawn(name, addresses, endpoint);
            (channel, Some(refresh))
        }
    }
}

/// [`channel`] with trace propagation.
pub fn traced(channel: ServiceChannel) -> TracedChannel {
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

/// The call to a service made on behalf of an HTTP request (the gateway's
/// REST routes, the console): `message` with what remains of the request's
/// deadline (set by the server's deadline layer; `limit` at most), and what
/// the caller sent that the service needs: the bearer token, the request
/// id, the trace context, the chain of client addresses and the
/// connection's details.
pub fn call_for_http<T>(parts: &http::request::Parts, limit: Duration, message: T) -> tonic::Request<T> {
    let deadline = parts.extensions.get::<Deadline>().map(|d| d.remaining());
    let mut call = tonic::Request::new(message);
    call.set_timeout(deadline.map_or(limit, |left| left.min(limit)));
    if let Some(auth) = parts.headers.get(http::header::AUTHORIZATION)
        && let Ok(value) = tonic::metadata::MetadataValue::try_from(auth.as_bytes())
    {
        call.metadata_mut().insert("authorization", value);
    }
    if let Some(ids) = parts.extensions.get::<crate::server::RequestIds>()
        && let Ok(value) = ids.request_id.parse()
    {
        call.metadata_mut().insert("x-request-id", value);
    }
    inject_trace_context(call.metadata_mut());
    if let Some(info) = parts.extensions.get::<tonic::transport::server::TcpConnectInfo>() {
        if let Some(peer) = info.remote_addr {
            let chain = match parts.headers.get("x-forwarded-for").and_then(|v| v.to_str().ok()) {
                Some(earlier) => format!("{earlier}, {}", peer.ip()),
                None => peer.ip().to_string(),
            };
            if let Ok(value) = chain.parse() {
                call.metadata_mut().insert("x-forwarded-for", value);
            }
        }
        call.extensions_mut().insert(info.clone());
    }
    call
}

#[cfg(test)]
mod tests;
