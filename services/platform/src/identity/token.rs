//! Access tokens: compact JWTs signed with Ed25519 (`alg: EdDSA`).
//!
//! The directory signs; every server verifies locally with the public keys,
//! so checking a token costs no network call. The issuer claim names the
//! deployment, so a token of another deployment is refused even if it were
//! signed with a key this one also trusts.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, Utc};
use ed25519_dalek::{Signature, Signer, SigningKey, VerifyingKey};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::keys::key_id;
use super::role::{Clearance, Role};

/// Tolerated clock difference between servers when checking expiry.
const LEEWAY_SECS: i64 = 5;

/// What a token says about its bearer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Claims {
    /// The deployment that issued the token.
    pub iss: String,
    /// The user's or service account's id.
    pub sub: Uuid,
    /// Username, or client id for a service account.
    pub name: String,
    /// True for a service account of another office's system.
    #[serde(default)]
    pub svc: bool,
    /// The office the bearer acts for.
    pub office: Uuid,
    pub roles: Vec<Role>,
    #[serde(default)]
    pub clr: Clearance,
    /// The session; revoking it invalidates the token everywhere.
    pub sid: Uuid,
    /// Issued at and expires at, seconds since the epoch.
    pub iat: i64,
    pub exp: i64,
}

#[derive(Serialize, Deserialize)]
struct Header {
    alg: String,
    #[serde(default)]
    typ: String,
    kid: String,
}

/// Why a token was refused. The messages are for people (Vietnamese).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TokenError {
    #[error("Mã truy cập không đúng định dạng")]
    Malformed,
    #[error("Mã truy cập dùng thuật toán ký không được chấp nhận")]
    UnsupportedAlgorithm,
    #[error("Mã truy cập không do hệ thống này cấp")]
    UnknownKey,
    #[error("Chữ ký của mã truy cập không hợp lệ")]
    BadSignature,
    #[error("Mã truy cập thuộc một hệ thống khác")]
    OtherDeployment,
    #[error("Mã truy cập đã hết hạn, vui lòng đăng nhập lại")]
    Expired,
    #[error("Mã truy cập chưa có hiệu lực")]
    NotYetValid,
    #[error("Phiên làm việc đã kết thúc, vui lòng đăng nhập lại")]
    Revoked,
}

/// Signs access tokens; held only by the directory.
pub struct TokenIssuer {
    key: SigningKey,
    kid: String,
    issuer: String,
}

impl TokenIssuer {
    pub fn new(key: SigningKey, issuer: impl Into<String>) -> Self {
        let kid = key_id(&key.verifying_key());
        Self {
            key,
            kid,
            issuer: issuer.into(),
        }
    }

    /// The deployment name written into every token.
    pub fn issuer(&self) -> &str {
        &self.issuer
    }

    pub fn verifying_key(&self) -> VerifyingKey {
        self.key.verifying_key()
    }

    /// A signed token for the claims; `iss` is set to this deployment.
    pub fn issue(&self, mut claims: Claims) -> String {
        claims.iss = self.issuer.clone();
        let header = Header {
            alg: "EdDSA".into(),
            typ: "JWT".into(),
            kid: self.kid.clone(),
        };
        let signing_input = format!("{}.{}", encode_json(&header), encode_json(&claims));
        let signature = self.key.sign(signing_input.as_bytes());
        format!("{signing_input}.{}", URL_SAFE_NO_PAD.encode(signature.to_bytes()))
    }
}

fn encode_json<T: Serialize>(value: &T) -> String {
    // Serialising these plain structs cannot fail.
    URL_SAFE_NO_PAD.encode(serde_json::to_vec(value).unwrap_or_default())
}

/// How many verified tokens a verifier remembers (a busy office's people
/// and systems); past that it forgets them all and starts again.
const REMEMBERED: usize = 4096;

/// Verifies tokens with the deployment's public keys (several during a key
/// rotation).
///
/// A token's signature is checked once: the claims of a token that passed
/// are remembered by the token's exact text, so the next call with it (a
/// person's pages, a system's batch) costs a lookup. Expiry is checked on
/// every call, and revocation is the caller's check, every call too.
#[derive(Clone)]
pub struct TokenVerifier {
    keys: Vec<(String, VerifyingKey)>,
    issuer: String,
    verified: Arc<Mutex<HashMap<String, Claims>>>,
}

impl TokenVerifier {
    pub fn new(issuer: impl Into<String>, keys: impl IntoIterator<Item = VerifyingKey>) -> Self {
        let mut unique: Vec<(String, VerifyingKey)> = Vec::new();
        for key in keys {
            let kid = key_id(&key);
            if !unique.iter().any(|(k, _)| *k == kid) {
                unique.push((kid, key));
            }
        }
        Self {
            keys: unique,
            issuer: issuer.into(),
            verified: Arc::default(),
        }
    }

