//! "My work": the views of the incoming documents a person has to act on,
//! each one a query of the documents service's `ListDocuments` (the home
//! page's cards, counted by `GetMyWork`, lead to them), and the search of
//! the documents by number or words, one page at a time.

use chrono::NaiveDate;

use vanphong_platform::my_work::WATCH_OFFICE_DOCUMENTS;

use vanphong_proto::directory::v1::Role;
use vanphong_proto::documents::v1::{Direction, Document, ListDocumentsRequest, SortBy, Status};

use super::sorting::{Order, Orders};
use super::{Ctx, Me};
use crate::errors::ConsoleError;

/// Documents on one page of a list.
pub const PAGE: i32 = 50;

/// The states of incoming documents being handled (those that can be
/// overdue).
const OPEN: [Status; 4] = [
    Status::Registered,
    Status::Submitted,
    Status::Assigned,
    Status::InProgress,
];

/// A view of the incoming documents.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum View {
    /// Arrived electronically, waiting for the clerk to register them.
    ToRegister,
    /// Registered, not yet submitted to a leader.
    Registered,
    /// Submitted to the person (a leader), waiting for their direction.
    AwaitingDirection,
    /// The person leads or coordinates their handling.
    AssignedToMe,
    /// Assigned to the person, deadline within a few days.
    DueSoon,
    /// Past their deadline and not done (the office's, for leaders and clerks).
    Overdue,
    /// Being handled in the office: registered, submitted, assigned or in
    /// progress (a leader's view of an office, from the home page's table).
    Open,
    /// Every incoming document of the office.
    All,
    /// Every document of the office, incoming and outgoing (a search).
    Search,
}

impl View {
    pub const EVERY: [View; 9] = [
        View::ToRegister,
        View::Registered,
        View::AwaitingDirection,
        View::AssignedToMe,
        View::DueSoon,
        View::Overdue,
        View::Open,
        View::All,
        View::Search,
    ];

    pub fn slug(self) -> &'static str {
        match self {
            View::ToRegister => "to-register",
            View::Registered => "registered",
            View::AwaitingDirection => "awaiting-direction",
            View::AssignedToMe => "assigned",
            View::DueSoon => "due-soon",
            View::Overdue => "overdue",
            View::Open => "open",
            View::All => "all",
            View::Search => "search",
        }
    }

    pub fn from_slug(slug: &str) -> Option<View> {
        View::EVERY.into_iter().find(|v| v.slug() == slug)
    }

    pub fn title(self) -> &'static str {
        match self {
            View::ToRegister => "Chờ vào sổ",
            View::Registered => "Đã vào sổ, chưa trình",
            View::AwaitingDirection => "Chờ chỉ đạo",
            View::AssignedToMe => "Được giao cho tôi",
            View::DueSoon => "Sắp đến hạn",
            View::Overdue => "Quá hạn",
            View::Open => "Đang xử lý",
            View::All => "Tất cả văn bản đến",
            View::Search => "Mọi văn bản (đến và đi)",
        }
    }

    /// The views that are the person's work, by their roles.
    pub fn of(me: &Me) -> Vec<View> {
        let mut views = Vec::new();
        if me.has(Role::Clerk) {
            views.extend([View::ToRegister, View::Registered]);
        }
        if me.has(Role::Leader) {
            views.push(View::AwaitingDirection);
        }
        if me.has(Role::Specialist) || me.has(Role::Leader) {
            views.extend([View::AssignedToMe, View::DueSoon]);
        }
        if me.works_on_documents() {
            views.push(View::Overdue);
        }
        views
    }

    /// The views of one office's work as a whole (a leader's view of an
    /// office below).
    pub const OF_OFFICE: [View; 4] = [View::Open, View::DueSoon, View::Overdue, View::All];

    /// The query of the view for a leader looking at `office` as a whole:
    /// every handler's documents, deadlines over all the open ones (as the
    /// home page's table counts them).
    pub fn office_request(self, me: &Me, office: &str) -> ListDocumentsRequest {
        let mut request = self.request(me);
        request.office_id = office.to_string();
        request.assigned_to_me = false;
        if self == View::DueSoon {
            request.statuses = OPEN.iter().map(|s| *s as i32).collect();
        }
        request.submitted_to_me = false;
        request
    }

    /// The query of the view (for `me`: overdue is the office's for those
    /// who watch it, clerks and leaders, one's own for others).
    pub fn request(self, me: &Me) -> ListDocumentsRequest {
        let statuses = |s: &[Status]| s.iter().map(|s| *s as i32).collect();
        let mut request = ListDocumentsRequest {
            direction: Direction::Incoming as i32,
            page_size: PAGE,
            sort: self.default_sorting().wire() as i32,
            ..Default::default()
        };
        match self {
            View::ToRegister => request.statuses = statuses(&[Status::Arrived]),
            View::Registered => request.statuses = statuses(&[Status::Registered]),
            View::AwaitingDirection => request.submitted_to_me = true,
            View::AssignedToMe | View::DueSoon => {
                request.assigned_to_me = true;
                request.statuses = statuses(&[Status::Assigned, Status::InProgress]);
                // The window GetMyWork counts by (the service's default).
                request.due_soon = self == View::DueSoon;
            }
            View::Overdue => {
                request.overdue = true;
                request.assigned_to_me = !me.watches(&WATCH_OFFICE_DOCUMENTS);
            }
            View::Open => request.statuses = statuses(&OPEN),
            View::All => {}
            View::Search => request.direction = Direction::Unspecified as i32,
        }
        request
    }
}

