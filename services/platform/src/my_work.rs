//! "My work": what waits for one person in their office, counted by each
//! service over its own records with one notion of which deadlines are due
//! soon and which are overdue; and, for leaders, each office's open work
//! rolled up over the offices below theirs.

use std::collections::HashMap;

use chrono::NaiveDate;
use uuid::Uuid;

use vanphong_proto::common::v1 as wire;

use crate::Error;
use crate::db::{Clauses, Db, StoreError, counts_by_key};
use crate::identity::{Caller, Role};
use crate::tree::OfficeTree;
use crate::validate::{Checker, due_soon_until};

/// Days after today whose deadlines are "due soon" on "my work", unless a
/// request asks for another window (docs/domain.md §1, "Due soon"): a
/// deadline from today to today + 3, both ends included. The services'
/// counts and the console's lists both read it from here, so a card's
/// count and the list it leads to cannot use two windows.
pub const DUE_SOON_DAYS: u32 = 3;

/// The last day of the default due-soon window that starts `today`.
pub fn due_soon_last_day(today: NaiveDate) -> NaiveDate {
    today + chrono::Days::new(u64::from(DUE_SOON_DAYS))
}

/// Whether a deadline is due soon on `today` in the default window
/// (not overdue yet, and at most [`DUE_SOON_DAYS`] ahead).
pub fn is_due_soon(deadline: NaiveDate, today: NaiveDate) -> bool {
    deadline >= today && deadline <= due_soon_last_day(today)
}

/// Who watches the overdue incoming documents of their whole office rather
/// than only those they handle: clerks and leaders (docs/domain.md §1, "My
/// work"). `GetMyWork` counts by it and the console's overdue list asks by
/// it.
pub const WATCH_OFFICE_DOCUMENTS: [Role; 2] = [Role::Clerk, Role::Leader];

/// Who watches the deadlines of every open petition of their office rather
/// than only the cases they handle: petition officers and leaders.
pub const WATCH_OFFICE_PETITIONS: [Role; 2] = [Role::PetitionOfficer, Role::Leader];

/// Whether someone for whom `has` tells the roles they hold is one of
/// `watchers` ([`WATCH_OFFICE_DOCUMENTS`], [`WATCH_OFFICE_PETITIONS`]).
pub fn watches(watchers: &[Role], has: impl Fn(Role) -> bool) -> bool {
    watchers.iter().any(|r| has(*r))
}

/// [`watches`] for a caller of a service.
pub fn watches_office(caller: &Caller, watchers: &[Role]) -> bool {
    watches(watchers, |r| caller.has_role(r))
}

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

/// One office of a leader's roll-up of work.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RolledOffice {
    pub id: Uuid,
    pub name: String,
    /// The office above it in the roll-up (`None` for the office asked for).
    pub parent: Option<Uuid>,
    pub depth: u32,
    /// The offices whose records it counts: itself and the offices it took
    /// over in a reorganisation.
    pub holds: Vec<Uuid>,
}

/// A leader's work rolled up over the offices below (`GetOfficeWork` of
/// each service): which offices, in tree order, and which deadlines count
/// as due soon or overdue. Each service counts its records of
/// [`OfficeWork::counted`] per office in one statement and gives the counts
/// to [`OfficeWork::rows`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OfficeWork {
    pub offices: Vec<RolledOffice>,
    /// Deadlines before this day are overdue.
    pub today: NaiveDate,
    /// Deadlines from `today` to this day (inclusive) are due soon.
    pub soon: NaiveDate,
}

impl OfficeWork {
    /// The roll-up a `GetOfficeWork` request asks for, seen by its caller
    /// (see [`OfficeWork::of`]): the opening every service's handler shares.
    pub fn asked(
        request: &tonic::Request<wire::GetOfficeWorkRequest>,
        tree: &OfficeTree,
        today: NaiveDate,
    ) -> Result<OfficeWork, Error> {
        OfficeWork::of(&Caller::of(request)?, tree, request.get_ref(), today)
    }

