//! Secret documents (mật, tối mật, tuyệt mật) are read only by people
//! cleared for their level who are on their distribution, or whose work in
//! the document's own office is to handle them — never by supervising the
//! offices below: not by id, not in lists or searches, not in register
//! books, attachments or edXML packages. Nor do readers of the audit trail
//! read there what the document would not show them.

use http::{Method, StatusCode};
use tonic::Code;

use vanphong_platform::identity::Role;
use vanphong_proto::common::v1::{AuditRecord, ListAuditRecordsRequest, VerifyAuditRequest};
use vanphong_proto::directory::v1::CreateUserRequest;
use vanphong_proto::documents::v1::audit_service_client::AuditServiceClient;
use vanphong_proto::documents::v1::edxml_service_client::EdxmlServiceClient;
use vanphong_proto::documents::v1::register_service_client::RegisterServiceClient;
use vanphong_proto::documents::v1::{
    CreateDraftRequest, Document, ExportEdxmlRequest, ExportRegisterRequest, FileFormat, GetAttachmentRequest,
    GetDocumentRequest, ListAttachmentsRequest, ListDocumentsRequest, RecipientInput, RegisterBook, UpdateDraftRequest,
};

use crate::documents_attachments::{arrived, dispatch, download, files, issue, open_term, upload};
use crate::documents_registers::rows_of;
use crate::helpers::{TestApp, authed, spawn_app};

const SUBJECT: &str = "Phương án kiện toàn nhân sự chủ chốt nhiệm kỳ tới";

/// Every way a reader could come to a document's content; `Ok` with what
/// they saw, or the first refusal.
async fn reach(app: &TestApp, token: &str, doc: &Document) -> Vec<(&'static str, Result<String, Code>)> {
    let mut seen = Vec::new();
    let got = app
        .queries()
        .get_document(authed(
            GetDocumentRequest {
                document_id: doc.id.clone(),
            },
            token,
        ))
        .await;
    seen.push((
        "get",
        got.map(|d| format!("{:?}", d.into_inner())).map_err(|e| e.code()),
    ));
    let (status, body, _) = app
        .rest(Method::GET, &format!("/api/v1/documents/{}", doc.id), Some(token), None)
        .await;
    seen.push((
        "rest get",
        if status == StatusCode::OK {
            Ok(body.to_string())
        } else {
            Err(Code::NotFound)
        },
    ));
    let listed = app
        .queries()
        .list_documents(authed(
            ListDocumentsRequest {
                office_id: doc.office_id.clone(),
                ..Default::default()
            },
            token,
        ))
        .await
        .expect("list")
        .into_inner()
        .documents;
    seen.push(list_result("list", listed, doc));
    let found = app
        .queries()
        .list_documents(authed(
            ListDocumentsRequest {
                office_id: doc.office_id.clone(),
                query: "kien toan nhan su".into(),
                ..Default::default()
            },
            token,
        ))
        .await
        .expect("search")
        .into_inner()
        .documents;
    seen.push(list_result("search", found, doc));
    let attachments = files(app)
        .list_attachments(authed(
            ListAttachmentsRequest {
                document_id: doc.id.clone(),
            },
            token,
        ))
        .await;
    seen.push((
        "attachments",
        attachments
            .map(|a| format!("{:?}", a.into_inner()))
            .map_err(|e| e.code()),
    ));
    seen
}

fn list_result(what: &'static str, listed: Vec<Document>, doc: &Document) -> (&'static str, Result<String, Code>) {
    match listed.into_iter().find(|d| d.id == doc.id) {
        Some(d) => (what, Ok(format!("{d:?}"))),
        None => (what, Err(Code::NotFound)),
    }
}

