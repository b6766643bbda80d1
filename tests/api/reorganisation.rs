//! Reorganisation end to end: when a commune is merged into another, its
//! open documents and petitions pass to the successor with their deadlines,
//! every service says where it stands, and the old office's people are told
//! where their office went.

use std::time::Duration;

use http::{Method, StatusCode};
use serde_json::json;
use tonic::Code;

use vanphong::demo::DEMO_PASSWORD;
use vanphong_platform::identity::Role;
use vanphong_proto::common::v1::HandoverState;
use vanphong_proto::directory::v1::reorganisation_service_client::ReorganisationServiceClient;
use vanphong_proto::directory::v1::{
    GetHandoverStatusRequest, GetOfficeRequest, HandoverStatus, MergeOfficesRequest, SignInRequest,
};
use vanphong_proto::documents::v1::{
    DirectManyRequest, DirectRequest, Direction, Document, GetDocumentRequest, ListDocumentsRequest,
    Status as DocumentStatus, SubmitToLeaderRequest,
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
    // …and the successor's leader gives everything that came over to one
    // of its people at once, each document keeping its deadline.
    let handler = app.user_id("hoangvan", Role::Specialist).await;
    let directed = app
        .incoming()
        .direct_many(authed(
            DirectManyRequest {
                document_ids: vec![before_doc.id.clone()],
                lead_handler_id: handler.clone(),
                note: "Tiếp tục xử lý sau sáp nhập".into(),
            },
            &leader,
        ))
        .await
        .expect("directed")
        .into_inner();
    let again = &directed.documents[0];
    assert_eq!(again.status, DocumentStatus::Assigned as i32);
    assert_eq!(
        again
            .handling
            .as_ref()
            .map(|h| (h.lead_handler_id.as_str(), h.deadline.as_str())),
        Some((handler.as_str(), "2026-03-20"))
    );
    assert_eq!(again.events.last().map(|e| e.kind.as_str()), Some("direct"));
    let refused = app
        .incoming()
        .direct_many(authed(
            DirectManyRequest {
                document_ids: vec![before_doc.id.clone()],
                lead_handler_id: before_doc
                    .handling
                    .as_ref()
                    .map(|h| h.lead_handler_id.clone())
                    .unwrap_or_default(),
                note: String::new(),
            },
            &leader,
        ))
        .await
        .expect_err("not one of the successor's people");
    assert_ne!(refused.code(), Code::Internal, "{refused:?}");
    let empty = app
        .incoming()
        .direct_many(authed(
            DirectManyRequest {
                lead_handler_id: handler.clone(),
                ..Default::default()
            },
            &clerk,
        ))
        .await
        .expect_err("nothing chosen");
    assert_eq!(crate::helpers::violated_fields(&empty), vec!["document_ids"]);

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

    // The handover record (biên bản bàn giao) as the successor downloads it:
    // the line passed and the cash carried over, amounts as numbers.
    use vanphong_proto::finance::v1::ExportHandoverRecordRequest;
    use vanphong_proto::finance::v1::export_service_client::ExportServiceClient;
    let record = ExportServiceClient::new(app.channel.clone())
        .export_handover_record(authed(
            ExportHandoverRecordRequest {
                office_id: app.office_id("hiephoa"),
            },
            &successor,
        ))
        .await
        .expect("handover record")
        .into_inner();
    assert!(record.file_name.ends_with(".xlsx"), "{}", record.file_name);
    let cells = crate::helpers::spreadsheet_cells(record.content);
    let amount_of = |code: &str| {
        cells
            .iter()
            .find(|row| row.get(1).is_some_and(|c| *c == code))
            .and_then(|row| row.get(3).cloned())
    };
    assert_eq!(
        amount_of("6551"),
        Some(calamine::Data::Float(100_000_000.0)),
        "{cells:?}"
    );
    assert_eq!(
        amount_of("112"),
        Some(calamine::Data::Float(100_000_000.0)),
        "{cells:?}"
    );
    assert!(
        cells
            .iter()
            .flatten()
            .any(|c| c.to_string().contains("BIÊN BẢN BÀN GIAO")),
        "{cells:?}"
    );
    // Before a handover there is nothing to record.
    let refused = ExportServiceClient::new(app.channel.clone())
        .export_handover_record(authed(
            ExportHandoverRecordRequest {
                office_id: app.office_id("vietyen"),
            },
            &successor,
        ))
        .await
        .expect_err("vietyen has not ended");
    assert_eq!(refused.code(), Code::FailedPrecondition);
}

