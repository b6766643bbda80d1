//! Deadlines on gRPC requests.
//!
//! The caller's `grpc-timeout` (capped by the server's own limit) bounds the
//! handler; when it passes, the caller gets `DEADLINE_EXCEEDED` (not the
//! `CANCELLED` "Timeout expired" that tonic would report). The deadline is
//! put in the request's extensions so that calls the handler makes to other
//! services carry what remains of it.

use std::task::{Context, Poll};
use std::time::Duration;

use futures_util::future::BoxFuture;
use http::{Request, Response};
use tokio::time::Instant;
use tower::{Layer, Service};

/// When the current request must be answered.
#[derive(Debug, Clone, Copy)]
pub struct Deadline(pub Instant);

impl Deadline {
    /// Time left, never negative.
    pub fn remaining(&self) -> Duration {
        self.0.saturating_duration_since(Instant::now())
    }

    /// The deadline of a gRPC request, if the deadline layer set one.
    pub fn of<T>(request: &tonic::Request<T>) -> Option<Deadline> {
        request.extensions().get::<Deadline>().copied()
    }
}

/// Adds [`DeadlineService`].
#[derive(Debug, Clone, Copy)]
pub struct DeadlineLayer {
    max: Duration,
}

impl DeadlineLayer {
    /// `max` caps the caller's deadline and is used when it sends none.
    pub fn new(max: Duration) -> Self {
        Self { max }
    }
}

impl<S> Layer<S> for DeadlineLayer {
    type Service = DeadlineService<S>;
    fn layer(&self, inner: S) -> Self::Service {
        DeadlineService { inner, max: self.max }
    }
}

/// Bounds each request by its deadline.
#[derive(Debug, Clone)]
pub struct DeadlineService<S> {
    inner: S,
    max: Duration,
}

impl<S, B, ResBody> Service<Request<B>> for DeadlineService<S>
where
    S: Service<Request<B>, Response = Response<ResBody>> + Clone + Send + 'static,
    S::Future: Send + 'static,
    B: Send + 'static,
    ResBody: Default + Send + 'static,
{
    type Response = S::Response;
    type Error = S::Error;
    type Future = BoxFuture<'static, Result<Self::Response, Self::Error>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, mut request: Request<B>) -> Self::Future {
        let ready = self.inner.clone();
        let mut inner = std::mem::replace(&mut self.inner, ready);
        let timeout = request
            .headers()
            .get("grpc-timeout")
            .and_then(|v| v.to_str().ok())
            .and_then(parse_grpc_timeout)
            .map_or(self.max, |t| t.min(self.max));
        request.extensions_mut().insert(Deadline(Instant::now() + timeout));
        let future = inner.call(request);
        Box::pin(async move {
            match tokio::time::timeout(timeout, future).await {
                Ok(response) => response,
                Err(_) => Ok(tonic::Status::deadline_exceeded(
                    "Quá thời hạn xử lý yêu cầu; có thể thử lại với thời hạn dài hơn",
                )
                .into_http()),
            }
        })
    }
}

/// Parses a `grpc-timeout` header value: up to 8 digits and a unit
/// (H, M, S, m, u, n).
pub fn parse_grpc_timeout(value: &str) -> Option<Duration> {
    if value.len() < 2 || value.len() > 9 {
        return None;
    }
    let (digits, unit) = value.split_at(value.len() - 1);
    let amount: u64 = digits.parse().ok()?;
    Some(match unit {
        "H" => Duration::from_secs(amount.checked_mul(3600)?),
        "M" => Duration::from_secs(amount.checked_mul(60)?),
        "S" => Duration::from_secs(amount),
        "m" => Duration::from_millis(amount),
        "u" => Duration::from_micros(amount),
        "n" => Duration::from_nanos(amount),
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_every_unit_and_refuses_garbage() {
        assert_eq!(parse_grpc_timeout("2S"), Some(Duration::from_secs(2)));
        assert_eq!(parse_grpc_timeout("150m"), Some(Duration::from_millis(150)));
        assert_eq!(parse_grpc_timeout("1H"), Some(Duration::from_secs(3600)));
        assert_eq!(parse_grpc_timeout("5u"), Some(Duration::from_micros(5)));
        assert_eq!(parse_grpc_timeout("S"), None);
        assert_eq!(parse_grpc_timeout("12x"), None);
        assert_eq!(parse_grpc_timeout("123456789S"), None);
    }
}

#[cfg(test)]
mod layer_tests {
    use std::convert::Infallible;

    use tower::{Layer, ServiceExt};

    use super::*;

    fn slow_service() -> impl tower::Service<
        http::Request<()>,
        Response = http::Response<axum::body::Body>,
        Error = Infallible,
        Future = impl Send,
    > + Clone
    + Send
    + 'static {
        tower::service_fn(|_request: http::Request<()>| async {
            tokio::time::sleep(Duration::from_secs(10)).await;
            Ok::<_, Infallible>(http::Response::new(axum::body::Body::empty()))
        })
    }

    fn grpc_status(response: &http::Response<axum::body::Body>) -> Option<&str> {
        response.headers().get("grpc-status").and_then(|v| v.to_str().ok())
    }

    #[tokio::test(start_paused = true)]
    async fn the_callers_deadline_ends_a_slow_request_with_deadline_exceeded() {
        let service = DeadlineLayer::new(Duration::from_secs(30)).layer(slow_service());
        let request = http::Request::builder()
            .header("grpc-timeout", "100m")
            .body(())
            .expect("request");
        let response = service.oneshot(request).await.expect("response");
        assert_eq!(grpc_status(&response), Some("4"), "DEADLINE_EXCEEDED");
    }

    #[tokio::test(start_paused = true)]
    async fn the_server_limit_applies_without_or_above_a_deadline() {
        let service = DeadlineLayer::new(Duration::from_secs(5)).layer(slow_service());
        let started = Instant::now();
        let response = service.clone().oneshot(http::Request::new(())).await.expect("response");
        assert_eq!(grpc_status(&response), Some("4"));
        assert_eq!(started.elapsed().as_secs(), 5);
        let request = http::Request::builder()
            .header("grpc-timeout", "1H")
            .body(())
            .expect("request");
        let response = service.oneshot(request).await.expect("response");
        assert_eq!(grpc_status(&response), Some("4"), "capped at the server's own limit");
    }
}
