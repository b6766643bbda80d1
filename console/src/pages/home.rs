//! The home page: the person's work, per role, with counts, each leading to
//! its list.

use askama::Template;
use axum::response::Html;

use super::work::{self, View};
use super::{Ctx, Layout};
use crate::errors::ConsoleError;

/// One count of the home page.
struct Card {
    title: &'static str,
    hint: &'static str,
    count: String,
    href: String,
    /// Some to do that asks for attention.
    alert: bool,
}

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage {
    layout: Layout,
    full_name: String,
    office_name: String,
    cards: Vec<Card>,
    /// Whether the person has no work the console shows yet.
    no_documents: bool,
    /// Clerks register what arrives on paper.
    can_register: bool,
}

/// `GET /`: the counts of every view that is the person's work.
pub async fn page(ctx: Ctx) -> Result<Html<String>, ConsoleError> {
    let me = ctx.me().await?;
    let views = View::of(&me);
    let mut cards = Vec::with_capacity(views.len());
    for view in views {
        let listed = work::list(&ctx, &me, view, "").await?;
        let n = listed.documents.len();
        cards.push(Card {
            title: view.title(),
            hint: view.hint(),
            count: if listed.more { format!("{n}+") } else { n.to_string() },
            href: format!("/documents?view={}", view.slug()),
            alert: view.urgent() && n > 0,
        });
    }
    let page = HomePage {
        layout: me.layout("Việc của tôi", "/"),
        full_name: me.principal.full_name.clone(),
        office_name: me.principal.office_name.clone(),
        no_documents: !me.works_on_documents(),
        can_register: me.has(vanphong_proto::directory::v1::Role::Clerk),
        cards,
    };
    Ok(Html(page.render()?))
}
