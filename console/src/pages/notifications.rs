//! The notifications page behind the header's bell: the person's notices
//! of documents, petitions and reports (each service's
//! `NotificationService`, which shows each person only their own), newest
//! first, unread ones marked; each opens its record, marked read on the
//! way, and all can be marked read at once.
//!
//! The page merges one page of each service's notices; the next page goes
//! on from where each service's page ended (`d`, `p`, `r` in the URL: a
//! service's page token, `x` once it has no more).

use askama::Template;
use axum::extract::{Path, Query};
use axum::response::{Html, IntoResponse, Redirect, Response};
use prost_types::Timestamp;

use vanphong_proto::common::v1::{ListNoticesRequest, MarkAllNoticesReadRequest, MarkNoticeReadRequest, Notice};
use vanphong_proto::documents::v1::{
    Direction, ListNotificationsRequest, MarkAllNotificationsReadRequest, MarkNotificationReadRequest, Notification,
    NotificationKind,
};

use super::form::FormData;
use super::{Ctx, Layout};
use crate::errors::ConsoleError;
use crate::format;

/// Notices asked of each service for one page.
const PAGE: i32 = 20;

/// A service keeping notices.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Source {
    Documents,
    Petitions,
    Reports,
}

impl Source {
    const ALL: [Source; 3] = [Source::Documents, Source::Petitions, Source::Reports];

    /// Its name in forms and its page token's name in URLs.
    fn code(self) -> &'static str {
        match self {
            Source::Documents => "documents",
            Source::Petitions => "petitions",
            Source::Reports => "reports",
        }
    }

    fn param(self) -> &'static str {
        match self {
            Source::Documents => "d",
            Source::Petitions => "p",
            Source::Reports => "r",
        }
    }

    fn of(code: &str) -> Option<Source> {
        Source::ALL.into_iter().find(|s| s.code() == code)
    }

    /// The page of a record a notice is about.
    fn record_href(self, id: &str) -> String {
        match self {
            Source::Documents => format!("/documents/{id}"),
            Source::Petitions => format!("/petitions/{id}"),
            Source::Reports => format!("/reports/{id}"),
        }
    }

    /// The button that opens the record.
    fn open_label(self) -> &'static str {
        match self {
            Source::Documents => "Xem văn bản",
            Source::Petitions => "Xem đơn",
            Source::Reports => "Xem báo cáo",
        }
    }

    /// What a notice about a record the person no longer sees says.
    fn unseen(self) -> &'static str {
        match self {
            Source::Documents => "Văn bản bạn không còn quyền xem",
            Source::Petitions => "Đơn bạn không còn quyền xem",
            Source::Reports => "Báo cáo bạn không còn quyền xem",
        }
    }
}

/// One notice as listed.
struct Row {
    id: String,
    source: &'static str,
    open_label: &'static str,
    what: String,
    /// "Số 05/QĐ-UBND · Về việc …", or a plain phrase when the record can
    /// no longer be seen.
    about: String,
    /// Where the record's page is; none when it can no longer be seen.
    href: Option<String>,
    by: String,
    detail: String,
    at: String,
    unread: bool,
    /// For the merge, newest first.
    sort: (i64, i32),
}

fn sort_key(t: Option<&Timestamp>) -> (i64, i32) {
    t.map(|t| (t.seconds, t.nanos)).unwrap_or_default()
}

impl Row {
    fn of(n: &Notification) -> Self {
        let seen = !n.document_subject.is_empty() || !n.document_number.is_empty();
        let about = if seen {
            [n.document_number.as_str(), n.document_subject.as_str()]
                .into_iter()
                .filter(|s| !s.is_empty())
                .collect::<Vec<_>>()
                .join(" · ")
        } else {
            Source::Documents.unseen().into()
        };
        let detail = match n.kind() {
            NotificationKind::Deadline => format!("Hạn xử lý: {}", format::date(&n.note)),
            NotificationKind::Receipt => format!("Tình trạng: {}", n.note),
            _ if n.note.is_empty() => String::new(),
            _ => format!("Ghi chú: {}", n.note),
        };
        Row {
            id: n.notification_id.clone(),
            source: Source::Documents.code(),
            open_label: Source::Documents.open_label(),
            what: n.title.clone(),
            about,
            href: seen.then(|| item_href(n)),
            by: n.actor_name.clone(),
            detail,
            at: format::timestamp(n.created_at.as_ref()),
            unread: n.read_at.is_none(),
            sort: sort_key(n.created_at.as_ref()),
        }
    }

