//! The issuing body's signature on an issued document's attachments
//! (docs/domain.md §2.7): numbering signs each attached PDF invisibly
//! (reason naming the number and symbol, the signing time) and puts a
//! detached signature (`.p7s`) beside every other file; both travel with
//! the document and are checked where it arrives.

use vanphong_pdf::verify::{Verdict, verify, verify_detached};
use vanphong_platform::identity::Role;
use vanphong_proto::documents::v1::{
    Attachment, AttachmentMetadata, GetDocumentRequest, IssueNumberRequest, SignatureVerdict,
};

use crate::documents_attachments::{download, sha256_hex, upload_as};
use crate::documents_issuing::{BODY, attachments, enrol, pki, spawn, with_body};
use crate::documents_outgoing::{desk, draft, term, to_office};
use crate::helpers::{TestApp, authed, pdfsig_of, text_of};

/// A PDF qpdf wrote: a cross-reference stream, objects in object streams.
const FOREIGN_PDF: &[u8] = include_bytes!("../../services/pdf/tests/fixtures/foreign-objstm.pdf");
const SHEET: &[u8] = b"PK\x03\x04 bang tong hop kinh phi (a spreadsheet)";
const SHEET_TYPE: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

async fn put(app: &TestApp, token: &str, document_id: &str, name: &str, kind: &str, bytes: &[u8]) -> Attachment {
    let metadata = AttachmentMetadata {
        document_id: document_id.into(),
        file_name: name.into(),
        content_type: kind.into(),
        size: bytes.len() as i64,
        sha256: sha256_hex(bytes),
        ..Default::default()
    };
    upload_as(app, token, metadata, bytes.to_vec()).await.expect("uploaded")
}

fn named<'a>(files: &'a [Attachment], name: &str) -> &'a Attachment {
    files
        .iter()
        .find(|a| a.file_name == name)
        .unwrap_or_else(|| panic!("{name} among {files:?}"))
}

fn valid_with_reason(a: &Attachment, reason: &str) {
    let check = a.signature_check.as_ref().expect("checked");
    assert_eq!(check.verdict(), SignatureVerdict::Valid, "{}: {check:?}", a.file_name);
    assert_eq!(check.signatures.len(), 1, "{check:?}");
    let s = &check.signatures[0];
    assert_eq!(s.signer, "Tỉnh ủy Bắc Giang");
    assert!(s.signed_at.ends_with("+07:00"), "{}", s.signed_at);
    assert!(s.intact && s.trusted);
    if !reason.is_empty() {
        assert_eq!(s.reason, reason);
    }
}

