//! A remote signing service (docs/domain.md §2.7): the national PKI's
//! services sign for a person who confirms on their phone, and the key
//! never leaves them. The suite sends the SHA-256 of what is to be signed
//! and gets the raw signature back; the certificate chain is asked once,
//! when the signer is opened. Plain HTTP/JSON, the lowest common form of
//! those services:
//!
//! - `GET {base}/v1/keys/{key_id}` → `{"algorithm": "ES256" | "RS256",
//!   "certificates": [base64 DER, the key's first, then up to the root]}`
//! - `POST {base}/v1/keys/{key_id}/sign` with `{"hash_algorithm":
//!   "SHA-256", "hash": base64}` → `{"signature": base64}` (DER ECDSA or
//!   RSA PKCS#1 v1.5 over the hash)
//!
//! with `Authorization: Bearer <token>` when a token is configured. A
//! signature that does not verify with the certificate's key is refused,
//! so a confused service can never put a broken signature on a document.
//! The suite's own implementation of the service (`vanphong
//! signing-service`, started by the demo) serves keys held in a key folder.

use std::time::Duration;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use x509_cert::Certificate;

use super::{Algorithm, Signer, Signing, certificate};
use crate::Error;

/// What `GET /v1/keys/{key_id}` answers.
#[derive(Debug, Serialize, Deserialize)]
pub struct KeyAnswer {
    /// "ES256" (ECDSA P-256) or "RS256" (RSA PKCS#1 v1.5), both SHA-256.
    pub algorithm: String,
    /// Base64 DER: the key's certificate first, then up to the root.
    pub certificates: Vec<String>,
}

/// What `POST /v1/keys/{key_id}/sign` takes.
#[derive(Debug, Serialize, Deserialize)]
pub struct SignRequest {
    /// Always "SHA-256".
    pub hash_algorithm: String,
    /// Base64 of the 32-byte hash.
    pub hash: String,
}

/// What `POST /v1/keys/{key_id}/sign` answers.
#[derive(Debug, Serialize, Deserialize)]
pub struct SignAnswer {
    /// Base64 of the signature.
    pub signature: String,
}

/// The name of an algorithm on the wire.
pub fn algorithm_name(algorithm: Algorithm) -> &'static str {
    match algorithm {
        Algorithm::EcdsaP256Sha256 => "ES256",
        Algorithm::RsaSha256 => "RS256",
    }
}

fn remote(what: impl std::fmt::Display) -> Error {
    Error::Key(format!("remote signing service: {what}"))
}

/// The signing service: where it is and how the suite authenticates.
#[derive(Clone)]
pub struct RemoteService {
    base: String,
    token: Option<String>,
    client: reqwest::Client,
}

impl RemoteService {
    /// The service at `base` ("https://ky-so.example.gov.vn"), each call
    /// given up after `timeout` (a person confirming on a phone takes a
    /// while: the deployment chooses).
    pub fn new(base: &str, token: Option<String>, timeout: Duration) -> Result<RemoteService, Error> {
        let base = base.trim_end_matches('/').to_string();
        if !(base.starts_with("http://") || base.starts_with("https://")) {
            return Err(remote(format!("{base:?} is not an http(s) address")));
        }
        if let Some(token) = &token
            && !token.chars().all(|c| c.is_ascii_graphic())
        {
            return Err(remote("the token must be printable ASCII (RFC 6750)"));
        }
        let client = reqwest::Client::builder().timeout(timeout).build().map_err(remote)?;
        Ok(RemoteService { base, token, client })
    }

    fn authorized(&self, request: reqwest::RequestBuilder) -> reqwest::RequestBuilder {
        match &self.token {
            Some(token) => request.bearer_auth(token),
            None => request,
        }
    }

    fn key_url(&self, key_id: &str) -> Result<String, Error> {
        if key_id.is_empty() || !key_id.chars().all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c)) {
            return Err(remote(format!("invalid key id {key_id:?}")));
        }
        Ok(format!("{}/v1/keys/{key_id}", self.base))
    }

    /// The signer for the service's key `key_id`, its chain asked now.
    pub async fn signer(&self, key_id: &str) -> Result<RemoteSigner, Error> {
        let url = self.key_url(key_id)?;
        let answer = self.authorized(self.client.get(&url)).send().await.map_err(remote)?;
        let status = answer.status();
        let body = answer.bytes().await.map_err(remote)?;
        if !status.is_success() {
            return Err(remote(format!("{url}: {status} {}", String::from_utf8_lossy(&body))));
        }
        let key: KeyAnswer = serde_json::from_slice(&body).map_err(remote)?;
        let algorithm = match key.algorithm.as_str() {
            "ES256" => Algorithm::EcdsaP256Sha256,
            "RS256" => Algorithm::RsaSha256,
            other => return Err(remote(format!("unknown algorithm {other:?}"))),
        };
        let chain = key
            .certificates
            .iter()
            .map(|c| STANDARD.decode(c).map_err(remote).and_then(|der| certificate(&der)))
            .collect::<Result<Vec<_>, _>>()?;
        if chain.is_empty() {
            return Err(remote("no certificate"));
        }
        Ok(RemoteSigner {
            service: self.clone(),
            url: format!("{url}/sign"),
            algorithm,
            chain,
        })
    }
}

/// A key held by the signing service.
pub struct RemoteSigner {
    service: RemoteService,
    url: String,
    algorithm: Algorithm,
    chain: Vec<Certificate>,
}

impl RemoteSigner {
    async fn sign_remotely(&self, message: &[u8]) -> Result<Vec<u8>, Error> {
        let request = SignRequest {
            hash_algorithm: "SHA-256".into(),
            hash: STANDARD.encode(Sha256::digest(message)),
        };
        let answer = self
            .service
            .authorized(self.service.client.post(&self.url))
            .header("content-type", "application/json")
            .body(serde_json::to_vec(&request).map_err(remote)?)
            .send()
            .await
            .map_err(remote)?;
        let status = answer.status();
        let body = answer.bytes().await.map_err(remote)?;
        if !status.is_success() {
            return Err(remote(format!(
                "{}: {status} {}",
                self.url,
                String::from_utf8_lossy(&body)
            )));
        }
        let answer: SignAnswer = serde_json::from_slice(&body).map_err(remote)?;
        let signature = STANDARD.decode(answer.signature).map_err(remote)?;
        let oid = match self.algorithm {
            Algorithm::EcdsaP256Sha256 => super::cms::ECDSA_WITH_SHA256,
            Algorithm::RsaSha256 => super::cms::SHA256_WITH_RSA,
        };
        if !crate::verify::verify_signature(&self.chain[0], oid, message, &signature) {
            return Err(remote("the signature does not verify with the key's certificate"));
        }
        Ok(signature)
    }
}

impl Signer for RemoteSigner {
    fn chain(&self) -> &[Certificate] {
        &self.chain
    }

    fn algorithm(&self) -> Algorithm {
        self.algorithm
    }

    fn sign<'a>(&'a self, message: &'a [u8]) -> Signing<'a> {
        Box::pin(self.sign_remotely(message))
    }
}
