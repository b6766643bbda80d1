//! Signing rendered documents with the demo CA, checked by a third-party
//! verifier (`pdfsig` from poppler-utils, trusting the demo root through
//! an NSS database made with `certutil` from libnss3-tools).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;
use std::time::SystemTime;

use chrono::{DateTime, FixedOffset, TimeZone};
use der::EncodePem;
use vanphong_pdf::official::SIGNER_FIELD;
use vanphong_pdf::sign::SoftwareSigner;
use vanphong_pdf::sign::ca::{DemoCa, Holder};
use vanphong_pdf::sign::image::MarkImage;
use vanphong_pdf::sign::pades::{self, Issuers, Mark, Signing};
use vanphong_pdf::{Convention, OfficialDocument, render};

fn required() -> bool {
    std::env::var("VANPHONG_PDF_TOOLS").as_deref() == Ok("required")
}

fn have(tool: &str) -> bool {
    let ok = Command::new(tool).arg("-h").output().is_ok();
    if !ok {
        assert!(
            !required(),
            "{tool} is required (VANPHONG_PDF_TOOLS=required) but not installed"
        );
        eprintln!("PDF TOOL TESTS NOT RUN: {tool} is not installed");
    }
    ok
}

/// A PNG with a transparent background, inked where `ink` says.
fn picture(width: u32, height: u32, ink: fn(f32, f32) -> Option<[u8; 3]>) -> Vec<u8> {
    let mut out = Vec::new();
    {
        let mut encoder = png::Encoder::new(&mut out, width, height);
        encoder.set_color(png::ColorType::Rgba);
        encoder.set_depth(png::BitDepth::Eight);
        let mut writer = encoder.write_header().unwrap();
        let mut data = Vec::new();
        for y in 0..height {
            for x in 0..width {
                let (u, v) = (x as f32 / width as f32, y as f32 / height as f32);
                match ink(u, v) {
                    Some([r, g, b]) => data.extend_from_slice(&[r, g, b, 255]),
                    None => data.extend_from_slice(&[255, 255, 255, 0]),
                }
            }
        }
        writer.write_image_data(&data).unwrap();
    }
    out
}

/// A seal: a red ring with a star-like dot at its centre.
fn ring(u: f32, v: f32) -> Option<[u8; 3]> {
    let d = ((u - 0.5).powi(2) + (v - 0.5).powi(2)).sqrt();
    ((d > 0.42 && d < 0.49) || (d > 0.30 && d < 0.32) || d < 0.06).then_some([210, 20, 25])
}

/// A handwritten signature: a blue wave.
fn stroke(u: f32, v: f32) -> Option<[u8; 3]> {
    let wave = 0.5 + 0.25 * (u * 9.0).sin() * (1.0 - u);
    ((v - wave).abs() < 0.04 && u > 0.1 && u < 0.9).then_some([20, 40, 150])
}

fn document() -> OfficialDocument {
    OfficialDocument::example(Convention::Party)
}

/// An NSS database trusting the demo root, for pdfsig.
/// Each test its own database (`tag`): tests run at once, each with its
/// own CA.
/// What `pdfsig` says of the PDF at `path` with the NSS database `db`
/// (which trusts the test CA), once it has said that exactly `signatures`
/// signatures are valid and their certificates trusted; `name` tells
/// failures apart.
fn pdfsig_trusting(db: &Path, path: &Path, signatures: usize, name: &str) -> String {
    let out = Command::new("pdfsig")
        .arg("-nssdir")
        .arg(format!("sql:{}", db.display()))
        .arg(path)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    assert_eq!(
        text.matches("Signature Validation: Signature is Valid.").count(),
        signatures,
        "{name}: {text}"
    );
    assert_eq!(
        text.matches("Certificate Validation: Certificate is Trusted.").count(),
        signatures,
        "{name}: {text}"
    );
    text
}

/// A demo root CA named `name`, valid since yesterday for ten years.
fn root_ca(name: &str) -> DemoCa {
    DemoCa::new(name, SystemTime::now() - std::time::Duration::from_secs(86400), 10).unwrap()
}

/// The demo root the signing tests trust.
fn ca() -> DemoCa {
    root_ca("Vanphong Demo Root CA")
}

