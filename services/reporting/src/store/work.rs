//! Counting what waits for one person in reports.

use std::collections::HashMap;

use vanphong_platform::db::{Db, StoreError, count_where, query_built};
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

/// The counts of the window's person in its office.
pub async fn counts(db: &Db, window: &WorkWindow) -> Result<WorkCounts, StoreError> {
    // Placeholders first appear in ascending order (SQLite numbers them so).
    const UNSENT: &str = "status IN ('draft', 'submitted', 'approved', 'returned')";
    let sql = format!(
        "SELECT {}, {}, {}, {}, {}, {} FROM reports WHERE office_id = $1 OR parent_office_id = $1 OR writer_id = $2",
        // A writer's drafts wherever they are: an office that ended into the
        // caller's keeps its reports (docs/domain.md §1).
        count_where("status IN ('draft', 'returned') AND writer_id = $2"),
        count_where("office_id = $1 AND status = 'submitted'"),
        count_where("office_id = $1 AND status = 'approved'"),
        count_where("parent_office_id = $1 AND status = 'sent'"),
        count_where(&format!(
            "office_id = $1 AND {UNSENT} AND deadline >= $3 AND deadline <= $4"
        )),
        count_where(&format!("office_id = $1 AND {UNSENT} AND deadline < $3")),
    );
    let row: Option<(i64, i64, i64, i64, i64, i64)> = db
        .fetch_optional(
            query_built(sql)
                .bind(window.office)
                .bind(window.person)
                .bind(window.today)
                .bind(window.soon),
        )
        .await?;
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