/// A new commune under Hiệp Hòa, to receive part of a split.
async fn new_commune(app: &TestApp, token: &str) -> vanphong_proto::directory::v1::Office {
    use vanphong_proto::directory::v1::{CreateOfficeRequest, NumberingConvention, OfficeKind};
    app.offices()
        .create_office(authed(
            CreateOfficeRequest {
                request_id: "xa-dong-tam".into(),
                code: "DU-DT".into(),
                name: "Đảng ủy xã Đồng Tâm".into(),
                kind: OfficeKind::Commune as i32,
                issuer_code: "ĐU".into(),
                numbering: NumberingConvention::Party as i32,
                parent_id: app.office_id("hiephoa"),
                established_on: "2026-01-01".into(),
            },
            token,
        ))
        .await
        .expect("created")
        .into_inner()
}

/// The count of `kind` a service's preview or handover gives for `office`
/// ("" for the successor).
fn count_for(counts: &[serde_json::Value], kind: &str, office: &str) -> i64 {
    counts
        .iter()
        .filter(|c| c["kind"] == kind && c["officeId"].as_str().unwrap_or("") == office)
        .map(|c| c["count"].as_str().and_then(|n| n.parse().ok()).unwrap_or(0))
        .sum()
}

#[tokio::test]
async fn a_split_is_previewed_then_each_persons_open_work_follows_them() {
    use vanphong_proto::directory::v1::{SplitOfficeRequest, SplitPart, WhoAmIRequest};

    let app = spawn_app().await;
    let (before_doc, before_petition) = open_work_of_bac_ly(&app).await;
    let admin = app.token("tu", Role::Admin).await;
    let dong_tam = new_commune(&app, &admin).await;
    let specialist_id = app.user_id("bacly", Role::Specialist).await;
    let leader_id = app.user_id("bacly", Role::Leader).await;
    let split = json!({
        "kind": "REORGANISATION_KIND_SPLIT",
        "officeIds": [app.office_id("bacly")],
        "successorId": app.office_id("hoangvan"),
        "parts": [{"officeId": dong_tam.id, "personIds": [specialist_id]}],
        "effectiveDate": "2026-03-02",
        "movePeople": true,
    });

    // The preview says who and what would go where, and changes nothing.
    let (code, preview, _) = app
        .rest(
            Method::POST,
            "/api/v1/directory/reorganisations/preview",
            Some(&admin),
            Some(split.clone()),
        )
        .await;
    assert_eq!(code, StatusCode::OK, "{preview}");
    let people = preview["people"].as_array().expect("people");
    let goes_to = |user: &str| {
        people
            .iter()
            .find(|p| p["userId"] == user)
            .map(|p| p["toOfficeName"].as_str().unwrap_or("").to_string())
    };
    assert_eq!(goes_to(&specialist_id).as_deref(), Some("Đảng ủy xã Đồng Tâm"));
    assert_eq!(goes_to(&leader_id).as_deref(), Some("Đảng ủy xã Hoàng Vân"));
    let services = preview["endings"][0]["services"].as_array().expect("services");
    let service = |name: &str| {
        services
            .iter()
            .find(|s| s["service"] == name)
            .unwrap_or_else(|| panic!("{name} in {preview}"))
    };
    for name in ["documents", "petitions", "finance", "reporting"] {
        assert_eq!(service(name)["unavailable"].as_str().unwrap_or(""), "", "{preview}");
    }
    let counts = |name: &str| service(name)["counts"].as_array().cloned().unwrap_or_default();
    assert_eq!(count_for(&counts("documents"), "to_part", &dong_tam.id), 1, "{preview}");
    assert_eq!(count_for(&counts("petitions"), "to_part", &dong_tam.id), 1, "{preview}");
    let province_leader = app.token("tu", Role::Leader).await;
    let unchanged = document(&app, &province_leader, &before_doc.id).await;
    assert_eq!(
        (unchanged.office_id.as_str(), unchanged.status),
        (before_doc.office_id.as_str(), before_doc.status)
    );
    assert_eq!(
        unchanged.events.len(),
        before_doc.events.len(),
        "a preview changes nothing"
    );

    // A preview is checked like the change itself.
    let (code, refused, _) = app
        .rest(
            Method::POST,
            "/api/v1/directory/reorganisations/preview",
            Some(&admin),
            Some(json!({"officeIds": [app.office_id("bacly")], "effectiveDate": "2026-03-02"})),
        )
        .await;
    assert_eq!(code, StatusCode::BAD_REQUEST, "{refused}");
    assert!(refused.to_string().contains("kind"), "{refused}");

    // The split itself, retried: one answer, applied once.
    let request = SplitOfficeRequest {
        office_id: app.office_id("bacly"),
        effective_date: "2026-03-02".into(),
        successor_id: app.office_id("hoangvan"),
        parts: vec![SplitPart {
            office_id: dong_tam.id.clone(),
            person_ids: vec![specialist_id.clone()],
            child_office_ids: Vec::new(),
        }],
        reason: "Chia tách theo đề án sắp xếp".into(),
        move_people: true,
        request_id: "chia-tach-bac-ly".into(),
    };
    let first = app
        .offices()
        .split_office(authed(request.clone(), &admin))
        .await
        .expect("split")
        .into_inner();
    assert_eq!(
        first.office.as_ref().map(|o| o.split_into.clone()),
        Some(vec![dong_tam.id.clone()])
    );
    assert_eq!(first.people_moved, 7);
    let retried = app
        .offices()
        .split_office(authed(request, &admin))
        .await
        .expect("retried")
        .into_inner();
    assert_eq!(retried, first);
    let status = applied_everywhere(&app, &admin, &app.office_id("bacly")).await;
    let documents = status
        .services
        .iter()
        .find(|s| s.service == "documents")
        .and_then(|s| s.handover.clone())
        .expect("documents' part");
    assert!(
        documents
            .counts
            .iter()
            .any(|c| c.kind == "to_part" && c.office_id == dong_tam.id && c.count == 1),
        "{documents:?}"
    );

    // The specialist signs in to Đồng Tâm and finds the work still theirs,
    // deadlines unchanged, with the transfer in its history.
    let specialist = app.token("bacly", Role::Specialist).await;
    let who = app
        .auth()
        .who_am_i(authed(WhoAmIRequest {}, &specialist))
        .await
        .expect("signed in")
        .into_inner();
    assert_eq!(who.office_id, dong_tam.id);
    let moved = document(&app, &specialist, &before_doc.id).await;
    assert_eq!(moved.office_id, dong_tam.id);
    assert_eq!(moved.status, before_doc.status);
    assert_eq!(moved.handling.as_ref().map(|h| h.deadline.as_str()), Some("2026-03-20"));
    let handovers: Vec<_> = moved.events.iter().filter(|e| e.kind == "handover").collect();
    assert_eq!(handovers.len(), 1, "applied once");
    assert!(handovers[0].note.contains("Đồng Tâm"), "{}", handovers[0].note);
    let case = petition(&app, &specialist, &before_petition.id).await;
    assert_eq!(case.office_id, dong_tam.id);
    assert_eq!(case.current_due_on, before_petition.current_due_on);
    assert_eq!(
        case.resolving.as_ref().map(|r| r.handler_id.as_str()),
        Some(specialist_id.as_str())
    );

    // The split office's records stay with the successor.
    let office = app
        .offices()
        .get_office(authed(
            GetOfficeRequest {
                office_id: app.office_id("bacly"),
                ..Default::default()
            },
            &admin,
        ))
        .await
        .expect("office")
        .into_inner();
    assert_eq!(office.successor_id, app.office_id("hoangvan"));
    assert_eq!(office.split_into, vec![dong_tam.id.clone()]);
}

