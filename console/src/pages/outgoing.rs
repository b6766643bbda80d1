//! Outgoing documents (văn bản đi, docs/domain.md §2.4): the lists of
//! drafts and of what awaits approval, signature, a number or dispatch;
//! the drafting form (type, subject, the draft's file, recipients picked
//! among the deployment's offices or typed by name for bodies outside it);
//! and the document's page with each step of its flow as a plain form
//! POST: submit for review, approve or return with a comment, sign, number,
//! dispatch, recall. The documents service decides who may do what; its
//! refusals are shown on the page with its words, what was typed kept.

use askama::Template;
use axum::extract::{Multipart, Path, Query};
use axum::response::{Html, IntoResponse, Redirect, Response};
use http::StatusCode;
use serde::Deserialize;

use vanphong_proto::directory::v1::{ListOfficesRequest, NumberingConvention, Office, Role};
use vanphong_proto::documents::v1::{
    CancelRequest, CreateDraftRequest, Direction, DispatchRequest, Document, IssueNumberRequest, ListDocumentsRequest,
    RecallRequest, RecipientInput, Recipients, ReviewRequest, SignRequest, SortBy, Status, SubmitForReviewRequest,
    UpdateDraftRequest,
};

use super::choices::{self, Choice};
use super::documents::{self, AttachmentLine, EventLine, Tab};
use super::form::{FormData, Refusal};
use super::people::{self, Person};
use super::register::{self, Scan};
use super::sorting::{Order, Orders, Sorted};
use super::work;
use super::{Ctx, Layout, Me};
use crate::errors::ConsoleError;
use crate::format;

/// A list of outgoing documents.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum View {
    /// The person's own drafts.
    Mine,
    /// The person's drafts a reviewer sent back.
    Returned,
    InReview,
    ToSign,
    ToNumber,
    ToDispatch,
    Dispatched,
    All,
}

impl View {
    const EVERY: [View; 8] = [
        View::Mine,
        View::Returned,
        View::InReview,
        View::ToSign,
        View::ToNumber,
        View::ToDispatch,
        View::Dispatched,
        View::All,
    ];

    fn slug(self) -> &'static str {
        match self {
            View::Mine => "mine",
            View::Returned => "returned",
            View::InReview => "in-review",
            View::ToSign => "to-sign",
            View::ToNumber => "to-number",
            View::ToDispatch => "to-dispatch",
            View::Dispatched => "dispatched",
            View::All => "all",
        }
    }

    fn title(self) -> &'static str {
        match self {
            View::Mine => "Dự thảo của tôi",
            View::Returned => "Dự thảo bị trả lại",
            View::InReview => "Chờ duyệt",
            View::ToSign => "Chờ ký",
            View::ToNumber => "Chờ cấp số",
            View::ToDispatch => "Chờ phát hành",
            View::Dispatched => "Đã phát hành",
            View::All => "Tất cả văn bản đi",
        }
    }

    fn statuses(self) -> Vec<Status> {
        match self {
            View::Mine | View::Returned => vec![Status::Draft],
            View::InReview => vec![Status::InReview],
            View::ToSign => vec![Status::Approved],
            View::ToNumber => vec![Status::Signed],
            View::ToDispatch => vec![Status::Numbered],
            View::Dispatched => vec![Status::Dispatched],
            View::All => Vec::new(),
        }
    }

    /// The person's views: the first is where the list opens.
    fn of(me: &Me) -> Vec<View> {
        let mut views = Vec::new();
        if me.has(Role::Leader) {
            views.extend([View::InReview, View::ToSign]);
        }
        if me.has(Role::Clerk) {
            views.extend([View::ToNumber, View::ToDispatch]);
        }
        if me.drafts() {
            views.extend([View::Mine, View::Returned]);
        }
        views.extend([View::Dispatched, View::All]);
        views
    }
}

/// The orders of the outgoing lists, by their column headings.
const SORTS: Orders<SortBy> = Orders(&[
    (
        SortBy::Updated,
        Order {
            slug: "updated",
            label: "Cập nhật, mới nhất trước",
            column: "Cập nhật",
            descending: true,
        },
    ),
    (
        SortBy::Number,
        Order {
            slug: "number",
            label: "Số văn bản, lớn nhất trước",
            column: "Số, ký hiệu",
            descending: true,
        },
    ),
]);

