//! `grpc.health.v1` for a server that also answers for services it forwards
//! to others (the gateway and its backends).
//!
//! A name the server serves itself is answered from its own reporter. A
//! forwarded service's name is asked of the server that serves it, so the
//! answer is that server's real state: what it says, or `NOT_SERVING` when
//! it cannot be reached in time. `Watch` on a forwarded name asks again
//! every [`WATCH_EVERY`] and sends each change.

use std::collections::HashMap;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use futures_util::Stream;
use tonic::{Request, Response, Status};
use tonic_health::pb::health_check_response::ServingStatus as WireStatus;
use tonic_health::pb::health_client::HealthClient;
use tonic_health::pb::health_server::Health;
use tonic_health::pb::{HealthCheckRequest, HealthCheckResponse};
use tonic_health::server::{HealthReporter, HealthService};

use super::Deadline;
use crate::grpc_client::ServiceChannel;

/// Longest wait for a forwarded service's server to answer.
const ASK_TIMEOUT: Duration = Duration::from_secs(2);

/// How often a `Watch` on a forwarded name asks again.
const WATCH_EVERY: Duration = Duration::from_secs(1);

/// The health service: local names from the reporter, forwarded ones from
/// their own servers.
pub(super) struct SuiteHealth {
    local: HealthService,
    forwarded: Arc<HashMap<String, ServiceChannel>>,
}

impl SuiteHealth {
    pub(super) fn new(reporter: HealthReporter, forwarded: HashMap<String, ServiceChannel>) -> Self {
        SuiteHealth {
            local: HealthService::from_health_reporter(reporter),
            forwarded: Arc::new(forwarded),
        }
    }
}

type Updates = Pin<Box<dyn Stream<Item = Result<HealthCheckResponse, Status>> + Send>>;

fn response(status: WireStatus) -> HealthCheckResponse {
    HealthCheckResponse { status: status as i32 }
}

/// What the server behind `channel` says of `service`.
async fn ask(channel: &ServiceChannel, service: &str, within: Duration) -> WireStatus {
    let mut request = Request::new(HealthCheckRequest {
        service: service.to_string(),
    });
    request.set_timeout(within);
    match HealthClient::new(channel.clone()).check(request).await {
        Ok(answer) => WireStatus::try_from(answer.get_ref().status).unwrap_or(WireStatus::Unknown),
        Err(status) => {
            tracing::debug!(service, code = ?status.code(), "a forwarded service's health was not told");
            WireStatus::NotServing
        }
    }
}

#[tonic::async_trait]
impl Health for SuiteHealth {
    async fn check(&self, request: Request<HealthCheckRequest>) -> Result<Response<HealthCheckResponse>, Status> {
        let Some(channel) = self.forwarded.get(&request.get_ref().service) else {
            return self.local.check(request).await;
        };
        let within = Deadline::of(&request).map_or(ASK_TIMEOUT, |d| d.remaining().min(ASK_TIMEOUT));
        let status = ask(channel, &request.get_ref().service, within).await;
        Ok(Response::new(response(status)))
    }

    type WatchStream = Updates;

    async fn watch(&self, request: Request<HealthCheckRequest>) -> Result<Response<Updates>, Status> {
        let service = request.get_ref().service.clone();
        let Some(channel) = self.forwarded.get(&service).cloned() else {
            let updates = self.local.watch(request).await?.into_inner();
            return Ok(Response::new(Box::pin(updates)));
        };
        let updates = futures_util::stream::unfold(None, move |last: Option<WireStatus>| {
            let channel = channel.clone();
            let service = service.clone();
            async move {
                if last.is_some() {
                    tokio::time::sleep(WATCH_EVERY).await;
                }
                loop {
                    let now = ask(&channel, &service, ASK_TIMEOUT).await;
                    if Some(now) != last {
                        return Some((Ok(response(now)), Some(now)));
                    }
                    tokio::time::sleep(WATCH_EVERY).await;
                }
            }
        });
        Ok(Response::new(Box::pin(updates)))
    }
}
