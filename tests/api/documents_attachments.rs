//! Attachments: streamed and REST uploads and downloads with their SHA-256
//! kept, the size limit and hash checks storing nothing, access as for the
//! document, and copies sent within the deployment carrying the files.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use http::{Method, StatusCode};
use tonic::Code;
use tonic::transport::Channel;

use vanphong_platform::identity::Role;
use vanphong_proto::documents::v1::attachment_service_client::AttachmentServiceClient;
use vanphong_proto::documents::v1::upload_attachment_request::Part;
use vanphong_proto::documents::v1::{
    Attachment, AttachmentMetadata, CreateDraftRequest, CreateTermRequest, DispatchRequest, Document,
    GetAttachmentRequest, GetDocumentRequest, IssueNumberRequest, ListAttachmentsRequest, ListDocumentsRequest,
    RecipientInput, ReviewRequest, SignRequest, Status, SubmitForReviewRequest, UploadAttachmentRequest,
};

use crate::helpers::{TestApp, authed, spawn_app, violated_fields};

pub(crate) fn files(app: &TestApp) -> AttachmentServiceClient<Channel> {
    AttachmentServiceClient::new(app.channel.clone())
}

pub(crate) fn sha256_hex(content: &[u8]) -> String {
    vanphong_documents::blob::sha256_hex(content)
}

/// Deterministic content of `len` bytes that is not all alike.
pub(crate) fn content(len: usize, seed: u8) -> Vec<u8> {
    (0..len)
        .map(|i| (i as u32).wrapping_mul(2_654_435_761).to_le_bytes()[3] ^ seed)
        .collect()
}

/// A streamed upload of `content` in 64 KiB chunks, declaring `size` and
/// `sha256`.
pub(crate) async fn upload_as(
    app: &TestApp,
    token: &str,
    metadata: AttachmentMetadata,
    content: Vec<u8>,
) -> Result<Attachment, tonic::Status> {
    let mut messages = vec![UploadAttachmentRequest {
        part: Some(Part::Metadata(metadata)),
    }];
    for chunk in content.chunks(64 * 1024) {
        messages.push(UploadAttachmentRequest {
            part: Some(Part::Chunk(chunk.to_vec())),
        });
    }
    files(app)
        .upload_attachment(authed(tokio_stream::iter(messages), token))
        .await
        .map(tonic::Response::into_inner)
}

/// Uploads a file, declaring it truthfully.
pub(crate) async fn upload(app: &TestApp, token: &str, document_id: &str, name: &str, bytes: &[u8]) -> Attachment {
    let metadata = AttachmentMetadata {
        document_id: document_id.into(),
        file_name: name.into(),
        content_type: "application/pdf".into(),
        size: bytes.len() as i64,
        sha256: sha256_hex(bytes),
        ..Default::default()
    };
    upload_as(app, token, metadata, bytes.to_vec()).await.expect("uploaded")
}

/// Downloads by stream: the attachment and the content.
pub(crate) async fn download(
    app: &TestApp,
    token: &str,
    document_id: &str,
    attachment_id: &str,
) -> Result<(Attachment, Vec<u8>), tonic::Status> {
    let mut stream = files(app)
        .download_attachment(authed(
            GetAttachmentRequest {
                document_id: document_id.into(),
                attachment_id: attachment_id.into(),
            },
            token,
        ))
        .await?
        .into_inner();
    let mut head = None;
    let mut bytes = Vec::new();
    while let Some(message) = stream.message().await? {
        if let Some(a) = message.attachment {
            head = Some(a);
        }
        bytes.extend_from_slice(&message.chunk);
    }
    Ok((head.expect("the attachment comes first"), bytes))
}

pub(crate) async fn list(app: &TestApp, token: &str, document_id: &str) -> Vec<Attachment> {
    files(app)
        .list_attachments(authed(
            ListAttachmentsRequest {
                document_id: document_id.into(),
            },
            token,
        ))
        .await
        .expect("listed")
        .into_inner()
        .attachments
}

