//! The office tree with its history.
//!
//! Offices are merged, split, dissolved and re-parented with effective dates
//! (docs/domain.md §1), and history must stay true: a report for a past quarter
//! follows the tree as it was then. Each office therefore keeps every parent
//! link with the period it held, and every question here is asked "on" a
//! date. The directory owns the tree; every service keeps a copy of it (see
//! [`crate::directory`]) so authorization needs no call per request.

use std::collections::{BTreeSet, HashMap, VecDeque};

use chrono::{DateTime, NaiveDate, Utc};
use uuid::Uuid;

use vanphong_proto::directory::v1 as wire;

/// Level of an office.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum OfficeKind {
    Central,
    Province,
    District,
    Commune,
    Other,
}

impl OfficeKind {
    pub fn code(self) -> &'static str {
        match self {
            OfficeKind::Central => "central",
            OfficeKind::Province => "province",
            OfficeKind::District => "district",
            OfficeKind::Commune => "commune",
            OfficeKind::Other => "other",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        [
            OfficeKind::Central,
            OfficeKind::Province,
            OfficeKind::District,
            OfficeKind::Commune,
            OfficeKind::Other,
        ]
        .into_iter()
        .find(|k| k.code() == code)
    }

    pub fn from_wire(value: i32) -> Option<Self> {
        match wire::OfficeKind::try_from(value).ok()? {
            wire::OfficeKind::Unspecified => None,
            wire::OfficeKind::Central => Some(OfficeKind::Central),
            wire::OfficeKind::Province => Some(OfficeKind::Province),
            wire::OfficeKind::District => Some(OfficeKind::District),
            wire::OfficeKind::Commune => Some(OfficeKind::Commune),
            wire::OfficeKind::Other => Some(OfficeKind::Other),
        }
    }

    pub fn to_wire(self) -> i32 {
        (match self {
            OfficeKind::Central => wire::OfficeKind::Central,
            OfficeKind::Province => wire::OfficeKind::Province,
            OfficeKind::District => wire::OfficeKind::District,
            OfficeKind::Commune => wire::OfficeKind::Commune,
            OfficeKind::Other => wire::OfficeKind::Other,
        }) as i32
    }
}

/// How an office numbers its outgoing documents (docs/domain.md §2.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Numbering {
    /// Per calendar year; secret documents in their own series.
    State,
    /// Per document type per committee term; secret documents share it.
    Party,
}

impl Numbering {
    pub fn code(self) -> &'static str {
        match self {
            Numbering::State => "state",
            Numbering::Party => "party",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        match code {
            "state" => Some(Numbering::State),
            "party" => Some(Numbering::Party),
            _ => None,
        }
    }

    pub fn from_wire(value: i32) -> Option<Self> {
        match wire::NumberingConvention::try_from(value).ok()? {
            wire::NumberingConvention::Unspecified => None,
            wire::NumberingConvention::State => Some(Numbering::State),
            wire::NumberingConvention::Party => Some(Numbering::Party),
        }
    }

    pub fn to_wire(self) -> i32 {
        (match self {
            Numbering::State => wire::NumberingConvention::State,
            Numbering::Party => wire::NumberingConvention::Party,
        }) as i32
    }
}

/// One period under one parent: `from` inclusive, `to` exclusive.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParentLink {
    pub parent_id: Option<Uuid>,
    pub from: NaiveDate,
    pub to: Option<NaiveDate>,
    pub reason: String,
}

impl ParentLink {
    pub fn covers(&self, date: NaiveDate) -> bool {
        self.from <= date && self.to.is_none_or(|to| date < to)
    }
}

