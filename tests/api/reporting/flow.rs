//! A report's way: written and submitted (then frozen), approved by a
//! leader only after the children's reports unless overridden with a
//! reason, sent to the parent as a BC document exactly once however often
//! it is retried, and accepted or returned by the parent.

use http::{Method, StatusCode};
use tonic::Code;

use vanphong_platform::identity::Role;
use vanphong_proto::common::v1::ListAuditRecordsRequest;
use vanphong_proto::documents::v1::{
    Direction, Document, GetDocumentRequest, IssueNumberRequest, ListDocumentsRequest, Status as DocStatus,
};
use vanphong_proto::reporting::v1::audit_service_client::AuditServiceClient;
use vanphong_proto::reporting::v1::{
    AcceptReportRequest, ApproveReportRequest, GetReportRequest, ReopenReportRequest, ReportStatus,
    ReturnReportRequest, SectionInput, SendReportRequest, SubmitReportRequest, UpdateSectionsRequest,
};

use super::support::{
    Desk, approval, approve, approved, desk, drafted, monthly, refreshed, reports, sent, submitted, term,
};
use crate::helpers::{TestApp, authed, spawn_app, violated_fields};

fn section(code: &str, text: &str) -> SectionInput {
    SectionInput {
        code: code.into(),
        text: text.into(),
    }
}

async fn write(app: &TestApp, id: &str, token: &str, sections: Vec<SectionInput>) -> Result<(), tonic::Status> {
    reports(app)
        .update_sections(authed(
            UpdateSectionsRequest {
                report_id: id.into(),
                sections,
                title: String::new(),
            },
            token,
        ))
        .await
        .map(|_| ())
}

async fn get(app: &TestApp, id: &str, token: &str) -> vanphong_proto::reporting::v1::Report {
    reports(app)
        .get_report(authed(GetReportRequest { report_id: id.into() }, token))
        .await
        .expect("report")
        .into_inner()
}

