//! Incoming documents: registration, numbering, duplicates, the flow,
//! access, deadlines and search.

use chrono::{Duration, TimeZone, Utc};
use http::{Method, StatusCode};
use tonic::Code;

use vanphong_platform::identity::Role;
use vanphong_proto::common::v1::{ListAuditRecordsRequest, VerifyAuditRequest};
use vanphong_proto::documents::v1::audit_service_client::AuditServiceClient as DocumentsAuditClient;
use vanphong_proto::documents::v1::{
    AddProgressRequest, CompleteRequest, DirectRequest, Document, FileRequest, GetDocumentRequest,
    ListDocumentsRequest, RegisterIncomingRequest, Status, SubmitToLeaderRequest,
};

use crate::helpers::{TestApp, authed, spawn_app, violated_fields};

/// A paper letter from the district's people's committee.
pub(crate) fn paper(number: i64, subject: &str) -> RegisterIncomingRequest {
    RegisterIncomingRequest {
        type_code: "CV".into(),
        subject: subject.into(),
        number,
        symbol: "UBND-VP".into(),
        issued_on: "2026-02-20".into(),
        issuer_name: "Ủy ban nhân dân huyện Hiệp Hòa".into(),
        issuer_code: "UBND".into(),
        signer_name: "Nguyễn Văn Hải".into(),
        pages: 2,
        ..Default::default()
    }
}

pub(crate) async fn register(app: &TestApp, token: &str, request: RegisterIncomingRequest) -> Document {
    app.incoming()
        .register_incoming(authed(request, token))
        .await
        .expect("registered")
        .into_inner()
}

#[tokio::test]
async fn fifty_concurrent_registrations_get_numbers_one_to_fifty() {
    let app = spawn_app().await;
    let clerk = app.token("hiephoa", Role::Clerk).await;
    let mut calls = Vec::new();
    for n in 1..=50 {
        let mut client = app.incoming();
        // Half with a request id (registered in a transaction that
        // remembers the answer), half without (one statement on
        // PostgreSQL): both take numbers from one series and records from
        // one chain.
        let mut registration = paper(n, &format!("Công văn số {n} về công tác tháng 3"));
        if n % 2 == 0 {
            registration.request_id = format!("reg-{n}");
        }
        let request = authed(registration, &clerk);
        calls.push(tokio::spawn(async move { client.register_incoming(request).await }));
    }
    let mut numbers = Vec::new();
    for call in calls {
        let document = call.await.expect("joined").expect("registered").into_inner();
        assert_eq!(document.arrival_year, 2026);
        numbers.push(document.arrival_number);
    }
    numbers.sort();
    assert_eq!(numbers, (1..=50).collect::<Vec<i64>>(), "gap-free, never repeated");

    // Each registration's audit record is chained after the one before it,
    // however the fifty interleaved.
    let inspector = app.token("hiephoa", Role::Inspector).await;
    let report = DocumentsAuditClient::new(app.channel.clone())
        .verify_audit(authed(
            VerifyAuditRequest {
                office_id: app.office_id("hiephoa"),
            },
            &inspector,
        ))
        .await
        .expect("verify")
        .into_inner();
    assert!(report.intact, "{report:?}");
    assert_eq!(report.records_checked, 50);
    // Each record names the number its registration took.
    let mut named: Vec<String> = Vec::new();
    let mut page_token = String::new();
    loop {
        let page = DocumentsAuditClient::new(app.channel.clone())
            .list_audit_records(authed(
                ListAuditRecordsRequest {
                    office_id: app.office_id("hiephoa"),
                    page_token: page_token.clone(),
                    ..Default::default()
                },
                &inspector,
            ))
            .await
            .expect("records")
            .into_inner();
        for record in &page.records {
            let after: serde_json::Value = serde_json::from_str(&record.after_json).expect("after");
            named.push(after["arrival"].as_str().unwrap_or_default().to_string());
        }
        if page.next_page_token.is_empty() {
            break;
        }
        page_token = page.next_page_token;
    }
    named.sort_by_key(|a| a.split('/').next().and_then(|n| n.parse::<i64>().ok()));
    assert_eq!(named, (1..=50).map(|n| format!("{n}/2026")).collect::<Vec<_>>());

    // Another office counts on its own.
    let other = app.token("vietyen", Role::Clerk).await;
    assert_eq!(
        register(&app, &other, paper(1, "Công văn khác")).await.arrival_number,
        1
    );
}