/// An office and its history.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OfficeEntry {
    pub id: Uuid,
    pub code: String,
    pub name: String,
    pub kind: OfficeKind,
    pub issuer_code: String,
    pub numbering: Numbering,
    pub established_on: NaiveDate,
    pub dissolved_on: Option<NaiveDate>,
    pub successor_id: Option<Uuid>,
    /// When the office was split: the receiving offices besides the
    /// successor. They take the people and open work that go to them; the
    /// successor keeps the records (docs/domain.md §1, reorganisation).
    pub split_into: Vec<Uuid>,
    /// Oldest first, without overlaps.
    pub links: Vec<ParentLink>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl OfficeEntry {
    /// Whether the office exists on the date.
    pub fn exists_on(&self, date: NaiveDate) -> bool {
        self.established_on <= date && self.dissolved_on.is_none_or(|d| date < d)
    }

    /// The parent on the date; `None` for a root or outside the office's life.
    pub fn parent_on(&self, date: NaiveDate) -> Option<Uuid> {
        self.links.iter().find(|l| l.covers(date)).and_then(|l| l.parent_id)
    }

    /// The link currently open (no end date), if the office still exists.
    pub fn open_link(&self) -> Option<&ParentLink> {
        self.links.last().filter(|l| l.to.is_none())
    }

    /// The first day of the office's latest change.
    pub fn last_change(&self) -> NaiveDate {
        self.links.last().map_or(self.established_on, |l| l.from)
    }
}

/// Every office ever recorded, with history.
#[derive(Debug, Clone, Default)]
pub struct OfficeTree {
    offices: HashMap<Uuid, OfficeEntry>,
}

impl OfficeTree {
    pub fn new(entries: impl IntoIterator<Item = OfficeEntry>) -> Self {
        Self {
            offices: entries.into_iter().map(|e| (e.id, e)).collect(),
        }
    }

    pub fn get(&self, id: Uuid) -> Option<&OfficeEntry> {
        self.offices.get(&id)
    }

    pub fn len(&self) -> usize {
        self.offices.len()
    }

    pub fn is_empty(&self) -> bool {
        self.offices.is_empty()
    }

    /// Every office, in code order.
    pub fn entries(&self) -> Vec<&OfficeEntry> {
        let mut all: Vec<&OfficeEntry> = self.offices.values().collect();
        all.sort_by(|a, b| a.code.cmp(&b.code));
        all
    }

    pub fn exists_on(&self, id: Uuid, date: NaiveDate) -> bool {
        self.get(id).is_some_and(|o| o.exists_on(date))
    }

    pub fn parent_on(&self, id: Uuid, date: NaiveDate) -> Option<Uuid> {
        self.get(id).and_then(|o| o.parent_on(date))
    }

    /// Parent, grandparent … up to the root, on the date. Stops rather than
    /// loops if the data ever held a cycle.
    pub fn ancestors_on(&self, id: Uuid, date: NaiveDate) -> Vec<Uuid> {
        let mut out = Vec::new();
        let mut current = id;
        while let Some(parent) = self.parent_on(current, date) {
            if parent == id || out.contains(&parent) || out.len() > self.offices.len() {
                break;
            }
            out.push(parent);
            current = parent;
        }
        out
    }

    /// Whether `ancestor` is above `office` (not equal) on the date.
    pub fn is_ancestor_on(&self, ancestor: Uuid, office: Uuid, date: NaiveDate) -> bool {
        self.ancestors_on(office, date).contains(&ancestor)
    }

    /// Offices directly under `id` on the date, in code order.
    pub fn children_on(&self, id: Uuid, date: NaiveDate) -> Vec<Uuid> {
        let mut children: Vec<&OfficeEntry> = self
            .offices
            .values()
            .filter(|o| o.exists_on(date) && o.parent_on(date) == Some(id))
            .collect();
        children.sort_by(|a, b| a.code.cmp(&b.code));
        children.into_iter().map(|o| o.id).collect()
    }

    /// Every office below `id` on the date, nearest levels first.
    pub fn descendants_on(&self, id: Uuid, date: NaiveDate) -> Vec<Uuid> {
        let mut out = Vec::new();
        let mut queue: VecDeque<Uuid> = self.children_on(id, date).into();
        while let Some(next) = queue.pop_front() {
            if next == id || out.contains(&next) {
                continue;
            }
            out.push(next);
            queue.extend(self.children_on(next, date));
        }
        out
    }

    /// The last day of `office` if it ended within `from..=to` (after its
    /// first day): figures of that period count it for its own days.
    fn last_day_within(office: &OfficeEntry, from: NaiveDate, to: NaiveDate) -> Option<NaiveDate> {
        let ended = office.dissolved_on?;
        if ended > from && ended <= to {
            ended.pred_opt()
        } else {
            None
        }
    }

