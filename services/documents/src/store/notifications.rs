//! The documents service's notices (the platform's [`Inbox`]) and the
//! documents whose deadline draws near for a person, who may have no
//! notice of it yet.

use chrono::NaiveDate;
use uuid::Uuid;

use vanphong_platform::db::{RowDecoder, StoreError, Tx, query};
pub use vanphong_platform::notifications::{Inbox, NewNotice, Notice};

/// Where the notices live (migration 0007).
pub const INBOX: Inbox = Inbox { table: "notifications" };

/// The key that makes a deadline's notice be written once per document,
/// person and deadline (a deadline moved later is told again).
pub fn deadline_key(document: Uuid, deadline: NaiveDate) -> String {
    format!("deadline:{document}:{deadline}")
}

/// Open documents `person` handles (lead or coordinator) whose deadline
/// falls from `today` to `soon` (the documents `GetMyWork` counts as due
/// soon), with that deadline, of which they have no notice yet.
pub async fn due_soon(
    tx: &mut Tx,
    person: Uuid,
    today: NaiveDate,
    soon: NaiveDate,
) -> Result<Vec<(Uuid, NaiveDate)>, StoreError> {
    let rows: Vec<(String, String)> = tx
        .fetch_all(
            query(
                "SELECT id, COALESCE(handling_deadline, due_on) FROM documents \
                 WHERE status IN ('assigned', 'in_progress') \
                 AND (lead_handler_id = $1 OR EXISTS (SELECT 1 FROM document_handlers h \
                      WHERE h.document_id = documents.id AND h.user_id = $1)) \
                 AND COALESCE(handling_deadline, due_on) >= $2 AND COALESCE(handling_deadline, due_on) <= $3 \
                 AND NOT EXISTS (SELECT 1 FROM notifications n WHERE n.user_id = $1 \
                      AND n.dedupe_key = 'deadline:' || documents.id || ':' || COALESCE(handling_deadline, due_on)) \
                 ORDER BY id",
            )
            .bind(person)
            .bind(today)
            .bind(soon),
        )
        .await?;
    let mut out = Vec::with_capacity(rows.len());
    for (id, deadline) in rows {
        let d = RowDecoder::new("documents", &id);
        out.push((d.id("id", &id)?, d.date("handling_deadline", &deadline)?));
    }
    Ok(out)
}
