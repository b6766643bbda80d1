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
use vanphong_platform::clock::to_timestamp;
use vanphong_platform::db::Tx;
use vanphong_platform::directory::DirectorySnapshot;
use vanphong_platform::identity::{Caller, Role};
use vanphong_platform::notices_api::{self, NoticeHost};
use vanphong_platform::notifications::{DEADLINE, DeadlineQuery, Inbox, NewNotice, Notice};
use vanphong_proto::documents::v1 as wire;
use vanphong_proto::documents::v1::NotificationKind;
use vanphong_proto::documents::v1::notification_service_server::NotificationService;

use super::Shared;
use crate::domain::access;
use crate::domain::document::Document;
use crate::store;
use crate::store::notifications::{DEADLINES, INBOX};
use crate::store::recipients::Recipient;

const ARRIVAL: &str = "arrival";
const ASSIGNED: &str = "assigned";
const RETURNED: &str = "returned";
const RECEIPT: &str = "receipt";

/// A notice of `kind` about `record`, its person set when it is written.
fn notice(kind: &'static str, record: Uuid, actor_name: &str, note: &str, at: DateTime<Utc>) -> NewNotice {
    NewNotice::new(Uuid::nil(), kind, record, actor_name, note, at)
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
    let n = notice(kind, after.id, &snapshot.actor_name(caller), note, at);
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

impl NoticeHost for Shared {
    type Wire = wire::Notification;
    const INBOX: Inbox = INBOX;
    const DEADLINES: DeadlineQuery = DEADLINES;

    /// A notice as the caller is shown it: the document's number and
    /// subject only while they may see it.
    async fn to_wire(&self, tx: &mut Tx, caller: &Caller, n: &Notice) -> Result<wire::Notification, Error> {
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
            if access::may_see(caller, &self.snapshot().tree, self.today(), &document, &named) {
                out.direction = document.direction.to_wire();
                out.document_number = document.number_symbol.clone();
                out.document_subject = document.subject.clone();
            }
        }
        Ok(out)
    }
}

/// The RPCs, each the platform's (`notices_api`) in this service's messages.
impl NotificationApi {
    async fn list(
        &self,
        request: Request<wire::ListNotificationsRequest>,
    ) -> Result<wire::ListNotificationsResponse, Error> {
        let (caller, req) = Caller::split(request)?;
        let page = notices_api::list(
            self.0.as_ref(),
            &caller,
            req.unread_only,
            req.page_size,
            &req.page_token,
        )
        .await?;
        Ok(wire::ListNotificationsResponse {
            notifications: page.notices,
            next_page_token: page.next_page_token,
            unread_count: page.unread_count,
        })
    }

    async fn count(
        &self,
        request: Request<wire::CountUnreadNotificationsRequest>,
    ) -> Result<wire::UnreadNotifications, Error> {
        let caller = Caller::of(&request)?;
        let unread_count = notices_api::unread_count(self.0.as_ref(), &caller).await?;
        Ok(wire::UnreadNotifications { unread_count })
    }

    async fn mark_read(
        &self,
        request: Request<wire::MarkNotificationReadRequest>,
    ) -> Result<wire::Notification, Error> {
        let caller = Caller::of(&request)?;
        notices_api::mark_read(self.0.as_ref(), &caller, &request.get_ref().notification_id).await
    }

    async fn mark_all_read(
        &self,
        request: Request<wire::MarkAllNotificationsReadRequest>,
    ) -> Result<wire::MarkAllNotificationsReadResponse, Error> {
        let caller = Caller::of(&request)?;
        let marked = notices_api::mark_all_read(self.0.as_ref(), &caller).await?;
        Ok(wire::MarkAllNotificationsReadResponse { marked })
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
