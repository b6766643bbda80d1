//! Incoming documents: the queue (the views of "my work", searchable by
//! number or words, paged with the page in the URL), a
//! document's page (its details with names beside ids, history,
//! attachments, viewed in the browser or downloaded), and what people do
//! there: register one that arrived electronically or refuse it, submit it
//! to a leader, direct it, report progress, complete it, file it in a hồ
//! sơ, hand the sender its edXML status package. Each
//! action is a plain form POST that calls the documents service and comes
//! back to the page; a refusal is shown on the page with the service's
//! words, what was typed kept.

use askama::Template;
use axum::body::Body;
use axum::extract::{Path, Query};
use axum::response::{Html, IntoResponse, Redirect, Response};
use bytes::Bytes;
use futures_util::StreamExt;
use http::{HeaderValue, StatusCode, header};
use serde::Deserialize;

use vanphong_proto::directory::v1::{GetOfficeRequest, Role, User};
use vanphong_proto::documents::v1::{
    AddProgressRequest, AnswerRecallRequest, Channel, CompleteRequest, DirectRequest, Direction, Document,
    ExportEdxmlStatusRequest, FileRequest, GetAttachmentRequest, GetDocumentRequest, ListAttachmentsRequest,
    RefuseRequest, RegisterIncomingRequest, SignatureVerdict, Status, SubmitToLeaderRequest,
};

use super::form::{FormData, Refusal};
use super::people::{self, Person, Picker};
use super::sorting::Sorted;
use super::work::{self, SORTINGS, View};
use super::{Ctx, Layout, Me};
use crate::errors::ConsoleError;
use crate::format;

/// A row of the queue.
struct Row {
    /// The document's page (an outgoing one's is under /outgoing).
    href: String,
    arrival: String,
    number_symbol: String,
    subject: String,
    issuer: String,
    received: String,
    deadline: String,
    status: &'static str,
    overdue: bool,
}

pub(super) fn arrival(d: &Document) -> String {
    if d.arrival_number > 0 {
        format!("{}/{}", d.arrival_number, d.arrival_year)
    } else {
        String::new()
    }
}

impl Row {
    fn of(d: &Document) -> Self {
        let outgoing = d.direction == Direction::Outgoing as i32;
        Row {
            href: format!("/{}/{}", if outgoing { "outgoing" } else { "documents" }, d.id),
            arrival: arrival(d),
            number_symbol: d.number_symbol.clone(),
            subject: d.subject.clone(),
            issuer: if outgoing {
                format!("Văn bản đi · {}", d.drafter_name)
            } else {
                d.issuer_name.clone()
            },
            received: format::timestamp(d.received_at.as_ref()),
            deadline: work::deadline(d)
                .map(|d| d.format("%d/%m/%Y").to_string())
                .unwrap_or_default(),
            status: format::status(d.status),
            overdue: d.overdue,
        }
    }
}

/// A tab of a list: another view.
pub struct Tab {
    pub href: String,
    pub title: &'static str,
    pub current: bool,
}

#[derive(Template)]
#[template(path = "documents.html")]
struct QueuePage {
    layout: Layout,
    heading: &'static str,
    tabs: Vec<Tab>,
    view: &'static str,
    q: String,
    /// The office seen as a whole, and its name.
    office: String,
    office_name: Option<String>,
    rows: Vec<Row>,
    /// The orders of the list, by its headings or as a choice.
    sorted: Sorted,
    /// The next page's link, when there is one; the first page's, when
    /// this is not the first.
    next: Option<String>,
    first: Option<String>,
    can_register: bool,
}

#[derive(Deserialize)]
pub struct QueueQuery {
    view: Option<String>,
    #[serde(default)]
    q: String,
    /// The page's token, kept in the URL so a page can be bookmarked.
    #[serde(default)]
    page: String,
    /// An office (a leader's own or one below) seen as a whole, from the
    /// home page's table.
    #[serde(default)]
    office: String,
    /// The order chosen by a column's heading (see `work::SORTINGS`).
    #[serde(default)]
    sort: String,
}

