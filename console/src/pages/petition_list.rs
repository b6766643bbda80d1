//! The petitions page's lists (docs/domain.md §3): the office's open
//! cases, those awaiting classification, those assigned to the reader,
//! everything, each paged and ordered by its column headings, and the
//! backlogs (due soon, overdue, long-running) in order of urgency; search
//! by the petition's number or by words without diacritics, or by a
//! petitioner's name for those who may see identities; and a leader's
//! assignment of the cases ticked to one handler.

use askama::Template;
use axum::extract::Query;
use axum::response::{Html, IntoResponse, Redirect, Response};
use http::StatusCode;
use serde::Deserialize;

use vanphong_platform::my_work::WATCH_OFFICE_PETITIONS;
use vanphong_proto::directory::v1::Role;
use vanphong_proto::petitions::v1::{
    AssignHandlerRequest, BacklogKind, ListBacklogRequest, ListPetitionsRequest, Petition, PetitionSort, PetitionState,
};

use super::documents::Tab;
use super::form::{FormData, Refusal, shown_status};
use super::people::{self, Person, Picker};
use super::petitions::{from_whom, handled_by, kind};
use super::sorting::{Order, Orders, Sorted};
use super::{Ctx, Layout};
use crate::errors::ConsoleError;
use crate::format;

/// Petitions on one page of a list.
const PAGE: i32 = 50;

/// The lists of the petitions page.
#[derive(Clone, Copy, PartialEq, Eq)]
enum View {
    Open,
    ToClassify,
    Assigned,
    DueSoon,
    Overdue,
    LongRunning,
    All,
}

impl View {
    const EVERY: [View; 7] = [
        View::Open,
        View::ToClassify,
        View::Assigned,
        View::DueSoon,
        View::Overdue,
        View::LongRunning,
        View::All,
    ];

    fn slug(self) -> &'static str {
        match self {
            View::Open => "open",
            View::ToClassify => "to-classify",
            View::Assigned => "assigned",
            View::DueSoon => "due-soon",
            View::Overdue => "overdue",
            View::LongRunning => "long-running",
            View::All => "all",
        }
    }

    fn title(self) -> &'static str {
        match self {
            View::Open => "Đang giải quyết",
            View::ToClassify => "Chờ phân loại",
            View::Assigned => "Được giao cho tôi",
            View::DueSoon => "Sắp đến hạn",
            View::Overdue => "Quá hạn",
            View::LongRunning => "Tồn đọng, kéo dài",
            View::All => "Tất cả",
        }
    }

    /// The order the list is in when none was chosen: work to do by its
    /// deadline, everything newest first.
    fn default_sort(self) -> PetitionSort {
        match self {
            View::All => PetitionSort::Unspecified,
            _ => PetitionSort::Due,
        }
    }

    fn backlog(self) -> Option<BacklogKind> {
        match self {
            View::DueSoon => Some(BacklogKind::DueSoon),
            View::Overdue => Some(BacklogKind::Overdue),
            View::LongRunning => Some(BacklogKind::LongRunning),
            View::Open | View::ToClassify | View::Assigned | View::All => None,
        }
    }

    /// The states the list holds (none: every state).
    fn states(self) -> &'static [PetitionState] {
        match self {
            View::ToClassify => &[PetitionState::Classifying, PetitionState::Considering],
            View::Open | View::Assigned => &[
                PetitionState::Classifying,
                PetitionState::Considering,
                PetitionState::Accepted,
                PetitionState::Resolved,
            ],
            _ => &[],
        }
    }
}

/// The orders of the lists that are not backlogs, by their column
/// headings.
const SORTS: Orders<PetitionSort> = Orders(&[
    (
        PetitionSort::Unspecified,
        Order {
            slug: "newest",
            label: "Ngày nhận, mới nhất trước",
            column: "Ngày nhận",
            descending: true,
        },
    ),
    (
        PetitionSort::Oldest,
        Order {
            slug: "oldest",
            label: "Ngày nhận, cũ nhất trước",
            column: "Ngày nhận",
            descending: false,
        },
    ),
    (
        PetitionSort::Number,
        Order {
            slug: "number",
            label: "Số đơn, lớn nhất trước",
            column: "Số đơn",
            descending: true,
        },
    ),
    (
        PetitionSort::Due,
        Order {
            slug: "due",
            label: "Hạn, gần nhất trước",
            column: "Hạn",
            descending: false,
        },
    ),
]);

/// A row of the list.
struct Row {
    id: String,
    number: String,
    received: String,
    kind: &'static str,
    content: String,
    from: String,
    state: String,
    handler: String,
    due: String,
    days_left: Option<i32>,
    overdue: bool,
    /// Being considered or accepted: a leader may give it to a handler
    /// from the list (the service's rule for `AssignHandler`).
    assignable: bool,
}