    fn of_notice(source: Source, n: &Notice) -> Self {
        let seen = !n.record_label.is_empty();
        let detail = match n.kind.as_str() {
            "deadline" => format!("Hạn: {}", format::date(&n.note)),
            _ if n.note.is_empty() => String::new(),
            "returned" => format!("Lý do: {}", n.note),
            _ => format!("Ghi chú: {}", n.note),
        };
        Row {
            id: n.notification_id.clone(),
            source: source.code(),
            open_label: source.open_label(),
            what: n.title.clone(),
            about: if seen {
                n.record_label.clone()
            } else {
                source.unseen().into()
            },
            href: seen.then(|| source.record_href(&n.record_id)),
            by: n.actor_name.clone(),
            detail,
            at: format::timestamp(n.created_at.as_ref()),
            unread: n.read_at.is_none(),
            sort: sort_key(n.created_at.as_ref()),
        }
    }
}

/// The page of the document a notice is about.
fn item_href(n: &Notification) -> String {
    match n.direction() {
        Direction::Outgoing => format!("/outgoing/{}", n.document_id),
        _ => format!("/documents/{}", n.document_id),
    }
}

#[derive(Template)]
#[template(path = "notifications.html")]
struct NotificationsPage {
    layout: Layout,
    rows: Vec<Row>,
    unread_only: bool,
    unread_count: i64,
    next: Option<String>,
    first: Option<String>,
    message: Option<&'static str>,
}

#[derive(serde::Deserialize)]
pub struct ListQuery {
    #[serde(default)]
    view: String,
    #[serde(default)]
    d: String,
    #[serde(default)]
    p: String,
    #[serde(default)]
    r: String,
    m: Option<String>,
}

impl ListQuery {
    fn token(&self, source: Source) -> &str {
        match source {
            Source::Documents => &self.d,
            Source::Petitions => &self.p,
            Source::Reports => &self.r,
        }
    }
}

/// One service's page: its rows, its next page token ("x" when none) and
/// its unread count.
type Answer = Result<(Vec<Row>, String, i64), ConsoleError>;

fn next_of(token: String) -> String {
    if token.is_empty() { "x".into() } else { token }
}

/// `GET /notifications[?view=unread][&d=…&p=…&r=…]`.
pub async fn list(ctx: Ctx, Query(query): Query<ListQuery>) -> Result<Html<String>, ConsoleError> {
    let me = ctx.me().await?;
    let unread_only = query.view == "unread";
    let services = ctx.services();
    let done = |source: Source| query.token(source) == "x";
    let documents = async {
        if done(Source::Documents) {
            return Ok((Vec::new(), "x".into(), 0));
        }
        let call = ctx.call(ListNotificationsRequest {
            unread_only,
            page_size: PAGE,
            page_token: query.d.clone(),
        });
        let a = services.notifications()?.list_notifications(call).await?.into_inner();
        Ok((
            a.notifications.iter().map(Row::of).collect(),
            next_of(a.next_page_token),
            a.unread_count,
        ))
    };
    let notices = |source: Source| {
        let ctx = &ctx;
        let query = &query;
        async move {
            if query.token(source) == "x" {
                return Ok((Vec::new(), "x".into(), 0));
            }
            let request = ListNoticesRequest {
                unread_only,
                page_size: PAGE,
                page_token: query.token(source).to_string(),
            };
            let a = match source {
                Source::Petitions => services.petition_notices()?.list_notifications(ctx.call(request)).await,
                _ => services.report_notices()?.list_notifications(ctx.call(request)).await,
            }?
            .into_inner();
            let rows = a.notices.iter().map(|n| Row::of_notice(source, n)).collect();
            Ok((rows, next_of(a.next_page_token), a.unread_count))
        }
    };
    let (documents, petitions, reports): (Answer, Answer, Answer) =
        tokio::join!(documents, notices(Source::Petitions), notices(Source::Reports));
    let mut rows = Vec::new();
    let mut unread_count = 0;
    let mut next = Vec::new();
    for (source, answer) in Source::ALL.into_iter().zip([documents, petitions, reports]) {
        match answer {
            Ok((mut page, token, unread)) => {
                rows.append(&mut page);
                unread_count += unread;
                next.push((source, token));
            }
            // A service not in this deployment has nothing to tell.
            Err(ConsoleError::NotConfigured(_)) => next.push((source, "x".into())),
            Err(error) => return Err(error),
        }
    }
    rows.sort_by_key(|r| std::cmp::Reverse(r.sort));
    let base = if unread_only {
        "/notifications?view=unread"
    } else {
        "/notifications?view=all"
    };
    let more = next.iter().any(|(_, t)| t != "x");
    let next = more.then(|| {
        let mut href = base.to_string();
        for (source, token) in &next {
            href.push_str(&format!("&{}={}", source.param(), format::url_encode(token)));
        }
        href
    });
    let paged = Source::ALL.iter().any(|s| !query.token(*s).is_empty());
    let page = NotificationsPage {
        layout: Layout {
            unread: Some(unread_count),
            ..me.layout("Thông báo", "")
        },
        rows,
        unread_only,
        unread_count,
        next,
        first: paged.then(|| base.to_string()),
        message: match query.m.as_deref() {
            Some("read-all") => Some("Đã đánh dấu tất cả thông báo là đã đọc."),
            Some("read") => Some("Đã đánh dấu thông báo là đã đọc."),
            _ => None,
        },
    };
    Ok(Html(page.render()?))
}

