//! Digital signatures on official documents (docs/domain.md §2.7): who
//! signs ([`Signer`]: a key the deployment holds, or a remote signing
//! service of the national PKI behind the same interface), the CMS
//! signature PAdES asks for ([`cms`]), the pictures a signature shows
//! ([`image`]), the PDF revision that carries it
//! ([`pades`]), the keys the deployment holds, encrypted ([`keys`]) and
//! imported from PKCS#12 ([`pkcs12`]), and
//! the demo's certificate authority ([`ca`]), and the client of a remote
//! signing service ([`remote`]).

pub mod ca;
pub mod cms;
pub mod image;
pub mod invisible;
pub mod keys;
pub mod pades;
pub mod pkcs12;
pub mod remote;
pub(crate) mod revision;

use std::future::Future;
use std::pin::Pin;

use der::{Decode, Encode};
use p256::ecdsa::signature::{SignatureEncoding, Signer as _};
use sha2::Sha256;
use x509_cert::Certificate;

use crate::Error;

/// The signature algorithms the suite signs and verifies with: ECDSA on
/// P-256 (the demo CA's keys) and RSA PKCS#1 v1.5 (the national PKI's
/// usual keys), both over SHA-256.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Algorithm {
    EcdsaP256Sha256,
    RsaSha256,
}

/// A signature being computed, perhaps far away.
pub type Signing<'a> = Pin<Box<dyn Future<Output = Result<Vec<u8>, Error>> + Send + 'a>>;

/// Whoever holds a signing key: the deployment's software key of a person
/// or an office, or a remote signing service (the person confirms on
/// their phone). The signature's bytes are produced over `message` (the
/// DER of the CMS signed attributes), hashed with SHA-256 by the signer.
pub trait Signer: Send + Sync {
    /// The signer's certificate first, then the certificates up to the
    /// root (the root may be left out).
    fn chain(&self) -> &[Certificate];

    fn algorithm(&self) -> Algorithm;

    /// Signs `message`: DER-encoded ECDSA (r, s) or the RSA signature.
    fn sign<'a>(&'a self, message: &'a [u8]) -> Signing<'a>;
}

/// A private key the deployment holds.
#[derive(Clone)]
pub enum SoftwareKey {
    EcdsaP256(p256::ecdsa::SigningKey),
    Rsa(Box<rsa::pkcs1v15::SigningKey<Sha256>>),
}

impl SoftwareKey {
    /// Signs a SHA-256 hash computed elsewhere (what a signing service is
    /// sent): DER-encoded ECDSA (r, s) or the RSA PKCS#1 v1.5 signature.
    pub fn sign_prehash(&self, hash: &[u8]) -> Result<Vec<u8>, Error> {
        use p256::ecdsa::signature::hazmat::PrehashSigner;
        if hash.len() != 32 {
            return Err(Error::Key("a SHA-256 hash has 32 bytes".into()));
        }
        match self {
            SoftwareKey::EcdsaP256(key) => {
                let signature: p256::ecdsa::Signature =
                    key.sign_prehash(hash).map_err(|e| Error::Key(e.to_string()))?;
                Ok(signature.to_der().to_vec())
            }
            SoftwareKey::Rsa(key) => key
                .sign_prehash(hash)
                .map(|s| s.to_vec())
                .map_err(|e| Error::Key(e.to_string())),
        }
    }

    /// The algorithm the key signs with.
    pub fn algorithm(&self) -> Algorithm {
        match self {
            SoftwareKey::EcdsaP256(_) => Algorithm::EcdsaP256Sha256,
            SoftwareKey::Rsa(_) => Algorithm::RsaSha256,
        }
    }
}

/// A signer whose key is held by the deployment (decrypted from its key
/// file for the time of the signing).
pub struct SoftwareSigner {
    key: SoftwareKey,
    chain: Vec<Certificate>,
}

impl SoftwareSigner {
    /// The key and its certificate chain; the certificate must be the
    /// key's own.
    pub fn new(key: SoftwareKey, chain: Vec<Certificate>) -> Result<Self, Error> {
        let cert = chain.first().ok_or_else(|| Error::Key("no certificate".into()))?;
        let spki = cert.tbs_certificate().subject_public_key_info().to_der()?;
        let public = match &key {
            SoftwareKey::EcdsaP256(k) => {
                use p256::pkcs8::EncodePublicKey;
                k.verifying_key()
                    .to_public_key_der()
                    .map_err(|e| Error::Key(e.to_string()))?
                    .into_vec()
            }
            SoftwareKey::Rsa(k) => {
                use rsa::pkcs8::EncodePublicKey;
                let public: rsa::PublicKey = k.as_ref().as_ref().into();
                public
                    .to_public_key_der()
                    .map_err(|e| Error::Key(e.to_string()))?
                    .into_vec()
            }
        };
        if public != spki {
            return Err(Error::Key("the certificate is not the key's".into()));
        }
        Ok(SoftwareSigner { key, chain })
    }

    /// The key itself (the suite's own signing service signs hashes with it).
    pub fn key(&self) -> &SoftwareKey {
        &self.key
    }

    /// The key and its chain, to keep them elsewhere.
    pub fn into_parts(self) -> (SoftwareKey, Vec<Certificate>) {
        (self.key, self.chain)
    }
}

impl Signer for SoftwareSigner {
    fn chain(&self) -> &[Certificate] {
        &self.chain
    }

    fn algorithm(&self) -> Algorithm {
        match self.key {
            SoftwareKey::EcdsaP256(_) => Algorithm::EcdsaP256Sha256,
            SoftwareKey::Rsa(_) => Algorithm::RsaSha256,
        }
    }

    fn sign<'a>(&'a self, message: &'a [u8]) -> Signing<'a> {
        let result = match &self.key {
            SoftwareKey::EcdsaP256(key) => key
                .try_sign(message)
                .map(|s: p256::ecdsa::DerSignature| s.to_vec())
                .map_err(|e| Error::Key(e.to_string())),
            SoftwareKey::Rsa(key) => key
                .try_sign(message)
                .map(|s| s.to_vec())
                .map_err(|e| Error::Key(e.to_string())),
        };
        Box::pin(std::future::ready(result))
    }
}

/// A certificate from its DER bytes.
pub fn certificate(der: &[u8]) -> Result<Certificate, Error> {
    Ok(Certificate::from_der(der)?)
}

/// The common name of a certificate's subject, for showing who signed.
pub fn common_name(cert: &Certificate) -> String {
    cert.tbs_certificate()
        .subject()
        .common_name()
        .ok()
        .flatten()
        .map(|cn| cn.value().into_owned())
        .unwrap_or_else(|| cert.tbs_certificate().subject().to_string())
}