impl View {
    /// The order the list is in when none was chosen: what was issued by
    /// its number, the rest by when it last changed.
    fn default_sort(self) -> SortBy {
        match self {
            View::Dispatched => SortBy::Number,
            _ => SortBy::Updated,
        }
    }
}

/// A row of a list.
struct Row {
    id: String,
    number: String,
    subject: String,
    type_name: String,
    drafter: String,
    updated: String,
    status: &'static str,
    returned: bool,
}

#[derive(Template)]
#[template(path = "outgoing_list.html")]
struct ListPage {
    layout: Layout,
    heading: &'static str,
    tabs: Vec<Tab>,
    view: &'static str,
    q: String,
    rows: Vec<Row>,
    /// The orders of the list, by its headings or as a choice.
    sorted: Sorted,
    /// The next page's link, when there is one; the first page's, when
    /// this is not the first.
    next: Option<String>,
    first: Option<String>,
    can_draft: bool,
}

#[derive(Deserialize)]
pub struct ListQuery {
    view: Option<String>,
    #[serde(default)]
    q: String,
    #[serde(default)]
    page: String,
    /// The order chosen by a column's heading (see [`SORTS`]).
    #[serde(default)]
    sort: String,
}

/// Whether the draft's last step was a reviewer sending it back.
fn was_returned(document: &Document) -> bool {
    document.events.last().is_some_and(|e| e.kind == "return")
}

/// `GET /outgoing?view=…&q=…&page=…`.
pub async fn list(ctx: Ctx, Query(query): Query<ListQuery>) -> Result<Html<String>, ConsoleError> {
    let me = ctx.me().await?;
    let views = View::of(&me);
    let view = query
        .view
        .as_deref()
        .and_then(|slug| View::EVERY.into_iter().find(|v| v.slug() == slug))
        .unwrap_or(views[0]);
    let chosen = SORTS.named(&query.sort);
    let sort = chosen.unwrap_or(view.default_sort());
    let request = ListDocumentsRequest {
        direction: Direction::Outgoing as i32,
        statuses: view.statuses().into_iter().map(|s| s as i32).collect(),
        page_size: work::PAGE,
        sort: sort as i32,
        ..Default::default()
    };
    let listed = work::fetch(&ctx, request, &query.q, &query.page).await?;
    let me_id = me.principal.subject_id.as_str();
    let mut rows = Vec::new();
    for d in listed.documents {
        if matches!(view, View::Mine | View::Returned) && d.drafter_id != me_id {
            continue;
        }
        // A list carries no history: a draft's own page tells whether it
        // came back from review.
        let returned = d.status == Status::Draft as i32 && was_returned(&documents::get(&ctx, &d.id).await?);
        if view == View::Returned && !returned {
            continue;
        }
        rows.push(Row {
            id: d.id.clone(),
            number: d.number_symbol.clone(),
            subject: d.subject.clone(),
            type_name: d.type_name.clone(),
            drafter: d.drafter_name.clone(),
            updated: format::timestamp(d.updated_at.as_ref()),
            status: format::status(d.status),
            returned,
        });
    }
    let q = query.q.trim().to_string();
    let sorted = SORTS.sorted(
        sort,
        chosen,
        "/outgoing",
        vec![("view", view.slug().to_string()), ("q", q.clone())],
    );
    let page = ListPage {
        layout: me.layout("Văn bản đi", "/outgoing"),
        heading: view.title(),
        tabs: views
            .iter()
            .map(|v| Tab {
                href: format!("/outgoing?view={}", v.slug()),
                title: v.title(),
                current: *v == view,
            })
            .collect(),
        view: view.slug(),
        next: (!listed.next.is_empty()).then(|| sorted.page_link(&listed.next)),
        first: (!query.page.is_empty()).then(|| sorted.page_link("")),
        q,
        rows,
        sorted,
        can_draft: me.drafts(),
    };
    Ok(Html(page.render()?))
}

