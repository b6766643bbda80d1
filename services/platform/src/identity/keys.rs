//! Signing and verifying keys on disk (PEM: PKCS#8 private, SPKI public).

use std::path::{Path, PathBuf};

use ed25519_dalek::pkcs8::spki::der::pem::LineEnding;
use ed25519_dalek::pkcs8::{DecodePrivateKey, DecodePublicKey, EncodePrivateKey, EncodePublicKey};
use ed25519_dalek::{SigningKey, VerifyingKey};
use sha2::{Digest, Sha256};

/// Why a key could not be loaded or created.
#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    #[error("cannot read or write key file {path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("key file {path} is not an Ed25519 PEM key: {message}")]
    Format { path: PathBuf, message: String },
    #[error("cannot generate a key: {0}")]
    Random(String),
}

/// Short id of a public key, written into each token's header so a verifier
/// holding several keys knows which one to use.
pub fn key_id(key: &VerifyingKey) -> String {
    let digest = Sha256::digest(key.as_bytes());
    digest[..8].iter().map(|b| format!("{b:02x}")).collect()
}

/// Loads the signing key, creating one (readable only by its owner) if the
/// file does not exist yet, so a fresh data folder works out of the box.
pub fn load_or_create_signing_key(path: &Path) -> Result<SigningKey, KeyError> {
    let io = |source| KeyError::Io {
        path: path.to_path_buf(),
        source,
    };
    match std::fs::read_to_string(path) {
        Ok(pem) => SigningKey::from_pkcs8_pem(&pem).map_err(|e| KeyError::Format {
            path: path.to_path_buf(),
            message: e.to_string(),
        }),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            let mut seed = [0u8; 32];
            getrandom::fill(&mut seed).map_err(|e| KeyError::Random(e.to_string()))?;
            let key = SigningKey::from_bytes(&seed);
            let pem = key.to_pkcs8_pem(LineEnding::LF).map_err(|e| KeyError::Format {
                path: path.to_path_buf(),
                message: e.to_string(),
            })?;
            if let Some(parent) = path.parent() {
                std::fs::create_dir_all(parent).map_err(io)?;
            }
            write_private(path, pem.as_bytes()).map_err(io)?;
            Ok(key)
        }
        Err(e) => Err(io(e)),
    }
}

#[cfg(unix)]
fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)?;
    file.write_all(bytes)
}

#[cfg(not(unix))]
fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    std::fs::write(path, bytes)
}

/// Loads a public key from a PEM file holding either the public key or the
/// private key it belongs to.
pub fn load_verifying_key(path: &Path) -> Result<VerifyingKey, KeyError> {
    let pem = std::fs::read_to_string(path).map_err(|source| KeyError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    VerifyingKey::from_public_key_pem(&pem)
        .or_else(|_| SigningKey::from_pkcs8_pem(&pem).map(|k| k.verifying_key()))
        .map_err(|e| KeyError::Format {
            path: path.to_path_buf(),
            message: e.to_string(),
        })
}

/// Writes the public half of a key, for servers in other processes.
pub fn write_public_key(path: &Path, key: &VerifyingKey) -> Result<(), KeyError> {
    let pem = key.to_public_key_pem(LineEnding::LF).map_err(|e| KeyError::Format {
        path: path.to_path_buf(),
        message: e.to_string(),
    })?;
    std::fs::write(path, pem).map_err(|source| KeyError::Io {
        path: path.to_path_buf(),
        source,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn created_key_is_reloaded_and_public_half_matches() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("keys/signing.pem");
        let first = load_or_create_signing_key(&path).expect("create");
        let again = load_or_create_signing_key(&path).expect("reload");
        assert_eq!(first.to_bytes(), again.to_bytes());
        let public = dir.path().join("public.pem");
        write_public_key(&public, &first.verifying_key()).expect("write public");
        assert_eq!(load_verifying_key(&public).expect("public"), first.verifying_key());
        assert_eq!(load_verifying_key(&path).expect("from private"), first.verifying_key());
    }

    #[test]
    fn garbage_key_file_is_a_clear_error() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("bad.pem");
        std::fs::write(&path, "hello").expect("write");
        assert!(matches!(
            load_or_create_signing_key(&path),
            Err(KeyError::Format { .. })
        ));
    }
}
