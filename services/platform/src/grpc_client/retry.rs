//! Retrying the calls that are safe to send twice.
//!
//! A call is sent again only when it failed with `UNAVAILABLE` (a replica
//! that is gone or cannot reach its database, a connection that broke, load
//! shed) and only when a second delivery cannot do harm:
//! - **reads**: unary methods named `Get…`, `List…`, `Search…`, `Export…`,
//!   `Verify…`, `Check…`, `Preview…`, `Calculate…`, `WhoAmI`;
//! - **creations with their idempotency key**: unary methods whose request
//!   has a `request_id` field ([`KEY_FIELD`]; see [`crate::idempotency`]),
//!   when the request sets it — the service answers a repeat with the first
//!   result and creates nothing;
//! - nothing else: a change without a key, and every stream (`Watch…`,
//!   uploads, downloads), is sent once.
//!
//! Waits grow exponentially with jitter ([`RetryPolicy::backoff`]) and stay
//! within the caller's deadline (its `grpc-timeout`); each attempt is sent
//! with what remains of it. When the deadline passes before an answer comes
//! (waiting for a replica to connect, or for its answer), the caller gets
//! `DEADLINE_EXCEEDED`; when no replica can be reached at all,
//! `UNAVAILABLE`; either names the service.
//!
//! Retries are throttled per channel as gRPC's retry design (gRFC A6) does
//! ([`RetryBudget`]): when replicas that answer keep answering
//! `UNAVAILABLE` (a database outage, overload), retries stop until calls
//! succeed again, so an outage is not multiplied by the attempts and
//! callers hear of it after one attempt. A connection that cannot be made
//! or breaks does not spend the budget: the replica is gone, the balancer
//! drops it, and the retry goes to another.

use std::collections::HashMap;
use std::convert::Infallible;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, LazyLock};
use std::task::{Context, Poll};
use std::time::Duration;

use futures_util::future::BoxFuture;
use http_body_util::{BodyExt, Full};
use prost_reflect::{DescriptorPool, DynamicMessage, Kind, MessageDescriptor, Value};
use tokio::sync::Notify;
use tokio::time::Instant;
use tonic::body::Body;
use tower::{Service, ServiceExt};

use crate::server::{grpc_timeout_value, parse_grpc_timeout};

type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// The request field that carries a create call's idempotency key.
pub const KEY_FIELD: &str = "request_id";

/// How the names of methods that only read begin.
const READS: &[&str] = &[
    "Get",
    "List",
    "Search",
    "Export",
    "Verify",
    "Check",
    "Preview",
    "Calculate",
    "WhoAmI",
];

/// How long a call waits for a replica when its caller set no deadline.
const READY_WAIT: Duration = Duration::from_secs(5);

/// How many times and how patiently a call is retried.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Attempts in all, the first included.
    pub max_attempts: u32,
    /// Longest wait before the first retry; each later one may wait twice
    /// as long as the one before.
    pub initial_backoff: Duration,
    /// Longest wait before any retry.
    pub max_backoff: Duration,
    /// A retry is made only if at least this much of the deadline is left
    /// for it after the wait.
    pub min_attempt_time: Duration,
}

impl Default for RetryPolicy {
    /// Up to 5 attempts, waiting about 50, 100, 200 and 400 ms between them:
    /// enough to ride over a replica's death or a short database failover,
    /// short enough that a caller with a deadline of a few seconds still
    /// gets an answer in time.
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 5,
            initial_backoff: Duration::from_millis(50),
            max_backoff: Duration::from_secs(1),
            min_attempt_time: Duration::from_millis(50),
        }
    }
}

impl RetryPolicy {
    /// The wait before retry number `retry` (1 for the first), or `None`
    /// when no retry should be made: the attempts are spent, or the wait
    /// and [`Self::min_attempt_time`] do not fit in the `remaining` time of
    /// the deadline. The wait is drawn in `[ceiling / 2, ceiling]` by
    /// `jitter` (in `[0, 1]`), so replicas' callers do not retry in step;
    /// the ceiling doubles from [`Self::initial_backoff`] up to
    /// [`Self::max_backoff`].
    pub fn backoff(&self, retry: u32, remaining: Option<Duration>, jitter: f64) -> Option<Duration> {
        if retry == 0 || retry >= self.max_attempts {
            return None;
        }
        let factor = 2u32.saturating_pow(retry - 1);
        let ceiling = self.initial_backoff.saturating_mul(factor).min(self.max_backoff);
        let wait = ceiling / 2 + ceiling.mul_f64(jitter.clamp(0.0, 1.0) / 2.0);
        match remaining {
            Some(left) if wait + self.min_attempt_time > left => None,
            _ => Some(wait),
        }
    }
}

