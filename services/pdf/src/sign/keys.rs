//! Signing keys the deployment holds for its people and offices, encrypted
//! at rest (docs/domain.md §2.7).
//!
//! Each holder has two files in the key folder:
//! - `<kind>-<id>.key.pem`: the private key as encrypted PKCS#8
//!   (`ENCRYPTED PRIVATE KEY`, PBES2: PBKDF2-SHA256 or scrypt, AES-CBC);
//! - `<kind>-<id>.chain.pem`: its certificate first, then the
//!   certificates up to the root.
//!
//! A third, `<kind>-<id>.png`, is optional: the picture of the person's
//! handwritten signature or of the office's seal that the signature shows.
//!
//! A holder who signs through the national PKI's remote signing service
//! has instead `<kind>-<id>.remote`, holding the service's key id
//! ([`super::remote`]).
//!
//! `<kind>` is `person` or `office` and `<id>` the directory's id. These
//! are the files OpenSSL writes, so a key delivered as PKCS#12 is imported
//! with `openssl pkcs12 -nocerts | openssl pkcs8 -topk8 -v2 aes-256-cbc`
//! and `openssl pkcs12 -nokeys` (the README shows how). One passphrase,
//! the deployment's, opens every key; a key is decrypted the first time it
//! signs and kept in memory afterwards.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use der::pem::{LineEnding, PemLabel};
use der::zeroize::Zeroizing;
use pkcs8::pkcs5::pbes2;
use pkcs8::{DecodePrivateKey, EncodePrivateKey, EncryptedPrivateKeyInfoRef, PrivateKeyInfoRef};
use x509_cert::Certificate;

use super::image::MarkImage;
use super::{SoftwareKey, SoftwareSigner};
use crate::Error;

/// PBKDF2 rounds for keys written by the suite, as OWASP recommends for
/// PBKDF2-HMAC-SHA256.
pub const KEY_ROUNDS: u32 = 600_000;

/// Whose key: the issuing body's seal or a person's signature.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum KeyOwner {
    Office,
    Person,
    /// A certificate authority's own key (the demo's).
    Authority,
}

impl KeyOwner {
    /// The file names' prefix: "office", "person" or "ca".
    pub fn prefix(self) -> &'static str {
        match self {
            KeyOwner::Office => "office",
            KeyOwner::Person => "person",
            KeyOwner::Authority => "ca",
        }
    }
}

/// The folder of keys and the passphrase that opens them.
pub struct KeyStore {
    dir: PathBuf,
    passphrase: Option<Zeroizing<String>>,
    opened: Mutex<HashMap<(KeyOwner, String), Arc<SoftwareSigner>>>,
}

impl KeyStore {
    /// The keys in `dir`; without a passphrase no key can be opened, and
    /// a document is issued unsigned.
    pub fn new(dir: impl Into<PathBuf>, passphrase: Option<String>) -> KeyStore {
        KeyStore {
            dir: dir.into(),
            passphrase: passphrase.filter(|p| !p.is_empty()).map(Zeroizing::new),
            opened: Mutex::new(HashMap::new()),
        }
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    fn paths(&self, owner: KeyOwner, id: &str) -> Result<(PathBuf, PathBuf), Error> {
        if id.is_empty() || !id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
            return Err(Error::Key(format!("invalid key holder id {id:?}")));
        }
        let stem = format!("{}-{id}", owner.prefix());
        Ok((
            self.dir.join(format!("{stem}.key.pem")),
            self.dir.join(format!("{stem}.chain.pem")),
        ))
    }

    /// Where the holder's picture is kept: `<kind>-<id>.png`, the image of
    /// a person's signature or of an office's seal.
    fn image_path(&self, owner: KeyOwner, id: &str) -> Result<PathBuf, Error> {
        self.holder_file(owner, id, "png")
    }

    /// The holder's file `<kind>-<id>.<extension>` beside their key, once
    /// the id is checked as for the key.
    fn holder_file(&self, owner: KeyOwner, id: &str, extension: &str) -> Result<PathBuf, Error> {
        let (key, _) = self.paths(owner, id)?;
        Ok(key.with_file_name(format!("{}-{id}.{extension}", owner.prefix())))
    }

    /// The holder's signature or seal picture, `None` when the deployment
    /// holds none (the mark is then drawn).
    pub fn image(&self, owner: KeyOwner, id: &str) -> Result<Option<MarkImage>, Error> {
        let path = self.image_path(owner, id)?;
        match std::fs::read(&path) {
            Ok(bytes) => MarkImage::from_png(&bytes).map(Some),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(Error::Image(format!("{}: {e}", path.display()))),
        }
    }

