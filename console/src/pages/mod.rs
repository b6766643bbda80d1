//! The pages, and what every page shares: the request's context ([`Ctx`])
//! and the base layout ([`Layout`]).
//!
//! - [`admin`]: directory administration (the office tree, people and
//!   roles, service accounts, reorganisation);
//! - [`sign_in`]: sign-in, sign-out (this device or everywhere);
//! - [`home`]: "my work", per role, with counts;
//! - [`documents`]: the incoming queue, a document's page and its actions;
//! - [`register`]: registering a paper document with its scan;
//! - [`exchange`]: edXML packages exchanged with bodies outside the system;
//! - [`outgoing`]: outgoing documents, from the draft to dispatch and recall;
//! - [`registers`]: the register books as spreadsheets, for a period;
//! - [`slip`]: an incoming document's printable processing slip;
//! - [`people`]: names beside ids, pickers of people;
//! - [`petitions`]: petitions from intake to closing, with
//!   [`receptions`]: citizen reception and the leaders' reception duty;
//! - [`reports`]: periodic reports, their approval and files, with
//!   [`chart`]: bar charts drawn as SVG on the server, and
//!   [`report_print`]: a report's printable page;
//! - [`finance`]: estimates, allocation, vouchers and commitments, the
//!   books, Party dues;
//! - [`notifications`]: the bell's notices, read and marked read;
//! - [`search`]: one box finding documents, petitions and reports;
//! - [`work`]: the views of "my work"; [`form`]: reading forms, with
//!   [`input`]: amounts and dates as people type them;
//!   [`choices`]: what selects offer; [`files`]: downloads.

mod admin;
mod chart;
mod choices;
mod documents;
mod exchange;
mod files;
mod finance;
mod form;
mod home;
mod input;
mod notifications;
mod outgoing;
mod people;
mod petition_list;
mod petitions;
mod receptions;
mod register;
mod registers;
mod report_print;
mod reports;
mod search;
mod sign_in;
mod slip;
mod sorting;
mod work;

use std::convert::Infallible;
use std::sync::Arc;

use axum::extract::{DefaultBodyLimit, FromRequestParts};
use axum::middleware::{from_fn, from_fn_with_state};
use axum::routing::{get, post};
use http::request::Parts;

use vanphong_proto::common::v1::CountUnreadNoticesRequest;
use vanphong_proto::directory::v1::{Principal, Role, WhoAmIRequest};
use vanphong_proto::documents::v1::CountUnreadNotificationsRequest;

use crate::errors::ConsoleError;
use crate::session::Session;
use crate::{Console, assets, csrf, format, security, session};