/// How many retries a channel may still make: a token bucket of
/// [`RetryBudget::MAX`] tokens; an `UNAVAILABLE` answer takes one, any other
/// answer gives back [`RetryBudget::REFILL`], and retries are made only
/// while more than half the bucket is left.
#[derive(Debug)]
pub struct RetryBudget {
    /// Thousandths of a token.
    milli: AtomicU32,
}

impl RetryBudget {
    /// Tokens in a full bucket.
    pub const MAX: u32 = 10;
    /// Thousandths of a token an answered call gives back.
    pub const REFILL: u32 = 100;

    /// A full bucket.
    pub fn new() -> Self {
        RetryBudget {
            milli: AtomicU32::new(Self::MAX * 1000),
        }
    }

    /// A replica answered `UNAVAILABLE`.
    pub fn refused(&self) {
        let _ = self
            .milli
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |m| Some(m.saturating_sub(1000)));
    }

    /// A replica answered otherwise.
    pub fn answered(&self) {
        let _ = self.milli.fetch_update(Ordering::Relaxed, Ordering::Relaxed, |m| {
            Some((m + Self::REFILL).min(Self::MAX * 1000))
        });
    }

    /// Whether a retry may be made now.
    pub fn allows_retry(&self) -> bool {
        self.milli.load(Ordering::Relaxed) > Self::MAX * 1000 / 2
    }
}

impl Default for RetryBudget {
    fn default() -> Self {
        Self::new()
    }
}

/// Whether a method may be sent twice.
#[derive(Debug, Clone)]
pub enum Idempotence {
    /// A unary read.
    Read,
    /// A unary creation whose request message (this descriptor) has an
    /// idempotency key field: safe when the key is set.
    Keyed(MessageDescriptor),
    /// Anything else: sent once.
    Once,
}

/// The idempotence of every method of a set of services, by gRPC path
/// (`/package.Service/Method`).
#[derive(Debug, Default)]
pub struct Methods {
    by_path: HashMap<String, Idempotence>,
}

impl Methods {
    /// From the services' descriptors: streams are sent once; unary reads
    /// are retried; unary calls whose request has a string [`KEY_FIELD`]
    /// are retried when it is set.
    pub fn of(pool: &DescriptorPool) -> Self {
        let mut by_path = HashMap::new();
        for service in pool.services() {
            for method in service.methods() {
                let path = format!("/{}/{}", service.full_name(), method.name());
                let input = method.input();
                let keyed = input
                    .get_field_by_name(KEY_FIELD)
                    .is_some_and(|f| f.kind() == Kind::String && !f.is_list());
                let idempotence = if method.is_client_streaming() || method.is_server_streaming() {
                    Idempotence::Once
                } else if is_read(method.name()) {
                    Idempotence::Read
                } else if keyed {
                    Idempotence::Keyed(input)
                } else {
                    Idempotence::Once
                };
                by_path.insert(path, idempotence);
            }
        }
        Methods { by_path }
    }

    /// The suite's own services (every proto of `vanphong-proto`).
    pub fn suite() -> &'static Methods {
        static SUITE: LazyLock<Methods> =
            LazyLock::new(|| match DescriptorPool::decode(vanphong_proto::FILE_DESCRIPTOR_SET) {
                Ok(pool) => Methods::of(&pool),
                Err(e) => {
                    tracing::error!(error = %e, "cannot read the services' descriptors; only reads are retried");
                    Methods::default()
                }
            });
        &SUITE
    }

    /// The idempotence of the method at `path`. A method of another API
    /// (e.g. `grpc.health.v1.Health/Check`) is judged by its name alone.
    pub fn classify(&self, path: &str) -> Idempotence {
        if let Some(known) = self.by_path.get(path) {
            return known.clone();
        }
        let method = path.rsplit('/').next().unwrap_or_default();
        if is_read(method) {
            Idempotence::Read
        } else {
            Idempotence::Once
        }
    }
}