/// Sends a numbered document to its recipients.
pub(crate) async fn dispatch(app: &TestApp, clerk: &str, id: &str) -> Document {
    app.outgoing()
        .dispatch(authed(DispatchRequest { document_id: id.into() }, clerk))
        .await
        .expect("dispatched")
        .into_inner()
}

/// The documents that arrived at the caller's office, not yet registered.
pub(crate) async fn arrived(app: &TestApp, token: &str) -> Vec<Document> {
    app.queries()
        .list_documents(authed(
            ListDocumentsRequest {
                statuses: vec![Status::Arrived as i32],
                ..Default::default()
            },
            token,
        ))
        .await
        .expect("queue")
        .into_inner()
        .documents
}

pub(crate) async fn open_term(app: &TestApp, slug: &str) {
    let admin = app.token(slug, Role::Admin).await;
    app.terms()
        .create_term(authed(
            CreateTermRequest {
                office_id: app.office_id(slug),
                name: "Nhiệm kỳ 2025–2030".into(),
                starts_on: "2025-10-16".into(),
                ..Default::default()
            },
            &admin,
        ))
        .await
        .expect("term");
}

pub(crate) async fn draft(app: &TestApp, token: &str, request: CreateDraftRequest) -> Document {
    app.outgoing()
        .create_draft(authed(request, token))
        .await
        .expect("draft")
        .into_inner()
}

/// Takes a draft of `slug` through review, signature and numbering.
pub(crate) async fn issue(app: &TestApp, slug: &str, drafter: &str, id: &str) -> Document {
    let leader = app.token(slug, Role::Leader).await;
    let clerk = app.token(slug, Role::Clerk).await;
    app.outgoing()
        .submit_for_review(authed(
            SubmitForReviewRequest {
                document_id: id.into(),
                note: String::new(),
            },
            drafter,
        ))
        .await
        .expect("submitted");
    app.outgoing()
        .approve(authed(
            ReviewRequest {
                document_id: id.into(),
                note: String::new(),
            },
            &leader,
        ))
        .await
        .expect("approved");
    app.outgoing()
        .sign(authed(
            SignRequest {
                document_id: id.into(),
                signing_prefix: "T/M".into(),
                signer_position: "Bí thư".into(),
                on_behalf_of: String::new(),
            },
            &leader,
        ))
        .await
        .expect("signed");
    app.outgoing()
        .issue_number(authed(IssueNumberRequest { document_id: id.into() }, &clerk))
        .await
        .expect("numbered")
        .into_inner()
}

/// Files under the local blob folder.
fn stored_blobs(app: &TestApp) -> usize {
    fn walk(dir: &std::path::Path) -> usize {
        std::fs::read_dir(dir)
            .map(|entries| {
                entries
                    .flatten()
                    .map(|e| {
                        let path = e.path();
                        if path.is_dir() { walk(&path) } else { 1 }
                    })
                    .sum()
            })
            .unwrap_or(0)
    }
    walk(&app.settings.data_dir.join("blobs").join("documents"))
}

fn notice(subject: &str) -> CreateDraftRequest {
    CreateDraftRequest {
        type_code: "TB".into(),
        subject: subject.into(),
        pages: 1,
        ..Default::default()
    }
}