/// Every console route, with its layers: response headers on all; the
/// session, then the CSRF check, on the pages.
pub fn routes(console: Arc<Console>) -> axum::Router {
    axum::Router::new()
        .route("/", get(home::page))
        .route("/sign-in", get(sign_in::form).post(sign_in::submit))
        .route("/sign-out", post(sign_in::sign_out))
        .route("/people", get(people::options))
        .route("/documents", get(documents::queue).post(register::submit))
        .route("/documents/new", get(register::form))
        .route("/documents/exchange", get(exchange::page))
        .route("/documents/exchange/document", post(exchange::import_document))
        .route("/documents/exchange/status", post(exchange::import_status))
        .route("/documents/{id}", get(documents::page))
        .route("/documents/{id}/register", post(documents::register_arrived))
        .route("/documents/{id}/submit", post(documents::submit))
        .route("/documents/{id}/direct", post(documents::direct))
        .route("/documents/{id}/progress", post(documents::progress))
        .route("/documents/{id}/recall", post(documents::answer_recall))
        .route("/documents/{id}/complete", post(documents::complete))
        .route("/documents/{id}/file", post(documents::file))
        .route("/documents/{id}/refuse", post(documents::refuse))
        .route("/documents/{id}/edxml-status", get(documents::edxml_status))
        .route("/documents/{id}/attachments/{attachment_id}", get(documents::download))
        .route("/documents/{id}/slip", get(slip::page))
        .route("/outgoing", get(outgoing::list).post(outgoing::create))
        .route("/outgoing/new", get(outgoing::new))
        .route("/outgoing/{id}", get(outgoing::page))
        .route("/outgoing/{id}/edit", post(outgoing::edit))
        .route("/outgoing/{id}/submit", post(outgoing::submit))
        .route("/outgoing/{id}/review", post(outgoing::review))
        .route("/outgoing/{id}/sign", post(outgoing::sign))
        .route("/outgoing/{id}/number", post(outgoing::number_document))
        .route("/outgoing/{id}/dispatch", post(outgoing::dispatch))
        .route("/outgoing/{id}/recall", post(outgoing::recall))
        .route("/outgoing/{id}/cancel", post(outgoing::cancel))
        .route("/outgoing/{id}/edxml", get(exchange::export_document))
        .route("/registers", get(registers::form))
        .route("/registers/download", get(registers::download))
        .route("/petitions", get(petition_list::list).post(petitions::create))
        .route("/petitions/new", get(petitions::new))
        .route("/petitions/assign", post(petition_list::assign))
        .route("/petitions/receptions", get(receptions::book).post(receptions::create))
        .route("/petitions/receptions/new", get(receptions::new))
        .route("/petitions/receptions/duty", get(receptions::duty))
        .route("/petitions/{id}", get(petitions::page))
        .route("/petitions/{id}/duplicates", get(petitions::duplicates))
        .route("/petitions/{id}/{action}", post(petitions::step))
        .route("/petitions/{id}/{action}/preview", post(petitions::preview))
        .route("/finance", get(finance::estimates::page))
        .route("/finance/estimates", post(finance::estimates::create))
        .route("/finance/estimates/total", post(finance::estimates::total))
        .route("/finance/estimates/{id}", get(finance::estimates::estimate))
        .route("/finance/estimates/{id}/{action}", post(finance::estimates::step))
        .route(
            "/finance/allocation",
            get(finance::allocation::page).post(finance::allocation::allocate),
        )
        .route(
            "/finance/allocation/remaining",
            post(finance::allocation::remaining_part),
        )
        .route("/finance/allocation/adjust", post(finance::allocation::adjust))
        .route(
            "/finance/allocation/execution.xlsx",
            get(finance::allocation::execution),
        )
        .route("/finance/spending", get(finance::spending::page))
        .route("/finance/vouchers", post(finance::spending::create_voucher))
        .route("/finance/vouchers/{id}", get(finance::spending::voucher))
        .route("/finance/commitments", post(finance::spending::create_commitment))
        .route(
            "/finance/commitments/{id}/{action}",
            post(finance::spending::commitment_step),
        )
        .route(
            "/finance/ledger",
            get(finance::ledger::page).post(finance::ledger::post),
        )
        .route("/finance/ledger/{id}/reverse", post(finance::ledger::reverse))
        .route("/finance/ledger/{step}", post(finance::ledger::period))
        .route("/finance/dues", get(finance::dues::page).post(finance::dues::record))
        .route("/finance/dues/remit", post(finance::dues::remit))
        .route("/finance/dues/cells", post(finance::dues::create_cell))
        .route("/finance/dues/b01.xlsx", get(finance::dues::b01))
        .route("/notifications", get(notifications::list))
        .route("/notifications/read-all", post(notifications::mark_all_read))
        .route("/notifications/{id}/{action}", post(notifications::mark_read))
        .route("/search", get(search::page))
        .route("/admin", get(admin::office::page))
        .route("/admin/offices/{id}/users", post(admin::office::create_user))
        .route("/admin/offices/{id}/accounts", post(admin::office::create_account))
        .route("/admin/users/{id}/{action}", post(admin::office::user_step))
        .route("/admin/accounts/{id}/{action}", post(admin::office::account_step))
        .route("/admin/tree", get(admin::tree::page))
        .route("/admin/tree/{action}", post(admin::tree::reorganise))
        .route("/reports", get(reports::list).post(reports::create))
        .route("/reports/{id}", get(reports::page))
        .route("/reports/{id}/print", get(report_print::page))
        .route("/reports/{id}/{action}", get(reports::download).post(reports::step))
        // An address that takes a form, opened in the browser (after a
        // refused form, say): a page saying so, not an empty answer.
        .method_not_allowed_fallback(async || ConsoleError::FormOnly)
        .layer(DefaultBodyLimit::max(register::MAX_SCAN + 1024 * 1024))
        .layer(from_fn_with_state(console.clone(), csrf::check))
        .layer(from_fn_with_state(console.clone(), session::load))
        .route("/assets/{version}/{file}", get(assets::serve))
        .layer(from_fn(security::headers))
        .with_state(console)
}

/// What a page handler knows of its request.
pub struct Ctx {
    console: Arc<Console>,
    parts: Parts,
    session: Option<Session>,
}

