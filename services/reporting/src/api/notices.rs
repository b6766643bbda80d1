//! The reporting service's notices (the platform's `NotificationService`,
//! see `vanphong_platform::notices_api`), written in the transaction of
//! the step that causes them:
//! - returned, accepted: the report's writer, when the office above
//!   returns or accepts it;
//! - deadline: the writer of a report not yet sent that is due within
//!   three days, written when they next ask for their notices.
//!
//! A notice carries the report's id only; its title and period are read
//! when it is shown, and only while the reader may still see the report.

use std::sync::Arc;

use chrono::{DateTime, Utc};

use vanphong_platform::Error;
use vanphong_platform::db::{Db, Tx};
use vanphong_platform::identity::Caller;
use vanphong_platform::notices_api::{Described, NoticeHost};
use vanphong_platform::notifications::{Inbox, NewNotice, Notice};
use vanphong_platform::validate::due_soon_until;

use super::Shared;
use crate::domain::report::Report;
use crate::store;
use crate::store::notices::{INBOX, deadline_key};

const RETURNED: &str = "returned";
const ACCEPTED: &str = "accepted";
const DEADLINE: &str = "deadline";

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
    if report.created_by == caller.subject_id {
        return Ok(());
    }
    let notice = NewNotice {
        user_id: report.created_by,
        kind,
        record_id: report.id,
        actor_name: actor_name.to_string(),
        note: note.to_string(),
        at,
        dedupe_key: None,
    };
    INBOX.add(tx, &notice).await?;
    Ok(())
}

/// What the notification RPCs need of the service.
pub(crate) struct Notices(pub Arc<Shared>);

impl NoticeHost for Notices {
    fn inbox(&self) -> Inbox {
        INBOX
    }

    fn db(&self) -> &Db {
        &self.0.ctx.db
    }

    fn now(&self) -> DateTime<Utc> {
        self.0.now()
    }

    /// The deadline notices the caller has not had yet. A read (the bell
    /// on every page) opens a write transaction only when there is one to
    /// write.
    async fn catch_up(&self, caller: &Caller) -> Result<(), Error> {
        let s = &self.0;
        let today = s.today();
        let soon = due_soon_until(0, today)?;
        let mut tx = s.ctx.db.begin_read().await?;
        let due = store::notices::due_soon(&mut tx, caller.subject_id, today, soon).await?;
        tx.commit().await?;
        if due.is_empty() {
            return Ok(());
        }
        let now = s.now();
        let mut tx = s.ctx.db.begin_write().await?;
        for (report, deadline) in due {
            let notice = NewNotice {
                user_id: caller.subject_id,
                kind: DEADLINE,
                record_id: report,
                actor_name: String::new(),
                note: deadline.to_string(),
                at: now,
                dedupe_key: Some(deadline_key(report, deadline)),
            };
            INBOX.add(&mut tx, &notice).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    async fn describe(&self, tx: &mut Tx, caller: &Caller, notice: &Notice) -> Result<Described, Error> {
        let title = match notice.kind.as_str() {
            RETURNED => "Báo cáo của bạn bị cấp trên trả lại",
            ACCEPTED => "Báo cáo của bạn đã được cấp trên tiếp nhận",
            DEADLINE => "Báo cáo bạn soạn sắp đến hạn gửi",
            _ => "Thông báo về báo cáo",
        };
        let record_label = match store::reports::get(tx, notice.record_id).await? {
            Some(report) if self.0.may_see(caller, &report) => {
                format!("{} · kỳ {}", report.title, report.period.label())
            }
            _ => String::new(),
        };
        Ok(Described {
            title: title.to_string(),
            record_label,
        })
    }
}