#[tokio::test]
async fn files_go_up_and_come_down_whole_by_stream_and_by_rest() {
    let app = spawn_app().await;
    let drafter = app.token("hiephoa", Role::Specialist).await;
    let doc = draft(&app, &drafter, notice("Thông báo lịch tiếp công dân tháng 3")).await;

    // Streamed, in several chunks; the hash is kept.
    let bytes = content(300 * 1024 + 17, 7);
    let mut metadata = AttachmentMetadata {
        request_id: "tep-01".into(),
        document_id: doc.id.clone(),
        file_name: "Thông báo lịch tiếp dân.pdf".into(),
        content_type: "application/pdf".into(),
        size: bytes.len() as i64,
        sha256: sha256_hex(&bytes).to_uppercase(),
    };
    let first = upload_as(&app, &drafter, metadata.clone(), bytes.clone())
        .await
        .expect("uploaded");
    assert_eq!(first.sha256, sha256_hex(&bytes));
    assert_eq!(first.size, bytes.len() as i64);
    assert_eq!(first.version, 1, "the draft version it belongs to");
    let again = upload_as(&app, &drafter, metadata.clone(), bytes.clone())
        .await
        .expect("retried");
    assert_eq!(
        again.id, first.id,
        "a retry with the same request id stores nothing new"
    );
    metadata.request_id = "tep-01".into();
    metadata.file_name = "Khác.pdf".into();
    let e = upload_as(&app, &drafter, metadata, bytes.clone())
        .await
        .expect_err("the key was used for another file");
    assert_eq!(violated_fields(&e), vec!["request_id"]);

    let (head, back) = download(&app, &drafter, &doc.id, &first.id).await.expect("downloaded");
    assert_eq!(back, bytes, "byte for byte");
    assert_eq!(head.sha256, sha256_hex(&bytes));
    assert_eq!(head.file_name, "Thông báo lịch tiếp dân.pdf");

    // REST: the content as base64 in JSON.
    let small = content(2000, 3);
    let path = format!("/api/v1/documents/{}/attachments", doc.id);
    let (status, body, _) = app
        .rest(
            Method::POST,
            &path,
            Some(&drafter),
            Some(serde_json::json!({
                "requestId": "tep-02",
                "fileName": "phu-luc.docx",
                "contentType": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                "sha256": sha256_hex(&small),
                "content": BASE64.encode(&small),
            })),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["sha256"], sha256_hex(&small));
    let rest_id = body["id"].as_str().expect("id").to_string();
    let (status, body, _) = app
        .rest(Method::GET, &format!("{path}/{rest_id}"), Some(&drafter), None)
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(
        BASE64
            .decode(body["content"].as_str().expect("content"))
            .expect("base64"),
        small
    );
    assert_eq!(body["attachment"]["sha256"], sha256_hex(&small));
    // A streamed upload comes down by REST too, and the other way round.
    let (_, body, _) = app
        .rest(Method::GET, &format!("{path}/{}", first.id), Some(&drafter), None)
        .await;
    assert_eq!(
        BASE64
            .decode(body["content"].as_str().expect("content"))
            .expect("base64"),
        bytes
    );
    let (_, back) = download(&app, &drafter, &doc.id, &rest_id).await.expect("downloaded");
    assert_eq!(back, small);

    let (status, body, _) = app.rest(Method::GET, &path, Some(&drafter), None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["attachments"].as_array().expect("list").len(), 2);
    let history = app
        .queries()
        .get_document(authed(
            GetDocumentRequest {
                document_id: doc.id.clone(),
            },
            &drafter,
        ))
        .await
        .expect("document")
        .into_inner();
    assert_eq!(history.events.iter().filter(|e| e.kind == "attach").count(), 2);
    assert_eq!(stored_blobs(&app), 2, "one blob per file, none for the retry");
}

