//! `NotificationService`: the caller's own notices about documents, and the
//! notices each step writes in its own transaction (see the platform's
//! `notifications` module for why they are written with the step rather
//! than derived from the history later).
//!
//! Who is told of what:
//! - arrival: the clerks of an office a document arrives at; the leader a
//!   document is submitted to for direction; the leaders of an office a
//!   draft is submitted to for approval;
//! - assigned: the lead handler and coordinators a leader directs it to;
//! - returned: the drafter whose draft a leader returns;
//! - receipt: the drafter (or else creator) of a document sent within the
//!   deployment when a recipient office reports how far its copy got;
//! - deadline: a handler whose open document is due within three days,
//!   written when they next ask for their notices.
//!
//! The person who acted is never told of their own step. A notice carries
//! the document's id only; its number and subject are read when it is
//! shown, and only when the reader may still see the document.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use tonic::Request;
use uuid::Uuid;

use vanphong_platform::Error;
use vanphong_platform::audit::{self, Change};
use vanphong_platform::clock::to_timestamp;
use vanphong_platform::db::Tx;
use vanphong_platform::directory::DirectorySnapshot;
use vanphong_platform::identity::{Caller, Role};
use vanphong_platform::validate::{Checker, due_soon_until};
use vanphong_proto::documents::v1 as wire;
use vanphong_proto::documents::v1::NotificationKind;
use vanphong_proto::documents::v1::notification_service_server::NotificationService;

use super::Shared;
use crate::domain::access;
use crate::domain::document::Document;
use crate::store;
use crate::store::notifications::{INBOX, NewNotice, Notice, deadline_key};
use crate::store::recipients::Recipient;

const ARRIVAL: &str = "arrival";
const ASSIGNED: &str = "assigned";
const RETURNED: &str = "returned";
const RECEIPT: &str = "receipt";
const DEADLINE: &str = "deadline";

fn notice(kind: &'static str, record: Uuid, actor_name: &str, note: &str, at: DateTime<Utc>) -> NewNotice {
    NewNotice {
        user_id: Uuid::nil(),
        kind,
        record_id: record,
        actor_name: actor_name.to_string(),
        note: note.to_string(),
        at,
        dedupe_key: None,
    }
}

/// Active people of `office` holding `role`.
fn holders(snapshot: &DirectorySnapshot, office: Uuid, role: Role) -> Vec<Uuid> {
    let mut people: Vec<Uuid> = snapshot
        .people_of(office)
        .filter(|p| !p.disabled && p.roles.contains(role))
        .map(|p| p.id)
        .collect();
    people.sort();
    people
}

/// The name a notice gives for who acted: their full name from the
/// directory, else the name their token carries.
fn actor_name(snapshot: &DirectorySnapshot, caller: &Caller) -> String {
    let name = snapshot.person_name(caller.subject_id);
    if name.is_empty() { caller.name.clone() } else { name }
}

/// The notices of a step of the document's flow (`action` is the step's
/// code), written in the step's transaction.
pub(crate) async fn after_step(
    tx: &mut Tx,
    snapshot: &DirectorySnapshot,
    caller: &Caller,
    action: &str,
    after: &Document,
    note: &str,
    at: DateTime<Utc>,
) -> Result<(), Error> {
    let (kind, users) = match action {
        "submit" => (ARRIVAL, after.leader_id.into_iter().collect()),
        "submit_for_review" => (ARRIVAL, holders(snapshot, after.office_id, Role::Leader)),
        "direct" => {
            let mut users: Vec<Uuid> = after.lead_handler_id.into_iter().collect();
            users.extend(store::people::coordinators(tx, after.id).await?);
            (ASSIGNED, users)
        }
        "return" => (RETURNED, after.drafter_id.into_iter().collect()),
        _ => return Ok(()),
    };
    let n = notice(kind, after.id, &actor_name(snapshot, caller), note, at);
    INBOX.add_to_each(tx, &users, caller.subject_id, &n).await?;
    Ok(())
}

/// A document arrived at `copy.office_id`: its clerks are told, the body
/// that sent it named as who acted.
pub(crate) async fn arrived(
    tx: &mut Tx,
    snapshot: &DirectorySnapshot,
    caller: &Caller,
    copy: &Document,
    at: DateTime<Utc>,
) -> Result<(), Error> {
    let clerks = holders(snapshot, copy.office_id, Role::Clerk);
    // For its clerks, the body that sent it is who acted.
    let n = notice(ARRIVAL, copy.id, &copy.issuer_name, "", at);
    INBOX.add_to_each(tx, &clerks, caller.subject_id, &n).await?;
    Ok(())
}

