//! The petitions service's notices (the platform's `NotificationService`,
//! see `vanphong_platform::notices_api`), written in the transaction of
//! the step that causes them:
//! - assigned: the person a case is given to resolve (at classification or
//!   thụ lý), unless they gave it to themselves;
//! - deadline: the handler of an open case due within three days, written
//!   when they next ask for their notices.
//!
//! A notice carries the petition's id only; its number is read when it is
//! shown, and only while the reader may still see the petition (never the
//! petitioners: a notice shows no identity).

use chrono::{DateTime, Utc};
use uuid::Uuid;

use vanphong_platform::Error;
use vanphong_platform::db::Tx;
use vanphong_platform::identity::Caller;
use vanphong_platform::notices_api::CommonNotices;
use vanphong_platform::notifications::{DEADLINE, DeadlineQuery, Inbox, NewNotice};

use super::Shared;
use crate::domain::petition::Petition;
use crate::store;
use crate::store::notices::{DEADLINES, INBOX};

const ASSIGNED: &str = "assigned";

impl CommonNotices for Shared {
    const INBOX: Inbox = INBOX;
    const DEADLINES: DeadlineQuery = DEADLINES;
    const TITLES: &'static [(&'static str, &'static str)] = &[
        (ASSIGNED, "Đơn được giao cho bạn giải quyết"),
        (DEADLINE, "Đơn bạn giải quyết sắp đến hạn"),
    ];
    const OTHER_TITLE: &'static str = "Thông báo về đơn thư";

    async fn record_label(&self, tx: &mut Tx, caller: &Caller, record: Uuid) -> Result<String, Error> {
        Ok(match store::petitions::get(tx, record).await? {
            Some(p) if caller.may_read(&self.snapshot().tree, p.office_id, self.today()) => {
                format!("Đơn số {}", p.number_label())
            }
            _ => String::new(),
        })
    }
}

/// A step saved `after` from `before`: a handler newly given the case is
/// told, with the step's note.
pub(crate) async fn after_step(
    tx: &mut Tx,
    s: &Shared,
    caller: &Caller,
    before: &Petition,
    after: &Petition,
    note: &str,
    at: DateTime<Utc>,
) -> Result<(), Error> {
    let Some(handler) = after.handler_id else {
        return Ok(());
    };
    if before.handler_id == Some(handler) || handler == caller.subject_id {
        return Ok(());
    }
    let actor_name = s.snapshot().actor_name(caller);
    let notice = NewNotice::new(handler, ASSIGNED, after.id, actor_name, note, at);
    INBOX.add(tx, &notice).await?;
    Ok(())
}