/// The name of an office the person may read (the directory decides).
pub(super) async fn office_name(ctx: &Ctx, office: &str) -> Result<String, ConsoleError> {
    let request = GetOfficeRequest {
        office_id: office.to_string(),
        as_of: String::new(),
    };
    Ok(ctx
        .services()
        .offices()
        .get_office(ctx.call(request))
        .await?
        .into_inner()
        .name)
}

/// `GET /documents?view=…&q=…&page=…[&office=…]`: one page of a view of the
/// incoming documents, or of a search of all of them by number or words;
/// with `office`, that office's documents as a whole.
pub async fn queue(ctx: Ctx, Query(query): Query<QueueQuery>) -> Result<Html<String>, ConsoleError> {
    let me = ctx.me().await?;
    let office = Some(query.office.trim()).filter(|o| !o.is_empty());
    let (views, office_name) = match office {
        Some(office) => (View::OF_OFFICE.to_vec(), Some(office_name(&ctx, office).await?)),
        None => {
            let mut views = View::of(&me);
            views.extend([View::All, View::Search]);
            (views, None)
        }
    };
    let view = query
        .view
        .as_deref()
        .and_then(View::from_slug)
        .filter(|v| office.is_none() || views.contains(v))
        .unwrap_or(if query.q.trim().is_empty() || office.is_some() {
            views[0]
        } else {
            View::Search
        });
    let chosen = SORTINGS.named(&query.sort);
    let sorting = chosen.unwrap_or(view.default_sorting());
    let listed = work::list(&ctx, &me, view, office, &query.q, &query.page, chosen).await?;
    let sorted = SORTINGS.sorted(
        sorting,
        chosen,
        "/documents",
        vec![
            ("view", view.slug().to_string()),
            ("q", query.q.trim().to_string()),
            ("office", office.unwrap_or_default().to_string()),
        ],
    );
    let page = QueuePage {
        layout: me.layout("Văn bản đến", "/documents"),
        heading: view.title(),
        tabs: views
            .iter()
            .map(|v| Tab {
                href: sorted.link_with("view", v.slug()),
                title: v.title(),
                current: *v == view,
            })
            .collect(),
        view: view.slug(),
        q: query.q.trim().to_string(),
        office: office.unwrap_or_default().to_string(),
        office_name,
        rows: listed.documents.iter().map(Row::of).collect(),
        next: (!listed.next.is_empty()).then(|| sorted.page_link(&listed.next)),
        first: (!query.page.is_empty()).then(|| sorted.page_link("")),
        sorted,
        can_register: me.has(Role::Clerk) && office.is_none(),
    };
    Ok(Html(page.render()?))
}

/// A line of the document's history.
pub struct EventLine {
    pub at: String,
    pub what: String,
    pub who: String,
    pub note: String,
}

/// The document's history, latest first: each actor by their full name
/// when among `people` (the office's, known to the reader), else by the
/// name the event carries.
pub fn history(document: &Document, people: &[User]) -> Vec<EventLine> {
    document
        .events
        .iter()
        .rev()
        .map(|e| EventLine {
            at: format::timestamp(e.at.as_ref()),
            what: format::event(&e.kind),
            who: match people.iter().find(|u| u.id == e.actor_id) {
                Some(person) => person.full_name.clone(),
                None if e.actor_name.is_empty() => e.actor_id.clone(),
                None => e.actor_name.clone(),
            },
            note: e.note.clone(),
        })
        .collect()
}