#[tokio::test]
async fn oversized_or_mismatched_uploads_store_nothing() {
    let app = spawn_app().await;
    let drafter = app.token("hiephoa", Role::Specialist).await;
    let doc = draft(&app, &drafter, notice("Thông báo kết luận hội nghị")).await;
    let meta = |size: i64, sha256: String| AttachmentMetadata {
        document_id: doc.id.clone(),
        file_name: "ket-luan.pdf".into(),
        content_type: "application/pdf".into(),
        size,
        sha256,
        ..Default::default()
    };
    let limit: i64 = 50 * 1024 * 1024;

    // Declared over the limit: refused before any content is read.
    let e = upload_as(&app, &drafter, meta(limit + 1, sha256_hex(b"x")), b"x".to_vec())
        .await
        .expect_err("over the limit");
    assert_eq!(violated_fields(&e), vec!["size"]);

    // Declared at the limit but sending more: reading stops past it.
    let big = vec![7u8; (limit + 1024 * 1024) as usize];
    let e = upload_as(&app, &drafter, meta(limit, sha256_hex(&big[..limit as usize])), big)
        .await
        .expect_err("more than the limit");
    assert_eq!(violated_fields(&e), vec!["size"]);

    // More or fewer bytes than declared.
    let bytes = content(5000, 1);
    let e = upload_as(&app, &drafter, meta(4000, sha256_hex(&bytes[..4000])), bytes.clone())
        .await
        .expect_err("longer than declared");
    assert_eq!(violated_fields(&e), vec!["size"]);
    let e = upload_as(&app, &drafter, meta(6000, sha256_hex(&bytes)), bytes.clone())
        .await
        .expect_err("shorter than declared");
    assert_eq!(violated_fields(&e), vec!["size"]);

    // A hash that does not match, by stream and by REST.
    let e = upload_as(&app, &drafter, meta(5000, sha256_hex(b"something else")), bytes.clone())
        .await
        .expect_err("hash mismatch");
    assert_eq!(violated_fields(&e), vec!["sha256"]);
    assert!(e.message().contains(&sha256_hex(&bytes)), "{}", e.message());
    let (status, body, _) = app
        .rest(
            Method::POST,
            &format!("/api/v1/documents/{}/attachments", doc.id),
            Some(&drafter),
            Some(serde_json::json!({
                "fileName": "ket-luan.pdf",
                "sha256": sha256_hex(b"something else"),
                "content": BASE64.encode(&bytes),
            })),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(
        body["error"]["details"][0]["fieldViolations"][0]["field"], "sha256",
        "{body}"
    );

    // A first message without metadata, bad metadata.
    let e = files(&app)
        .upload_attachment(authed(
            tokio_stream::iter(vec![UploadAttachmentRequest {
                part: Some(Part::Chunk(b"abc".to_vec())),
            }]),
            &drafter,
        ))
        .await
        .expect_err("no metadata");
    assert_eq!(violated_fields(&e), vec!["metadata"]);
    let mut bad = meta(0, "xyz".into());
    bad.file_name = "../../etc/passwd".into();
    let e = upload_as(&app, &drafter, bad, Vec::new())
        .await
        .expect_err("bad metadata");
    assert_eq!(violated_fields(&e), vec!["file_name", "size", "sha256"]);

    assert!(list(&app, &drafter, &doc.id).await.is_empty(), "nothing recorded");
    assert_eq!(stored_blobs(&app), 0, "nothing left in the blob store");
}

#[tokio::test]
async fn files_follow_the_document_rules_and_travel_with_its_copies() {
    let app = spawn_app().await;
    open_term(&app, "tu").await;
    let drafter = app.token("tu", Role::Specialist).await;
    let mut request = notice("Thông báo triệu tập hội nghị cán bộ chủ chốt");
    request.recipients = ["hiephoa", "vietyen"]
        .into_iter()
        .map(|slug| RecipientInput {
            office_id: app.office_id(slug),
            ..Default::default()
        })
        .collect();
    let doc = draft(&app, &drafter, request).await;
    let bytes = content(100_000, 42);
    let file = upload(&app, &drafter, &doc.id, "giay-trieu-tap.pdf", &bytes).await;

    // Someone else of the office who did not draft it may not attach.
    let clerk = app.token("tu", Role::Clerk).await;
    let metadata = AttachmentMetadata {
        document_id: doc.id.clone(),
        file_name: "khac.pdf".into(),
        size: 3,
        sha256: sha256_hex(b"abc"),
        ..Default::default()
    };
    let e = upload_as(&app, &clerk, metadata.clone(), b"abc".to_vec())
        .await
        .expect_err("not the drafter");
    assert_eq!(e.code(), Code::PermissionDenied);

    // A sibling office sees nothing of it.
    let sibling = app.token("yendung", Role::Leader).await;
    let e = download(&app, &sibling, &doc.id, &file.id).await.expect_err("sibling");
    assert_eq!(e.code(), Code::NotFound);
    let e = upload_as(&app, &sibling, metadata.clone(), b"abc".to_vec())
        .await
        .expect_err("sibling");
    assert_eq!(e.code(), Code::NotFound);
    let (status, _, _) = app
        .rest(
            Method::GET,
            &format!("/api/v1/documents/{}/attachments/{}", doc.id, file.id),
            Some(&sibling),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    // Its leader reads it; nobody attaches once it is numbered.
    let leader = app.token("tu", Role::Leader).await;
    issue(&app, "tu", &drafter, &doc.id).await;
    assert_eq!(download(&app, &leader, &doc.id, &file.id).await.expect("read").1, bytes);
    let e = upload_as(&app, &drafter, metadata, b"abc".to_vec())
        .await
        .expect_err("no longer a draft");
    assert_eq!(e.code(), Code::FailedPrecondition);
    assert!(e.message().contains("Đã cấp số"), "{}", e.message());

    // Dispatched, each recipient's copy carries the file (the same blob).
    dispatch(&app, &clerk, &doc.id).await;
    for slug in ["hiephoa", "vietyen"] {
        let their_clerk = app.token(slug, Role::Clerk).await;
        let queue = arrived(&app, &their_clerk).await;
        let copy = &queue[0];
        let attached = list(&app, &their_clerk, &copy.id).await;
        assert_eq!(attached.len(), 1, "{slug}");
        assert_eq!(attached[0].sha256, file.sha256);
        assert_eq!(attached[0].file_name, "giay-trieu-tap.pdf");
        let (_, back) = download(&app, &their_clerk, &copy.id, &attached[0].id)
            .await
            .expect("downloaded");
        assert_eq!(back, bytes, "{slug}");
        // The receiving clerk may add the scanned receipt.
        upload(&app, &their_clerk, &copy.id, "phieu-nhan.pdf", b"%PDF-1.4 phieu").await;
        // Another district cannot reach this copy's files.
        let e = download(&app, &sibling, &copy.id, &attached[0].id)
            .await
            .expect_err("other district");
        assert_eq!(e.code(), Code::NotFound);
    }
    assert_eq!(stored_blobs(&app), 3, "copies share the sender's blob");
}

#[tokio::test]
async fn the_size_limit_is_a_setting() {
    let app = crate::helpers::spawn_app_with(|o| o.attachment_max_bytes = Some(4096)).await;
    let drafter = app.token("hiephoa", Role::Specialist).await;
    let doc = draft(&app, &drafter, notice("Thông báo lịch làm việc")).await;
    let meta = |size: i64, sha256: String| AttachmentMetadata {
        document_id: doc.id.clone(),
        file_name: "lich.pdf".into(),
        content_type: "application/pdf".into(),
        size,
        sha256,
        ..Default::default()
    };
    let small = content(4096, 3);
    upload_as(&app, &drafter, meta(4096, sha256_hex(&small)), small)
        .await
        .expect("at the configured limit");
    let over = content(4097, 3);
    let e = upload_as(&app, &drafter, meta(4097, sha256_hex(&over)), over)
        .await
        .expect_err("over the configured limit");
    assert_eq!(violated_fields(&e), vec!["size"]);
    assert_eq!(stored_blobs(&app), 1);
}

/// Whether this run has an S3-compatible server (CI starts one and sets
/// the standard `AWS_*` variables for its bucket). Without it the test says
/// so and passes; with `VANPHONG_TEST_S3=required` a missing server fails.
fn s3_available() -> bool {
    let configured = std::env::var_os("AWS_ENDPOINT").is_some() && std::env::var_os("AWS_BUCKET").is_some();
    if !configured {
        assert!(
            std::env::var("VANPHONG_TEST_S3").as_deref() != Ok("required"),
            "VANPHONG_TEST_S3=required but AWS_ENDPOINT and AWS_BUCKET are not set"
        );
        eprintln!("no S3-compatible server configured (AWS_ENDPOINT, AWS_BUCKET): S3 store not tested");
    }
    configured
}

#[tokio::test]
async fn s3_storage_keeps_attachments_out_of_the_data_folder() {
    if !s3_available() {
        return;
    }
    let app = crate::helpers::spawn_app_with(|o| {
        o.documents_blob_store = Some(vanphong_platform::config::BlobStoreKind::S3);
    })
    .await;
    let drafter = app.token("hiephoa", Role::Specialist).await;
    let doc = draft(&app, &drafter, notice("Thông báo lịch trực cơ quan")).await;
    // Larger than one multipart part (5 MiB), so the upload is assembled
    // from parts in the bucket.
    let bytes = content(6 * 1024 * 1024 + 123, 11);
    let stored = upload(&app, &drafter, &doc.id, "Lịch trực.pdf", &bytes).await;
    assert_eq!(stored.sha256, sha256_hex(&bytes));
    let (head, back) = download(&app, &drafter, &doc.id, &stored.id).await.expect("downloaded");
    assert_eq!(head.id, stored.id);
    assert!(back == bytes, "the same bytes come back from the bucket");
    assert_eq!(stored_blobs(&app), 0, "nothing in the local folder");
}

#[tokio::test]
async fn large_files_go_up_and_come_down_as_raw_bytes_over_rest() {
    let app = spawn_app().await;
    let drafter = app.token("hiephoa", Role::Specialist).await;
    let doc = draft(&app, &drafter, notice("Thông báo kết luận hội nghị")).await;
    // A scanned document far larger than one JSON request may carry.
    let bytes = content(9 * 1024 * 1024 + 5, 21);
    let path = format!(
        "/api/v1/documents/{}/attachments/file?fileName=K%E1%BA%BFt%20lu%E1%BA%ADn%20h%E1%BB%99i%20ngh%E1%BB%8B.pdf&sha256={}&requestId=scan-01",
        doc.id,
        sha256_hex(&bytes)
    );
    let (status, body, _) = app
        .rest_bytes(Method::PUT, &path, &drafter, bytes.clone(), "application/pdf")
        .await;
    assert_eq!(status, StatusCode::OK, "{}", String::from_utf8_lossy(&body));
    let stored: serde_json::Value = serde_json::from_slice(&body).expect("json");
    assert_eq!(stored["fileName"], "Kết luận hội nghị.pdf");
    assert_eq!(stored["size"], bytes.len().to_string());
    let id = stored["id"].as_str().expect("id").to_string();

    // Retried with the same request id: the same attachment, nothing new.
    let (status, again, _) = app
        .rest_bytes(Method::PUT, &path, &drafter, bytes.clone(), "application/pdf")
        .await;
    assert_eq!(status, StatusCode::OK);
    let again: serde_json::Value = serde_json::from_slice(&again).expect("json");
    assert_eq!(again["id"], id.as_str());
    assert_eq!(list(&app, &drafter, &doc.id).await.len(), 1);

    let (status, back, headers) = app
        .rest_bytes(
            Method::GET,
            &format!("/api/v1/documents/{}/attachments/{id}/file", doc.id),
            &drafter,
            Vec::new(),
            "application/octet-stream",
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(back.as_ref() == bytes.as_slice(), "the same bytes come back");
    assert_eq!(headers["content-type"], "application/pdf");
    assert_eq!(headers["content-length"], bytes.len().to_string().as_str());
    assert_eq!(headers["etag"], format!("\"{}\"", sha256_hex(&bytes)).as_str());
    let disposition = headers["content-disposition"].to_str().expect("ascii");
    assert!(
        disposition.ends_with("filename*=UTF-8''K%E1%BA%BFt%20lu%E1%BA%ADn%20h%E1%BB%99i%20ngh%E1%BB%8B.pdf"),
        "{disposition}"
    );

    // A wrong hash stores nothing and names the field; a sibling office
    // cannot read the file.
    let wrong = format!(
        "/api/v1/documents/{}/attachments/file?fileName=x.pdf&sha256={}",
        doc.id,
        "0".repeat(64)
    );
    let (status, body, _) = app
        .rest_bytes(Method::PUT, &wrong, &drafter, bytes.clone(), "application/pdf")
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{}", String::from_utf8_lossy(&body));
    assert!(String::from_utf8_lossy(&body).contains("sha256"));
    assert_eq!(list(&app, &drafter, &doc.id).await.len(), 1);
    let sibling = app.token("vietyen", Role::Leader).await;
    let (status, _, _) = app
        .rest_bytes(
            Method::GET,
            &format!("/api/v1/documents/{}/attachments/{id}/file", doc.id),
            &sibling,
            Vec::new(),
            "application/octet-stream",
        )
        .await;
    assert!(
        status == StatusCode::NOT_FOUND || status == StatusCode::FORBIDDEN,
        "{status}"
    );
}