/// Whether a method's name says it only reads: one of [`READS`] followed by
/// the end or the next capitalised word (`ListUsers`, not `Listen`).
fn is_read(method: &str) -> bool {
    READS.iter().any(|prefix| {
        method
            .strip_prefix(prefix)
            .is_some_and(|rest| rest.chars().next().is_none_or(|c| c.is_ascii_uppercase()))
    })
}

/// Whether a gRPC request body (one uncompressed length-prefixed message of
/// type `input`) sets a non-empty [`KEY_FIELD`].
pub fn carries_key(input: &MessageDescriptor, body: &[u8]) -> bool {
    let Some(field) = input.get_field_by_name(KEY_FIELD) else {
        return false;
    };
    let Some((&0, rest)) = body.split_first() else {
        return false;
    };
    let Some((length, message)) = rest.split_first_chunk::<4>() else {
        return false;
    };
    if usize::try_from(u32::from_be_bytes(*length)).ok() != Some(message.len()) {
        return false;
    }
    DynamicMessage::decode(input.clone(), message)
        .is_ok_and(|m| matches!(m.get_field(&field).as_ref(), Value::String(key) if !key.is_empty()))
}

/// The gRPC status code in a response's headers (a trailers-only answer,
/// which is how servers refuse a call before answering it).
fn header_status(response: &http::Response<Body>) -> Option<i32> {
    response
        .headers()
        .get("grpc-status")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse().ok())
}

/// A number in `[0, 1]`, from the system's random source.
fn jitter() -> f64 {
    getrandom::u32().map_or(0.5, |r| f64::from(r) / f64::from(u32::MAX))
}

/// A channel that retries what is safe to retry (see the module's
/// documentation). It is always ready: waiting for a replica happens inside
/// each call, bounded by the call's deadline.
#[derive(Clone)]
pub struct Retry<S> {
    inner: S,
    name: Arc<str>,
    policy: RetryPolicy,
    budget: Arc<RetryBudget>,
    methods: &'static Methods,
    refresh: Option<Arc<Notify>>,
}

impl<S> Retry<S> {
    /// Retries calls to the service `name` through `inner` by `policy`;
    /// `refresh` is told when a replica could not be reached.
    pub fn new(name: &str, inner: S, policy: RetryPolicy, refresh: Option<Arc<Notify>>) -> Self {
        Retry {
            inner,
            name: Arc::from(name),
            policy,
            budget: Arc::new(RetryBudget::new()),
            methods: Methods::suite(),
            refresh,
        }
    }

    fn replica_unreachable(&self) {
        if let Some(refresh) = &self.refresh {
            refresh.notify_one();
        }
    }
}

/// Why an attempt brought no answer.
#[derive(Debug)]
enum NoAnswer {
    /// The caller's deadline passed first (waiting for a replica, or for
    /// the answer).
    Deadline,
    /// No replica could be reached, or the connection broke.
    Unreachable(BoxError),
}