/// The provincial party office's seal, certified from an hour ago.
fn office_seal(ca: &DemoCa) -> SoftwareSigner {
    ca.signer(
        "Văn phòng Tỉnh ủy",
        "Tỉnh ủy Bắc Giang",
        Holder::Office,
        SystemTime::now() - std::time::Duration::from_secs(3600),
    )
    .unwrap()
}

/// Now, as a signature in Vietnam states it.
fn vietnam_now() -> DateTime<FixedOffset> {
    let tz = FixedOffset::east_opt(7 * 3600).unwrap();
    tz.from_utc_datetime(&chrono::Utc::now().naive_utc())
}

fn nss_trusting(dir: &Path, ca: &DemoCa, tag: &str) -> Option<PathBuf> {
    if !have("certutil") {
        return None;
    }
    let db = dir.join(format!("nss-{tag}"));
    let _ = std::fs::remove_dir_all(&db);
    std::fs::create_dir_all(&db).unwrap();
    let pem = ca.root.to_pem(der::pem::LineEnding::LF).unwrap();
    let root = dir.join(format!("demo-root-{tag}.pem"));
    std::fs::write(&root, pem).unwrap();
    let db_arg = format!("sql:{}", db.display());
    let st = Command::new("certutil")
        .args(["-N", "-d", &db_arg, "--empty-password"])
        .status()
        .unwrap();
    assert!(st.success());
    let st = Command::new("certutil")
        .args([
            "-A",
            "-d",
            &db_arg,
            "-n",
            "vanphong-demo-root",
            "-t",
            "CT,C,C",
            "-a",
            "-i",
        ])
        .arg(&root)
        .status()
        .unwrap();
    assert!(st.success());
    Some(db)
}

async fn signed_twice(ca: &DemoCa) -> Vec<u8> {
    let now = SystemTime::now() - std::time::Duration::from_secs(3600);
    let person = ca
        .signer("Nguyễn Văn An", "Tỉnh ủy Bắc Giang", Holder::Person, now)
        .unwrap();
    let office = ca
        .signer("Tỉnh ủy Bắc Giang", "Tỉnh ủy Bắc Giang", Holder::Office, now)
        .unwrap();
    let rendered = render(&document()).unwrap();
    let issuers = Issuers {
        person: &person,
        person_name: "Nguyễn Văn An",
        body: &office,
        body_name: "Tỉnh ủy Bắc Giang",
        location: "Bắc Giang",
        person_image: Some(Arc::new(MarkImage::from_png(&picture(300, 120, stroke)).unwrap())),
        body_image: Some(Arc::new(MarkImage::from_png(&picture(200, 200, ring)).unwrap())),
    };
    pades::issue(&rendered.bytes, &issuers, vietnam_now()).await.unwrap()
}

#[tokio::test]
async fn pdfsig_finds_two_valid_signatures_chained_to_the_demo_root() {
    let ca = ca();
    let signed = signed_twice(&ca).await;
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR"));
    let path = dir.join("signed-resolution.pdf");
    std::fs::write(&path, &signed).unwrap();
    if !have("pdfsig") {
        return;
    }
    let Some(db) = nss_trusting(&dir, &ca, "two") else {
        return;
    };
    let text = pdfsig_trusting(&db, &path, 2, "");
    assert!(text.contains("Nguyễn Văn An") || text.contains("Nguy"), "{text}");
}

#[tokio::test]
async fn pdfsig_reports_a_document_altered_after_signing() {
    let ca = ca();
    let mut signed = signed_twice(&ca).await;
    // Change one byte inside the first revision's page content.
    let at = signed.windows(6).position(|w| w == b"stream").unwrap() + 20;
    signed[at] ^= 0x01;
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR"));
    let path = dir.join("altered-resolution.pdf");
    std::fs::write(&path, &signed).unwrap();
    if !have("pdfsig") {
        return;
    }
    let out = Command::new("pdfsig").arg(&path).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        text.contains("Signature is Invalid") || text.contains("Digest Mismatch"),
        "{text}"
    );
    assert!(!text.contains("Signature Validation: Signature is Valid."), "{text}");
}

mod ours {
    use super::*;
    use vanphong_pdf::verify::{Verdict, verify};

    #[tokio::test]
    async fn two_signatures_under_the_trusted_root_are_valid() {
        let ca = ca();
        let signed = signed_twice(&ca).await;
        let result = verify(&signed, std::slice::from_ref(&ca.root));
        assert_eq!(result.verdict, Verdict::Valid, "{result:?}");
        let names: Vec<&str> = result.signatures.iter().map(|s| s.signer.as_str()).collect();
        assert_eq!(names, vec!["Nguyễn Văn An", "Tỉnh ủy Bắc Giang"]);
        assert!(
            result
                .signatures
                .iter()
                .all(|s| s.intact && s.trusted && s.signed_at.is_some())
        );
    }

