//! Counting what waits for one person among their office's open petitions.

use std::collections::HashMap;

use uuid::Uuid;

use vanphong_platform::db::{Db, StoreError, count_where, query_built};
use vanphong_platform::my_work::{OfficeWork, WorkWindow};

/// The counts of [`counts`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct WorkCounts {
    pub to_classify: i64,
    pub assigned: i64,
    pub due_soon: i64,
    pub overdue: i64,
}

/// The counts of the window's person in `offices` (the window's office and
/// those it holds); with `whole_office`, deadlines count over every open
/// petition there, not only theirs.
pub async fn counts(
    db: &Db,
    window: &WorkWindow,
    offices: &[Uuid],
    whole_office: bool,
) -> Result<WorkCounts, StoreError> {
    // Placeholders first appear in ascending order (SQLite numbers them so).
    let mine = "(handler_id = $1 OR $2)";
    let placeholders: Vec<String> = (0..offices.len()).map(|i| format!("${}", i + 5)).collect();
    let sql = format!(
        "SELECT {}, {}, {}, {} FROM petitions WHERE office_id IN ({}) AND closed_on IS NULL",
        count_where("state IN ('02', '07')"),
        count_where("handler_id = $1"),
        count_where(&format!("{mine} AND current_due_on >= $3 AND current_due_on <= $4")),
        count_where(&format!("{mine} AND current_due_on < $3")),
        placeholders.join(", "),
    );
    let q = offices.iter().fold(
        query_built(sql)
            .bind(window.person)
            .bind(whole_office)
            .bind(window.today)
            .bind(window.soon),
        |q, o| q.bind(*o),
    );
    let row: Option<(i64, i64, i64, i64)> = db.fetch_optional(q).await?;
    let (to_classify, assigned, due_soon, overdue) = row.unwrap_or_default();
    Ok(WorkCounts {
        to_classify,
        assigned,
        due_soon,
        overdue,
    })
}

/// Per office of `offices`, as stored: to classify, open, due soon,
/// overdue (the columns of `OfficePetitionWork`, the deadlines those of the
/// backlogs).
pub async fn per_office(db: &Db, work: &OfficeWork) -> Result<HashMap<String, [i64; 4]>, StoreError> {
    work.count(
        db,
        "petitions WHERE closed_on IS NULL",
        |start, end| {
            [
                count_where("state IN ('02', '07')"),
                "COUNT(*)".to_string(),
                count_where(&format!("current_due_on >= {start} AND current_due_on <= {end}")),
                count_where(&format!("current_due_on < {start}")),
            ]
        },
        |_| None,
    )
    .await
}
