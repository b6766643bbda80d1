//! The reporting service's notices (the platform's `NotificationService`,
//! see `vanphong_platform::notices_api`), written in the transaction of
//! the step that causes them:
//! - returned, accepted: the report's writer (docs/domain.md §5), when the office above
//!   returns or accepts it;
//! - assigned: the person a leader gives a report to write;
//! - deadline: the writer of a report not yet sent that is due within
//!   three days, written when they next ask for their notices.
//!
//! A notice carries the report's id only; its title and period are read
//! when it is shown, and only while the reader may still see the report.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use vanphong_platform::Error;
use vanphong_platform::db::Tx;
use vanphong_platform::identity::Caller;
use vanphong_platform::notices_api::CommonNotices;
use vanphong_platform::notifications::{DEADLINE, DeadlineQuery, Inbox, NewNotice};

use super::Shared;
use crate::domain::report::Report;
use crate::store;
use crate::store::notices::{DEADLINES, INBOX};

const RETURNED: &str = "returned";
const ACCEPTED: &str = "accepted";
const ASSIGNED: &str = "assigned";

impl CommonNotices for Shared {
    const INBOX: Inbox = INBOX;
    const DEADLINES: DeadlineQuery = DEADLINES;
    const TITLES: &'static [(&'static str, &'static str)] = &[
        (RETURNED, "Báo cáo của bạn bị cấp trên trả lại"),
        (ACCEPTED, "Báo cáo của bạn đã được cấp trên tiếp nhận"),
        (ASSIGNED, "Bạn được giao viết báo cáo"),
        (DEADLINE, "Báo cáo bạn soạn sắp đến hạn gửi"),
    ];
    const OTHER_TITLE: &'static str = "Thông báo về báo cáo";

    async fn record_label(&self, tx: &mut Tx, caller: &Caller, record: Uuid) -> Result<String, Error> {
        Ok(match store::reports::get(tx, record).await? {
            Some(report) if self.may_see(caller, &report) => {
                format!("{} · kỳ {}", report.title, report.period.label())
            }
            _ => String::new(),
        })
    }
}

/// The office above decided on `report` (`action` `return` or `accept`):
/// its writer is told, with the reason or note.
pub(crate) async fn decided(
    tx: &mut Tx,
    caller: &Caller,
    actor_name: &str,
    report: &Report,
    action: &str,
    note: &str,
    at: DateTime<Utc>,
) -> Result<(), Error> {
    let kind = if action == "return" { RETURNED } else { ACCEPTED };
    if report.writer == caller.subject_id {
        return Ok(());
    }
    let notice = NewNotice::new(report.writer, kind, report.id, actor_name, note, at);
    INBOX.add(tx, &notice).await?;
    Ok(())
}

/// A leader gave `report` to its new writer, who is told (unless they gave
/// it to themselves).
pub(crate) async fn assigned(
    tx: &mut Tx,
    caller: &Caller,
    actor_name: &str,
    report: &Report,
    note: &str,
    at: DateTime<Utc>,
) -> Result<(), Error> {
    if report.writer == caller.subject_id {
        return Ok(());
    }
    let notice = NewNotice::new(report.writer, ASSIGNED, report.id, actor_name, note, at);
    INBOX.add(tx, &notice).await?;
    Ok(())
}
