//! The reporting service's notices (the platform's [`Inbox`]) and the
//! reports whose deadline draws near for the person who writes them, who
//! may have no notice of it yet.

use chrono::NaiveDate;
use uuid::Uuid;

use vanphong_platform::db::{RowDecoder, StoreError, Tx, query};
use vanphong_platform::notifications::Inbox;

/// Where the notices live (migration 0002).
pub const INBOX: Inbox = Inbox { table: "notifications" };

/// The key that makes a deadline's notice be written once per report,
/// person and deadline.
pub fn deadline_key(report: Uuid, deadline: NaiveDate) -> String {
    format!("deadline:{report}:{deadline}")
}

/// Reports `person` writes, not yet sent, whose deadline falls from
/// `today` to `soon` (the reports `GetMyWork` counts as due soon), with
/// that deadline, of which they have no notice yet.
pub async fn due_soon(
    tx: &mut Tx,
    person: Uuid,
    today: NaiveDate,
    soon: NaiveDate,
) -> Result<Vec<(Uuid, NaiveDate)>, StoreError> {
    let rows: Vec<(String, String)> = tx
        .fetch_all(
            query(
                "SELECT id, deadline FROM reports \
                 WHERE created_by = $1 AND status IN ('draft', 'submitted', 'approved', 'returned') \
                 AND deadline >= $2 AND deadline <= $3 \
                 AND NOT EXISTS (SELECT 1 FROM notifications n WHERE n.user_id = $1 \
                      AND n.dedupe_key = 'deadline:' || reports.id || ':' || reports.deadline) \
                 ORDER BY id",
            )
            .bind(person)
            .bind(today)
            .bind(soon),
        )
        .await?;
    let mut out = Vec::with_capacity(rows.len());
    for (id, deadline) in rows {
        let d = RowDecoder::new("reports", &id);
        out.push((d.id("id", &id)?, d.date("deadline", &deadline)?));
    }
    Ok(out)
}