    /// The offices that ended within `from..=to` while `is_under` held on
    /// their last day, in code order.
    fn ended_within(&self, from: NaiveDate, to: NaiveDate, is_under: impl Fn(Uuid, NaiveDate) -> bool) -> Vec<Uuid> {
        let mut ended: Vec<&OfficeEntry> = self
            .offices
            .values()
            .filter(|o| Self::last_day_within(o, from, to).is_some_and(|last| is_under(o.id, last)))
            .collect();
        ended.sort_by(|a, b| a.code.cmp(&b.code));
        ended.into_iter().map(|o| o.id).collect()
    }

    /// The rows of `id`'s figures for `from..=to`: the offices directly
    /// under it on the last day (the period follows its last day's tree),
    /// then those that ended within the period while under it, each
    /// counted for its own days (docs/domain.md §1, reorganisation).
    pub fn children_during(&self, id: Uuid, from: NaiveDate, to: NaiveDate) -> Vec<Uuid> {
        let mut children = self.children_on(id, to);
        children.extend(self.ended_within(from, to, |o, last| self.parent_on(o, last) == Some(id)));
        children
    }

    /// The offices that ended within `from..=to` with `id` as their final
    /// successor (merged into it, or dissolved with it named): a period
    /// spanning the merger keeps a row of `id`'s figures for each, for its
    /// own days (docs/domain.md §1, reorganisation).
    pub fn merged_into_during(&self, id: Uuid, from: NaiveDate, to: NaiveDate) -> Vec<Uuid> {
        self.ended_within(from, to, |o, _| o != id && self.holder_on(o, to) == id)
    }

    /// Every office whose figures for `from..=to` roll up into `id`'s: those
    /// below it on the last day, and those that ended within the period
    /// while below it.
    pub fn descendants_during(&self, id: Uuid, from: NaiveDate, to: NaiveDate) -> Vec<Uuid> {
        let mut out = self.descendants_on(id, to);
        for ended in self.ended_within(from, to, |o, last| self.is_ancestor_on(id, o, last)) {
            if !out.contains(&ended) {
                out.push(ended);
            }
        }
        out
    }

    /// Whether `office`'s figures for `from..=to` fall in the row of `row`:
    /// it is `row`, or below it on the period's last day, or below it on
    /// its last day when `row` ended within the period.
    pub fn counts_under(&self, row: Uuid, office: Uuid, from: NaiveDate, to: NaiveDate) -> bool {
        row == office
            || self.is_ancestor_on(row, office, to)
            || self
                .get(row)
                .and_then(|r| Self::last_day_within(r, from, to))
                .is_some_and(|last| self.is_ancestor_on(row, office, last))
    }

    /// Offices with no parent on the date, in code order.
    pub fn roots_on(&self, date: NaiveDate) -> Vec<Uuid> {
        let mut roots: Vec<&OfficeEntry> = self
            .offices
            .values()
            .filter(|o| o.exists_on(date) && o.parent_on(date).is_none())
            .collect();
        roots.sort_by(|a, b| a.code.cmp(&b.code));
        roots.into_iter().map(|o| o.id).collect()
    }

    /// The office that holds `id`'s records on the date: itself while it
    /// exists, else its successor (following a chain of mergers).
    pub fn holder_on(&self, id: Uuid, date: NaiveDate) -> Uuid {
        let mut current = id;
        for _ in 0..=self.offices.len() {
            match self.get(current) {
                Some(o) if o.dissolved_on.is_some_and(|d| d <= date) => match o.successor_id {
                    Some(next) => current = next,
                    None => return current,
                },
                _ => return current,
            }
        }
        current
    }

    /// The offices whose records `id` holds on the date: itself and every
    /// office that had ended by then with `id` as its final successor. Its
    /// queues and counts show their open work beside its own
    /// (docs/domain.md §1, reorganisation).
    pub fn held_by(&self, id: Uuid, date: NaiveDate) -> Vec<Uuid> {
        let mut held = vec![id];
        let mut predecessors: Vec<Uuid> = self
            .offices
            .values()
            .filter(|o| o.id != id && o.dissolved_on.is_some_and(|d| d <= date))
            .filter(|o| self.holder_on(o.id, date) == id)
            .map(|o| o.id)
            .collect();
        predecessors.sort();
        held.extend(predecessors);
        held
    }

