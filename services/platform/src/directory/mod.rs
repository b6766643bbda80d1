//! Each server's copy of the directory: the office tree with its history and
//! the revoked sessions, kept current so that authorization needs no call per
//! request.
//!
//! The directory (in the gateway process) publishes snapshots; other servers
//! [`follow`] its `WatchDirectory` stream. Readers take the current snapshot
//! with [`DirectoryView::current`], a cheap `Arc` clone.

mod follow;
mod wire;

use std::collections::HashSet;
use std::sync::Arc;

use tokio::sync::watch;
use uuid::Uuid;

pub use follow::follow;
pub use wire::snapshot_from_wire;

use crate::tree::OfficeTree;

/// The directory at one version.
#[derive(Debug, Clone, Default)]
pub struct DirectorySnapshot {
    /// Grows with every change; 0 before anything was loaded.
    pub version: i64,
    pub tree: OfficeTree,
    revoked: HashSet<Uuid>,
}

impl DirectorySnapshot {
    pub fn new(version: i64, tree: OfficeTree, revoked: impl IntoIterator<Item = Uuid>) -> Self {
        Self {
            version,
            tree,
            revoked: revoked.into_iter().collect(),
        }
    }

    /// Whether tokens of this session must be refused.
    pub fn is_revoked(&self, session_id: Uuid) -> bool {
        self.revoked.contains(&session_id)
    }
}

/// Read side: any number of clones, each seeing the latest snapshot.
#[derive(Debug, Clone)]
pub struct DirectoryView {
    rx: watch::Receiver<Arc<DirectorySnapshot>>,
}

/// Write side, held by whoever keeps the copy current.
#[derive(Debug, Clone)]
pub struct DirectoryPublisher {
    tx: Arc<watch::Sender<Arc<DirectorySnapshot>>>,
}

/// A publisher and its first view, starting from `initial`.
pub fn channel(initial: DirectorySnapshot) -> (DirectoryPublisher, DirectoryView) {
    let (tx, rx) = watch::channel(Arc::new(initial));
    (DirectoryPublisher { tx: Arc::new(tx) }, DirectoryView { rx })
}

impl DirectoryView {
    pub fn current(&self) -> Arc<DirectorySnapshot> {
        self.rx.borrow().clone()
    }

    /// Waits until a newer snapshot is published; false once the publisher
    /// is gone.
    pub async fn changed(&mut self) -> bool {
        self.rx.changed().await.is_ok()
    }
}

impl DirectoryPublisher {
    /// Publishes a snapshot unless it is older than the current one.
    pub fn publish(&self, snapshot: DirectorySnapshot) {
        self.tx.send_if_modified(|current| {
            if snapshot.version >= current.version {
                *current = Arc::new(snapshot);
                true
            } else {
                false
            }
        });
    }

    pub fn view(&self) -> DirectoryView {
        DirectoryView {
            rx: self.tx.subscribe(),
        }
    }
}
