//! Other servers follow the directory without a call per request.

use std::time::Duration;

use tokio_util::sync::CancellationToken;

use vanphong_platform::directory::follow;
use vanphong_platform::grpc_client::{self, Addresses};
use vanphong_platform::identity::{Role, ServiceCredential};
use vanphong_proto::directory::v1::{MoveOfficeRequest, SignOutRequest};

use crate::helpers::{authed, spawn_app};

#[tokio::test]
async fn a_follower_sees_restructurings_and_revocations_as_they_happen() {
    let app = spawn_app().await;
    let stop = CancellationToken::new();
    let directory = grpc_client::channel("directory", &Addresses::from(app.addr));
    let credential = ServiceCredential::load(&app.settings.service_credential_file).expect("credential");
    let mut view = follow(directory, credential, Duration::from_secs(5), stop.clone())
        .await
        .expect("first snapshot");
    let snapshot = view.current();
    assert_eq!(snapshot.tree.len(), 6);
    let bacly: uuid::Uuid = app.office_id("bacly").parse().expect("id");
    let vietyen: uuid::Uuid = app.office_id("vietyen").parse().expect("id");
    let today = vanphong_platform::clock::local_date(crate::helpers::start_time());
    assert_eq!(
        snapshot.tree.parent_on(bacly, today),
        Some(app.office_id("hiephoa").parse().expect("id"))
    );

    let admin = app.token("tu", Role::Admin).await;
    app.offices()
        .move_office(authed(
            MoveOfficeRequest {
                office_id: bacly.to_string(),
                new_parent_id: vietyen.to_string(),
                effective_date: "2026-03-01".into(),
                reason: String::new(),
            },
            &admin,
        ))
        .await
        .expect("moved");
    tokio::time::timeout(Duration::from_secs(5), async {
        while view.current().tree.parent_on(bacly, today) != Some(vietyen) {
            view.changed().await;
        }
    })
    .await
    .expect("the follower learned of the move");

    // A signed-out session reaches the follower as revoked.
    let session_token = app.token("bacly", Role::Clerk).await;
    let session = app
        .auth()
        .who_am_i(authed(vanphong_proto::directory::v1::WhoAmIRequest {}, &session_token))
        .await
        .expect("me")
        .into_inner()
        .session_id
        .parse()
        .expect("id");
    app.auth()
        .sign_out(authed(SignOutRequest { everywhere: false }, &session_token))
        .await
        .expect("signed out");
    tokio::time::timeout(Duration::from_secs(5), async {
        while !view.current().is_revoked(session) {
            view.changed().await;
        }
    })
    .await
    .expect("the follower learned of the revocation");
    stop.cancel();
}
