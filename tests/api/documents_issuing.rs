//! Issuing outgoing documents as signed PDFs (docs/domain.md §2.7): when a
//! clerk gives a signed draft its number, the document is laid out with
//! that number and date, signed with its signer's key and sealed with the
//! office's, and kept as its issued attachment, which travels with it.

use std::time::{Duration, SystemTime};

use der::EncodePem;
use vanphong_pdf::sign::ca::{DemoCa, Enrolment};
use vanphong_pdf::sign::keys::{KeyOwner, KeyStore};
use vanphong_pdf::verify::{Verdict, verify};
use vanphong_platform::identity::Role;
use vanphong_proto::documents::v1::{
    Attachment, CreateDraftRequest, DispatchRequest, GetDocumentRequest, IssueNumberRequest, ListAttachmentsRequest,
    SignatureVerdict, UpdateDraftRequest,
};

use crate::documents_attachments::{download, files};
use crate::documents_outgoing::{Desk, desk, draft, signed, term, to_office};
use crate::helpers::{TestApp, authed, spawn_app_with, text_of, violated_fields};

const PASSPHRASE: &str = "mật khẩu kho khóa thử nghiệm";

/// A CA the deployment trusts, and the file that says so.
pub(crate) struct Pki {
    pub(crate) ca: DemoCa,
    _anchors: tempfile::NamedTempFile,
    pub(crate) anchors_path: std::path::PathBuf,
}

pub(crate) fn pki() -> Pki {
    let ca = DemoCa::new(
        "Vanphong Test Root CA",
        SystemTime::from(crate::helpers::start_time()) - Duration::from_secs(86_400 * 400),
        10,
    )
    .expect("CA");
    let anchors = tempfile::NamedTempFile::new().expect("temp file");
    std::fs::write(anchors.path(), ca.root.to_pem(der::pem::LineEnding::LF).expect("pem")).expect("write");
    let anchors_path = anchors.path().to_path_buf();
    Pki {
        ca,
        _anchors: anchors,
        anchors_path,
    }
}

/// The suite, trusting the CA and opening its key folder with the test's
/// passphrase.
pub(crate) async fn spawn(pki: &Pki) -> TestApp {
    let anchors = pki.anchors_path.clone();
    spawn_app_with(move |o| {
        o.trust_anchors_file = Some(anchors);
        o.document_keys_passphrase = Some(PASSPHRASE.into());
    })
    .await
}

/// Gives the office a seal key and its leader a signing key.
pub(crate) async fn enrol(app: &TestApp, pki: &Pki, slug: &str) {
    let store = KeyStore::new(app.settings.document_keys_dir.clone(), Some(PASSPHRASE.into()));
    let office = app.demo.office(slug).expect("office");
    let from = SystemTime::from(crate::helpers::start_time()) - Duration::from_secs(86_400 * 30);
    let seal = Enrolment {
        owner: KeyOwner::Office,
        id: &office.id,
        common_name: office.name,
        organization: office.name,
    };
    pki.ca.enrol(&store, &seal, from, 1_000).expect("office key");
    let leader = app
        .demo
        .offices
        .iter()
        .flat_map(|o| &o.users)
        .find(|u| u.role == Role::Leader && u.username.starts_with(&format!("{slug}.")));
    let leader = leader.expect("leader");
    let person = Enrolment {
        owner: KeyOwner::Person,
        id: &leader.id,
        common_name: leader.full_name,
        organization: office.name,
    };
    pki.ca.enrol(&store, &person, from, 1_000).expect("leader key");
}

pub(crate) fn with_body(mut request: CreateDraftRequest, body: &str) -> CreateDraftRequest {
    request.body = body.into();
    request
}