/// The offices a document may go to: the deployment's, but the sender.
async fn other_offices(ctx: &Ctx, own: &str) -> Result<Vec<Office>, ConsoleError> {
    let mut offices = ctx
        .services()
        .offices()
        .list_offices(ctx.call(ListOfficesRequest::default()))
        .await?
        .into_inner()
        .offices;
    offices.retain(|o| o.id != own);
    offices.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(offices)
}

/// The recipients a form picked: offices by id, outside bodies one name
/// per line.
fn recipients_of(form: &FormData) -> Vec<RecipientInput> {
    let offices = form
        .all("recipient_office_ids")
        .into_iter()
        .map(|office_id| RecipientInput {
            office_id,
            ..Default::default()
        });
    let outside = form
        .get("outside_recipients")
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(|name| RecipientInput {
            name: name.to_string(),
            ..Default::default()
        })
        .collect::<Vec<_>>();
    offices.chain(outside).collect()
}

#[derive(Template)]
#[template(path = "outgoing_new.html")]
struct DraftPage {
    layout: Layout,
    csrf: String,
    kept: FormData,
    types: Vec<Choice>,
    urgencies: Vec<Choice>,
    secrecies: Vec<Choice>,
    offices: Vec<Choice>,
    refusal: Option<Refusal>,
}

impl DraftPage {
    fn value(&self, field: &str) -> String {
        self.kept.get(field)
    }

    fn outside_recipients(&self) -> String {
        self.kept.get("outside_recipients")
    }

    fn error(&self, field: &str) -> String {
        self.refusal.as_ref().map(|r| r.about(field)).unwrap_or_default()
    }
}

async fn draft_page(ctx: &Ctx, me: &Me, kept: FormData, refusal: Option<Refusal>) -> Result<DraftPage, ConsoleError> {
    let offices = other_offices(ctx, &me.principal.office_id).await?;
    Ok(DraftPage {
        layout: me.layout("Soạn văn bản đi", "/outgoing"),
        csrf: me.csrf.clone(),
        types: choices::document_types(ctx, &kept.get("type_code")).await?,
        urgencies: choices::urgencies(&kept.get("urgency")),
        secrecies: choices::secrecies(&kept.get("secrecy")),
        offices: choices::of(
            offices.into_iter().map(|o| (o.id, o.name)).collect(),
            &kept.all("recipient_office_ids"),
        ),
        kept,
        refusal,
    })
}

/// `GET /outgoing/new`: an empty drafting form, with the request id that
/// makes its submission safe to repeat.
pub async fn new(ctx: Ctx) -> Result<Html<String>, ConsoleError> {
    let me = ctx.me().await?;
    let kept = FormData(vec![
        ("request_id".into(), uuid::Uuid::new_v4().to_string()),
        ("pages".into(), "1".into()),
    ]);
    Ok(Html(draft_page(&ctx, &me, kept, None).await?.render()?))
}

/// A whole number typed in a form (empty is 0).
fn number(form: &FormData, field: &str) -> Result<i32, Refusal> {
    let text = form.get(field);
    if text.is_empty() {
        return Ok(0);
    }
    text.parse().map_err(|_| Refusal::field(field, "Phải là một số nguyên"))
}

/// `POST /outgoing`: creates the draft, attaches its file, goes to it.
pub async fn create(ctx: Ctx, multipart: Multipart) -> Result<Response, ConsoleError> {
    let me = ctx.me().await?;
    let (form, file) = register::read_upload(multipart, "file").await?;
    let parsed = (|| -> Result<CreateDraftRequest, Refusal> {
        Ok(CreateDraftRequest {
            request_id: form.get("request_id"),
            type_code: form.get("type_code"),
            subject: form.get("subject"),
            body: form.get("body"),
            urgency: number(&form, "urgency")?,
            secrecy: number(&form, "secrecy")?,
            pages: number(&form, "pages")?,
            due_on: form.date("due_on")?,
            drafting_unit_code: form.get("drafting_unit_code"),
            recipients: recipients_of(&form),
            ..Default::default()
        })
    })();
    let refused = |refusal: Refusal, form: FormData| async {
        let page = draft_page(&ctx, &me, form, Some(refusal)).await?;
        Ok::<_, ConsoleError>((StatusCode::BAD_REQUEST, Html(page.render()?)).into_response())
    };
    let request = match parsed {
        Ok(request) => request,
        Err(refusal) => return refused(refusal, form).await,
    };
    let document = match ctx.services().outgoing()?.create_draft(ctx.call(request)).await {
        Ok(document) => document.into_inner(),
        Err(status) if Refusal::shown_on_form(&status) => return refused(Refusal::of(&status), form).await,
        Err(status) => return Err(status.into()),
    };
    let outcome = attach(&ctx, &document.id, &format!("{}-v1", form.get("request_id")), file).await;
    Ok(Redirect::to(&format!("/outgoing/{}?m={}", document.id, outcome.unwrap_or("drafted"))).into_response())
}

