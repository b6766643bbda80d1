//! The `NotificationService` of every service, written once over the
//! platform's [`Inbox`] (as [`crate::audit_api`] is for the audit trail): a
//! person lists, counts and marks read only their own notices, and is
//! first given the deadline notices no step writes. A service gives its
//! inbox, the query of its records due soon and how a notice reads to its
//! person ([`NoticeHost`]). Petitions and reporting answer with the shared
//! `vanphong.common.v1.Notice` ([`NoticesApi`], their kinds' titles and
//! record names given by [`CommonNotices`]); documents keeps its own
//! messages and calls [`list`], [`unread_count`], [`mark_read`] and
//! [`mark_all_read`] from its service.

use std::future::Future;
use std::ops::Deref;
use std::sync::Arc;

use uuid::Uuid;

use vanphong_proto::common::v1::{
    CountUnreadNoticesRequest, ListNoticesRequest, ListNoticesResponse, MarkAllNoticesReadRequest,
    MarkAllNoticesReadResponse, MarkNoticeReadRequest, Notice as WireNotice, UnreadNotices,
};

use crate::Error;
use crate::audit::{self, Change};
use crate::clock::to_timestamp;
use crate::db::Tx;
use crate::host::ServiceContext;
use crate::identity::Caller;
use crate::notifications::{DeadlineQuery, Inbox, NewNotice, Notice};
use crate::validate::{Checker, due_soon_until};

/// What a service gives its notification RPCs: implemented by its shared
/// state, which derefs to its [`ServiceContext`].
pub trait NoticeHost: Deref<Target = ServiceContext> + Send + Sync + 'static {
    /// A notice as the service's contract shows it.
    type Wire: Send;
    /// Where its notices live.
    const INBOX: Inbox;
    /// Its records whose deadline draws near for a person.
    const DEADLINES: DeadlineQuery;

    /// How `notice` reads to `caller`: the record named only while they
    /// may still see it.
    fn to_wire(
        &self,
        tx: &mut Tx,
        caller: &Caller,
        notice: &Notice,
    ) -> impl Future<Output = Result<Self::Wire, Error>> + Send;
}

/// A service answering with the shared `vanphong.common.v1.Notice`
/// (petitions, reporting): it says what each kind of its notices means and
/// how it names a record, and is a [`NoticeHost`] by that.
pub trait CommonNotices: Deref<Target = ServiceContext> + Send + Sync + 'static {
    /// Where its notices live.
    const INBOX: Inbox;
    /// Its records whose deadline draws near for a person.
    const DEADLINES: DeadlineQuery;
    /// What each kind of notice says ("Báo cáo của bạn bị trả lại").
    const TITLES: &'static [(&'static str, &'static str)];
    /// What a notice of any other kind says.
    const OTHER_TITLE: &'static str;

    /// `record` as people name it, while `caller` may still see it; empty
    /// otherwise.
    fn record_label(
        &self,
        tx: &mut Tx,
        caller: &Caller,
        record: Uuid,
    ) -> impl Future<Output = Result<String, Error>> + Send;
}

impl<T: CommonNotices> NoticeHost for T {
    type Wire = WireNotice;
    const INBOX: Inbox = <T as CommonNotices>::INBOX;
    const DEADLINES: DeadlineQuery = <T as CommonNotices>::DEADLINES;

    async fn to_wire(&self, tx: &mut Tx, caller: &Caller, n: &Notice) -> Result<WireNotice, Error> {
        let title = T::TITLES
            .iter()
            .find(|(kind, _)| *kind == n.kind)
            .map_or(T::OTHER_TITLE, |(_, title)| title);
        Ok(WireNotice {
            notification_id: n.id.to_string(),
            kind: n.kind.clone(),
            title: title.to_string(),
            record_id: n.record_id.to_string(),
            record_label: self.record_label(tx, caller, n.record_id).await?,
            actor_name: n.actor_name.clone(),
            note: n.note.clone(),
            created_at: Some(to_timestamp(n.at)),
            read_at: n.read_at.map(to_timestamp),
        })
    }
}

/// The notification RPCs of a service answering with the shared messages:
/// `NotificationServiceServer::new(NoticesApi::new(..))`.
pub struct NoticesApi<H> {
    host: Arc<H>,
}

impl<H: NoticeHost> NoticesApi<H> {
    pub fn new(host: Arc<H>) -> Self {
        NoticesApi { host }
    }
}

/// Writes the deadline notices `caller` is due and has not had yet, once
/// each. A read (the bell on every page) opens a write transaction only
/// when there is one to write.
async fn catch_up<H: NoticeHost>(host: &H, caller: &Caller) -> Result<(), Error> {
    let today = host.today();
    let soon = due_soon_until(0, today)?;
    let due = host
        .db
        .read(async |tx| H::DEADLINES.due_soon(tx, caller.subject_id, today, soon).await)
        .await?;
    if due.is_empty() {
        return Ok(());
    }
    let now = host.now();
    let mut tx = host.db.begin_write().await?;
    for (record, deadline) in due {
        let notice = NewNotice::deadline(caller.subject_id, record, deadline, now);
        H::INBOX.add(&mut tx, &notice).await?;
    }
    tx.commit().await?;
    Ok(())
}

/// A page of a person's notices, newest first.
pub struct NoticePage<W> {
    pub notices: Vec<W>,
    /// Where the next page starts; empty on the last.
    pub next_page_token: String,
    /// All their unread notices, not only this page's.
    pub unread_count: i64,
}

