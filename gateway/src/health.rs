//! `/healthz` (the process is up) and `/readyz` (the gateway can serve: its
//! start-up work is done and the directory's database answers).
//!
//! Each backend's state is reported in `/readyz` too, but a backend that
//! does not answer only makes the answer `degraded`, still 200: a
//! load balancer must not take the whole front door (sign-in, the directory,
//! the other services) away because one service is down; calls to that
//! service get `UNAVAILABLE` naming it.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use axum::response::Response;
use http::StatusCode;
use tonic_health::pb::HealthCheckRequest;
use tonic_health::pb::health_check_response::ServingStatus;
use tonic_health::pb::health_client::HealthClient;

use vanphong_platform::db::Db;
use vanphong_platform::grpc_client::ServiceChannel;

use crate::rest::json_response;

/// What readiness depends on.
pub struct Readiness {
    pub db: Db,
    pub backends: Vec<(String, ServiceChannel)>,
    /// False until start-up work (such as loading the demo) is done.
    pub started: Arc<AtomicBool>,
}

const CHECK_TIMEOUT: Duration = Duration::from_secs(2);

pub async fn healthz() -> Response {
    json_response(&serde_json::json!({ "status": "ok" }))
}

pub async fn readyz(readiness: Arc<Readiness>) -> Response {
    let mut checks = serde_json::Map::new();
    let started = readiness.started.load(Ordering::Acquire);
    let mut ready = started;
    if !started {
        checks.insert("startup".into(), serde_json::json!("in progress"));
    }
    let db_ok = tokio::time::timeout(CHECK_TIMEOUT, readiness.db.ping())
        .await
        .is_ok_and(|r| r.is_ok());
    ready &= db_ok;
    checks.insert(
        "directory".into(),
        serde_json::json!(if db_ok { "serving" } else { "not serving" }),
    );
    let mut degraded = false;
    for (name, channel) in &readiness.backends {
        let mut request = tonic::Request::new(HealthCheckRequest { service: String::new() });
        request.set_timeout(CHECK_TIMEOUT);
        let serving = tokio::time::timeout(CHECK_TIMEOUT, HealthClient::new(channel.clone()).check(request))
            .await
            .ok()
            .and_then(Result::ok)
            .is_some_and(|r| r.get_ref().status == ServingStatus::Serving as i32);
        degraded |= !serving;
        checks.insert(
            name.clone(),
            serde_json::json!(if serving { "serving" } else { "not serving" }),
        );
    }
    let status = match (ready, degraded) {
        (false, _) => "not ready",
        (true, true) => "degraded",
        (true, false) => "ready",
    };
    let body = serde_json::json!({ "status": status, "checks": checks });
    let mut response = json_response(&body);
    if !ready {
        *response.status_mut() = StatusCode::SERVICE_UNAVAILABLE;
    }
    response
}