/// Uploads a draft's file, if one was chosen; the notice to show when it
/// could not be stored.
async fn attach(ctx: &Ctx, id: &str, request_id: &str, file: Option<Scan>) -> Option<&'static str> {
    let file = file?;
    match register::upload(ctx, id, request_id, file).await {
        Ok(()) => None,
        Err(status) => {
            tracing::warn!(code = ?status.code(), message = status.message(), "draft's file not stored");
            Some("file-failed")
        }
    }
}

/// A recipient line of the page.
struct RecipientLine {
    name: String,
    inside: bool,
    status: &'static str,
    at: String,
}

/// The forms the page offers, by status and roles (the service decides).
#[derive(Default)]
struct Actions {
    edit: bool,
    review: bool,
    sign: bool,
    number: bool,
    dispatch: bool,
    recall: bool,
    /// Leaders and clerks cancel it (it keeps its number, marked cancelled).
    cancel: bool,
    /// Numbered: its edXML package, for a body outside the system.
    edxml: bool,
}

#[derive(Template)]
#[template(path = "outgoing.html")]
struct DocumentPage {
    layout: Layout,
    id: String,
    title: String,
    subject: String,
    status: &'static str,
    type_name: String,
    number_label: String,
    urgency: &'static str,
    secrecy: &'static str,
    pages: i32,
    due_on: String,
    drafter: String,
    version: i32,
    signer: String,
    signed: String,
    numbered: String,
    dispatched: String,
    returned_note: String,
    cancel_reason: String,
    edit_subject: String,
    /// The draft's text, for editing and reading.
    edit_body: String,
    recipients: Vec<RecipientLine>,
    attachments: Vec<AttachmentLine>,
    events: Vec<EventLine>,
    actions: Actions,
    leaders: Vec<Person>,
    offices: Vec<Choice>,
    outside: String,
    prefixes: Vec<Choice>,
    notice: Option<&'static str>,
    refusal: Option<Refusal>,
    kept: FormData,
}

impl DocumentPage {
    fn error(&self, field: &str) -> String {
        self.refusal.as_ref().map(|r| r.about(field)).unwrap_or_default()
    }

    fn kept(&self, field: &str) -> String {
        self.kept.get(field)
    }

    fn outside_recipients(&self) -> String {
        self.outside.clone()
    }
}

fn notice(m: Option<&str>) -> Option<&'static str> {
    match m? {
        "drafted" => Some("Đã tạo dự thảo."),
        "file-failed" => Some("Đã lưu dự thảo, nhưng chưa tải được tệp; vui lòng tải lại tệp."),
        "edited" => Some("Đã cập nhật dự thảo."),
        "submitted" => Some("Đã trình duyệt dự thảo."),
        "approved" => Some("Đã duyệt dự thảo."),
        "returned" => Some("Đã trả lại dự thảo cho người soạn."),
        "signed" => Some("Đã ký ban hành."),
        "numbered" => Some("Đã cấp số."),
        "dispatched" => Some("Đã phát hành văn bản đến nơi nhận."),
        "recalled" => Some("Đã đề nghị nơi nhận trả lại văn bản."),
        "cancelled" => Some("Đã hủy văn bản."),
        "status-recorded" => Some("Đã ghi nhận trạng thái do nơi nhận bên ngoài gửi lại."),
        _ => None,
    }
}

