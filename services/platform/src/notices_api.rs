//! The `NotificationService` of the petitions and reporting services,
//! written once over the platform's [`Inbox`] (as [`crate::audit_api`] is
//! for the audit trail): a person lists, counts and marks read only their
//! own notices. A service gives its inbox, the notices no step writes (a
//! deadline drawing near, written when its person next asks) and how a
//! notice reads to its person ([`NoticeHost`]).

use std::future::Future;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use uuid::Uuid;

use vanphong_proto::common::v1::{
    CountUnreadNoticesRequest, ListNoticesRequest, ListNoticesResponse, MarkAllNoticesReadRequest,
    MarkAllNoticesReadResponse, MarkNoticeReadRequest, Notice as WireNotice, UnreadNotices,
};

use crate::Error;
use crate::audit::{self, Change};
use crate::clock::to_timestamp;
use crate::db::{Db, Tx};
use crate::identity::Caller;
use crate::notifications::{Inbox, Notice};
use crate::validate::Checker;

/// How a notice reads to the person it is for.
pub struct Described {
    /// What happened ("Báo cáo của bạn bị trả lại").
    pub title: String,
    /// The record as people name it; empty when they may no longer see it.
    pub record_label: String,
}

/// What a service gives its notification RPCs.
pub trait NoticeHost: Send + Sync + 'static {
    fn inbox(&self) -> Inbox;
    fn db(&self) -> &Db;
    fn now(&self) -> DateTime<Utc>;

    /// Writes the notices `caller` is due that no step writes (a deadline
    /// drawing near), once each.
    fn catch_up(&self, caller: &Caller) -> impl Future<Output = Result<(), Error>> + Send;

    /// How `notice` reads to `caller`: the record named only while they
    /// may still see it.
    fn describe(
        &self,
        tx: &mut Tx,
        caller: &Caller,
        notice: &Notice,
    ) -> impl Future<Output = Result<Described, Error>> + Send;
}

/// The notification RPCs of a service: `NotificationServiceServer::new(NoticesApi::new(..))`.
pub struct NoticesApi<H> {
    host: Arc<H>,
}

impl<H: NoticeHost> NoticesApi<H> {
    pub fn new(host: Arc<H>) -> Self {
        NoticesApi { host }
    }
}

async fn to_wire<H: NoticeHost>(host: &H, tx: &mut Tx, caller: &Caller, n: &Notice) -> Result<WireNotice, Error> {
    let described = host.describe(tx, caller, n).await?;
    Ok(WireNotice {
        notification_id: n.id.to_string(),
        kind: n.kind.clone(),
        title: described.title,
        record_id: n.record_id.to_string(),
        record_label: described.record_label,
        actor_name: n.actor_name.clone(),
        note: n.note.clone(),
        created_at: Some(to_timestamp(n.at)),
        read_at: n.read_at.map(to_timestamp),
    })
}

async fn list<H: NoticeHost>(host: &H, caller: &Caller, req: ListNoticesRequest) -> Result<ListNoticesResponse, Error> {
    let mut c = Checker::new();
    let limit = c.page_size("page_size", req.page_size, 20, 100);
    let before = c.page_after_seq("page_token", &req.page_token);
    c.finish()?;
    host.catch_up(caller).await?;
    let inbox = host.inbox();
    let mut tx = host.db().begin_read().await?;
    let mut page = inbox
        .page(&mut tx, caller.subject_id, req.unread_only, before, limit)
        .await?;
    let more = page.len() > limit as usize;
    page.truncate(limit as usize);
    let mut notices = Vec::with_capacity(page.len());
    for n in &page {
        notices.push(to_wire(host, &mut tx, caller, n).await?);
    }
    let unread_count = inbox.unread(&mut tx, caller.subject_id).await?;
    tx.commit().await?;
    let next_page_token = match page.last() {
        Some(last) if more => last.seq.to_string(),
        _ => String::new(),
    };
    Ok(ListNoticesResponse {
        notices,
        next_page_token,
        unread_count,
    })
}

async fn count<H: NoticeHost>(host: &H, caller: &Caller) -> Result<UnreadNotices, Error> {
    host.catch_up(caller).await?;
    let mut tx = host.db().begin_read().await?;
    let unread_count = host.inbox().unread(&mut tx, caller.subject_id).await?;
    tx.commit().await?;
    Ok(UnreadNotices { unread_count })
}