/// An attached file, downloaded through the console.
pub struct AttachmentLine {
    pub href: String,
    /// Where the browser shows it (a PDF, an image, plain text); empty for
    /// files it would only download.
    pub view: String,
    /// An image, shown small on the page.
    pub image: bool,
    pub name: String,
    pub size: String,
    /// Outgoing: "phiên bản N", the draft's version it belongs to; empty
    /// for an incoming document's files.
    pub version: String,
    pub at: String,
    /// What the file's digital signatures came to; empty for other files.
    pub signature: String,
    /// The signatures do not hold: shown as a warning.
    pub signature_bad: bool,
    /// The document as issued (rendered and signed when numbered).
    pub issued: bool,
}

/// The document's files, as listed by the documents service; `versioned`
/// for a draft's files, each named with its version.
pub async fn attachments(ctx: &Ctx, document_id: &str, versioned: bool) -> Result<Vec<AttachmentLine>, ConsoleError> {
    let listed = ctx
        .services()
        .attachments()?
        .list_attachments(ctx.call(ListAttachmentsRequest {
            document_id: document_id.to_string(),
        }))
        .await?
        .into_inner()
        .attachments;
    Ok(listed
        .iter()
        .map(|a| AttachmentLine {
            issued: a.issued,
            view: if viewable(&a.content_type) {
                format!("/documents/{document_id}/attachments/{}?view=1", a.id)
            } else {
                String::new()
            },
            image: a.content_type.starts_with("image/") && viewable(&a.content_type),
            href: format!("/documents/{document_id}/attachments/{}", a.id),
            name: a.file_name.clone(),
            size: format::size(a.size),
            version: if versioned {
                format!("phiên bản {}", a.version)
            } else {
                String::new()
            },
            at: format::timestamp(a.uploaded_at.as_ref()),
            signature: a
                .signature_check
                .as_ref()
                .map(format::signature_check)
                .unwrap_or_default(),
            signature_bad: a
                .signature_check
                .as_ref()
                .is_some_and(|c| c.verdict() == SignatureVerdict::Invalid),
        })
        .collect())
}

/// Types a browser shows itself without running anything from the file:
/// these are sent for viewing; anything else only as a download.
const VIEWABLE: [&str; 6] = [
    "application/pdf",
    "image/png",
    "image/jpeg",
    "image/gif",
    "image/webp",
    "text/plain",
];

fn viewable(content_type: &str) -> bool {
    let essence = content_type.split(';').next().unwrap_or_default().trim();
    VIEWABLE.iter().any(|t| t.eq_ignore_ascii_case(essence))
}

/// Which forms the page offers, by the document's status and the person's
/// roles (the service decides whether each is allowed).
#[derive(Default)]
struct Actions {
    /// Its sender asked for it back: accept or refuse.
    answer_recall: bool,
    register: bool,
    /// Arrived electronically and not wanted here: sent back with a reason.
    refuse: bool,
    submit: bool,
    direct: bool,
    handle: bool,
    /// Done: filed in a hồ sơ.
    file: bool,
    /// Arrived electronically: the status package for its sender.
    edxml_status: bool,
}

#[derive(Template)]
#[template(path = "document.html")]
struct DocumentPage {
    layout: Layout,
    id: String,
    office_id: String,
    title: String,
    subject: String,
    number_symbol: String,
    type_name: String,
    issuer: String,
    issued_on: String,
    signer: String,
    arrival: String,
    received: String,
    status: &'static str,
    urgency: &'static str,
    secrecy: &'static str,
    pages: i32,
    due_on: String,
    overdue: bool,
    file_reference: String,
    refusal_reason: String,
    leader: String,
    lead_handler: String,
    coordinators: String,
    handling_deadline: String,
    direction_note: String,
    events: Vec<EventLine>,
    attachments: Vec<AttachmentLine>,
    actions: Actions,
    leaders: Vec<Person>,
    handlers: Vec<Person>,
    coordinator_choices: Vec<Person>,
    notice: Option<&'static str>,
    refusal: Option<Refusal>,
    /// What the refused form had, to fill it again.
    kept: FormData,
}

impl DocumentPage {
    /// A field's error, for the template.
    fn error(&self, field: &str) -> String {
        self.refusal.as_ref().map(|r| r.about(field)).unwrap_or_default()
    }

