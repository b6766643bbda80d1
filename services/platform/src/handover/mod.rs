//! Reorganisation, each service's part: when an office ends with a
//! successor, every service hands the office's open work to it
//! (docs/domain.md §1, "Reorganisation").
//!
//! The directory records the ending (`dissolved_on`, `successor_id`); every
//! service follows the directory and hands over by itself:
//! - [`Handover`]: one ended office, the office that holds its work now
//!   and the day it passed, read off the directory's snapshot;
//! - [`TakesPart`]: what a service does with an ended office's work, in
//!   its own transaction;
//! - [`runner`]: applies every handover that is due exactly once (the
//!   `handovers` row marked applied commits with the work), records a
//!   failure with its reason, and retries by itself;
//! - [`api`]: `GetHandover`, the same RPC in every service's package, by
//!   which the directory shows what is applied, pending or failed where.

pub mod api;
pub mod runner;
mod store;

use std::future::Future;

use chrono::{DateTime, NaiveDate, Utc};
use uuid::Uuid;

use crate::Error;
use crate::db::Tx;
use crate::directory::DirectorySnapshot;
use crate::identity::Caller;

/// An ended office whose work passes to the office that holds it now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Handover {
    pub office_id: Uuid,
    pub office_name: String,
    /// The office holding the ended office's records now: its successor,
    /// or the successor's successor when that one ended too.
    pub successor_id: Uuid,
    pub successor_name: String,
    /// The office's last day is the day before.
    pub effective_on: NaiveDate,
}

impl Handover {
    /// The handover of `office` as the snapshot says on `today`: `None`
    /// unless the office ends (on any date) with a successor.
    pub fn of(snapshot: &DirectorySnapshot, office: Uuid, today: NaiveDate) -> Option<Handover> {
        let entry = snapshot.tree.get(office)?;
        let effective_on = entry.dissolved_on?;
        entry.successor_id?;
        let successor_id = snapshot.tree.holder_on(office, today.max(effective_on));
        Some(Handover {
            office_id: office,
            office_name: entry.name.clone(),
            successor_id,
            successor_name: snapshot.office_name(successor_id),
            effective_on,
        })
    }

    /// Every handover whose day has come by `today`, oldest first.
    pub fn due(snapshot: &DirectorySnapshot, today: NaiveDate) -> Vec<Handover> {
        let mut due: Vec<Handover> = snapshot
            .tree
            .entries()
            .into_iter()
            .filter(|o| o.dissolved_on.is_some_and(|d| d <= today) && o.successor_id.is_some())
            .filter_map(|o| Handover::of(snapshot, o.id, today))
            .collect();
        due.sort_by_key(|h| (h.effective_on, h.office_id));
        due
    }

    /// Whether `person` works in the successor now, so that work assigned
    /// to them can stay theirs; anyone else's work goes back to the
    /// successor's clerk or leader to be assigned again.
    pub fn keeps(&self, snapshot: &DirectorySnapshot, person: Uuid) -> bool {
        snapshot
            .person(person)
            .is_some_and(|p| p.office_id == self.successor_id && !p.disabled)
    }

    /// Who the services' histories and audit trails name for a handover:
    /// the suite, on the successor's behalf.
    pub fn actor(&self) -> Caller {
        Caller {
            name: "Hệ thống (tổ chức lại)".into(),
            ..Caller::system(self.successor_id)
        }
    }

    /// The line each moved item's history gets.
    pub fn note(&self) -> String {
        format!(
            "Chuyển giao từ {} sang {} từ ngày {} (tổ chức lại bộ máy)",
            self.office_name,
            self.successor_name,
            self.effective_on.format("%d/%m/%Y")
        )
    }
}

/// Who may see where an ended office's handover stands: whoever may read
/// its records now (the successor's people, leaders above it) or
/// administer it or its successor.
pub fn may_see(caller: &Caller, tree: &crate::tree::OfficeTree, office: Uuid, today: NaiveDate) -> bool {
    let holder = tree.holder_on(office, today);
    caller.may_read(tree, office, today)
        || caller.may_administer(tree, office, today)
        || caller.may_administer(tree, holder, today)
}

/// How many items of one kind a service handed over.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Count {
    /// Machine name (`incoming`, `drafts`, `to_reassign` …).
    pub kind: String,
    /// What a person reads.
    pub label: String,
    pub count: i64,
}

impl Count {
    pub fn new(kind: &str, label: &str, count: i64) -> Self {
        Self {
            kind: kind.into(),
            label: label.into(),
            count,
        }
    }
}

/// One handover being applied: the ended office and the office that holds
/// its work now, the directory's snapshot saying where people work now, and
/// the instant it is applied.
#[derive(Debug, Clone, Copy)]
pub struct Job<'a> {
    pub handover: &'a Handover,
    pub snapshot: &'a DirectorySnapshot,
    pub at: DateTime<Utc>,
}

/// A service's part in reorganisations.
pub trait TakesPart: Send + Sync + 'static {
    /// Hands the `job`'s open work to the successor inside `tx` (which also
    /// records the handover as applied). Says how many items of each kind
    /// it moved.
    fn hand_over(&self, tx: &mut Tx, job: Job<'_>) -> impl Future<Output = Result<Vec<Count>, Error>> + Send;
}
