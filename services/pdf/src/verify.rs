//! Checking the digital signatures of a PDF that arrives (docs/domain.md
//! §2.7): each signature's integrity over the bytes it signed, whether
//! the document was changed after the last signature, the signer's
//! certificate chain up to one of the configured trust anchors, and the
//! certificates' validity at the signing time.
//!
//! The outcome is what the office shows beside the document: valid,
//! invalid with the reason in Vietnamese, or unsigned.

use chrono::{DateTime, FixedOffset, NaiveDateTime, TimeZone};
use der::{Decode, Encode};
use p256::ecdsa::signature::Verifier;
use p256::pkcs8::DecodePublicKey;
use sha2::{Digest, Sha256};
use x509_cert::Certificate;
use x509_cert::spki::ObjectIdentifier;

use crate::parse::{self, FoundSignature};
use crate::sign::cms::{self, ATTR_CONTENT_TYPE, ATTR_MESSAGE_DIGEST, ECDSA_WITH_SHA256, ID_DATA, SHA256_WITH_RSA};
use crate::sign::common_name;

/// The verdict on a document's signatures.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// Every signature intact and trusted, nothing changed after the last.
    Valid,
    /// At least one problem; the reason is for people, in Vietnamese.
    Invalid(String),
    /// No signature at all.
    Unsigned,
}

/// What was found of one signature.
#[derive(Clone, Debug)]
pub struct SignatureReport {
    /// The certificate's common name: the person or the office.
    pub signer: String,
    /// When the signature says it was made.
    pub signed_at: Option<DateTime<FixedOffset>>,
    /// Why, as the signature says (`/Reason`): an attachment's signature
    /// names its document's number and symbol.
    pub reason: Option<String>,
    /// The signed bytes are as signed.
    pub intact: bool,
    /// The certificate leads to a trust anchor and was valid then.
    pub trusted: bool,
    /// What is wrong with it, in Vietnamese; empty when nothing.
    pub problems: Vec<String>,
}

/// All signatures of a document and the verdict.
#[derive(Clone, Debug)]
pub struct Verification {
    pub verdict: Verdict,
    pub signatures: Vec<SignatureReport>,
    /// Bytes were added after the last signature, or between signatures
    /// without being a signature.
    pub changed_after_signing: bool,
}

/// Checks every signature of `pdf` against the trust anchors.
pub fn verify(pdf: &[u8], anchors: &[Certificate]) -> Verification {
    let found = parse::signatures(pdf);
    if found.is_empty() {
        return Verification {
            verdict: Verdict::Unsigned,
            signatures: Vec::new(),
            changed_after_signing: false,
        };
    }
    if found.len() > parse::MAX_SIGNATURES {
        return Verification {
            verdict: Verdict::Invalid(format!(
                "Tệp có hơn {} chữ ký số, không kiểm tra được",
                parse::MAX_SIGNATURES
            )),
            signatures: Vec::new(),
            changed_after_signing: false,
        };
    }
    let signatures: Vec<SignatureReport> = found.iter().map(|s| check_one(pdf, s, anchors)).collect();
    let changed_after_signing = changed_after(pdf, &found);
    let mut reasons: Vec<String> = Vec::new();
    if changed_after_signing {
        reasons.push("Văn bản đã bị thay đổi sau khi ký số".into());
    }
    for s in &signatures {
        for p in &s.problems {
            reasons.push(format!("{}: {p}", s.signer));
        }
    }
    let verdict = if reasons.is_empty() {
        Verdict::Valid
    } else {
        Verdict::Invalid(reasons.join("; "))
    };
    Verification {
        verdict,
        signatures,
        changed_after_signing,
    }
}

/// Whether the file holds bytes no signature covers: after the newest
/// signature, or a revision between two signatures that is not itself a
/// signature's.
fn changed_after(pdf: &[u8], found: &[FoundSignature]) -> bool {
    let covered: Vec<u64> = found.iter().map(FoundSignature::covered_end).collect();
    let last = covered.iter().copied().max().unwrap_or(0);
    let trailing = pdf
        .get(last as usize..)
        .map(|rest| rest.iter().any(|b| !b.is_ascii_whitespace()))
        .unwrap_or(true);
    if trailing {
        return true;
    }
    let first = covered.iter().copied().min().unwrap_or(0);
    parse::revision_ends(pdf)
        .into_iter()
        .filter(|end| *end > first && *end < last)
        .any(|end| !covered.contains(&end))
}