    fn kept(&self, field: &str) -> String {
        self.kept.get(field)
    }

    /// The lead handler, picked by name among the office's people.
    fn lead_picker(&self) -> Picker {
        Picker::new(
            "lead",
            "lead_handler_id",
            "Người chủ trì",
            &self.office_id,
            "specialist",
            self.handlers.clone(),
        )
        .size(6)
        .required()
        .error(self.error("lead_handler_id"))
    }
}

fn notice(m: Option<&str>) -> Option<&'static str> {
    match m? {
        "registered" => Some("Đã vào sổ văn bản đến."),
        "scan-failed" => Some("Đã vào sổ văn bản, nhưng chưa tải được bản quét; vui lòng thử tải lại."),
        "submitted" => Some("Đã trình lãnh đạo."),
        "directed" => Some("Đã giao xử lý."),
        "progress" => Some("Đã cập nhật tiến độ."),
        "completed" => Some("Đã hoàn thành xử lý văn bản."),
        "recall-accepted" => Some("Đã đồng ý trả lại văn bản cho nơi gửi."),
        "recall-refused" => Some("Đã từ chối thu hồi; nơi gửi được báo lý do."),
        "filed" => Some("Đã lập hồ sơ."),
        "refused" => Some("Đã từ chối tiếp nhận; nơi gửi được báo lý do."),
        "imported" => Some("Đã nhận văn bản điện tử; kiểm tra rồi vào sổ hoặc từ chối tiếp nhận."),
        _ => None,
    }
}

#[derive(Deserialize)]
pub struct PageQuery {
    m: Option<String>,
}

/// `GET /documents/{id}`.
pub async fn page(ctx: Ctx, Path(id): Path<String>, Query(query): Query<PageQuery>) -> Result<Response, ConsoleError> {
    let me = ctx.me().await?;
    let page = match render_page(&ctx, &me, &id, notice(query.m.as_deref()), None, FormData(Vec::new())).await {
        Err(ConsoleError::Outgoing) => return Ok(Redirect::to(&format!("/outgoing/{id}")).into_response()),
        page => page?,
    };
    Ok(Html(page.render()?).into_response())
}

