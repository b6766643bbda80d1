//! Counting what waits for one person in reports.

use std::collections::HashMap;

use uuid::Uuid;

use vanphong_platform::db::{Clauses, Db, StoreError, count_where};
use vanphong_platform::my_work::{OfficeWork, WorkWindow};

/// The counts of [`counts`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct WorkCounts {
    pub drafts: i64,
    pub submitted: i64,
    pub approved: i64,
    pub children_sent: i64,
    pub due_soon: i64,
    pub overdue: i64,
}

/// The counts of the window's person in `offices`: their office and those
/// it holds (an ended office's reports are finished by its successor, as
/// `ListReports` shows them); children's reports sent to their office; the
/// drafts they write, wherever they are.
pub async fn counts(db: &Db, window: &WorkWindow, offices: &[Uuid]) -> Result<WorkCounts, StoreError> {
    const UNSENT: &str = "status IN ('draft', 'submitted', 'approved', 'returned')";
    // Placeholders first appear in ascending order (SQLite numbers them
    // so): the person, the offices, the office, the window.
    let mut b = Clauses::new(String::new());
    let person = b.arg(window.person);
    let held = if offices.is_empty() {
        "NULL".to_string()
    } else {
        b.args(offices.iter().copied())
    };
    let own = b.arg(window.office);
    let (today, soon) = (b.arg(window.today), b.arg(window.soon));
    let mine = format!("office_id IN ({held})");
    let columns = [
        count_where(&format!("status IN ('draft', 'returned') AND writer_id = {person}")),
        count_where(&format!("{mine} AND status = 'submitted'")),
        count_where(&format!("{mine} AND status = 'approved'")),
        count_where(&format!("parent_office_id = {own} AND status = 'sent'")),
        count_where(&format!(
            "{mine} AND {UNSENT} AND deadline >= {today} AND deadline <= {soon}"
        )),
        count_where(&format!("{mine} AND {UNSENT} AND deadline < {today}")),
    ];
    b.push(&format!(
        "SELECT {} FROM reports WHERE {mine} OR parent_office_id = {own} OR writer_id = {person}",
        columns.join(", ")
    ));
    let row: Option<(i64, i64, i64, i64, i64, i64)> = db.fetch_optional(b.into_query()).await?;
    let (drafts, submitted, approved, children_sent, due_soon, overdue) = row.unwrap_or_default();
    Ok(WorkCounts {
        drafts,
        submitted,
        approved,
        children_sent,
        due_soon,
        overdue,
    })
}

/// Per office of `offices`, as stored: unsent, sent awaiting acceptance,
/// unsent due soon, unsent overdue (the columns of `OfficeReportWork`).
pub async fn per_office(db: &Db, work: &OfficeWork) -> Result<HashMap<String, [i64; 4]>, StoreError> {
    const UNSENT: &str = "status IN ('draft', 'submitted', 'approved', 'returned')";
    let from = "reports WHERE status IN ('draft', 'submitted', 'approved', 'returned', 'sent')";
    work.count(
        db,
        from,
        |start, end| {
            [
                count_where(UNSENT),
                count_where("status = 'sent'"),
                count_where(&format!("{UNSENT} AND deadline >= {start} AND deadline <= {end}")),
                count_where(&format!("{UNSENT} AND deadline < {start}")),
            ]
        },
        |_| None,
    )
    .await
}