    #[tokio::test]
    async fn a_byte_changed_inside_the_signed_range_is_invalid() {
        let ca = ca();
        let mut signed = signed_twice(&ca).await;
        let at = signed.windows(6).position(|w| w == b"stream").unwrap() + 20;
        signed[at] ^= 0x01;
        let result = verify(&signed, std::slice::from_ref(&ca.root));
        let Verdict::Invalid(reason) = &result.verdict else {
            panic!("{result:?}")
        };
        assert!(reason.contains("thay đổi"), "{reason}");
        assert!(result.signatures.iter().all(|s| !s.intact));
    }

    #[tokio::test]
    async fn content_appended_after_the_last_signature_is_flagged() {
        let ca = ca();
        let mut signed = signed_twice(&ca).await;
        signed.extend_from_slice(b"1 0 obj\n<< /Type /Catalog >>\nendobj\n%%EOF\n");
        let result = verify(&signed, std::slice::from_ref(&ca.root));
        assert!(result.changed_after_signing);
        assert!(matches!(result.verdict, Verdict::Invalid(_)));
        // Each signature on its own is still intact.
        assert!(result.signatures.iter().all(|s| s.intact));
    }

    #[tokio::test]
    async fn a_signature_from_an_unknown_ca_is_not_trusted() {
        let ca = ca();
        let other = root_ca("Another Root");
        let signed = signed_twice(&ca).await;
        let result = verify(&signed, std::slice::from_ref(&other.root));
        let Verdict::Invalid(reason) = &result.verdict else {
            panic!("{result:?}")
        };
        assert!(reason.contains("tin cậy"), "{reason}");
        assert!(result.signatures.iter().all(|s| s.intact && !s.trusted));
    }

    #[test]
    fn an_unsigned_document_says_so() {
        let rendered = render(&document()).unwrap();
        assert_eq!(verify(&rendered.bytes, &[]).verdict, Verdict::Unsigned);
    }

    #[tokio::test]
    async fn a_field_signs_once() {
        let ca = ca();
        let signed = signed_twice(&ca).await;
        let person = ca
            .signer("Nguyễn Văn An", "Tỉnh ủy Bắc Giang", Holder::Person, SystemTime::now())
            .unwrap();
        let again = pades::sign(
            &signed,
            Signing {
                field: SIGNER_FIELD,
                signer: &person,
                time: chrono::Utc::now().fixed_offset(),
                reason: "Ký lại".into(),
                location: "Bắc Giang".into(),
                mark: Mark::Signature {
                    signer: "Nguyễn Văn An".into(),
                    image: None,
                },
            },
        )
        .await;
        assert!(matches!(again, Err(vanphong_pdf::Error::AlreadySigned(_))));
    }
}

mod rsa_keys {
    use super::*;
    use vanphong_pdf::sign::{SoftwareKey, SoftwareSigner, certificate};
    use vanphong_pdf::verify::{Verdict, anchor, verify};

    #[tokio::test]
    async fn an_rsa_signature_of_a_national_style_pki_signs_and_verifies() {
        use rsa::pkcs8::DecodePrivateKey;
        let key = rsa::PrivateKey::from_pkcs8_pem(include_str!("fixtures/rsa-signer.key")).unwrap();
        let cert = anchor(include_bytes!("fixtures/rsa-signer.pem")).unwrap();
        let root = anchor(include_bytes!("fixtures/rsa-root.pem")).unwrap();
        let signer = SoftwareSigner::new(
            SoftwareKey::Rsa(Box::new(rsa::pkcs1v15::SigningKey::new(key))),
            vec![certificate(&der::Encode::to_der(&cert).unwrap()).unwrap()],
        )
        .unwrap();
        let rendered = render(&document()).unwrap();
        let signed = pades::sign(
            &rendered.bytes,
            Signing {
                field: SIGNER_FIELD,
                signer: &signer,
                time: chrono::Utc::now().fixed_offset(),
                reason: "Ký ban hành".into(),
                location: "Bắc Giang".into(),
                mark: Mark::Signature {
                    signer: "Trần Văn Bình".into(),
                    image: None,
                },
            },
        )
        .await
        .unwrap();
        let result = verify(&signed, std::slice::from_ref(&root));
        assert_eq!(result.verdict, Verdict::Valid, "{result:?}");
        assert_eq!(result.signatures[0].signer, "Trần Văn Bình");
    }
}