    /// Keeps the holder's picture after checking that it reads as a PNG.
    pub fn store_image(&self, owner: KeyOwner, id: &str, png: &[u8]) -> Result<MarkImage, Error> {
        let image = MarkImage::from_png(png)?;
        let path = self.image_path(owner, id)?;
        std::fs::create_dir_all(&self.dir).map_err(|e| Error::Image(format!("{}: {e}", self.dir.display())))?;
        std::fs::write(&path, png).map_err(|e| Error::Image(format!("{}: {e}", path.display())))?;
        Ok(image)
    }

    /// Where it is said that the holder signs through the remote signing
    /// service: `<kind>-<id>.remote`, holding the service's key id.
    fn remote_path(&self, owner: KeyOwner, id: &str) -> Result<PathBuf, Error> {
        self.holder_file(owner, id, "remote")
    }

    /// The remote signing service's key id for the holder, `None` when the
    /// holder does not sign remotely.
    pub fn remote_key(&self, owner: KeyOwner, id: &str) -> Result<Option<String>, Error> {
        let path = self.remote_path(owner, id)?;
        match std::fs::read_to_string(&path) {
            Ok(text) => Ok(Some(text.trim().to_string()).filter(|k| !k.is_empty())),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(Error::Key(format!("{}: {e}", path.display()))),
        }
    }

    /// Records that the holder signs through the remote service with the
    /// service's key `key_id`.
    pub fn store_remote_key(&self, owner: KeyOwner, id: &str, key_id: &str) -> Result<(), Error> {
        let path = self.remote_path(owner, id)?;
        std::fs::create_dir_all(&self.dir).map_err(|e| Error::Key(format!("{}: {e}", self.dir.display())))?;
        std::fs::write(&path, format!("{key_id}\n")).map_err(|e| Error::Key(format!("{}: {e}", path.display())))
    }

    /// The holder's signer, or `None` when the deployment holds no key for
    /// them. A key that exists but cannot be opened (wrong passphrase,
    /// damaged file, certificate not the key's) is an error.
    pub fn signer(&self, owner: KeyOwner, id: &str) -> Result<Option<Arc<SoftwareSigner>>, Error> {
        let cache_key = (owner, id.to_string());
        if let Some(signer) = self.opened.lock().ok().and_then(|m| m.get(&cache_key).cloned()) {
            return Ok(Some(signer));
        }
        let Some((key, chain)) = self.key(owner, id)? else {
            return Ok(None);
        };
        let signer = Arc::new(SoftwareSigner::new(key, chain)?);
        if let Ok(mut opened) = self.opened.lock() {
            opened.insert(cache_key, signer.clone());
        }
        Ok(Some(signer))
    }

    /// The holder's key and chain as stored, decrypted; `None` when there
    /// is no key file.
    pub fn key(&self, owner: KeyOwner, id: &str) -> Result<Option<(SoftwareKey, Vec<Certificate>)>, Error> {
        let (key_path, chain_path) = self.paths(owner, id)?;
        if !key_path.exists() {
            return Ok(None);
        }
        let passphrase = self
            .passphrase
            .as_ref()
            .ok_or_else(|| Error::Key("no passphrase is configured for the signing keys".into()))?;
        let key_pem = Zeroizing::new(read(&key_path)?);
        let chain_pem = read(&chain_path)?;
        let key =
            decrypt(&key_pem, passphrase.as_bytes()).map_err(|e| Error::Key(format!("{}: {e}", key_path.display())))?;
        let chain = Certificate::load_pem_chain(chain_pem.as_bytes())?;
        Ok(Some((key, chain)))
    }

    /// Keeps `key` and its chain for the holder, encrypted with the
    /// store's passphrase in `rounds` of PBKDF2; replaces an older key.
    pub fn store(
        &self,
        owner: KeyOwner,
        id: &str,
        key: &SoftwareKey,
        chain: &[Certificate],
        rounds: u32,
    ) -> Result<(), Error> {
        let passphrase = self
            .passphrase
            .as_ref()
            .ok_or_else(|| Error::Key("no passphrase is configured for the signing keys".into()))?;
        let (key_path, chain_path) = self.paths(owner, id)?;
        let pem = encrypt(key, passphrase.as_bytes(), rounds)?;
        let mut chain_pem = String::new();
        for cert in chain {
            use der::EncodePem;
            chain_pem.push_str(&cert.to_pem(LineEnding::LF)?);
        }
        std::fs::create_dir_all(&self.dir).map_err(|e| io(&self.dir, e))?;
        write_private(&key_path, pem.as_bytes())?;
        std::fs::write(&chain_path, chain_pem).map_err(|e| io(&chain_path, e))?;
        if let Ok(mut opened) = self.opened.lock() {
            opened.remove(&(owner, id.to_string()));
        }
        Ok(())
    }
}

fn io(path: &Path, e: std::io::Error) -> Error {
    Error::Key(format!("{}: {e}", path.display()))
}

fn read(path: &Path) -> Result<String, Error> {
    std::fs::read_to_string(path).map_err(|e| io(path, e))
}

