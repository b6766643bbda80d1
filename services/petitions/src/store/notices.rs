//! The petitions service's notices (the platform's [`Inbox`]) and the
//! open cases whose deadline draws near for the person who handles them,
//! who may have no notice of it yet.

use chrono::NaiveDate;
use uuid::Uuid;

use vanphong_platform::db::{RowDecoder, StoreError, Tx, query};
use vanphong_platform::notifications::Inbox;

/// Where the notices live (migration 0002).
pub const INBOX: Inbox = Inbox { table: "notifications" };

/// The key that makes a deadline's notice be written once per petition,
/// person and deadline.
pub fn deadline_key(petition: Uuid, deadline: NaiveDate) -> String {
    format!("deadline:{petition}:{deadline}")
}

/// Open cases `person` handles whose deadline falls from `today` to
/// `soon` (the cases `GetMyWork` counts as due soon), with that deadline,
/// of which they have no notice yet.
pub async fn due_soon(
    tx: &mut Tx,
    person: Uuid,
    today: NaiveDate,
    soon: NaiveDate,
) -> Result<Vec<(Uuid, NaiveDate)>, StoreError> {
    let rows: Vec<(String, String)> = tx
        .fetch_all(
            query(
                "SELECT id, current_due_on FROM petitions \
                 WHERE handler_id = $1 AND closed_on IS NULL \
                 AND current_due_on >= $2 AND current_due_on <= $3 \
                 AND NOT EXISTS (SELECT 1 FROM notifications n WHERE n.user_id = $1 \
                      AND n.dedupe_key = 'deadline:' || petitions.id || ':' || petitions.current_due_on) \
                 ORDER BY id",
            )
            .bind(person)
            .bind(today)
            .bind(soon),
        )
        .await?;
    let mut out = Vec::with_capacity(rows.len());
    for (id, deadline) in rows {
        let d = RowDecoder::new("petitions", &id);
        out.push((d.id("id", &id)?, d.date("current_due_on", &deadline)?));
    }
    Ok(out)
}
