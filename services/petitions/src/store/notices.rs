//! The petitions service's notices (the platform's [`Inbox`]) and the
//! open cases whose deadline draws near for the person who handles them,
//! who may have no notice of it yet.

use vanphong_platform::notifications::{DeadlineQuery, Inbox};

/// Where the notices live (migration 0002).
pub const INBOX: Inbox = Inbox { table: "notifications" };

/// Open cases the person handles whose deadline falls from today to the
/// last day due soon (the cases `GetMyWork` counts as due soon), with that
/// deadline, of which they have no notice yet.
pub const DEADLINES: DeadlineQuery = DeadlineQuery {
    table: "petitions",
    deadline_column: "current_due_on",
    sql: "SELECT id, current_due_on FROM petitions \
         WHERE handler_id = $1 AND closed_on IS NULL \
         AND current_due_on >= $2 AND current_due_on <= $3 \
         AND NOT EXISTS (SELECT 1 FROM notifications n WHERE n.user_id = $1 \
              AND n.dedupe_key = 'deadline:' || petitions.id || ':' || petitions.current_due_on) \
         ORDER BY id",
};
