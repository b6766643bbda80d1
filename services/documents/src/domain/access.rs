//! Who may see a document: the office's people (and, read-only, leaders of
//! the offices above it); and, for a secret document, only those cleared at
//! or above its level who are on its distribution (everyone named on it:
//! handlers, the directing leader, the registering clerk, the drafter), or
//! whose work in the document's own office is to handle it (docs/domain.md §1,
//! §2.4). Supervising the offices below gives no way around that.
//!
//! The secrecy rule is [`Reader::may_read`]; the lists' SQL
//! (`store::listing`) is built from the same [`Reader`] and [`DUTIES`], so
//! the two cannot drift apart.

use chrono::NaiveDate;
use uuid::Uuid;

use vanphong_platform::identity::{Caller, Clearance, Role};
use vanphong_platform::tree::OfficeTree;

use super::document::Document;
use super::kinds::{Direction, Status};

/// Work that lets a cleared person of the office holding a secret document
/// see it without being named on it.
#[derive(Debug, PartialEq, Eq)]
pub struct Duty {
    pub role: Role,
    /// Only documents going this way; `None` for both.
    pub direction: Option<Direction>,
    /// Only documents in these states; empty for every state.
    pub statuses: &'static [Status],
}

impl Duty {
    /// Whether this work concerns the document.
    pub fn covers(&self, document: &Document) -> bool {
        self.direction.is_none_or(|d| d == document.direction)
            && (self.statuses.is_empty() || self.statuses.contains(&document.status))
    }
}

/// The office's work on secret documents: clerks register what has just
/// arrived and number and send what is signed; leaders approve and sign the
/// office's outgoing documents.
pub const DUTIES: [Duty; 3] = [
    Duty {
        role: Role::Clerk,
        direction: Some(Direction::Incoming),
        statuses: &[Status::Arrived],
    },
    Duty {
        role: Role::Clerk,
        direction: Some(Direction::Outgoing),
        statuses: &[Status::Signed, Status::Numbered, Status::Dispatched, Status::Cancelled],
    },
    Duty {
        role: Role::Leader,
        direction: Some(Direction::Outgoing),
        statuses: &[],
    },
];

/// Someone about to read documents, as the secrecy rule sees them (by
/// default nobody: cleared for nothing, holding nothing).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Reader {
    pub user: Uuid,
    pub clearance: Clearance,
    /// Of the offices whose documents are read, those whose documents the
    /// reader holds: their own office, or one it succeeded. Only there does
    /// their work give sight of secret documents.
    pub holds: Vec<Uuid>,
    /// The [`DUTIES`] of the reader's roles.
    pub duties: Vec<&'static Duty>,
}

impl Reader {
    /// The caller as a reader of the documents of `offices` on `today`.
    pub fn new(caller: &Caller, tree: &OfficeTree, today: NaiveDate, offices: &[Uuid]) -> Reader {
        Reader {
            user: caller.subject_id,
            clearance: caller.clearance,
            holds: offices
                .iter()
                .copied()
                .filter(|o| caller.may_act(tree, *o, today))
                .collect(),
            duties: DUTIES.iter().filter(|d| caller.has_role(d.role)).collect(),
        }
    }

    /// The secrecy rule: anyone may read a document that is not secret; a
    /// secret one needs clearance at or above its level and either a place
    /// on its distribution (`named`) or work on it in the office holding it.
    pub fn may_read(&self, document: &Document, named: &[Uuid]) -> bool {
        document.secrecy == Clearance::None
            || (self.clearance >= document.secrecy
                && (named.contains(&self.user)
                    || (self.holds.contains(&document.office_id)
                        && self.duties.iter().any(|duty| duty.covers(document)))))
    }
}

/// Whether the caller may see the document. `named` lists everyone on its
/// distribution.
pub fn may_see(caller: &Caller, tree: &OfficeTree, today: NaiveDate, document: &Document, named: &[Uuid]) -> bool {
    caller.may_read(tree, document.office_id, today) && cleared_for(caller, tree, today, document, named)
}

/// The secrecy part of [`may_see`], for those who may read the office's
/// documents but perhaps not this one's content (register books, the audit
/// trail).
pub fn cleared_for(caller: &Caller, tree: &OfficeTree, today: NaiveDate, document: &Document, named: &[Uuid]) -> bool {
    Reader::new(caller, tree, today, &[document.office_id]).may_read(document, named)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::document::tests::incoming;

    fn reader(clearance: Clearance, roles: &[Role], holds: &[Uuid]) -> Reader {
        Reader {
            user: Uuid::now_v7(),
            clearance,
            holds: holds.to_vec(),
            duties: DUTIES.iter().filter(|d| roles.contains(&d.role)).collect(),
        }
    }

    #[test]
    fn secret_documents_need_clearance_and_a_place_on_the_distribution() {
        let mut doc = incoming();
        doc.secrecy = Clearance::Secret;
        let mut specialist = reader(Clearance::TopSecret, &[Role::Specialist], &[doc.office_id]);
        assert!(!specialist.may_read(&doc, &[]), "cleared but not named");
        assert!(specialist.may_read(&doc, &[specialist.user]));
        specialist.clearance = Clearance::Confidential;
        assert!(!specialist.may_read(&doc, &[specialist.user]), "named but not cleared");
        doc.secrecy = Clearance::None;
        assert!(specialist.may_read(&doc, &[]));
    }

    #[test]
    fn work_gives_sight_only_in_the_office_holding_the_document() {
        let mut doc = incoming();
        doc.secrecy = Clearance::Confidential;
        doc.status = Status::Arrived;
        let own_clerk = reader(Clearance::Confidential, &[Role::Clerk], &[doc.office_id]);
        let clerk_above = reader(Clearance::TopSecret, &[Role::Clerk, Role::Leader], &[]);
        assert!(own_clerk.may_read(&doc, &[]), "to register it");
        assert!(!clerk_above.may_read(&doc, &[]));
        doc.status = Status::Registered;
        assert!(!own_clerk.may_read(&doc, &[]), "registered: only those named");

        doc.direction = Direction::Outgoing;
        doc.status = Status::Draft;
        let own_leader = reader(Clearance::Confidential, &[Role::Leader], &[doc.office_id]);
        assert!(own_leader.may_read(&doc, &[]), "to approve and sign it");
        assert!(!own_clerk.may_read(&doc, &[]), "not yet signed");
        assert!(!clerk_above.may_read(&doc, &[]), "a leader above is no signer");
        doc.status = Status::Signed;
        assert!(own_clerk.may_read(&doc, &[]), "to number and send it");
        assert!(!clerk_above.may_read(&doc, &[]));
    }
}
