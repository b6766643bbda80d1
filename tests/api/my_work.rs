//! "My work": each service counts what waits for the caller, from their
//! identity.

use chrono::Duration;
use http::{Method, StatusCode};

use vanphong_platform::identity::Role;
use vanphong_proto::common::v1::{GetOfficeWorkRequest, WorkOffice};
use vanphong_proto::documents::v1::{
    DirectRequest, GetMyWorkRequest, MyDocumentWork, RegisterIncomingRequest, SubmitToLeaderRequest,
};
use vanphong_proto::petitions::v1::{GetMyWorkRequest as PetitionWorkRequest, MyPetitionWork};
use vanphong_proto::reporting::v1::{GetMyWorkRequest as ReportWorkRequest, MyReportWork};

use crate::documents_incoming::{paper, register};
use crate::helpers::{TestApp, authed, spawn_app, violated_fields};
use crate::petitions::support::{accept, letter, office, petitions, take_in};
use crate::reporting::support::{approved, desk, drafted, reports, sent, submitted, term};

async fn documents_work(app: &TestApp, token: &str) -> MyDocumentWork {
    app.queries()
        .get_my_work(authed(GetMyWorkRequest::default(), token))
        .await
        .expect("counted")
        .into_inner()
}

#[tokio::test]
async fn documents_count_each_persons_work_from_registration_to_deadline() {
    let app = spawn_app().await;
    let clerk = app.token("hiephoa", Role::Clerk).await;
    let leader = app.token("hiephoa", Role::Leader).await;
    let specialist = app.token("hiephoa", Role::Specialist).await;
    let officer = app.token("hiephoa", Role::PetitionOfficer).await;
    let first = register(&app, &clerk, paper(11, "Công văn thứ nhất")).await;
    register(&app, &clerk, paper(12, "Công văn thứ hai")).await;
    assert_eq!(documents_work(&app, &clerk).await.to_submit, 2);
    assert_eq!(
        documents_work(&app, &specialist).await.to_submit,
        0,
        "not a clerk's desk"
    );

    app.incoming()
        .submit_to_leader(authed(
            SubmitToLeaderRequest {
                document_id: first.id.clone(),
                leader_id: app.user_id("hiephoa", Role::Leader).await,
                note: String::new(),
            },
            &clerk,
        ))
        .await
        .expect("submitted");
    assert_eq!(documents_work(&app, &clerk).await.to_submit, 1);
    assert_eq!(documents_work(&app, &leader).await.awaiting_my_direction, 1);

    app.incoming()
        .direct(authed(
            DirectRequest {
                document_id: first.id.clone(),
                lead_handler_id: app.user_id("hiephoa", Role::Specialist).await,
                coordinator_ids: vec![app.user_id("hiephoa", Role::PetitionOfficer).await],
                deadline: "2026-03-04".into(),
                note: String::new(),
            },
            &leader,
        ))
        .await
        .expect("directed");
    let lead = documents_work(&app, &specialist).await;
    assert_eq!((lead.assigned_as_lead, lead.assigned_as_coordinator), (1, 0));
    assert_eq!((lead.due_soon, lead.overdue), (1, 0));
    let coordinator = documents_work(&app, &officer).await;
    assert_eq!(
        (coordinator.assigned_as_lead, coordinator.assigned_as_coordinator),
        (0, 1)
    );
    assert_eq!(documents_work(&app, &leader).await.awaiting_my_direction, 0);

    // Past the deadline.
    app.clock.advance(Duration::days(5));
    let specialist = app.token("hiephoa", Role::Specialist).await;
    let clerk = app.token("hiephoa", Role::Clerk).await;
    let late = documents_work(&app, &specialist).await;
    assert_eq!((late.due_soon, late.overdue), (0, 1));

    // Over REST, and another office counts its own.
    let (status, body, _) = app
        .rest(Method::GET, "/api/v1/documents/my-work", Some(&specialist), None)
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["overdue"], "1");
    assert_eq!(body["officeId"], app.office_id("hiephoa"));
    let sibling = app.token("vietyen", Role::Specialist).await;
    assert_eq!(documents_work(&app, &sibling).await.overdue, 0);

    let bad = app
        .queries()
        .get_my_work(authed(GetMyWorkRequest { due_within_days: 99 }, &clerk))
        .await
        .expect_err("refused");
    assert_eq!(violated_fields(&bad), vec!["due_within_days"]);
}

async fn petitions_work(app: &TestApp, token: &str) -> MyPetitionWork {
    petitions(app)
        .get_my_work(authed(PetitionWorkRequest::default(), token))
        .await
        .expect("counted")
        .into_inner()
}