/// `POST /notifications/{id}/read` (back to the list) or
/// `POST /notifications/{id}/open` (on to its record): marks it read in
/// the service the form names (`source`; documents when absent).
pub async fn mark_read(
    ctx: Ctx,
    Path((id, action)): Path<(String, String)>,
    form: FormData,
) -> Result<Response, ConsoleError> {
    ctx.session()?;
    if action != "read" && action != "open" {
        return Err(ConsoleError::NotFound);
    }
    ConsoleError::check_id(&id)?;
    let source = match form.get("source").as_str() {
        "" => Source::Documents,
        code => Source::of(code).ok_or(ConsoleError::NotFound)?,
    };
    let services = ctx.services();
    let opened = match source {
        Source::Documents => {
            let call = ctx.call(MarkNotificationReadRequest { notification_id: id });
            let n = services
                .notifications()?
                .mark_notification_read(call)
                .await
                .map_err(ConsoleError::unseen)?
                .into_inner();
            let seen = !n.document_subject.is_empty() || !n.document_number.is_empty();
            seen.then(|| item_href(&n))
        }
        Source::Petitions | Source::Reports => {
            let call = ctx.call(MarkNoticeReadRequest { notification_id: id });
            let answer = if source == Source::Petitions {
                services.petition_notices()?.mark_notification_read(call).await
            } else {
                services.report_notices()?.mark_notification_read(call).await
            };
            let n = answer.map_err(ConsoleError::unseen)?.into_inner();
            (!n.record_label.is_empty()).then(|| source.record_href(&n.record_id))
        }
    };
    let to = match opened {
        Some(href) if action == "open" => href,
        _ => "/notifications?m=read".into(),
    };
    Ok(Redirect::to(&to).into_response())
}

/// `POST /notifications/read-all`: in every service that keeps notices.
pub async fn mark_all_read(ctx: Ctx, _form: FormData) -> Result<Response, ConsoleError> {
    ctx.session()?;
    let services = ctx.services();
    let documents = async {
        let call = ctx.call(MarkAllNotificationsReadRequest {});
        services.notifications()?.mark_all_notifications_read(call).await?;
        Ok::<_, ConsoleError>(())
    };
    let petitions = async {
        let call = ctx.call(MarkAllNoticesReadRequest {});
        services.petition_notices()?.mark_all_notifications_read(call).await?;
        Ok::<_, ConsoleError>(())
    };
    let reports = async {
        let call = ctx.call(MarkAllNoticesReadRequest {});
        services.report_notices()?.mark_all_notifications_read(call).await?;
        Ok::<_, ConsoleError>(())
    };
    let (documents, petitions, reports) = tokio::join!(documents, petitions, reports);
    for done in [documents, petitions, reports] {
        match done {
            Ok(()) | Err(ConsoleError::NotConfigured(_)) => {}
            Err(error) => return Err(error),
        }
    }
    Ok(Redirect::to("/notifications?m=read-all").into_response())
}