#[derive(Deserialize)]
pub struct PageQuery {
    m: Option<String>,
}

/// `GET /outgoing/{id}`.
pub async fn page(ctx: Ctx, Path(id): Path<String>, Query(query): Query<PageQuery>) -> Result<Response, ConsoleError> {
    let me = ctx.me().await?;
    let page = render_page(&ctx, &me, &id, notice(query.m.as_deref()), None, FormData(Vec::new())).await?;
    Ok(Html(page.render()?).into_response())
}

/// The signing authorities of the office's numbering convention.
fn prefixes(convention: NumberingConvention, current: &str) -> Vec<Choice> {
    let mut options = vec![(String::new(), "Ký tên mình (không ghi thẩm quyền)".to_string())];
    let listed: &[(&str, &str)] = match convention {
        NumberingConvention::Party => &[
            ("T/M", "T/M — thay mặt tập thể"),
            ("K/T", "K/T — ký thay người đứng đầu"),
            ("T/L", "T/L — thừa lệnh"),
        ],
        _ => &[
            ("TM.", "TM. — thay mặt tập thể"),
            ("KT.", "KT. — ký thay người đứng đầu"),
            ("TL.", "TL. — thừa lệnh"),
            ("TUQ.", "TUQ. — thừa ủy quyền"),
        ],
    };
    options.extend(listed.iter().map(|(v, l)| (v.to_string(), l.to_string())));
    choices::of(options, &[current.to_string()])
}

async fn render_page(
    ctx: &Ctx,
    me: &Me,
    id: &str,
    notice: Option<&'static str>,
    refusal: Option<Refusal>,
    kept: FormData,
) -> Result<DocumentPage, ConsoleError> {
    let d = documents::get(ctx, id).await?;
    if d.direction != Direction::Outgoing as i32 {
        return Err(ConsoleError::NotFound);
    }
    let attachments = documents::attachments(ctx, &d.id, true).await?;
    let status = Status::try_from(d.status).unwrap_or(Status::Unspecified);
    let me_id = me.principal.subject_id.as_str();
    let leader = me.has(Role::Leader);
    let clerk = me.has(Role::Clerk);
    let actions = Actions {
        edit: status == Status::Draft && (d.drafter_id == me_id || leader),
        review: status == Status::InReview && leader,
        sign: status == Status::Approved && leader,
        number: status == Status::Signed && clerk,
        dispatch: status == Status::Numbered && clerk,
        recall: status == Status::Dispatched && leader,
        cancel: !matches!(status, Status::Cancelled | Status::Unspecified) && (leader || clerk),
        edxml: matches!(status, Status::Numbered | Status::Dispatched) && (leader || clerk),
    };
    let offices = if actions.edit {
        other_offices(ctx, &d.office_id).await?
    } else {
        Vec::new()
    };
    let convention = if actions.sign {
        ctx.services()
            .offices()
            .list_offices(ctx.call(ListOfficesRequest::default()))
            .await?
            .into_inner()
            .offices
            .into_iter()
            .find(|o| o.id == d.office_id)
            .map(|o| o.numbering())
            .unwrap_or(NumberingConvention::State)
    } else {
        NumberingConvention::State
    };
    // Names in the history, and the leaders to submit to.
    let people = people::of_office(ctx, &d.office_id, "").await?;
    // The draft as it is, unless its refused edit is shown again.
    let refilled = kept.0.iter().any(|(k, _)| k == "subject");
    let edit_subject = if refilled {
        kept.get("subject")
    } else {
        d.subject.clone()
    };
    let edit_body = if refilled { kept.get("body") } else { d.body.clone() };
    let current_offices: Vec<String> = if refilled {
        kept.all("recipient_office_ids")
    } else {
        d.recipients
            .iter()
            .map(|r| r.office_id.clone())
            .filter(|o| !o.is_empty())
            .collect()
    };
    let outside = if refilled {
        kept.get("outside_recipients")
    } else {
        d.recipients
            .iter()
            .filter(|r| r.office_id.is_empty())
            .map(|r| r.name.clone())
            .collect::<Vec<_>>()
            .join("\n")
    };
    let returned_note = match d.events.last() {
        Some(e) if status == Status::Draft && e.kind == "return" => e.note.clone(),
        _ => String::new(),
    };
    let time = |t: &Option<prost_types::Timestamp>| format::timestamp(t.as_ref());
    Ok(DocumentPage {
        layout: me.layout(
            if d.number_symbol.is_empty() {
                "Văn bản đi".to_string()
            } else {
                format!("Văn bản đi {}", d.number_symbol)
            },
            "/outgoing",
        ),
        id: d.id.clone(),
        title: if d.number_symbol.is_empty() {
            format!("Dự thảo văn bản đi · phiên bản {}", d.version)
        } else {
            format!("Văn bản đi số {}", d.number_symbol)
        },
        subject: d.subject.clone(),
        status: format::status(d.status),
        type_name: d.type_name.clone(),
        number_label: d.number_label.clone(),
        urgency: format::urgency(d.urgency),
        secrecy: format::secrecy(d.secrecy),
        pages: d.pages,
        due_on: format::date(&d.due_on),
        drafter: d.drafter_name.clone(),
        version: d.version,
        signer: [
            d.signing_prefix.as_str(),
            d.on_behalf_of.as_str(),
            d.signer_position.as_str(),
            d.signer_name.as_str(),
        ]
        .iter()
        .filter(|s| !s.is_empty())
        .copied()
        .collect::<Vec<_>>()
        .join(" "),
        signed: time(&d.signed_at),
        numbered: time(&d.numbered_at),
        dispatched: time(&d.dispatched_at),
        returned_note,
        cancel_reason: d.cancel_reason.clone(),
        edit_subject,
        edit_body,
        recipients: d
            .recipients
            .iter()
            .map(|r| RecipientLine {
                name: r.name.clone(),
                inside: !r.office_id.is_empty(),
                status: format::recipient_status(&r.status),
                at: time(&r.status_at),
            })
            .collect(),
        events: documents::history(&d, &people),
        attachments,
        leaders: people::choices(&people, Some(Role::Leader), false, &kept.all("leader_id")),
        offices: choices::of(offices.into_iter().map(|o| (o.id, o.name)).collect(), &current_offices),
        outside,
        prefixes: prefixes(convention, &kept.get("signing_prefix")),
        actions,
        notice,
        refusal,
        kept,
    })
}

