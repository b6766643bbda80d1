//! Counting what waits for one person in their office's documents.

use std::collections::HashMap;

use uuid::Uuid;

use vanphong_platform::db::{Clauses, Db, StoreError, count_where};
use vanphong_platform::my_work::{OfficeWork, WorkWindow};

use super::listing::{OPEN, due_between, handled_by, overdue, readable_by, submitted_to};
use crate::domain::access::Reader;

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
/// those it holds. Deadlines are counted as the lists "due soon" and
/// "overdue" show them to `reader` (secret documents they may not read
/// left out): due soon among the documents they handle; overdue among the
/// whole office's incoming documents with `whole_office` (clerks and
/// leaders), else among theirs.
pub async fn counts(
    db: &Db,
    window: &WorkWindow,
    offices: &[Uuid],
    reader: &Reader,
    whole_office: bool,
) -> Result<WorkCounts, StoreError> {
    // Placeholders first appear in ascending order (SQLite numbers them so):
    // the person, the window, the flag, the reader, then the offices.
    let mut b = Clauses::new(String::new());
    let person = b.arg(window.person);
    let today = b.arg(window.today);
    let soon = b.arg(window.soon);
    let whole = b.arg(whole_office);
    let readable = readable_by(&mut b, reader);
    const ASSIGNED: &str = "status IN ('assigned', 'in_progress')";
    const INCOMING: &str = "direction = 'incoming'";
    let mine = handled_by(&person);
    let count = |condition: String| count_where(&condition);
    let columns = [
        count(submitted_to(&person)),
        count(format!("{ASSIGNED} AND lead_handler_id = {person}")),
        count(format!(
            "{ASSIGNED} AND EXISTS (SELECT 1 FROM document_handlers h WHERE h.document_id = documents.id \
             AND h.user_id = {person} AND NOT h.lead)"
        )),
        count(format!(
            "{INCOMING} AND {ASSIGNED} AND {mine} AND {}",
            due_between(&today, &soon)
        )),
        count(format!("{INCOMING} AND {} AND ({whole} OR {mine})", overdue(&today))),
        count(format!(
            "status = 'draft' AND drafter_id = {person} AND (SELECT e.kind FROM document_events e \
             WHERE e.document_id = documents.id ORDER BY e.at DESC, e.id DESC LIMIT 1) = 'return'"
        )),
        count(format!("{INCOMING} AND status = 'arrived'")),
        count(format!("{INCOMING} AND status = 'registered'")),
        count("status = 'in_review'".into()),
        count("status = 'approved'".into()),
        count("status = 'signed'".into()),
        count("status = 'numbered'".into()),
    ];
    // Only documents still in one of the counted states are read, through
    // the (office_id, status) index: the cost follows the office's open
    // work, not its whole history.
    // Every count is of what the person's lists show them: secret documents
    // they may not read are counted nowhere.
    b.push(&format!(
        "SELECT {} FROM documents WHERE status IN ({COUNTED}) AND {readable}",
        columns.join(", ")
    ));
    b.only_in("office_id", offices.iter().copied());
    let row: Option<Row> = db.fetch_optional(b.into_query()).await?;
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
/// of `OfficeDocumentWork`), counted for every handler together, of the
/// documents `reader` may read (as the lists they lead to show them).
pub async fn per_office(db: &Db, work: &OfficeWork, reader: &Reader) -> Result<HashMap<String, [i64; 6]>, StoreError> {
    // The states ListDocuments' overdue filter looks at.
    let open = format!("direction = 'incoming' AND {OPEN}");
    let from = format!("documents WHERE status IN ({COUNTED})");
    work.count(
        db,
        &from,
        |start, end| {
            [
                count_where("direction = 'incoming' AND status = 'arrived'"),
                count_where(&open),
                count_where("direction = 'incoming' AND status = 'submitted'"),
                count_where(&format!("{open} AND {}", due_between(start, end))),
                count_where(&format!("direction = 'incoming' AND {}", overdue(start))),
                count_where("direction = 'outgoing'"),
            ]
        },
        // The lists each count leads to hide what the reader may not read.
        |b| Some(readable_by(b, reader)),
    )
    .await
}