/// Writes a file only its owner can read.
fn write_private(path: &Path, bytes: &[u8]) -> Result<(), Error> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options.open(path).map_err(|e| io(path, e))?;
    file.write_all(bytes).map_err(|e| io(path, e))
}

/// A private key as encrypted PKCS#8 PEM: PBKDF2-HMAC-SHA256 with `rounds`,
/// AES-256-CBC, random salt and IV.
pub fn encrypt(key: &SoftwareKey, passphrase: &[u8], rounds: u32) -> Result<Zeroizing<String>, Error> {
    let plain = match key {
        SoftwareKey::EcdsaP256(k) => k.to_pkcs8_der(),
        SoftwareKey::Rsa(k) => {
            let private: &rsa::PrivateKey = k.as_ref().as_ref();
            rsa::pkcs8::EncodePrivateKey::to_pkcs8_der(private)
        }
    }
    .map_err(|e| Error::Key(e.to_string()))?;
    let mut salt = [0u8; 16];
    let mut iv = [0u8; 16];
    getrandom::fill(&mut salt).map_err(|e| Error::Key(e.to_string()))?;
    getrandom::fill(&mut iv).map_err(|e| Error::Key(e.to_string()))?;
    let params = pbes2::Parameters::generate_pbkdf2_sha256_aes256cbc(rounds, &salt, iv)
        .map_err(|e| Error::Key(e.to_string()))?;
    let info = PrivateKeyInfoRef::try_from(plain.as_bytes()).map_err(|e| Error::Key(e.to_string()))?;
    let sealed = info
        .encrypt_with_params(params, passphrase)
        .map_err(|e| Error::Key(e.to_string()))?;
    sealed
        .to_pem(EncryptedPrivateKeyInfoRef::PEM_LABEL, LineEnding::LF)
        .map_err(|e| Error::Key(e.to_string()))
}

/// Opens an encrypted PKCS#8 PEM: an ECDSA P-256 or an RSA key.
pub fn decrypt(pem: &str, passphrase: &[u8]) -> Result<SoftwareKey, Error> {
    let (label, der) = der::pem::decode_vec(pem.as_bytes()).map_err(|e| Error::Key(e.to_string()))?;
    if label != EncryptedPrivateKeyInfoRef::PEM_LABEL {
        return Err(Error::Key(format!(
            "expected an ENCRYPTED PRIVATE KEY, found {label}: keys are kept encrypted"
        )));
    }
    let sealed = EncryptedPrivateKeyInfoRef::try_from(der.as_slice()).map_err(|e| Error::Key(e.to_string()))?;
    let plain = sealed
        .decrypt(passphrase)
        .map_err(|_| Error::Key("the passphrase does not open the key".into()))?;
    key_from_pkcs8(plain.as_bytes())
}

/// A private key from its plain PKCS#8 DER: an ECDSA P-256 or an RSA key.
pub(crate) fn key_from_pkcs8(plain: &[u8]) -> Result<SoftwareKey, Error> {
    if let Ok(key) = p256::ecdsa::SigningKey::from_pkcs8_der(plain) {
        return Ok(SoftwareKey::EcdsaP256(key));
    }
    let key = <rsa::PrivateKey as rsa::pkcs8::DecodePrivateKey>::from_pkcs8_der(plain)
        .map_err(|e| Error::Key(format!("neither a P-256 nor an RSA key: {e}")))?;
    Ok(SoftwareKey::Rsa(Box::new(rsa::pkcs1v15::SigningKey::new(key))))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sign::Signer;
    use crate::sign::ca::DemoCa;
    use std::time::SystemTime;

    #[test]
    fn a_stored_key_opens_only_with_its_passphrase() {
        let dir = std::env::temp_dir().join(format!("vanphong-keys-{}", std::process::id()));
        let store = KeyStore::new(&dir, Some("đúng".into()));
        let ca = DemoCa::new("Test Root", SystemTime::now(), 1).unwrap();
        let holder = crate::sign::ca::Enrolment {
            owner: KeyOwner::Office,
            id: "a1",
            common_name: "Tỉnh ủy",
            organization: "Tỉnh ủy",
        };
        ca.enrol(&store, &holder, SystemTime::now(), 1_000).unwrap();
        let text = std::fs::read_to_string(dir.join("office-a1.key.pem")).unwrap();
        assert!(text.starts_with("-----BEGIN ENCRYPTED PRIVATE KEY-----"));
        let signer = store.signer(KeyOwner::Office, "a1").unwrap().expect("a key");
        assert_eq!(signer.chain().len(), 2);
        assert!(store.signer(KeyOwner::Person, "a1").unwrap().is_none());
        let wrong = KeyStore::new(&dir, Some("sai".into()));
        assert!(wrong.signer(KeyOwner::Office, "a1").is_err());
        let none = KeyStore::new(&dir, None);
        assert!(none.signer(KeyOwner::Office, "a1").is_err());
        assert!(store.signer(KeyOwner::Office, "../x").is_err());
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