impl Row {
    fn of(p: &Petition, days_left: Option<i32>) -> Self {
        Row {
            id: p.id.clone(),
            number: p.number_label.clone(),
            received: format::date(&p.received_on),
            kind: kind(p.kind),
            content: format::excerpt(&p.content, 140),
            from: from_whom(p),
            state: format!("{} ({})", p.state_name, p.state_code),
            handler: p.resolving.as_ref().map(|r| r.handler_name.clone()).unwrap_or_default(),
            due: format::date(&p.current_due_on),
            days_left,
            overdue: p.overdue,
            assignable: p.closed_on.is_empty()
                && matches!(
                    PetitionState::try_from(p.state),
                    Ok(PetitionState::Considering | PetitionState::Accepted)
                ),
        }
    }
}

#[derive(Template)]
#[template(path = "petitions.html")]
struct ListPage {
    layout: Layout,
    heading: &'static str,
    tabs: Vec<Tab>,
    q: String,
    name: String,
    /// The office seen as a whole, and its name.
    office: String,
    office_name: Option<String>,
    rows: Vec<Row>,
    /// The orders of the list (none for a backlog, listed by urgency).
    sorted: Sorted,
    /// The next page's link, when there is one; the first page's, when
    /// this is not the first.
    next: Option<String>,
    first: Option<String>,
    /// A backlog longer than one answer: only its most urgent are shown.
    more: bool,
    can_intake: bool,
    refusal: Option<Refusal>,
    /// A leader of the office listed may give the open cases ticked to one
    /// handler, picked by name among the office's people.
    can_assign: bool,
    people: Vec<Person>,
    my_office_id: String,
    notice: Option<String>,
}

impl ListPage {
    /// The handler the ticked cases go to, picked by name.
    fn assign_picker(&self) -> Picker {
        let error = self.refusal.as_ref().map(|r| r.about("handler_id")).unwrap_or_default();
        Picker::new(
            "assign",
            "handler_id",
            "Người giải quyết",
            &self.my_office_id,
            "specialist",
            self.people.clone(),
        )
        .id("assign_handler_id")
        .error(error)
    }
}

#[derive(Deserialize, Default)]
pub struct ListQuery {
    view: Option<String>,
    #[serde(default)]
    q: String,
    /// Words of a petitioner's name (for those who may see identities).
    #[serde(default)]
    name: String,
    /// An office below the leader's (or their own) seen as a whole, from
    /// the home page's table.
    #[serde(default)]
    office: String,
    /// The order chosen by a column's heading (see [`SORTS`]).
    #[serde(default)]
    sort: String,
    /// The page's token, kept in the URL so a page can be bookmarked.
    #[serde(default)]
    page: String,
    /// What was just done (`assigned`), and to how many cases.
    m: Option<String>,
    n: Option<usize>,
}

/// Whether the words typed are a petition's number ("14/2026").
fn is_number(q: &str) -> bool {
    q.split_once('/').is_some_and(|(n, y)| {
        !n.trim().is_empty()
            && n.trim().chars().all(|c| c.is_ascii_digit())
            && y.trim().len() == 4
            && y.trim().chars().all(|c| c.is_ascii_digit())
    })
}

/// `GET /petitions?view=…&q=…&name=…&sort=…&page=…[&office=…]`: one page
/// of a list of the office's petitions.
pub async fn list(ctx: Ctx, Query(query): Query<ListQuery>) -> Result<Response, ConsoleError> {
    listed(&ctx, query, None).await
}

/// One page of a list and where the next begins ("" on the last), or the
/// service's refusal of the search (a petitioner's name searched by one
/// who may not).
struct Listed {
    rows: Vec<Row>,
    next: String,
    more: bool,
}

/// The backlog's most urgent cases; in one's own office, those who do not
/// watch the whole office's deadlines see their own, as the home page
/// counts them.
async fn backlog(ctx: &Ctx, office: &str, kind: BacklogKind) -> Result<Listed, ConsoleError> {
    let me = ctx.me().await?;
    let request = ListBacklogRequest {
        office_id: office.to_string(),
        kind: kind as i32,
        page_size: 200,
        ..Default::default()
    };
    let answer = ctx
        .services()
        .petitions()?
        .list_backlog(ctx.call(request))
        .await?
        .into_inner();
    let own = office.is_empty() && !me.watches(&WATCH_OFFICE_PETITIONS);
    let rows = answer
        .entries
        .iter()
        .filter_map(|e| e.petition.as_ref().map(|p| (p, e.days_left)))
        .filter(|(p, _)| !own || handled_by(p, &me.principal.subject_id))
        .map(|(p, days_left)| Row::of(p, Some(days_left)))
        .collect();
    Ok(Listed {
        rows,
        next: String::new(),
        more: answer.truncated,
    })
}

