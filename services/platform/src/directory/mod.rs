//! Each server's copy of the directory: the office tree with its history, the
//! people (names, offices, roles) and the revoked sessions, kept current so
//! that authorization and the names shown beside ids need no call per
//! request.
//!
//! The directory (in the gateway process) publishes snapshots; other servers
//! [`follow`] its `WatchDirectory` stream. Readers take the current snapshot
//! with [`DirectoryView::current`], a cheap `Arc` clone.

mod follow;
mod wire;

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use tokio::sync::watch;
use uuid::Uuid;

pub use follow::follow;
pub use wire::snapshot_from_wire;

use crate::identity::RoleSet;
use crate::tree::OfficeTree;

/// A user as every server knows them: enough to show their name beside
/// their id and to say where they work.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Person {
    pub id: Uuid,
    pub full_name: String,
    pub office_id: Uuid,
    pub roles: RoleSet,
    pub disabled: bool,
}

/// The directory at one version.
#[derive(Debug, Clone, Default)]
pub struct DirectorySnapshot {
    /// Grows with every change; 0 before anything was loaded.
    pub version: i64,
    pub tree: OfficeTree,
    revoked: HashSet<Uuid>,
    people: HashMap<Uuid, Person>,
}

impl DirectorySnapshot {
    pub fn new(version: i64, tree: OfficeTree, revoked: impl IntoIterator<Item = Uuid>) -> Self {
        Self {
            version,
            tree,
            revoked: revoked.into_iter().collect(),
            people: HashMap::new(),
        }
    }

    /// The same snapshot knowing these people.
    pub fn with_people(mut self, people: impl IntoIterator<Item = Person>) -> Self {
        self.people = people.into_iter().map(|p| (p.id, p)).collect();
        self
    }

    /// The user with this id, if the directory has ever recorded them.
    pub fn person(&self, id: Uuid) -> Option<&Person> {
        self.people.get(&id)
    }

    /// The user's full name, or "" for an id the directory does not know
    /// (a wire field beside an id stays empty rather than failing a read).
    pub fn person_name(&self, id: Uuid) -> String {
        self.person(id).map(|p| p.full_name.clone()).unwrap_or_default()
    }

    /// The name a notice gives for who acted: their full name from the
    /// directory, else the name their token carries.
    pub fn actor_name(&self, caller: &crate::identity::Caller) -> String {
        self.recorded_name(caller.subject_id, &caller.name)
    }

    /// The name a history line shows for who acted: their full name from
    /// the directory, else the name recorded with the line (a sign-in name
    /// or a service account's).
    pub fn recorded_name(&self, id: Uuid, recorded: &str) -> String {
        let name = self.person_name(id);
        if name.is_empty() { recorded.to_string() } else { name }
    }

    /// The full name beside an optional id ("" when there is none).
    pub fn optional_person_name(&self, id: Option<Uuid>) -> String {
        id.map(|i| self.person_name(i)).unwrap_or_default()
    }

    /// The office's name, or "" for an id the directory does not know.
    pub fn office_name(&self, id: Uuid) -> String {
        self.tree.get(id).map(|o| o.name.clone()).unwrap_or_default()
    }

    /// The office name beside an optional id ("" when there is none).
    pub fn optional_office_name(&self, id: Option<Uuid>) -> String {
        id.map(|i| self.office_name(i)).unwrap_or_default()
    }

    /// Every known person of `office`, in no particular order.
    pub fn people_of(&self, office: Uuid) -> impl Iterator<Item = &Person> {
        self.people.values().filter(move |p| p.office_id == office)
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