    /// The claims of a valid token at `now`.
    pub fn verify(&self, token: &str, now: DateTime<Utc>) -> Result<Claims, TokenError> {
        let known = self.remembered().get(token).cloned();
        let claims = match known {
            Some(claims) => claims,
            None => {
                let claims = self.check_signed(token)?;
                let mut remembered = self.remembered();
                if remembered.len() >= REMEMBERED {
                    remembered.clear();
                }
                remembered.insert(token.to_string(), claims.clone());
                claims
            }
        };
        let now = now.timestamp();
        if now >= claims.exp + LEEWAY_SECS {
            return Err(TokenError::Expired);
        }
        if claims.iat > now + LEEWAY_SECS {
            return Err(TokenError::NotYetValid);
        }
        Ok(claims)
    }

    fn remembered(&self) -> std::sync::MutexGuard<'_, HashMap<String, Claims>> {
        self.verified.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// The claims of a token signed by one of the keys for this deployment,
    /// whatever the time.
    fn check_signed(&self, token: &str) -> Result<Claims, TokenError> {
        let mut parts = token.split('.');
        let (Some(header_b64), Some(claims_b64), Some(signature_b64), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(TokenError::Malformed);
        };
        let header: Header = decode_json(header_b64)?;
        if header.alg != "EdDSA" {
            return Err(TokenError::UnsupportedAlgorithm);
        }
        let key = self
            .keys
            .iter()
            .find(|(kid, _)| *kid == header.kid)
            .map(|(_, key)| key)
            .ok_or(TokenError::UnknownKey)?;
        let signature_bytes = URL_SAFE_NO_PAD
            .decode(signature_b64)
            .map_err(|_| TokenError::Malformed)?;
        let signature = Signature::from_slice(&signature_bytes).map_err(|_| TokenError::Malformed)?;
        let signing_input = &token[..header_b64.len() + 1 + claims_b64.len()];
        key.verify_strict(signing_input.as_bytes(), &signature)
            .map_err(|_| TokenError::BadSignature)?;
        let claims: Claims = decode_json(claims_b64)?;
        if claims.iss != self.issuer {
            return Err(TokenError::OtherDeployment);
        }
        Ok(claims)
    }
}

fn decode_json<T: for<'de> Deserialize<'de>>(part: &str) -> Result<T, TokenError> {
    let bytes = URL_SAFE_NO_PAD.decode(part).map_err(|_| TokenError::Malformed)?;
    serde_json::from_slice(&bytes).map_err(|_| TokenError::Malformed)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn key(seed: u8) -> SigningKey {
        SigningKey::from_bytes(&[seed; 32])
    }

    fn claims(now: DateTime<Utc>) -> Claims {
        Claims {
            iss: String::new(),
            sub: Uuid::now_v7(),
            name: "hiephoa.vanthu".into(),
            svc: false,
            office: Uuid::now_v7(),
            roles: vec![Role::Clerk],
            clr: Clearance::Confidential,
            sid: Uuid::now_v7(),
            iat: now.timestamp(),
            exp: now.timestamp() + 900,
        }
    }

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 28, 8, 0, 0).single().expect("time")
    }

    #[test]
    fn issued_token_verifies_until_it_expires() {
        let issuer = TokenIssuer::new(key(1), "deployment-a");
        let verifier = TokenVerifier::new("deployment-a", [issuer.verifying_key()]);
        let token = issuer.issue(claims(now()));
        let got = verifier.verify(&token, now()).expect("valid");
        assert_eq!(got.iss, "deployment-a");
        assert_eq!(got.roles, vec![Role::Clerk]);
        let later = now() + chrono::Duration::seconds(900 + LEEWAY_SECS);
        assert_eq!(verifier.verify(&token, later), Err(TokenError::Expired));
    }

    #[test]
    fn forged_or_foreign_tokens_are_refused() {
        let issuer = TokenIssuer::new(key(1), "deployment-a");
        let verifier = TokenVerifier::new("deployment-a", [issuer.verifying_key()]);
        let token = issuer.issue(claims(now()));
        // The genuine token is remembered; what is forged from it is not.
        verifier.verify(&token, now()).expect("valid");

        // Changed claims under the original signature.
        let mut parts: Vec<&str> = token.split('.').collect();
        let mut forged_claims = claims(now());
        forged_claims.iss = "deployment-a".into();
        forged_claims.roles = vec![Role::Admin];
        let forged_payload = encode_json(&forged_claims);
        parts[1] = &forged_payload;
        assert_eq!(verifier.verify(&parts.join("."), now()), Err(TokenError::BadSignature));

        // Signed by a key this deployment does not know.
        let stranger = TokenIssuer::new(key(2), "deployment-a");
        assert_eq!(
            verifier.verify(&stranger.issue(claims(now())), now()),
            Err(TokenError::UnknownKey)
        );

        // Same key, other deployment name.
        let other = TokenIssuer::new(key(1), "deployment-b");
        assert_eq!(
            verifier.verify(&other.issue(claims(now())), now()),
            Err(TokenError::OtherDeployment)
        );

        assert_eq!(verifier.verify("not.a.token", now()), Err(TokenError::Malformed));
        assert_eq!(verifier.verify("", now()), Err(TokenError::Malformed));
    }
}