#[tokio::test]
async fn petitions_count_what_to_classify_and_each_handlers_cases_and_deadlines() {
    let app = spawn_app().await;
    let o = office(&app, "hiephoa").await;
    take_in(&app, &o.officer, letter("2026-03-02", "Khiếu nại thứ nhất")).await;
    let second = take_in(&app, &o.officer, letter("2026-03-02", "Khiếu nại thứ hai")).await;
    let officer = petitions_work(&app, &o.officer).await;
    assert_eq!((officer.to_classify, officer.assigned_to_me), (2, 0));
    assert_eq!(
        petitions_work(&app, &o.specialist).await.to_classify,
        0,
        "not their desk"
    );

    accept(&app, &o.leader, &second.id, &o.specialist_id, |_| {}).await;
    assert_eq!(petitions_work(&app, &o.officer).await.to_classify, 1);
    let handler = petitions_work(&app, &o.specialist).await;
    assert_eq!((handler.assigned_to_me, handler.overdue), (1, 0));

    // Months later every deadline has passed.
    app.clock.advance(Duration::days(150));
    let o = office(&app, "hiephoa").await;
    assert_eq!(petitions_work(&app, &o.specialist).await.overdue, 1);
    assert_eq!(petitions_work(&app, &o.officer).await.overdue, 2);
    let (status, body, _) = app
        .rest(Method::GET, "/api/v1/petitions/my-work", Some(&o.leader), None)
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["overdue"], "2");
    assert_eq!(body["toClassify"], "1");
    let sibling = app.token("vietyen", Role::PetitionOfficer).await;
    assert_eq!(petitions_work(&app, &sibling).await.overdue, 0);
}

async fn reports_work(app: &TestApp, token: &str) -> MyReportWork {
    reports(app)
        .get_my_work(authed(ReportWorkRequest::default(), token))
        .await
        .expect("counted")
        .into_inner()
}

#[tokio::test]
async fn reports_count_drafts_approvals_sending_and_the_childrens_reports_to_accept() {
    let app = spawn_app().await;
    term(&app, "vietyen").await;
    let d = desk(&app, "vietyen").await;
    let report = drafted(&app, "vietyen", 2, &d).await;
    assert_eq!(reports_work(&app, &d.writer).await.drafts_to_submit, 1);
    assert_eq!(
        reports_work(&app, &d.leader).await.drafts_to_submit,
        0,
        "not their draft"
    );

    submitted(&app, &report.id, &d).await;
    assert_eq!(reports_work(&app, &d.writer).await.drafts_to_submit, 0);
    assert_eq!(reports_work(&app, &d.leader).await.to_approve, 1);
    assert_eq!(reports_work(&app, &d.writer).await.to_approve, 0, "leaders approve");

    approved(&app, &report.id, &d).await;
    assert_eq!(reports_work(&app, &d.clerk).await.to_send, 1);
    let province_leader = app.token("tu", Role::Leader).await;
    assert_eq!(reports_work(&app, &province_leader).await.children_to_accept, 0);

    sent(&app, &report.id, &d).await;
    let mine = reports_work(&app, &d.leader).await;
    assert_eq!(
        (mine.to_approve, mine.to_send, mine.due_soon, mine.overdue),
        (0, 0, 0, 0)
    );
    assert_eq!(reports_work(&app, &province_leader).await.children_to_accept, 1);
    let (status, body, _) = app
        .rest(Method::GET, "/api/v1/reports/my-work", Some(&province_leader), None)
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["childrenToAccept"], "1");
    let sibling = app.token("yendung", Role::Leader).await;
    assert_eq!(reports_work(&app, &sibling).await.children_to_accept, 0);
}

/// The rows of a roll-up as (office id, depth, parent id).
fn placed(offices: impl Iterator<Item = Option<WorkOffice>>) -> Vec<(String, i32, String)> {
    offices
        .map(|o| o.expect("office"))
        .map(|o| (o.office_id, o.depth, o.parent_id))
        .collect()
}

