//! What becomes of a petition when its office ends and its work passes to
//! the successor (docs/domain.md §1, "Reorganisation"): an open case stays
//! in the ended office's book under its number, held by the successor, with
//! every deadline unchanged (the legal clock does not restart). A case whose
//! handler did not move to the successor waits for the successor's leader
//! to give it to someone. When the office was split, a case whose handler
//! went to another receiving office moves there with them.

use uuid::Uuid;
use vanphong_platform::handover::Receiver;

use super::petition::Petition;

/// How a petition passed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Passed {
    /// Still with its handler (or it had none yet).
    Kept,
    /// Its handler did not move: to be given to someone again.
    ToReassign,
    /// Its handler went to another receiving office of a split: the case
    /// moves there, still theirs.
    ToPart(Uuid),
}

/// Passes `p`, where `receiver` says where a person's work goes now (see
/// `Handover::receiver_of`). `None` for a closed petition, which stays as
/// it is.
pub fn pass(p: &mut Petition, receiver: &dyn Fn(Uuid) -> Option<Receiver>) -> Option<Passed> {
    if !p.is_open() {
        return None;
    }
    let Some(handler) = p.handler_id else {
        return Some(Passed::Kept);
    };
    match receiver(handler) {
        Some(Receiver::Successor) => Some(Passed::Kept),
        Some(Receiver::Part(office)) => {
            p.office_id = office;
            Some(Passed::ToPart(office))
        }
        None => {
            p.handler_id = None;
            Some(Passed::ToReassign)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::petition::tests::petition;

    #[test]
    fn a_case_keeps_its_deadlines_and_loses_a_handler_who_did_not_move() {
        let mut p = petition();
        p.handler_id = Some(Uuid::now_v7());
        let due = p.current_due();
        assert_eq!(pass(&mut p, &|_| None), Some(Passed::ToReassign));
        assert_eq!(p.handler_id, None);
        assert_eq!(p.current_due(), due, "the legal clock does not restart");

        let moved = Uuid::now_v7();
        let mut q = petition();
        q.handler_id = Some(moved);
        let stays = |person| (person == moved).then_some(Receiver::Successor);
        assert_eq!(pass(&mut q, &stays), Some(Passed::Kept));
        assert_eq!(q.handler_id, Some(moved));

        let part = Uuid::now_v7();
        let mut split = petition();
        split.handler_id = Some(moved);
        let due = split.current_due();
        assert_eq!(
            pass(&mut split, &|_| Some(Receiver::Part(part))),
            Some(Passed::ToPart(part))
        );
        assert_eq!((split.office_id, split.handler_id), (part, Some(moved)));
        assert_eq!(split.current_due(), due);

        let mut closed = petition();
        closed.closed_on = chrono::NaiveDate::from_ymd_opt(2025, 6, 1);
        assert_eq!(pass(&mut closed, &|_| None), None);
    }
}
