//! A report's printable page (`GET /reports/{id}/print`): laid out as a
//! Party report is (docs/domain.md §5): the office above, its number, the
//! place and date line, "BÁO CÁO" and the title, the sections, the figures
//! with their charts, and the signature block; the browser prints it (the
//! stylesheet's print rules drop the console's header and menus).

use askama::Template;
use axum::extract::Path;
use axum::response::Html;
use chrono::{Datelike, NaiveDate};

use super::reports::{Figures, figures, get, status};
use super::{Ctx, Layout};
use crate::errors::ConsoleError;
use crate::format;

/// A section as printed: its title and its paragraphs.
struct PrintedSection {
    title: String,
    paragraphs: Vec<String>,
}

#[derive(Template)]
#[template(path = "report_print.html")]
struct PrintPage {
    layout: Layout,
    id: String,
    parent: String,
    office: String,
    number_symbol: String,
    date_line: String,
    title: String,
    period: String,
    status: &'static str,
    sections: Vec<PrintedSection>,
    figures: Option<Figures>,
    signing: String,
    signer_position: String,
    signer_name: String,
    printed: String,
}

/// "Hiệp Hòa, ngày 31 tháng 3 năm 2026", or the line left to fill in by
/// hand before the report is numbered.
fn date_line(place: &str, issued_on: &str) -> String {
    match NaiveDate::parse_from_str(issued_on, "%Y-%m-%d") {
        Ok(d) => format!("{place}, ngày {} tháng {} năm {}", d.day(), d.month(), d.year()),
        Err(_) => format!("{place}, ngày … tháng … năm …"),
    }
}

/// `GET /reports/{id}/print`.
pub async fn page(ctx: Ctx, Path(id): Path<String>) -> Result<Html<String>, ConsoleError> {
    let me = ctx.me().await?;
    let r = get(&ctx, &id).await?;
    let page = PrintPage {
        layout: me.layout(format!("In báo cáo · {}", r.title), "/reports"),
        id: r.id.clone(),
        parent: r.parent_office_name.to_uppercase(),
        office: r.office_name.to_uppercase(),
        number_symbol: r.number_symbol.clone(),
        date_line: date_line(&r.place, &r.issued_on),
        title: r.title.clone(),
        period: r
            .period
            .as_ref()
            .map(|p| format!("{} ({} – {})", p.label, format::date(&p.from), format::date(&p.to)))
            .unwrap_or_default(),
        status: status(r.status),
        sections: r
            .sections
            .iter()
            .map(|s| PrintedSection {
                title: s.title.clone(),
                paragraphs: s
                    .text
                    .lines()
                    .map(str::trim)
                    .filter(|l| !l.is_empty())
                    .map(str::to_string)
                    .collect(),
            })
            .collect(),
        figures: r.figures.as_ref().map(figures),
        signing: [r.signing_prefix.as_str(), r.signing_body.as_str()]
            .iter()
            .filter(|s| !s.is_empty())
            .copied()
            .collect::<Vec<_>>()
            .join(" ")
            .to_uppercase(),
        signer_position: r.signer_position.to_uppercase(),
        signer_name: r.signer_name.clone(),
        printed: ctx.today_typed(),
    };
    Ok(Html(page.render()?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_date_line_reads_as_a_party_document_writes_it() {
        assert_eq!(
            date_line("Hiệp Hòa", "2026-03-31"),
            "Hiệp Hòa, ngày 31 tháng 3 năm 2026"
        );
        assert_eq!(date_line("Hiệp Hòa", ""), "Hiệp Hòa, ngày … tháng … năm …");
    }
}
