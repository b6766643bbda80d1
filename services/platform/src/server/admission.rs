//! A process-wide limit on requests in flight.

use std::sync::Arc;

use http::{Request, Response, StatusCode};
use tokio::sync::Semaphore;

use crate::middleware::{Answer, Inner, Middleware, Next};

/// Rejects a request at once when the process is at its limit, rather than
/// letting queues and latency grow: gRPC callers get `UNAVAILABLE` (which
/// they may retry elsewhere), REST callers 503. Health checks always pass.
#[derive(Debug, Clone)]
pub struct Admission {
    permits: Arc<Semaphore>,
}

impl Admission {
    pub fn new(max_in_flight: usize) -> Self {
        Self {
            permits: Arc::new(Semaphore::new(max_in_flight.max(1))),
        }
    }
}

fn is_health_check(path: &str) -> bool {
    path.starts_with("/grpc.health.v1.Health/") || path == "/healthz" || path == "/readyz"
}

impl Middleware<axum::body::Body> for Admission {
    fn call<B: Send + 'static, S: Inner<B, axum::body::Body>>(
        &self,
        request: Request<B>,
        next: Next<S>,
    ) -> Answer<axum::body::Body, S::Error> {
        if is_health_check(request.uri().path()) {
            return Box::pin(next.run(request));
        }
        match self.permits.clone().try_acquire_owned() {
            Ok(permit) => {
                let future = next.run(request);
                Box::pin(async move {
                    let response = future.await;
                    drop(permit);
                    response
                })
            }
            Err(_) => {
                tracing::warn!(path = request.uri().path(), "overloaded: request shed");
                let response = overloaded(&request);
                Box::pin(async move { Ok(response) })
            }
        }
    }
}

const OVERLOADED: &str = "Hệ thống đang quá tải, vui lòng thử lại sau giây lát";

fn overloaded<B>(request: &Request<B>) -> Response<axum::body::Body> {
    if super::is_grpc(request.headers()) {
        return tonic::Status::unavailable(OVERLOADED).into_http();
    }
    let mut response = super::json_error(StatusCode::SERVICE_UNAVAILABLE, "UNAVAILABLE", OVERLOADED);
    response
        .headers_mut()
        .insert(http::header::RETRY_AFTER, http::HeaderValue::from_static("1"));
    response
}

#[cfg(test)]
mod tests {
    use std::convert::Infallible;

    use tokio::sync::Notify;
    use tower::{Layer, Service, ServiceExt};

    use super::*;
    use crate::middleware::MiddlewareLayer;

    fn request(content_type: &str, path: &str) -> Request<()> {
        Request::builder()
            .uri(path)
            .header(http::header::CONTENT_TYPE, content_type)
            .body(())
            .expect("request")
    }

    #[tokio::test]
    async fn requests_beyond_the_limit_are_shed_until_one_finishes() {
        let gate = Arc::new(Notify::new());
        let inner_gate = gate.clone();
        let inner = tower::service_fn(move |_request: Request<()>| {
            let gate = inner_gate.clone();
            async move {
                gate.notified().await;
                Ok::<_, Infallible>(Response::new(axum::body::Body::empty()))
            }
        });
        let mut service = MiddlewareLayer::new(Admission::new(1)).layer(inner);
        let first = service
            .ready()
            .await
            .expect("ready")
            .call(request("application/grpc", "/x.Y/Z"));
        let first = tokio::spawn(first);

        let shed = service
            .clone()
            .oneshot(request("application/grpc", "/x.Y/Z"))
            .await
            .expect("answer");
        assert_eq!(shed.headers()["grpc-status"], "14", "UNAVAILABLE");
        let shed = service
            .clone()
            .oneshot(request("application/json", "/api/v1/x"))
            .await
            .expect("answer");
        assert_eq!(shed.status(), StatusCode::SERVICE_UNAVAILABLE);
        assert!(shed.headers().contains_key(http::header::RETRY_AFTER));

        gate.notify_one();
        first.await.expect("joined").expect("first finished");
        let admitted = service.clone().call(request("application/grpc", "/x.Y/Z"));
        gate.notify_one();
        let answer = admitted.await.expect("admitted");
        assert!(answer.headers().get("grpc-status").is_none(), "served, not shed");
    }
}