#[tokio::test]
async fn numbering_signs_the_attachments_as_the_body_and_they_verify_where_they_arrive() {
    let pki = pki();
    let app = spawn(&pki).await;
    enrol(&app, &pki, "tu").await;
    let d = desk(&app, "tu").await;
    term(&app, "tu", "Nhiệm kỳ 2025–2030", "2025-10-16", "", false).await;
    let request = with_body(draft("NQ", "về chuyển đổi số", vec![to_office(&app, "hiephoa")]), BODY);
    let doc = app
        .outgoing()
        .create_draft(authed(request, &d.drafter))
        .await
        .expect("draft")
        .into_inner();
    put(&app, &d.drafter, &doc.id, "phu-luc.pdf", "application/pdf", FOREIGN_PDF).await;
    put(&app, &d.drafter, &doc.id, "bang-tong-hop.xlsx", SHEET_TYPE, SHEET).await;
    let numbered = crate::documents_attachments::issue(&app, "tu", &d.drafter, &doc.id).await;
    assert_eq!(numbered.number_symbol, "01-NQ/TU");
    let reason = "Tệp đính kèm văn bản số 01-NQ/TU";
    let seal = numbered
        .events
        .iter()
        .find(|e| e.kind == "seal")
        .expect("sealed in the history");
    assert!(
        seal.note.contains("01-NQ/TU") && seal.note.contains("phu-luc.pdf"),
        "{}",
        seal.note
    );
    assert!(seal.note.contains("bang-tong-hop.xlsx"), "{}", seal.note);

    let files = attachments(&app, &d.clerk, &doc.id).await;
    assert_eq!(files.len(), 4, "the issued PDF, the two files and a .p7s: {files:?}");
    // The PDF: the file as drafted plus a revision with the body's
    // invisible signature.
    let pdf_row = named(&files, "phu-luc.pdf");
    valid_with_reason(pdf_row, reason);
    let (_, pdf) = download(&app, &d.clerk, &doc.id, &pdf_row.id)
        .await
        .expect("downloaded");
    assert!(pdf.starts_with(FOREIGN_PDF) && pdf.len() > FOREIGN_PDF.len());
    assert_eq!(pdf_row.sha256, sha256_hex(&pdf));
    let ours = verify(&pdf, std::slice::from_ref(&pki.ca.root));
    assert_eq!(ours.verdict, Verdict::Valid, "{ours:?}");
    assert_eq!(ours.signatures[0].reason.as_deref(), Some(reason));
    if let Some(text) = pdfsig_of(&pdf) {
        assert!(text.contains("Signature Validation: Signature is Valid."), "{text}");
        assert!(text.contains("Tỉnh ủy Bắc Giang"), "{text}");
    }
    if let Some(text) = text_of(&pdf) {
        assert!(text.contains("Phu luc 1"), "{text}");
    }
    // The spreadsheet: unchanged, its signature beside it.
    let sheet = named(&files, "bang-tong-hop.xlsx");
    assert_eq!(sheet.sha256, sha256_hex(SHEET));
    valid_with_reason(sheet, "");
    let p7s_row = named(&files, "bang-tong-hop.xlsx.p7s");
    assert_eq!(p7s_row.content_type, "application/pkcs7-signature");
    valid_with_reason(p7s_row, "");
    let (_, p7s) = download(&app, &d.clerk, &doc.id, &p7s_row.id)
        .await
        .expect("downloaded");
    let detached = verify_detached(SHEET, &p7s, std::slice::from_ref(&pki.ca.root));
    assert_eq!(detached.verdict, Verdict::Valid, "{detached:?}");
    // Signed at the numbering, as the issued PDF's seal.
    let issued = files.iter().find(|a| a.issued).expect("issued PDF");
    let seal_time = &issued.signature_check.as_ref().expect("checked").signatures[1].signed_at;
    assert_eq!(
        &p7s_row.signature_check.as_ref().expect("checked").signatures[0].signed_at,
        seal_time
    );

    // Asking for the number again signs nothing twice.
    let again = app
        .outgoing()
        .issue_number(authed(
            IssueNumberRequest {
                document_id: doc.id.clone(),
            },
            &d.clerk,
        ))
        .await
        .expect("asked again")
        .into_inner();
    assert_eq!(again.events.iter().filter(|e| e.kind == "seal").count(), 1);
    let files_again = attachments(&app, &d.clerk, &doc.id).await;
    assert_eq!(files_again.len(), 4);
    assert_eq!(named(&files_again, "phu-luc.pdf").sha256, pdf_row.sha256);

    // Dispatch carries them, checks and all.
    crate::documents_attachments::dispatch(&app, &d.clerk, &doc.id).await;
    let sent = app
        .queries()
        .get_document(authed(
            GetDocumentRequest {
                document_id: doc.id.clone(),
            },
            &d.clerk,
        ))
        .await
        .expect("document")
        .into_inner();
    let copy_id = sent.recipients[0].incoming_document_id.clone();
    let their_clerk = app.token("hiephoa", Role::Clerk).await;
    let theirs = attachments(&app, &their_clerk, &copy_id).await;
    assert_eq!(theirs.len(), 4);
    valid_with_reason(named(&theirs, "phu-luc.pdf"), reason);
    valid_with_reason(named(&theirs, "bang-tong-hop.xlsx.p7s"), "");

    // A file that does not match its signature is flagged where it
    // arrives, whichever of the two comes second.
    let altered: Vec<u8> = SHEET.iter().map(|b| b ^ 1).collect();
    let copy = put(&app, &their_clerk, &copy_id, "ban-sao.xlsx", SHEET_TYPE, &altered).await;
    assert!(copy.signature_check.is_none(), "no signature beside it yet");
    let p7s_copy = put(
        &app,
        &their_clerk,
        &copy_id,
        "ban-sao.xlsx.p7s",
        "application/pkcs7-signature",
        &p7s,
    )
    .await;
    let check = p7s_copy.signature_check.expect("checked");
    assert_eq!(check.verdict(), SignatureVerdict::Invalid, "{check:?}");
    assert!(check.reason.contains("thay đổi"), "{}", check.reason);
    let theirs = attachments(&app, &their_clerk, &copy_id).await;
    assert_eq!(
        named(&theirs, "ban-sao.xlsx")
            .signature_check
            .as_ref()
            .expect("checked")
            .verdict(),
        SignatureVerdict::Invalid
    );
    let copy_doc = app
        .queries()
        .get_document(authed(
            GetDocumentRequest {
                document_id: copy_id.clone(),
            },
            &their_clerk,
        ))
        .await
        .expect("copy")
        .into_inner();
    assert!(copy_doc.events.iter().any(|e| e.kind == "signature_invalid"), "flagged");

    // edXML carries them too: the package's .p7s is checked on import.
    let package = crate::documents_edxml::export(&app, &d.clerk, &doc.id).await;
    let other_clerk = app.token("yendung", Role::Clerk).await;
    let imported = crate::documents_edxml::import(&app, &other_clerk, "", &package.content)
        .await
        .expect("imported");
    let files = attachments(&app, &other_clerk, &imported.id).await;
    valid_with_reason(named(&files, "phu-luc.pdf"), reason);
    valid_with_reason(named(&files, "bang-tong-hop.xlsx"), "");
    valid_with_reason(named(&files, "bang-tong-hop.xlsx.p7s"), "");
}