#[tokio::test]
async fn a_registration_is_stored_with_its_distribution_and_history() {
    let app = spawn_app().await;
    let clerk = app.token("hiephoa", Role::Clerk).await;
    let clerk_id = app.user_id("hiephoa", Role::Clerk).await;
    let specialist_id = app.user_id("hiephoa", Role::Specialist).await;
    let mut letter = paper(12, "Công văn về lịch tiếp công dân");
    // The clerk named twice: once by hand, once as the one registering.
    letter.distribution = vec![specialist_id.clone(), clerk_id.clone()];
    let registered = register(&app, &clerk, letter).await;

    // Read back from the database, not from the registration's answer.
    let stored = app
        .queries()
        .get_document(authed(
            GetDocumentRequest {
                document_id: registered.id.clone(),
            },
            &clerk,
        ))
        .await
        .expect("read")
        .into_inner();
    let mut expected = vec![clerk_id, specialist_id];
    expected.sort();
    let mut distribution = stored.distribution.clone();
    distribution.sort();
    assert_eq!(distribution, expected);
    let kinds: Vec<&str> = stored.events.iter().map(|e| e.kind.as_str()).collect();
    assert_eq!(kinds, vec!["register"]);
    assert_eq!((stored.arrival_year, stored.arrival_number), (2026, 1));
    assert_eq!(stored.subject, "Công văn về lịch tiếp công dân");
    assert_eq!(stored, registered, "the answer is what a later read shows");
}

#[tokio::test]
async fn incoming_numbers_restart_at_local_midnight_on_new_year() {
    let app = spawn_app().await;
    // 31 December 2026, 23:59 in Hà Nội (16:59 UTC).
    app.clock
        .set(Utc.with_ymd_and_hms(2026, 12, 31, 16, 59, 0).single().expect("time"));
    let clerk = app.token("yendung", Role::Clerk).await;
    let mut late = paper(1, "Văn bản cuối năm");
    late.issued_on = "2026-12-31".into();
    let first = register(&app, &clerk, late.clone()).await;
    late.number = 2;
    let second = register(&app, &clerk, late).await;
    assert_eq!((first.arrival_year, first.arrival_number), (2026, 1));
    assert_eq!((second.arrival_year, second.arrival_number), (2026, 2));

    // Two minutes later it is 1 January 2027 in Hà Nội, though still 2026 in UTC.
    app.clock.advance(Duration::minutes(2));
    let mut new_year = paper(3, "Văn bản đầu năm");
    new_year.issued_on = "2026-12-31".into();
    let third = register(&app, &clerk, new_year).await;
    assert_eq!((third.arrival_year, third.arrival_number), (2027, 1));
}

#[tokio::test]
async fn a_document_is_registered_once() {
    let app = spawn_app().await;
    let clerk = app.token("hiephoa", Role::Clerk).await;
    let first = register(&app, &clerk, paper(12, "Về việc chuẩn bị đại hội")).await;

    // Same issuer, number, symbol and date — typed differently.
    let mut again = paper(12, "Về việc chuẩn bị đại hội (bản sao)");
    again.symbol = "ubnd - vp".into();
    again.issuer_code = "ubnd".into();
    let e = app
        .incoming()
        .register_incoming(authed(again, &clerk))
        .await
        .expect_err("duplicate");
    assert_eq!(e.code(), Code::AlreadyExists);
    assert_eq!(
        crate::helpers::duplicated_record(&e),
        Some(("document".to_string(), first.id.clone())),
        "names the registration: {e:?}"
    );
    assert!(e.message().contains("số đến"), "says which in words: {}", e.message());
    assert!(e.message().contains("1/2026"), "{}", e.message());

    // The same electronic id.
    let mut electronic = paper(13, "Văn bản điện tử");
    electronic.channel = 2;
    electronic.electronic_id = "000.00.00.H04-260220-0013".into();
    register(&app, &clerk, electronic.clone()).await;
    let mut again = paper(99, "Cùng mã điện tử");
    again.channel = 2;
    again.electronic_id = electronic.electronic_id;
    let e = app
        .incoming()
        .register_incoming(authed(again, &clerk))
        .await
        .expect_err("duplicate id");
    assert_eq!(e.code(), Code::AlreadyExists);

    // A retry with the same key is the first registration, not a duplicate.
    let mut keyed = paper(14, "Có khóa chống trùng");
    keyed.request_id = "reg-14".into();
    let a = register(&app, &clerk, keyed.clone()).await;
    let b = register(&app, &clerk, keyed).await;
    assert_eq!(a.id, b.id);
    let next = register(&app, &clerk, paper(15, "Tiếp theo")).await;
    assert_eq!(next.arrival_number, a.arrival_number + 1, "the retry took no number");
}