    /// The roll-up asked for: the office (the caller's by default) and
    /// every office below it today. Only leaders of that office or of an
    /// office above it may see it (PERMISSION_DENIED); an unknown or ended
    /// office is NOT_FOUND.
    pub fn of(
        caller: &Caller,
        tree: &OfficeTree,
        request: &wire::GetOfficeWorkRequest,
        today: NaiveDate,
    ) -> Result<OfficeWork, Error> {
        let mut c = Checker::new();
        let office = c.optional_id("office_id", &request.office_id);
        let days = c.page_size("due_within_days", request.due_within_days, DUE_SOON_DAYS, 30);
        c.finish()?;
        if !caller.has_role(Role::Leader) {
            return Err(Error::PermissionDenied(
                "Chỉ lãnh đạo đơn vị mới xem được công việc theo từng đơn vị".into(),
            ));
        }
        let office = office.unwrap_or(caller.office_id);
        let Some(entry) = tree.get(office).filter(|o| o.exists_on(today)) else {
            return Err(Error::NotFound(format!(
                "Không tìm thấy đơn vị {office} đang hoạt động"
            )));
        };
        if !caller.may_read(tree, office, today) {
            return Err(Error::PermissionDenied(
                "Bạn chỉ xem được công việc của đơn vị mình và các đơn vị cấp dưới".into(),
            ));
        }
        let mut offices = Vec::new();
        let mut stack = vec![(entry.id, None, 0u32)];
        while let Some((id, parent, depth)) = stack.pop() {
            if offices.iter().any(|o: &RolledOffice| o.id == id) {
                continue;
            }
            let name = tree.get(id).map(|o| o.name.clone()).unwrap_or_default();
            offices.push(RolledOffice {
                id,
                name,
                parent,
                depth,
                holds: tree.held_by(id, today),
            });
            // Children in code order: pushed last first.
            for child in tree.children_on(id, today).into_iter().rev() {
                stack.push((child, Some(id), depth + 1));
            }
        }
        Ok(OfficeWork {
            offices,
            today,
            soon: today + chrono::Days::new(u64::from(days)),
        })
    }

    /// Every office whose records are counted.
    pub fn counted(&self) -> Vec<Uuid> {
        self.offices.iter().flat_map(|o| o.holds.iter().copied()).collect()
    }

    /// Counts a service's records per office of [`OfficeWork::counted`] in
    /// one statement: `SELECT office_id, <columns> FROM <from> … GROUP BY
    /// office_id`, where `from` is a table and its `WHERE` condition and
    /// `columns` are built from the placeholders of `today` and the last
    /// due-soon day (for deadline columns). Keys are office ids as stored.
    ///
    /// `visible` adds the condition the service's lists put on what the
    /// caller may see (e.g. the documents' secrecy rule), built with the
    /// statement's own placeholders; `None` when every record of the
    /// offices is listed. A count that skipped it would count records the
    /// list it leads to hides.
    pub async fn count<const N: usize>(
        &self,
        db: &Db,
        from: &str,
        columns: impl FnOnce(&str, &str) -> [String; N],
        visible: impl FnOnce(&mut Clauses) -> Option<String>,
    ) -> Result<HashMap<String, [i64; N]>, StoreError> {
        let mut b = Clauses::new(String::new());
        let (start, end) = (b.arg(self.today), b.arg(self.soon));
        b.push(&format!(
            "SELECT office_id, {} FROM {from}",
            columns(&start, &end).join(", ")
        ));
        b.only_in("office_id", self.counted());
        if let Some(condition) = visible(&mut b) {
            b.and(&condition);
        }
        b.push(" GROUP BY office_id");
        counts_by_key(db, b.into_query()).await
    }

    /// Each office of the roll-up with the sum of the counts of the offices
    /// it holds, from `counted`, keyed by office id as stored (an office
    /// with no row counts zeros). [`work_rows!`](crate::work_rows) turns
    /// them into a service's wire rows.
    pub fn rows<const N: usize>(&self, counted: &HashMap<String, [i64; N]>) -> Vec<(wire::WorkOffice, [i64; N])> {
        self.offices
            .iter()
            .map(|o| {
                let mut sum = [0i64; N];
                for held in &o.holds {
                    if let Some(counts) = counted.get(&held.to_string()) {
                        for (total, n) in sum.iter_mut().zip(counts) {
                            *total += n;
                        }
                    }
                }
                let office = wire::WorkOffice {
                    office_id: o.id.to_string(),
                    office_name: o.name.clone(),
                    parent_id: o.parent.map(|p| p.to_string()).unwrap_or_default(),
                    depth: i32::try_from(o.depth).unwrap_or(i32::MAX),
                };
                (office, sum)
            })
            .collect()
    }
}

/// A service's `GetOfficeWork` rows from a roll-up and its counts:
/// `work_rows!(work, &counted => wire::OfficeReportWork { unsent, awaiting_acceptance, due_soon, overdue })`
/// names the message's counting fields in the order of the counting columns
/// of [`OfficeWork::count`]; `office` is set from the roll-up.
#[macro_export]
macro_rules! work_rows {
    ($work:expr, $counted:expr => $($row:ident)::+ { $($count:ident),+ $(,)? }) => {
        $work
            .rows($counted)
            .into_iter()
            .map(|(office, [$($count),+])| $($row)::+ { office: Some(office), $($count),+ })
            .collect()
    };
}