pub(crate) async fn attachments(app: &TestApp, token: &str, document_id: &str) -> Vec<Attachment> {
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

/// The document's issued PDF, downloaded.
async fn issued_pdf(app: &TestApp, token: &str, document_id: &str) -> (Attachment, Vec<u8>) {
    let issued = attachments(app, token, document_id)
        .await
        .into_iter()
        .find(|a| a.issued)
        .expect("an issued PDF");
    download(app, token, document_id, &issued.id).await.expect("downloaded")
}

pub(crate) const BODY: &str = "Căn cứ Điều lệ Đảng Cộng sản Việt Nam;\r\n\r\nBan Thường vụ Tỉnh ủy quyết nghị đẩy mạnh chuyển đổi số trong các cơ quan đảng.";

#[tokio::test]
async fn a_numbered_document_is_issued_signed_by_its_signer_and_sealed_by_its_office() {
    let pki = pki();
    let app = spawn(&pki).await;
    enrol(&app, &pki, "tu").await;
    let d = desk(&app, "tu").await;
    term(&app, "tu", "Nhiệm kỳ 2025–2030", "2025-10-16", "", false).await;
    let request = with_body(
        draft(
            "NQ",
            "về đẩy mạnh chuyển đổi số trong các cơ quan đảng",
            vec![to_office(&app, "hiephoa")],
        ),
        BODY,
    );
    let doc = signed(&app, &d, request, "T/M").await;
    assert_eq!(doc.body.lines().count(), 3, "line ends made plain: {:?}", doc.body);

    // Numbering issues it.
    let numbered = app
        .outgoing()
        .issue_number(authed(
            IssueNumberRequest {
                document_id: doc.id.clone(),
            },
            &d.clerk,
        ))
        .await
        .expect("numbered")
        .into_inner();
    assert_eq!(numbered.number_symbol, "01-NQ/TU");
    let issue = numbered
        .events
        .iter()
        .find(|e| e.kind == "issue")
        .expect("issued in the history");
    assert!(issue.note.contains("01-NQ-TU.pdf"), "{}", issue.note);
    assert!(
        issue.note.contains("ký số của người ký và của cơ quan"),
        "{}",
        issue.note
    );

    let (meta, pdf) = issued_pdf(&app, &d.clerk, &doc.id).await;
    assert_eq!(meta.file_name, "01-NQ-TU.pdf");
    assert_eq!(meta.content_type, "application/pdf");
    let check = meta.signature_check.expect("checked");
    assert_eq!(check.verdict(), SignatureVerdict::Valid, "{check:?}");
    let signers: Vec<&str> = check.signatures.iter().map(|s| s.signer.as_str()).collect();
    let leader_name = app.demo.offices[0]
        .users
        .iter()
        .find(|u| u.role == Role::Leader)
        .expect("leader")
        .full_name;
    assert_eq!(signers, vec![leader_name, "Tỉnh ủy Bắc Giang"]);

    // Our verifier, independently, with the CA as the only anchor.
    let verification = verify(&pdf, std::slice::from_ref(&pki.ca.root));
    assert_eq!(verification.verdict, Verdict::Valid);
    assert_eq!(verification.signatures.len(), 2);
    // The signing time is the numbering time, in Vietnam's time zone, and
    // its date is the printed date.
    let signed_at = &check.signatures[1].signed_at;
    assert!(signed_at.ends_with("+07:00"), "{signed_at}");
    let issued_on = chrono::NaiveDate::parse_from_str(&numbered.issued_on, "%Y-%m-%d").expect("date");
    assert!(
        signed_at.starts_with(&issued_on.format("%Y-%m-%d").to_string()),
        "{signed_at}"
    );

    // What a reader sees, read by a third-party tool.
    if let Some(text) = text_of(&pdf) {
        assert!(text.contains("ĐẢNG CỘNG SẢN VIỆT NAM"), "{text}");
        assert!(text.contains("Số 01-NQ/TU"), "{text}");
        let date_line = vanphong_pdf::official::place_and_date("Bắc Giang", Some(issued_on));
        assert!(text.contains(&date_line), "{date_line} in {text}");
        assert!(text.contains("T/M BAN THƯỜNG VỤ"), "{text}");
        assert!(text.contains("quyết nghị đẩy mạnh chuyển đổi số"), "{text}");
        assert!(text.contains(leader_name), "{text}");
    }

    // Asking for the number again changes nothing and issues no second PDF.
    app.outgoing()
        .issue_number(authed(
            IssueNumberRequest {
                document_id: doc.id.clone(),
            },
            &d.clerk,
        ))
        .await
        .expect("asked again");
    let issued: Vec<Attachment> = attachments(&app, &d.clerk, &doc.id)
        .await
        .into_iter()
        .filter(|a| a.issued)
        .collect();
    assert_eq!(issued.len(), 1);

    // Dispatch carries the signed PDF to the recipient, still valid.
    app.outgoing()
        .dispatch(authed(
            DispatchRequest {
                document_id: doc.id.clone(),
            },
            &d.clerk,
        ))
        .await
        .expect("dispatched");
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
    let (copy, copy_pdf) = issued_pdf(&app, &their_clerk, &copy_id).await;
    assert_eq!(copy_pdf, pdf);
    assert_eq!(
        copy.signature_check.expect("checked").verdict(),
        SignatureVerdict::Valid
    );
}

#[tokio::test]
async fn without_keys_the_document_is_issued_unsigned_and_the_history_says_which_key_is_missing() {
    let pki = pki();
    let app = spawn(&pki).await;
    let d = desk(&app, "tu").await;
    term(&app, "tu", "Nhiệm kỳ 2025–2030", "2025-10-16", "", false).await;
    let doc = signed(
        &app,
        &d,
        with_body(draft("TB", "Thông báo lịch làm việc", vec![]), BODY),
        "T/M",
    )
    .await;
    let numbered = app
        .outgoing()
        .issue_number(authed(
            IssueNumberRequest {
                document_id: doc.id.clone(),
            },
            &d.clerk,
        ))
        .await
        .expect("numbered")
        .into_inner();
    let issue = numbered.events.iter().find(|e| e.kind == "issue").expect("issued");
    assert!(issue.note.contains("chưa ký số"), "{}", issue.note);
    assert!(issue.note.contains("Tỉnh ủy Bắc Giang"), "{}", issue.note);
    let (meta, _) = issued_pdf(&app, &d.clerk, &doc.id).await;
    assert_eq!(
        meta.signature_check.expect("checked").verdict(),
        SignatureVerdict::Unsigned
    );
}

#[tokio::test]
async fn a_draft_text_is_checked_when_written_and_kept_out_of_lists() {
    let pki = pki();
    let app = spawn(&pki).await;
    let d: Desk = desk(&app, "tu").await;
    // A character the document typeface cannot print is refused at once,
    // naming the field, not discovered when the number is given.
    let e = app
        .outgoing()
        .create_draft(authed(
            with_body(draft("TB", "Thông báo", vec![]), "Kính gửi 🙂"),
            &d.drafter,
        ))
        .await
        .expect_err("unprintable");
    assert_eq!(violated_fields(&e), vec!["body"]);
    let doc = app
        .outgoing()
        .create_draft(authed(draft("TB", "Thông báo", vec![]), &d.drafter))
        .await
        .expect("draft")
        .into_inner();
    assert_eq!(doc.body, "");
    let updated = app
        .outgoing()
        .update_draft(authed(
            UpdateDraftRequest {
                document_id: doc.id.clone(),
                body: Some("Đoạn một.\nĐoạn hai.".into()),
                ..Default::default()
            },
            &d.drafter,
        ))
        .await
        .expect("updated")
        .into_inner();
    assert_eq!(updated.body, "Đoạn một.\nĐoạn hai.");
}

#[tokio::test]
async fn fifty_documents_issued_at_once_keep_their_numbers_gap_free() {
    let pki = pki();
    let app = spawn(&pki).await;
    enrol(&app, &pki, "yendung").await;
    let d = desk(&app, "yendung").await;
    term(&app, "yendung", "Nhiệm kỳ 2025–2030", "2025-10-16", "", false).await;
    let mut ids = Vec::new();
    for i in 0..50 {
        let request = with_body(draft("TB", &format!("Thông báo số {i}"), vec![]), BODY);
        ids.push(signed(&app, &d, request, "T/M").await.id);
    }
    let mut calls = Vec::new();
    for id in &ids {
        let mut client = app.outgoing();
        let request = authed(
            IssueNumberRequest {
                document_id: id.clone(),
            },
            &d.clerk,
        );
        calls.push(tokio::spawn(async move { client.issue_number(request).await }));
    }
    let mut numbers = Vec::new();
    for call in calls {
        numbers.push(call.await.expect("joined").expect("numbered").into_inner().number);
    }
    numbers.sort();
    assert_eq!(numbers, (1..=50).collect::<Vec<i64>>());
    for id in &ids {
        let (meta, pdf) = issued_pdf(&app, &d.clerk, id).await;
        assert_eq!(
            meta.signature_check.expect("checked").verdict(),
            SignatureVerdict::Valid
        );
        assert_eq!(verify(&pdf, std::slice::from_ref(&pki.ca.root)).verdict, Verdict::Valid);
    }
}

#[tokio::test]
async fn a_signers_pkcs12_key_imported_with_the_command_signs_what_they_issue() {
    let pki = pki();
    // The deployment trusts the CA that issued the PKCS#12 file too.
    let p12_root = include_str!("../../services/pdf/tests/fixtures/p12-root.pem");
    let mut anchors = std::fs::read_to_string(&pki.anchors_path).expect("anchors");
    anchors.push_str(p12_root);
    std::fs::write(&pki.anchors_path, anchors).expect("write");
    let app = spawn(&pki).await;
    enrol(&app, &pki, "tu").await;
    let p12 = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("services/pdf/tests/fixtures/rsa-signer.p12");
    let leader = app.username("tu", Role::Leader);
    let out = crate::cli::run_with_env(
        &app.settings,
        &["keys", "import", p12.to_str().expect("path"), "--person", &leader],
        &[
            ("VANPHONG_P12_PASSWORD", "mật khẩu"),
            ("VANPHONG_DOCUMENT_KEYS_PASSPHRASE", PASSPHRASE),
        ],
    );
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).contains("Nguyễn Văn An"));
    let key_file = std::fs::read_dir(&app.settings.document_keys_dir)
        .expect("key folder")
        .filter_map(Result::ok)
        .find(|e| {
            let name = e.file_name().to_string_lossy().to_string();
            name.starts_with("person-") && name.ends_with(".key.pem")
        })
        .expect("the imported key");
    let text = std::fs::read_to_string(key_file.path()).expect("read");
    assert!(text.starts_with("-----BEGIN ENCRYPTED PRIVATE KEY-----"));

    // A wrong password is refused and says so.
    let refused = crate::cli::run_with_env(
        &app.settings,
        &["keys", "import", p12.to_str().expect("path"), "--person", &leader],
        &[
            ("VANPHONG_P12_PASSWORD", "sai"),
            ("VANPHONG_DOCUMENT_KEYS_PASSPHRASE", PASSPHRASE),
        ],
    );
    assert!(!refused.status.success());
    assert!(String::from_utf8_lossy(&refused.stderr).contains("password"));

    let (meta, _) = numbered_notice(&app).await;
    let check = meta.signature_check.expect("checked");
    assert_eq!(check.verdict(), SignatureVerdict::Valid, "{check:?}");
    assert_eq!(check.signatures[0].signer, "Nguyễn Văn An");
}