async fn render_page(
    ctx: &Ctx,
    me: &Me,
    id: &str,
    notice: Option<&'static str>,
    refusal: Option<Refusal>,
    kept: FormData,
) -> Result<DocumentPage, ConsoleError> {
    let document = get(ctx, id).await?;
    if document.direction == Direction::Outgoing as i32 {
        return Err(ConsoleError::Outgoing);
    }
    let attachments = attachments(ctx, &document.id, false).await?;
    let people: Vec<User> = people::of_office(ctx, &document.office_id, "").await?;
    let handling = document.handling.clone().unwrap_or_default();
    let me_id = me.principal.subject_id.as_str();
    let status = Status::try_from(document.status).unwrap_or(Status::Unspecified);
    let handles = handling.lead_handler_id == me_id || handling.coordinator_ids.iter().any(|c| c == me_id);
    let clerk = me.has(Role::Clerk);
    let actions = Actions {
        answer_recall: document.recall_requested && (clerk || me.has(Role::Leader)),
        register: status == Status::Arrived && clerk,
        refuse: status == Status::Arrived && clerk,
        submit: status == Status::Registered && clerk,
        direct: status == Status::Submitted && me.has(Role::Leader),
        handle: matches!(status, Status::Assigned | Status::InProgress) && handles,
        file: status == Status::Done && (clerk || handling.lead_handler_id == me_id),
        edxml_status: document.channel == Channel::Electronic as i32
            && status != Status::Arrived
            && (clerk || me.has(Role::Leader)),
    };
    let kept_lead = kept.all("lead_handler_id");
    let kept_coordinators = kept.all("coordinator_ids");
    let kept_leader = kept.all("leader_id");
    Ok(DocumentPage {
        layout: me.layout(
            if document.number_symbol.is_empty() {
                "Văn bản".to_string()
            } else {
                format!("Văn bản {}", document.number_symbol)
            },
            "/documents",
        ),
        id: document.id.clone(),
        office_id: document.office_id.clone(),
        title: if document.number_symbol.is_empty() {
            "Văn bản đến".into()
        } else {
            format!("Văn bản đến số {}", document.number_symbol)
        },
        subject: document.subject.clone(),
        number_symbol: document.number_symbol.clone(),
        type_name: document.type_name.clone(),
        issuer: document.issuer_name.clone(),
        issued_on: format::date(&document.issued_on),
        signer: [document.signer_position.as_str(), document.signer_name.as_str()]
            .iter()
            .filter(|s| !s.is_empty())
            .copied()
            .collect::<Vec<_>>()
            .join(" "),
        arrival: arrival(&document),
        received: format::timestamp(document.received_at.as_ref()),
        status: format::status(document.status),
        urgency: format::urgency(document.urgency),
        secrecy: format::secrecy(document.secrecy),
        pages: document.pages,
        due_on: format::date(&document.due_on),
        overdue: document.overdue,
        file_reference: document.file_reference.clone(),
        refusal_reason: document.refusal_reason.clone(),
        leader: people::name_of(&people, &handling.leader_id),
        lead_handler: people::name_of(&people, &handling.lead_handler_id),
        coordinators: handling
            .coordinator_ids
            .iter()
            .map(|c| people::name_of(&people, c))
            .collect::<Vec<_>>()
            .join(", "),
        handling_deadline: format::date(&handling.deadline),
        direction_note: handling.note.clone(),
        events: history(&document, &people),
        attachments,
        leaders: people::choices(&people, Some(Role::Leader), false, &kept_leader),
        handlers: people::choices(&people, Some(Role::Specialist), true, &kept_lead),
        coordinator_choices: people::choices(&people, Some(Role::Specialist), true, &kept_coordinators),
        actions,
        notice,
        refusal,
        kept,
    })
}

/// A document by id; a malformed id is simply not found.
pub async fn get(ctx: &Ctx, id: &str) -> Result<Document, ConsoleError> {
    if uuid::Uuid::parse_str(id).is_err() {
        return Err(ConsoleError::NotFound);
    }
    let answer = ctx
        .services()
        .queries()?
        .get_document(ctx.call(GetDocumentRequest {
            document_id: id.to_string(),
        }))
        .await;
    match answer {
        Ok(document) => Ok(document.into_inner()),
        // Another office's document: to this person it does not exist.
        Err(status) if status.code() == tonic::Code::PermissionDenied => Err(ConsoleError::NotFound),
        Err(status) => Err(status.into()),
    }
}

/// What the service answered to an action on a document whose page is
/// under `base`: the way back to the page, with `done` (303), or the
/// refusal to show on the page the person can fix; else an error page.
pub fn answered(
    result: Result<tonic::Response<Document>, tonic::Status>,
    base: &str,
    done: &str,
) -> Result<Result<Response, Refusal>, ConsoleError> {
    match result {
        Ok(answer) => Ok(Ok(
            Redirect::to(&format!("{base}/{}?m={done}", answer.into_inner().id)).into_response()
        )),
        Err(status) if Refusal::shown_on_form(&status) => Ok(Err(Refusal::of(&status))),
        Err(status) => Err(status.into()),
    }
}

/// The answer to an action: back to the page with `done`, or the page with
/// the service's refusal and what was typed.
async fn after(
    ctx: &Ctx,
    id: &str,
    form: FormData,
    result: Result<tonic::Response<Document>, tonic::Status>,
    done: &str,
) -> Result<Response, ConsoleError> {
    match answered(result, "/documents", done)? {
        Ok(redirect) => Ok(redirect),
        Err(refusal) => refused(ctx, id, form, refusal).await,
    }
}

