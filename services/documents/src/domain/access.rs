//! Who may see a document: the office's people (and, read-only, leaders of
//! the offices above it); and, for a secret document, only those cleared at
//! or above its level who are on its distribution, its handlers, the leader
//! who directed it, and the clerk who registered it (DOMAIN.md §1, §2.4).

use chrono::NaiveDate;
use uuid::Uuid;

use vanphong_platform::identity::{Caller, Clearance};
use vanphong_platform::tree::OfficeTree;

use super::document::Document;
use super::kinds::{Direction, Status};
use vanphong_platform::identity::Role;

/// Whether the caller may see the document. `named` lists everyone named on
/// it: distribution, handlers, directing leader, registering clerk.
pub fn may_see(caller: &Caller, tree: &OfficeTree, today: NaiveDate, document: &Document, named: &[Uuid]) -> bool {
    caller.may_read(tree, document.office_id, today) && cleared_for(caller, document, named)
}

/// The secrecy part of [`may_see`]. Besides the people named on it, the
/// office's cleared people whose work it is see a secret document: clerks
/// one that has just arrived (to register it) or that is signed (to number
/// and send it), leaders the office's outgoing documents (to approve and
/// sign them).
pub fn cleared_for(caller: &Caller, document: &Document, named: &[Uuid]) -> bool {
    if document.secrecy == Clearance::None {
        return true;
    }
    if caller.clearance < document.secrecy {
        return false;
    }
    let clerk = caller.has_role(Role::Clerk);
    named.contains(&caller.subject_id)
        || (clerk && (document.status == Status::Arrived || CLERK_OUTGOING.contains(&document.status)))
        || (document.direction == Direction::Outgoing && caller.has_role(Role::Leader))
}

/// Outgoing states in which the clerks handle a document.
pub const CLERK_OUTGOING: [Status; 4] = [Status::Signed, Status::Numbered, Status::Dispatched, Status::Cancelled];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::document::tests::incoming;

    #[test]
    fn secret_documents_need_clearance_and_a_place_on_the_distribution() {
        let mut doc = incoming();
        doc.secrecy = Clearance::Secret;
        let mut caller = Caller::system(doc.office_id);
        caller.roles = [Role::Specialist].into_iter().collect();
        caller.clearance = Clearance::TopSecret;
        assert!(!cleared_for(&caller, &doc, &[]), "cleared but not named");
        assert!(cleared_for(&caller, &doc, &[caller.subject_id]));
        caller.clearance = Clearance::Confidential;
        assert!(
            !cleared_for(&caller, &doc, &[caller.subject_id]),
            "named but not cleared"
        );
        doc.secrecy = Clearance::None;
        assert!(cleared_for(&caller, &doc, &[]));
    }
}