/// A notice of Tỉnh ủy with text, signed by its leader and numbered: its
/// issued PDF and what the service says of it.
async fn numbered_notice(app: &TestApp) -> (Attachment, Vec<u8>) {
    let d = desk(app, "tu").await;
    term(app, "tu", "Nhiệm kỳ 2025–2030", "2025-10-16", "", false).await;
    let doc = signed(app, &d, with_body(draft("TB", "Thông báo", vec![]), BODY), "T/M").await;
    app.outgoing()
        .issue_number(authed(
            IssueNumberRequest {
                document_id: doc.id.clone(),
            },
            &d.clerk,
        ))
        .await
        .expect("numbered");
    issued_pdf(app, &d.clerk, &doc.id).await
}

/// A red ring on a transparent background: a seal's picture as an office
/// would scan it.
fn seal_png() -> Vec<u8> {
    let side = 120u32;
    let mut out = Vec::new();
    {
        let mut encoder = png::Encoder::new(&mut out, side, side);
        encoder.set_color(png::ColorType::Rgba);
        encoder.set_depth(png::BitDepth::Eight);
        let mut writer = encoder.write_header().expect("header");
        let c = side as f32 / 2.0;
        let mut data = Vec::new();
        for y in 0..side {
            for x in 0..side {
                let d = ((x as f32 - c).powi(2) + (y as f32 - c).powi(2)).sqrt();
                let ink = (d < c - 1.0 && d > c * 0.85) || (d < c * 0.6 && d > c * 0.55);
                data.extend_from_slice(&[215, 25, 30, if ink { 255 } else { 0 }]);
            }
        }
        writer.write_image_data(&data).expect("pixels");
    }
    out
}