impl FromRequestParts<Arc<Console>> for Ctx {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, console: &Arc<Console>) -> Result<Self, Infallible> {
        Ok(Ctx {
            console: console.clone(),
            session: parts.extensions.get::<Session>().cloned(),
            parts: parts.clone(),
        })
    }
}

impl Ctx {
    /// A call to a service for this request: the signed-in person's token
    /// (none before sign-in), the request id, the deadline, the client.
    pub fn call<T>(&self, message: T) -> tonic::Request<T> {
        let mut call = vanphong_platform::grpc_client::call_for_http(&self.parts, self.console.timeout, message);
        call.metadata_mut().remove("authorization");
        if let Some(session) = &self.session
            && let Ok(value) = format!("Bearer {}", session.access).parse()
        {
            call.metadata_mut().insert("authorization", value);
        }
        call
    }

    /// The session, or the way to the sign-in page (and back here).
    pub fn session(&self) -> Result<&Session, ConsoleError> {
        self.session.as_ref().ok_or_else(|| ConsoleError::SignInNeeded {
            next: self
                .parts
                .uri
                .path_and_query()
                .map(|p| p.as_str().to_string())
                .unwrap_or_else(|| "/".into()),
        })
    }

    pub fn services(&self) -> &crate::Services {
        &self.console.services
    }

    /// Today in Vietnam, by the suite's clock.
    pub fn today(&self) -> chrono::NaiveDate {
        format::today(self.console.clock.now())
    }

    /// Today as the forms show it, `dd/mm/yyyy`.
    pub fn today_typed(&self) -> String {
        self.today().format("%d/%m/%Y").to_string()
    }

    /// Whether cookies set now should be Secure.
    pub fn secure(&self) -> bool {
        session::secure(&self.parts.headers)
    }

    pub fn csrf(&self) -> &csrf::CsrfKey {
        &self.console.csrf
    }

    /// Who is signed in, as the directory knows them now (a revoked
    /// session ends here, sending the person to sign in again), with the
    /// number beside their bell.
    pub async fn me(&self) -> Result<Me, ConsoleError> {
        let session = self.session()?;
        let who = async { self.services().auth().who_am_i(self.call(WhoAmIRequest {})).await };
        let (principal, unread) = tokio::join!(who, self.unread_notifications());
        Ok(Me {
            csrf: self.console.csrf.for_session(&session.claims.sid.to_string()),
            principal: principal?.into_inner(),
            unread,
        })
    }

    /// The person's unread notifications of documents, petitions and
    /// reports together; none when no service answered (the page is shown
    /// all the same), those that did when some did not.
    async fn unread_notifications(&self) -> Option<i64> {
        let services = self.services();
        let documents = async {
            let call = self.call(CountUnreadNotificationsRequest {});
            let answer = services.notifications()?.count_unread_notifications(call).await?;
            Ok::<_, ConsoleError>(answer.into_inner().unread_count)
        };
        let petitions = async {
            let call = self.call(CountUnreadNoticesRequest {});
            let answer = services.petition_notices()?.count_unread_notifications(call).await?;
            Ok::<_, ConsoleError>(answer.into_inner().unread_count)
        };
        let reports = async {
            let call = self.call(CountUnreadNoticesRequest {});
            let answer = services.report_notices()?.count_unread_notifications(call).await?;
            Ok::<_, ConsoleError>(answer.into_inner().unread_count)
        };
        let (documents, petitions, reports) = tokio::join!(documents, petitions, reports);
        let mut total = None;
        for (source, count) in [("documents", documents), ("petitions", petitions), ("reports", reports)] {
            match count {
                Ok(n) => total = Some(total.unwrap_or(0) + n),
                Err(ConsoleError::NotConfigured(_)) => {}
                Err(error) => tracing::warn!(%error, source, "unread notifications not counted"),
            }
        }
        total
    }
}

/// The signed-in person, the anti-forgery token of their forms and their
/// unread notifications (none when not counted).
pub struct Me {
    pub principal: Principal,
    pub csrf: String,
    pub unread: Option<i64>,
}

impl Me {
    pub fn has(&self, role: Role) -> bool {
        self.principal.roles.contains(&(role as i32))
    }

    /// Whether the person watches the whole office's deadlines of some work
    /// (`vanphong_platform::my_work::WATCH_OFFICE_DOCUMENTS`, …), as the
    /// services count them.
    pub fn watches(&self, watchers: &[vanphong_platform::identity::Role]) -> bool {
        vanphong_platform::my_work::watches(watchers, |r| self.principal.roles.contains(&r.to_wire()))
    }

