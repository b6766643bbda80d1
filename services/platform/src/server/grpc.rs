//! Assembling a server's gRPC services with health, reflection, auth and
//! deadlines.

use std::collections::HashMap;
use std::convert::Infallible;
use std::time::Duration;

use tonic::server::NamedService;
use tonic::service::Routes;
use tonic_health::ServingStatus;
use tonic_health::pb::health_server::HealthServer;
use tonic_health::server::HealthReporter;

use super::deadline::DeadlineLimit;
use super::health::SuiteHealth;
use crate::Error;
use crate::grpc_client::ServiceChannel;
use crate::identity::AuthState;
use crate::middleware::MiddlewareLayer;

/// A health name that answers `SERVING` as long as the process runs, for
/// liveness probes: the other names follow the database, and restarting a
/// server because its database is away would not bring it back.
pub const LIVENESS: &str = "vanphong.liveness";

/// The gRPC services of one server.
#[derive(Default)]
pub struct GrpcServices {
    routes: Routes,
    names: Vec<&'static str>,
    /// Services served elsewhere and forwarded there, by name.
    forwarded: HashMap<String, ServiceChannel>,
}

impl GrpcServices {
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a tonic service; its name is reported by health and reflection.
    pub fn with_service<S>(mut self, service: S) -> Self
    where
        S: tower::Service<http::Request<tonic::body::Body>, Error = Infallible>
            + NamedService
            + Clone
            + Send
            + Sync
            + 'static,
        S::Response: axum::response::IntoResponse,
        S::Future: Send + 'static,
    {
        self.names.push(S::NAME);
        self.routes = self.routes.add_service(service);
        self
    }

    /// Names of the services added so far.
    pub fn names(&self) -> &[&'static str] {
        &self.names
    }

    /// Services this server does not serve but forwards to the server
    /// behind `channel` (the gateway's backends): reflection lists them,
    /// and health asks that server about them. Routing their calls is the
    /// caller's business.
    pub fn with_forwarded(mut self, names: impl IntoIterator<Item = String>, channel: &ServiceChannel) -> Self {
        for name in names {
            self.forwarded.insert(name, channel.clone());
        }
        self
    }

    /// The router: the services plus `grpc.health.v1.Health` (each service
    /// reported serving, and [`LIVENESS`] always; forwarded services as their
    /// own server reports them) and reflection (v1 and v1alpha, listing the
    /// forwarded services too), behind token verification and deadlines.
    pub async fn build(
        self,
        auth: AuthState,
        max_request_time: Duration,
    ) -> Result<(axum::Router, HealthReporter), Error> {
        let reporter = HealthReporter::new();
        reporter.set_service_status(LIVENESS, ServingStatus::Serving).await;
        for name in &self.names {
            reporter.set_service_status(*name, ServingStatus::Serving).await;
        }
        let mut v1 = tonic_reflection::server::Builder::configure()
            .register_encoded_file_descriptor_set(vanphong_proto::FILE_DESCRIPTOR_SET)
            .register_encoded_file_descriptor_set(tonic_health::pb::FILE_DESCRIPTOR_SET)
            .with_service_name("grpc.health.v1.Health")
            .with_service_name("grpc.reflection.v1.ServerReflection");
        let mut v1alpha = tonic_reflection::server::Builder::configure()
            .register_encoded_file_descriptor_set(vanphong_proto::FILE_DESCRIPTOR_SET)
            .register_encoded_file_descriptor_set(tonic_health::pb::FILE_DESCRIPTOR_SET)
            .with_service_name("grpc.health.v1.Health")
            .with_service_name("grpc.reflection.v1alpha.ServerReflection");
        let forwarded = self.forwarded.keys().map(String::as_str);
        for name in self.names.iter().copied().chain(forwarded) {
            v1 = v1.with_service_name(name);
            v1alpha = v1alpha.with_service_name(name);
        }
        let health = HealthServer::new(SuiteHealth::new(reporter.clone(), self.forwarded));
        let v1 = v1.build_v1().map_err(Error::internal)?;
        let v1alpha = v1alpha.build_v1alpha().map_err(Error::internal)?;
        let router = self
            .routes
            .add_service(health)
            .add_service(v1)
            .add_service(v1alpha)
            .prepare()
            .into_axum_router()
            .layer(MiddlewareLayer::new(auth))
            .layer(MiddlewareLayer::new(DeadlineLimit::new(max_request_time)));
        Ok((router, reporter))
    }
}
