//! Bad input gets a clear error naming the field, and writes nothing.

use http::{Method, StatusCode};
use tonic::Code;

use vanphong_platform::identity::Role;
use vanphong_proto::common::v1::VerifyAuditRequest;
use vanphong_proto::directory::v1::audit_service_client::AuditServiceClient;
use vanphong_proto::directory::v1::{CreateOfficeRequest, CreateUserRequest, ListOfficesRequest, ListUsersRequest};

use crate::helpers::{TestApp, authed, spawn_app, violated_fields};

async fn counts(app: &TestApp, admin: &str) -> (usize, usize, i64) {
    let offices = app
        .offices()
        .list_offices(authed(
            ListOfficesRequest {
                include_dissolved: true,
                ..Default::default()
            },
            admin,
        ))
        .await
        .expect("offices")
        .into_inner()
        .offices
        .len();
    let users = app
        .users()
        .list_users(authed(
            ListUsersRequest {
                include_descendants: true,
                page_size: 500,
                ..Default::default()
            },
            admin,
        ))
        .await
        .expect("users")
        .into_inner()
        .users
        .len();
    let audited = AuditServiceClient::new(app.channel.clone())
        .verify_audit(authed(VerifyAuditRequest::default(), admin))
        .await
        .expect("audit")
        .into_inner()
        .records_checked;
    (offices, users, audited)
}

#[tokio::test]
async fn invalid_offices_are_refused_field_by_field() {
    let app = spawn_app().await;
    let admin = app.token_for("admin").await;
    let before = counts(&app, &admin).await;

    // First the contract, checked as the request is decoded (formats),
    // then the directory's own rules.
    let bad = CreateOfficeRequest {
        request_id: "có dấu cách".into(),
        code: "HU HH!".into(),
        name: "   ".into(),
        kind: 0,
        issuer_code: "x".repeat(40),
        numbering: 99,
        parent_id: "not-an-id".into(),
        established_on: "2025-13-01".into(),
    };
    let e = app
        .offices()
        .create_office(authed(bad.clone(), &admin))
        .await
        .expect_err("invalid");
    let mut fields = violated_fields(&e);
    fields.sort();
    assert_eq!(fields, vec!["established_on", "parent_id"]);
    let e = app
        .offices()
        .create_office(authed(
            CreateOfficeRequest {
                parent_id: app.office_id("tu"),
                established_on: "2025-12-01".into(),
                ..bad
            },
            &admin,
        ))
        .await
        .expect_err("invalid");
    let mut fields = violated_fields(&e);
    fields.sort();
    assert_eq!(
        fields,
        vec!["code", "issuer_code", "kind", "name", "numbering", "request_id"]
    );

    // An unknown parent: a well-formed id that names nothing.
    let e = app
        .offices()
        .create_office(authed(
            CreateOfficeRequest {
                code: "X-1".into(),
                name: "Đơn vị thử".into(),
                kind: 4,
                issuer_code: "ĐU".into(),
                numbering: 2,
                parent_id: uuid::Uuid::now_v7().to_string(),
                ..Default::default()
            },
            &admin,
        ))
        .await
        .expect_err("unknown parent");
    assert_eq!(e.code(), Code::NotFound);

    // A duplicate code.
    let e = app
        .offices()
        .create_office(authed(
            CreateOfficeRequest {
                code: "HU-HH".into(),
                name: "Trùng mã".into(),
                kind: 3,
                issuer_code: "HU".into(),
                numbering: 2,
                parent_id: app.office_id("tu"),
                ..Default::default()
            },
            &admin,
        ))
        .await
        .expect_err("duplicate code");
    assert_eq!(e.code(), Code::AlreadyExists);
    assert!(e.message().contains("HU-HH"));

    // Over REST: 400 with the violations, also for malformed JSON and unknown fields.
    let (status, body, _) = app
        .rest(
            Method::POST,
            "/api/v1/directory/offices",
            Some(&admin),
            Some(serde_json::json!({"name": "", "parentId": app.office_id("tu")})),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let violations = body["error"]["details"][0]["fieldViolations"]
        .as_array()
        .expect("violations");
    let named: Vec<&str> = violations.iter().filter_map(|v| v["field"].as_str()).collect();
    assert!(named.contains(&"name") && named.contains(&"code"), "{body}");
    let (status, body, _) = app
        .rest(
            Method::POST,
            "/api/v1/directory/offices",
            Some(&admin),
            Some(serde_json::json!({"colour": "red"})),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["error"]["details"][0]["fieldViolations"][0]["field"], "colour");
    let (status, _, _) = app
        .rest(
            Method::GET,
            "/api/v1/directory/offices?asOf=hôm-nay",
            Some(&admin),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let (status, _, _) = app
        .rest(Method::GET, "/api/v1/directory/offices?nonsense=1", Some(&admin), None)
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);

    assert_eq!(counts(&app, &admin).await, before, "nothing was written");
}

#[tokio::test]
async fn invalid_users_are_refused_field_by_field() {
    let app = spawn_app().await;
    let admin = app.token_for("admin").await;
    let before = counts(&app, &admin).await;
    let e = app
        .users()
        .create_user(authed(
            CreateUserRequest {
                request_id: String::new(),
                username: "Nguyễn Văn A".into(),
                full_name: String::new(),
                office_id: app.office_id("tu"),
                roles: vec![Role::Clerk.to_wire(), 42],
                clearance: 9,
                password: "ngan".into(),
            },
            &admin,
        ))
        .await
        .expect_err("invalid");
    let mut fields = violated_fields(&e);
    fields.sort();
    assert_eq!(
        fields,
        vec!["clearance", "full_name", "password", "roles[1]", "username"]
    );

    let e = app
        .users()
        .create_user(authed(
            CreateUserRequest {
                username: "hiephoa.vanthu".into(),
                full_name: "Trùng tên đăng nhập".into(),
                office_id: app.office_id("hiephoa"),
                roles: vec![Role::Clerk.to_wire()],
                password: "Mat-khau-dai-2026".into(),
                ..Default::default()
            },
            &admin,
        ))
        .await
        .expect_err("taken");
    assert_eq!(e.code(), Code::AlreadyExists);

    // Without roles, and an over-long name: past the contract's 300
    // characters it is refused as the request is decoded; past the
    // directory's own 200, by the directory with the missing roles.
    let roleless = |full_name: String| CreateUserRequest {
        username: "tu.khong.vai.tro".into(),
        full_name,
        office_id: app.office_id("tu"),
        password: "Mat-khau-dai-2026".into(),
        ..Default::default()
    };
    let e = app
        .users()
        .create_user(authed(roleless("Tên ".repeat(100)), &admin))
        .await
        .expect_err("too long");
    assert_eq!(violated_fields(&e), vec!["full_name"]);
    let e = app
        .users()
        .create_user(authed(roleless("Tên ".repeat(60)), &admin))
        .await
        .expect_err("no roles");
    let mut fields = violated_fields(&e);
    fields.sort();
    assert_eq!(fields, vec!["full_name", "roles"]);

    assert_eq!(counts(&app, &admin).await, before, "nothing was written");
}