#[tokio::test]
async fn bad_registrations_name_the_field_and_write_nothing() {
    let app = spawn_app().await;
    let clerk = app.token("hiephoa", Role::Clerk).await;
    let mut bad = paper(1, "");
    bad.type_code = "XYZ".into();
    bad.issued_on = "2026-02-30".into();
    bad.due_on = "2026-01-01".into();
    bad.arrival_number = 7;
    bad.urgency = 9;
    // The contract (a date that does not exist) is checked as the request
    // is decoded, before the service's own checks.
    let e = app
        .incoming()
        .register_incoming(authed(bad.clone(), &clerk))
        .await
        .expect_err("invalid");
    assert_eq!(violated_fields(&e), vec!["issued_on"]);
    bad.issued_on = "2026-02-28".into();
    let e = app
        .incoming()
        .register_incoming(authed(bad, &clerk))
        .await
        .expect_err("invalid");
    let mut fields = violated_fields(&e);
    fields.sort();
    assert_eq!(fields, vec!["arrival_number", "due_on", "subject", "urgency"]);

    let mut early_due = paper(2, "Hạn trước ngày văn bản");
    early_due.due_on = "2026-02-01".into();
    let e = app
        .incoming()
        .register_incoming(authed(early_due, &clerk))
        .await
        .expect_err("due");
    assert_eq!(violated_fields(&e), vec!["due_on"]);

    // Without a request id and with one, a registration takes different
    // ways to the database (on PostgreSQL one statement, or a transaction
    // that remembers its answer); an unknown type is refused either way.
    for request_id in [String::new(), uuid::Uuid::now_v7().to_string()] {
        let mut unknown = paper(3, "Loại lạ");
        unknown.type_code = "XYZ".into();
        unknown.request_id = request_id;
        let e = app
            .incoming()
            .register_incoming(authed(unknown, &clerk))
            .await
            .expect_err("type");
        assert_eq!(violated_fields(&e), vec!["type_code"]);
    }

    let mut future = paper(4, "Ngày tương lai");
    future.issued_on = "2026-12-01".into();
    let e = app
        .incoming()
        .register_incoming(authed(future, &clerk))
        .await
        .expect_err("future");
    assert_eq!(violated_fields(&e), vec!["issued_on"]);

    let (status, body, _) = app
        .rest(
            Method::POST,
            "/api/v1/documents/incoming",
            Some(&clerk),
            Some(serde_json::json!({"typeCode": "CV", "subject": "", "issuedOn": "2026-02-20", "issuerName": ""})),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");

    let listed = app
        .queries()
        .list_documents(authed(ListDocumentsRequest::default(), &clerk))
        .await
        .expect("list")
        .into_inner();
    assert!(listed.documents.is_empty(), "nothing registered");
    let ok = register(&app, &clerk, paper(5, "Hợp lệ")).await;
    assert_eq!(ok.arrival_number, 1, "no number was used by the refused attempts");
}

#[tokio::test]
async fn the_flow_from_registration_to_filing() {
    let app = spawn_app().await;
    let clerk = app.token("hiephoa", Role::Clerk).await;
    let leader = app.token("hiephoa", Role::Leader).await;
    let specialist = app.token("hiephoa", Role::Specialist).await;
    let leader_id = app.user_id("hiephoa", Role::Leader).await;
    let specialist_id = app.user_id("hiephoa", Role::Specialist).await;
    let accountant_id = app.user_id("hiephoa", Role::Accountant).await;
    let doc = register(&app, &clerk, paper(21, "Đề nghị báo cáo kết quả quý I")).await;

    // Filing before it is handled: refused, naming both states.
    let e = app
        .incoming()
        .file(authed(
            FileRequest {
                document_id: doc.id.clone(),
                file_reference: "HS-01".into(),
            },
            &clerk,
        ))
        .await
        .expect_err("too early");
    assert_eq!(e.code(), Code::FailedPrecondition);
    assert!(
        e.message().contains("lập hồ sơ") && e.message().contains("Đã vào sổ"),
        "{}",
        e.message()
    );

    let submitted = app
        .incoming()
        .submit_to_leader(authed(
            SubmitToLeaderRequest {
                document_id: doc.id.clone(),
                leader_id: leader_id.clone(),
                note: String::new(),
            },
            &clerk,
        ))
        .await
        .expect("submitted")
        .into_inner();
    assert_eq!(submitted.status, Status::Submitted as i32);

    // A specialist cannot direct; a leader of another office cannot even see it.
    let e = app
        .incoming()
        .direct(authed(
            DirectRequest {
                document_id: doc.id.clone(),
                lead_handler_id: specialist_id.clone(),
                ..Default::default()
            },
            &specialist,
        ))
        .await
        .expect_err("not a leader");
    assert_eq!(e.code(), Code::PermissionDenied);
    // A handler from another office is refused.
    let other_office_user = app.user_id("vietyen", Role::Specialist).await;
    let e = app
        .incoming()
        .direct(authed(
            DirectRequest {
                document_id: doc.id.clone(),
                lead_handler_id: other_office_user,
                ..Default::default()
            },
            &leader,
        ))
        .await
        .expect_err("not of this office");
    assert_eq!(violated_fields(&e), vec!["lead_handler_id"]);

    let directed = app
        .incoming()
        .direct(authed(
            DirectRequest {
                document_id: doc.id.clone(),
                lead_handler_id: specialist_id.clone(),
                coordinator_ids: vec![accountant_id.clone()],
                deadline: "2026-03-10".into(),
                note: "Đồng chí chủ trì, phối hợp kế toán, báo cáo trước ngày 10/3".into(),
            },
            &leader,
        ))
        .await
        .expect("directed")
        .into_inner();
    let handling = directed.handling.expect("handling");
    assert_eq!(handling.lead_handler_id, specialist_id);
    assert_eq!(handling.coordinator_ids, vec![accountant_id]);
    assert_eq!(handling.deadline, "2026-03-10");

    // The specialist finds it among their work.
    let mine = app
        .queries()
        .list_documents(authed(
            ListDocumentsRequest {
                assigned_to_me: true,
                ..Default::default()
            },
            &specialist,
        ))
        .await
        .expect("mine")
        .into_inner();
    assert_eq!(mine.documents.len(), 1);

    app.incoming()
        .add_progress(authed(
            AddProgressRequest {
                document_id: doc.id.clone(),
                note: "Đã tổng hợp số liệu".into(),
            },
            &specialist,
        ))
        .await
        .expect("progress");
    let done = app
        .incoming()
        .complete(authed(
            CompleteRequest {
                document_id: doc.id.clone(),
                ..Default::default()
            },
            &specialist,
        ))
        .await
        .expect("done")
        .into_inner();
    assert_eq!(done.status, Status::Done as i32);
    let filed = app
        .incoming()
        .file(authed(
            FileRequest {
                document_id: doc.id.clone(),
                file_reference: "HS-2026-01".into(),
            },
            &clerk,
        ))
        .await
        .expect("filed")
        .into_inner();
    assert_eq!(filed.status, Status::Filed as i32);
    let kinds: Vec<&str> = filed.events.iter().map(|e| e.kind.as_str()).collect();
    assert_eq!(
        kinds,
        vec!["register", "submit", "direct", "progress", "complete", "file"]
    );

    // The same document over REST.
    let (status, body, _) = app
        .rest(
            Method::GET,
            &format!("/api/v1/documents/{}", doc.id),
            Some(&leader),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["status"], "STATUS_FILED");
    assert_eq!(body["numberSymbol"], "21/UBND-VP");
}

#[tokio::test]
async fn siblings_see_nothing_and_parents_read_without_acting() {
    let app = spawn_app().await;
    let clerk = app.token("hiephoa", Role::Clerk).await;
    let doc = register(&app, &clerk, paper(31, "Văn bản của Hiệp Hòa")).await;

    let sibling = app.token("vietyen", Role::Leader).await;
    let e = app
        .queries()
        .get_document(authed(
            GetDocumentRequest {
                document_id: doc.id.clone(),
            },
            &sibling,
        ))
        .await
        .expect_err("sibling");
    assert_eq!(e.code(), Code::NotFound);
    let e = app
        .queries()
        .list_documents(authed(
            ListDocumentsRequest {
                office_id: app.office_id("hiephoa"),
                ..Default::default()
            },
            &sibling,
        ))
        .await
        .expect_err("sibling list");
    assert_eq!(e.code(), Code::PermissionDenied);

    let province_leader = app.token("tu", Role::Leader).await;
    let seen = app
        .queries()
        .get_document(authed(
            GetDocumentRequest {
                document_id: doc.id.clone(),
            },
            &province_leader,
        ))
        .await
        .expect("a parent's leader reads")
        .into_inner();
    assert_eq!(seen.subject, "Văn bản của Hiệp Hòa");
    let province_leader_id = app.user_id("hiephoa", Role::Specialist).await;
    let e = app
        .incoming()
        .direct(authed(
            DirectRequest {
                document_id: doc.id.clone(),
                lead_handler_id: province_leader_id,
                ..Default::default()
            },
            &province_leader,
        ))
        .await
        .expect_err("read only");
    assert_eq!(e.code(), Code::PermissionDenied);
}

#[tokio::test]
async fn secret_documents_need_clearance_and_distribution() {
    let app = spawn_app().await;
    let clerk = app.token("hiephoa", Role::Clerk).await;
    let leader = app.token("hiephoa", Role::Leader).await;
    let specialist = app.token("hiephoa", Role::Specialist).await;
    let mut secret = paper(41, "Tài liệu mật về công tác nhân sự");
    secret.secrecy = 1;
    let doc = register(&app, &clerk, secret).await;

    // The leader is cleared but not named yet; the specialist is neither.
    for token in [&leader, &specialist] {
        let e = app
            .queries()
            .get_document(authed(
                GetDocumentRequest {
                    document_id: doc.id.clone(),
                },
                token,
            ))
            .await
            .expect_err("not named");
        assert_eq!(e.code(), Code::NotFound);
        let listed = app
            .queries()
            .list_documents(authed(ListDocumentsRequest::default(), token))
            .await
            .expect("list")
            .into_inner();
        assert!(listed.documents.is_empty());
    }
    let leader_id = app.user_id("hiephoa", Role::Leader).await;
    app.incoming()
        .submit_to_leader(authed(
            SubmitToLeaderRequest {
                document_id: doc.id.clone(),
                leader_id,
                note: String::new(),
            },
            &clerk,
        ))
        .await
        .expect("submitted");
    app.queries()
        .get_document(authed(
            GetDocumentRequest {
                document_id: doc.id.clone(),
            },
            &leader,
        ))
        .await
        .expect("the leader it was submitted to sees it");

    // The specialist has no clearance: they cannot be made its handler.
    let specialist_id = app.user_id("hiephoa", Role::Specialist).await;
    let e = app
        .incoming()
        .direct(authed(
            DirectRequest {
                document_id: doc.id.clone(),
                lead_handler_id: specialist_id,
                ..Default::default()
            },
            &leader,
        ))
        .await
        .expect_err("not cleared");
    assert_eq!(violated_fields(&e), vec!["lead_handler_id"]);
}

#[tokio::test]
async fn overdue_documents_show_as_time_passes() {
    let app = spawn_app().await;
    let clerk = app.token("bacly", Role::Clerk).await;
    let mut due = paper(51, "Báo cáo tình hình thực hiện nghị quyết");
    due.due_on = "2026-03-05".into();
    let doc = register(&app, &clerk, due).await;
    register(&app, &clerk, paper(52, "Không có hạn")).await;
    let overdue = |app: &TestApp, token: String| {
        let mut q = app.queries();
        async move {
            q.list_documents(authed(
                ListDocumentsRequest {
                    overdue: true,
                    ..Default::default()
                },
                &token,
            ))
            .await
            .expect("list")
            .into_inner()
            .documents
        }
    };
    assert!(overdue(&app, clerk.clone()).await.is_empty());
    app.clock.advance(Duration::days(4)); // 6 March
    let clerk = app.token("bacly", Role::Clerk).await;
    let late = overdue(&app, clerk.clone()).await;
    assert_eq!(late.len(), 1);
    assert_eq!(late[0].id, doc.id);
    assert!(late[0].overdue);
}

#[tokio::test]
async fn search_ignores_diacritics_and_case() {
    let app = spawn_app().await;
    let clerk = app.token("hoangvan", Role::Clerk).await;
    let mut resolution = paper(61, "Nghị quyết về phát triển kinh tế nông nghiệp");
    resolution.type_code = "NQ".into();
    resolution.symbol = "NQ/HU".into();
    resolution.issuer_name = "Huyện ủy Hiệp Hòa".into();
    register(&app, &clerk, resolution).await;
    register(&app, &clerk, paper(62, "Kế hoạch tổ chức hội nghị")).await;
    for query in ["nghi quyet", "NGHỊ QUYẾT", "nông nghiep", "61-NQ/HU", "PHAT trien"] {
        let found = app
            .queries()
            .list_documents(authed(
                ListDocumentsRequest {
                    query: query.into(),
                    ..Default::default()
                },
                &clerk,
            ))
            .await
            .expect("search")
            .into_inner()
            .documents;
        assert_eq!(found.len(), 1, "{query}");
        assert_eq!(found[0].number, 61, "{query}");
    }
    let (status, body, _) = app
        .rest(Method::GET, "/api/v1/documents?query=hoi%20nghi", Some(&clerk), None)
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["documents"].as_array().map(Vec::len), Some(1));
}