/// The list page; with `failed`, the bulk assignment the service refused,
/// its words shown above the list.
async fn listed(ctx: &Ctx, query: ListQuery, failed: Option<(Refusal, StatusCode)>) -> Result<Response, ConsoleError> {
    let me = ctx.me().await?;
    let q = query.q.trim().to_string();
    let name = query.name.trim().to_string();
    let office = query.office.trim().to_string();
    let searching = !q.is_empty() || !name.is_empty();
    let view = View::EVERY
        .into_iter()
        .find(|v| Some(v.slug()) == query.view.as_deref())
        .unwrap_or(if searching { View::All } else { View::Open });
    let (mut refusal, failed_code) = match failed {
        Some((refusal, code)) => (Some(refusal), Some(code)),
        None => (None, None),
    };
    let chosen = SORTS.named(&query.sort).filter(|_| view.backlog().is_none());
    let sort = chosen.unwrap_or(view.default_sort());
    let listed = match view.backlog() {
        Some(kind) => backlog(ctx, &office, kind).await?,
        None => {
            let mut request = ListPetitionsRequest {
                office_id: office.clone(),
                page_size: PAGE,
                petitioner_name: name.clone(),
                states: view.states().iter().map(|s| *s as i32).collect(),
                sort: sort as i32,
                assigned_to_me: view == View::Assigned,
                open_only: view != View::All,
                page_token: query.page.clone(),
                ..Default::default()
            };
            if is_number(&q) {
                request.number = q.clone();
            } else {
                request.query = q.clone();
            }
            match ctx.services().petitions()?.list_petitions(ctx.call(request)).await {
                Ok(answer) => {
                    let answer = answer.into_inner();
                    Listed {
                        rows: answer.petitions.iter().map(|p| Row::of(p, None)).collect(),
                        next: answer.next_page_token,
                        more: false,
                    }
                }
                Err(status) if shown_status(&status).is_some() => {
                    refusal = Some(Refusal::of(&status));
                    Listed {
                        rows: Vec::new(),
                        next: String::new(),
                        more: false,
                    }
                }
                Err(status) => return Err(status.into()),
            }
        }
    };
    let params = vec![
        ("view", view.slug().to_string()),
        ("q", q.clone()),
        ("name", name.clone()),
        ("office", office.clone()),
    ];
    let sorted = match view.backlog() {
        Some(_) => Orders(&[]).sorted(sort, None, "/petitions", params),
        None => SORTS.sorted(sort, chosen, "/petitions", params),
    };
    // A backlog keeps only the office: it is not searched.
    let of_office = format!("/petitions?office={}", format::url_encode(&office));
    let tabs = View::EVERY
        .iter()
        .map(|v| Tab {
            href: match v.backlog() {
                Some(_) if office.is_empty() => format!("/petitions?view={}", v.slug()),
                Some(_) => format!("{of_office}&view={}", v.slug()),
                None => sorted.link_with("view", v.slug()),
            },
            title: v.title(),
            current: *v == view,
        })
        .collect();
    let office_name = if office.is_empty() {
        None
    } else {
        Some(super::documents::office_name(ctx, &office).await?)
    };
    let can_assign = me.has(Role::Leader) && office.is_empty() && listed.rows.iter().any(|r| r.assignable);
    let people = if can_assign {
        let users = people::of_office(ctx, &me.principal.office_id, "").await?;
        people::choices(&users, Some(Role::Specialist), true, &[])
    } else {
        Vec::new()
    };
    let page = ListPage {
        layout: me.layout("Đơn thư", "/petitions"),
        heading: view.title(),
        tabs,
        q,
        name,
        office,
        office_name,
        next: (!listed.next.is_empty()).then(|| sorted.page_link(&listed.next)),
        first: (!query.page.is_empty()).then(|| sorted.page_link("")),
        rows: listed.rows,
        more: listed.more,
        sorted,
        can_intake: me.has(Role::PetitionOfficer) || me.has(Role::Leader) || me.has(Role::Clerk),
        refusal,
        can_assign,
        people,
        my_office_id: me.principal.office_id.clone(),
        notice: (query.m.as_deref() == Some("assigned"))
            .then(|| format!("Đã giao {} đơn cho người giải quyết.", query.n.unwrap_or_default())),
    };
    let status = match (failed_code, page.refusal.is_some()) {
        (Some(code), _) => code,
        (None, true) => StatusCode::BAD_REQUEST,
        (None, false) => StatusCode::OK,
    };
    Ok((status, Html(page.render()?)).into_response())
}

/// `POST /petitions/assign`: a leader gives the open cases ticked in the
/// list to one handler picked by name (`AssignHandler`: all or none); a
/// refusal is shown above the list in the service's words.
pub async fn assign(ctx: Ctx, form: FormData) -> Result<Response, ConsoleError> {
    ctx.session()?;
    let request = AssignHandlerRequest {
        petition_ids: form.all("petition_ids"),
        handler_id: form.get("handler_id"),
        note: form.get("note"),
    };
    match ctx.services().petitions()?.assign_handler(ctx.call(request)).await {
        Ok(answer) => {
            let n = answer.into_inner().petitions.len();
            Ok(Redirect::to(&format!("/petitions?view=open&m=assigned&n={n}")).into_response())
        }
        Err(status) => match shown_status(&status) {
            Some(code) => {
                let query = ListQuery {
                    view: Some("open".into()),
                    ..Default::default()
                };
                listed(&ctx, query, Some((Refusal::of(&status), code))).await
            }
            None => Err(status.into()),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_told_from_words() {
        assert!(is_number("14/2026"));
        assert!(is_number(" 3 / 2026"));
        assert!(!is_number("dat dai"));
        assert!(!is_number("14/26"));
        assert!(!is_number("/2026"));
    }
}