/// A recipient office reported the status `code` of its copy: the sender's
/// drafter (or the document's creator) is told.
pub(crate) async fn receipt(tx: &mut Tx, recipient: &Recipient, code: &str, at: DateTime<Utc>) -> Result<(), Error> {
    let Some(sent) = store::documents::get(tx, recipient.document_id).await? else {
        return Ok(());
    };
    let user = sent.drafter_id.unwrap_or(sent.created_by);
    let n = NewNotice {
        user_id: user,
        ..notice(RECEIPT, sent.id, &recipient.name, status_label(code), at)
    };
    INBOX.add(tx, &n).await?;
    Ok(())
}

/// What a recipient's edXML status code means, for people.
fn status_label(code: &str) -> &'static str {
    match code {
        "01" => "Đã nhận",
        "02" => "Từ chối tiếp nhận",
        "03" => "Đã vào sổ",
        "04" => "Đã giao xử lý",
        "05" => "Đang xử lý",
        "06" => "Đã hoàn thành xử lý",
        "15" => "Đồng ý thu hồi",
        "16" => "Từ chối thu hồi",
        _ => "Cập nhật trạng thái",
    }
}

fn kind_of(code: &str) -> (NotificationKind, &'static str) {
    match code {
        ARRIVAL => (NotificationKind::Arrival, "Văn bản mới chờ bạn xử lý"),
        ASSIGNED => (NotificationKind::Assigned, "Văn bản được giao cho bạn xử lý"),
        RETURNED => (NotificationKind::Returned, "Dự thảo của bạn bị trả lại"),
        RECEIPT => (NotificationKind::Receipt, "Nơi nhận đã cập nhật tình trạng văn bản"),
        DEADLINE => (NotificationKind::Deadline, "Văn bản bạn xử lý sắp đến hạn"),
        _ => (NotificationKind::Unspecified, "Thông báo"),
    }
}

pub struct NotificationApi(pub(crate) Arc<Shared>);

