//! Reorganisation end to end: when a commune is merged into another, its
//! open documents and petitions pass to the successor with their deadlines,
//! every service says where it stands, and the old office's people are told
//! where their office went.

use std::time::Duration;

use http::{Method, StatusCode};
use tonic::Code;

use vanphong::demo::DEMO_PASSWORD;
use vanphong_platform::identity::Role;
use vanphong_proto::common::v1::HandoverState;
use vanphong_proto::directory::v1::reorganisation_service_client::ReorganisationServiceClient;
use vanphong_proto::directory::v1::{
    GetHandoverStatusRequest, GetOfficeRequest, HandoverStatus, MergeOfficesRequest, SignInRequest,
};
use vanphong_proto::documents::v1::{
    DirectRequest, Direction, Document, GetDocumentRequest, ListDocumentsRequest, Status as DocumentStatus,
    SubmitToLeaderRequest,
};
use vanphong_proto::petitions::v1::{AssignHandlerRequest, GetPetitionRequest, ListPetitionsRequest, Petition};

use crate::documents_incoming::{paper, register};
use crate::helpers::{TestApp, authed, spawn_app};
use crate::petitions::support::{accept, letter, petitions, take_in};

/// Waits until every service has applied the handover of `office`.
async fn applied_everywhere(app: &TestApp, token: &str, office: &str) -> HandoverStatus {
    let mut client = ReorganisationServiceClient::new(app.channel.clone());
    let mut last = None;
    for _ in 0..100 {
        let status = client
            .get_handover_status(authed(
                GetHandoverStatusRequest {
                    office_id: office.into(),
                },
                token,
            ))
            .await
            .expect("handover status")
            .into_inner();
        if status.complete {
            return status;
        }
        last = Some(status);
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("handover not applied everywhere: {last:?}");
}

/// Bắc Lý's open work: an incoming document directed to its specialist
/// with a deadline, and a petition accepted with the specialist handling it.
async fn open_work_of_bac_ly(app: &TestApp) -> (Document, Petition) {
    let clerk = app.token("bacly", Role::Clerk).await;
    let leader = app.token("bacly", Role::Leader).await;
    let specialist = app.user_id("bacly", Role::Specialist).await;
    let document = register(app, &clerk, paper(41, "V/v rà soát đất công trước sáp nhập")).await;
    app.incoming()
        .submit_to_leader(authed(
            SubmitToLeaderRequest {
                document_id: document.id.clone(),
                leader_id: app.user_id("bacly", Role::Leader).await,
                note: String::new(),
            },
            &clerk,
        ))
        .await
        .expect("submitted");
    let document = app
        .incoming()
        .direct(authed(
            DirectRequest {
                document_id: document.id.clone(),
                lead_handler_id: specialist.clone(),
                deadline: "2026-03-20".into(),
                ..Default::default()
            },
            &leader,
        ))
        .await
        .expect("directed")
        .into_inner();
    let officer = app.token("bacly", Role::PetitionOfficer).await;
    let petition = take_in(
        app,
        &officer,
        letter("2026-02-25", "Khiếu nại việc thu hồi đất ở thôn Đông"),
    )
    .await;
    let petition = accept(app, &leader, &petition.id, &specialist, |_| {}).await;
    (document, petition)
}

async fn merge_bac_ly_into_hoang_van(app: &TestApp, date: &str, move_people: bool) {
    let admin = app.token("tu", Role::Admin).await;
    app.offices()
        .merge_offices(authed(
            MergeOfficesRequest {
                office_ids: vec![app.office_id("bacly")],
                into_office_id: app.office_id("hoangvan"),
                effective_date: date.into(),
                reason: "Nghị quyết sắp xếp đơn vị hành chính cấp xã".into(),
                move_people,
                request_id: format!("sap-nhap-{date}-{move_people}"),
            },
            &admin,
        ))
        .await
        .expect("merged");
}

async fn document(app: &TestApp, token: &str, id: &str) -> Document {
    app.queries()
        .get_document(authed(GetDocumentRequest { document_id: id.into() }, token))
        .await
        .expect("document")
        .into_inner()
}

async fn petition(app: &TestApp, token: &str, id: &str) -> Petition {
    petitions(app)
        .get_petition(authed(GetPetitionRequest { petition_id: id.into() }, token))
        .await
        .expect("petition")
        .into_inner()
}

#[tokio::test]
async fn merged_communes_open_work_passes_to_the_successor_with_its_deadlines() {
    let app = spawn_app().await;
    let (before_doc, before_petition) = open_work_of_bac_ly(&app).await;
    merge_bac_ly_into_hoang_van(&app, "2026-03-02", false).await;

    let leader = app.token("hoangvan", Role::Leader).await;
    let status = applied_everywhere(&app, &leader, &app.office_id("bacly")).await;
    let services: Vec<&str> = status.services.iter().map(|s| s.service.as_str()).collect();
    for service in ["documents", "petitions", "finance", "reporting"] {
        assert!(services.contains(&service), "{service} takes part: {services:?}");
    }
    assert_eq!(status.successor_id, app.office_id("hoangvan"));
    assert_eq!(status.effective_date, "2026-03-02");
    let documents = status
        .services
        .iter()
        .find(|s| s.service == "documents")
        .and_then(|s| s.handover.clone())
        .expect("documents' part");
    assert_eq!(documents.state, HandoverState::Applied as i32);
    let to_reassign = documents
        .counts
        .iter()
        .find(|c| c.kind == "to_reassign")
        .expect("count");
    assert!(to_reassign.count >= 1, "{documents:?}");

    // The document is in the successor's queue, back with its clerk to be
    // directed again (its handler did not move), the deadline unchanged.
    let clerk = app.token("hoangvan", Role::Clerk).await;
    let queue = app
        .queries()
        .list_documents(authed(
            ListDocumentsRequest {
                direction: Direction::Incoming as i32,
                page_size: 500,
                ..Default::default()
            },
            &clerk,
        ))
        .await
        .expect("queue")
        .into_inner();
    assert!(
        queue.documents.iter().any(|d| d.id == before_doc.id),
        "in the successor's queue"
    );
    let after_doc = document(&app, &clerk, &before_doc.id).await;
    assert_eq!(after_doc.status, DocumentStatus::Registered as i32);
    assert_eq!(
        after_doc.office_id, before_doc.office_id,
        "its incoming number stays Bắc Lý's"
    );
    let last = after_doc.events.last().expect("history");
    assert_eq!(last.kind, "handover");
    assert!(last.note.contains("Chuyển giao"), "{}", last.note);
    // …and the successor's leader directs it again.
    app.submit_and_direct(
        "hoangvan",
        &before_doc.id,
        &app.user_id("hoangvan", Role::Specialist).await,
    )
    .await;

    // The petition: in the successor's list, its deadline unchanged, waiting
    // for the successor's leader to give it a handler.
    let listed = petitions(&app)
        .list_petitions(authed(
            ListPetitionsRequest {
                page_size: 500,
                ..Default::default()
            },
            &leader,
        ))
        .await
        .expect("list")
        .into_inner();
    assert!(listed.petitions.iter().any(|p| p.id == before_petition.id));
    let after_petition = petition(&app, &leader, &before_petition.id).await;
    assert_eq!(after_petition.current_due_on, before_petition.current_due_on);
    assert_eq!(after_petition.number, before_petition.number);
    assert!(
        after_petition
            .resolving
            .as_ref()
            .is_none_or(|r| r.handler_id.is_empty()),
        "{:?}",
        after_petition.resolving
    );
    assert_eq!(after_petition.events.last().map(|e| e.kind.as_str()), Some("handover"));
    // …which they do, for every case that came over at once.
    let specialist = app.user_id("hoangvan", Role::Specialist).await;
    let assigned = petitions(&app)
        .assign_handler(authed(
            AssignHandlerRequest {
                petition_ids: vec![before_petition.id.clone()],
                handler_id: specialist.clone(),
                note: "Tiếp tục giải quyết sau sáp nhập".into(),
            },
            &leader,
        ))
        .await
        .expect("assigned")
        .into_inner();
    let reassigned = &assigned.petitions[0];
    assert_eq!(
        reassigned.resolving.as_ref().map(|r| r.handler_id.as_str()),
        Some(specialist.as_str())
    );
    assert_eq!(reassigned.current_due_on, before_petition.current_due_on);
    assert_eq!(reassigned.events.last().map(|e| e.kind.as_str()), Some("assign"));
    let empty = petitions(&app)
        .assign_handler(authed(
            AssignHandlerRequest {
                handler_id: specialist.clone(),
                ..Default::default()
            },
            &leader,
        ))
        .await
        .expect_err("nothing to assign");
    assert_eq!(crate::helpers::violated_fields(&empty), vec!["petition_ids"]);

    // Applied once: asking again changes nothing, and each item has one
    // handover line.
    applied_everywhere(&app, &leader, &app.office_id("bacly")).await;
    let again = document(&app, &clerk, &before_doc.id).await;
    assert_eq!(again.events.iter().filter(|e| e.kind == "handover").count(), 1);

    // The old office's specialist is told where the office went.
    let refused = app
        .auth()
        .sign_in(SignInRequest {
            username: app.username("bacly", Role::Specialist),
            password: DEMO_PASSWORD.into(),
        })
        .await
        .expect_err("the office has ended");
    assert_eq!(refused.code(), Code::FailedPrecondition);
    let successor = app
        .offices()
        .get_office(authed(
            GetOfficeRequest {
                office_id: app.office_id("hoangvan"),
                ..Default::default()
            },
            &leader,
        ))
        .await
        .expect("office")
        .into_inner();
    assert!(refused.message().contains(&successor.name), "{}", refused.message());
    assert!(refused.message().contains("02/03/2026"), "{}", refused.message());

    // The same status over REST.
    let path = format!("/api/v1/directory/offices/{}/handover", app.office_id("bacly"));
    let (code, body, _) = app.rest(Method::GET, &path, Some(&leader), None).await;
    assert_eq!(code, StatusCode::OK, "{body}");
    assert_eq!(body["complete"], true, "{body}");
}

#[tokio::test]
async fn people_who_move_keep_their_work_and_sign_in_to_the_successor() {
    let app = spawn_app().await;
    let (before_doc, before_petition) = open_work_of_bac_ly(&app).await;
    let specialist_id = app.user_id("bacly", Role::Specialist).await;
    merge_bac_ly_into_hoang_van(&app, "2026-03-02", true).await;
    let leader = app.token("hoangvan", Role::Leader).await;
    applied_everywhere(&app, &leader, &app.office_id("bacly")).await;

    let specialist = app.token("bacly", Role::Specialist).await;
    let who = app
        .auth()
        .who_am_i(authed(vanphong_proto::directory::v1::WhoAmIRequest {}, &specialist))
        .await
        .expect("signed in")
        .into_inner();
    assert_eq!(who.office_id, app.office_id("hoangvan"));
    let mine = app
        .queries()
        .list_documents(authed(
            ListDocumentsRequest {
                assigned_to_me: true,
                page_size: 500,
                ..Default::default()
            },
            &specialist,
        ))
        .await
        .expect("mine")
        .into_inner();
    let doc = mine
        .documents
        .iter()
        .find(|d| d.id == before_doc.id)
        .expect("still theirs");
    assert_eq!(doc.status, before_doc.status);
    assert_eq!(
        doc.handling.as_ref().map(|h| h.deadline.as_str()),
        Some("2026-03-20"),
        "the deadline does not change"
    );
    let kept = petition(&app, &leader, &before_petition.id).await;
    assert_eq!(
        kept.resolving.as_ref().map(|r| r.handler_id.as_str()),
        Some(specialist_id.as_str())
    );
}

#[tokio::test]
async fn a_handover_dated_ahead_is_pending_until_its_day() {
    let app = spawn_app().await;
    merge_bac_ly_into_hoang_van(&app, "2026-04-01", false).await;
    let admin = app.token("tu", Role::Admin).await;
    let status = ReorganisationServiceClient::new(app.channel.clone())
        .get_handover_status(authed(
            GetHandoverStatusRequest {
                office_id: app.office_id("bacly"),
            },
            &admin,
        ))
        .await
        .expect("status")
        .into_inner();
    assert!(!status.complete);
    for service in &status.services {
        let handover = service.handover.as_ref().expect("part");
        assert_eq!(handover.state, HandoverState::Pending as i32, "{service:?}");
        assert!(handover.reason.contains("01/04/2026"), "{}", handover.reason);
    }

    // Moving people before the date is refused, naming the field.
    let refused = app
        .offices()
        .merge_offices(authed(
            MergeOfficesRequest {
                office_ids: vec![app.office_id("hoangvan")],
                into_office_id: app.office_id("hiephoa"),
                effective_date: "2026-05-01".into(),
                move_people: true,
                ..Default::default()
            },
            &admin,
        ))
        .await
        .expect_err("not yet effective");
    assert_eq!(refused.code(), Code::InvalidArgument);
    assert!(crate::helpers::violated_fields(&refused).contains(&"move_people".to_string()));
}

#[tokio::test]
async fn a_merged_districts_unspent_budget_and_balances_pass_by_handover_entries() {
    use crate::finance::support::{balance_of, balances, district_line, ledger, lines};
    use vanphong_proto::finance::v1::{PostTransactionRequest, Posting, Side};

    let app = spawn_app().await;
    let (line, accountant) = district_line(&app, "hiephoa", "6551", 100_000_000).await;
    ledger(&app)
        .post_transaction(authed(
            PostTransactionRequest {
                request_id: "nhan-kinh-phi".into(),
                posted_on: "2026-03-02".into(),
                description: "Nhận kinh phí được giao".into(),
                postings: vec![
                    Posting {
                        account_code: "112".into(),
                        side: Side::Debit as i32,
                        amount: 100_000_000,
                        ..Default::default()
                    },
                    Posting {
                        account_code: "511".into(),
                        side: Side::Credit as i32,
                        amount: 100_000_000,
                        ..Default::default()
                    },
                ],
                ..Default::default()
            },
            &accountant,
        ))
        .await
        .expect("posted");
    let successor = app.token("vietyen", Role::Accountant).await;
    let held_before: i64 = lines(&app, &successor, "vietyen")
        .await
        .iter()
        .filter(|l| l.line_code == "6551")
        .map(|l| l.held)
        .sum();

    let admin = app.token("tu", Role::Admin).await;
    app.offices()
        .merge_offices(authed(
            MergeOfficesRequest {
                office_ids: vec![app.office_id("hiephoa")],
                into_office_id: app.office_id("vietyen"),
                effective_date: "2026-03-02".into(),
                reason: "Kết thúc hoạt động cấp huyện".into(),
                move_people: false,
                request_id: String::new(),
            },
            &admin,
        ))
        .await
        .expect("merged");
    let status = applied_everywhere(&app, &successor, &app.office_id("hiephoa")).await;
    let finance = status
        .services
        .iter()
        .find(|s| s.service == "finance")
        .and_then(|s| s.handover.clone())
        .expect("finance's part");
    assert!(
        finance.counts.iter().any(|c| c.kind == "budget_lines" && c.count == 1),
        "{finance:?}"
    );

    // The unspent money is the successor's now, by a handover allocation…
    let ours = lines(&app, &successor, "vietyen").await;
    let held_after: i64 = ours.iter().filter(|l| l.line_code == "6551").map(|l| l.held).sum();
    assert_eq!(held_after - held_before, 100_000_000);
    let theirs = lines(&app, &successor, "hiephoa").await;
    let old = theirs.iter().find(|l| l.id == line.id).expect("the old line");
    assert_eq!(
        old.held - old.allocated_out - old.spent - old.committed,
        0,
        "nothing left: {old:?}"
    );

    // …and the old books stand at zero while the successor's hold the cash.
    let old_books = balances(&app, &successor, "hiephoa").await;
    assert!(old_books.balances.iter().all(|a| a.balance == 0), "{old_books:?}");
    let new_books = balances(&app, &successor, "vietyen").await;
    assert_eq!(balance_of(&new_books, "112"), 100_000_000);
}