mod hostile_input {
    use super::*;
    use vanphong_pdf::verify::verify;

    /// A small deterministic generator, so a failure can be replayed.
    struct Lcg(u64);

    impl Lcg {
        fn next(&mut self) -> u64 {
            self.0 = self
                .0
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            self.0 >> 33
        }
    }

    #[tokio::test]
    async fn damaged_and_forged_pdfs_are_judged_never_panic() {
        let ca = root_ca("Root");
        let signed = signed_twice(&ca).await;
        let mut rng = Lcg(7);
        // The signature values themselves are outside what is signed: a
        // change there (in the zero padding after the CMS) may leave the
        // document valid, as any verifier would.
        let unsigned: Vec<std::ops::Range<usize>> = vanphong_pdf::parse::signatures(&signed)
            .iter()
            .map(|s| s.byte_range[1] as usize..s.byte_range[2] as usize)
            .collect();
        // Random bytes changed, cut short, or dictionaries with absurd ranges.
        for round in 0..300 {
            let mut pdf = signed.clone();
            let mut may_stay_valid = false;
            match round % 3 {
                0 => {
                    for _ in 0..(1 + rng.next() % 8) {
                        let at = (rng.next() as usize) % pdf.len();
                        may_stay_valid |= unsigned.iter().any(|r| r.contains(&at));
                        pdf[at] = rng.next() as u8;
                    }
                }
                1 => pdf.truncate((rng.next() as usize) % pdf.len()),
                _ => {
                    let numbers: Vec<String> = (0..4)
                        .map(|_| match rng.next() % 3 {
                            0 => u64::MAX.to_string(),
                            1 => (rng.next() % 200_000).to_string(),
                            _ => "-1".into(),
                        })
                        .collect();
                    pdf.extend_from_slice(
                        format!(
                            "\n9 0 obj << /ByteRange [{}] /Contents <3082ZZ> /M (D:2026) >> endobj\n",
                            numbers.join(" ")
                        )
                        .as_bytes(),
                    );
                }
            }
            let result = verify(&pdf, std::slice::from_ref(&ca.root));
            if !may_stay_valid && pdf != signed {
                assert_ne!(result.verdict, vanphong_pdf::verify::Verdict::Valid, "round {round}");
            }
        }
        // Thousands of signature dictionaries: judged at once, not read.
        let real = &vanphong_pdf::parse::signatures(&signed)[0].byte_range;
        let forged = format!("<< /ByteRange [0 {} {} {}] >>\n", real[1], real[2], real[3]);
        let mut many = signed.clone();
        for _ in 0..5000 {
            many.extend_from_slice(forged.as_bytes());
        }
        let result = verify(&many, std::slice::from_ref(&ca.root));
        let vanphong_pdf::verify::Verdict::Invalid(reason) = result.verdict else {
            panic!("many signatures")
        };
        assert!(reason.contains("chữ ký số"), "{reason}");
        // Not a PDF at all.
        for len in [0usize, 1, 10, 1000] {
            let junk: Vec<u8> = (0..len).map(|_| rng.next() as u8).collect();
            let _ = verify(&junk, &[]);
        }
    }
}