#[tokio::test]
async fn lists_page_without_gaps_or_repeats() {
    let app = spawn_app().await;
    let clerk = app.token("vietyen", Role::Clerk).await;
    for n in 1..=23 {
        register(&app, &clerk, paper(n, &format!("Văn bản {n}"))).await;
    }
    for sort in [0, 1, 2, 3, 4, 5] {
        let mut seen = Vec::new();
        let mut token = String::new();
        loop {
            let page = app
                .queries()
                .list_documents(authed(
                    ListDocumentsRequest {
                        page_size: 5,
                        page_token: token.clone(),
                        sort,
                        ..Default::default()
                    },
                    &clerk,
                ))
                .await
                .expect("page")
                .into_inner();
            seen.extend(page.documents.iter().map(|d| d.arrival_number));
            if page.next_page_token.is_empty() {
                break;
            }
            token = page.next_page_token;
        }
        let mut sorted = seen.clone();
        sorted.sort();
        sorted.dedup();
        assert_eq!(
            sorted,
            (1..=23).collect::<Vec<i64>>(),
            "sort {sort}: every document once"
        );
        match sort {
            1 => assert_eq!(seen.first(), Some(&1), "oldest first"),
            2 => assert_eq!(seen.first(), Some(&23), "highest incoming number first"),
            4 => assert_eq!(seen.first(), Some(&23), "last changed first"),
            5 => assert_eq!(seen.first(), Some(&23), "highest number of the issuer first"),
            _ => {}
        }
    }
}

#[tokio::test]
async fn a_page_token_from_another_order_or_tampered_is_refused() {
    use base64::Engine;
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;

    let app = spawn_app().await;
    let clerk = app.token("vietyen", Role::Clerk).await;
    for n in 1..=3 {
        register(&app, &clerk, paper(n, &format!("Văn bản {n}"))).await;
    }
    let list = |sort: i32, page_token: String| {
        let mut client = app.queries();
        let request = authed(
            ListDocumentsRequest {
                page_size: 1,
                page_token,
                sort,
                ..Default::default()
            },
            &clerk,
        );
        async move { client.list_documents(request).await }
    };
    // The deadline order's token carries a date; the newest-first order
    // would have read it as 0 and listed nothing.
    let by_deadline = list(3, String::new()).await.expect("first page").into_inner();
    assert!(!by_deadline.next_page_token.is_empty());
    let forged = URL_SAFE_NO_PAD.encode(br#"{"key":"1","id":"not-an-id"}"#);
    for token in [by_deadline.next_page_token, forged] {
        let e = list(0, token).await.expect_err("a token this list did not issue");
        assert_eq!(violated_fields(&e), vec!["page_token"], "{e:?}");
    }
}