#[tokio::test]
async fn a_quarter_spanning_a_merger_counts_each_office_for_its_days() {
    use crate::reporting::support::{receive_documents, receive_petitions, reports};
    use vanphong_proto::reporting::v1::{FigureTable, PeriodKind, PreviewFiguresRequest};

    let app = spawn_app().await;
    let (bac_ly, hoang_van, hiep_hoa) = (
        app.office_id("bacly"),
        app.office_id("hoangvan"),
        app.office_id("hiephoa"),
    );
    // Before the merger Bắc Lý receives 2 documents and a petition, Hoàng
    // Vân 1 document.
    receive_documents(&app, "bacly", 2, "2026-02-27").await;
    receive_petitions(&app, "bacly", 1, "2026-03-02").await;
    receive_documents(&app, "hoangvan", 1, "2026-02-27").await;
    // The merger is recorded on 6 March, effective from the 5th.
    app.clock.advance(chrono::Duration::days(4));
    merge_bac_ly_into_hoang_van(&app, "2026-03-05", false).await;
    let leader = app.token("hoangvan", Role::Leader).await;
    applied_everywhere(&app, &leader, &bac_ly).await;
    // After it, Hoàng Vân receives 3 more.
    receive_documents(&app, "hoangvan", 3, "2026-03-05").await;

    let district = app.token("hiephoa", Role::Leader).await;
    let quarter = PreviewFiguresRequest {
        office_id: hiep_hoa.clone(),
        kind: PeriodKind::Quarterly as i32,
        year: 2026,
        number: 1,
        ..Default::default()
    };
    let mut table = FigureTable::default();
    for _ in 0..50 {
        match reports(&app).preview_figures(authed(quarter.clone(), &district)).await {
            Ok(answer) => {
                table = answer.into_inner();
                break;
            }
            // The services follow the directory within moments.
            Err(status) if status.code() == Code::Unavailable => {
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
            Err(status) => panic!("figures: {status:?}"),
        }
    }
    let row = |office: &str| {
        table
            .rows
            .iter()
            .find(|r| r.office_id == office)
            .unwrap_or_else(|| panic!("a row for {office}: {table:?}"))
    };
    let received = |office: &str| {
        row(office)
            .values
            .get("documents.received")
            .copied()
            .unwrap_or_default()
    };
    assert_eq!(received(&bac_ly), 2, "Bắc Lý for its days");
    assert_eq!(received(&hoang_van), 4, "Hoàng Vân for the whole quarter");
    assert!(
        row(&bac_ly).office_name.contains("04/03/2026"),
        "{}",
        row(&bac_ly).office_name
    );
    let petitions = |office: &str| {
        ["petitions.received_single", "petitions.received_multi"]
            .iter()
            .map(|code| row(office).values.get(*code).copied().unwrap_or_default())
            .sum::<i64>()
    };
    assert_eq!(petitions(&bac_ly), 1, "{:?}", row(&bac_ly).values);
    assert_eq!(petitions(&hoang_van), 0, "{:?}", row(&hoang_van).values);
    let total = table.total.as_ref().expect("total");
    assert_eq!(total.values.get("documents.received").copied(), Some(6));
}

#[tokio::test]
async fn a_service_that_cannot_hand_over_shows_pending_then_catches_up_exactly_once() {
    use vanphong_platform::db::{Backend, query};

    let app = spawn_app().await;
    let (_, before_petition) = open_work_of_bac_ly(&app).await;
    // Another writer holds the petitions database: meanwhile that service
    // cannot hand anything over.
    let petitions_db = app.db("petitions").await;
    let mut hold = petitions_db.begin_write().await.expect("hold the database");
    if petitions_db.backend() == Backend::Postgres {
        hold.execute(query("LOCK TABLE petitions IN EXCLUSIVE MODE"))
            .await
            .expect("lock");
    }
    merge_bac_ly_into_hoang_van(&app, "2026-03-02", false).await;
    let admin = app.token("tu", Role::Admin).await;
    let mut client = ReorganisationServiceClient::new(app.channel.clone());
    let state_of = |status: &HandoverStatus, service: &str| {
        status
            .services
            .iter()
            .find(|s| s.service == service)
            .and_then(|s| s.handover.clone())
            .unwrap_or_else(|| panic!("{service} in {status:?}"))
    };
    let mut status = HandoverStatus::default();
    for _ in 0..100 {
        status = client
            .get_handover_status(authed(
                GetHandoverStatusRequest {
                    office_id: app.office_id("bacly"),
                },
                &admin,
            ))
            .await
            .expect("status")
            .into_inner();
        let others_done = ["documents", "finance", "reporting"]
            .iter()
            .all(|s| state_of(&status, s).state == HandoverState::Applied as i32);
        if others_done {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let petitions_part = state_of(&status, "petitions");
    assert_ne!(petitions_part.state, HandoverState::Applied as i32, "{status:?}");
    assert!(!petitions_part.reason.is_empty(), "says why: {petitions_part:?}");
    assert!(!status.complete, "never shown complete while a service is behind");

    // The database is back; the service catches up by itself (here nudged
    // by the next change of the directory rather than its minute).
    drop(hold);
    let leader = app.token("hoangvan", Role::Leader).await;
    new_commune(&app, &admin).await;
    applied_everywhere(&app, &leader, &app.office_id("bacly")).await;
    let after = petition(&app, &leader, &before_petition.id).await;
    assert_eq!(
        after.events.iter().filter(|e| e.kind == "handover").count(),
        1,
        "applied exactly once"
    );
    assert_eq!(after.current_due_on, before_petition.current_due_on);
}

/// The drafts the person with `token` is to submit (their "my work").
async fn drafts_to_submit(app: &TestApp, token: &str) -> i64 {
    use vanphong_proto::reporting::v1::GetMyWorkRequest;
    crate::reporting::support::reports(app)
        .get_my_work(authed(GetMyWorkRequest::default(), token))
        .await
        .expect("my work")
        .into_inner()
        .drafts_to_submit
}

#[tokio::test]
async fn the_successors_leader_gives_the_ended_offices_draft_reports_to_a_writer() {
    use crate::reporting::support::{desk, drafted, reports, submitted};
    use vanphong_proto::reporting::v1::{AssignReportsRequest, ListReportsRequest, SubmitReportRequest};

    let app = spawn_app().await;
    let bac_ly = desk(&app, "bacly").await;
    let draft = drafted(&app, "bacly", 2, &bac_ly).await;
    let january = drafted(&app, "bacly", 1, &bac_ly).await;
    let january = submitted(&app, &january.id, &bac_ly).await;
    assert_eq!(draft.writer_id, app.user_id("bacly", Role::Specialist).await);
    assert_eq!(drafts_to_submit(&app, &bac_ly.writer).await, 1);

    // Bắc Lý ends into Hoàng Vân; its specialist stays behind.
    merge_bac_ly_into_hoang_van(&app, "2026-03-02", false).await;
    let leader = app.token("hoangvan", Role::Leader).await;
    applied_everywhere(&app, &leader, &app.office_id("bacly")).await;
    let writer = app.token("hoangvan", Role::Specialist).await;
    let writer_id = app.user_id("hoangvan", Role::Specialist).await;
    assert_eq!(
        drafts_to_submit(&app, &writer).await,
        0,
        "nobody of Hoàng Vân writes it yet"
    );
    let listed = reports(&app)
        .list_reports(authed(ListReportsRequest::default(), &leader))
        .await
        .expect("Hoàng Vân's reports")
        .into_inner();
    assert!(
        listed.reports.iter().any(|r| r.id == draft.id),
        "the ended office's draft is in its successor's list: {listed:?}"
    );

    let assign = |ids: Vec<String>, writer_id: String, token: String| {
        let mut client = reports(&app);
        async move {
            client
                .assign_reports(authed(
                    AssignReportsRequest {
                        report_ids: ids,
                        writer_id,
                        note: "Hoàn thiện báo cáo tháng 2 của xã Bắc Lý".into(),
                    },
                    &token,
                ))
                .await
        }
    };
    // All or none: a submitted report is not given to another writer.
    let e = assign(
        vec![draft.id.clone(), january.id.clone()],
        writer_id.clone(),
        leader.clone(),
    )
    .await
    .expect_err("submitted");
    assert_eq!(e.code(), Code::FailedPrecondition, "{e:?}");
    assert!(e.message().contains(&january.title), "{}", e.message());
    // Only to a person of the caller's office who writes reports.
    let outsider = app.user_id("yendung", Role::Specialist).await;
    let e = assign(vec![draft.id.clone()], outsider, leader.clone())
        .await
        .expect_err("outsider");
    assert_eq!(e.code(), Code::InvalidArgument, "{e:?}");
    assert!(e.message().contains("writer_id"), "{}", e.message());
    let officer = app.user_id("hoangvan", Role::PetitionOfficer).await;
    let e = assign(vec![draft.id.clone()], officer, leader.clone())
        .await
        .expect_err("not a writer");
    assert_eq!(e.code(), Code::InvalidArgument, "{e:?}");
    assert!(
        e.message().contains("NOT_A_WRITER") || e.message().contains("chuyên viên"),
        "{}",
        e.message()
    );
    // Only a leader, and only of an office that holds the report.
    let e = assign(vec![draft.id.clone()], writer_id.clone(), writer.clone())
        .await
        .expect_err("a specialist");
    assert_eq!(e.code(), Code::PermissionDenied, "{e:?}");
    let other_leader = app.token("yendung", Role::Leader).await;
    let e = assign(
        vec![draft.id.clone()],
        app.user_id("yendung", Role::Specialist).await,
        other_leader,
    )
    .await
    .expect_err("another district");
    assert_eq!(e.code(), Code::NotFound, "{e:?}");
    let (status, body, _) = app
        .rest(
            Method::POST,
            "/api/v1/reports/assign",
            Some(&leader),
            Some(json!({"reportIds": [], "writerId": writer_id})),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert!(body.to_string().contains("report_ids"), "{body}");
    assert_eq!(drafts_to_submit(&app, &writer).await, 0, "nothing was given");

    // Over REST, as the console does.
    let (status, body, _) = app
        .rest(
            Method::POST,
            "/api/v1/reports/assign",
            Some(&leader),
            Some(json!({"reportIds": [draft.id], "writerId": writer_id, "note": "Hoàn thiện và trình"})),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let given = &body["reports"][0];
    assert_eq!(given["writerId"], writer_id.as_str(), "{body}");
    assert_eq!(given["writerName"], "Đinh Thị Kim Oanh", "{body}");
    let events = given["events"].as_array().expect("events");
    let last = events.last().expect("a line");
    assert_eq!(last["action"], "assign", "{body}");
    assert_eq!(
        last["actorName"], "Nguyễn Văn Chiến",
        "who gave it, by full name: {body}"
    );
    assert!(
        last["note"].as_str().is_some_and(|n| n.contains("Đinh Thị Kim Oanh")),
        "{body}"
    );
    assert!(events.iter().any(|e| e["action"] == "handover"), "{body}");

    // The new writer sees it in their work and notices, and submits it.
    assert_eq!(drafts_to_submit(&app, &writer).await, 1);
    assert_eq!(drafts_to_submit(&app, &bac_ly.writer).await, 0);
    let (status, body, _) = app
        .rest(Method::GET, "/api/v1/reports/notifications", Some(&writer), None)
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let notices = body["notices"].as_array().expect("notices");
    assert!(
        notices
            .iter()
            .any(|n| n["kind"] == "assigned" && n["recordId"] == draft.id.as_str()),
        "{body}"
    );
    let sent_up = crate::reporting::support::approval(&app)
        .submit_report(authed(
            SubmitReportRequest {
                report_id: draft.id.clone(),
                note: String::new(),
            },
            &writer,
        ))
        .await
        .expect("the new writer submits it")
        .into_inner();
    assert_eq!(sent_up.office_id, app.office_id("bacly"), "still Bắc Lý's report");
    assert_eq!(drafts_to_submit(&app, &writer).await, 0);

    // The successor's inspector verifies Bắc Lý's trail of reports: every
    // report, given to a writer or not, is as its last record says.
    let inspector = app.token("hoangvan", Role::Inspector).await;
    let (status, body, _) = app
        .rest(
            Method::POST,
            "/api/v1/reports/audit/verify",
            Some(&inspector),
            Some(json!({"officeId": app.office_id("bacly")})),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["intact"], true, "{body}");
}

#[tokio::test]
async fn in_the_console_the_successors_leader_gives_an_ended_offices_draft_to_a_writer() {
    use crate::console::WebClient;
    use crate::reporting::support::{desk, drafted};

    let app = spawn_app().await;
    let draft = drafted(&app, "bacly", 2, &desk(&app, "bacly").await).await;
    merge_bac_ly_into_hoang_van(&app, "2026-03-02", false).await;
    let leader = app.token("hoangvan", Role::Leader).await;
    applied_everywhere(&app, &leader, &app.office_id("bacly")).await;

    let mut console = WebClient::new(&app);
    console
        .sign_in(&app.username("hoangvan", Role::Leader), DEMO_PASSWORD)
        .await;
    let listed = console.get("/reports?year=2026").await;
    assert!(
        listed.body.contains(&format!("/reports/{}", draft.id)),
        "{}",
        listed.body
    );
    let page = console.get(&format!("/reports/{}", draft.id)).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(page.body.contains("Giao người viết báo cáo"), "{}", page.body);
    assert!(
        page.body.contains("Đinh Thị Kim Oanh"),
        "the office's people to pick from"
    );
    assert!(
        !page.body.contains("Bùi Thị Liên"),
        "only those who write reports: not the accountant"
    );
    let found = console
        .get(&format!(
            "/people?office_id={}&role=writer&q=thi",
            app.office_id("hoangvan")
        ))
        .await;
    assert!(found.body.contains("Đinh Thị Kim Oanh"), "{}", found.body);
    assert!(!found.body.contains("Bùi Thị Liên"), "{}", found.body);
    let csrf = page.csrf();
    let path = format!("/reports/{}/assign", draft.id);
    // Nobody picked: refused beside the picker, in Vietnamese.
    let refused = console
        .post_form(&path, &[("csrf", &csrf), ("writer_id", ""), ("note", "")])
        .await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST, "{}", refused.body);
    assert!(refused.body.contains("field-error"), "{}", refused.body);
    let writer_id = app.user_id("hoangvan", Role::Specialist).await;
    let given = console
        .post_form(
            &path,
            &[
                ("csrf", &csrf),
                ("writer_id", &writer_id),
                ("note", "Hoàn thiện tháng 2"),
            ],
        )
        .await;
    assert_eq!(given.status, StatusCode::SEE_OTHER, "{}", given.body);
    let page = console.get(given.location()).await;
    assert!(page.body.contains("Đã giao người viết báo cáo."), "{}", page.body);
    assert!(
        page.body.contains("<dd id=\"writer\">Đinh Thị Kim Oanh</dd>"),
        "{}",
        page.body
    );
    assert!(page.body.contains("Giao người viết"), "the history line");

    // The writer finds it among their drafts and may submit it.
    let mut writer = WebClient::new(&app);
    writer
        .sign_in(&app.username("hoangvan", Role::Specialist), DEMO_PASSWORD)
        .await;
    let drafts = writer.get("/reports?view=drafts").await;
    assert!(
        drafts.body.contains(&format!("/reports/{}", draft.id)),
        "{}",
        drafts.body
    );
    let page = writer.get(&format!("/reports/{}", draft.id)).await;
    assert!(page.body.contains("Trình lãnh đạo duyệt"), "{}", page.body);
    assert!(!page.body.contains("Giao người viết báo cáo"), "only a leader gives it");
}

#[tokio::test]
async fn the_successor_numbers_in_its_own_series_and_the_ended_offices_series_is_closed() {
    use crate::documents_outgoing::{desk, draft, number, signed, term};

    let app = spawn_app().await;
    for slug in ["bacly", "hoangvan"] {
        term(&app, slug, "Nhiệm kỳ 2025–2030", "2025-10-01", "", false).await;
    }
    let bac_ly = desk(&app, "bacly").await;
    for n in 1..=2 {
        let doc = signed(
            &app,
            &bac_ly,
            draft("CV", &format!("Công văn số {n} của xã"), vec![]),
            "T/M",
        )
        .await;
        assert_eq!(number(&app, &bac_ly, &doc.id).await.number, n);
    }
    // Signed before the merger, numbered after it.
    let waiting = signed(&app, &bac_ly, draft("CV", "Công văn chờ lấy số", vec![]), "T/M").await;
    merge_bac_ly_into_hoang_van(&app, "2026-03-02", false).await;
    let leader = app.token("hoangvan", Role::Leader).await;
    applied_everywhere(&app, &leader, &app.office_id("bacly")).await;

    // It came over as Hoàng Vân's draft, to be signed again by Hoàng Vân:
    // Bắc Lý's signature does not issue it.
    let came = document(&app, &leader, &waiting.id).await;
    assert_eq!(
        came.office_id,
        app.office_id("hoangvan"),
        "the draft became Hoàng Vân's"
    );
    assert_eq!(came.status, DocumentStatus::Draft as i32);
    assert_eq!(came.events.last().map(|e| e.kind.as_str()), Some("handover"));

    let hoang_van = desk(&app, "hoangvan").await;
    let own = signed(
        &app,
        &hoang_van,
        draft("CV", "Công văn đầu tiên sau sáp nhập", vec![]),
        "T/M",
    )
    .await;
    let numbered = number(&app, &hoang_van, &own.id).await;
    assert_eq!(numbered.number, 1, "Hoàng Vân's own first number, not Bắc Lý's third");
    assert!(
        numbered.number_symbol.starts_with("01-CV/"),
        "{}",
        numbered.number_symbol
    );
}
