//! Anchoring the audit chains outside the database.
//!
//! A hash chain alone proves nothing to someone who can write the database:
//! they can edit a record, recompute every later hash and the head, and the
//! chain is consistent again. So each office's chain head (office, seq,
//! hash, time) is signed now and then with the deployment's audit key — an
//! Ed25519 key kept in a file ([`crate::config::Settings::audit_key_file`]),
//! never in the database — into a [`Checkpoint`]. Checkpoints are stored
//! beside the chain (they are signed, so storing them there is safe) and are
//! written by a background task ([`spawn_anchoring`]) and whenever a chain
//! is verified intact. Verification then requires every record a valid
//! checkpoint covers to hash to what was signed, and reports checkpoints
//! whose signature does not hold.

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
use chrono::{DateTime, Utc};
use ed25519_dalek::pkcs8::EncodePublicKey;
use ed25519_dalek::pkcs8::spki::der::pem::LineEnding;
use ed25519_dalek::{Signature, Signer, SigningKey, Verifier, VerifyingKey};
use serde::{Deserialize, Serialize};
use tokio_util::sync::CancellationToken;
use uuid::Uuid;

use crate::clock::{SharedClock, from_micros, local_zone, to_micros};
use crate::db::{Db, StoreError, query};
use crate::identity::{
    KeyError, key_id, load_or_create_signing_key, load_signing_key, load_verifying_key, public_key_path,
};

/// The deployment's audit key: the private half signs checkpoints and
/// exports; the public half verifies them (an auditor needs only that).
#[derive(Clone)]
pub struct AuditKey {
    signing: Option<SigningKey>,
    verifying: VerifyingKey,
    id: String,
}

impl std::fmt::Debug for AuditKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AuditKey")
            .field("id", &self.id)
            .field("signs", &self.signing.is_some())
            .finish()
    }
}

impl AuditKey {
    fn from_signing(key: SigningKey) -> Self {
        let verifying = key.verifying_key();
        Self {
            id: key_id(&verifying),
            signing: Some(key),
            verifying,
        }
    }

    /// A key that only verifies.
    pub fn from_verifying(verifying: VerifyingKey) -> Self {
        Self {
            id: key_id(&verifying),
            signing: None,
            verifying,
        }
    }

    /// The key of a server that creates it when missing (the gateway, the
    /// all-in-one suite), with its public half beside it.
    pub fn load_or_create(path: &Path) -> Result<Self, KeyError> {
        load_or_create_signing_key(path).map(Self::from_signing)
    }

    /// The key of a server that is handed it: the file must exist.
    pub fn load(path: &Path) -> Result<Self, KeyError> {
        load_signing_key(path).map(Self::from_signing)
    }

    /// For verifying only: the private key if it is readable, else its
    /// public half (the file itself or `<name>.pub.pem` beside it).
    pub fn load_for_verifying(path: &Path) -> Result<Self, KeyError> {
        if let Ok(key) = load_signing_key(path) {
            return Ok(Self::from_signing(key));
        }
        let public = public_key_path(path);
        match load_verifying_key(path) {
            Ok(key) => Ok(Self::from_verifying(key)),
            Err(first) => load_verifying_key(&public).map(Self::from_verifying).map_err(|_| first),
        }
    }

    /// Short id of the public key (first 8 bytes of its SHA-256, hex).
    pub fn id(&self) -> &str {
        &self.id
    }

    pub fn verifying_key(&self) -> &VerifyingKey {
        &self.verifying
    }

    /// Whether this key can sign (it holds the private half).
    pub fn can_sign(&self) -> bool {
        self.signing.is_some()
    }

    /// The public key as PEM (SPKI), as written in exports.
    pub fn public_pem(&self) -> String {
        self.verifying.to_public_key_pem(LineEnding::LF).unwrap_or_default()
    }

    /// The signature of `message` (base64), if this key can sign.
    pub fn sign(&self, message: &[u8]) -> Option<String> {
        self.signing
            .as_ref()
            .map(|key| BASE64.encode(key.sign(message).to_bytes()))
    }

    /// Whether `signature` (base64) is this key's signature of `message`.
    pub fn verifies(&self, message: &[u8], signature: &str) -> bool {
        verifies(&self.verifying, message, signature)
    }
}

