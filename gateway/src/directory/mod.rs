//! The office directory: offices with their history, users, service
//! accounts, sign-in and sessions. It lives in the gateway process and is
//! the one owner of the office tree; every other server follows it through
//! `WatchDirectory`.
//!
//! - [`domain`]: rules without I/O (tree changes, names, passwords,
//!   throttling);
//! - [`store`]: the SQL;
//! - [`api`]: the gRPC services (`vanphong.directory.v1`), which validate,
//!   authorize, run one transaction with its audit record, and answer;
//! - [`bootstrap`]: the first office and admin of an empty directory.

pub mod api;
pub mod bootstrap;
pub mod domain;
mod snapshot;
pub mod store;

use std::sync::Arc;
use std::time::Duration;

use chrono::NaiveDate;
use tokio::sync::watch;
use tokio_util::sync::CancellationToken;

use vanphong_platform::Error;
use vanphong_platform::audit_anchor::Anchoring;
use vanphong_platform::clock::{SharedClock, local_date};
use vanphong_platform::db::Db;
use vanphong_platform::directory::{self as view, DirectoryPublisher, DirectorySnapshot, DirectoryView};
use vanphong_platform::identity::TokenIssuer;
use vanphong_platform::server::GrpcServices;
use vanphong_proto::directory::v1 as wire;

use domain::password::Passwords;
use domain::throttle::ThrottlePolicy;

/// Settings of the directory.
#[derive(Debug, Clone)]
pub struct DirectoryConfig {
    pub access_token_ttl: Duration,
    pub refresh_token_ttl: Duration,
    pub password_hash_memory_kib: u32,
    /// Failed sign-ins an account may have before waits apply.
    pub sign_in_free_failures: u32,
    /// Failed sign-ins a client address may have before waits apply.
    pub sign_in_free_failures_per_address: u32,
    /// Sign-in attempts allowed per client address per minute.
    pub sign_in_attempts_per_minute: u32,
    /// Proxies whose `x-forwarded-for` names the real client.
    pub trusted_proxies: Vec<vanphong_platform::ip_range::IpRange>,
    /// What the suite's other servers present to follow the directory.
    pub service_credential: vanphong_platform::identity::ServiceCredential,
    /// The deployment's audit key, which signs the directory's checkpoints.
    pub audit_key: Arc<vanphong_platform::audit_anchor::AuditKey>,
    /// How often the directory's audit chains are checkpointed.
    pub audit_checkpoint_interval: Duration,
    /// A password many accounts are created with (the demo's), hashed once
    /// for all of them.
    pub shared_password: Option<String>,
}

/// The directory's shared state.
pub struct Directory {
    pub(crate) db: Db,
    pub(crate) clock: SharedClock,
    pub(crate) issuer: TokenIssuer,
    pub(crate) passwords: Passwords,
    pub(crate) throttle: ThrottlePolicy,
    pub(crate) config: DirectoryConfig,
    pub(crate) shutdown: CancellationToken,
    publisher: DirectoryPublisher,
    wire: watch::Sender<Arc<wire::DirectorySnapshot>>,
    reload_lock: tokio::sync::Mutex<()>,
}

/// How often the directory checks the database for changes made by other
/// gateway replicas.
const POLL_INTERVAL: Duration = Duration::from_secs(2);

/// Every how many polls stale sign-in counts are dropped (about 5 minutes).
const PURGE_EVERY_TICKS: u32 = 150;

impl Directory {
    /// Opens the directory on a migrated database and loads its snapshot.
    pub async fn open(
        db: Db,
        clock: SharedClock,
        issuer: TokenIssuer,
        config: DirectoryConfig,
        shutdown: CancellationToken,
    ) -> Result<Arc<Self>, Error> {
        let (publisher, _) = view::channel(DirectorySnapshot::default());
        let (wire, _) = watch::channel(Arc::new(wire::DirectorySnapshot::default()));
        let directory = Arc::new(Directory {
            passwords: Passwords::new(config.password_hash_memory_kib)?.sharing(config.shared_password.clone()),
            throttle: ThrottlePolicy {
                account_free_failures: config.sign_in_free_failures,
                address_free_failures: config.sign_in_free_failures_per_address,
                attempts_per_minute: config.sign_in_attempts_per_minute,
            },
            db,
            clock,
            issuer,
            config,
            shutdown,
            publisher,
            wire,
            reload_lock: tokio::sync::Mutex::new(()),
        });
        directory.reload().await?;
        Ok(directory)
    }

    /// The directory's audit chain name and the key that anchors it.
    pub fn anchoring(&self) -> Anchoring {
        Anchoring {
            chain: "directory",
            key: self.config.audit_key.clone(),
        }
    }

    /// The live snapshot, for this process's own token checks.
    pub fn view(&self) -> DirectoryView {
        self.publisher.view()
    }

    pub fn db(&self) -> &Db {
        &self.db
    }

    /// Today in local time.
    pub fn today(&self) -> NaiveDate {
        local_date(self.clock.now())
    }

    /// Re-reads the snapshot when the database holds a newer version.
    pub async fn reload(&self) -> Result<(), Error> {
        let _guard = self.reload_lock.lock().await;
        let current = self.publisher.view().current().version;
        let latest = store::version(&self.db).await?;
        if latest <= current {
            return Ok(());
        }
        let (platform, wire) = snapshot::load(&self.db, latest, self.clock.now(), self.today()).await?;
        self.publisher.publish(platform);
        self.wire.send_replace(Arc::new(wire));
        Ok(())
    }

    /// Keeps the snapshot current with changes made by other replicas, now
    /// and then drops sign-in counts that hold nothing back any more, and
    /// signs checkpoints of the directory's audit chains.
    pub fn spawn_poller(self: &Arc<Self>) {
        vanphong_platform::audit_anchor::spawn_anchoring(
            self.db.clone(),
            self.anchoring(),
            self.clock.clone(),
            self.config.audit_checkpoint_interval,
            self.shutdown.clone(),
        );
        let directory = Arc::clone(self);
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(POLL_INTERVAL);
            tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            let mut ticks: u32 = 0;
            loop {
                tokio::select! {
                    _ = directory.shutdown.cancelled() => return,
                    _ = tick.tick() => {
                        if let Err(e) = directory.reload().await {
                            tracing::warn!(error = %e, "directory reload failed");
                        }
                        ticks = ticks.wrapping_add(1);
                        if ticks.is_multiple_of(PURGE_EVERY_TICKS)
                            && let Err(e) = directory.purge_throttle().await
                        {
                            tracing::warn!(error = %e, "purging sign-in counts failed");
                        }
                    }
                }
            }
        });
    }

    async fn purge_throttle(&self) -> Result<(), Error> {
        let mut tx = self.db.begin_write().await?;
        store::throttle::purge(&mut tx, self.clock.now()).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Subscribes to the wire snapshot (for `WatchDirectory`).
    pub(crate) fn watch_wire(&self) -> watch::Receiver<Arc<wire::DirectorySnapshot>> {
        self.wire.subscribe()
    }

    /// The directory's gRPC services; `participants` (each backend's name
    /// and channel) are asked where a reorganisation stands.
    pub fn services(self: &Arc<Self>, participants: Vec<api::reorganisation::Participant>) -> GrpcServices {
        api::services(self, participants)
    }
}
