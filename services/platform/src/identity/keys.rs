//! Signing and verifying keys on disk (PEM: PKCS#8 private, SPKI public).
//!
//! Private keys are written in the plain PKCS#8 form (RFC 8410, without the
//! optional public key), which OpenSSL and every other tool read
//! (`openssl pkey -in signing-key.pem`), and their public half is written
//! beside them (`signing-key.pub.pem`) for the servers that only verify.

use std::path::{Path, PathBuf};

use ed25519_dalek::pkcs8::spki::der::pem::LineEnding;
use ed25519_dalek::pkcs8::{DecodePrivateKey, DecodePublicKey, EncodePrivateKey, EncodePublicKey, KeypairBytes};
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

/// Loads the signing key, creating one (readable only by its owner, with its
/// public half beside it) if the file does not exist yet, so a fresh data
/// folder works out of the box.
pub fn load_or_create_signing_key(path: &Path) -> Result<SigningKey, KeyError> {
    let io = |source| KeyError::Io {
        path: path.to_path_buf(),
        source,
    };
    let format = |message: String| KeyError::Format {
        path: path.to_path_buf(),
        message,
    };
    match load_signing_key(path) {
        Err(KeyError::Io { source, .. }) if source.kind() == std::io::ErrorKind::NotFound => {
            let mut seed = [0u8; 32];
            getrandom::fill(&mut seed).map_err(|e| KeyError::Random(e.to_string()))?;
            let key = SigningKey::from_bytes(&seed);
            // Without the optional public key: OpenSSL 3.0 refuses the
            // RFC 5958 form that carries it.
            let plain = KeypairBytes {
                secret_key: key.to_bytes(),
                public_key: None,
            };
            let pem = plain.to_pkcs8_pem(LineEnding::LF).map_err(|e| format(e.to_string()))?;
            if let Some(parent) = path.parent() {
                std::fs::create_dir_all(parent).map_err(io)?;
            }
            write_private(path, pem.as_bytes()).map_err(io)?;
            write_public_key(&public_key_path(path), &key.verifying_key())?;
            Ok(key)
        }
        other => other,
    }
}

/// Loads a private key that must already exist (a server that is handed
/// the key rather than creating it).
pub fn load_signing_key(path: &Path) -> Result<SigningKey, KeyError> {
    let pem = std::fs::read_to_string(path).map_err(|source| KeyError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    SigningKey::from_pkcs8_pem(&pem).map_err(|e| KeyError::Format {
        path: path.to_path_buf(),
        message: e.to_string(),
    })
}

/// Where the public half of a private key file is written:
/// `signing-key.pem` → `signing-key.pub.pem`.
pub fn public_key_path(private: &Path) -> PathBuf {
    let stem = private
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    private.with_file_name(format!("{stem}.pub.pem"))
}

/// Writes a new file readable by its owner only; refuses to overwrite.
#[cfg(unix)]
pub(crate) fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
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
pub(crate) fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
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
        let beside = dir.path().join("keys/signing.pub.pem");
        assert_eq!(
            load_verifying_key(&beside).expect("public beside"),
            first.verifying_key()
        );
        let public = dir.path().join("public.pem");
        write_public_key(&public, &first.verifying_key()).expect("write public");
        assert_eq!(load_verifying_key(&public).expect("public"), first.verifying_key());
        assert_eq!(load_verifying_key(&path).expect("from private"), first.verifying_key());
    }

    /// The plain PKCS#8 structure OpenSSL reads: SEQUENCE { INTEGER 0,
    /// AlgorithmIdentifier { 1.3.101.112 }, OCTET STRING { OCTET STRING
    /// seed } }, 48 bytes, with no public key attached.
    #[test]
    fn created_key_is_plain_pkcs8_v1() {
        use base64::Engine;
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("signing-key.pem");
        let key = load_or_create_signing_key(&path).expect("create");
        let pem = std::fs::read_to_string(&path).expect("read");
        assert!(pem.starts_with("-----BEGIN PRIVATE KEY-----\n"), "{pem}");
        let body: String = pem.lines().filter(|l| !l.starts_with("-----")).collect();
        let der = base64::engine::general_purpose::STANDARD.decode(body).expect("base64");
        let mut expected = vec![
            0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20,
        ];
        expected.extend_from_slice(&key.to_bytes());
        assert_eq!(der, expected);
    }

    /// OpenSSL itself reads the key and derives the same public key we
    /// wrote beside it (where the openssl command is installed, as on every
    /// Debian machine this project runs on).
    #[test]
    fn openssl_reads_the_created_key() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("signing-key.pem");
        load_or_create_signing_key(&path).expect("create");
        let output = match std::process::Command::new("openssl")
            .args(["pkey", "-pubout", "-in"])
            .arg(&path)
            .output()
        {
            Ok(output) => output,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                eprintln!("openssl is not installed; the DER layout test covers the format");
                return;
            }
            Err(e) => panic!("openssl: {e}"),
        };
        assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
        let ours = std::fs::read_to_string(public_key_path(&path)).expect("public beside");
        assert_eq!(String::from_utf8_lossy(&output.stdout), ours);
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