fn assert_closed(seen: &[(&'static str, Result<String, Code>)], who: &str) {
    for (what, result) in seen {
        match result {
            Ok(text) => panic!("{who} reached the document by {what}: {text}"),
            Err(code) => assert_eq!(*code, Code::NotFound, "{who}: {what}"),
        }
    }
}

fn assert_open(seen: &[(&'static str, Result<String, Code>)], who: &str) {
    for (what, result) in seen {
        let shows = |text: &String| *what == "attachments" || text.contains(SUBJECT);
        assert!(
            result.as_ref().is_ok_and(shows),
            "{who} should read it by {what}: {result:?}"
        );
    }
}

/// A user of `slug` with several roles, made by the office's admin.
async fn person_with_roles(app: &TestApp, slug: &str, username: &str, roles: &[Role], clearance: i32) -> String {
    let admin = app.token(slug, Role::Admin).await;
    app.users()
        .create_user(authed(
            CreateUserRequest {
                username: username.into(),
                full_name: "Lê Văn Kiêm".into(),
                office_id: app.office_id(slug),
                roles: roles.iter().map(|r| r.to_wire()).collect(),
                clearance,
                password: "Mat-khau-2026".into(),
                ..Default::default()
            },
            &admin,
        ))
        .await
        .expect("user");
    app.auth()
        .sign_in(vanphong_proto::directory::v1::SignInRequest {
            username: username.into(),
            password: "Mat-khau-2026".into(),
        })
        .await
        .expect("sign in")
        .into_inner()
        .access_token
}

#[tokio::test]
async fn secret_documents_below_stay_closed_to_the_leaders_above() {
    let app = spawn_app().await;
    open_term(&app, "hiephoa").await;
    let clerk = app.token("hiephoa", Role::Clerk).await;
    let leader = app.token("hiephoa", Role::Leader).await;
    let province_leader = app.token("tu", Role::Leader).await;

    // A Mật report drafted by Hiệp Hòa's cleared clerk, with its file.
    let doc = crate::documents_attachments::draft(
        &app,
        &clerk,
        CreateDraftRequest {
            type_code: "BC".into(),
            subject: SUBJECT.into(),
            secrecy: 1,
            pages: 3,
            recipients: vec![RecipientInput {
                office_id: app.office_id("bacly"),
                ..Default::default()
            }],
            ..Default::default()
        },
    )
    .await;
    let bytes = b"%PDF-1.4 danh sach".to_vec();
    let file = upload(&app, &clerk, &doc.id, "danh-sach-du-kien.pdf", &bytes).await;

    // The office's own leader reads it (to approve and sign it); the
    // province's leader, cleared higher but not on its distribution, does
    // not — supervising the district is no way around the distribution.
    assert_open(&reach(&app, &leader, &doc).await, "the district's leader");
    assert_closed(&reach(&app, &province_leader, &doc).await, "the province's leader");
    let e = download(&app, &province_leader, &doc.id, &file.id)
        .await
        .expect_err("attachment stream");
    assert_eq!(e.code(), Code::NotFound);
    let e = files(&app)
        .get_attachment(authed(
            GetAttachmentRequest {
                document_id: doc.id.clone(),
                attachment_id: file.id.clone(),
            },
            &province_leader,
        ))
        .await
        .expect_err("attachment");
    assert_eq!(e.code(), Code::NotFound);
    for path in [
        format!("/api/v1/documents/{}/attachments/{}", doc.id, file.id),
        format!("/api/v1/documents/{}/attachments/{}/file", doc.id, file.id),
    ] {
        let (status, body, _) = app
            .rest_bytes(Method::GET, &path, &province_leader, Vec::new(), "application/json")
            .await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{path}");
        assert!(!body.windows(bytes.len()).any(|w| w == bytes.as_slice()), "{path}");
    }

    // Signed and numbered, it is still closed to the province; edXML
    // packages and the outgoing register book show nothing of it.
    let numbered = issue(&app, "hiephoa", &clerk, &doc.id).await;
    assert_eq!(numbered.number_symbol, "01-BC/HU");
    assert_closed(&reach(&app, &province_leader, &doc).await, "the province's leader");
    let e = EdxmlServiceClient::new(app.channel.clone())
        .export_edxml(authed(
            ExportEdxmlRequest {
                document_id: doc.id.clone(),
            },
            &province_leader,
        ))
        .await
        .expect_err("edXML");
    assert_eq!(e.code(), Code::NotFound, "{}", e.message());
    let book = |token: String, format: FileFormat| {
        let mut registers = RegisterServiceClient::new(app.channel.clone());
        let office_id = app.office_id("hiephoa");
        async move {
            registers
                .export_register(authed(
                    ExportRegisterRequest {
                        office_id,
                        book: RegisterBook::Outgoing as i32,
                        from: "2026-03-01".into(),
                        to: "2026-03-31".into(),
                        format: format as i32,
                    },
                    &token,
                ))
                .await
                .expect("register")
                .into_inner()
                .content
        }
    };
    let rows = rows_of(book(province_leader.clone(), FileFormat::Unspecified).await);
    let row = rows
        .iter()
        .find(|r| r[0] == "01-BC/HU")
        .expect("the number stays in the book");
    assert_eq!(row[2], "Báo cáo (văn bản mật)", "{row:?}");
    let csv = String::from_utf8(book(province_leader.clone(), FileFormat::Csv).await).expect("utf-8");
    assert!(csv.contains("01-BC/HU") && !csv.contains(SUBJECT), "{csv}");
    let own = rows_of(book(leader.clone(), FileFormat::Unspecified).await);
    assert!(
        own.iter().any(|r| r[2].contains(SUBJECT)),
        "the district's leader reads the subject in its own book"
    );

    // Sent to Bắc Lý, the copy is for Bắc Lý's clerk to register; a person
    // of Hiệp Hòa who is both leader and clerk (so reads Bắc Lý's work and
    // registers Hiệp Hòa's own mail) does not see it, while their own
    // office's numbered secret document is theirs to send.
    dispatch(&app, &clerk, &doc.id).await;
    let bacly_clerk = app.token("bacly", Role::Clerk).await;
    let queue = arrived(&app, &bacly_clerk).await;
    let copy = queue.first().expect("the copy arrived").clone();
    assert_open(&reach(&app, &bacly_clerk, &copy).await, "Bắc Lý's clerk");
    let both = person_with_roles(&app, "hiephoa", "hiephoa.vanthu2", &[Role::Leader, Role::Clerk], 1).await;
    assert_closed(&reach(&app, &both, &copy).await, "a leader-clerk of the office above");
    let theirs = app
        .queries()
        .get_document(authed(
            GetDocumentRequest {
                document_id: doc.id.clone(),
            },
            &both,
        ))
        .await
        .expect("their own office's dispatched document")
        .into_inner();
    assert_eq!(theirs.subject, SUBJECT);
}

/// The documents service's audit trail of an office (about `entity`, or
/// everything), as `token` sees it.
pub(crate) async fn trail(app: &TestApp, token: &str, slug: &str, entity: &str) -> Vec<AuditRecord> {
    AuditServiceClient::new(app.channel.clone())
        .list_audit_records(authed(
            ListAuditRecordsRequest {
                office_id: app.office_id(slug),
                entity: entity.into(),
                page_size: 500,
                ..Default::default()
            },
            token,
        ))
        .await
        .expect("trail")
        .into_inner()
        .records
}

#[tokio::test]
async fn audit_trails_show_no_secret_content_to_readers_who_may_not_read_it() {
    let app = spawn_app().await;
    let clerk = app.token("hiephoa", Role::Clerk).await;
    let admin = app.token("hiephoa", Role::Admin).await;
    // A Mật draft whose distribution names the office's admin, renamed
    // once, with a file; and an ordinary notice.
    let secret = crate::documents_attachments::draft(
        &app,
        &clerk,
        CreateDraftRequest {
            type_code: "BC".into(),
            subject: "Dự thảo báo cáo".into(),
            secrecy: 1,
            pages: 2,
            distribution: vec![app.user_id("hiephoa", Role::Admin).await],
            ..Default::default()
        },
    )
    .await;
    app.outgoing()
        .update_draft(authed(
            UpdateDraftRequest {
                document_id: secret.id.clone(),
                subject: Some(SUBJECT.into()),
                ..Default::default()
            },
            &clerk,
        ))
        .await
        .expect("renamed");
    let file_name = "bien-ban-hop-kin.pdf";
    upload(&app, &clerk, &secret.id, file_name, b"%PDF-1.4 kin").await;
    let notice = "Thông báo lịch tiếp công dân tháng 3";
    crate::documents_attachments::draft(
        &app,
        &clerk,
        CreateDraftRequest {
            type_code: "TB".into(),
            subject: notice.into(),
            pages: 1,
            ..Default::default()
        },
    )
    .await;

    // The admin on the distribution reads the trail as stored.
    let whole = trail(&app, &admin, "hiephoa", "").await;
    let text = format!("{whole:?}");
    assert!(text.contains(SUBJECT) && text.contains("Dự thảo báo cáo") && text.contains(file_name));
    assert!(whole.iter().all(|r| !r.redacted));

    // The province's admin (cleared higher, not on the distribution) and
    // inspectors (not cleared) read every record, without the secret.
    for (who, token) in [
        ("the province's admin", app.token("tu", Role::Admin).await),
        ("the province's inspector", app.token("tu", Role::Inspector).await),
        ("the district's inspector", app.token("hiephoa", Role::Inspector).await),
    ] {
        let seen = trail(&app, &token, "hiephoa", "").await;
        let text = format!("{seen:?}");
        for secret_text in [SUBJECT, "Dự thảo báo cáo", file_name] {
            assert!(!text.contains(secret_text), "{who} read «{secret_text}»: {text}");
        }
        assert!(text.contains(notice), "{who} reads what is not secret");
        assert_eq!(seen.len(), whole.len(), "{who}");
        for (view, stored) in seen.iter().zip(&whole) {
            assert_eq!(
                (view.seq, &view.hash, &view.prev_hash),
                (stored.seq, &stored.hash, &stored.prev_hash),
                "{who}: the chain as stored"
            );
            let about_secret = view.entity_id == secret.id || view.after_json.contains(&secret.id);
            assert_eq!(view.redacted, about_secret, "{who}: {view:?}");
        }
    }

    // Over REST too; and the chain still verifies.
    let inspector = app.token("tu", Role::Inspector).await;
    let (status, body, _) = app
        .rest(
            Method::GET,
            &format!(
                "/api/v1/documents/audit?officeId={}&pageSize=500",
                app.office_id("hiephoa")
            ),
            Some(&inspector),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(!body.to_string().contains(SUBJECT), "{body}");
    let redacted = body["records"]
        .as_array()
        .map(|records| records.iter().filter(|r| r["redacted"] == true).count())
        .unwrap_or_default();
    assert_eq!(redacted, 3, "create, rename and upload: {body}");
    let report = AuditServiceClient::new(app.channel.clone())
        .verify_audit(authed(VerifyAuditRequest::default(), &inspector))
        .await
        .expect("verified")
        .into_inner();
    assert!(report.intact, "{report:?}");
}