#[tokio::test]
async fn a_pkcs12_key_as_openssl_exports_it_signs_and_verifies() {
    let p12 = include_bytes!("fixtures/rsa-signer.p12");
    use vanphong_pdf::sign::Signer as _;
    let signer = vanphong_pdf::sign::pkcs12::read(p12, "mật khẩu").expect("read");
    assert_eq!(signer.chain().len(), 2);
    assert_eq!(vanphong_pdf::sign::common_name(&signer.chain()[0]), "Nguyễn Văn An");
    assert_eq!(signer.algorithm(), vanphong_pdf::sign::Algorithm::RsaSha256);
    let root = vanphong_pdf::verify::anchor(include_bytes!("fixtures/p12-root.pem")).expect("root");
    let rendered = render(&OfficialDocument::example(Convention::State)).expect("rendered");
    let signed = pades::sign(
        &rendered.bytes,
        pades::Signing {
            field: vanphong_pdf::official::SIGNER_FIELD,
            signer: &signer,
            time: chrono::Utc::now().fixed_offset(),
            reason: "Ký ban hành".into(),
            location: "Bắc Giang".into(),
            mark: pades::Mark::Signature {
                signer: "Nguyễn Văn An".into(),
                image: None,
            },
        },
    )
    .await
    .expect("signed");
    let verification = vanphong_pdf::verify::verify(&signed, &[root]);
    assert_eq!(verification.verdict, vanphong_pdf::verify::Verdict::Valid);

    let wrong = vanphong_pdf::sign::pkcs12::read(p12, "sai").err().expect("refused");
    assert!(wrong.to_string().contains("password"), "{wrong}");
    assert!(vanphong_pdf::sign::pkcs12::read(b"not a p12", "x").is_err());
    assert!(vanphong_pdf::sign::pkcs12::read(&p12[..p12.len() / 2], "mật khẩu").is_err());
}

/// The issuing body's invisible signature on PDFs other programs wrote
/// (qpdf through pikepdf: cross-reference streams with PNG predictors,
/// objects in object streams, a linearized file, a form kept as its own
/// object with its page's annotations as an indirect array).
mod foreign {
    use super::*;
    use vanphong_pdf::sign::invisible::{self, Invisible};
    use vanphong_pdf::verify::{Verdict, verify};

    const FIXTURES: [(&str, &[u8]); 3] = [
        ("foreign-objstm.pdf", include_bytes!("fixtures/foreign-objstm.pdf")),
        (
            "foreign-linearized.pdf",
            include_bytes!("fixtures/foreign-linearized.pdf"),
        ),
        ("foreign-form.pdf", include_bytes!("fixtures/foreign-form.pdf")),
    ];

    async fn sealed(ca: &DemoCa, pdf: &[u8], times: usize) -> Vec<u8> {
        let office = office_seal(ca);
        let mut pdf = pdf.to_vec();
        for _ in 0..times {
            pdf = invisible::sign(
                &pdf,
                Invisible {
                    signer: &office,
                    time: vietnam_now(),
                    reason: "Tệp đính kèm văn bản số 15-NQ/TU".into(),
                    location: "Bắc Giang".into(),
                },
            )
            .await
            .unwrap();
        }
        pdf
    }

    #[tokio::test]
    async fn files_of_other_programs_are_signed_and_verify() {
        let ca = ca();
        for (name, bytes) in FIXTURES {
            let signed = sealed(&ca, bytes, 2).await;
            assert!(signed.starts_with(bytes), "{name}: an incremental update");
            let result = verify(&signed, std::slice::from_ref(&ca.root));
            assert_eq!(result.verdict, Verdict::Valid, "{name}: {result:?}");
            assert_eq!(result.signatures.len(), 2, "{name}");
            assert!(
                result.signatures.iter().all(|s| s.signer == "Văn phòng Tỉnh ủy"
                    && s.reason.as_deref() == Some("Tệp đính kèm văn bản số 15-NQ/TU"))
            );
            let mut altered = signed.clone();
            let at = altered.windows(6).position(|w| w == b"stream").unwrap() + 12;
            altered[at] ^= 0x01;
            let result = verify(&altered, std::slice::from_ref(&ca.root));
            assert!(matches!(result.verdict, Verdict::Invalid(_)), "{name}: {result:?}");
        }
    }

    #[tokio::test]
    async fn pdfsig_and_pdftotext_read_the_signed_files() {
        let ca = ca();
        let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR"));
        if !have("pdfsig") || !have("pdftotext") {
            return;
        }
        let Some(db) = nss_trusting(&dir, &ca, "foreign") else {
            return;
        };
        for (name, bytes) in FIXTURES {
            let signed = sealed(&ca, bytes, 1).await;
            let path = dir.join(format!("sealed-{name}"));
            std::fs::write(&path, &signed).unwrap();
            let text = pdfsig_trusting(&db, &path, 1, name);
            assert!(text.contains("Signing Time"), "{name}: {text}");
            let out = Command::new("pdftotext").arg(&path).arg("-").output().unwrap();
            let pages = String::from_utf8_lossy(&out.stdout);
            assert!(
                pages.contains("Phu luc 1") && pages.contains("Trang 2"),
                "{name}: {pages}"
            );
        }
    }