async fn mark_read<H: NoticeHost>(host: &H, caller: &Caller, req: MarkNoticeReadRequest) -> Result<WireNotice, Error> {
    let mut c = Checker::new();
    let id: Uuid = c.id("notification_id", &req.notification_id);
    c.finish()?;
    let inbox = host.inbox();
    let now = host.now();
    let mut tx = host.db().begin_write().await?;
    let not_found = || Error::NotFound(format!("Không tìm thấy thông báo {id}"));
    let before = inbox.get(&mut tx, caller.subject_id, id).await?.ok_or_else(not_found)?;
    if inbox.mark_read(&mut tx, caller.subject_id, id, now).await? {
        let after = Notice {
            read_at: Some(now),
            ..before.clone()
        };
        let change = Change {
            office_id: caller.office_id,
            entity: "notification",
            entity_id: id.to_string(),
            action: "read",
            before: Some(before.audit_json()),
            after: Some(after.audit_json()),
        };
        audit::record(&mut tx, caller, now, change).await?;
    }
    let after = inbox.get(&mut tx, caller.subject_id, id).await?.ok_or_else(not_found)?;
    let answer = to_wire(host, &mut tx, caller, &after).await?;
    tx.commit().await?;
    Ok(answer)
}

async fn mark_all_read<H: NoticeHost>(host: &H, caller: &Caller) -> Result<MarkAllNoticesReadResponse, Error> {
    let now = host.now();
    let mut tx = host.db().begin_write().await?;
    let marked = host.inbox().mark_all_read(&mut tx, caller.subject_id, now).await?;
    if marked > 0 {
        let change = Change {
            office_id: caller.office_id,
            entity: "notification",
            entity_id: caller.subject_id.to_string(),
            action: "read_all",
            before: None,
            after: Some(serde_json::json!({
                "user_id": caller.subject_id.to_string(),
                "marked": marked,
                "read_at": now.to_rfc3339(),
            })),
        };
        audit::record(&mut tx, caller, now, change).await?;
    }
    tx.commit().await?;
    Ok(MarkAllNoticesReadResponse {
        marked: i64::try_from(marked).unwrap_or(i64::MAX),
    })
}

/// Implements each named generated `NotificationService` trait (one per
/// proto package, identical but for the package) for [`NoticesApi`].
macro_rules! notice_services {
    ($($service:path),+ $(,)?) => {$(
        #[tonic::async_trait]
        impl<H: NoticeHost> $service for NoticesApi<H> {
            async fn list_notifications(
                &self,
                request: tonic::Request<ListNoticesRequest>,
            ) -> Result<tonic::Response<ListNoticesResponse>, tonic::Status> {
                let caller = Caller::of(&request)?;
                Ok(tonic::Response::new(list(self.host.as_ref(), &caller, request.into_inner()).await?))
            }

            async fn count_unread_notifications(
                &self,
                request: tonic::Request<CountUnreadNoticesRequest>,
            ) -> Result<tonic::Response<UnreadNotices>, tonic::Status> {
                let caller = Caller::of(&request)?;
                Ok(tonic::Response::new(count(self.host.as_ref(), &caller).await?))
            }

            async fn mark_notification_read(
                &self,
                request: tonic::Request<MarkNoticeReadRequest>,
            ) -> Result<tonic::Response<WireNotice>, tonic::Status> {
                let caller = Caller::of(&request)?;
                Ok(tonic::Response::new(mark_read(self.host.as_ref(), &caller, request.into_inner()).await?))
            }

            async fn mark_all_notifications_read(
                &self,
                request: tonic::Request<MarkAllNoticesReadRequest>,
            ) -> Result<tonic::Response<MarkAllNoticesReadResponse>, tonic::Status> {
                let caller = Caller::of(&request)?;
                Ok(tonic::Response::new(mark_all_read(self.host.as_ref(), &caller).await?))
            }
        }
    )+};
}

notice_services!(
    vanphong_proto::petitions::v1::notification_service_server::NotificationService,
    vanphong_proto::reporting::v1::notification_service_server::NotificationService,
);