/// The answer to a step: back to the page with `done`, or the page with
/// the service's refusal and what was typed.
async fn after(
    ctx: &Ctx,
    id: &str,
    form: FormData,
    result: Result<tonic::Response<Document>, tonic::Status>,
    done: &str,
) -> Result<Response, ConsoleError> {
    match documents::answered(result, "/outgoing", done)? {
        Ok(redirect) => Ok(redirect),
        Err(refusal) => {
            let me = ctx.me().await?;
            let page = render_page(ctx, &me, id, None, Some(refusal), form).await?;
            Ok((StatusCode::BAD_REQUEST, Html(page.render()?)).into_response())
        }
    }
}

/// `POST /outgoing/{id}/edit`: a new version of the draft (subject,
/// recipients, and its file when one is chosen).
pub async fn edit(ctx: Ctx, Path(id): Path<String>, multipart: Multipart) -> Result<Response, ConsoleError> {
    ctx.session()?;
    let (form, file) = register::read_upload(multipart, "file").await?;
    let request = UpdateDraftRequest {
        document_id: id.clone(),
        subject: Some(form.get("subject")),
        body: Some(form.get("body")),
        recipients: Some(Recipients {
            recipients: recipients_of(&form),
        }),
        ..Default::default()
    };
    let result = ctx.services().outgoing()?.update_draft(ctx.call(request)).await;
    let version = result.as_ref().map(|d| d.get_ref().version).unwrap_or_default();
    if result.is_ok()
        && let Some(failed) = attach(&ctx, &id, &format!("{id}-v{version}"), file).await
    {
        return Ok(Redirect::to(&format!("/outgoing/{id}?m={failed}")).into_response());
    }
    after(&ctx, &id, form, result, "edited").await
}