#[tokio::test]
async fn an_offices_seal_picture_kept_with_the_command_is_what_its_seal_shows() {
    let pki = pki();
    let app = spawn(&pki).await;
    enrol(&app, &pki, "tu").await;
    let office = app.demo.office("tu").expect("office");
    let folder = tempfile::tempdir().expect("temp dir");
    let picture = folder.path().join("con-dau.png");
    std::fs::write(&picture, seal_png()).expect("write");
    let out = crate::cli::run_with_env(
        &app.settings,
        &[
            "keys",
            "image",
            picture.to_str().expect("path"),
            "--office",
            office.code,
        ],
        &[],
    );
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let said = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(
        said.contains("con dấu") && said.contains("120×120") && said.contains("nền trong suốt"),
        "{said}"
    );

    // What is not a PNG is refused and nothing is kept.
    let not_png = folder.path().join("con-dau.jpg");
    std::fs::write(&not_png, b"\xff\xd8\xff\xe0 not a png").expect("write");
    let refused = crate::cli::run_with_env(
        &app.settings,
        &[
            "keys",
            "image",
            not_png.to_str().expect("path"),
            "--office",
            office.code,
        ],
        &[],
    );
    assert!(!refused.status.success());
    assert!(String::from_utf8_lossy(&refused.stderr).contains("con-dau.jpg"));

    let (meta, pdf) = numbered_notice(&app).await;
    let check = meta.signature_check.expect("checked");
    assert_eq!(check.verdict(), SignatureVerdict::Valid, "{check:?}");
    assert_eq!(check.signatures.len(), 2, "{check:?}");
    // The seal's revision carries the picture with its transparency.
    let text = String::from_utf8_lossy(&pdf);
    assert!(text.contains("/Subtype /Image"), "an image XObject");
    assert!(text.contains("/SMask"), "its transparency as a soft mask");
    assert!(text.contains("/Width 120"), "the picture as kept");
}