    /// The offices whose records count in `id`'s figures for `from..=to`:
    /// `id` with the offices whose records it holds on `to`, and, with
    /// `descendants`, each office below it during the period with those it
    /// holds. Work a successor finished on an ended office's records after
    /// the ending counts in the period it was done (docs/domain.md §1).
    pub fn counted_in(&self, id: Uuid, descendants: bool, from: NaiveDate, to: NaiveDate) -> Vec<Uuid> {
        let mut offices = self.held_by(id, to);
        if descendants {
            for below in self.descendants_during(id, from, to) {
                for held in self.held_by(below, to) {
                    if !offices.contains(&held) {
                        offices.push(held);
                    }
                }
            }
        }
        offices
    }

    /// The dates from `from` on at which the tree changes, `from` included:
    /// a change is valid only if the tree is acyclic on each of them.
    pub fn change_dates_from(&self, from: NaiveDate) -> BTreeSet<NaiveDate> {
        let mut dates: BTreeSet<NaiveDate> = self
            .offices
            .values()
            .flat_map(|o| o.links.iter().map(|l| l.from))
            .filter(|d| *d >= from)
            .collect();
        dates.insert(from);
        dates
    }

    /// Whether some office is its own ancestor on the date.
    pub fn has_cycle_on(&self, date: NaiveDate) -> bool {
        self.offices.keys().any(|&id| {
            let mut current = id;
            for _ in 0..=self.offices.len() {
                match self.parent_on(current, date) {
                    Some(p) if p == id => return true,
                    Some(p) => current = p,
                    None => return false,
                }
            }
            true
        })
    }

