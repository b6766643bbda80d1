//! Deadlines on requests.
//!
//! The caller's `grpc-timeout` (capped by the server's own limit, which also
//! applies when the caller sends none) bounds the request, gRPC and REST
//! alike (REST callers may send the header too). When it passes, gRPC
//! callers get `DEADLINE_EXCEEDED` and REST callers 504, never the
//! `CANCELLED` "Timeout expired" of tonic's own timer: every server applies
//! this layer around everything it serves, and answers as soon as it is
//! polled within [`TONIC_LEAD`] of the deadline, which covers the moment by
//! which tonic's timer (started when the request arrived, a moment before
//! this layer saw it) may run ahead. The deadline is put in the request's
//! extensions so that calls the handler makes to other services carry what
//! remains of it.

use std::future::Future;
use std::task::Poll;
use std::time::Duration;

use http::{HeaderValue, Request, Response, StatusCode};
use tokio::time::Instant;

use crate::middleware::{Answer, Inner, Middleware, Next};

/// How far ahead of this layer's timer tonic's own may run: it starts when
/// the request arrives, before the layers of the server see it.
const TONIC_LEAD: Duration = Duration::from_millis(5);

/// What a caller whose deadline passed is told.
pub const EXPIRED: &str = "Quá thời hạn xử lý yêu cầu; có thể thử lại với thời hạn dài hơn";

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

/// Bounds each request by its deadline.
#[derive(Debug, Clone, Copy)]
pub struct DeadlineLimit {
    max: Duration,
}

impl DeadlineLimit {
    /// `max` caps the caller's deadline and is used when it sends none.
    pub fn new(max: Duration) -> Self {
        Self { max }
    }
}

impl Middleware<axum::body::Body> for DeadlineLimit {
    fn call<B: Send + 'static, S: Inner<B, axum::body::Body>>(
        &self,
        mut request: Request<B>,
        next: Next<S>,
    ) -> Answer<axum::body::Body, S::Error> {
        let asked = request
            .headers()
            .get("grpc-timeout")
            .and_then(|v| v.to_str().ok())
            .and_then(parse_grpc_timeout);
        let deadline = Instant::now() + asked.map_or(self.max, |t| t.min(self.max));
        // tonic times only calls that carry the header.
        let lead = if asked.is_some() { TONIC_LEAD } else { Duration::ZERO };
        let grpc = super::is_grpc(request.headers());
        request.extensions_mut().insert(Deadline(deadline));
        let future = next.run(request);
        Box::pin(async move {
            let mut future = std::pin::pin!(future);
            let mut timer = std::pin::pin!(tokio::time::sleep_until(deadline));
            std::future::poll_fn(|cx| {
                if let Poll::Ready(answer) = future.as_mut().poll(cx) {
                    return Poll::Ready(answer);
                }
                if timer.as_mut().poll(cx).is_ready() || Instant::now() + lead >= deadline {
                    return Poll::Ready(Ok(expired(grpc)));
                }
                Poll::Pending
            })
            .await
        })
    }
}

/// The answer to a request whose deadline passed.
fn expired(grpc: bool) -> Response<axum::body::Body> {
    if grpc {
        return tonic::Status::deadline_exceeded(EXPIRED).into_http();
    }
    super::json_error(StatusCode::GATEWAY_TIMEOUT, "DEADLINE_EXCEEDED", EXPIRED)
}

