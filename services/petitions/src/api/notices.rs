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

use std::sync::Arc;

use chrono::{DateTime, Utc};

use vanphong_platform::Error;
use vanphong_platform::db::{Db, Tx};
use vanphong_platform::identity::Caller;
use vanphong_platform::notices_api::{Described, NoticeHost};
use vanphong_platform::notifications::{Inbox, NewNotice, Notice};
use vanphong_platform::validate::due_soon_until;

use super::Shared;
use crate::domain::petition::Petition;
use crate::store;
use crate::store::notices::{INBOX, deadline_key};

const ASSIGNED: &str = "assigned";
const DEADLINE: &str = "deadline";

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
    let name = s.snapshot().person_name(caller.subject_id);
    let notice = NewNotice {
        user_id: handler,
        kind: ASSIGNED,
        record_id: after.id,
        actor_name: if name.is_empty() { caller.name.clone() } else { name },
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
        for (petition, deadline) in due {
            let notice = NewNotice {
                user_id: caller.subject_id,
                kind: DEADLINE,
                record_id: petition,
                actor_name: String::new(),
                note: deadline.to_string(),
                at: now,
                dedupe_key: Some(deadline_key(petition, deadline)),
            };
            INBOX.add(&mut tx, &notice).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    async fn describe(&self, tx: &mut Tx, caller: &Caller, notice: &Notice) -> Result<Described, Error> {
        let title = match notice.kind.as_str() {
            ASSIGNED => "Đơn được giao cho bạn giải quyết",
            DEADLINE => "Đơn bạn giải quyết sắp đến hạn",
            _ => "Thông báo về đơn thư",
        };
        let record_label = match store::petitions::get(tx, notice.record_id).await? {
            Some(p) if caller.may_read(&self.0.snapshot().tree, p.office_id, self.0.today()) => {
                format!("Đơn số {}", p.number_label())
            }
            _ => String::new(),
        };
        Ok(Described {
            title: title.to_string(),
            record_label,
        })
    }
}