    #[tokio::test]
    async fn our_own_issued_document_takes_an_invisible_signature_too() {
        let ca = ca();
        let issued = signed_twice(&ca).await;
        let signed = sealed(&ca, &issued, 1).await;
        let result = verify(&signed, std::slice::from_ref(&ca.root));
        assert_eq!(result.verdict, Verdict::Valid, "{result:?}");
        assert_eq!(result.signatures.len(), 3);
    }

    #[tokio::test]
    async fn encrypted_and_broken_files_are_refused_not_signed() {
        let ca = ca();
        let office = ca
            .signer("Văn phòng", "Tỉnh ủy", Holder::Office, SystemTime::now())
            .unwrap();
        let mut encrypted = FIXTURES[0].1.to_vec();
        // The trailer (the cross-reference stream's dictionary) names /Encrypt.
        let at = encrypted.windows(6).position(|w| w == b"/Info ").unwrap();
        encrypted.splice(at..at + 6, b"/Encrypt 7 0 R /Info ".iter().copied());
        let fix = |pdf: &[u8]| pdf.to_vec();
        for pdf in [
            fix(&encrypted),
            fix(b"%PDF-1.7\nno structure"),
            fix(&FIXTURES[0].1[..500]),
        ] {
            let result = invisible::sign(
                &pdf,
                Invisible {
                    signer: &office,
                    time: chrono::Utc::now().fixed_offset(),
                    reason: "x".into(),
                    location: "y".into(),
                },
            )
            .await;
            assert!(result.is_err());
        }
    }
}

/// Files that are not PDFs carry the body's signature beside them, as a
/// detached CMS (`.p7s`), checked by our verifier and by OpenSSL.
mod detached {
    use super::*;
    use vanphong_pdf::sign::cms::sign_detached;
    use vanphong_pdf::verify::{Verdict, verify_detached};

    #[tokio::test]
    async fn a_detached_signature_verifies_and_catches_a_change() {
        let ca = ca();
        let office = office_seal(&ca);
        let time = vietnam_now();
        let content = b"PK\x03\x04 a spreadsheet of the appendix".to_vec();
        let p7s = sign_detached(&content, &office, time).await.unwrap();
        let result = verify_detached(&content, &p7s, std::slice::from_ref(&ca.root));
        assert_eq!(result.verdict, Verdict::Valid, "{result:?}");
        let report = &result.signatures[0];
        assert_eq!(report.signer, "Văn phòng Tỉnh ủy");
        assert_eq!(report.signed_at.map(|t| t.timestamp()), Some(time.timestamp()));
        assert_eq!(report.signed_at.map(|t| t.offset().local_minus_utc()), Some(7 * 3600));

        let mut changed = content.clone();
        changed[5] ^= 1;
        let result = verify_detached(&changed, &p7s, std::slice::from_ref(&ca.root));
        assert!(
            matches!(result.verdict, Verdict::Invalid(ref r) if r.contains("thay đổi")),
            "{result:?}"
        );
        let other = root_ca("Another Root");
        let result = verify_detached(&content, &p7s, std::slice::from_ref(&other.root));
        assert!(
            matches!(result.verdict, Verdict::Invalid(ref r) if r.contains("tin cậy")),
            "{result:?}"
        );
        assert!(matches!(
            verify_detached(&content, b"junk", &[]).verdict,
            Verdict::Invalid(_)
        ));

        // OpenSSL reads it as a valid detached signature under the root.
        if Command::new("openssl").arg("version").output().is_err() {
            assert!(!required(), "openssl is required (VANPHONG_PDF_TOOLS=required)");
            return;
        }
        let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR"));
        let (file, sig, root) = (
            dir.join("appendix.xlsx"),
            dir.join("appendix.xlsx.p7s"),
            dir.join("detached-root.pem"),
        );
        std::fs::write(&file, &content).unwrap();
        std::fs::write(&sig, &p7s).unwrap();
        std::fs::write(&root, ca.root.to_pem(der::pem::LineEnding::LF).unwrap()).unwrap();
        let out = Command::new("openssl")
            .args(["cms", "-verify", "-binary", "-inform", "DER", "-purpose", "any", "-in"])
            .arg(&sig)
            .arg("-content")
            .arg(&file)
            .arg("-CAfile")
            .arg(&root)
            .args(["-out", "/dev/null"])
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&out.stderr);
        assert!(
            out.status.success() && text.contains("Verification successful"),
            "{text}"
        );
    }
}
