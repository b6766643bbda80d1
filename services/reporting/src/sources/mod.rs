//! Calls to the other services, on behalf of the caller.
//!
//! Each call carries the caller's own token (so each service applies its
//! own access rules), the trace context and a deadline taken from what
//! remains of the caller's (at most [`CALL_TIMEOUT`]). A service that
//! cannot answer becomes `UNAVAILABLE` naming it — figures are never
//! silently zero.
//!
//! - [`figures`]: the documents, petitions and finance figures of a report,
//!   gathered in parallel;
//! - [`outgoing`]: the BC document that carries a report to the parent.

pub mod figures;
pub mod outgoing;

use std::time::Duration;

use vanphong_platform::grpc_client::{self, ServiceChannel, TracedChannel, traced};
use vanphong_platform::people::OnBehalf;
use vanphong_platform::{Error, config::Settings};

/// Longest wait for one call to another service.
pub const CALL_TIMEOUT: Duration = Duration::from_secs(10);

/// A service this one calls.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Service {
    Documents,
    Petitions,
    Finance,
}

impl Service {
    /// How people name it, e.g. "dịch vụ tài chính".
    pub fn name(self) -> &'static str {
        match self {
            Service::Documents => "dịch vụ văn bản",
            Service::Petitions => "dịch vụ tiếp công dân, xử lý đơn thư",
            Service::Finance => "dịch vụ tài chính",
        }
    }

    /// The same, at the start of a sentence.
    pub fn title(self) -> String {
        let name = self.name();
        let mut chars = name.chars();
        chars
            .next()
            .map(|first| first.to_uppercase().chain(chars).collect())
            .unwrap_or_default()
    }
}

/// A request to another service on behalf of the caller: their token and
/// what remains of their deadline, [`CALL_TIMEOUT`] at most.
pub(crate) trait Outbound {
    fn outbound<M>(&self, message: M) -> tonic::Request<M>;
}

impl Outbound for OnBehalf {
    fn outbound<M>(&self, message: M) -> tonic::Request<M> {
        self.request_within(message, CALL_TIMEOUT)
    }
}

/// Channels to the three services (`None` when not configured).
#[derive(Clone)]
pub struct Sources {
    documents: Option<TracedChannel>,
    petitions: Option<TracedChannel>,
    finance: Option<TracedChannel>,
}

impl Sources {
    /// Lazily connecting channels to the given addresses.
    pub fn new(
        documents: Option<ServiceChannel>,
        petitions: Option<ServiceChannel>,
        finance: Option<ServiceChannel>,
    ) -> Self {
        Self {
            documents: documents.map(traced),
            petitions: petitions.map(traced),
            finance: finance.map(traced),
        }
    }

    /// Channels to the addresses in the settings.
    pub fn from_settings(settings: &Settings) -> Self {
        let open = |name: &str| {
            settings
                .service_url(name)
                .map(|addresses| grpc_client::channel(name, addresses))
        };
        Self::new(open("documents"), open("petitions"), open("finance"))
    }

    fn channel(&self, service: Service) -> Result<TracedChannel, Error> {
        let channel = match service {
            Service::Documents => &self.documents,
            Service::Petitions => &self.petitions,
            Service::Finance => &self.finance,
        };
        channel
            .clone()
            .ok_or_else(|| Error::Unavailable(format!("Chưa cấu hình địa chỉ của {}", service.name())))
    }
}

/// The answer of a call to `service`, or what its failure means for the
/// caller ([`failure`]).
pub(crate) async fn ask<T>(
    service: Service,
    call: impl Future<Output = Result<tonic::Response<T>, tonic::Status>>,
) -> Result<T, Error> {
    call.await
        .map(tonic::Response::into_inner)
        .map_err(|status| failure(service, &status))
}

/// What a failed call means for the caller: the service's own refusals,
/// and a deadline that passed, pass through with its name; anything else is
/// `UNAVAILABLE` naming it.
pub fn failure(service: Service, status: &tonic::Status) -> Error {
    let said = || format!("{}: {}", service.title(), status.message());
    match status.code() {
        tonic::Code::PermissionDenied => Error::PermissionDenied(said()),
        tonic::Code::Unauthenticated => Error::Unauthenticated(said()),
        tonic::Code::NotFound => Error::NotFound(said()),
        tonic::Code::FailedPrecondition => Error::FailedPrecondition(said()),
        tonic::Code::AlreadyExists => Error::AlreadyExists(said()),
        tonic::Code::DeadlineExceeded => Error::DeadlineExceeded(said()),
        code => {
            tracing::warn!(
                service = service.name(),
                ?code,
                message = status.message(),
                "call failed"
            );
            Error::Unavailable(unavailable(&[service]))
        }
    }
}

/// The message for services that did not answer.
pub fn unavailable(services: &[Service]) -> String {
    let names: Vec<String> = services.iter().map(|s| format!("{} không trả lời", s.name())).collect();
    format!("Không lấy được số liệu: {}. Vui lòng thử lại sau", names.join("; "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn failures_name_the_service() {
        let e = failure(Service::Finance, &tonic::Status::unavailable("connection refused"));
        assert!(
            matches!(&e, Error::Unavailable(m) if m.contains("dịch vụ tài chính không trả lời")),
            "{e:?}"
        );
        let e = failure(Service::Documents, &tonic::Status::permission_denied("Không có quyền"));
        assert!(
            matches!(&e, Error::PermissionDenied(m) if m.starts_with("Dịch vụ văn bản: ")),
            "{e:?}"
        );
        let e = failure(Service::Petitions, &tonic::Status::internal("bug"));
        assert!(
            matches!(&e, Error::Unavailable(m) if m.contains("đơn thư không trả lời")),
            "{e:?}"
        );
        let e = failure(Service::Petitions, &tonic::Status::deadline_exceeded("slow"));
        assert!(
            matches!(&e, Error::DeadlineExceeded(m) if m.starts_with("Dịch vụ tiếp công dân, xử lý đơn thư: ")),
            "{e:?}"
        );
    }
}
