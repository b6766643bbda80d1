//! What becomes of a petition when its office ends and its work passes to
//! the successor (docs/domain.md §1, "Reorganisation"): an open case stays
//! in the ended office's book under its number, held by the successor, with
//! every deadline unchanged (the legal clock does not restart). A case whose
//! handler did not move to the successor waits for the successor's leader
//! to give it to someone.

use uuid::Uuid;

use super::petition::Petition;

/// How a petition passed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Passed {
    /// Still with its handler (or it had none yet).
    Kept,
    /// Its handler did not move: to be given to someone again.
    ToReassign,
}

/// Passes `p`, where `keeps` says whether a person now works in the
/// successor. `None` for a closed petition, which stays as it is.
pub fn pass(p: &mut Petition, keeps: &dyn Fn(Uuid) -> bool) -> Option<Passed> {
    if !p.is_open() {
        return None;
    }
    match p.handler_id {
        Some(handler) if !keeps(handler) => {
            p.handler_id = None;
            Some(Passed::ToReassign)
        }
        _ => Some(Passed::Kept),
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
        assert_eq!(pass(&mut p, &|_| false), Some(Passed::ToReassign));
        assert_eq!(p.handler_id, None);
        assert_eq!(p.current_due(), due, "the legal clock does not restart");

        let moved = Uuid::now_v7();
        let mut q = petition();
        q.handler_id = Some(moved);
        assert_eq!(pass(&mut q, &|person| person == moved), Some(Passed::Kept));
        assert_eq!(q.handler_id, Some(moved));

        let mut closed = petition();
        closed.closed_on = chrono::NaiveDate::from_ymd_opt(2025, 6, 1);
        assert_eq!(pass(&mut closed, &|_| false), None);
    }
}
