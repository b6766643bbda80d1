//! Search everywhere: the header's one box. What was typed is asked of each
//! service by its own search, with the reader's token (so each shows only
//! what the person may see), and the results come grouped by kind:
//! - documents by number and symbol ("15-NQ/TU"), incoming number
//!   ("12/2026") or words without diacritics (`ListDocuments`, as the
//!   documents list searches);
//! - petitions by number ("14/2026") or words of their content; for
//!   leaders also by a petitioner's name, which the service allows and
//!   audits (`ListPetitions`);
//! - reports by period ("quý 1 2026", "tháng 3"): the reporting year's
//!   reports whose period or title holds every word typed.
//!
//! A service that fails or is not there leaves its group saying so; one
//! the person's roles do not reach is left out.

use std::collections::HashSet;

use askama::Template;
use axum::extract::Query;
use axum::response::Html;
use chrono::Datelike;

use vanphong_platform::text::folded_words;
use vanphong_proto::directory::v1::Role;
use vanphong_proto::documents::v1::{Direction, Document};
use vanphong_proto::petitions::v1::{ListPetitionsRequest, Petition};
use vanphong_proto::reporting::v1::{ListReportsRequest, Report};

use super::work::{self, View};
use super::{Ctx, Layout, Me, reports};
use crate::errors::ConsoleError;
use crate::format;

/// One thing found.
struct Hit {
    href: String,
    /// Its number (số và ký hiệu, số đơn) or period.
    key: String,
    title: String,
    /// Names beside it: office, issuer, handler.
    names: String,
    state: String,
}

/// The hits of one kind.
struct Group {
    heading: &'static str,
    hits: Vec<Hit>,
    /// The service did not answer.
    unavailable: bool,
    /// Where to go on with a longer list, if there is one, and what the
    /// link says.
    more: Option<More>,
}

/// A link to the whole list of what was found, where a group shows only
/// the first.
struct More {
    href: String,
    label: &'static str,
}

#[derive(Template)]
#[template(path = "search.html")]
struct SearchPage {
    layout: Layout,
    q: String,
    groups: Vec<Group>,
    found: usize,
}

#[derive(serde::Deserialize)]
pub struct SearchQuery {
    #[serde(default)]
    q: String,
}

/// Most hits shown per kind; the documents' own list pages the rest.
const SHOWN: usize = 20;

/// Most pages of 200 reports one search reads.
const REPORT_PAGES: usize = 20;

fn document_hit(d: &Document) -> Hit {
    let outgoing = d.direction == Direction::Outgoing as i32;
    let handler = d
        .handling
        .as_ref()
        .map(|h| h.lead_handler_name.clone())
        .filter(|n| !n.is_empty());
    let mut names = vec![if outgoing {
        format!("Văn bản đi của {}", d.office_name)
    } else {
        format!("Đến từ {}", d.issuer_name)
    }];
    if let Some(handler) = handler {
        names.push(format!("chủ trì: {handler}"));
    } else if outgoing && !d.drafter_name.is_empty() {
        names.push(format!("soạn thảo: {}", d.drafter_name));
    }
    Hit {
        href: format!("/{}/{}", if outgoing { "outgoing" } else { "documents" }, d.id),
        key: if d.number_symbol.is_empty() {
            "(chưa có số)".into()
        } else {
            d.number_symbol.clone()
        },
        title: d.subject.clone(),
        names: names.join(" · "),
        state: format::status(d.status).to_string(),
    }
}

fn petition_hit(p: &Petition) -> Hit {
    Hit {
        href: format!("/petitions/{}", p.id),
        key: p.number_label.clone(),
        title: format::excerpt(&p.content, 160),
        names: format!("{} · tiếp nhận {}", p.office_name, format::date(&p.received_on)),
        state: p.state_name.clone(),
    }
}

fn report_hit(r: &Report) -> Hit {
    Hit {
        href: format!("/reports/{}", r.id),
        key: r.period.as_ref().map(|p| p.label.clone()).unwrap_or_default(),
        title: r.title.clone(),
        names: r.office_name.clone(),
        state: reports::status(r.status).to_string(),
    }
}

