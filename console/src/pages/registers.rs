//! Register books (sổ văn bản, docs/domain.md §2.6) for a period picked
//! with two dates typed dd/mm/yyyy: the documents service writes the spreadsheet, the
//! console hands it over as a file download named in Vietnamese.

use askama::Template;
use axum::extract::Query;
use axum::response::{Html, IntoResponse, Response};
use chrono::Datelike;
use http::StatusCode;
use serde::Deserialize;

use vanphong_proto::documents::v1::{ExportRegisterRequest, FileFormat, RegisterBook};

use super::choices::Choice;
use super::form::{FormData, Refusal};
use super::{Ctx, Layout, Me};
use crate::errors::ConsoleError;
use crate::format;

/// The books, by the value the form sends.
const BOOKS: [(&str, RegisterBook, &str); 3] = [
    ("incoming", RegisterBook::Incoming, "Sổ đăng ký văn bản đến"),
    ("outgoing", RegisterBook::Outgoing, "Sổ đăng ký văn bản đi"),
    ("handling", RegisterBook::Handling, "Sổ theo dõi giải quyết văn bản đến"),
];

#[derive(Template)]
#[template(path = "registers.html")]
struct RegistersPage {
    layout: Layout,
    books: Vec<Choice>,
    from: String,
    to: String,
    refusal: Option<Refusal>,
}

impl RegistersPage {
    fn error(&self, field: &str) -> String {
        self.refusal.as_ref().map(|r| r.about(field)).unwrap_or_default()
    }
}

#[derive(Deserialize)]
pub struct Period {
    #[serde(default)]
    book: String,
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
}

fn form_page(me: &Me, period: &Period, refusal: Option<Refusal>) -> RegistersPage {
    RegistersPage {
        layout: me.layout("Sổ văn bản", "/registers"),
        books: BOOKS
            .iter()
            .map(|(value, _, label)| Choice {
                value: value.to_string(),
                label: label.to_string(),
                selected: *value == period.book,
            })
            .collect(),
        from: period.from.clone(),
        to: period.to.clone(),
        refusal,
    }
}

/// `GET /registers`: the book and the period, from the first day of this
/// year to today unless given.
pub async fn form(ctx: Ctx, Query(mut period): Query<Period>) -> Result<Html<String>, ConsoleError> {
    let me = ctx.me().await?;
    let today = ctx.today();
    if period.from.is_empty() {
        period.from = today.with_ordinal(1).unwrap_or(today).format("%d/%m/%Y").to_string();
    }
    if period.to.is_empty() {
        period.to = ctx.today_typed();
    }
    Ok(Html(form_page(&me, &period, None).render()?))
}

/// `GET /registers/download?book=…&from=…&to=…`: the book as an XLSX
/// file, or the form again with the service's words about the dates.
pub async fn download(ctx: Ctx, Query(period): Query<Period>) -> Result<Response, ConsoleError> {
    let me = ctx.me().await?;
    let refused = |refusal: Refusal| -> Result<Response, ConsoleError> {
        let page = form_page(&me, &period, Some(refusal));
        Ok((StatusCode::BAD_REQUEST, Html(page.render()?)).into_response())
    };
    let Some((_, book, title)) = BOOKS.iter().find(|(value, _, _)| *value == period.book) else {
        return refused(Refusal::field("book", "Vui lòng chọn sổ"));
    };
    let typed = FormData(vec![
        ("from".into(), period.from.clone()),
        ("to".into(), period.to.clone()),
    ]);
    let dates = match typed.with_dates(&["from", "to"]) {
        Ok(dates) => dates,
        Err(refusal) => return refused(refusal),
    };
    let (from, to) = (dates.get("from"), dates.get("to"));
    let request = ExportRegisterRequest {
        book: *book as i32,
        from: from.clone(),
        to: to.clone(),
        format: FileFormat::Unspecified as i32,
        ..Default::default()
    };
    let file = match ctx.services().registers()?.export_register(ctx.call(request)).await {
        Ok(file) => file.into_inner(),
        Err(status) if Refusal::shown_on_form(&status) => return refused(Refusal::of(&status)),
        Err(status) => return Err(status.into()),
    };
    let name = format!(
        "{title} từ {} đến {}.xlsx",
        format::date(&from).replace('/', "-"),
        format::date(&to).replace('/', "-")
    );
    Ok(super::files::download(
        &file.file_name,
        &name,
        &file.content_type,
        file.content,
    ))
}