/// "D:20260305091230+07'00'" as a time.
fn pdf_time(dict: &str) -> Option<DateTime<FixedOffset>> {
    let at = dict.find("/M")?;
    let open = dict[at..].find("(D:")? + at + 3;
    let close = dict[open..].find(')')? + open;
    let text = &dict[open..close];
    let local = NaiveDateTime::parse_from_str(text.get(..14)?, "%Y%m%d%H%M%S").ok()?;
    let zone = text.get(14..).unwrap_or("Z");
    let offset = if zone.starts_with('Z') || zone.is_empty() {
        0
    } else {
        let sign = if zone.starts_with('-') { -1 } else { 1 };
        let digits: String = zone.chars().filter(char::is_ascii_digit).collect();
        let hours: i32 = digits.get(..2)?.parse().ok()?;
        let minutes: i32 = digits.get(2..4).and_then(|m| m.parse().ok()).unwrap_or(0);
        sign * (hours * 3600 + minutes * 60)
    };
    FixedOffset::east_opt(offset)?.from_local_datetime(&local).single()
}

/// A text string entry of a dictionary: `<FEFF…>` UTF-16 hex or a
/// literal `(…)` of plain characters.
fn text_entry(dict: &str, key: &str) -> Option<String> {
    let dict = &dict[dict.find("<<")?..];
    let at = parse::syntax::entry_at(dict, key)?;
    let rest = dict[at..].trim_start();
    if let Some(hex) = rest.strip_prefix('<') {
        let hex: String = hex[..hex.find('>')?].chars().filter(|c| !c.is_whitespace()).collect();
        let bytes: Vec<u8> = (0..hex.len() / 2)
            .map(|i| u8::from_str_radix(hex.get(2 * i..2 * i + 2)?, 16).ok())
            .collect::<Option<_>>()?;
        let units: Vec<u16> = bytes
            .strip_prefix(&[0xFE, 0xFF])?
            .chunks_exact(2)
            .map(|p| u16::from_be_bytes([p[0], p[1]]))
            .collect();
        return String::from_utf16(&units).ok();
    }
    let inner = rest.strip_prefix('(')?;
    Some(inner[..inner.find(')')?].to_string())
}

/// An empty report, filled in as the checks go.
fn report(signed_at: Option<DateTime<FixedOffset>>, reason: Option<String>) -> SignatureReport {
    SignatureReport {
        signer: "Người ký không xác định".into(),
        signed_at,
        reason,
        intact: false,
        trusted: false,
        problems: Vec::new(),
    }
}

fn check_one(pdf: &[u8], found: &FoundSignature, anchors: &[Certificate]) -> SignatureReport {
    let mut report = report(pdf_time(&found.dict), text_entry(&found.dict, "Reason"));
    let [start, first_len, second_start, second_len] = found.byte_range;
    // The numbers come from the file: an absurd range is refused, never
    // trusted to add up.
    let slice = |from: u64, len: u64| {
        let from = usize::try_from(from).ok()?;
        let to = from.checked_add(usize::try_from(len).ok()?)?;
        pdf.get(from..to)
    };
    let ranges = (slice(start, first_len), slice(second_start, second_len));
    let (Some(first), Some(second)) = ranges else {
        report.problems.push("phạm vi ký vượt ra ngoài tệp".into());
        return report;
    };
    if start != 0 {
        report.problems.push("chữ ký không bao phủ phần đầu tệp".into());
    }
    let mut hasher = Sha256::new();
    hasher.update(first);
    hasher.update(second);
    check_cms(&found.contents, &hasher.finalize(), anchors, report)
}

