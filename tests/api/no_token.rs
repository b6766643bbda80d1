//! Every RPC of the suite refuses a caller without a token, except the few
//! that exist to get one; the directory's stream is for the suite's own
//! servers only.

use std::time::Duration;

use bytes::Bytes;
use prost_reflect::DescriptorPool;
use tokio_util::sync::CancellationToken;
use tonic::Code;

use vanphong_platform::directory::follow;
use vanphong_platform::grpc_client::{self, Addresses};
use vanphong_platform::identity::{Role, SERVICE_CREDENTIAL_HEADER, ServiceCredential};
use vanphong_proto::directory::v1::WatchDirectoryRequest;
use vanphong_proto::directory::v1::sync_service_client::SyncServiceClient;

use crate::helpers::{authed, raw_call, spawn_app};

/// The methods anyone may call: signing in and trading credentials for a
/// token, health checks and reflection.
fn is_public(service: &str, method: &str) -> bool {
    matches!(
        (service, method),
        ("vanphong.directory.v1.AuthService", "SignIn" | "Refresh" | "IssueToken")
    ) || service.starts_with("grpc.")
}

#[tokio::test]
async fn every_rpc_refuses_a_caller_without_a_token() {
    let app = spawn_app().await;
    let pool = DescriptorPool::decode(vanphong_proto::FILE_DESCRIPTOR_SET).expect("descriptors");
    let mut checked = 0;
    let mut wrong = Vec::new();
    for service in pool.services().filter(|s| s.full_name().starts_with("vanphong.")) {
        for method in service.methods() {
            if is_public(service.full_name(), method.name()) {
                continue;
            }
            checked += 1;
            let answer = tokio::time::timeout(
                Duration::from_secs(10),
                raw_call(&app.channel, &method, Bytes::new(), None),
            )
            .await
            .unwrap_or_else(|_| panic!("{} did not answer", method.full_name()));
            match answer {
                Err(status) if status.code() == Code::Unauthenticated => {}
                Err(status) => wrong.push(format!(
                    "{}: {:?} {}",
                    method.full_name(),
                    status.code(),
                    status.message()
                )),
                Ok(_) => wrong.push(format!("{}: answered", method.full_name())),
            }
        }
    }
    assert!(checked > 150, "only {checked} methods found");
    assert!(wrong.is_empty(), "answered without a token:\n{}", wrong.join("\n"));
}

#[tokio::test]
async fn the_directory_stream_is_only_for_the_suites_servers() {
    let app = spawn_app().await;
    let mut client = SyncServiceClient::new(app.channel.clone());
    let watch = || WatchDirectoryRequest { known_version: 0 };

    let refused = client.watch_directory(watch()).await.expect_err("no credential");
    assert_eq!(refused.code(), Code::Unauthenticated, "{refused:?}");

    let admin = app.token("tu", Role::Admin).await;
    let refused = client
        .watch_directory(authed(watch(), &admin))
        .await
        .expect_err("a person");
    assert_eq!(refused.code(), Code::PermissionDenied, "{refused:?}");

    let mut forged = tonic::Request::new(watch());
    forged.metadata_mut().insert(
        SERVICE_CREDENTIAL_HEADER,
        "a-guess-that-is-long-enough-to-be-a-secret".parse().expect("header"),
    );
    let refused = client.watch_directory(forged).await.expect_err("a wrong credential");
    assert_eq!(refused.code(), Code::Unauthenticated, "{refused:?}");

    // The suite's own credential is accepted.
    let credential = ServiceCredential::load(&app.settings.service_credential_file).expect("credential");
    let stop = CancellationToken::new();
    let directory = grpc_client::channel("directory", &Addresses::from(app.addr));
    let view = follow(directory, credential, Duration::from_secs(5), stop.clone())
        .await
        .expect("first snapshot");
    assert_eq!(view.current().tree.len(), 6);
    stop.cancel();
}
