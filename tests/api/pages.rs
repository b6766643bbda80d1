//! A page never grows past what a client accepts: records at their declared
//! maximum sizes make a full page of 500 larger than the 4 MiB a default
//! gRPC client reads, so the service cuts the page short by bytes and the
//! page token leads on to the rest, without gaps or repeats.

use std::collections::HashSet;

use http::{Method, StatusCode};

use vanphong_platform::identity::Role;
use vanphong_proto::common::v1::ListAuditRecordsRequest;
use vanphong_proto::documents::v1::audit_service_client::AuditServiceClient;
use vanphong_proto::documents::v1::{ListDocumentsRequest, RegisterIncomingRequest};

use crate::helpers::{TestApp, authed, spawn_app};

/// How many documents of the largest size the test registers: enough that
/// one page of them is over 4 MiB.
const DOCUMENTS: i64 = 480;

/// An incoming document with every text at its declared maximum, in
/// Vietnamese letters of three bytes each.
fn largest(number: i64) -> RegisterIncomingRequest {
    let text = |n: usize| "ệ".repeat(n);
    RegisterIncomingRequest {
        type_code: "CV".into(),
        subject: format!("{number} {}", text(1990)),
        number,
        symbol: format!("{number}-{}", "Đ".repeat(90)),
        issued_on: "2026-02-20".into(),
        issuer_name: text(300),
        issuer_code: "UBND".into(),
        signer_name: text(300),
        signer_position: text(300),
        electronic_id: format!("{number:03}-{}", "é".repeat(190)),
        pages: 2,
        ..Default::default()
    }
}

async fn register_largest(app: &TestApp, token: &str) {
    let mut numbers = 1..=DOCUMENTS;
    loop {
        let batch: Vec<i64> = numbers.by_ref().take(8).collect();
        if batch.is_empty() {
            break;
        }
        let calls = batch.into_iter().map(|n| {
            let mut client = app.incoming();
            let request = authed(largest(n), token);
            tokio::spawn(async move { client.register_incoming(request).await })
        });
        for call in calls.collect::<Vec<_>>() {
            call.await.expect("joined").expect("registered");
        }
    }
}

#[tokio::test]
async fn full_pages_of_the_largest_records_stay_readable() {
    let app = spawn_app().await;
    let clerk = app.token("hiephoa", Role::Clerk).await;
    register_largest(&app, &clerk).await;

    // gRPC: page after page of 500, each under 4 MiB, together every
    // document once.
    let mut seen = HashSet::new();
    let mut token = String::new();
    let mut pages = 0;
    loop {
        let page = app
            .queries()
            .list_documents(authed(
                ListDocumentsRequest {
                    page_size: 500,
                    page_token: token.clone(),
                    ..Default::default()
                },
                &clerk,
            ))
            .await
            .expect("a full page of the largest documents reads")
            .into_inner();
        pages += 1;
        for d in &page.documents {
            assert!(seen.insert(d.id.clone()), "document {} shown twice", d.id);
        }
        if page.next_page_token.is_empty() {
            break;
        }
        token = page.next_page_token;
    }
    assert!(pages >= 2, "the documents fill more than one page by bytes");
    assert!(seen.len() as i64 >= DOCUMENTS, "every document listed: {}", seen.len());

    // REST: the same first page through the gateway.
    let (status, body, _) = app
        .rest(Method::GET, "/api/v1/documents?pageSize=500", Some(&clerk), None)
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(!body["nextPageToken"].as_str().unwrap_or_default().is_empty());

    // The audit trail holds each document's subject too.
    let admin = app.token_for("admin").await;
    let mut audit = AuditServiceClient::new(app.channel.clone());
    let mut records = HashSet::new();
    let mut token = String::new();
    loop {
        let page = audit
            .list_audit_records(authed(
                ListAuditRecordsRequest {
                    office_id: app.office_id("hiephoa"),
                    page_size: 500,
                    page_token: token.clone(),
                    ..Default::default()
                },
                &admin,
            ))
            .await
            .expect("a full page of large audit records reads")
            .into_inner();
        for r in &page.records {
            assert!(records.insert(r.seq), "record {} shown twice", r.seq);
        }
        if page.next_page_token.is_empty() {
            break;
        }
        token = page.next_page_token;
    }
    assert!(
        records.len() as i64 >= DOCUMENTS,
        "every record listed: {}",
        records.len()
    );
}

#[tokio::test]
async fn a_document_whose_history_would_outgrow_one_answer_takes_no_more_notes() {
    use tonic::Code;
    use vanphong_proto::documents::v1::{AddProgressRequest, GetDocumentRequest};

    let app = spawn_app().await;
    let clerk = app.token("hiephoa", Role::Clerk).await;
    let specialist = app.token("hiephoa", Role::Specialist).await;
    let specialist_id = app.user_id("hiephoa", Role::Specialist).await;
    let doc = app
        .incoming()
        .register_incoming(authed(largest(1), &clerk))
        .await
        .expect("registered")
        .into_inner();
    app.submit_and_direct("hiephoa", &doc.id, &specialist_id).await;

    // Progress notes of the longest kind (4,000 letters of 3 bytes), until
    // the service says no more: well before the document's answer would
    // pass 4 MiB.
    let note = "ệ".repeat(4000);
    let mut refusal = None;
    for n in 1..=400 {
        let added = app
            .incoming()
            .add_progress(authed(
                AddProgressRequest {
                    document_id: doc.id.clone(),
                    note: note.clone(),
                },
                &specialist,
            ))
            .await;
        if let Err(status) = added {
            refusal = Some((n, status));
            break;
        }
    }
    let (n, status) = refusal.expect("the history stops growing before the document becomes unreadable");
    assert_eq!(status.code(), Code::FailedPrecondition, "{status:?}");
    assert!(status.message().contains("quá lớn"), "{}", status.message());
    assert!(n > 200, "a long history is allowed: refused at note {n}");

    // The document, with all the history it took, still reads.
    let read = app
        .queries()
        .get_document(authed(
            GetDocumentRequest {
                document_id: doc.id.clone(),
            },
            &specialist,
        ))
        .await
        .expect("the document stays readable")
        .into_inner();
    assert!(read.events.len() >= n - 1, "{} events", read.events.len());
}
