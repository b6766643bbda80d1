//! What becomes of a document when its office ends and its work passes to
//! the successor (docs/domain.md §1, "Reorganisation").
//!
//! - Incoming documents not yet done stay in the ended office's register
//!   book (their incoming numbers are its), held by the successor. Work
//!   directed to someone who did not move to the successor goes back to
//!   the successor's clerk to be submitted and directed again; handling
//!   deadlines do not change.
//! - Outgoing documents not yet numbered become the successor's drafts:
//!   the successor issues them under its own name and numbers them in its
//!   own series. A review, approval or signature given for the ended office
//!   does not carry over, so they go back to draft.
//! - Numbered documents not yet dispatched keep their number and issuer;
//!   the successor dispatches them.
//! - Everything else (done, filed, dispatched …) is the ended office's
//!   archive, read by the successor and never changed.

use uuid::Uuid;

use super::document::Document;
use super::kinds::{Direction, Status};

/// How a document passed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Passed {
    /// Still with the people it was with, now held by the successor.
    Kept,
    /// Back to the successor's clerk to be submitted and directed again.
    ToReassign,
    /// Outgoing: now the successor's draft.
    Redrafted,
}

/// The successor the document passes to.
pub struct Successor<'a> {
    pub id: Uuid,
    pub name: &'a str,
    pub issuer_code: &'a str,
}

/// Passes `d` to `successor`, where `keeps` says whether a person now works
/// there. `None` when the document is closed and stays as it is.
pub fn pass(d: &mut Document, successor: &Successor, keeps: &dyn Fn(Uuid) -> bool) -> Option<Passed> {
    use Status::*;
    let kept = |person: Option<Uuid>| person.is_some_and(keeps);
    match (d.direction, d.status) {
        (Direction::Incoming, Arrived | Registered) => Some(Passed::Kept),
        (Direction::Incoming, Submitted) if kept(d.leader_id) => Some(Passed::Kept),
        (Direction::Incoming, Assigned | InProgress) if kept(d.lead_handler_id) => Some(Passed::Kept),
        (Direction::Incoming, Submitted | Assigned | InProgress) => {
            d.status = Registered;
            d.leader_id = None;
            d.lead_handler_id = None;
            d.assigned_at = None;
            Some(Passed::ToReassign)
        }
        (Direction::Outgoing, Draft | InReview | Approved | Signed) => {
            d.office_id = successor.id;
            d.issuer_name = successor.name.to_string();
            d.issuer_code = successor.issuer_code.to_string();
            d.status = Draft;
            d.signer_id = None;
            d.signed_at = None;
            if !kept(d.drafter_id) {
                d.drafter_id = None;
            }
            Some(Passed::Redrafted)
        }
        (Direction::Outgoing, Numbered) => Some(Passed::Kept),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use chrono::Utc;

    use super::*;

    fn document(direction: Direction, status: Status) -> Document {
        Document::blank(
            Uuid::now_v7(),
            Uuid::now_v7(),
            direction,
            status,
            Uuid::now_v7(),
            Utc::now(),
        )
    }

    #[test]
    fn incoming_work_stays_with_people_who_moved_and_returns_otherwise() {
        let moved = Uuid::now_v7();
        let keeps = move |p: Uuid| p == moved;
        let successor = Successor {
            id: Uuid::now_v7(),
            name: "Đảng ủy xã Mới",
            issuer_code: "ĐU",
        };
        let mut with_mover = document(Direction::Incoming, Status::InProgress);
        with_mover.lead_handler_id = Some(moved);
        let office = with_mover.office_id;
        assert_eq!(pass(&mut with_mover, &successor, &keeps), Some(Passed::Kept));
        assert_eq!(with_mover.status, Status::InProgress);
        assert_eq!(
            with_mover.office_id, office,
            "its register book stays the ended office's"
        );

        let mut with_leaver = document(Direction::Incoming, Status::Assigned);
        with_leaver.lead_handler_id = Some(Uuid::now_v7());
        with_leaver.handling_deadline = chrono::NaiveDate::from_ymd_opt(2025, 7, 15);
        assert_eq!(pass(&mut with_leaver, &successor, &keeps), Some(Passed::ToReassign));
        assert_eq!(with_leaver.status, Status::Registered);
        assert_eq!(with_leaver.lead_handler_id, None);
        assert_eq!(
            with_leaver.handling_deadline,
            chrono::NaiveDate::from_ymd_opt(2025, 7, 15),
            "the deadline does not change"
        );

        let mut done = document(Direction::Incoming, Status::Done);
        assert_eq!(pass(&mut done, &successor, &keeps), None);
    }

    #[test]
    fn unnumbered_outgoing_becomes_the_successors_draft() {
        let successor = Successor {
            id: Uuid::now_v7(),
            name: "Đảng ủy xã Mới",
            issuer_code: "ĐU",
        };
        let mut signed = document(Direction::Outgoing, Status::Signed);
        signed.signer_id = Some(Uuid::now_v7());
        assert_eq!(pass(&mut signed, &successor, &|_| false), Some(Passed::Redrafted));
        assert_eq!(
            (signed.office_id, signed.status, signed.signer_id),
            (successor.id, Status::Draft, None)
        );
        assert_eq!(signed.issuer_name, "Đảng ủy xã Mới");

        let mut numbered = document(Direction::Outgoing, Status::Numbered);
        let office = numbered.office_id;
        assert_eq!(pass(&mut numbered, &successor, &|_| false), Some(Passed::Kept));
        assert_eq!(numbered.office_id, office, "a number stays its issuer's");
    }
}