    /// Whether the person works on incoming documents.
    pub fn works_on_documents(&self) -> bool {
        [Role::Clerk, Role::Leader, Role::Specialist]
            .iter()
            .any(|r| self.has(*r))
    }

    /// Whether the person drafts outgoing documents (the documents
    /// service's roles for drafting).
    pub fn drafts(&self) -> bool {
        [Role::Specialist, Role::Clerk, Role::Leader, Role::PetitionOfficer]
            .iter()
            .any(|r| self.has(*r))
    }

    /// Whether the person writes reports of their office.
    pub fn writes_reports(&self) -> bool {
        [
            Role::Specialist,
            Role::Clerk,
            Role::Leader,
            Role::PetitionOfficer,
            Role::Accountant,
        ]
        .iter()
        .any(|r| self.has(*r))
    }

    /// Whether the person may download the register books.
    pub fn reads_registers(&self) -> bool {
        [Role::Clerk, Role::Leader, Role::Inspector]
            .iter()
            .any(|r| self.has(*r))
    }

    /// The base layout of a page of theirs; `active` is the nav entry.
    pub fn layout(&self, title: impl Into<String>, active: &str) -> Layout {
        let mut nav = vec![NavItem::new("/", "Việc của tôi", active)];
        if self.works_on_documents() {
            nav.push(NavItem::new("/documents", "Văn bản đến", active));
        }
        if self.drafts() {
            nav.push(NavItem::new("/outgoing", "Văn bản đi", active));
        }
        if self.reads_registers() {
            nav.push(NavItem::new("/registers", "Sổ văn bản", active));
        }
        if [Role::PetitionOfficer, Role::Leader, Role::Specialist, Role::Clerk]
            .iter()
            .any(|r| self.has(*r))
        {
            nav.push(NavItem::new("/petitions", "Đơn thư", active));
        }
        if [Role::Specialist, Role::Clerk, Role::Leader, Role::Inspector]
            .iter()
            .any(|r| self.has(*r))
        {
            nav.push(NavItem::new("/reports", "Báo cáo", active));
        }
        if self.has(Role::Accountant) || self.has(Role::Leader) {
            nav.push(NavItem::new("/finance", "Tài chính", active));
        }
        if self.has(Role::Admin) {
            nav.push(NavItem::new("/admin", "Quản trị", active));
        }
        Layout {
            title: title.into(),
            assets: assets::version(),
            user: Some(UserBar {
                full_name: self.principal.full_name.clone(),
                username: self.principal.name.clone(),
                office_name: self.principal.office_name.clone(),
                roles: format::roles(&self.principal.roles),
            }),
            csrf: self.csrf.clone(),
            nav,
            unread: self.unread,
        }
    }
}

/// What the base template (`base.html`) shows around every page.
pub struct Layout {
    pub title: String,
    /// The version segment of asset paths.
    pub assets: &'static str,
    /// The header's person, office and roles; none before sign-in.
    pub user: Option<UserBar>,
    /// The anti-forgery token of the page's forms.
    pub csrf: String,
    pub nav: Vec<NavItem>,
    /// The number beside the bell; none when not counted.
    pub unread: Option<i64>,
}

impl Layout {
    /// The layout of a page seen without a session (sign-in, errors).
    pub fn bare(title: impl Into<String>) -> Self {
        Layout {
            title: title.into(),
            assets: assets::version(),
            user: None,
            csrf: String::new(),
            nav: Vec::new(),
            unread: None,
        }
    }

    /// The htmx file's path.
    pub fn htmx(&self) -> String {
        format!("/assets/{}/htmx.min.js", self.assets)
    }

    /// The console's own script (pages work without it).
    pub fn script(&self) -> String {
        format!("/assets/{}/console.js", self.assets)
    }

    /// The bell's words for people and screen readers.
    pub fn bell_label(&self) -> String {
        match self.unread {
            Some(0) => "Thông báo: không có thông báo mới".into(),
            Some(n) => format!("Thông báo: {n} chưa đọc"),
            None => "Thông báo".into(),
        }
    }

    /// The stylesheet's path.
    pub fn css(&self) -> String {
        format!("/assets/{}/console.css", self.assets)
    }
}

pub struct UserBar {
    pub full_name: String,
    pub username: String,
    pub office_name: String,
    pub roles: String,
}

pub struct NavItem {
    pub href: &'static str,
    pub label: &'static str,
    pub active: bool,
}

impl NavItem {
    fn new(href: &'static str, label: &'static str, active: &str) -> Self {
        NavItem {
            href,
            label,
            active: href == active,
        }
    }
}
