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

use std::collections::HashMap;
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
    /// A split's other receiving offices: open work whose person went to
    /// one of them goes there too.
    pub parts: Vec<Part>,
    /// The office's last day is the day before.
    pub effective_on: NaiveDate,
    /// Where people would work, for a preview of a change not yet made
    /// (empty otherwise: the directory says where they work).
    pub assumed_offices: HashMap<Uuid, Uuid>,
}

/// A receiving office of a split besides the successor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Part {
    pub id: Uuid,
    pub name: String,
}

/// Where an open item passes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Receiver {
    /// To the successor, which holds the ended office's records.
    Successor,
    /// To another receiving office of a split (the item moves there).
    Part(Uuid),
}

impl Handover {
    /// The handover of `office` as the snapshot says on `today`: `None`
    /// unless the office ends (on any date) with a successor.
    pub fn of(snapshot: &DirectorySnapshot, office: Uuid, today: NaiveDate) -> Option<Handover> {
        let entry = snapshot.tree.get(office)?;
        let effective_on = entry.dissolved_on?;
        entry.successor_id?;
        let on = today.max(effective_on);
        let successor_id = snapshot.tree.holder_on(office, on);
        let parts = entry
            .split_into
            .iter()
            .map(|part| snapshot.tree.holder_on(*part, on))
            .filter(|part| *part != successor_id)
            .map(|id| Part {
                id,
                name: snapshot.office_name(id),
            })
            .collect();
        Some(Handover {
            office_id: office,
            office_name: entry.name.clone(),
            successor_id,
            successor_name: snapshot.office_name(successor_id),
            parts,
            effective_on,
            assumed_offices: HashMap::new(),
        })
    }

    /// The handover a change not yet made would bring: `office` ending on
    /// `effective_on` into `successor`, with `parts` (each receiving office
    /// and its people) and, when people move with it, the office's other
    /// people going to the successor.
    pub fn preview(
        snapshot: &DirectorySnapshot,
        office: Uuid,
        successor: Uuid,
        parts: &[(Uuid, Vec<Uuid>)],
        effective_on: NaiveDate,
        move_people: bool,
    ) -> Handover {
        let mut assumed_offices = HashMap::new();
        if move_people {
            for person in snapshot.people_of(office) {
                assumed_offices.insert(person.id, successor);
            }
            for (part, people) in parts {
                for person in people {
                    assumed_offices.insert(*person, *part);
                }
            }
        }
        Handover {
            office_id: office,
            office_name: snapshot.office_name(office),
            successor_id: successor,
            successor_name: snapshot.office_name(successor),
            parts: parts
                .iter()
                .filter(|(id, _)| *id != successor)
                .map(|(id, _)| Part {
                    id: *id,
                    name: snapshot.office_name(*id),
                })
                .collect(),
            effective_on,
            assumed_offices,
        }
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
        self.receiver_of(snapshot, person) == Some(Receiver::Successor)
    }

    /// Where work in `person`'s hands goes: to the successor or the split's
    /// part they work in now; `None` when they went elsewhere (or left), so
    /// the work goes back to the successor to be assigned again.
    pub fn receiver_of(&self, snapshot: &DirectorySnapshot, person: Uuid) -> Option<Receiver> {
        let office = match self.assumed_offices.get(&person) {
            Some(office) => *office,
            None => snapshot.person(person).filter(|p| !p.disabled)?.office_id,
        };
        if office == self.successor_id {
            Some(Receiver::Successor)
        } else {
            self.parts
                .iter()
                .any(|p| p.id == office)
                .then_some(Receiver::Part(office))
        }
    }

    /// The name of a receiving office.
    pub fn receiver_name(&self, receiver: Receiver) -> &str {
        match receiver {
            Receiver::Successor => &self.successor_name,
            Receiver::Part(id) => self.parts.iter().find(|p| p.id == id).map_or("", |p| p.name.as_str()),
        }
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
        self.note_to(Receiver::Successor)
    }

    /// The history line of an item passed to `receiver`.
    pub fn note_to(&self, receiver: Receiver) -> String {
        format!(
            "Chuyển giao từ {} sang {} từ ngày {} (tổ chức lại bộ máy)",
            self.office_name,
            self.receiver_name(receiver),
            self.effective_on.format("%d/%m/%Y")
        )
    }

    /// How many items went to each split part, one [`Count`] per part that
    /// received any.
    pub fn part_counts(&self, kind: &str, label: &str, moved: &HashMap<Uuid, i64>) -> Vec<Count> {
        self.parts
            .iter()
            .filter_map(|p| {
                let count = *moved.get(&p.id)?;
                Some(Count {
                    office_id: Some(p.id),
                    office_name: p.name.clone(),
                    ..Count::new(kind, label, count)
                })
            })
            .collect()
    }
}

/// Whether this service has applied `office`'s handover (a record of it,
/// such as finance's handover sheet, exists only then).
pub async fn is_applied(db: &crate::db::Db, office: Uuid) -> Result<bool, Error> {
    Ok(store::get(db, office)
        .await?
        .is_some_and(|row| row.state == store::State::Applied))
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
    /// Where these items went when not to the successor (a split's part).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub office_id: Option<Uuid>,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub office_name: String,
}

impl Count {
    pub fn new(kind: &str, label: &str, count: i64) -> Self {
        Self {
            kind: kind.into(),
            label: label.into(),
            count,
            office_id: None,
            office_name: String::new(),
        }
    }

    /// The count as a wire message.
    pub fn to_wire(&self) -> vanphong_proto::common::v1::HandoverCount {
        vanphong_proto::common::v1::HandoverCount {
            kind: self.kind.clone(),
            label: self.label.clone(),
            count: self.count,
            office_id: self.office_id.map(|o| o.to_string()).unwrap_or_default(),
            office_name: self.office_name.clone(),
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
