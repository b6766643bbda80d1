//! "My work": what waits for one person in their office, counted by each
//! service over its own records with one notion of which deadlines are due
//! soon and which are overdue.

use chrono::NaiveDate;
use uuid::Uuid;

use crate::Error;
use crate::identity::Caller;
use crate::validate::due_soon_until;

/// Whose work is counted, and which deadlines count as due soon or overdue.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WorkWindow {
    /// The office whose records are counted.
    pub office: Uuid,
    /// The person whose work it is.
    pub person: Uuid,
    /// Deadlines before this day are overdue.
    pub today: NaiveDate,
    /// Deadlines from `today` to this day (inclusive) are due soon.
    pub soon: NaiveDate,
}

impl WorkWindow {
    /// The caller's work in their own office: due soon means within
    /// `due_within_days` days of `today` (0 means 3; at most 30, else
    /// INVALID_ARGUMENT naming `due_within_days`).
    pub fn of(caller: &Caller, today: NaiveDate, due_within_days: i32) -> Result<WorkWindow, Error> {
        Ok(WorkWindow {
            office: caller.office_id,
            person: caller.subject_id,
            today,
            soon: due_soon_until(due_within_days, today)?,
        })
    }
}
