//! Digital signatures of documents that arrive (docs/domain.md §2.7): a
//! PDF stored with a document is checked against the configured trust
//! anchors, and what it came to is kept and shown with the attachment;
//! a broken or untrusted signature flags the document in its history.

use std::time::{Duration, SystemTime};

use der::EncodePem;
use vanphong_pdf::sign::ca::{DemoCa, Holder};
use vanphong_pdf::sign::pades::{self, Issuers};
use vanphong_pdf::{Convention, OfficialDocument, render};
use vanphong_platform::identity::Role;
use vanphong_proto::documents::v1::{GetDocumentRequest, PutAttachmentRequest, SignatureVerdict};

use crate::console::WebClient;
use crate::documents_attachments::{files, sha256_hex, upload};
use crate::documents_incoming::{paper, register};
use crate::helpers::{authed, spawn_app_with};
use vanphong::demo::DEMO_PASSWORD;

fn demo_ca(name: &str) -> DemoCa {
    DemoCa::new(name, SystemTime::now() - Duration::from_secs(86_400 * 400), 10).expect("CA")
}

/// A Party resolution signed by its signer and sealed by its office, both
/// with certificates of `ca`.
async fn signed_resolution(ca: &DemoCa) -> Vec<u8> {
    let from = SystemTime::now() - Duration::from_secs(86_400 * 30);
    let person = ca
        .signer("Nguyễn Văn An", "Tỉnh ủy Bắc Giang", Holder::Person, from)
        .expect("person");
    let office = ca
        .signer("Tỉnh ủy Bắc Giang", "Tỉnh ủy Bắc Giang", Holder::Office, from)
        .expect("office");
    let rendered = render(&OfficialDocument::example(Convention::Party)).expect("rendered");
    let issuers = Issuers {
        person: &person,
        person_name: "Nguyễn Văn An",
        body: &office,
        body_name: "Tỉnh ủy Bắc Giang",
        location: "Bắc Giang",
        person_image: None,
        body_image: None,
    };
    pades::issue(&rendered.bytes, &issuers, chrono::Utc::now().fixed_offset())
        .await
        .expect("signed")
}

#[tokio::test]
async fn an_arriving_pdf_shows_whether_its_signatures_hold() {
    let trusted = demo_ca("Vanphong Demo Root CA");
    let anchors = tempfile::NamedTempFile::new().expect("temp file");
    std::fs::write(
        anchors.path(),
        trusted.root.to_pem(der::pem::LineEnding::LF).expect("pem"),
    )
    .expect("write");
    let path = anchors.path().to_path_buf();
    let app = spawn_app_with(move |o| o.trust_anchors_file = Some(path)).await;
    let clerk = app.token("hiephoa", Role::Clerk).await;
    let doc = register(&app, &clerk, paper(7, "Nghị quyết về chuyển đổi số")).await;

    // Signed under the trusted root: valid, both signers named.
    let signed = signed_resolution(&trusted).await;
    let good = upload(&app, &clerk, &doc.id, "nghi-quyet.pdf", &signed).await;
    let check = good.signature_check.expect("a PDF is checked");
    assert_eq!(check.verdict(), SignatureVerdict::Valid, "{check:?}");
    let signers: Vec<&str> = check.signatures.iter().map(|s| s.signer.as_str()).collect();
    assert_eq!(signers, vec!["Nguyễn Văn An", "Tỉnh ủy Bắc Giang"]);
    assert!(
        check
            .signatures
            .iter()
            .all(|s| s.intact && s.trusted && s.signed_at.ends_with("+00:00"))
    );

    // The same file changed after signing, sent whole over the REST-style
    // call: invalid, with the reason, and the document flagged.
    let mut altered = signed.clone();
    let at = altered.windows(6).position(|w| w == b"stream").expect("a stream") + 20;
    altered[at] ^= 0x01;
    let bad = files(&app)
        .put_attachment(authed(
            PutAttachmentRequest {
                document_id: doc.id.clone(),
                file_name: "nghi-quyet-sua.pdf".into(),
                content_type: "application/pdf".into(),
                sha256: sha256_hex(&altered),
                content: altered,
                ..Default::default()
            },
            &clerk,
        ))
        .await
        .expect("stored")
        .into_inner();
    let check = bad.signature_check.expect("checked");
    assert_eq!(check.verdict(), SignatureVerdict::Invalid);
    assert!(check.reason.contains("thay đổi"), "{}", check.reason);

    // Signed under a root nobody configured: not trusted.
    let stranger = signed_resolution(&demo_ca("Unknown Root")).await;
    let untrusted = upload(&app, &clerk, &doc.id, "la.pdf", &stranger).await;
    let check = untrusted.signature_check.expect("checked");
    assert_eq!(check.verdict(), SignatureVerdict::Invalid);
    assert!(check.reason.contains("tin cậy"), "{}", check.reason);
    assert!(check.signatures.iter().all(|s| s.intact && !s.trusted));

    // Unsigned PDF and other files.
    let plain = render(&OfficialDocument::example(Convention::State))
        .expect("rendered")
        .bytes;
    let unsigned = upload(&app, &clerk, &doc.id, "ban-thao.pdf", &plain).await;
    assert_eq!(
        unsigned.signature_check.expect("checked").verdict(),
        SignatureVerdict::Unsigned
    );
    let text = upload(&app, &clerk, &doc.id, "ghi-chu.txt", "ghi chú".as_bytes()).await;
    assert!(text.signature_check.is_none());

    // The document's history flags the two broken files.
    let document = app
        .queries()
        .get_document(authed(
            GetDocumentRequest {
                document_id: doc.id.clone(),
            },
            &clerk,
        ))
        .await
        .expect("document")
        .into_inner();
    let flags: Vec<&str> = document
        .events
        .iter()
        .filter(|e| e.kind == "signature_invalid")
        .map(|e| e.note.as_str())
        .collect();
    assert_eq!(flags.len(), 2, "{flags:?}");
    assert!(flags[0].starts_with("nghi-quyet-sua.pdf: "));

    // The console shows each verdict beside its file, the broken ones as
    // warnings, and the flag in the history.
    let mut web = WebClient::new(&app);
    web.sign_in(&app.username("hiephoa", Role::Clerk), DEMO_PASSWORD).await;
    let page = web.get(&format!("/documents/{}", doc.id)).await;
    assert!(
        page.body.contains("Chữ ký số hợp lệ: Nguyễn Văn An, Tỉnh ủy Bắc Giang"),
        "{}",
        page.body
    );
    assert!(
        page.body
            .contains(r#"<span class="badge bad">Chữ ký số không hợp lệ: "#),
        "{}",
        page.body
    );
    assert!(page.body.contains("Không có chữ ký số"));
}
