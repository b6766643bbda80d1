//! The notifications page behind the header's bell: the person's notices
//! (the documents service's `NotificationService`, which shows each person
//! only their own), newest first, unread ones marked; each opens its
//! document, marked read on the way, and all can be marked read at once.

use askama::Template;
use axum::extract::{Path, Query};
use axum::response::{Html, IntoResponse, Redirect, Response};

use vanphong_proto::documents::v1::{
    Direction, ListNotificationsRequest, MarkAllNotificationsReadRequest, MarkNotificationReadRequest, Notification,
    NotificationKind,
};

use super::form::FormData;
use super::{Ctx, Layout};
use crate::errors::ConsoleError;
use crate::format;

/// One notice as listed.
struct Row {
    id: String,
    what: String,
    /// "Số 05/QĐ-UBND · Về việc …", or a plain phrase when the document
    /// can no longer be seen.
    about: String,
    /// Where the document's page is; none when it can no longer be seen.
    href: Option<String>,
    by: String,
    detail: String,
    at: String,
    unread: bool,
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
            "Văn bản bạn không còn quyền xem".into()
        };
        let detail = match n.kind() {
            NotificationKind::Deadline => format!("Hạn xử lý: {}", format::date(&n.note)),
            NotificationKind::Receipt => format!("Tình trạng: {}", n.note),
            _ if n.note.is_empty() => String::new(),
            _ => format!("Ghi chú: {}", n.note),
        };
        Row {
            id: n.notification_id.clone(),
            what: n.title.clone(),
            about,
            href: seen.then(|| item_href(n)),
            by: n.actor_name.clone(),
            detail,
            at: format::timestamp(n.created_at.as_ref()),
            unread: n.read_at.is_none(),
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
    page: String,
    m: Option<String>,
}

/// `GET /notifications[?view=unread][&page=…]`.
pub async fn list(ctx: Ctx, Query(query): Query<ListQuery>) -> Result<Html<String>, ConsoleError> {
    let me = ctx.me().await?;
    let unread_only = query.view == "unread";
    let call = ctx.call(ListNotificationsRequest {
        unread_only,
        page_size: 20,
        page_token: query.page.clone(),
    });
    let answer = ctx
        .services()
        .notifications()?
        .list_notifications(call)
        .await?
        .into_inner();
    let base = if unread_only {
        "/notifications?view=unread"
    } else {
        "/notifications?view=all"
    };
    let page = NotificationsPage {
        layout: Layout {
            unread: Some(answer.unread_count),
            ..me.layout("Thông báo", "")
        },
        rows: answer.notifications.iter().map(Row::of).collect(),
        unread_only,
        unread_count: answer.unread_count,
        next: (!answer.next_page_token.is_empty())
            .then(|| format!("{base}&page={}", format::url_encode(&answer.next_page_token))),
        first: (!query.page.is_empty()).then(|| base.to_string()),
        message: match query.m.as_deref() {
            Some("read-all") => Some("Đã đánh dấu tất cả thông báo là đã đọc."),
            Some("read") => Some("Đã đánh dấu thông báo là đã đọc."),
            _ => None,
        },
    };
    Ok(Html(page.render()?))
}

/// `POST /notifications/{id}/read` (back to the list) or
/// `POST /notifications/{id}/open` (on to its document): marks it read.
pub async fn mark_read(
    ctx: Ctx,
    Path((id, action)): Path<(String, String)>,
    _form: FormData,
) -> Result<Response, ConsoleError> {
    ctx.session()?;
    if action != "read" && action != "open" {
        return Err(ConsoleError::NotFound);
    }
    ConsoleError::check_id(&id)?;
    let call = ctx.call(MarkNotificationReadRequest { notification_id: id });
    let notice = ctx
        .services()
        .notifications()?
        .mark_notification_read(call)
        .await
        .map_err(ConsoleError::unseen)?
        .into_inner();
    let seen = !notice.document_subject.is_empty() || !notice.document_number.is_empty();
    let to = if action == "open" && seen {
        item_href(&notice)
    } else {
        "/notifications?m=read".into()
    };
    Ok(Redirect::to(&to).into_response())
}

/// `POST /notifications/read-all`.
pub async fn mark_all_read(ctx: Ctx, _form: FormData) -> Result<Response, ConsoleError> {
    ctx.session()?;
    let call = ctx.call(MarkAllNotificationsReadRequest {});
    ctx.services()
        .notifications()?
        .mark_all_notifications_read(call)
        .await?;
    Ok(Redirect::to("/notifications?m=read-all").into_response())
}
