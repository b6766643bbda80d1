//! Retried create calls create one record.

use http::{Method, StatusCode};

use vanphong_platform::identity::Role;
use vanphong_proto::common::v1::ListAuditRecordsRequest;
use vanphong_proto::directory::v1::audit_service_client::AuditServiceClient;
use vanphong_proto::directory::v1::{
    CreateOfficeRequest, CreateUserRequest, ListOfficesRequest, ListUsersRequest, NumberingConvention, OfficeKind,
};

use crate::helpers::{authed, spawn_app, violated_fields};

fn user(request_id: &str, office_id: String, full_name: &str) -> CreateUserRequest {
    CreateUserRequest {
        request_id: request_id.into(),
        username: "hiephoa.thuctap".into(),
        full_name: full_name.into(),
        office_id,
        roles: vec![Role::Specialist.to_wire()],
        clearance: 0,
        password: "Thuc-tap-2026".into(),
    }
}

#[tokio::test]
async fn a_retried_create_returns_the_first_result_and_creates_nothing() {
    let app = spawn_app().await;
    let admin = app.token("hiephoa", Role::Admin).await;
    let office = app.office_id("hiephoa");
    let first = app
        .users()
        .create_user(authed(user("k-1", office.clone(), "Trần Văn Thực"), &admin))
        .await
        .expect("created")
        .into_inner();
    let again = app
        .users()
        .create_user(authed(user("k-1", office.clone(), "Trần Văn Thực"), &admin))
        .await
        .expect("replayed")
        .into_inner();
    assert_eq!(first, again);

    // The same key for a different request is refused, naming the key.
    let e = app
        .users()
        .create_user(authed(user("k-1", office.clone(), "Người Khác"), &admin))
        .await
        .expect_err("reused key");
    assert_eq!(violated_fields(&e), vec!["request_id"]);

    let listed = app
        .users()
        .list_users(authed(
            ListUsersRequest {
                query: "thuctap".into(),
                ..Default::default()
            },
            &admin,
        ))
        .await
        .expect("list")
        .into_inner();
    assert_eq!(listed.users.len(), 1);
    let trail = AuditServiceClient::new(app.channel.clone())
        .list_audit_records(authed(
            ListAuditRecordsRequest {
                office_id: office,
                entity_id: first.id.clone(),
                ..Default::default()
            },
            &admin,
        ))
        .await
        .expect("trail")
        .into_inner()
        .records;
    assert_eq!(trail.len(), 1, "one audit record for one creation");
}

#[tokio::test]
async fn simultaneous_retries_create_one_office() {
    let app = spawn_app().await;
    let admin = app.token("tu", Role::Admin).await;
    let request = CreateOfficeRequest {
        request_id: "ban-tuyen-giao".into(),
        code: "BTGTU".into(),
        name: "Ban Tuyên giáo Tỉnh ủy".into(),
        kind: OfficeKind::Other as i32,
        issuer_code: "BTGTU".into(),
        numbering: NumberingConvention::Party as i32,
        parent_id: app.office_id("tu"),
        established_on: String::new(),
    };
    let mut calls = Vec::new();
    for _ in 0..8 {
        let mut client = app.offices();
        let request = authed(request.clone(), &admin);
        calls.push(tokio::spawn(async move { client.create_office(request).await }));
    }
    let mut ids = Vec::new();
    for call in calls {
        ids.push(
            call.await
                .expect("joined")
                .expect("created or replayed")
                .into_inner()
                .id,
        );
    }
    ids.dedup();
    assert_eq!(ids.len(), 1, "every retry got the same office");
    let offices = app
        .offices()
        .list_offices(authed(ListOfficesRequest::default(), &admin))
        .await
        .expect("list")
        .into_inner()
        .offices;
    assert_eq!(offices.iter().filter(|o| o.code == "BTGTU").count(), 1);

    // Over REST, a retry with the same key answers the same office.
    let body = serde_json::json!({
        "requestId": "ban-to-chuc", "code": "BTCTU", "name": "Ban Tổ chức Tỉnh ủy", "kind": "OFFICE_KIND_OTHER",
        "issuerCode": "BTCTU", "numbering": "NUMBERING_CONVENTION_PARTY", "parentId": app.office_id("tu"),
    });
    let (s1, b1, _) = app
        .rest(
            Method::POST,
            "/api/v1/directory/offices",
            Some(&admin),
            Some(body.clone()),
        )
        .await;
    let (s2, b2, _) = app
        .rest(Method::POST, "/api/v1/directory/offices", Some(&admin), Some(body))
        .await;
    assert_eq!((s1, s2), (StatusCode::OK, StatusCode::OK), "{b1} {b2}");
    assert_eq!(b1["id"], b2["id"]);
}