/// `POST /outgoing/{id}/submit`: for review, to the leader picked (named
/// in the note: the service takes any of the office's leaders).
pub async fn submit(ctx: Ctx, Path(id): Path<String>, form: FormData) -> Result<Response, ConsoleError> {
    let me = ctx.me().await?;
    let note = form.get("note");
    let leader = form.get("leader_id");
    let addressed = if leader.is_empty() {
        note
    } else {
        let people = people::of_office(&ctx, &me.principal.office_id, "").await?;
        let name = people::name_of(&people, &leader);
        [format!("Kính trình đồng chí {name} xem xét, ký ban hành."), note]
            .into_iter()
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>()
            .join(" ")
    };
    let request = SubmitForReviewRequest {
        document_id: id.clone(),
        note: addressed,
    };
    let result = ctx.services().outgoing()?.submit_for_review(ctx.call(request)).await;
    after(&ctx, &id, form, result, "submitted").await
}

/// `POST /outgoing/{id}/review`: approve, or return with a comment (the
/// button pressed says which).
pub async fn review(ctx: Ctx, Path(id): Path<String>, form: FormData) -> Result<Response, ConsoleError> {
    ctx.session()?;
    let request = ReviewRequest {
        document_id: id.clone(),
        note: form.get("note"),
    };
    let outgoing = ctx.services().outgoing()?;
    if form.get("decision") == "return" {
        let result = outgoing.clone().r#return(ctx.call(request)).await;
        after(&ctx, &id, form, result, "returned").await
    } else {
        let result = outgoing.clone().approve(ctx.call(request)).await;
        after(&ctx, &id, form, result, "approved").await
    }
}

/// `POST /outgoing/{id}/sign`.
pub async fn sign(ctx: Ctx, Path(id): Path<String>, form: FormData) -> Result<Response, ConsoleError> {
    ctx.session()?;
    let request = SignRequest {
        document_id: id.clone(),
        signing_prefix: form.get("signing_prefix"),
        signer_position: form.get("signer_position"),
        on_behalf_of: form.get("on_behalf_of"),
    };
    let result = ctx.services().outgoing()?.sign(ctx.call(request)).await;
    after(&ctx, &id, form, result, "signed").await
}

/// `POST /outgoing/{id}/number`.
pub async fn number_document(ctx: Ctx, Path(id): Path<String>, form: FormData) -> Result<Response, ConsoleError> {
    ctx.session()?;
    let request = IssueNumberRequest {
        document_id: id.clone(),
    };
    let result = ctx.services().outgoing()?.issue_number(ctx.call(request)).await;
    after(&ctx, &id, form, result, "numbered").await
}

/// `POST /outgoing/{id}/dispatch`: to every recipient of the document.
pub async fn dispatch(ctx: Ctx, Path(id): Path<String>, form: FormData) -> Result<Response, ConsoleError> {
    ctx.session()?;
    let request = DispatchRequest {
        document_id: id.clone(),
    };
    let result = ctx.services().outgoing()?.dispatch(ctx.call(request)).await;
    after(&ctx, &id, form, result, "dispatched").await
}

/// `POST /outgoing/{id}/cancel`, with its reason.
pub async fn cancel(ctx: Ctx, Path(id): Path<String>, form: FormData) -> Result<Response, ConsoleError> {
    ctx.session()?;
    let request = CancelRequest {
        document_id: id.clone(),
        reason: form.get("cancel_reason"),
    };
    let result = ctx.services().outgoing()?.cancel(ctx.call(request)).await;
    after(&ctx, &id, form, result, "cancelled").await
}

/// `POST /outgoing/{id}/recall`: asks every recipient to give it back.
pub async fn recall(ctx: Ctx, Path(id): Path<String>, form: FormData) -> Result<Response, ConsoleError> {
    ctx.session()?;
    let request = RecallRequest {
        document_id: id.clone(),
        reason: form.get("reason"),
    };
    let result = ctx.services().outgoing()?.recall(ctx.call(request)).await;
    after(&ctx, &id, form, result, "recalled").await
}