#[tokio::test]
async fn leaders_see_the_open_work_of_each_office_below_theirs() {
    let app = spawn_app().await;
    // Hiệp Hòa: a document in handling whose deadline passes.
    let clerk = app.token("hiephoa", Role::Clerk).await;
    let document = register(
        &app,
        &clerk,
        RegisterIncomingRequest {
            due_on: "2026-03-10".into(),
            ..paper(21, "Công văn sắp quá hạn")
        },
    )
    .await;
    app.submit_and_direct("hiephoa", &document.id, &app.user_id("hiephoa", Role::Specialist).await)
        .await;
    // Việt Yên: a petition to classify; Yên Dũng: a report being written.
    let v = office(&app, "vietyen").await;
    take_in(&app, &v.officer, letter("2026-03-02", "Khiếu nại việc cấp đất")).await;
    term(&app, "yendung").await;
    let d = desk(&app, "yendung").await;
    drafted(&app, "yendung", 2, &d).await;
    app.clock.advance(Duration::days(40));

    let province = app.token("tu", Role::Leader).await;
    let request = GetOfficeWorkRequest::default;
    let documents = app
        .queries()
        .get_office_work(authed(request(), &province))
        .await
        .expect("rolled up")
        .into_inner()
        .offices;
    let [tu, hiephoa, bacly, hoangvan, vietyen, yendung] =
        ["tu", "hiephoa", "bacly", "hoangvan", "vietyen", "yendung"].map(|slug| app.office_id(slug));
    let mut expected = vec![
        (tu.clone(), 0, String::new()),
        (hiephoa.clone(), 1, tu.clone()),
        (bacly.clone(), 2, hiephoa.clone()),
        (hoangvan.clone(), 2, hiephoa.clone()),
        (vietyen.clone(), 1, tu.clone()),
        (yendung.clone(), 1, tu.clone()),
    ];
    let mut shown = placed(documents.iter().map(|r| r.office.clone()));
    assert_eq!(shown[0], expected[0], "the leader's office first");
    let districts: Vec<&String> = shown.iter().filter(|r| r.1 == 1).map(|r| &r.0).collect();
    let hiephoa_at = shown.iter().position(|r| r.0 == hiephoa).expect("Hiệp Hòa");
    assert!(
        shown[hiephoa_at + 1..hiephoa_at + 3].iter().all(|r| r.2 == hiephoa),
        "each office followed by those below it: {shown:?}"
    );
    assert_eq!(districts.len(), 3);
    shown.sort();
    expected.sort();
    assert_eq!(shown, expected);
    let row = documents
        .iter()
        .find(|r| r.office.as_ref().is_some_and(|o| o.office_id == hiephoa))
        .expect("Hiệp Hòa's row");
    assert_eq!((row.open, row.overdue, row.due_soon), (1, 1, 0), "{row:?}");
    assert_eq!(
        row.office.as_ref().map(|o| o.office_name.as_str()),
        Some("Huyện ủy Hiệp Hòa")
    );
    assert!(
        documents
            .iter()
            .filter(|r| r.office.as_ref().is_some_and(|o| o.office_id != hiephoa))
            .all(|r| r.open == 0 && r.overdue == 0)
    );

    let petitions_rows = petitions(&app)
        .get_office_work(authed(request(), &province))
        .await
        .expect("rolled up")
        .into_inner()
        .offices;
    let row = petitions_rows
        .iter()
        .find(|r| r.office.as_ref().is_some_and(|o| o.office_id == vietyen))
        .expect("Việt Yên's row");
    assert_eq!((row.open, row.to_classify), (1, 1), "{row:?}");
    let reports_rows = reports(&app)
        .get_office_work(authed(request(), &province))
        .await
        .expect("rolled up")
        .into_inner()
        .offices;
    let row = reports_rows
        .iter()
        .find(|r| r.office.as_ref().is_some_and(|o| o.office_id == yendung))
        .expect("Yên Dũng's row");
    assert_eq!((row.unsent, row.awaiting_acceptance), (1, 0), "{row:?}");

    // Over REST, one office and those below it.
    let (status, body, _) = app
        .rest(
            Method::GET,
            &format!("/api/v1/petitions/office-work?officeId={vietyen}"),
            Some(&province),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["offices"].as_array().map(Vec::len), Some(1), "{body}");
    assert_eq!(body["offices"][0]["office"]["officeName"], "Huyện ủy Việt Yên");
    assert_eq!(body["offices"][0]["open"], "1");
    let (status, body, _) = app
        .rest(Method::GET, "/api/v1/documents/office-work", Some(&province), None)
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["offices"].as_array().map(Vec::len), Some(6), "{body}");
    let (status, body, _) = app
        .rest(Method::GET, "/api/v1/reports/office-work", Some(&province), None)
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");

    // A district's leader sees their office and its communes, nothing above
    // or beside it; other roles see none.
    let district = app.token("hiephoa", Role::Leader).await;
    let own = app
        .queries()
        .get_office_work(authed(request(), &district))
        .await
        .expect("rolled up")
        .into_inner()
        .offices;
    assert_eq!(
        placed(own.iter().map(|r| r.office.clone())).len(),
        3,
        "Hiệp Hòa, Bắc Lý, Hoàng Vân"
    );
    for office_id in [tu.clone(), vietyen.clone()] {
        let refused = petitions(&app)
            .get_office_work(authed(GetOfficeWorkRequest { office_id, ..request() }, &district))
            .await
            .expect_err("not theirs");
        assert_eq!(refused.code(), tonic::Code::PermissionDenied, "{refused:?}");
    }
    let specialist = app.token("tu", Role::Specialist).await;
    let refused = reports(&app)
        .get_office_work(authed(request(), &specialist))
        .await
        .expect_err("leaders only");
    assert_eq!(refused.code(), tonic::Code::PermissionDenied, "{refused:?}");
    let (status, body, _) = app
        .rest(Method::GET, "/api/v1/documents/office-work", Some(&specialist), None)
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    for (office_id, due_within_days, field) in [
        ("hiephoa".to_string(), 0, "office_id"),
        (String::new(), 99, "due_within_days"),
    ] {
        let bad = app
            .queries()
            .get_office_work(authed(
                GetOfficeWorkRequest {
                    office_id,
                    due_within_days,
                },
                &province,
            ))
            .await
            .expect_err("refused");
        assert_eq!(violated_fields(&bad), vec![field]);
    }
    let unknown = app
        .queries()
        .get_office_work(authed(
            GetOfficeWorkRequest {
                office_id: uuid::Uuid::new_v4().to_string(),
                ..request()
            },
            &province,
        ))
        .await
        .expect_err("no such office");
    assert_eq!(unknown.code(), tonic::Code::NotFound, "{unknown:?}");
}
