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
//! - When the office was split, open work follows the person handling it:
//!   a document whose leader, handler or drafter went to another receiving
//!   office moves there (incoming keeps its number and deadlines).

use uuid::Uuid;
use vanphong_platform::handover::Receiver;

use super::document::Document;
use super::kinds::{Direction, Status};

/// How a document passed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Passed {
    /// Still with the people it was with, now held by the successor.
    Kept,
    /// Back to the successor's clerk to be submitted and directed again.
    ToReassign,
    /// Outgoing: now the draft of the receiving office given.
    Redrafted(Receiver),
    /// Incoming: moved to another receiving office of a split with the
    /// person handling it.
    ToPart(Uuid),
}

/// An office receiving documents: the successor or a split's part.
pub struct Receiving<'a> {
    pub id: Uuid,
    pub name: &'a str,
    pub issuer_code: &'a str,
}

/// Passes `d`, where `receiver` says where a person's work goes now (see
/// `Handover::receiver_of`) and `office` describes each receiving office.
/// `None` when the document is closed and stays as it is.
pub fn pass<'a>(
    d: &mut Document,
    office: &dyn Fn(Receiver) -> Receiving<'a>,
    receiver: &dyn Fn(Uuid) -> Option<Receiver>,
) -> Option<Passed> {
    use Status::*;
    let goes = |person: Option<Uuid>| person.and_then(receiver);
    match (d.direction, d.status) {
        (Direction::Incoming, Arrived | Registered) => Some(Passed::Kept),
        (Direction::Incoming, Submitted | Assigned | InProgress) => {
            let person = if d.status == Submitted {
                d.leader_id
            } else {
                d.lead_handler_id
            };
            match goes(person) {
                Some(Receiver::Successor) => Some(Passed::Kept),
                Some(Receiver::Part(part)) => {
                    d.office_id = part;
                    Some(Passed::ToPart(part))
                }
                None => {
                    d.status = Registered;
                    d.leader_id = None;
                    d.lead_handler_id = None;
                    d.assigned_at = None;
                    Some(Passed::ToReassign)
                }
            }
        }
        (Direction::Outgoing, Draft | InReview | Approved | Signed) => {
            let target = goes(d.drafter_id);
            if target.is_none() {
                d.drafter_id = None;
            }
            let target = target.unwrap_or(Receiver::Successor);
            let receiving = office(target);
            d.office_id = receiving.id;
            d.issuer_name = receiving.name.to_string();
            d.issuer_code = receiving.issuer_code.to_string();
            d.status = Draft;
            d.signer_id = None;
            d.signed_at = None;
            Some(Passed::Redrafted(target))
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

    fn successor_only(id: Uuid) -> impl Fn(Receiver) -> Receiving<'static> {
        move |_| Receiving {
            id,
            name: "Đảng ủy xã Mới",
            issuer_code: "ĐU",
        }
    }

    #[test]
    fn incoming_work_stays_with_people_who_moved_and_returns_otherwise() {
        let moved = Uuid::now_v7();
        let keeps = move |p: Uuid| (p == moved).then_some(Receiver::Successor);
        let successor = successor_only(Uuid::now_v7());
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
    fn in_a_split_work_follows_its_handler_and_drafts_their_drafter() {
        let part = Uuid::now_v7();
        let (handler, drafter) = (Uuid::now_v7(), Uuid::now_v7());
        let to_part = move |_: Uuid| Some(Receiver::Part(part));
        let offices = move |r: Receiver| match r {
            Receiver::Part(id) => Receiving {
                id,
                name: "Đảng ủy phường Mới",
                issuer_code: "ĐUP",
            },
            Receiver::Successor => Receiving {
                id: Uuid::nil(),
                name: "",
                issuer_code: "",
            },
        };
        let mut incoming = document(Direction::Incoming, Status::InProgress);
        incoming.lead_handler_id = Some(handler);
        let number = incoming.arrival_number;
        assert_eq!(pass(&mut incoming, &offices, &to_part), Some(Passed::ToPart(part)));
        assert_eq!((incoming.office_id, incoming.status), (part, Status::InProgress));
        assert_eq!(incoming.arrival_number, number);

        let mut draft = document(Direction::Outgoing, Status::InReview);
        draft.drafter_id = Some(drafter);
        assert_eq!(
            pass(&mut draft, &offices, &to_part),
            Some(Passed::Redrafted(Receiver::Part(part)))
        );
        assert_eq!((draft.office_id, draft.issuer_code.as_str()), (part, "ĐUP"));
        assert_eq!(draft.drafter_id, Some(drafter));
    }

    #[test]
    fn unnumbered_outgoing_becomes_the_successors_draft() {
        let successor_id = Uuid::now_v7();
        let successor = successor_only(successor_id);
        let mut signed = document(Direction::Outgoing, Status::Signed);
        signed.signer_id = Some(Uuid::now_v7());
        assert_eq!(
            pass(&mut signed, &successor, &|_| None),
            Some(Passed::Redrafted(Receiver::Successor))
        );
        assert_eq!(
            (signed.office_id, signed.status, signed.signer_id),
            (successor_id, Status::Draft, None)
        );
        assert_eq!(signed.issuer_name, "Đảng ủy xã Mới");

        let mut numbered = document(Direction::Outgoing, Status::Numbered);
        let office = numbered.office_id;
        assert_eq!(pass(&mut numbered, &successor, &|_| None), Some(Passed::Kept));
        assert_eq!(numbered.office_id, office, "a number stays its issuer's");
    }
}
