//! The documents service's notices (the platform's [`Inbox`]) and the
//! documents whose deadline draws near for a person, who may have no
//! notice of it yet.

use vanphong_platform::notifications::{DeadlineQuery, Inbox};

/// Where the notices live (migration 0007).
pub const INBOX: Inbox = Inbox { table: "notifications" };

/// Open documents the person handles (lead or coordinator) whose deadline
/// falls from today to the last day due soon (the documents `GetMyWork`
/// counts as due soon), with that deadline, of which they have no notice
/// yet.
pub const DEADLINES: DeadlineQuery = DeadlineQuery {
    table: "documents",
    deadline_column: "handling_deadline",
    sql: "SELECT id, COALESCE(handling_deadline, due_on) FROM documents \
         WHERE status IN ('assigned', 'in_progress') \
         AND (lead_handler_id = $1 OR EXISTS (SELECT 1 FROM document_handlers h \
              WHERE h.document_id = documents.id AND h.user_id = $1)) \
         AND COALESCE(handling_deadline, due_on) >= $2 AND COALESCE(handling_deadline, due_on) <= $3 \
         AND NOT EXISTS (SELECT 1 FROM notifications n WHERE n.user_id = $1 \
              AND n.dedupe_key = 'deadline:' || documents.id || ':' || COALESCE(handling_deadline, due_on)) \
         ORDER BY id",
};
