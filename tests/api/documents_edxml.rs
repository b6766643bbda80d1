//! edXML exchange with bodies outside the deployment: an exported package
//! imports with every field and its attachments byte for byte, malformed
//! packages are refused with nothing written, and status packages travel
//! both ways.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use http::{Method, StatusCode};
use tonic::Code;
use tonic::transport::Channel;

use vanphong_platform::identity::Role;
use vanphong_proto::documents::v1::edxml_service_client::EdxmlServiceClient;
use vanphong_proto::documents::v1::{
    CreateDraftRequest, DispatchRequest, Document, EdxmlPackage, ExportEdxmlRequest, ExportEdxmlStatusRequest,
    GetAttachmentRequest, ImportEdxmlRequest, ImportEdxmlStatusRequest, ListDocumentsRequest, RecipientInput,
    RegisterIncomingRequest, Status,
};

use crate::documents_attachments::{content, draft, files, issue, list, open_term, sha256_hex, upload};
use crate::helpers::{TestApp, authed, spawn_app, violated_fields};

const NAMESPACE: &str = "http://www.mic.gov.vn/TBT/QCVN_102_2016";

fn edxml(app: &TestApp) -> EdxmlServiceClient<Channel> {
    EdxmlServiceClient::new(app.channel.clone())
}

/// A secret, very urgent directive of the province with two files, sent to
/// a body outside the deployment and to Yên Dũng as if it were one; numbered.
async fn directive(app: &TestApp) -> (Document, Vec<Vec<u8>>) {
    open_term(app, "tu").await;
    let clerk = app.token("tu", Role::Clerk).await;
    let yendung = app.demo.office("yendung").expect("office");
    let doc = draft(
        app,
        &clerk,
        CreateDraftRequest {
            type_code: "CT".into(),
            subject: "Chỉ thị về tăng cường «kỷ luật» & <kỷ cương> hành chính".into(),
            urgency: 2,
            secrecy: 1,
            pages: 4,
            due_on: "2026-03-20".into(),
            recipients: vec![
                RecipientInput {
                    name: "Văn phòng Tỉnh ủy Lạng Sơn".into(),
                    organ_id: "000.00.00.H37".into(),
                    ..Default::default()
                },
                RecipientInput {
                    name: yendung.name.into(),
                    organ_id: yendung.code.into(),
                    ..Default::default()
                },
            ],
            ..Default::default()
        },
    )
    .await;
    let pdf = content(150_000, 9);
    let binary: Vec<u8> = (0..=255u8).cycle().take(4096).collect();
    upload(app, &clerk, &doc.id, "chi-thi-ky-so.pdf", &pdf).await;
    upload(app, &clerk, &doc.id, "phụ lục.bin", &binary).await;
    let numbered = issue(app, "tu", &clerk, &doc.id).await;
    (numbered, vec![pdf, binary])
}

/// A body outside the deployment, reached only by edXML files.
pub(crate) fn outside_recipient() -> RecipientInput {
    RecipientInput {
        name: "Văn phòng Tỉnh ủy Lạng Sơn".into(),
        organ_id: "000.00.00.H37".into(),
        ..Default::default()
    }
}

pub(crate) async fn export(app: &TestApp, token: &str, id: &str) -> EdxmlPackage {
    edxml(app)
        .export_edxml(authed(ExportEdxmlRequest { document_id: id.into() }, token))
        .await
        .expect("exported")
        .into_inner()
}

pub(crate) async fn import(
    app: &TestApp,
    token: &str,
    request_id: &str,
    package: &[u8],
) -> Result<Document, tonic::Status> {
    edxml(app)
        .import_edxml(authed(
            ImportEdxmlRequest {
                request_id: request_id.into(),
                office_id: String::new(),
                package: package.to_vec(),
            },
            token,
        ))
        .await
        .map(tonic::Response::into_inner)
}