#[tokio::test]
async fn staff_write_sections_and_a_submitted_report_cannot_be_edited() {
    let app = spawn_app().await;
    let d = desk(&app, "hiephoa").await;

    // Created through REST, safe to retry; one report per office and period.
    let body = serde_json::json!({
        "requestId": "bao-cao-thang-3",
        "kind": "PERIOD_KIND_MONTHLY", "year": 2026, "number": 3,
        "sections": [{"code": "overview", "text": "Tình hình chung ổn định."}]
    });
    let (status, first, _) = app
        .rest(Method::POST, "/api/v1/reports", Some(&d.writer), Some(body.clone()))
        .await;
    assert_eq!(status, StatusCode::OK, "{first}");
    assert_eq!(first["status"], "REPORT_STATUS_DRAFT");
    assert_eq!(first["title"], "Tình hình công tác tháng 3 năm 2026");
    assert_eq!(first["place"], "Hiệp Hòa");
    assert_eq!(first["deadline"], "2026-03-17");
    assert_eq!(first["parentOfficeId"], app.office_id("tu"));
    let (_, again, _) = app
        .rest(Method::POST, "/api/v1/reports", Some(&d.writer), Some(body))
        .await;
    assert_eq!(again["id"], first["id"], "the retry returns the same report");
    let id = first["id"].as_str().expect("id").to_string();
    let e = reports(&app)
        .create_report(authed(monthly(&app, "hiephoa", 3), &d.writer))
        .await
        .expect_err("one per period");
    assert_eq!(e.code(), Code::AlreadyExists);
    assert_eq!(
        crate::helpers::duplicated_record(&e),
        Some(("report".to_string(), id.clone())),
        "the refusal names the report there is"
    );

    // An unknown section is refused, naming it, and nothing changes.
    let e = write(
        &app,
        &id,
        &d.writer,
        vec![section("results", "Đã hoàn thành"), section("gossip", "…")],
    )
    .await
    .expect_err("unknown section");
    assert_eq!(violated_fields(&e), vec!["sections[1].code"]);
    assert_eq!(get(&app, &id, &d.writer).await.sections[1].text, "");
    write(
        &app,
        &id,
        &d.writer,
        vec![section(
            "results",
            "Tham mưu ban hành 12 văn bản; tiếp 35 lượt công dân.",
        )],
    )
    .await
    .expect("written");
    let report = get(&app, &id, &d.writer).await;
    let texts: Vec<(&str, &str)> = report
        .sections
        .iter()
        .map(|s| (s.code.as_str(), s.text.as_str()))
        .collect();
    assert_eq!(texts[0], ("overview", "Tình hình chung ổn định."));
    assert_eq!(
        texts[1],
        ("results", "Tham mưu ban hành 12 văn bản; tiếp 35 lượt công dân.")
    );
    assert_eq!(report.sections[1].title, "Kết quả thực hiện nhiệm vụ");

    // Figures first, then submission freezes it.
    let e = approval(&app)
        .submit_report(authed(
            SubmitReportRequest {
                report_id: id.clone(),
                note: String::new(),
            },
            &d.writer,
        ))
        .await
        .expect_err("no figures yet");
    assert_eq!(e.code(), Code::FailedPrecondition);
    refreshed(&app, &id, &d.leader).await;
    submitted(&app, &id, &d).await;
    let e = write(
        &app,
        &id,
        &d.writer,
        vec![section("proposals", "Đề nghị bổ sung biên chế")],
    )
    .await
    .expect_err("submitted");
    assert_eq!(e.code(), Code::FailedPrecondition);
    assert!(e.message().contains("đã trình"), "{}", e.message());
    let (status, body, _) = app
        .rest(
            Method::PATCH,
            &format!("/api/v1/reports/{id}/sections"),
            Some(&d.writer),
            Some(serde_json::json!({"sections": [{"code": "proposals", "text": "x"}]})),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(body["error"]["status"], "FAILED_PRECONDITION");

    // Only a leader sends it back to draft, with a reason.
    let e = approval(&app)
        .reopen_report(authed(
            ReopenReportRequest {
                report_id: id.clone(),
                reason: "Bổ sung".into(),
            },
            &d.writer,
        ))
        .await
        .expect_err("not a leader");
    assert_eq!(e.code(), Code::PermissionDenied);
    approval(&app)
        .reopen_report(authed(
            ReopenReportRequest {
                report_id: id.clone(),
                reason: "Bổ sung phần kiến nghị".into(),
            },
            &d.leader,
        ))
        .await
        .expect("reopened");
    write(
        &app,
        &id,
        &d.writer,
        vec![section("proposals", "Đề nghị bổ sung biên chế")],
    )
    .await
    .expect("editable again");

    // Nobody reports for another office.
    let e = reports(&app)
        .create_report(authed(
            monthly(&app, "hiephoa", 4),
            &app.token("vietyen", Role::Specialist).await,
        ))
        .await
        .expect_err("not their office");
    assert_eq!(e.code(), Code::PermissionDenied);

    // A sibling office does not see it; the province's leader reads but does not write.
    let sibling = app.token("vietyen", Role::Leader).await;
    let e = reports(&app)
        .get_report(authed(GetReportRequest { report_id: id.clone() }, &sibling))
        .await
        .expect_err("sibling");
    assert_eq!(e.code(), Code::NotFound);
    let province = app.token("tu", Role::Leader).await;
    assert_eq!(get(&app, &id, &province).await.id, id);
    let e = write(&app, &id, &province, vec![section("overview", "Sửa hộ")])
        .await
        .expect_err("read only");
    assert_eq!(e.code(), Code::PermissionDenied);
}

#[tokio::test]
async fn a_parent_is_approved_only_after_its_children_unless_a_leader_records_why() {
    let app = spawn_app().await;
    let district = desk(&app, "hiephoa").await;
    let report = drafted(&app, "hiephoa", 3, &district).await;
    submitted(&app, &report.id, &district).await;

    let e = approval(&app)
        .approve_report(authed(approve(&report.id), &district.leader))
        .await
        .expect_err("children first");
    assert_eq!(e.code(), Code::FailedPrecondition);
    assert!(
        e.message().contains("Đảng ủy xã Bắc Lý (chưa có báo cáo)"),
        "{}",
        e.message()
    );
    assert!(e.message().contains("Đảng ủy xã Hoàng Vân"), "{}", e.message());

    // Bắc Lý's report is approved; Hoàng Vân's is still a draft.
    let bacly = desk(&app, "bacly").await;
    let commune = drafted(&app, "bacly", 3, &bacly).await;
    submitted(&app, &commune.id, &bacly).await;
    let commune = approved(&app, &commune.id, &bacly).await;
    assert_eq!(commune.status, ReportStatus::Approved as i32);
    let hoangvan = desk(&app, "hoangvan").await;
    drafted(&app, "hoangvan", 3, &hoangvan).await;
    let e = approval(&app)
        .approve_report(authed(approve(&report.id), &district.leader))
        .await
        .expect_err("Hoàng Vân is not approved");
    assert!(
        e.message().contains("Đảng ủy xã Hoàng Vân (dự thảo)"),
        "{}",
        e.message()
    );
    assert!(!e.message().contains("Bắc Lý"), "{}", e.message());

    // A writer may not approve; the leader overrides with a recorded reason.
    let e = approval(&app)
        .approve_report(authed(approve(&report.id), &district.writer))
        .await
        .expect_err("not a leader");
    assert_eq!(e.code(), Code::PermissionDenied);
    let reason = "Xã Hoàng Vân mất điện, báo cáo bằng điện thoại; Ban Thường vụ thống nhất duyệt trước";
    let done = approval(&app)
        .approve_report(authed(
            ApproveReportRequest {
                override_reason: reason.into(),
                ..approve(&report.id)
            },
            &district.leader,
        ))
        .await
        .expect("approved with override")
        .into_inner();
    assert_eq!(done.status, ReportStatus::Approved as i32);
    assert_eq!(done.override_reason, reason);
    assert_eq!(done.approved_by, app.user_id("hiephoa", Role::Leader).await);
    assert!(
        done.events
            .iter()
            .any(|e| e.action == "approve" && e.note.contains(reason))
    );
    let inspector = app.token("hiephoa", Role::Inspector).await;
    let trail = AuditServiceClient::new(app.channel.clone())
        .list_audit_records(authed(
            ListAuditRecordsRequest {
                office_id: app.office_id("hiephoa"),
                ..Default::default()
            },
            &inspector,
        ))
        .await
        .expect("audit")
        .into_inner();
    assert!(
        trail
            .records
            .iter()
            .any(|r| r.action == "approve" && r.after_json.contains("Hoàng Vân mất điện")),
        "the override is in the audit trail"
    );

    // The approved report is now a BC document signed in the leader's name,
    // addressed to the province.
    assert_eq!(done.signing_prefix, "T/M");
    assert_eq!(done.signer_position, "Bí thư");
    assert_eq!(done.signer_name, "Dương Văn Hùng");
    let document: Document = app
        .queries()
        .get_document(authed(
            GetDocumentRequest {
                document_id: done.document_id.clone(),
            },
            &district.leader,
        ))
        .await
        .expect("document")
        .into_inner();
    assert_eq!(document.type_code, "BC");
    assert_eq!(document.status, DocStatus::Signed as i32);
    assert_eq!(document.subject, "Tình hình công tác tháng 3 năm 2026");
    assert_eq!(document.recipients.len(), 1);
    assert_eq!(document.recipients[0].office_id, app.office_id("tu"));
}

/// The incoming documents of the province that came from `source`.
async fn arrived_from(app: &TestApp, source: &str) -> Vec<Document> {
    let clerk = app.token("tu", Role::Clerk).await;
    app.queries()
        .list_documents(authed(
            ListDocumentsRequest {
                office_id: app.office_id("tu"),
                direction: Direction::Incoming as i32,
                page_size: 500,
                ..Default::default()
            },
            &clerk,
        ))
        .await
        .expect("incoming")
        .into_inner()
        .documents
        .into_iter()
        .filter(|d| d.source_document_id == source)
        .collect()
}

async fn send(app: &TestApp, id: &str, d: &Desk) -> Result<vanphong_proto::reporting::v1::Report, tonic::Status> {
    send_as(app, id, &d.clerk).await
}

async fn send_as(app: &TestApp, id: &str, token: &str) -> Result<vanphong_proto::reporting::v1::Report, tonic::Status> {
    approval(app)
        .send_report(authed(SendReportRequest { report_id: id.into() }, token))
        .await
        .map(|r| r.into_inner())
}

#[tokio::test]
async fn the_report_reaches_the_parent_exactly_once_however_often_it_is_sent() {
    let app = spawn_app().await;
    let d = desk(&app, "vietyen").await;
    let report = drafted(&app, "vietyen", 3, &d).await;
    submitted(&app, &report.id, &d).await;
    // Three approvals at once make one document.
    let calls: Vec<_> = (0..3)
        .map(|_| {
            let mut client = approval(&app);
            let request = authed(approve(&report.id), &d.leader);
            tokio::spawn(async move { client.approve_report(request).await })
        })
        .collect();
    let mut documents = Vec::new();
    for call in calls {
        let approved = call.await.expect("joined").expect("approved").into_inner();
        documents.push(approved.document_id);
    }
    documents.dedup();
    assert_eq!(documents.len(), 1, "one BC document: {documents:?}");
    let document_id = documents[0].clone();

    // Without a committee term the Party number cannot be given: a clear
    // refusal from the documents service, and the report stays approved.
    let e = send(&app, &report.id, &d).await.expect_err("no term");
    assert_eq!(e.code(), Code::FailedPrecondition);
    assert!(
        e.message().contains("Dịch vụ văn bản") && e.message().contains("nhiệm kỳ"),
        "{}",
        e.message()
    );
    assert_eq!(
        get(&app, &report.id, &d.clerk).await.status,
        ReportStatus::Approved as i32
    );
    assert!(arrived_from(&app, &document_id).await.is_empty());

    // A clerk numbered it by hand before the retry (a half-done send): the
    // retry finishes the job.
    term(&app, "vietyen").await;
    app.outgoing()
        .issue_number(authed(
            IssueNumberRequest {
                document_id: document_id.clone(),
            },
            &d.clerk,
        ))
        .await
        .expect("numbered");
    let e = send_as(&app, &report.id, &d.writer).await.expect_err("clerks send");
    assert_eq!(e.code(), Code::PermissionDenied);
    let first = send(&app, &report.id, &d).await.expect("sent");
    assert_eq!(first.status, ReportStatus::Sent as i32);
    assert_eq!(first.number_symbol, "01-BC/HU");
    assert!(first.on_time);

    // Retried one after another and all at once: nothing more is sent.
    send(&app, &report.id, &d).await.expect("retry");
    let calls: Vec<_> = (0..4)
        .map(|_| {
            let mut client = approval(&app);
            let request = authed(
                SendReportRequest {
                    report_id: report.id.clone(),
                },
                &d.clerk,
            );
            tokio::spawn(async move { client.send_report(request).await })
        })
        .collect();
    for call in calls {
        let again = call.await.expect("joined").expect("retry answered").into_inner();
        assert_eq!(again.document_id, document_id);
    }
    let arrived = arrived_from(&app, &document_id).await;
    assert_eq!(arrived.len(), 1, "the province received it exactly once");
    assert_eq!(arrived[0].type_code, "BC");
    assert_eq!(arrived[0].number_symbol, "01-BC/HU");
    assert_eq!(arrived[0].status, DocStatus::Arrived as i32);
}

#[tokio::test]
async fn the_parent_accepts_or_returns_with_a_reason_and_a_returned_report_travels_again() {
    let app = spawn_app().await;
    term(&app, "vietyen").await;
    let d = desk(&app, "vietyen").await;
    let report = drafted(&app, "vietyen", 3, &d).await;
    submitted(&app, &report.id, &d).await;
    approved(&app, &report.id, &d).await;
    let first = sent(&app, &report.id, &d).await;

    let province = desk(&app, "tu").await;
    let e = approval(&app)
        .return_report(authed(
            ReturnReportRequest {
                report_id: report.id.clone(),
                reason: String::new(),
            },
            &province.leader,
        ))
        .await
        .expect_err("a reason is needed");
    assert_eq!(violated_fields(&e), vec!["reason"]);
    for token in [&province.clerk, &d.leader] {
        let e = approval(&app)
            .accept_report(authed(
                AcceptReportRequest {
                    report_id: report.id.clone(),
                    note: String::new(),
                },
                token,
            ))
            .await
            .expect_err("only the parent's leaders decide");
        assert!(matches!(e.code(), Code::PermissionDenied | Code::NotFound), "{e:?}");
    }
    let returned = approval(&app)
        .return_report(authed(
            ReturnReportRequest {
                report_id: report.id.clone(),
                reason: "Thiếu số liệu tiếp công dân, đề nghị bổ sung".into(),
            },
            &province.leader,
        ))
        .await
        .expect("returned")
        .into_inner();
    assert_eq!(returned.status, ReportStatus::Returned as i32);
    assert_eq!(returned.return_reason, "Thiếu số liệu tiếp công dân, đề nghị bổ sung");

    // The district completes it and sends it again, in a new document.
    write(
        &app,
        &report.id,
        &d.writer,
        vec![section("results", "Đã bổ sung số liệu")],
    )
    .await
    .expect("editable after return");
    submitted(&app, &report.id, &d).await;
    approved(&app, &report.id, &d).await;
    let second = sent(&app, &report.id, &d).await;
    assert_ne!(second.document_id, first.document_id);
    assert_eq!(second.number_symbol, "02-BC/HU");
    assert_eq!(arrived_from(&app, &first.document_id).await.len(), 1);
    assert_eq!(arrived_from(&app, &second.document_id).await.len(), 1);

    let (status, body, _) = app
        .rest(
            Method::POST,
            &format!("/api/v1/reports/{}/accept", report.id),
            Some(&province.leader),
            Some(serde_json::json!({"note": "Đã tiếp nhận"})),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["status"], "REPORT_STATUS_ACCEPTED");
    let e = approval(&app)
        .accept_report(authed(
            AcceptReportRequest {
                report_id: report.id.clone(),
                note: String::new(),
            },
            &province.leader,
        ))
        .await
        .expect_err("already accepted");
    assert_eq!(e.code(), Code::FailedPrecondition);
}