/// `caller`'s notices (only the unread ones when asked), `page_size` at a
/// time (default 20, at most 100) after `page_token`.
pub async fn list<H: NoticeHost>(
    host: &H,
    caller: &Caller,
    unread_only: bool,
    page_size: i32,
    page_token: &str,
) -> Result<NoticePage<H::Wire>, Error> {
    let mut c = Checker::new();
    let limit = c.page_size("page_size", page_size, 20, 100);
    let before = c.page_after_seq("page_token", page_token);
    c.finish()?;
    catch_up(host, caller).await?;
    let inbox = H::INBOX;
    let mut tx = host.db.begin_read().await?;
    let mut page = inbox
        .page(&mut tx, caller.subject_id, unread_only, before, limit)
        .await?;
    let more = page.len() > limit as usize;
    page.truncate(limit as usize);
    let mut notices = Vec::with_capacity(page.len());
    for n in &page {
        notices.push(host.to_wire(&mut tx, caller, n).await?);
    }
    let unread_count = inbox.unread(&mut tx, caller.subject_id).await?;
    tx.commit().await?;
    let next_page_token = match page.last() {
        Some(last) if more => last.seq.to_string(),
        _ => String::new(),
    };
    Ok(NoticePage {
        notices,
        next_page_token,
        unread_count,
    })
}

/// How many of `caller`'s notices are unread.
pub async fn unread_count<H: NoticeHost>(host: &H, caller: &Caller) -> Result<i64, Error> {
    catch_up(host, caller).await?;
    let unread_count = host
        .db
        .read(async |tx| H::INBOX.unread(tx, caller.subject_id).await)
        .await?;
    Ok(unread_count)
}

/// Marks `caller`'s notice `notification_id` read (audited when it was
/// unread) and gives it back.
pub async fn mark_read<H: NoticeHost>(host: &H, caller: &Caller, notification_id: &str) -> Result<H::Wire, Error> {
    let mut c = Checker::new();
    let id: Uuid = c.id("notification_id", notification_id);
    c.finish()?;
    let inbox = H::INBOX;
    let now = host.now();
    let mut tx = host.db.begin_write().await?;
    let not_found = || Error::NotFound(format!("Không tìm thấy thông báo {id}"));
    let before = inbox.get(&mut tx, caller.subject_id, id).await?.ok_or_else(not_found)?;
    if inbox.mark_read(&mut tx, caller.subject_id, id, now).await? {
        let after = Notice {
            read_at: Some(now),
            ..before.clone()
        };
        let change = Change::new(caller.office_id, "notification", id, "read")
            .before(before.audit_json())
            .after(after.audit_json());
        audit::record(&mut tx, caller, now, change).await?;
    }
    let after = inbox.get(&mut tx, caller.subject_id, id).await?.ok_or_else(not_found)?;
    let answer = host.to_wire(&mut tx, caller, &after).await?;
    tx.commit().await?;
    Ok(answer)
}

/// Marks every unread notice of `caller` read (one audit record when there
/// was any); how many were.
pub async fn mark_all_read<H: NoticeHost>(host: &H, caller: &Caller) -> Result<i64, Error> {
    let now = host.now();
    let mut tx = host.db.begin_write().await?;
    let marked = H::INBOX.mark_all_read(&mut tx, caller.subject_id, now).await?;
    if marked > 0 {
        let change =
            Change::new(caller.office_id, "notification", caller.subject_id, "read_all").after(serde_json::json!({
                "user_id": caller.subject_id.to_string(),
                "marked": marked,
                "read_at": now.to_rfc3339(),
            }));
        audit::record(&mut tx, caller, now, change).await?;
    }
    tx.commit().await?;
    Ok(i64::try_from(marked).unwrap_or(i64::MAX))
}

/// Implements each named generated `NotificationService` trait (one per
/// proto package, identical but for the package) for [`NoticesApi`].
macro_rules! notice_services {
    ($($service:path),+ $(,)?) => {$(
        #[tonic::async_trait]
        impl<H: NoticeHost<Wire = WireNotice>> $service for NoticesApi<H> {
            async fn list_notifications(
                &self,
                request: tonic::Request<ListNoticesRequest>,
            ) -> Result<tonic::Response<ListNoticesResponse>, tonic::Status> {
                let (caller, req) = Caller::split(request)?;
                let page = list(self.host.as_ref(), &caller, req.unread_only, req.page_size, &req.page_token).await?;
                Ok(tonic::Response::new(ListNoticesResponse {
                    notices: page.notices,
                    next_page_token: page.next_page_token,
                    unread_count: page.unread_count,
                }))
            }

            async fn count_unread_notifications(
                &self,
                request: tonic::Request<CountUnreadNoticesRequest>,
            ) -> Result<tonic::Response<UnreadNotices>, tonic::Status> {
                let caller = Caller::of(&request)?;
                let unread_count = unread_count(self.host.as_ref(), &caller).await?;
                Ok(tonic::Response::new(UnreadNotices { unread_count }))
            }

            async fn mark_notification_read(
                &self,
                request: tonic::Request<MarkNoticeReadRequest>,
            ) -> Result<tonic::Response<WireNotice>, tonic::Status> {
                let caller = Caller::of(&request)?;
                let id = &request.get_ref().notification_id;
                Ok(tonic::Response::new(mark_read(self.host.as_ref(), &caller, id).await?))
            }

            async fn mark_all_notifications_read(
                &self,
                request: tonic::Request<MarkAllNoticesReadRequest>,
            ) -> Result<tonic::Response<MarkAllNoticesReadResponse>, tonic::Status> {
                let caller = Caller::of(&request)?;
                let marked = mark_all_read(self.host.as_ref(), &caller).await?;
                Ok(tonic::Response::new(MarkAllNoticesReadResponse { marked }))
            }
        }
    )+};
}

notice_services!(
    vanphong_proto::petitions::v1::notification_service_server::NotificationService,
    vanphong_proto::reporting::v1::notification_service_server::NotificationService,
);
