//! "My work": each service counts what waits for the caller, from their
//! identity.

use chrono::Duration;
use http::{Method, StatusCode};

use vanphong_platform::identity::Role;
use vanphong_proto::documents::v1::{DirectRequest, GetMyWorkRequest, MyDocumentWork, SubmitToLeaderRequest};
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
