//! What the digital signatures of an attached PDF came to, checked when
//! the file is stored against the deployment's trust anchors
//! (docs/domain.md §2.7), and kept with the attachment so it shows beside
//! the document.

use serde::{Deserialize, Serialize};
use vanphong_pdf::verify::{self, TrustAnchors, Verdict};

/// The verdict, as stored (`signature_verdict`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SignatureVerdict {
    Valid,
    Invalid,
    Unsigned,
}

impl SignatureVerdict {
    pub fn code(self) -> &'static str {
        match self {
            SignatureVerdict::Valid => "valid",
            SignatureVerdict::Invalid => "invalid",
            SignatureVerdict::Unsigned => "unsigned",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        match code {
            "valid" => Some(SignatureVerdict::Valid),
            "invalid" => Some(SignatureVerdict::Invalid),
            "unsigned" => Some(SignatureVerdict::Unsigned),
            _ => None,
        }
    }
}

/// One signature found in the file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignerCheck {
    pub signer: String,
    /// RFC 3339 with the signature's own offset; empty when it has none.
    pub signed_at: String,
    pub intact: bool,
    pub trusted: bool,
    /// Why, as the signature says; empty when it gives none (and in
    /// checks stored before reasons were kept).
    #[serde(default)]
    pub reason: String,
}

/// The outcome of checking one file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SignatureCheck {
    pub verdict: SignatureVerdict,
    /// Why it is invalid, in Vietnamese.
    pub reason: String,
    pub signers: Vec<SignerCheck>,
}

/// What is kept beside the verdict (`signature_detail`, JSON).
#[derive(Serialize, Deserialize)]
pub struct Detail {
    pub reason: String,
    pub signers: Vec<SignerCheck>,
}

/// Whether a file is a PDF, by its first bytes (whatever it is called).
pub fn is_pdf(content: &[u8]) -> bool {
    content.starts_with(b"%PDF-")
}

/// The suffix of a detached signature shipped beside the file it signs.
pub const DETACHED_SUFFIX: &str = ".p7s";

/// The MIME type of a detached signature (RFC 5751).
pub const DETACHED_TYPE: &str = "application/pkcs7-signature";

/// The name of the file a detached signature signs ("bang.xlsx.p7s" signs
/// "bang.xlsx"); `None` for any other name.
pub fn signed_by_detached(name: &str) -> Option<&str> {
    let stem = name.strip_suffix(DETACHED_SUFFIX)?;
    (!stem.is_empty()).then_some(stem)
}

/// The reason the issuing body's signature on an attachment gives: the
/// document's number and symbol (docs/domain.md §2.7).
pub fn attachment_reason(number_symbol: &str) -> String {
    format!("Tệp đính kèm văn bản số {number_symbol}")
}

impl SignatureCheck {
    /// Checks a PDF's signatures; `None` for any other file.
    pub fn of(content: &[u8], anchors: &TrustAnchors) -> Option<SignatureCheck> {
        if !is_pdf(content) {
            return None;
        }
        Some(Self::from(verify::verify(content, anchors.certificates())))
    }

    /// Checks a detached signature (`.p7s`) of `content`.
    pub fn detached(content: &[u8], p7s: &[u8], anchors: &TrustAnchors) -> SignatureCheck {
        Self::from(verify::verify_detached(content, p7s, anchors.certificates()))
    }

    /// Whether the issuing body's signature naming `number_symbol` is on
    /// the file.
    pub fn sealed_for(&self, number_symbol: &str) -> bool {
        let reason = attachment_reason(number_symbol);
        self.signers.iter().any(|s| s.reason == reason)
    }

    fn from(result: verify::Verification) -> SignatureCheck {
        let (verdict, reason) = match result.verdict {
            Verdict::Valid => (SignatureVerdict::Valid, String::new()),
            Verdict::Invalid(reason) => (SignatureVerdict::Invalid, reason),
            Verdict::Unsigned => (SignatureVerdict::Unsigned, String::new()),
        };
        SignatureCheck {
            verdict,
            reason,
            signers: result
                .signatures
                .into_iter()
                .map(|s| SignerCheck {
                    signer: s.signer,
                    signed_at: s.signed_at.map(|t| t.to_rfc3339()).unwrap_or_default(),
                    intact: s.intact,
                    trusted: s.trusted,
                    reason: s.reason.unwrap_or_default(),
                })
                .collect(),
        }
    }

    pub fn detail(&self) -> Detail {
        Detail {
            reason: self.reason.clone(),
            signers: self.signers.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_pdfs_are_checked() {
        assert!(SignatureCheck::of(b"not a pdf", &TrustAnchors::default()).is_none());
    }

    #[test]
    fn codes_round_trip() {
        for v in [
            SignatureVerdict::Valid,
            SignatureVerdict::Invalid,
            SignatureVerdict::Unsigned,
        ] {
            assert_eq!(SignatureVerdict::from_code(v.code()), Some(v));
        }
        assert_eq!(SignatureVerdict::from_code("other"), None);
    }
}