impl NotificationApi {
    /// Writes the deadline notices the caller has not had yet. A read (the
    /// bell on every page) opens a write transaction only when there is one
    /// to write.
    async fn catch_up_deadlines(&self, caller: &Caller) -> Result<(), Error> {
        let s = &self.0;
        let today = s.today();
        let soon = due_soon_until(0, today)?;
        let mut tx = s.ctx.db.begin_read().await?;
        let due = store::notifications::due_soon(&mut tx, caller.subject_id, today, soon).await?;
        tx.commit().await?;
        if due.is_empty() {
            return Ok(());
        }
        let now = s.ctx.clock.now();
        let mut tx = s.ctx.db.begin_write().await?;
        for (document, deadline) in due {
            let n = NewNotice {
                user_id: caller.subject_id,
                dedupe_key: Some(deadline_key(document, deadline)),
                ..notice(DEADLINE, document, "", &deadline.to_string(), now)
            };
            INBOX.add(&mut tx, &n).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// A notice as the caller is shown it: the document's number and
    /// subject only while they may see it.
    async fn to_wire(&self, tx: &mut Tx, caller: &Caller, n: &Notice) -> Result<wire::Notification, Error> {
        let s = &self.0;
        let (kind, title) = kind_of(&n.kind);
        let mut out = wire::Notification {
            notification_id: n.id.to_string(),
            kind: kind as i32,
            title: title.to_string(),
            document_id: n.record_id.to_string(),
            actor_name: n.actor_name.clone(),
            note: n.note.clone(),
            created_at: Some(to_timestamp(n.at)),
            read_at: n.read_at.map(to_timestamp),
            ..Default::default()
        };
        if let Some(document) = store::documents::get(tx, n.record_id).await? {
            let named = store::people::distribution(tx, document.id).await?;
            if access::may_see(caller, &s.snapshot().tree, s.today(), &document, &named) {
                out.direction = document.direction.to_wire();
                out.document_number = document.number_symbol.clone();
                out.document_subject = document.subject.clone();
            }
        }
        Ok(out)
    }

    async fn list(
        &self,
        request: Request<wire::ListNotificationsRequest>,
    ) -> Result<wire::ListNotificationsResponse, Error> {
        let caller = Caller::of(&request)?;
        let req = request.into_inner();
        let mut c = Checker::new();
        let limit = c.page_size("page_size", req.page_size, 20, 100);
        let before = c.page_after_seq("page_token", &req.page_token);
        c.finish()?;
        self.catch_up_deadlines(&caller).await?;
        let mut tx = self.0.ctx.db.begin_read().await?;
        let mut page = INBOX
            .page(&mut tx, caller.subject_id, req.unread_only, before, limit)
            .await?;
        let more = page.len() > limit as usize;
        page.truncate(limit as usize);
        let mut notifications = Vec::with_capacity(page.len());
        for n in &page {
            notifications.push(self.to_wire(&mut tx, &caller, n).await?);
        }
        let unread_count = INBOX.unread(&mut tx, caller.subject_id).await?;
        tx.commit().await?;
        let next_page_token = match page.last() {
            Some(last) if more => last.seq.to_string(),
            _ => String::new(),
        };
        Ok(wire::ListNotificationsResponse {
            notifications,
            next_page_token,
            unread_count,
        })
    }

    async fn count(
        &self,
        request: Request<wire::CountUnreadNotificationsRequest>,
    ) -> Result<wire::UnreadNotifications, Error> {
        let caller = Caller::of(&request)?;
        self.catch_up_deadlines(&caller).await?;
        let mut tx = self.0.ctx.db.begin_read().await?;
        let unread_count = INBOX.unread(&mut tx, caller.subject_id).await?;
        tx.commit().await?;
        Ok(wire::UnreadNotifications { unread_count })
    }

    async fn mark_read(
        &self,
        request: Request<wire::MarkNotificationReadRequest>,
    ) -> Result<wire::Notification, Error> {
        let caller = Caller::of(&request)?;
        let mut c = Checker::new();
        let id = c.id("notification_id", &request.get_ref().notification_id);
        c.finish()?;
        let now = self.0.ctx.clock.now();
        let mut tx = self.0.ctx.db.begin_write().await?;
        let not_found = || Error::NotFound(format!("Không tìm thấy thông báo {id}"));
        let before = INBOX.get(&mut tx, caller.subject_id, id).await?.ok_or_else(not_found)?;
        if INBOX.mark_read(&mut tx, caller.subject_id, id, now).await? {
            let after = Notice {
                read_at: Some(now),
                ..before.clone()
            };
            let change = Change::new(caller.office_id, "notification", id, "read")
                .before(before.audit_json())
                .after(after.audit_json());
            audit::record(&mut tx, &caller, now, change).await?;
        }
        let after = INBOX.get(&mut tx, caller.subject_id, id).await?.ok_or_else(not_found)?;
        let answer = self.to_wire(&mut tx, &caller, &after).await?;
        tx.commit().await?;
        Ok(answer)
    }

    async fn mark_all_read(
        &self,
        request: Request<wire::MarkAllNotificationsReadRequest>,
    ) -> Result<wire::MarkAllNotificationsReadResponse, Error> {
        let caller = Caller::of(&request)?;
        let now = self.0.ctx.clock.now();
        let mut tx = self.0.ctx.db.begin_write().await?;
        let marked = INBOX.mark_all_read(&mut tx, caller.subject_id, now).await?;
        if marked > 0 {
            let change =
                Change::new(caller.office_id, "notification", caller.subject_id, "read_all").after(serde_json::json!({
                    "user_id": caller.subject_id.to_string(),
                    "marked": marked,
                    "read_at": now.to_rfc3339(),
                }));
            audit::record(&mut tx, &caller, now, change).await?;
        }
        tx.commit().await?;
        Ok(wire::MarkAllNotificationsReadResponse {
            marked: i64::try_from(marked).unwrap_or(i64::MAX),
        })
    }
}

vanphong_platform::grpc_delegate! {
    impl NotificationService for NotificationApi {
        list_notifications(wire::ListNotificationsRequest) -> wire::ListNotificationsResponse = Self::list;
        count_unread_notifications(wire::CountUnreadNotificationsRequest) -> wire::UnreadNotifications = Self::count;
        mark_notification_read(wire::MarkNotificationReadRequest) -> wire::Notification = Self::mark_read;
        mark_all_notifications_read(wire::MarkAllNotificationsReadRequest) -> wire::MarkAllNotificationsReadResponse = Self::mark_all_read;
    }
}
