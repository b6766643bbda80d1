//! The demo's digital signatures (docs/domain.md §2.7): a small certificate
//! authority of its own, kept encrypted in the documents service's key
//! folder, which gives every demo office a seal key and every demo leader
//! a signing key, so the documents the demo numbers are signed PDFs.
//!
//! One leader (the first office's) does not have a key in the suite's key
//! folder: theirs is held by the demo's own signing service
//! ([`serve_remote`], `crate::signing_service`) and their documents are
//! signed through it, as a deployment's are through the national PKI's
//! remote signing service.
//!
//! Its root is trusted only when the trust-anchor file does not exist yet
//! (the default, in a new data folder): a file an operator configured is
//! never changed. The keys' passphrase is the configured one or, in a demo,
//! a random one kept beside the keys in `passphrase` (which protects
//! nothing: a deployment configures its own and its real keys).

use std::path::Path;
use std::time::{Duration, SystemTime};

use der::EncodePem;
use vanphong_pdf::sign::ca::{DemoCa, Enrolment};
use vanphong_pdf::sign::keys::{KeyOwner, KeyStore};
use vanphong_platform::config::Settings;
use vanphong_platform::identity::Role;

use super::{DemoError, DemoReport};

/// PBKDF2 rounds of the demo's key files: few, because the demo's
/// passphrase sits beside them anyway and the demo must start fast; keys
/// a deployment imports are encrypted as it chooses (README).
const DEMO_ROUNDS: u32 = 10_000;

/// Name of the demo CA in the key folder.
const CA_NAME: &str = "demo";

/// The folder, inside the suite's key folder, of the keys the demo's
/// signing service holds.
const REMOTE_DIR: &str = "remote-service";

/// The demo's CA and the key folder it enrols people and offices in.
pub struct DemoSigning {
    ca: DemoCa,
    store: KeyStore,
    /// The keys the demo's signing service holds.
    remote: KeyStore,
    /// The suite's clock when the demo started: certificates are valid
    /// from a while before it, whatever day the demo's clock is set to.
    now: SystemTime,
}

fn keys_error(e: impl std::fmt::Display) -> DemoError {
    DemoError::Keys(e.to_string())
}

/// A passphrase for the demo's keys: the configured one, or one kept in
/// the key folder.
fn passphrase(settings: &Settings) -> Result<String, DemoError> {
    if let Some(p) = settings
        .document_keys_passphrase
        .as_ref()
        .filter(|p| !p.expose().is_empty())
    {
        return Ok(p.expose().to_string());
    }
    let path = settings.document_keys_dir.join("passphrase");
    if let Ok(existing) = std::fs::read_to_string(&path) {
        return Ok(existing.trim().to_string());
    }
    let mut bytes = [0u8; 24];
    getrandom::fill(&mut bytes).map_err(keys_error)?;
    let made: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    std::fs::create_dir_all(&settings.document_keys_dir).map_err(keys_error)?;
    write_private(&path, made.as_bytes())?;
    Ok(made)
}

fn write_private(path: &Path, bytes: &[u8]) -> Result<(), DemoError> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options.open(path).map_err(keys_error)?;
    file.write_all(bytes).map_err(keys_error)
}

impl DemoSigning {
    /// Opens the demo CA, or creates it with a root valid ten years from a
    /// year before `now`, and trusts its root if no trust-anchor file
    /// exists. Runs before the documents service starts, which reads the
    /// trust anchors and the passphrase once.
    pub fn prepare(settings: &Settings, now: SystemTime) -> Result<DemoSigning, DemoError> {
        let store = KeyStore::new(settings.document_keys_dir.clone(), Some(passphrase(settings)?));
        let ca = match DemoCa::open(&store, CA_NAME).map_err(keys_error)? {
            Some(ca) => ca,
            None => {
                let from = now - Duration::from_secs(365 * 86_400);
                let ca = DemoCa::new("Vanphong Demo Root CA", from, 10).map_err(keys_error)?;
                ca.save(&store, CA_NAME, DEMO_ROUNDS).map_err(keys_error)?;
                ca
            }
        };
        let anchors = &settings.trust_anchors_file;
        if anchors.exists() {
            tracing::info!(file = %anchors.display(), "the demo CA is not added to a trust-anchor file that exists");
        } else {
            if let Some(dir) = anchors.parent() {
                std::fs::create_dir_all(dir).map_err(keys_error)?;
            }
            let pem = ca.root.to_pem(der::pem::LineEnding::LF).map_err(keys_error)?;
            std::fs::write(anchors, pem).map_err(keys_error)?;
        }
        let remote = KeyStore::new(settings.document_keys_dir.join(REMOTE_DIR), Some(passphrase(settings)?));
        Ok(DemoSigning { ca, store, remote, now })
    }

    /// Gives every office of the demo a seal key and every leader a
    /// signing key, certified by the demo CA from a month before the
    /// demo's start.
    pub fn enrol(&self, report: &DemoReport) -> Result<(), DemoError> {
        let from = self.now - Duration::from_secs(30 * 86_400);
        for (index, office) in report.offices.iter().enumerate() {
            let seal = Enrolment {
                owner: KeyOwner::Office,
                id: &office.id,
                common_name: office.name,
                organization: office.name,
            };
            self.ca
                .enrol(&self.store, &seal, from, DEMO_ROUNDS)
                .map_err(keys_error)?;
            for (n, user) in office.users.iter().filter(|u| u.role == Role::Leader).enumerate() {
                let person = Enrolment {
                    owner: KeyOwner::Person,
                    id: &user.id,
                    common_name: user.full_name,
                    organization: office.name,
                };
                if index == 0 && n == 0 {
                    // Held by the signing service; the suite knows its id.
                    self.ca
                        .enrol(&self.remote, &person, from, DEMO_ROUNDS)
                        .map_err(keys_error)?;
                    let key_id = format!("{}-{}", KeyOwner::Person.prefix(), user.id);
                    self.store
                        .store_remote_key(KeyOwner::Person, &user.id, &key_id)
                        .map_err(keys_error)?;
                    continue;
                }
                self.ca
                    .enrol(&self.store, &person, from, DEMO_ROUNDS)
                    .map_err(keys_error)?;
            }
        }
        Ok(())
    }
}

/// Starts the demo's signing service on a loopback port, over the keys in
/// its folder, until `shutdown`; answers its address and the token the
/// suite presents (random, made anew at each start).
pub async fn serve_remote(
    settings: &Settings,
    shutdown: &tokio_util::sync::CancellationToken,
) -> Result<(String, String), DemoError> {
    let keys = KeyStore::new(settings.document_keys_dir.join(REMOTE_DIR), Some(passphrase(settings)?));
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", 0))
        .await
        .map_err(keys_error)?;
    let addr = listener.local_addr().map_err(keys_error)?;
    let mut bytes = [0u8; 24];
    getrandom::fill(&mut bytes).map_err(keys_error)?;
    let token: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    crate::signing_service::spawn(listener, keys, Some(token.clone()), shutdown.clone());
    tracing::info!(%addr, "the demo's signing service");
    Ok((format!("http://{addr}"), token))
}