impl NoAnswer {
    /// A failure of the inner channel: its own timer (tonic's, from the
    /// `grpc-timeout` sent) is the deadline passing; anything else is an
    /// unreachable replica.
    fn of(error: BoxError) -> Self {
        let mut cause: Option<&(dyn std::error::Error + 'static)> = Some(error.as_ref());
        while let Some(e) = cause {
            if e.is::<tonic::TimeoutExpired>() {
                return NoAnswer::Deadline;
            }
            cause = e.source();
        }
        NoAnswer::Unreachable(error)
    }
}

type Outcome = Result<http::Response<Body>, NoAnswer>;

impl<S> Retry<S>
where
    S: Service<http::Request<Body>, Response = http::Response<Body>> + Send,
    S::Future: Send,
    S::Error: Into<BoxError>,
{
    /// One attempt: waits for a replica and its answer, within the deadline
    /// (without one, waits [`READY_WAIT`] for a replica).
    async fn attempt(&mut self, request: http::Request<Body>, deadline: Option<Instant>) -> Outcome {
        let attempt = async {
            let service = match deadline {
                Some(_) => self.inner.ready().await,
                None => match tokio::time::timeout(READY_WAIT, self.inner.ready()).await {
                    Ok(ready) => ready,
                    Err(_) => return Err(NoAnswer::Unreachable("no replica became ready".into())),
                },
            };
            let service = service.map_err(|e| NoAnswer::of(e.into()))?;
            service.call(request).await.map_err(|e| NoAnswer::of(e.into()))
        };
        match deadline {
            Some(deadline) => tokio::time::timeout_at(deadline, attempt)
                .await
                .unwrap_or(Err(NoAnswer::Deadline)),
            None => attempt.await,
        }
    }

    /// Whether an attempt failed with `UNAVAILABLE` (answered so, or no
    /// answer at all), keeping the budget's books on the answers.
    fn judge(&self, outcome: &Outcome) -> bool {
        match outcome {
            Err(_) => true,
            Ok(response) if header_status(response) == Some(tonic::Code::Unavailable as i32) => {
                self.budget.refused();
                true
            }
            Ok(_) => {
                self.budget.answered();
                false
            }
        }
    }

    /// The answer to give: the response; `DEADLINE_EXCEEDED` when the
    /// deadline passed before one came; `UNAVAILABLE` when no replica could
    /// be reached.
    fn finish(&self, outcome: Outcome) -> http::Response<Body> {
        match outcome {
            Ok(response) => response,
            Err(NoAnswer::Deadline) => {
                tracing::debug!(service = %self.name, "no answer before the deadline");
                tonic::Status::deadline_exceeded(format!(
                    "Dịch vụ {} không trả lời trước thời hạn của yêu cầu",
                    self.name
                ))
                .into_http()
            }
            Err(NoAnswer::Unreachable(e)) => {
                tracing::warn!(service = %self.name, error = ?e, "no replica answered");
                self.replica_unreachable();
                tonic::Status::unavailable(format!(
                    "Dịch vụ {} tạm thời không sẵn sàng, vui lòng thử lại",
                    self.name
                ))
                .into_http()
            }
        }
    }

    async fn run(mut self, request: http::Request<Body>) -> http::Response<Body> {
        let deadline = request
            .headers()
            .get("grpc-timeout")
            .and_then(|v| v.to_str().ok())
            .and_then(parse_grpc_timeout)
            .map(|timeout| Instant::now() + timeout);
        let keyed = match self.methods.classify(request.uri().path()) {
            Idempotence::Once => {
                let outcome = self.attempt(request, deadline).await;
                self.judge(&outcome);
                return self.finish(outcome);
            }
            Idempotence::Read => None,
            Idempotence::Keyed(input) => Some(input),
        };
        let (parts, body) = request.into_parts();
        let bytes = match body.collect().await {
            Ok(collected) => collected.to_bytes(),
            Err(status) => return status.into_http(),
        };
        let retryable = keyed.is_none_or(|input| carries_key(&input, &bytes));
        let mut tried = 0;
        loop {
            tried += 1;
            let mut parts = parts.clone();
            if let Some(deadline) = deadline {
                let left = deadline.saturating_duration_since(Instant::now());
                parts.headers.insert("grpc-timeout", grpc_timeout_value(left));
            }
            let request = http::Request::from_parts(parts, Body::new(Full::new(bytes.clone())));
            let outcome = self.attempt(request, deadline).await;
            let unavailable = self.judge(&outcome);
            let expired = matches!(outcome, Err(NoAnswer::Deadline));
            if expired || !(unavailable && retryable && self.budget.allows_retry()) {
                return self.finish(outcome);
            }
            let left = deadline.map(|d| d.saturating_duration_since(Instant::now()));
            let Some(wait) = self.policy.backoff(tried, left, jitter()) else {
                return self.finish(outcome);
            };
            if let Err(e) = &outcome {
                tracing::debug!(service = %self.name, error = ?e, "replica unreachable; retrying");
                self.replica_unreachable();
            }
            tracing::debug!(service = %self.name, attempt = tried, ?wait, "UNAVAILABLE; retrying");
            tokio::time::sleep(wait).await;
        }
    }
}

impl<S> Service<http::Request<Body>> for Retry<S>
where
    S: Service<http::Request<Body>, Response = http::Response<Body>> + Clone + Send + 'static,
    S::Future: Send,
    S::Error: Into<BoxError>,
{
    type Response = http::Response<Body>;
    type Error = Infallible;
    type Future = BoxFuture<'static, Result<http::Response<Body>, Infallible>>;

    fn poll_ready(&mut self, _cx: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, request: http::Request<Body>) -> Self::Future {
        let this = self.clone();
        Box::pin(async move { Ok(this.run(request).await) })
    }
}

#[cfg(test)]
mod tests;
