//! The directory's gRPC services. Each handler validates its input (every
//! bad field named), authorizes the caller against the office tree, does its
//! work in one transaction together with the audit record (and, for create
//! calls, the idempotency key), and only then answers.

pub mod audit;
pub(crate) mod audited;
mod auth;
pub mod convert;
mod offices;
mod people;
pub mod reorganisation;
mod roles;
mod service_accounts;
mod sync;
mod throttling;
mod users;

use std::sync::Arc;

use vanphong_platform::audit_api::AuditApi;
use vanphong_platform::server::GrpcServices;
use vanphong_proto::directory::v1::audit_service_server::AuditServiceServer;
use vanphong_proto::directory::v1::auth_service_server::AuthServiceServer;
use vanphong_proto::directory::v1::office_service_server::OfficeServiceServer;
use vanphong_proto::directory::v1::reorganisation_service_server::ReorganisationServiceServer;
use vanphong_proto::directory::v1::service_account_service_server::ServiceAccountServiceServer;
use vanphong_proto::directory::v1::sync_service_server::SyncServiceServer;
use vanphong_proto::directory::v1::user_service_server::UserServiceServer;

use super::Directory;

/// Every directory service, sharing one state; `participants` are the
/// backend services asked where a reorganisation stands.
pub fn services(directory: &Arc<Directory>, participants: Vec<reorganisation::Participant>) -> GrpcServices {
    GrpcServices::new()
        .with_service(AuthServiceServer::new(auth::AuthApi::new(directory.clone())))
        .with_service(OfficeServiceServer::new(offices::OfficeApi::new(directory.clone())))
        .with_service(UserServiceServer::new(users::UserApi::new(directory.clone())))
        .with_service(ServiceAccountServiceServer::new(
            service_accounts::ServiceAccountApi::new(directory.clone()),
        ))
        .with_service(SyncServiceServer::new(sync::SyncApi::new(directory.clone())))
        .with_service(ReorganisationServiceServer::new(
            reorganisation::ReorganisationApi::new(directory.clone(), participants),
        ))
        .with_service(AuditServiceServer::new(AuditApi::new(directory.clone())))
}