#[tokio::test]
async fn an_exported_package_imports_with_every_field_and_its_files() {
    let app = spawn_app().await;
    let (sent, originals) = directive(&app).await;
    let tu_clerk = app.token("tu", Role::Clerk).await;
    let package = export(&app, &tu_clerk, &sent.id).await;
    let xml = String::from_utf8(package.content.clone()).expect("utf-8");
    for expected in [
        NAMESPACE,
        "<edXML:CodeNumber>01</edXML:CodeNumber>",
        "<edXML:CodeNotation>CT/TU</edXML:CodeNotation>",
        "<edXML:PromulgationDate>2026/03/02</edXML:PromulgationDate>",
        "<edXML:DueDate>2026/03/20</edXML:DueDate>",
        "<edXML:Priority>2</edXML:Priority>",
        "<edXML:PageAmount>4</edXML:PageAmount>",
        "<edXML:Competence>T/M</edXML:Competence>",
        "<edXML:OrganId>000.00.00.H37</edXML:OrganId>",
        "&lt;kỷ cương&gt;",
        "TraceHeaderList",
    ] {
        assert!(xml.contains(expected), "{expected} in {xml}");
    }
    assert_eq!(package.electronic_id, format!("vanphong:{}", sent.id));

    // The same package by REST.
    let (status, body, _) = app
        .rest(
            Method::GET,
            &format!("/api/v1/documents/{}/edxml", sent.id),
            Some(&tu_clerk),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(
        BASE64
            .decode(body["content"].as_str().expect("content"))
            .expect("base64"),
        package.content
    );

    // Taken in by Yên Dũng: arrived, electronic, every field kept.
    let clerk = app.token("yendung", Role::Clerk).await;
    let arrived = import(&app, &clerk, "goi-01", &package.content)
        .await
        .expect("imported");
    assert_eq!(arrived.status, Status::Arrived as i32);
    assert_eq!(arrived.channel, 2, "electronic");
    assert_eq!(arrived.office_id, app.office_id("yendung"));
    assert_eq!(arrived.electronic_id, package.electronic_id);
    assert_eq!(
        (arrived.number, arrived.symbol.as_str()),
        (sent.number, sent.symbol.as_str())
    );
    assert_eq!(arrived.number_symbol, "01-CT/TU");
    assert_eq!(arrived.issued_on, sent.issued_on);
    assert_eq!(arrived.type_code, "CT");
    assert_eq!(arrived.subject, sent.subject);
    assert_eq!(arrived.signer_name, sent.signer_name);
    assert!(!arrived.signer_name.is_empty());
    assert_eq!(arrived.signer_position, "Bí thư");
    assert_eq!(arrived.signing_prefix, "T/M");
    assert_eq!(arrived.urgency, 2, "thượng khẩn");
    assert_eq!(arrived.secrecy, 1, "mật");
    assert_eq!(arrived.pages, 4);
    assert_eq!(arrived.due_on, "2026-03-20");
    assert_eq!(arrived.issuer_name, sent.issuer_name);
    assert_eq!(arrived.issuer_code, "TU");

    // Its files, byte for byte.
    let attached = list(&app, &clerk, &arrived.id).await;
    assert_eq!(attached.len(), 2);
    for (file, original) in attached.iter().zip(&originals) {
        assert_eq!(file.sha256, sha256_hex(original));
        let whole = files(&app)
            .get_attachment(authed(
                GetAttachmentRequest {
                    document_id: arrived.id.clone(),
                    attachment_id: file.id.clone(),
                },
                &clerk,
            ))
            .await
            .expect("file")
            .into_inner();
        assert_eq!(&whole.content, original);
    }
    assert_eq!(attached[1].file_name, "phụ lục.bin");

    // A retry is the same import; the same package again is refused.
    let retried = import(&app, &clerk, "goi-01", &package.content).await.expect("retried");
    assert_eq!(retried.id, arrived.id);
    let e = import(&app, &clerk, "goi-02", &package.content)
        .await
        .expect_err("already taken in");
    assert_eq!(e.code(), Code::AlreadyExists);
    assert_eq!(
        crate::helpers::duplicated_record(&e),
        Some(("document".to_string(), arrived.id.clone())),
        "{e:?}"
    );

    // The clerk registers it like any arrival.
    let registered = app
        .incoming()
        .register_incoming(authed(
            RegisterIncomingRequest {
                arrived_document_id: arrived.id.clone(),
                ..Default::default()
            },
            &clerk,
        ))
        .await
        .expect("registered")
        .into_inner();
    assert_eq!(registered.status, Status::Registered as i32);
    assert_eq!(registered.arrival_number, 1);
    let e = import(&app, &clerk, "goi-03", &package.content)
        .await
        .expect_err("registered already");
    assert_eq!(e.code(), Code::AlreadyExists);

    // By REST, into another office.
    let hh_clerk = app.token("hiephoa", Role::Clerk).await;
    let (status, body, _) = app
        .rest(
            Method::POST,
            "/api/v1/documents/edxml/import",
            Some(&hh_clerk),
            Some(serde_json::json!({ "package": BASE64.encode(&package.content) })),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["status"], "STATUS_ARRIVED");
    assert_eq!(body["numberSymbol"], "01-CT/TU");

    // Someone not cleared for its secrecy cannot take it in.
    let uncleared = app.token("bacly", Role::Specialist).await;
    let e = import(&app, &uncleared, "", &package.content)
        .await
        .expect_err("not a clerk");
    assert_eq!(e.code(), Code::PermissionDenied);
}

/// The package with one part cut out or replaced.
fn altered(xml: &str, from: &str, to: &str, replacement: &str) -> Vec<u8> {
    let start = xml.find(from).expect("start");
    let end = xml[start..].find(to).expect("end") + start + to.len();
    format!("{}{replacement}{}", &xml[..start], &xml[end..]).into_bytes()
}

#[tokio::test]
async fn malformed_packages_are_refused_and_nothing_is_written() {
    let app = spawn_app().await;
    let (sent, _) = directive(&app).await;
    let tu_clerk = app.token("tu", Role::Clerk).await;
    let package = export(&app, &tu_clerk, &sent.id).await;
    let xml = String::from_utf8(package.content.clone()).expect("utf-8");
    let clerk = app.token("yendung", Role::Clerk).await;
    let cases: Vec<(&str, Vec<u8>)> = vec![
        ("empty", Vec::new()),
        ("not XML", "đây không phải XML".as_bytes().to_vec()),
        ("cut short", package.content[..package.content.len() / 2].to_vec()),
        (
            "other namespace",
            xml.replace(NAMESPACE, "http://example.org/khac").into_bytes(),
        ),
        (
            "a DTD",
            xml.replacen(
                "<edXML:edXMLEnvelope",
                "<!DOCTYPE x [<!ENTITY e \"x\">]><edXML:edXMLEnvelope",
                1,
            )
            .into_bytes(),
        ),
        ("no subject", altered(&xml, "<edXML:Subject>", "</edXML:Subject>", "")),
        (
            "no number",
            altered(
                &xml,
                "<edXML:CodeNumber>",
                "</edXML:CodeNumber>",
                "<edXML:CodeNumber>mười</edXML:CodeNumber>",
            ),
        ),
        (
            "bad date",
            altered(
                &xml,
                "<edXML:PromulgationDate>",
                "</edXML:PromulgationDate>",
                "<edXML:PromulgationDate>2026/02/30</edXML:PromulgationDate>",
            ),
        ),
        (
            "unknown type",
            altered(
                &xml,
                "<edXML:DocumentType>",
                "</edXML:DocumentType>",
                "<edXML:DocumentType><edXML:Type>XYZ</edXML:Type><edXML:TypeName>Loại lạ</edXML:TypeName></edXML:DocumentType>",
            ),
        ),
        (
            "damaged file",
            altered(
                &xml,
                "<edXML:ContentTransferEncoded>",
                "</edXML:ContentTransferEncoded>",
                "<edXML:ContentTransferEncoded>@@ không phải base64 @@</edXML:ContentTransferEncoded>",
            ),
        ),
        (
            "due before the date",
            altered(
                &xml,
                "<edXML:DueDate>",
                "</edXML:DueDate>",
                "<edXML:DueDate>2026/01/01</edXML:DueDate>",
            ),
        ),
    ];
    for (what, bytes) in cases {
        let e = import(&app, &clerk, "", &bytes).await.expect_err(what);
        let fields = violated_fields(&e);
        assert!(
            !fields.is_empty() && fields.iter().all(|f| f == "package"),
            "{what}: {fields:?} {}",
            e.message()
        );
    }
    let (status, body, _) = app
        .rest(
            Method::POST,
            "/api/v1/documents/edxml/import",
            Some(&clerk),
            Some(serde_json::json!({ "package": BASE64.encode("<edXML:edXMLEnvelope") })),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(
        body["error"]["details"][0]["fieldViolations"][0]["field"], "package",
        "{body}"
    );

    // Nothing arrived, and the untouched package still imports.
    let queue = app
        .queries()
        .list_documents(authed(
            ListDocumentsRequest {
                direction: 1,
                ..Default::default()
            },
            &clerk,
        ))
        .await
        .expect("listed")
        .into_inner()
        .documents;
    assert!(queue.is_empty(), "{queue:?}");
    import(&app, &clerk, "", &package.content).await.expect("imported");
}

fn outside_status(electronic_id: &str, code: &str) -> Vec<u8> {
    format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<edXML:edXMLEnvelope xmlns:edXML="{NAMESPACE}">
  <edXML:edXMLHeader>
    <edXML:Status>
      <edXML:ResponseFor>
        <edXML:OrganId>TU-BG</edXML:OrganId>
        <edXML:Code>01-CT/TU</edXML:Code>
        <edXML:PromulgationDate>2026/03/02</edXML:PromulgationDate>
        <edXML:DocumentId>{electronic_id}</edXML:DocumentId>
      </edXML:ResponseFor>
      <edXML:From>
        <edXML:OrganId>000.00.00.H37</edXML:OrganId>
        <edXML:OrganName>Văn phòng Tỉnh ủy Lạng Sơn</edXML:OrganName>
      </edXML:From>
      <edXML:StaffInfo><edXML:Staff>Hoàng Thị Lan</edXML:Staff></edXML:StaffInfo>
      <edXML:StatusCode>{code}</edXML:StatusCode>
      <edXML:Description>Đã xử lý xong &amp; lưu hồ sơ</edXML:Description>
      <edXML:Timestamp>2026/03/02 10:15:00</edXML:Timestamp>
    </edXML:Status>
  </edXML:edXMLHeader>
</edXML:edXMLEnvelope>"#
    )
    .into_bytes()
}

async fn import_status(app: &TestApp, token: &str, package: Vec<u8>) -> Result<Document, tonic::Status> {
    edxml(app)
        .import_edxml_status(authed(
            ImportEdxmlStatusRequest {
                request_id: String::new(),
                package,
            },
            token,
        ))
        .await
        .map(tonic::Response::into_inner)
}

fn statuses(doc: &Document) -> Vec<&str> {
    doc.recipients.iter().map(|r| r.status.as_str()).collect()
}

#[tokio::test]
async fn status_packages_update_the_senders_recipients() {
    let app = spawn_app().await;
    let (sent, _) = directive(&app).await;
    let tu_clerk = app.token("tu", Role::Clerk).await;
    app.outgoing()
        .dispatch(authed(
            DispatchRequest {
                document_id: sent.id.clone(),
            },
            &tu_clerk,
        ))
        .await
        .expect("dispatched");
    let package = export(&app, &tu_clerk, &sent.id).await;

    // Yên Dũng takes it in and registers it, and reports so.
    let clerk = app.token("yendung", Role::Clerk).await;
    let arrived = import(&app, &clerk, "", &package.content).await.expect("imported");
    app.incoming()
        .register_incoming(authed(
            RegisterIncomingRequest {
                arrived_document_id: arrived.id.clone(),
                ..Default::default()
            },
            &clerk,
        ))
        .await
        .expect("registered");
    let report = edxml(&app)
        .export_edxml_status(authed(
            ExportEdxmlStatusRequest {
                document_id: arrived.id.clone(),
                description: String::new(),
            },
            &clerk,
        ))
        .await
        .expect("status package")
        .into_inner();
    assert_eq!(report.status_code, "03");
    let text = String::from_utf8(report.content.clone()).expect("utf-8");
    assert!(text.contains("<edXML:StatusCode>03</edXML:StatusCode>"), "{text}");
    assert!(text.contains(&package.electronic_id), "{text}");
    let seen = import_status(&app, &tu_clerk, report.content)
        .await
        .expect("status taken in");
    assert_eq!(statuses(&seen), vec!["", "03"]);

    // Submitted to the leader, who takes it on (it is secret: only cleared
    // people handle it); reported by REST this time.
    let leader_id = app.user_id("yendung", Role::Leader).await;
    app.submit_and_direct("yendung", &arrived.id, &leader_id).await;
    let (status, body, _) = app
        .rest(
            Method::GET,
            &format!("/api/v1/documents/{}/edxml-status", arrived.id),
            Some(&clerk),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["statusCode"], "04");
    let (status, body, _) = app
        .rest(
            Method::POST,
            "/api/v1/documents/edxml/status",
            Some(&tu_clerk),
            Some(serde_json::json!({ "requestId": "tt-04", "package": body["content"] })),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["recipients"][1]["status"], "04");

    // A body outside the deployment reports it done.
    let seen = import_status(&app, &tu_clerk, outside_status(&package.electronic_id, "06"))
        .await
        .expect("outside status");
    assert_eq!(statuses(&seen), vec!["06", "04"]);
    assert!(seen.events.iter().any(|e| e.kind == "edxml_status"));

    // Unknown codes and documents, and other offices, change nothing.
    let e = import_status(&app, &tu_clerk, outside_status(&package.electronic_id, "99"))
        .await
        .expect_err("unknown code");
    assert_eq!(violated_fields(&e), vec!["package"]);
    let e = import_status(&app, &tu_clerk, b"<khong-phai-edxml/>".to_vec())
        .await
        .expect_err("malformed");
    assert_eq!(violated_fields(&e), vec!["package"]);
    let stranger = format!("vanphong:{}", uuid::Uuid::now_v7());
    let e = import_status(&app, &tu_clerk, outside_status(&stranger, "03"))
        .await
        .expect_err("unknown document");
    assert_eq!(e.code(), Code::NotFound);
    let sibling = app.token("hiephoa", Role::Clerk).await;
    let e = import_status(&app, &sibling, outside_status(&package.electronic_id, "02"))
        .await
        .expect_err("not theirs");
    assert_eq!(e.code(), Code::NotFound);
    let after = app
        .queries()
        .get_document(authed(
            vanphong_proto::documents::v1::GetDocumentRequest {
                document_id: sent.id.clone(),
            },
            &tu_clerk,
        ))
        .await
        .expect("document")
        .into_inner();
    assert_eq!(statuses(&after), vec!["06", "04"]);

    // The province's inspector, not cleared for this Mật directive, reads
    // the statuses in the audit trail without what the recipients wrote.
    let inspector = app.token("tu", Role::Inspector).await;
    let trail = crate::documents_secrecy::trail(&app, &inspector, "tu", "recipient").await;
    assert!(!trail.is_empty() && trail.iter().all(|r| r.redacted), "{trail:?}");
    assert!(!format!("{trail:?}").contains("Đã xử lý xong"), "{trail:?}");

    // A paper document has no one to report to.
    let e = edxml(&app)
        .export_edxml_status(authed(
            ExportEdxmlStatusRequest {
                document_id: sent.id.clone(),
                description: String::new(),
            },
            &tu_clerk,
        ))
        .await
        .expect_err("not incoming");
    assert_eq!(e.code(), Code::FailedPrecondition);
}

#[tokio::test]
async fn large_packages_travel_as_xml_files_over_rest() {
    let app = spawn_app().await;
    open_term(&app, "tu").await;
    let tu_clerk = app.token("tu", Role::Clerk).await;
    let doc = draft(
        &app,
        &tu_clerk,
        CreateDraftRequest {
            type_code: "TB".into(),
            subject: "Thông báo kết luận kèm bản chụp hồ sơ".into(),
            pages: 30,
            recipients: vec![outside_recipient()],
            ..Default::default()
        },
    )
    .await;
    // Too large for a package in JSON: 5 MiB of scans become ~7 MiB of
    // base64 in the XML.
    let scan = content(5 * 1024 * 1024, 17);
    upload(&app, &tu_clerk, &doc.id, "ban-chup.pdf", &scan).await;
    let sent = issue(&app, "tu", &tu_clerk, &doc.id).await;

    let (status, xml, headers) = app
        .rest_bytes(
            Method::GET,
            &format!("/api/v1/documents/{}/edxml/file", sent.id),
            &tu_clerk,
            Vec::new(),
            "application/xml",
        )
        .await;
    assert_eq!(
        status,
        StatusCode::OK,
        "{}",
        String::from_utf8_lossy(&xml[..xml.len().min(500)])
    );
    assert!(xml.len() > 6 * 1024 * 1024, "{} bytes", xml.len());
    assert!(
        headers["content-type"]
            .to_str()
            .expect("type")
            .starts_with("application/xml")
    );
    assert!(headers["content-disposition"].to_str().expect("ascii").contains(".xml"));
    assert!(String::from_utf8_lossy(&xml).contains(NAMESPACE));

    // Yên Dũng takes the file in as it came; the scan arrives whole.
    let clerk = app.token("yendung", Role::Clerk).await;
    let (status, body, _) = app
        .rest_bytes(
            Method::POST,
            "/api/v1/documents/edxml/import/file?requestId=goi-lon-01",
            &clerk,
            xml.to_vec(),
            "application/xml",
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{}", String::from_utf8_lossy(&body));
    let arrived: serde_json::Value = serde_json::from_slice(&body).expect("json");
    assert_eq!(arrived["status"], "STATUS_ARRIVED");
    assert_eq!(arrived["officeId"], app.office_id("yendung").as_str());
    let id = arrived["id"].as_str().expect("id");
    let files = list(&app, &clerk, id).await;
    let copy = files.iter().find(|f| f.file_name == "ban-chup.pdf").expect("the scan");
    assert_eq!(copy.sha256, sha256_hex(&scan));

    // Not a package: refused, nothing written.
    let (status, body, _) = app
        .rest_bytes(
            Method::POST,
            "/api/v1/documents/edxml/import/file?requestId=goi-hong",
            &clerk,
            b"<khong-phai-edxml/>".to_vec(),
            "application/xml",
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{}", String::from_utf8_lossy(&body));
}