/// A `grpc-timeout` header value for `timeout`, in the finest unit whose
/// amount fits the header's 8 digits (rounded down, never below 1 ns).
pub fn grpc_timeout_value(timeout: Duration) -> HeaderValue {
    const MAX: u128 = 99_999_999;
    let nanos = timeout.as_nanos().max(1);
    let units: [(u128, char); 6] = [
        (1, 'n'),
        (1_000, 'u'),
        (1_000_000, 'm'),
        (1_000_000_000, 'S'),
        (60_000_000_000, 'M'),
        (3_600_000_000_000, 'H'),
    ];
    let (amount, unit) = units
        .iter()
        .map(|(size, unit)| (nanos / size, *unit))
        .find(|(amount, _)| *amount <= MAX)
        .unwrap_or((MAX, 'H'));
    HeaderValue::from_str(&format!("{amount}{unit}")).unwrap_or(HeaderValue::from_static("99999999H"))
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
    use crate::middleware::MiddlewareLayer;

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

    fn grpc_request(timeout: Option<&str>) -> http::Request<()> {
        let mut builder = http::Request::builder().header("content-type", "application/grpc");
        if let Some(timeout) = timeout {
            builder = builder.header("grpc-timeout", timeout);
        }
        builder.body(()).expect("request")
    }

    fn grpc_status(response: &http::Response<axum::body::Body>) -> Option<&str> {
        response.headers().get("grpc-status").and_then(|v| v.to_str().ok())
    }

    #[tokio::test(start_paused = true)]
    async fn the_callers_deadline_ends_a_slow_request_with_deadline_exceeded() {
        let service = MiddlewareLayer::new(DeadlineLimit::new(Duration::from_secs(30))).layer(slow_service());
        let response = service.oneshot(grpc_request(Some("100m"))).await.expect("response");
        assert_eq!(grpc_status(&response), Some("4"), "DEADLINE_EXCEEDED");
    }

    #[tokio::test(start_paused = true)]
    async fn the_server_limit_applies_without_or_above_a_deadline() {
        let service = MiddlewareLayer::new(DeadlineLimit::new(Duration::from_secs(5))).layer(slow_service());
        let started = Instant::now();
        let response = service.clone().oneshot(grpc_request(None)).await.expect("response");
        assert_eq!(grpc_status(&response), Some("4"));
        assert_eq!(started.elapsed().as_secs(), 5);
        let response = service.oneshot(grpc_request(Some("1H"))).await.expect("response");
        assert_eq!(grpc_status(&response), Some("4"), "capped at the server's own limit");
    }

    #[tokio::test(start_paused = true)]
    async fn rest_callers_get_504_in_json() {
        let service = MiddlewareLayer::new(DeadlineLimit::new(Duration::from_secs(30))).layer(slow_service());
        let request = http::Request::builder()
            .header("grpc-timeout", "20m")
            .body(())
            .expect("request");
        let response = service.oneshot(request).await.expect("response");
        assert_eq!(response.status(), StatusCode::GATEWAY_TIMEOUT);
        assert!(grpc_status(&response).is_none());
        let body = axum::body::to_bytes(response.into_body(), 4096).await.expect("body");
        let json: serde_json::Value = serde_json::from_slice(&body).expect("json");
        assert_eq!(json["error"]["status"], "DEADLINE_EXCEEDED");
    }

    /// tonic's own timer starts when the request arrives, a moment before
    /// the layer sees it, and polls the layer first when it fires: the layer
    /// must answer then, or tonic answers `CANCELLED`.
    #[tokio::test(start_paused = true)]
    async fn the_layer_answers_when_tonics_earlier_timer_fires() {
        let service = MiddlewareLayer::new(DeadlineLimit::new(Duration::from_secs(30))).layer(slow_service());
        let tonic_timer = tokio::time::sleep(Duration::from_millis(20));
        tokio::time::advance(Duration::from_millis(2)).await;
        let answer = service.oneshot(grpc_request(Some("20m")));
        let response = tokio::select! {
            biased;
            response = answer => response.expect("response"),
            () = tonic_timer => panic!("tonic's timer answered: CANCELLED"),
        };
        assert_eq!(grpc_status(&response), Some("4"));
    }

    #[test]
    fn timeouts_are_written_in_a_unit_that_keeps_them_exact_enough() {
        for timeout in [
            Duration::from_millis(1),
            Duration::from_millis(20),
            Duration::from_secs(30),
            Duration::from_secs(600),
            Duration::from_secs(100_000),
        ] {
            let value = grpc_timeout_value(timeout);
            let text = value.to_str().expect("ascii");
            assert!(text.len() <= 9, "{text}");
            let parsed = parse_grpc_timeout(text).expect("parses");
            assert!(
                parsed <= timeout && timeout - parsed < timeout / 1000 + Duration::from_nanos(1),
                "{text}"
            );
        }
        assert_eq!(grpc_timeout_value(Duration::ZERO).to_str().ok(), Some("1n"));
    }
}