/// The document's page again with a refusal beside its form, and what was
/// typed.
async fn refused(ctx: &Ctx, id: &str, form: FormData, refusal: Refusal) -> Result<Response, ConsoleError> {
    let me = ctx.me().await?;
    let page = render_page(ctx, &me, id, None, Some(refusal), form).await?;
    Ok((StatusCode::BAD_REQUEST, Html(page.render()?)).into_response())
}

/// `POST /documents/{id}/register`: registers a document that arrived
/// electronically.
pub async fn register_arrived(ctx: Ctx, Path(id): Path<String>, form: FormData) -> Result<Response, ConsoleError> {
    ctx.session()?;
    let request = RegisterIncomingRequest {
        request_id: form.get("request_id"),
        arrived_document_id: id.clone(),
        ..Default::default()
    };
    let result = ctx.services().incoming()?.register_incoming(ctx.call(request)).await;
    after(&ctx, &id, form, result, "registered").await
}

/// `POST /documents/{id}/submit`: to the leader picked.
pub async fn submit(ctx: Ctx, Path(id): Path<String>, form: FormData) -> Result<Response, ConsoleError> {
    ctx.session()?;
    let request = SubmitToLeaderRequest {
        document_id: id.clone(),
        leader_id: form.get("leader_id"),
        note: form.get("note"),
    };
    let result = ctx.services().incoming()?.submit_to_leader(ctx.call(request)).await;
    after(&ctx, &id, form, result, "submitted").await
}

/// `POST /documents/{id}/direct`: who leads, who coordinates, by when.
pub async fn direct(ctx: Ctx, Path(id): Path<String>, form: FormData) -> Result<Response, ConsoleError> {
    ctx.session()?;
    let deadline = match form.date("deadline") {
        Ok(deadline) => deadline,
        Err(refusal) => return refused(&ctx, &id, form, refusal).await,
    };
    let request = DirectRequest {
        document_id: id.clone(),
        lead_handler_id: form.get("lead_handler_id"),
        coordinator_ids: form.all("coordinator_ids"),
        deadline,
        note: form.get("note"),
    };
    let result = ctx.services().incoming()?.direct(ctx.call(request)).await;
    after(&ctx, &id, form, result, "directed").await
}

/// `POST /documents/{id}/recall`: the answer to its sender's request to
/// take it back (the button pressed says which; refusing needs a reason).
pub async fn answer_recall(ctx: Ctx, Path(id): Path<String>, form: FormData) -> Result<Response, ConsoleError> {
    ctx.session()?;
    let accept = form.get("answer") == "accept";
    let request = AnswerRecallRequest {
        document_id: id.clone(),
        accept,
        reason: form.get("reason"),
    };
    let result = ctx.services().outgoing()?.answer_recall(ctx.call(request)).await;
    let done = if accept { "recall-accepted" } else { "recall-refused" };
    after(&ctx, &id, form, result, done).await
}

/// `POST /documents/{id}/progress`.
pub async fn progress(ctx: Ctx, Path(id): Path<String>, form: FormData) -> Result<Response, ConsoleError> {
    ctx.session()?;
    let request = AddProgressRequest {
        document_id: id.clone(),
        note: form.get("note"),
    };
    let result = ctx.services().incoming()?.add_progress(ctx.call(request)).await;
    after(&ctx, &id, form, result, "progress").await
}

/// `POST /documents/{id}/complete`.
pub async fn complete(ctx: Ctx, Path(id): Path<String>, form: FormData) -> Result<Response, ConsoleError> {
    ctx.session()?;
    let request = CompleteRequest {
        document_id: id.clone(),
        note: form.get("note"),
        ..Default::default()
    };
    let result = ctx.services().incoming()?.complete(ctx.call(request)).await;
    after(&ctx, &id, form, result, "completed").await
}

