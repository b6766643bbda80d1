//! Names beside ids: documents, petitions and reports name their office and
//! the people on them, from the directory's snapshot every service follows.

use http::{Method, StatusCode};

use vanphong_platform::identity::Role;
use vanphong_proto::directory::v1::{CreateUserRequest, GetUserRequest};
use vanphong_proto::documents::v1::{DirectRequest, GetDocumentRequest, SubmitToLeaderRequest};

use crate::documents_incoming::{paper, register};
use crate::helpers::{TestApp, authed, spawn_app};
use crate::petitions::support::{accept, letter, office, take_in};
use crate::reporting::support::{desk, monthly, reports};

/// The directory's full name of the demo user of `role` in `slug`.
pub(crate) async fn full_name(app: &TestApp, slug: &str, role: Role) -> String {
    let token = app.token(slug, role).await;
    let id = app.user_id(slug, role).await;
    app.users()
        .get_user(authed(GetUserRequest { user_id: id }, &token))
        .await
        .expect("user")
        .into_inner()
        .full_name
}

#[tokio::test]
async fn a_document_names_its_office_clerk_leader_and_handlers_over_grpc_and_rest() {
    let app = spawn_app().await;
    let clerk = app.token("hiephoa", Role::Clerk).await;
    let leader = app.token("hiephoa", Role::Leader).await;
    let document = register(&app, &clerk, paper(7, "Công văn về phòng chống thiên tai")).await;
    let office_name = app.demo.office("hiephoa").expect("office").name.to_string();
    assert_eq!(document.office_name, office_name);
    assert_eq!(document.registered_by_id, app.user_id("hiephoa", Role::Clerk).await);
    assert_eq!(
        document.registered_by_name,
        full_name(&app, "hiephoa", Role::Clerk).await
    );

    app.incoming()
        .submit_to_leader(authed(
            SubmitToLeaderRequest {
                document_id: document.id.clone(),
                leader_id: app.user_id("hiephoa", Role::Leader).await,
                note: String::new(),
            },
            &clerk,
        ))
        .await
        .expect("submitted");
    let specialist = app.user_id("hiephoa", Role::Specialist).await;
    let coordinator = app.user_id("hiephoa", Role::PetitionOfficer).await;
    let directed = app
        .incoming()
        .direct(authed(
            DirectRequest {
                document_id: document.id.clone(),
                lead_handler_id: specialist.clone(),
                coordinator_ids: vec![coordinator.clone()],
                ..Default::default()
            },
            &leader,
        ))
        .await
        .expect("directed")
        .into_inner();
    let handling = directed.handling.expect("handling");
    assert_eq!(handling.leader_name, full_name(&app, "hiephoa", Role::Leader).await);
    assert_eq!(
        handling.lead_handler_name,
        full_name(&app, "hiephoa", Role::Specialist).await
    );
    assert_eq!(
        handling.coordinator_names,
        vec![full_name(&app, "hiephoa", Role::PetitionOfficer).await]
    );

    let read = app
        .queries()
        .get_document(authed(
            GetDocumentRequest {
                document_id: document.id.clone(),
            },
            &leader,
        ))
        .await
        .expect("read")
        .into_inner();
    assert_eq!(
        read.handling.expect("handling").lead_handler_name,
        handling.lead_handler_name
    );

    let (status, body, _) = app
        .rest(
            Method::GET,
            &format!("/api/v1/documents/{}", document.id),
            Some(&leader),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["officeName"], office_name);
    assert_eq!(body["registeredByName"], directed.registered_by_name.as_str());
    assert_eq!(body["handling"]["leadHandlerName"], handling.lead_handler_name.as_str());
    assert_eq!(
        body["handling"]["coordinatorNames"][0],
        handling.coordinator_names[0].as_str()
    );

    // Lists carry the names too.
    let (status, body, _) = app.rest(Method::GET, "/api/v1/documents", Some(&leader), None).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let listed = body["documents"]
        .as_array()
        .expect("documents")
        .iter()
        .find(|d| d["id"] == document.id.as_str())
        .expect("listed");
    assert_eq!(listed["handling"]["leaderName"], handling.leader_name.as_str());
}

#[tokio::test]
async fn a_person_added_to_the_directory_is_named_by_the_services_at_once() {
    let app = spawn_app().await;
    let admin = app.token("hiephoa", Role::Admin).await;
    let clerk = app.token("hiephoa", Role::Clerk).await;
    let created = app
        .users()
        .create_user(authed(
            CreateUserRequest {
                username: "tran.thi.moi".into(),
                full_name: "Trần Thị Mới".into(),
                office_id: app.office_id("hiephoa"),
                roles: vec![Role::Specialist.to_wire()],
                password: "Mat-khau-moi-2026".into(),
                ..Default::default()
            },
            &admin,
        ))
        .await
        .expect("created")
        .into_inner();
    let document = register(&app, &clerk, paper(8, "Công văn giao người mới")).await;
    app.submit_and_direct("hiephoa", &document.id, &created.id).await;
    let read = app
        .queries()
        .get_document(authed(
            GetDocumentRequest {
                document_id: document.id,
            },
            &clerk,
        ))
        .await
        .expect("read")
        .into_inner();
    assert_eq!(read.handling.expect("handling").lead_handler_name, "Trần Thị Mới");
}

#[tokio::test]
async fn a_petition_names_its_office_receiving_officer_classifier_and_handler_never_the_petitioner() {
    let app = spawn_app().await;
    let o = office(&app, "hiephoa").await;
    let petition = take_in(
        &app,
        &o.officer,
        letter("2026-03-02", "Khiếu nại về việc cấp giấy chứng nhận"),
    )
    .await;
    assert_eq!(petition.office_name, app.demo.office("hiephoa").expect("office").name);
    assert_eq!(
        petition.received_by_id,
        app.user_id("hiephoa", Role::PetitionOfficer).await
    );
    assert_eq!(
        petition.received_by_name,
        full_name(&app, "hiephoa", Role::PetitionOfficer).await
    );

    let accepted = accept(&app, &o.leader, &petition.id, &o.specialist_id, |_| {}).await;
    let specialist_name = full_name(&app, "hiephoa", Role::Specialist).await;
    assert_eq!(accepted.resolving.expect("resolving").handler_name, specialist_name);
    assert_eq!(
        accepted.classification.expect("classification").classified_by_name,
        full_name(&app, "hiephoa", Role::Leader).await
    );

    // The receiving officer, who may no longer see the petitioner once a
    // specialist handles the case, sees the officers' names and a redacted
    // petitioner.
    let (status, body, _) = app
        .rest(
            Method::GET,
            &format!("/api/v1/petitions/{}", petition.id),
            Some(&o.officer),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["resolving"]["handlerName"], specialist_name.as_str());
    assert_eq!(body["identityRedacted"], true);
    assert!(!body.to_string().contains("Nguyễn Văn An"), "{body}");
}

#[tokio::test]
async fn a_report_names_its_author() {
    let app = spawn_app().await;
    let d = desk(&app, "hiephoa").await;
    let report = reports(&app)
        .create_report(authed(monthly(&app, "hiephoa", 2), &d.writer))
        .await
        .expect("created")
        .into_inner();
    assert_eq!(
        report.created_by_name,
        full_name(&app, "hiephoa", Role::Specialist).await
    );
    assert_eq!(report.approved_by_name, "");
    let (status, body, _) = app
        .rest(
            Method::GET,
            &format!("/api/v1/reports/{}", report.id),
            Some(&d.leader),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["createdByName"], report.created_by_name.as_str());
}
