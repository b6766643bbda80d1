//! Counting what waits for one person in their office's documents.

use std::collections::HashMap;

use uuid::Uuid;

use vanphong_platform::db::{Db, StoreError, count_where, query_built};
use vanphong_platform::my_work::{OfficeWork, WorkWindow};

/// The counts of [`counts`], in the order of its query.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct WorkCounts {
    pub to_register: i64,
    pub to_submit: i64,
    pub awaiting_direction: i64,
    pub as_lead: i64,
    pub as_coordinator: i64,
    pub due_soon: i64,
    pub overdue: i64,
    pub returned: i64,
    pub in_review: i64,
    pub approved: i64,
    pub signed: i64,
    pub numbered: i64,
}

/// Every state some count asks for; documents in any other (completed,
/// filed, dispatched, refused …) count nowhere.
const COUNTED: &str = "'submitted', 'assigned', 'in_progress', 'draft', 'arrived', 'registered', 'in_review', \
                       'approved', 'signed', 'numbered'";

type Row = (i64, i64, i64, i64, i64, i64, i64, i64, i64, i64, i64, i64);

/// The counts of the window's person in `offices`: the window's office and
/// those it holds.
pub async fn counts(db: &Db, window: &WorkWindow, offices: &[Uuid]) -> Result<WorkCounts, StoreError> {
    // Placeholders first appear in ascending order (SQLite numbers them so).
    const OPEN: &str = "status IN ('assigned', 'in_progress')";
    let mine = "(lead_handler_id = $1 OR EXISTS (SELECT 1 FROM document_handlers h \
                WHERE h.document_id = documents.id AND h.user_id = $1))";
    let deadline = "COALESCE(handling_deadline, due_on)";
    let count = |condition: String| count_where(&condition);
    let columns = [
        count("status = 'submitted' AND leader_id = $1".into()),
        count(format!("{OPEN} AND lead_handler_id = $1")),
        count(format!(
            "{OPEN} AND EXISTS (SELECT 1 FROM document_handlers h WHERE h.document_id = documents.id \
             AND h.user_id = $1 AND NOT h.lead)"
        )),
        count(format!("{OPEN} AND {mine} AND {deadline} >= $2 AND {deadline} <= $3")),
        count(format!("{OPEN} AND {mine} AND {deadline} < $2")),
        count(
            "status = 'draft' AND drafter_id = $1 AND (SELECT e.kind FROM document_events e \
             WHERE e.document_id = documents.id ORDER BY e.at DESC, e.id DESC LIMIT 1) = 'return'"
                .into(),
        ),
        count("direction = 'incoming' AND status = 'arrived'".into()),
        count("direction = 'incoming' AND status = 'registered'".into()),
        count("status = 'in_review'".into()),
        count("status = 'approved'".into()),
        count("status = 'signed'".into()),
        count("status = 'numbered'".into()),
    ];
    // Only documents still in one of the counted states are read, through
    // the (office_id, status) index: the cost follows the office's open
    // work, not its whole history.
    let placeholders: Vec<String> = (0..offices.len()).map(|i| format!("${}", i + 4)).collect();
    let sql = format!(
        "SELECT {} FROM documents WHERE office_id IN ({}) AND status IN ({COUNTED})",
        columns.join(", "),
        placeholders.join(", ")
    );
    let q = offices.iter().fold(
        query_built(sql)
            .bind(window.person)
            .bind(window.today)
            .bind(window.soon),
        |q, o| q.bind(*o),
    );
    let row: Option<Row> = db.fetch_optional(q).await?;
    let r = row.unwrap_or_default();
    Ok(WorkCounts {
        awaiting_direction: r.0,
        as_lead: r.1,
        as_coordinator: r.2,
        due_soon: r.3,
        overdue: r.4,
        returned: r.5,
        to_register: r.6,
        to_submit: r.7,
        in_review: r.8,
        approved: r.9,
        signed: r.10,
        numbered: r.11,
    })
}

/// Per office of `offices`, as stored: to register, open incoming, awaiting
/// direction, due soon, overdue, outgoing not yet dispatched (the columns
/// of `OfficeDocumentWork`), counted for every handler together.
pub async fn per_office(db: &Db, work: &OfficeWork) -> Result<HashMap<String, [i64; 6]>, StoreError> {
    // The states ListDocuments' overdue filter looks at.
    const OPEN: &str = "direction = 'incoming' AND status IN ('registered', 'submitted', 'assigned', 'in_progress')";
    let deadline = "COALESCE(handling_deadline, due_on)";
    let from = format!("documents WHERE status IN ({COUNTED})");
    work.count(db, &from, |start, end| {
        [
            count_where("direction = 'incoming' AND status = 'arrived'"),
            count_where(OPEN),
            count_where("direction = 'incoming' AND status = 'submitted'"),
            count_where(&format!("{OPEN} AND {deadline} >= {start} AND {deadline} <= {end}")),
            count_where(&format!("{OPEN} AND {deadline} < {start}")),
            count_where("direction = 'outgoing'"),
        ]
    })
    .await
}
