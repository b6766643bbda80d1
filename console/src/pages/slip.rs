//! The printable processing slip (phiếu xử lý) of an incoming document: its
//! particulars, the leader's direction with the handlers and deadline, and
//! its history, on one A4 page that the browser prints (the stylesheet's
//! print rules drop the console's header and menus).

use askama::Template;
use axum::extract::Path;
use axum::response::Html;

use vanphong_proto::documents::v1::Direction;

use super::documents::{EventLine, arrival, get, history};
use super::{Ctx, Layout, people};
use crate::errors::ConsoleError;
use crate::format;

#[derive(Template)]
#[template(path = "slip.html")]
struct SlipPage {
    layout: Layout,
    id: String,
    office_name: String,
    arrival: String,
    received: String,
    number_symbol: String,
    issued_on: String,
    issuer: String,
    subject: String,
    urgency: &'static str,
    secrecy: &'static str,
    leader: String,
    direction_note: String,
    lead_handler: String,
    coordinators: String,
    deadline: String,
    events: Vec<EventLine>,
    printed: String,
}

/// `GET /documents/{id}/slip`.
pub async fn page(ctx: Ctx, Path(id): Path<String>) -> Result<Html<String>, ConsoleError> {
    let me = ctx.me().await?;
    let document = get(&ctx, &id).await?;
    if document.direction == Direction::Outgoing as i32 {
        return Err(ConsoleError::NotFound);
    }
    let people = people::of_office(&ctx, &document.office_id, "").await?;
    let handling = document.handling.clone().unwrap_or_default();
    let page = SlipPage {
        layout: me.layout(format!("Phiếu xử lý văn bản {}", document.number_symbol), "/documents"),
        id: document.id.clone(),
        office_name: document.office_name.clone(),
        arrival: arrival(&document),
        received: format::timestamp(document.received_at.as_ref()),
        number_symbol: document.number_symbol.clone(),
        issued_on: format::date(&document.issued_on),
        issuer: document.issuer_name.clone(),
        subject: document.subject.clone(),
        urgency: format::urgency(document.urgency),
        secrecy: format::secrecy(document.secrecy),
        leader: handling.leader_name.clone(),
        direction_note: handling.note.clone(),
        lead_handler: handling.lead_handler_name.clone(),
        coordinators: handling.coordinator_names.join(", "),
        deadline: format::date(&handling.deadline),
        events: history(&document, &people),
        printed: format::date(&ctx.today().format("%Y-%m-%d").to_string()),
    };
    Ok(Html(page.render()?))
}