/// `POST /documents/{id}/file`: files a handled document in a hồ sơ.
pub async fn file(ctx: Ctx, Path(id): Path<String>, form: FormData) -> Result<Response, ConsoleError> {
    ctx.session()?;
    let request = FileRequest {
        document_id: id.clone(),
        file_reference: form.get("file_reference"),
    };
    let result = ctx.services().incoming()?.file(ctx.call(request)).await;
    after(&ctx, &id, form, result, "filed").await
}

/// `POST /documents/{id}/refuse`: sends back a document that arrived
/// electronically, with the reason its sender is told.
pub async fn refuse(ctx: Ctx, Path(id): Path<String>, form: FormData) -> Result<Response, ConsoleError> {
    ctx.session()?;
    let request = RefuseRequest {
        document_id: id.clone(),
        reason: form.get("reason"),
    };
    let result = ctx.services().incoming()?.refuse(ctx.call(request)).await;
    after(&ctx, &id, form, result, "refused").await
}

/// `GET /documents/{id}/edxml-status`: the edXML status package telling
/// the sender how far the document got, as a file to send back.
pub async fn edxml_status(ctx: Ctx, Path(id): Path<String>) -> Result<Response, ConsoleError> {
    ctx.session()?;
    ConsoleError::check_id(&id)?;
    let request = ExportEdxmlStatusRequest {
        document_id: id,
        description: String::new(),
    };
    let package = ctx
        .services()
        .edxml()?
        .export_edxml_status(ctx.call(request))
        .await
        .map_err(ConsoleError::unseen)?
        .into_inner();
    Ok(super::exchange::package_file(package, "trang-thai-edxml.xml"))
}

#[derive(Deserialize)]
pub struct DownloadQuery {
    /// Shown in the browser (a PDF, an image) instead of saved.
    #[serde(default)]
    view: String,
}

/// `GET /documents/{id}/attachments/{attachment_id}[?view=1]`: the file,
/// streamed from the documents service, as a download, or shown in the
/// browser when asked and its type is one a browser shows safely.
pub async fn download(
    ctx: Ctx,
    Path((id, attachment_id)): Path<(String, String)>,
    Query(query): Query<DownloadQuery>,
) -> Result<Response, ConsoleError> {
    ctx.session()?;
    if uuid::Uuid::parse_str(&id).is_err() || uuid::Uuid::parse_str(&attachment_id).is_err() {
        return Err(ConsoleError::NotFound);
    }
    let call = ctx.call(GetAttachmentRequest {
        document_id: id,
        attachment_id,
    });
    let mut stream = match ctx.services().attachments()?.download_attachment(call).await {
        Ok(answer) => answer.into_inner(),
        Err(status) if status.code() == tonic::Code::PermissionDenied => return Err(ConsoleError::NotFound),
        Err(status) => return Err(status.into()),
    };
    let first = stream.message().await?.ok_or(ConsoleError::NotFound)?;
    let attachment = first.attachment.ok_or(ConsoleError::NotFound)?;
    let head = futures_util::stream::once(async move { Ok::<Bytes, tonic::Status>(Bytes::from(first.chunk)) });
    let rest = stream.map(|m| m.map(|m| Bytes::from(m.chunk)));
    let mut response = Response::new(Body::from_stream(head.chain(rest)));
    let headers = response.headers_mut();
    let content_type = HeaderValue::from_str(&attachment.content_type)
        .ok()
        .filter(|_| !attachment.content_type.is_empty())
        .unwrap_or(HeaderValue::from_static("application/octet-stream"));
    headers.insert(header::CONTENT_TYPE, content_type);
    headers.insert(header::CONTENT_LENGTH, HeaderValue::from(attachment.size.max(0) as u64));
    let shown = !query.view.is_empty() && viewable(&attachment.content_type);
    let disposition = if shown {
        format::inline(&attachment.file_name)
    } else {
        format::attachment("tep-dinh-kem", &attachment.file_name)
    };
    if let Some(value) = disposition {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    Ok(response)
}