/// Whether `signature` (base64) is `key`'s signature of `message`.
pub fn verifies(key: &VerifyingKey, message: &[u8], signature: &str) -> bool {
    let Ok(bytes) = BASE64.decode(signature.trim()) else {
        return false;
    };
    let Ok(signature) = Signature::from_slice(&bytes) else {
        return false;
    };
    key.verify(message, &signature).is_ok()
}

/// A chain's name (the service whose database holds it) and the key that
/// anchors it: what checkpointing and verifying need.
#[derive(Debug, Clone)]
pub struct Anchoring {
    /// `"directory"`, `"documents"` …: signed into each checkpoint, so one
    /// service's checkpoint cannot stand for another's chain.
    pub chain: &'static str,
    pub key: Arc<AuditKey>,
}

/// A signed statement that an office's chain had `seq` records, the last
/// hashing to `hash`, at `signed_at`.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow, Serialize, Deserialize)]
pub struct Checkpoint {
    pub office_id: String,
    pub seq: i64,
    pub hash: String,
    /// Microseconds since the epoch (UTC).
    pub signed_at: i64,
    /// Which key signed it ([`AuditKey::id`]).
    pub key_id: String,
    /// Ed25519 signature (base64) of [`Checkpoint::message`].
    pub signature: String,
}

impl Checkpoint {
    /// The bytes signed: every field but the signature, and the chain's name.
    pub fn message(&self, chain: &str) -> Vec<u8> {
        format!(
            "vanphong-audit-checkpoint/v1\n{chain}\n{}\n{}\n{}\n{}",
            self.office_id, self.seq, self.hash, self.signed_at
        )
        .into_bytes()
    }

    /// A checkpoint of `office`'s chain at (`seq`, `hash`), if `key` signs.
    pub fn sign(key: &AuditKey, chain: &str, office: &str, seq: i64, hash: &str, at: DateTime<Utc>) -> Option<Self> {
        let mut checkpoint = Checkpoint {
            office_id: office.to_string(),
            seq,
            hash: hash.to_string(),
            signed_at: to_micros(at),
            key_id: key.id().to_string(),
            signature: String::new(),
        };
        checkpoint.signature = key.sign(&checkpoint.message(chain))?;
        Some(checkpoint)
    }

    /// Whether `key` signed this checkpoint of `chain`.
    pub fn is_signed_by(&self, key: &VerifyingKey, chain: &str) -> bool {
        verifies(key, &self.message(chain), &self.signature)
    }

    /// When it was signed, for people: "09:30 ngày 29/11/2026" (local time).
    pub fn signed_at_text(&self) -> String {
        from_micros(self.signed_at)
            .with_timezone(&local_zone())
            .format("%H:%M ngày %d/%m/%Y")
            .to_string()
    }
}

const CHECKPOINT_COLUMNS: &str = "office_id, seq, hash, signed_at, key_id, signature";

/// Every stored checkpoint of `office`'s chain, oldest first.
pub async fn checkpoints(db: &Db, office: Uuid) -> Result<Vec<Checkpoint>, StoreError> {
    db.fetch_all(
        crate::db::query_built(format!(
            "SELECT {CHECKPOINT_COLUMNS} FROM audit_checkpoints WHERE office_id = $1 ORDER BY seq"
        ))
        .bind(office.to_string()),
    )
    .await
}

/// A office's checkpoints split into those `anchoring`'s key signed and the
/// others (forged, altered, or signed by another key).
pub async fn checked_checkpoints(
    db: &Db,
    anchoring: &Anchoring,
    office: Uuid,
) -> Result<(Vec<Checkpoint>, Vec<Checkpoint>), StoreError> {
    let all = checkpoints(db, office).await?;
    Ok(all
        .into_iter()
        .partition(|c| c.is_signed_by(anchoring.key.verifying_key(), anchoring.chain)))
}

