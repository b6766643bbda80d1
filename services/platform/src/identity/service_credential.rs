//! The suite's own credential: what its servers present to each other for
//! calls no person or outside system may make (following the directory's
//! `WatchDirectory` stream, which carries the whole office tree and every
//! revoked session).
//!
//! It is a random secret in a file outside the database, created once by
//! the gateway (which owns the directory) and given to every other server
//! of the deployment, like the token-verifying key. Servers send it in the
//! [`HEADER`] metadata; the directory compares digests in constant time.

use std::path::{Path, PathBuf};

use base64::Engine;
use sha2::{Digest, Sha256};

use super::keys::write_private;

/// The metadata that carries the credential.
pub const HEADER: &str = "x-vanphong-service-credential";

/// Random bytes in a new credential.
const SECRET_BYTES: usize = 32;

/// Why the credential could not be loaded or created.
#[derive(Debug, thiserror::Error)]
pub enum CredentialError {
    #[error("cannot read or write the service credential {path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error(
        "no service credential at {path}: give every server the gateway's file \
         (--service-credential-file / VANPHONG_SERVICE_CREDENTIAL_FILE)"
    )]
    Missing { path: PathBuf },
    #[error("the service credential {path} is too short (at least 32 characters)")]
    TooShort { path: PathBuf },
    #[error("cannot generate a service credential: {0}")]
    Random(String),
}

/// The deployment's service credential.
#[derive(Clone)]
pub struct ServiceCredential {
    secret: String,
}

impl std::fmt::Debug for ServiceCredential {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ServiceCredential(…)")
    }
}

impl ServiceCredential {
    /// Loads the credential, creating it (readable by its owner only) when
    /// the file does not exist: what the gateway does on its first start.
    pub fn load_or_create(path: &Path) -> Result<Self, CredentialError> {
        match Self::load(path) {
            Err(CredentialError::Missing { .. }) => {
                let mut bytes = [0u8; SECRET_BYTES];
                getrandom::fill(&mut bytes).map_err(|e| CredentialError::Random(e.to_string()))?;
                let secret = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes);
                let io = |source| CredentialError::Io {
                    path: path.to_path_buf(),
                    source,
                };
                if let Some(parent) = path.parent() {
                    std::fs::create_dir_all(parent).map_err(io)?;
                }
                write_private(path, format!("{secret}\n").as_bytes()).map_err(io)?;
                Ok(Self { secret })
            }
            other => other,
        }
    }

    /// Loads an existing credential: what every other server does.
    pub fn load(path: &Path) -> Result<Self, CredentialError> {
        match std::fs::read_to_string(path) {
            Ok(text) => {
                let secret = text.trim().to_string();
                if secret.len() < 32 {
                    return Err(CredentialError::TooShort {
                        path: path.to_path_buf(),
                    });
                }
                Ok(Self { secret })
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Err(CredentialError::Missing {
                path: path.to_path_buf(),
            }),
            Err(source) => Err(CredentialError::Io {
                path: path.to_path_buf(),
                source,
            }),
        }
    }

    /// A key for one purpose (e.g. the console's CSRF tokens), the same on
    /// every server of the deployment and unknown outside it, without
    /// revealing the credential itself.
    pub fn derive_key(&self, purpose: &str) -> [u8; 32] {
        let mut hasher = Sha256::new();
        hasher.update(b"vanphong derived key\0");
        hasher.update(purpose.as_bytes());
        hasher.update(b"\0");
        hasher.update(self.secret.as_bytes());
        hasher.finalize().into()
    }

    /// Adds the credential to an outgoing call.
    pub fn attach<T>(&self, request: &mut tonic::Request<T>) {
        if let Ok(value) = self.secret.parse() {
            request.metadata_mut().insert(HEADER, value);
        }
    }

    /// Whether a call carries this credential. Compares digests so that the
    /// time taken says nothing about how much of a guess was right.
    pub fn presented_in(&self, metadata: &tonic::metadata::MetadataMap) -> bool {
        let Some(given) = metadata.get(HEADER).and_then(|v| v.to_str().ok()) else {
            return false;
        };
        let a = Sha256::digest(given.as_bytes());
        let b = Sha256::digest(self.secret.as_bytes());
        a.iter().zip(b.iter()).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn created_once_then_loaded_and_checked() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("keys/service-credential");
        assert!(matches!(
            ServiceCredential::load(&path),
            Err(CredentialError::Missing { .. })
        ));
        let created = ServiceCredential::load_or_create(&path).expect("create");
        let loaded = ServiceCredential::load(&path).expect("load");
        let mut call = tonic::Request::new(());
        loaded.attach(&mut call);
        assert!(created.presented_in(call.metadata()));

        let other = ServiceCredential::load_or_create(&dir.path().join("other")).expect("other");
        assert!(!other.presented_in(call.metadata()), "another deployment's credential");
        assert!(!created.presented_in(tonic::Request::new(()).metadata()), "none");
    }

    #[test]
    fn a_short_secret_is_refused() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("short");
        std::fs::write(&path, "abc\n").expect("write");
        assert!(matches!(
            ServiceCredential::load(&path),
            Err(CredentialError::TooShort { .. })
        ));
    }
}