/// A group from a service's answer: none when the person's roles do not
/// reach it; an ended session is the sign-in page.
fn group(
    heading: &'static str,
    answer: Result<(Vec<Hit>, Option<More>), ConsoleError>,
) -> Result<Option<Group>, ConsoleError> {
    match answer {
        Ok((hits, more)) => Ok(Some(Group {
            heading,
            hits,
            unavailable: false,
            more,
        })),
        Err(ConsoleError::Service(status)) if status.code() == tonic::Code::Unauthenticated => {
            Err(ConsoleError::Service(status))
        }
        Err(ConsoleError::Service(status)) if status.code() == tonic::Code::PermissionDenied => Ok(None),
        Err(error) => {
            tracing::warn!(%error, group = heading, "search not answered");
            Ok(Some(Group {
                heading,
                hits: Vec::new(),
                unavailable: true,
                more: None,
            }))
        }
    }
}

async fn documents(ctx: &Ctx, me: &Me, q: &str) -> Result<(Vec<Hit>, Option<More>), ConsoleError> {
    let listed = work::list(ctx, me, View::Search, None, q, "", None).await?;
    let more = (listed.documents.len() > SHOWN || !listed.next.is_empty()).then(|| More {
        href: format!("/documents?view=search&q={}", format::url_encode(q)),
        label: "Xem tất cả văn bản tìm được",
    });
    Ok((listed.documents.iter().take(SHOWN).map(document_hit).collect(), more))
}

/// Whether `q` is a petition's number as written ("14/2026").
fn petition_number(q: &str) -> bool {
    let mut parts = q.split('/');
    let all_digits = |s: &str| !s.is_empty() && s.chars().all(|c| c.is_ascii_digit());
    matches!((parts.next(), parts.next(), parts.next()), (Some(n), Some(y), None) if all_digits(n) && all_digits(y))
}

async fn petitions(ctx: &Ctx, me: &Me, q: &str) -> Result<(Vec<Hit>, Option<More>), ConsoleError> {
    let client = ctx.services().petitions()?;
    let leader = me.has(Role::Leader);
    let mut found: Vec<Petition> = Vec::new();
    // Where the petitions list goes on with the same search, when one
    // page of the service did not hold every case found.
    let mut more = None;
    let whole = |param: &str| More {
        href: format!("/petitions?view=all&{param}={}", format::url_encode(q)),
        label: "Xem tất cả đơn tìm được",
    };
    if petition_number(q) {
        let call = ctx.call(ListPetitionsRequest {
            number: q.to_string(),
            include_descendants: leader,
            ..Default::default()
        });
        found = client.clone().list_petitions(call).await?.into_inner().petitions;
    } else {
        let call = ctx.call(ListPetitionsRequest {
            query: q.to_string(),
            include_descendants: leader,
            page_size: SHOWN as i32,
            ..Default::default()
        });
        let answer = client.clone().list_petitions(call).await?.into_inner();
        if !answer.next_page_token.is_empty() {
            more = Some(whole("q"));
        }
        found.extend(answer.petitions);
        if leader {
            let call = ctx.call(ListPetitionsRequest {
                petitioner_name: q.to_string(),
                page_size: SHOWN as i32,
                ..Default::default()
            });
            match client.clone().list_petitions(call).await {
                Ok(answer) => {
                    let answer = answer.into_inner();
                    if more.is_none() && !answer.next_page_token.is_empty() {
                        more = Some(whole("name"));
                    }
                    found.extend(answer.petitions);
                }
                Err(status) if status.code() == tonic::Code::PermissionDenied => {}
                Err(status) => return Err(status.into()),
            }
        }
    }
    let mut seen = HashSet::new();
    found.retain(|p| seen.insert(p.id.clone()));
    if more.is_none() && found.len() > SHOWN {
        more = Some(whole("q"));
    }
    Ok((found.iter().take(SHOWN).map(petition_hit).collect(), more))
}