    /// Replaces or adds an office (used when applying a change before it is
    /// committed, to check the result).
    pub fn upsert(&mut self, entry: OfficeEntry) {
        self.offices.insert(entry.id, entry);
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    pub fn date(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("date")
    }

    pub fn office(code: &str, links: &[(Option<Uuid>, &str, Option<&str>)]) -> OfficeEntry {
        OfficeEntry {
            id: Uuid::now_v7(),
            code: code.into(),
            name: code.into(),
            kind: OfficeKind::District,
            issuer_code: "HU".into(),
            numbering: Numbering::Party,
            established_on: date(links.first().map_or("2000-01-01", |l| l.1)),
            dissolved_on: None,
            successor_id: None,
            split_into: Vec::new(),
            links: links
                .iter()
                .map(|(p, from, to)| ParentLink {
                    parent_id: *p,
                    from: date(from),
                    to: to.map(date),
                    reason: String::new(),
                })
                .collect(),
            created_at: DateTime::default(),
            updated_at: DateTime::default(),
        }
    }

    #[test]
    fn parent_follows_the_date() {
        let a = office("A", &[(None, "2000-01-01", None)]);
        let b = office("B", &[(None, "2000-01-01", None)]);
        let c = office(
            "C",
            &[
                (Some(a.id), "2000-01-01", Some("2025-07-01")),
                (Some(b.id), "2025-07-01", None),
            ],
        );
        let (a_id, b_id, c_id) = (a.id, b.id, c.id);
        let tree = OfficeTree::new([a, b, c]);
        assert_eq!(tree.parent_on(c_id, date("2025-06-30")), Some(a_id));
        assert_eq!(tree.parent_on(c_id, date("2025-07-01")), Some(b_id));
        assert_eq!(tree.children_on(a_id, date("2025-01-01")), vec![c_id]);
        assert!(tree.children_on(a_id, date("2025-08-01")).is_empty());
        assert!(tree.is_ancestor_on(b_id, c_id, date("2026-01-01")));
        assert!(!tree.is_ancestor_on(a_id, c_id, date("2026-01-01")));
        assert_eq!(tree.roots_on(date("2026-01-01")), vec![a_id, b_id]);
    }

    #[test]
    fn descendants_and_holder() {
        let root = office("R", &[(None, "2000-01-01", None)]);
        let mut d1 = office("D1", &[(Some(root.id), "2000-01-01", Some("2025-07-01"))]);
        let d2 = office("D2", &[(Some(root.id), "2000-01-01", None)]);
        let c1 = office(
            "C1",
            &[
                (Some(d1.id), "2000-01-01", Some("2025-07-01")),
                (Some(d2.id), "2025-07-01", None),
            ],
        );
        d1.dissolved_on = Some(date("2025-07-01"));
        d1.successor_id = Some(d2.id);
        let (r, d1_id, d2_id, c1_id) = (root.id, d1.id, d2.id, c1.id);
        let tree = OfficeTree::new([root, d1, d2, c1]);
        assert_eq!(tree.descendants_on(r, date("2025-01-01")), vec![d1_id, d2_id, c1_id]);
        assert_eq!(tree.descendants_on(r, date("2025-07-01")), vec![d2_id, c1_id]);
        assert_eq!(tree.holder_on(d1_id, date("2025-06-30")), d1_id);
        assert_eq!(tree.holder_on(d1_id, date("2025-07-01")), d2_id);
        assert!(!tree.exists_on(d1_id, date("2025-07-01")));
        assert_eq!(tree.held_by(d2_id, date("2025-06-30")), vec![d2_id]);
        // A quarter spanning the merger counts D1 for its days beside D2.
        let (q_from, q_to) = (date("2025-06-01"), date("2025-08-31"));
        let root_children = tree.children_during(r, q_from, q_to);
        assert!(
            root_children.contains(&d1_id) && root_children.contains(&d2_id),
            "{root_children:?}"
        );
        assert!(tree.descendants_during(r, q_from, q_to).contains(&d1_id));
        assert!(tree.counts_under(d1_id, d1_id, q_from, q_to));
        assert!(!tree.counts_under(d2_id, d1_id, q_from, q_to));
        // D2's own figures for that quarter keep a row for D1, merged into
        // it; for a quarter after the merger they do not.
        assert_eq!(tree.merged_into_during(d2_id, q_from, q_to), vec![d1_id]);
        assert!(
            tree.merged_into_during(d2_id, date("2025-10-01"), date("2025-12-31"))
                .is_empty()
        );
        assert!(tree.merged_into_during(r, q_from, q_to).is_empty());
        // A quarter after it does not.
        let later = tree.children_during(r, date("2025-10-01"), date("2025-12-31"));
        assert!(!later.contains(&d1_id), "{later:?}");
        assert_eq!(tree.held_by(d2_id, date("2025-07-01")), vec![d2_id, d1_id]);
        // D1's records count in D2's figures of the quarter and of any later
        // period (what D2 finished of them), and in the root's once.
        assert_eq!(tree.counted_in(d2_id, false, q_from, q_to), vec![d2_id, d1_id]);
        assert_eq!(
            tree.counted_in(d2_id, false, date("2025-10-01"), date("2025-12-31")),
            vec![d2_id, d1_id]
        );
        assert_eq!(
            tree.counted_in(d2_id, false, date("2025-01-01"), date("2025-03-31")),
            vec![d2_id]
        );
        let from_root = tree.counted_in(r, true, q_from, q_to);
        assert_eq!(from_root.iter().filter(|o| **o == d1_id).count(), 1, "{from_root:?}");
        assert_eq!(from_root.len(), 4, "{from_root:?}");
        assert_eq!(
            tree.held_by(d1_id, date("2025-07-01")),
            vec![d1_id],
            "an ended office holds nothing of others"
        );
    }

    #[test]
    fn detects_cycles() {
        let mut a = office("A", &[(None, "2000-01-01", None)]);
        let b = office("B", &[(Some(a.id), "2000-01-01", None)]);
        a.links = vec![ParentLink {
            parent_id: Some(b.id),
            from: date("2000-01-01"),
            to: None,
            reason: String::new(),
        }];
        let tree = OfficeTree::new([a, b]);
        assert!(tree.has_cycle_on(date("2020-01-01")));
        assert!(tree.ancestors_on(tree.entries()[0].id, date("2020-01-01")).len() <= 2);
    }
}