/// An order of a list chosen by its column's heading, kept in the URL
/// (`sort=…`); without one, each view has its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sorting {
    Newest,
    Oldest,
    ArrivalNumber,
    Deadline,
}

/// The orders of the incoming queue, as its column headings offer them.
pub const SORTINGS: Orders<Sorting> = Orders(&[
    (
        Sorting::Newest,
        Order {
            slug: "newest",
            label: "Ngày đến, mới nhất trước",
            column: "Ngày đến",
            descending: true,
        },
    ),
    (
        Sorting::Oldest,
        Order {
            slug: "oldest",
            label: "Ngày đến, cũ nhất trước",
            column: "Ngày đến",
            descending: false,
        },
    ),
    (
        Sorting::ArrivalNumber,
        Order {
            slug: "number",
            label: "Số đến, lớn nhất trước",
            column: "Số đến",
            descending: true,
        },
    ),
    (
        Sorting::Deadline,
        Order {
            slug: "deadline",
            label: "Hạn xử lý, gần nhất trước",
            column: "Hạn xử lý",
            descending: false,
        },
    ),
]);

impl Sorting {
    pub fn wire(self) -> SortBy {
        match self {
            Sorting::Newest => SortBy::Unspecified,
            Sorting::Oldest => SortBy::Oldest,
            Sorting::ArrivalNumber => SortBy::ArrivalNumber,
            Sorting::Deadline => SortBy::Deadline,
        }
    }
}

impl View {
    /// The order the view lists in when none was chosen: work to do by its
    /// deadline, the rest newest first.
    pub fn default_sorting(self) -> Sorting {
        match self {
            View::AssignedToMe | View::DueSoon | View::Overdue | View::Open => Sorting::Deadline,
            _ => Sorting::Newest,
        }
    }
}

/// The handling deadline set by the leader, or else the issuer's.
pub fn deadline(document: &Document) -> Option<NaiveDate> {
    let leader = document
        .handling
        .as_ref()
        .map(|h| h.deadline.as_str())
        .unwrap_or_default();
    let text = if leader.is_empty() { &document.due_on } else { leader };
    NaiveDate::parse_from_str(text, "%Y-%m-%d").ok()
}

/// A page of a list, and the token of the next one ("" on the last).
pub struct Listed {
    pub documents: Vec<Document>,
    pub next: String,
}

/// Whether words typed in a search are a document's number ("15-NQ/TU",
/// "05/QĐ-UBND", "12/2026"), to look up as one before searching words.
fn looks_like_number(query: &str) -> bool {
    query.chars().any(|c| c.is_ascii_digit()) && !query.chars().any(char::is_whitespace)
}

/// One page of the documents `request` asks for, narrowed by what was
/// typed: a number as written (number and symbol, or incoming number and
/// year), else words without diacritics; `page` is the token of the page.
pub async fn fetch(
    ctx: &Ctx,
    mut request: ListDocumentsRequest,
    query: &str,
    page: &str,
) -> Result<Listed, ConsoleError> {
    let query = query.trim();
    if page.is_empty() && looks_like_number(query) {
        let by_number = ListDocumentsRequest {
            number: query.to_string(),
            page_size: 500,
            ..request.clone()
        };
        let found = ctx
            .services()
            .queries()?
            .list_documents(ctx.call(by_number))
            .await?
            .into_inner();
        if !found.documents.is_empty() {
            return Ok(Listed {
                documents: found.documents,
                next: String::new(),
            });
        }
    }
    request.query = query.to_string();
    request.page_token = page.to_string();
    let response = ctx
        .services()
        .queries()?
        .list_documents(ctx.call(request))
        .await?
        .into_inner();
    Ok(Listed {
        documents: response.documents,
        next: response.next_page_token,
    })
}

/// One page of a view (optionally narrowed by what was typed), of the
/// person's own work or, with `office`, of that office as a whole.
pub async fn list(
    ctx: &Ctx,
    me: &Me,
    view: View,
    office: Option<&str>,
    query: &str,
    page: &str,
    sorting: Option<Sorting>,
) -> Result<Listed, ConsoleError> {
    let mut request = match office {
        Some(office) => view.office_request(me, office),
        None => view.request(me),
    };
    request.sort = sorting.unwrap_or(view.default_sorting()).wire() as i32;
    fetch(ctx, request, query, page).await
}