/// Words for matching a period: folded, Roman numerals as digits ("quý I"
/// is "quy 1"), without the words every report's title shares.
fn period_words(text: &str) -> Vec<String> {
    folded_words(text)
        .into_iter()
        .map(|w| match w.as_str() {
            "i" => "1".to_string(),
            "ii" => "2".to_string(),
            "iii" => "3".to_string(),
            "iv" => "4".to_string(),
            _ => w,
        })
        .filter(|w| !matches!(w.as_str(), "bao" | "cao" | "ky"))
        .collect()
}

/// A year typed among the words ("2026"), the reporting year searched.
fn year_of(words: &[String]) -> Option<i32> {
    words
        .iter()
        .filter(|w| w.len() == 4)
        .find_map(|w| w.parse::<i32>().ok())
        .filter(|y| (2000..=2100).contains(y))
}

async fn reports(ctx: &Ctx, me: &Me, q: &str) -> Result<(Vec<Hit>, Option<More>), ConsoleError> {
    let words = period_words(q);
    if words.is_empty() {
        return Ok((Vec::new(), None));
    }
    let year = year_of(&words).unwrap_or_else(|| ctx.today().year());
    let mut request = ListReportsRequest {
        year,
        include_descendants: me.has(Role::Leader),
        page_size: 200,
        ..Default::default()
    };
    // The year's reports are read to the end (a province's year with its
    // offices below is a few hundred), up to a bound none comes near.
    let mut matched: Vec<Report> = Vec::new();
    for _ in 0..REPORT_PAGES {
        let answer = ctx
            .services()
            .reports()?
            .list_reports(ctx.call(request.clone()))
            .await?
            .into_inner();
        matched.extend(answer.reports.into_iter().filter(|r| {
            let label = r.period.as_ref().map(|p| p.label.as_str()).unwrap_or_default();
            let have = period_words(&format!("{label} {} {}", r.title, r.office_name));
            words.iter().all(|w| have.contains(w))
        }));
        if answer.next_page_token.is_empty() {
            break;
        }
        request.page_token = answer.next_page_token;
    }
    let more = (matched.len() > SHOWN).then(|| More {
        href: format!(
            "/reports?year={year}{}",
            if request.include_descendants { "&below=1" } else { "" }
        ),
        label: "Xem mọi báo cáo của năm",
    });
    Ok((matched.iter().take(SHOWN).map(report_hit).collect(), more))
}

/// `GET /search?q=…`.
pub async fn page(ctx: Ctx, Query(query): Query<SearchQuery>) -> Result<Html<String>, ConsoleError> {
    let me = ctx.me().await?;
    let q = query.q.trim().to_string();
    let mut groups = Vec::new();
    if !q.is_empty() {
        let reads_petitions = [Role::PetitionOfficer, Role::Leader, Role::Specialist, Role::Clerk]
            .iter()
            .any(|r| me.has(*r));
        let reads_reports = [Role::Specialist, Role::Clerk, Role::Leader, Role::Inspector]
            .iter()
            .any(|r| me.has(*r));
        let (d, p, r) = tokio::join!(
            documents(&ctx, &me, &q),
            async {
                if reads_petitions {
                    Some(petitions(&ctx, &me, &q).await)
                } else {
                    None
                }
            },
            async {
                if reads_reports {
                    Some(reports(&ctx, &me, &q).await)
                } else {
                    None
                }
            },
        );
        groups.push(group("Văn bản", d)?);
        if let Some(p) = p {
            groups.push(group("Đơn thư", p)?);
        }
        if let Some(r) = r {
            groups.push(group("Báo cáo", r)?);
        }
    }
    let groups: Vec<Group> = groups.into_iter().flatten().collect();
    let found = groups.iter().map(|g| g.hits.len()).sum();
    let page = SearchPage {
        layout: me.layout("Tìm kiếm", ""),
        q,
        groups,
        found,
    };
    Ok(Html(page.render()?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn periods_match_as_people_type_them() {
        assert_eq!(period_words("Quý I năm 2026"), vec!["quy", "1", "nam", "2026"]);
        assert_eq!(period_words("bao cao quy 1"), vec!["quy", "1"]);
        assert_eq!(year_of(&period_words("tháng 3 năm 2026")), Some(2026));
        assert!(petition_number("14/2026"));
        assert!(!petition_number("15-NQ/TU"));
        assert!(!petition_number("14/2026/1"));
    }
}