/// Checks a CMS signature over content whose SHA-256 is `digest`: the
/// signer's certificate, the signed attributes' digest and signature, the
/// chain to a trust anchor at the signing time (`report.signed_at`, or the
/// signing-time attribute when the report has none).
fn check_cms(contents: &[u8], digest: &[u8], anchors: &[Certificate], mut report: SignatureReport) -> SignatureReport {
    let Ok(signed_data) = cms::signed_data(contents) else {
        report.problems.push("không đọc được chữ ký số".into());
        return report;
    };
    let Some(info) = signed_data.signer_infos.0.iter().next() else {
        report.problems.push("chữ ký số không có người ký".into());
        return report;
    };
    if report.signed_at.is_none() {
        report.signed_at = cms::signing_time(info);
    }
    let signed_at = report.signed_at;
    let certs: Vec<Certificate> = signed_data
        .certificates
        .as_ref()
        .map(|set| {
            set.0
                .iter()
                .filter_map(|c| match c {
                    cms::CertificateChoice::Certificate(cert) => Some(cert.clone()),
                    _ => None,
                })
                .collect()
        })
        .unwrap_or_default();
    let Some(cert) = certs.iter().find(|c| identifies(&info.sid, c)) else {
        report.problems.push("không có chứng thư số của người ký".into());
        return report;
    };
    report.signer = common_name(cert);

    let message_digest =
        cms::attribute_value(info, ATTR_MESSAGE_DIGEST).and_then(|v| v.decode_as::<der::asn1::OctetString>().ok());
    let content_type =
        cms::attribute_value(info, ATTR_CONTENT_TYPE).and_then(|v| v.decode_as::<ObjectIdentifier>().ok());
    let attrs_der = info.signed_attrs.as_ref().and_then(|a| a.to_der().ok());
    match (message_digest, attrs_der) {
        (Some(md), Some(attrs)) if md.as_bytes() == digest && content_type == Some(ID_DATA) => {
            if verify_signature(cert, info.signature_algorithm.oid, &attrs, info.signature.as_bytes()) {
                report.intact = true;
            } else {
                report.problems.push("chữ ký số không khớp với chứng thư số".into());
            }
        }
        _ => report.problems.push("nội dung đã bị thay đổi sau khi ký".into()),
    }
    if let Some(hash) = cms::signing_certificate_hash(info)
        && cert.to_der().map(|d| Sha256::digest(d).to_vec()) != Ok(hash)
    {
        report.problems.push("chứng thư số không phải chứng thư đã ký".into());
    }
    match chain_to_anchor(cert, &certs, anchors, signed_at) {
        Ok(()) => report.trusted = true,
        Err(problem) => report.problems.push(problem),
    }
    report
}

/// Checks a detached CMS signature (a `.p7s` file shipped beside the file
/// it signs): the same checks as a PDF's signature, over the whole file.
pub fn verify_detached(content: &[u8], p7s: &[u8], anchors: &[Certificate]) -> Verification {
    let report = check_cms(p7s, &Sha256::digest(content), anchors, report(None, None));
    let reasons: Vec<String> = report
        .problems
        .iter()
        .map(|p| format!("{}: {p}", report.signer))
        .collect();
    Verification {
        verdict: if reasons.is_empty() {
            Verdict::Valid
        } else {
            Verdict::Invalid(reasons.join("; "))
        },
        signatures: vec![report],
        changed_after_signing: false,
    }
}

/// Whether the signer identifier names this certificate.
fn identifies(sid: &cms::SignerId, cert: &Certificate) -> bool {
    match sid {
        cms::SignerId::IssuerAndSerialNumber(isn) => {
            isn.issuer == *cert.tbs_certificate().issuer()
                && isn.serial_number == *cert.tbs_certificate().serial_number()
        }
        cms::SignerId::SubjectKeyIdentifier(ski) => cert
            .tbs_certificate()
            .get_extension::<x509_cert::ext::pkix::SubjectKeyIdentifier>()
            .ok()
            .flatten()
            .is_some_and(|(_, own)| own == *ski),
    }
}

/// Verifies `signature` over `message` with the certificate's key.
pub(crate) fn verify_signature(
    cert: &Certificate,
    algorithm: ObjectIdentifier,
    message: &[u8],
    signature: &[u8],
) -> bool {
    let Ok(spki) = cert.tbs_certificate().subject_public_key_info().to_der() else {
        return false;
    };
    if algorithm == ECDSA_WITH_SHA256 {
        let (Ok(key), Ok(sig)) = (
            p256::ecdsa::VerifyingKey::from_public_key_der(&spki),
            p256::ecdsa::DerSignature::from_bytes(signature),
        ) else {
            return false;
        };
        return key.verify(message, &sig).is_ok();
    }
    if algorithm == SHA256_WITH_RSA || algorithm == cms::RSA_ENCRYPTION {
        let (Ok(key), Ok(sig)) = (
            rsa::PublicKey::from_public_key_der(&spki),
            rsa::pkcs1v15::Signature::try_from(signature),
        ) else {
            return false;
        };
        return rsa::pkcs1v15::VerifyingKey::<Sha256>::new(key)
            .verify(message, &sig)
            .is_ok();
    }
    false
}