/// Stores a checkpoint; one already stored at the same place is kept.
pub async fn store(db: &Db, checkpoint: &Checkpoint) -> Result<(), StoreError> {
    let mut tx = db.begin_write().await?;
    tx.execute(crate::binds!(query(
            "INSERT INTO audit_checkpoints (office_id, seq, hash, signed_at, key_id, signature) \
             VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (office_id, seq) DO NOTHING",
        )
        => &checkpoint.office_id, checkpoint.seq, &checkpoint.hash, checkpoint.signed_at, &checkpoint.key_id,
           &checkpoint.signature))
        .await?;
    tx.commit().await
}

/// Signs a checkpoint of every chain that grew since its last one, after
/// verifying it from that checkpoint on: a chain found broken is not signed
/// (that would bless the damage) but logged. Returns how many were signed.
pub async fn anchor_all(db: &Db, anchoring: &Anchoring, now: DateTime<Utc>) -> Result<usize, StoreError> {
    if !anchoring.key.can_sign() {
        return Ok(0);
    }
    let mut signed = 0;
    for office in crate::audit::chained_offices(db).await? {
        let (valid, _) = checked_checkpoints(db, anchoring, office).await?;
        let mut checked = 0;
        match crate::audit::verify_chain(db, office, valid.last(), &[], &mut checked).await? {
            Err(broken) => tracing::error!(
                chain = anchoring.chain,
                office = %office,
                seq = broken.seq,
                reason = %broken.reason,
                "audit chain broken; not signing a checkpoint"
            ),
            Ok(end) => {
                if sign_end(db, anchoring, office, &end, valid.last(), now).await? {
                    signed += 1;
                }
            }
        }
    }
    Ok(signed)
}

/// Signs and stores a checkpoint at a verified chain end, unless the latest
/// valid checkpoint is already there (or the chain is empty).
pub(crate) async fn sign_end(
    db: &Db,
    anchoring: &Anchoring,
    office: Uuid,
    end: &crate::audit::ChainEnd,
    latest: Option<&Checkpoint>,
    now: DateTime<Utc>,
) -> Result<bool, StoreError> {
    if end.seq == 0 || latest.is_some_and(|c| c.seq >= end.seq) {
        return Ok(false);
    }
    let Some(checkpoint) = Checkpoint::sign(
        &anchoring.key,
        anchoring.chain,
        &office.to_string(),
        end.seq,
        &end.hash,
        now,
    ) else {
        return Ok(false);
    };
    store(db, &checkpoint).await?;
    Ok(true)
}

/// Signs checkpoints every `interval` (first at start-up) until shutdown.
pub fn spawn_anchoring(
    db: Db,
    anchoring: Anchoring,
    clock: SharedClock,
    interval: Duration,
    shutdown: CancellationToken,
) {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(interval);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tokio::select! {
                _ = shutdown.cancelled() => return,
                _ = tick.tick() => match anchor_all(&db, &anchoring, clock.now()).await {
                    Ok(0) => {}
                    Ok(n) => tracing::info!(chain = anchoring.chain, signed = n, "audit checkpoints signed"),
                    Err(e) => tracing::warn!(chain = anchoring.chain, error = %e, "signing audit checkpoints failed"),
                },
            }
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_checkpoint_holds_only_as_signed_and_for_its_own_chain() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("keys/audit-key.pem");
        let key = AuditKey::load_or_create(&path).expect("key");
        let at = from_micros(1_800_000_000_000_000);
        let checkpoint = Checkpoint::sign(&key, "documents", "o", 7, "ab", at).expect("signs");
        assert!(checkpoint.is_signed_by(key.verifying_key(), "documents"));
        assert!(!checkpoint.is_signed_by(key.verifying_key(), "finance"));
        let mut moved = checkpoint.clone();
        moved.seq = 6;
        assert!(!moved.is_signed_by(key.verifying_key(), "documents"));

        // An auditor holding only the public half verifies, and cannot sign.
        let public = AuditKey::load_for_verifying(&public_key_path(&path)).expect("public");
        assert!(!public.can_sign());
        assert!(checkpoint.is_signed_by(public.verifying_key(), "documents"));
        assert_eq!(public.id(), key.id());
        assert!(Checkpoint::sign(&public, "documents", "o", 8, "cd", at).is_none());
        assert!(!verifies(public.verifying_key(), b"x", "not base64!"));
    }
}
