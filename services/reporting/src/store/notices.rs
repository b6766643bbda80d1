//! The reporting service's notices (the platform's [`Inbox`]) and the
//! reports whose deadline draws near for the person who writes them, who
//! may have no notice of it yet.

use vanphong_platform::notifications::{DeadlineQuery, Inbox};

/// Where the notices live (migration 0002).
pub const INBOX: Inbox = Inbox { table: "notifications" };

/// Reports the person writes, not yet sent, whose deadline falls from
/// today to the last day due soon (the reports `GetMyWork` counts as due
/// soon), with that deadline, of which they have no notice yet.
pub const DEADLINES: DeadlineQuery = DeadlineQuery {
    table: "reports",
    deadline_column: "deadline",
    sql: "SELECT id, deadline FROM reports \
         WHERE writer_id = $1 AND status IN ('draft', 'submitted', 'approved', 'returned') \
         AND deadline >= $2 AND deadline <= $3 \
         AND NOT EXISTS (SELECT 1 FROM notifications n WHERE n.user_id = $1 \
              AND n.dedupe_key = 'deadline:' || reports.id || ':' || reports.deadline) \
         ORDER BY id",
};