/// Whether the certificate was valid at `time`.
fn valid_at(cert: &Certificate, time: Option<DateTime<FixedOffset>>) -> bool {
    let Some(time) = time else { return true };
    let validity = cert.tbs_certificate().validity();
    let at = time.timestamp();
    let from = validity.not_before.to_unix_duration().as_secs() as i64;
    let to = validity.not_after.to_unix_duration().as_secs() as i64;
    from <= at && at <= to
}

/// Follows issuers from the signer's certificate up to a trust anchor,
/// each certificate's signature checked with its issuer's key and each
/// valid at the signing time.
fn chain_to_anchor(
    cert: &Certificate,
    carried: &[Certificate],
    anchors: &[Certificate],
    at: Option<DateTime<FixedOffset>>,
) -> Result<(), String> {
    let mut current = cert.clone();
    for _ in 0..8 {
        if !valid_at(&current, at) {
            return Err(format!(
                "chứng thư số của {} không còn hiệu lực tại thời điểm ký",
                common_name(&current)
            ));
        }
        if anchors.iter().any(|a| a == &current) {
            return Ok(());
        }
        let issuer_name = current.tbs_certificate().issuer().clone();
        let tbs = current.tbs_certificate().to_der().map_err(|e| e.to_string())?;
        let signature = current.signature().raw_bytes().to_vec();
        let algorithm = current.signature_algorithm().oid;
        let issued_by = |candidate: &&Certificate| {
            *candidate.tbs_certificate().subject() == issuer_name
                && verify_signature(candidate, algorithm, &tbs, &signature)
        };
        if let Some(anchor) = anchors.iter().find(issued_by) {
            if !valid_at(anchor, at) {
                return Err("chứng thư gốc tin cậy không còn hiệu lực tại thời điểm ký".into());
            }
            return Ok(());
        }
        match carried.iter().find(issued_by) {
            Some(next) if next != &current => current = next.clone(),
            _ => return Err("chứng thư số không do tổ chức chứng thực tin cậy cấp".into()),
        }
    }
    Err("chuỗi chứng thư số quá dài".into())
}

/// The roots a deployment trusts: the national PKI's roots, configured as
/// data (a PEM file of certificates), never built in.
#[derive(Clone, Debug, Default)]
pub struct TrustAnchors(Vec<Certificate>);

impl TrustAnchors {
    pub fn new(certificates: Vec<Certificate>) -> Self {
        TrustAnchors(certificates)
    }

    /// Every certificate of a PEM bundle.
    pub fn from_pem_bundle(text: &str) -> Result<Self, crate::Error> {
        use der::DecodePem;
        const END: &str = "-----END CERTIFICATE-----";
        let mut certificates = Vec::new();
        let mut rest = text;
        while let Some(start) = rest.find("-----BEGIN CERTIFICATE-----") {
            let Some(end) = rest[start..].find(END).map(|e| start + e + END.len()) else {
                return Err(crate::Error::Malformed("a certificate without its END line".into()));
            };
            certificates.push(Certificate::from_pem(&rest.as_bytes()[start..end])?);
            rest = &rest[end..];
        }
        Ok(TrustAnchors(certificates))
    }

    /// The file's roots; none when the file does not exist.
    pub fn load(path: &std::path::Path) -> Result<Self, crate::Error> {
        match std::fs::read_to_string(path) {
            Ok(text) => Self::from_pem_bundle(&text),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(TrustAnchors::default()),
            Err(e) => Err(crate::Error::Key(format!("{}: {e}", path.display()))),
        }
    }

    pub fn certificates(&self) -> &[Certificate] {
        &self.0
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// A trust anchor from PEM or DER bytes.
pub fn anchor(bytes: &[u8]) -> Result<Certificate, crate::Error> {
    use der::DecodePem;
    if bytes.starts_with(b"-----BEGIN") {
        return Ok(Certificate::from_pem(bytes)?);
    }
    Ok(Certificate::from_der(bytes)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signing_times_are_read_with_their_zone() {
        let t = pdf_time("<< /M (D:20260305091230+07'00') >>").unwrap();
        assert_eq!(t.to_rfc3339(), "2026-03-05T09:12:30+07:00");
    }
}
