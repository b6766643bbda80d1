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

impl SignatureCheck {
    /// Checks a PDF's signatures; `None` for any other file.
    pub fn of(content: &[u8], anchors: &TrustAnchors) -> Option<SignatureCheck> {
        if !is_pdf(content) {
            return None;
        }
        let result = verify::verify(content, anchors.certificates());
        let (verdict, reason) = match result.verdict {
            Verdict::Valid => (SignatureVerdict::Valid, String::new()),
            Verdict::Invalid(reason) => (SignatureVerdict::Invalid, reason),
            Verdict::Unsigned => (SignatureVerdict::Unsigned, String::new()),
        };
        Some(SignatureCheck {
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
                })
                .collect(),
        })
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
