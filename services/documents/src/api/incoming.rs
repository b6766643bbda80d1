//! `IncomingService`: registering incoming documents and moving them
//! through their flow.

use std::sync::Arc;

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use tonic::Request;
use uuid::Uuid;

use vanphong_platform::audit;
use vanphong_platform::audit_in_statement::{NumberMark, RecordInStatement};
use vanphong_platform::clock::{from_micros, local_date, to_micros};
use vanphong_platform::db::{Backend, StoreError, Tx};
use vanphong_platform::history::Event;
use vanphong_platform::idempotency::{IdempotencyKey, commit_answer};
use vanphong_platform::identity::{Caller, Clearance, Role};
use vanphong_platform::paging;
use vanphong_platform::people::OnBehalf;
use vanphong_platform::validate::Checker;
use vanphong_platform::{Error, ids};
use vanphong_proto::documents::v1 as wire;
use vanphong_proto::documents::v1::incoming_service_server::IncomingService;

use super::Shared;
use super::convert::{Extras, document_to_wire};
use super::flow::{self, StepSpec, change, event};
use super::{check_handling, ids_field};
use crate::domain::document::Document;
use crate::domain::flow::Step as _;
use crate::domain::incoming::{Action, transition};
use crate::domain::kinds::{Channel, Direction, Status as DocStatus, Urgency};
use crate::domain::numbering::{incoming_series, number_symbol};
use crate::store;

pub struct IncomingApi(pub(crate) Arc<Shared>);

/// Longest subject (trích yếu), names and notes, in characters.
const MAX_SUBJECT: usize = 2000;
const MAX_NAME: usize = 300;
const MAX_NOTE: usize = 4000;
/// Most documents one bulk direction may take.
const MAX_BULK: usize = 200;

fn timestamp(t: &prost_types::Timestamp) -> Option<DateTime<Utc>> {
    DateTime::from_timestamp(t.seconds, u32::try_from(t.nanos).ok()?)
}

impl Shared {
    /// Answers with the document, its handlers, distribution and history.
    pub(crate) async fn answer(&self, tx: &mut Tx, document: &Document) -> Result<wire::Document, Error> {
        let extras = self.extras(tx, document).await?;
        self.answer_with(document, extras)
    }

    /// Answers with `document` as `tx` sees it, then commits `tx`.
    pub(crate) async fn answer_and_commit(&self, mut tx: Tx, document: &Document) -> Result<wire::Document, Error> {
        let answer = self.answer(&mut tx, document).await?;
        tx.commit().await?;
        Ok(answer)
    }

    /// What an answer shows besides the document's own columns, read apart
    /// so that a write can read it before it takes a hot lock.
    pub(crate) async fn extras(&self, tx: &mut Tx, document: &Document) -> Result<Extras, Error> {
        let named = store::people::distribution(tx, document.id).await?;
        self.extras_named(tx, document, named).await
    }

    /// [`Shared::extras`] when the distribution is already read (by
    /// [`Shared::visible`]).
    pub(crate) async fn extras_named(
        &self,
        tx: &mut Tx,
        document: &Document,
        named: Vec<Uuid>,
    ) -> Result<Extras, Error> {
        Ok(Extras {
            coordinators: store::people::coordinators(tx, document.id).await?,
            distribution: named,
            events: store::people::events(tx, document.id).await?,
            recipients: store::recipients::of_document(tx, document.id).await?,
            body: if document.direction == Direction::Outgoing {
                store::texts::get(tx, document.id).await?
            } else {
                String::new()
            },
        })
    }

    /// The answer from the document and its [`Extras`].
    pub(crate) fn answer_with(&self, document: &Document, extras: Extras) -> Result<wire::Document, Error> {
        let answer = document_to_wire(self, document, extras);
        paging::ensure_fits(&answer, "Văn bản")?;
        Ok(answer)
    }
}

/// Fields of a paper registration, checked.
struct NewIncoming {
    type_code: String,
    subject: String,
    number: Option<i64>,
    symbol: String,
    issued_on: NaiveDate,
    issuer_name: String,
    issuer_code: String,
    signer_name: String,
    signer_position: String,
    urgency: Urgency,
    secrecy: Clearance,
    pages: i64,
    due_on: Option<NaiveDate>,
    channel: Channel,
    electronic_id: Option<String>,
    received_at: Option<DateTime<Utc>>,
}

fn check_new(
    c: &mut Checker,
    req: &wire::RegisterIncomingRequest,
    today: NaiveDate,
    now: DateTime<Utc>,
) -> NewIncoming {
    let type_code = c.text("type_code", &req.type_code, 10);
    let subject = c.text("subject", &req.subject, MAX_SUBJECT);
    if req.number < 0 {
        c.violation("number", "OUT_OF_RANGE", "Số văn bản không được âm");
    }
    let symbol = c.optional_text("symbol", &req.symbol, 100).unwrap_or_default();
    let issued_on = c.date("issued_on", &req.issued_on);
    if issued_on != NaiveDate::MIN && issued_on > today {
        c.violation("issued_on", "IN_FUTURE", "Ngày văn bản không được sau hôm nay");
    }
    let issuer_name = c.text("issuer_name", &req.issuer_name, MAX_NAME);
    let issuer_code = c.optional_text("issuer_code", &req.issuer_code, 20).unwrap_or_default();
    let signer_name = c
        .optional_text("signer_name", &req.signer_name, MAX_NAME)
        .unwrap_or_default();
    let signer_position = c
        .optional_text("signer_position", &req.signer_position, MAX_NAME)
        .unwrap_or_default();
    let (urgency, secrecy) = check_handling(c, req.urgency, req.secrecy, req.pages);
    let due_on = if req.due_on.is_empty() {
        None
    } else {
        let due = c.date("due_on", &req.due_on);
        if due != NaiveDate::MIN && issued_on != NaiveDate::MIN && due < issued_on {
            c.violation(
                "due_on",
                "BEFORE_DOCUMENT_DATE",
                "Hạn giải quyết không được trước ngày văn bản",
            );
        }
        Some(due)
    };
    let channel = if req.channel == 0 {
        Channel::Paper
    } else {
        Channel::from_wire(req.channel).unwrap_or_else(|_| {
            c.violation("channel", "UNKNOWN_VALUE", "Kênh tiếp nhận không hợp lệ");
            Channel::Paper
        })
    };
    let electronic_id = c.optional_text("electronic_id", &req.electronic_id, 200);
    let received_at = req.received_at.as_ref().and_then(|t| {
        let at = timestamp(t);
        match at {
            Some(at) if at <= now => Some(at),
            Some(_) => {
                c.violation("received_at", "IN_FUTURE", "Thời điểm nhận không được sau hiện tại");
                None
            }
            None => {
                c.violation("received_at", "INVALID", "Thời điểm nhận không hợp lệ");
                None
            }
        }
    });
    NewIncoming {
        type_code,
        subject,
        number: (req.number > 0).then_some(req.number),
        symbol,
        issued_on,
        issuer_name,
        issuer_code,
        signer_name,
        signer_position,
        urgency,
        secrecy,
        pages: i64::from(req.pages),
        due_on,
        channel,
        electronic_id,
        received_at,
    }
}

/// Refuses a registration of a document the office already has.
async fn ensure_not_registered(tx: &mut Tx, document: &Document) -> Result<(), Error> {
    match find_registered(tx, document).await? {
        Some(earlier) => Err(registered_already(&earlier)),
        None => Ok(()),
    }
}

/// The office's earlier registration of the same document, if any.
async fn find_registered(tx: &mut Tx, document: &Document) -> Result<Option<store::documents::RegisteredRow>, Error> {
    let key = document.duplicate_key();
    Ok(store::documents::find_registered(
        tx,
        document.office_id,
        key.as_deref(),
        document.electronic_id.as_deref(),
        Some(document.id),
    )
    .await?)
}

/// The refusal naming the earlier registration (its số đến and day).
fn registered_already(earlier: &store::documents::RegisteredRow) -> Error {
    Error::duplicate(
        "document",
        &earlier.id,
        format!(
            "Văn bản này đã được vào sổ: số đến {}/{}, {}",
            earlier.arrival_number.unwrap_or_default(),
            earlier.arrival_year.unwrap_or_default(),
            earlier
                .registered_at
                .map(|t| local_date(from_micros(t)).format("ngày %d/%m/%Y").to_string())
                .unwrap_or_default(),
        ),
    )
}

/// Why a new document's insert was refused by the office's unique keys:
/// the earlier registration it repeats, looked up once the failed
/// transaction is gone (or the store's own refusal when there is none to
/// name, e.g. an electronic arrival not registered yet).
/// A new paper or electronic arrival from its checked fields, not yet
/// registered.
fn new_arrival(f: NewIncoming, office: Uuid, caller: &Caller, now: DateTime<Utc>) -> Document {
    let mut d = Document::arrived(ids::new_id(), office, caller.subject_id, now);
    d.number_symbol = f
        .number
        .map(|n| number_symbol(n, &f.symbol))
        .unwrap_or_else(|| f.symbol.clone());
    d.type_code = f.type_code;
    d.subject = f.subject;
    d.number = f.number;
    d.symbol = f.symbol;
    d.issued_on = Some(f.issued_on);
    d.issuer_name = f.issuer_name;
    d.issuer_code = f.issuer_code;
    d.signer_name = f.signer_name;
    d.signer_position = f.signer_position;
    d.urgency = f.urgency;
    d.secrecy = f.secrecy;
    d.pages = f.pages;
    d.due_on = f.due_on;
    d.channel = f.channel;
    d.electronic_id = f.electronic_id;
    d.received_at = Some(f.received_at.unwrap_or(now));
    d
}

/// What a registration writes besides the document: the people it goes to
/// (the distribution and the clerk), its history entry, and the series and
/// year of its số đến.
struct Registering {
    named: Vec<Uuid>,
    registered: Event,
    year: i32,
    series: String,
}

impl Registering {
    /// Marks `document` registered by `caller` at `now`.
    fn mark(document: &mut Document, caller: &Caller, now: DateTime<Utc>, distribution: Vec<Uuid>) -> Self {
        document.registered_at = Some(now);
        document.registered_by = Some(caller.subject_id);
        document.status = DocStatus::Registered;
        document.updated_at = now;
        let mut named = distribution;
        named.push(caller.subject_id);
        // Stored in microseconds: the answer shows it as a later read would.
        let registered = event(caller, from_micros(to_micros(now)), Action::Register.code(), "");
        let year = local_date(now).year();
        Self {
            named,
            registered,
            year,
            series: incoming_series(year),
        }
    }

    /// What the answer shows beside a new document: nothing else is
    /// around it, so nothing is read back.
    fn into_extras(mut self) -> Extras {
        self.named.sort_unstable();
        self.named.dedup();
        Extras {
            distribution: self.named,
            events: vec![self.registered],
            ..Extras::default()
        }
    }
}

/// A registration's type is not an active one of the catalog.
fn unknown_type() -> Error {
    Error::invalid("type_code", "UNKNOWN_TYPE", "Loại văn bản không có trong danh mục")
}

async fn refused_as_repeat(s: &Shared, document: &Document, refusal: StoreError) -> Error {
    let earlier = s.ctx.db.read(async |tx| find_registered(tx, document).await).await;
    match earlier {
        Ok(Some(earlier)) => registered_already(&earlier),
        Ok(None) => refusal.into(),
        Err(e) => e,
    }
}

impl IncomingApi {
    async fn register_document(
        &self,
        request: Request<wire::RegisterIncomingRequest>,
    ) -> Result<wire::Document, Error> {
        let s = &self.0;
        let (caller, on_behalf, req) = OnBehalf::split(request)?;
        let now = s.ctx.clock.now();
        let today = local_date(now);
        let mut c = Checker::new();
        let request_id = c.request_id(&req.request_id);
        let office = c.office_or_own("office_id", &req.office_id, &caller);
        let arrived = c.optional_id("arrived_document_id", &req.arrived_document_id);
        if req.arrival_number != 0 {
            c.violation(
                "arrival_number",
                "ASSIGNED_BY_SERVICE",
                "Số đến do hệ thống cấp, không được nhập tay",
            );
        }
        let fields = arrived.is_none().then(|| check_new(&mut c, &req, today, now));
        let distribution = ids_field(&mut c, "distribution", &req.distribution);
        c.finish()?;

        caller.ensure_act(&s.snapshot().tree, office, today)?;
        caller.require_any_role(Action::Register.roles())?;
        let key = IdempotencyKey::new(&caller, "RegisterIncoming", request_id.as_deref(), &req);
        // Without a request id to remember, a new arrival on PostgreSQL is
        // one statement with its audit record, outside any transaction:
        // nothing holds the office's series but the statement itself, which
        // also checks the type against the catalog.
        let in_one_statement = key.is_none() && fields.is_some() && s.ctx.db.backend() == Backend::Postgres;
        if let Some(fields) = &fields {
            if !in_one_statement {
                let known = store::catalog::find(&s.ctx.db, &fields.type_code).await?;
                if !known.is_some_and(|t| t.active) {
                    return Err(unknown_type());
                }
            }
            if fields.secrecy > caller.clearance {
                return Err(Error::PermissionDenied(
                    "Bạn không đủ độ mật để vào sổ văn bản có độ mật này".into(),
                ));
            }
        }
        s.check_distribution(&on_behalf, office, &distribution).await?;

        let fields = match fields {
            Some(f) if in_one_statement => {
                let document = new_arrival(f, office, &caller, now);
                return self
                    .register_in_one_statement(&caller, document, distribution, now)
                    .await;
            }
            other => other,
        };
        let mut tx = s.ctx.db.begin_write().await?;
        vanphong_platform::replay_or_claim!(key, tx, now);
        let (mut document, before) = match (arrived, fields) {
            (Some(id), _) => {
                let (arrived, _) = s.visible(&mut tx, &caller, id, true).await?;
                if arrived.direction != Direction::Incoming || arrived.office_id != office {
                    return Err(Error::NotFound(format!("Không tìm thấy văn bản đến {id}")));
                }
                transition(Action::Register, arrived.status)?;
                (arrived.clone(), Some(arrived))
            }
            (None, Some(f)) => (new_arrival(f, office, &caller, now), None),
            (None, None) => return Err(Error::internal("registration without fields")),
        };
        let r = Registering::mark(&mut document, &caller, now, distribution);
        // Everything but the number first: taking a number locks the
        // office's series until commit, so it is taken last, with the audit
        // record that names it, and concurrent registrations of the office
        // wait for the shortest time (docs/domain.md, 2.2).
        let (extras, head) = match &before {
            Some(before) => {
                ensure_not_registered(&mut tx, &document).await?;
                store::documents::update(&mut tx, &document).await?;
                flow::report_to_sender(&mut tx, before, &document, now, "").await?;
                store::people::add_distribution(&mut tx, document.id, &r.named).await?;
                store::people::add_event(&mut tx, document.id, &r.registered).await?;
                let extras = s.extras(&mut tx, &document).await?;
                let number =
                    store::documents::take_arrival_number(&mut tx, office, &r.series, document.id, r.year).await?;
                document.arrival_number = Some(number);
                document.arrival_year = Some(r.year);
                (extras, None)
            }
            None => {
                // A repeat is refused by the office's unique keys as it is
                // written, and named afterwards: no lookup before every
                // registration for the rare one that repeats.
                let inserted = store::registration::insert_numbered(
                    &mut tx,
                    &mut document,
                    &r.series,
                    r.year,
                    &r.named,
                    &r.registered,
                )
                .await;
                let written = match inserted {
                    Ok(written) => written,
                    Err(refusal @ StoreError::UniqueViolation(_)) => {
                        tx.rollback().await?;
                        return Err(refused_as_repeat(s, &document, refusal).await);
                    }
                    Err(other) => return Err(other.into()),
                };
                (r.into_extras(), Some(written.head))
            }
        };
        let change = change(before.as_ref(), &document, "register");
        match head {
            Some(head) => audit::record_at(&mut tx, head, &caller, now, change).await?,
            None => audit::record(&mut tx, &caller, now, change).await?,
        }
        let answer = s.answer_with(&document, extras)?;
        commit_answer(&key, tx, answer).await
    }

    /// Registers the new arrival `document` on PostgreSQL by one statement
    /// that also writes its audit record (see [`RecordInStatement`]).
    async fn register_in_one_statement(
        &self,
        caller: &Caller,
        mut document: Document,
        distribution: Vec<Uuid>,
        now: DateTime<Utc>,
    ) -> Result<wire::Document, Error> {
        let s = &self.0;
        let r = Registering::mark(&mut document, caller, now, distribution);
        let mark = NumberMark::new();
        let mut registering = change(None, &document, "register");
        if let Some(after) = registering.after.as_mut() {
            after["arrival"] = format!("{}/{}", mark.as_str(), r.year).into();
        }
        let record = RecordInStatement::new(caller, now, registering, &mark)?;
        let db = &s.ctx.db;
        let inserted = store::registration::insert_numbered_recorded(
            db,
            &mut document,
            &r.series,
            r.year,
            &r.named,
            &r.registered,
            record,
        )
        .await;
        match inserted {
            Ok(true) => s.answer_with(&document, r.into_extras()),
            Ok(false) => Err(unknown_type()),
            Err(refusal @ StoreError::UniqueViolation(_)) => Err(refused_as_repeat(s, &document, refusal).await),
            Err(other) => Err(other.into()),
        }
    }

    async fn submit_document(&self, request: Request<wire::SubmitToLeaderRequest>) -> Result<wire::Document, Error> {
        let (caller, on_behalf, req) = OnBehalf::split(request)?;
        let mut c = Checker::new();
        let id = c.id("document_id", &req.document_id);
        let leader = c.id("leader_id", &req.leader_id);
        let note = c.optional_text("note", &req.note, MAX_NOTE).unwrap_or_default();
        c.finish()?;
        let document = self.0.peek(&caller, id).await?;
        let found = self
            .0
            .people
            .members(&on_behalf, self.0.holder(document.office_id), "leader_id", &[leader])
            .await?;
        if !found.iter().all(|u| u.roles.contains(&Role::Leader.to_wire())) {
            return Err(Error::invalid(
                "leader_id",
                "NOT_A_LEADER",
                "Người nhận trình phải là lãnh đạo của đơn vị",
            ));
        }
        ensure_cleared(&document, &found, "leader_id")?;
        flow::run(
            &self.0,
            &caller,
            id,
            StepSpec::new(
                Action::Submit,
                &note,
                |c, _, _| c.has_role(Role::Clerk),
                |d: &mut Document| d.leader_id = Some(leader),
            )
            .also_naming(vec![leader]),
        )
        .await
    }

    async fn direct_document(&self, request: Request<wire::DirectRequest>) -> Result<wire::Document, Error> {
        let (caller, on_behalf, req) = OnBehalf::split(request)?;
        let mut c = Checker::new();
        let id = c.id("document_id", &req.document_id);
        let lead = c.id("lead_handler_id", &req.lead_handler_id);
        let coordinators = ids_field(&mut c, "coordinator_ids", &req.coordinator_ids);
        let deadline = (!req.deadline.is_empty()).then(|| c.date("deadline", &req.deadline));
        let note = c.optional_text("note", &req.note, MAX_NOTE).unwrap_or_default();
        c.finish()?;
        let document = self.0.peek(&caller, id).await?;
        if let (Some(deadline), Some(issued)) = (deadline, document.issued_on)
            && deadline < issued
        {
            return Err(Error::invalid(
                "deadline",
                "BEFORE_DOCUMENT_DATE",
                "Hạn xử lý không được trước ngày văn bản",
            ));
        }
        let people = self
            .0
            .people
            .members(
                &on_behalf,
                self.0.holder(document.office_id),
                "lead_handler_id",
                &[lead],
            )
            .await?;
        ensure_cleared(&document, &people, "lead_handler_id")?;
        let helpers = self
            .0
            .people
            .members(
                &on_behalf,
                self.0.holder(document.office_id),
                "coordinator_ids",
                &coordinators,
            )
            .await?;
        ensure_cleared(&document, &helpers, "coordinator_ids")?;
        let mut named = coordinators.clone();
        named.push(lead);
        named.push(caller.subject_id);
        let now = self.0.ctx.clock.now();
        let leader = caller.subject_id;
        flow::run(
            &self.0,
            &caller,
            id,
            StepSpec::new(
                Action::Direct,
                &note,
                |c, _, _| c.has_role(Role::Leader),
                |d: &mut Document| {
                    d.leader_id = Some(leader);
                    d.lead_handler_id = Some(lead);
                    d.handling_deadline = deadline;
                    d.direction_note = note.clone();
                    d.assigned_at = Some(now);
                },
            )
            .also_naming(named)
            .with_handlers((lead, coordinators)),
        )
        .await
    }

    /// [`Self::direct_document`] for several documents at once, in one
    /// transaction: each keeps its deadline and coordinators, and gets its
    /// history line, notices and audit record.
    async fn direct_many(&self, request: Request<wire::DirectManyRequest>) -> Result<wire::DirectManyResponse, Error> {
        let (caller, on_behalf, req) = OnBehalf::split(request)?;
        let mut c = Checker::new();
        let ids = c.picked_ids("document_ids", &req.document_ids, MAX_BULK, "văn bản");
        let lead = c.id("lead_handler_id", &req.lead_handler_id);
        let note = c.optional_text("note", &req.note, MAX_NOTE).unwrap_or_default();
        c.finish()?;
        let mut documents = Vec::with_capacity(ids.len());
        for id in &ids {
            documents.push(self.0.peek(&caller, *id).await?);
        }
        let mut holders: Vec<Uuid> = documents.iter().map(|d| self.0.holder(d.office_id)).collect();
        holders.sort();
        holders.dedup();
        for holder in holders {
            let people = self
                .0
                .people
                .members(&on_behalf, holder, "lead_handler_id", &[lead])
                .await?;
            for document in documents.iter().filter(|d| self.0.holder(d.office_id) == holder) {
                ensure_cleared(document, &people, "lead_handler_id")?;
            }
        }
        let leader = caller.subject_id;
        let now = self.0.ctx.clock.now();
        let mut tx = self.0.ctx.db.begin_write().await?;
        let mut answers = Vec::with_capacity(ids.len());
        for (i, id) in ids.iter().enumerate() {
            let coordinators = store::people::coordinators(&mut tx, *id).await?;
            let spec = StepSpec::new(
                Action::Direct,
                &note,
                |c, _, _| c.has_role(Role::Leader),
                |d: &mut Document| {
                    d.leader_id = Some(leader);
                    d.lead_handler_id = Some(lead);
                    d.assigned_at = Some(now);
                    if !note.is_empty() {
                        d.direction_note = note.clone();
                    }
                },
            )
            .also_naming(vec![lead, leader])
            .with_handlers((lead, coordinators));
            let after = flow::step_in(&mut tx, &self.0, &caller, *id, spec, now)
                .await
                .map_err(|e| match e {
                    Error::FailedPrecondition(m) => Error::FailedPrecondition(format!("document_ids[{i}]: {m}")),
                    other => other,
                })?;
            answers.push(self.0.answer(&mut tx, &after).await?);
        }
        tx.commit().await?;
        Ok(wire::DirectManyResponse { documents: answers })
    }

    async fn record_progress(&self, request: Request<wire::AddProgressRequest>) -> Result<wire::Document, Error> {
        let (caller, req) = Caller::split(request)?;
        let (id, note) = Checker::id_and_text(("document_id", &req.document_id), ("note", &req.note), MAX_NOTE)?;
        flow::run(
            &self.0,
            &caller,
            id,
            StepSpec::new(
                Action::Progress,
                &note,
                |c, d, coordinators| {
                    c.has_role(Role::Leader)
                        || d.lead_handler_id == Some(c.subject_id)
                        || coordinators.contains(&c.subject_id)
                },
                |_: &mut Document| {},
            ),
        )
        .await
    }

    async fn complete_document(&self, request: Request<wire::CompleteRequest>) -> Result<wire::Document, Error> {
        let (caller, req) = Caller::split(request)?;
        let mut c = Checker::new();
        let id = c.id("document_id", &req.document_id);
        let reply = c.optional_id("reply_document_id", &req.reply_document_id);
        let note = c.optional_text("note", &req.note, MAX_NOTE).unwrap_or_default();
        c.finish()?;
        if let Some(reply) = reply {
            let answer = self
                .0
                .peek(&caller, reply)
                .await
                .map_err(|_| Error::invalid("reply_document_id", "NOT_FOUND", "Không tìm thấy văn bản trả lời"))?;
            if answer.direction != Direction::Outgoing {
                return Err(Error::invalid(
                    "reply_document_id",
                    "NOT_OUTGOING",
                    "Văn bản trả lời phải là văn bản đi",
                ));
            }
        }
        let now = self.0.ctx.clock.now();
        flow::run(
            &self.0,
            &caller,
            id,
            StepSpec::new(
                Action::Complete,
                &note,
                |c, d, _| c.has_role(Role::Leader) || d.lead_handler_id == Some(c.subject_id),
                |d: &mut Document| {
                    d.reply_document_id = reply;
                    d.completed_at = Some(now);
                },
            ),
        )
        .await
    }

    async fn file_document(&self, request: Request<wire::FileRequest>) -> Result<wire::Document, Error> {
        let (caller, req) = Caller::split(request)?;
        let mut c = Checker::new();
        let id = c.id("document_id", &req.document_id);
        let reference = c
            .optional_text("file_reference", &req.file_reference, 200)
            .unwrap_or_default();
        c.finish()?;
        let now = self.0.ctx.clock.now();
        flow::run(
            &self.0,
            &caller,
            id,
            StepSpec::new(
                Action::File,
                &reference,
                |c, d, _| c.has_role(Role::Clerk) || d.lead_handler_id == Some(c.subject_id),
                |d: &mut Document| {
                    d.file_reference = reference.clone();
                    d.filed_at = Some(now);
                },
            ),
        )
        .await
    }

    async fn refuse_document(&self, request: Request<wire::RefuseRequest>) -> Result<wire::Document, Error> {
        let (caller, req) = Caller::split(request)?;
        let (id, reason) = Checker::id_and_text(("document_id", &req.document_id), ("reason", &req.reason), MAX_NOTE)?;
        flow::run(
            &self.0,
            &caller,
            id,
            StepSpec::new(
                Action::Refuse,
                &reason,
                |c, _, _| c.has_role(Role::Clerk) || c.has_role(Role::Leader),
                |d: &mut Document| d.refusal_reason = reason.clone(),
            ),
        )
        .await
    }
}

/// People handed a secret document must be cleared for its level.
fn ensure_cleared(
    document: &Document,
    people: &[vanphong_proto::directory::v1::User],
    field: &str,
) -> Result<(), Error> {
    for (i, person) in people.iter().enumerate() {
        let clearance = Clearance::from_wire(person.clearance).unwrap_or_default();
        if clearance < document.secrecy {
            let name = if field.ends_with("_ids") {
                format!("{field}[{i}]")
            } else {
                field.to_string()
            };
            return Err(Error::invalid(
                name,
                "NOT_CLEARED",
                format!(
                    "{} không đủ độ mật «{}» để nhận văn bản này",
                    person.full_name,
                    document.secrecy.label()
                ),
            ));
        }
    }
    Ok(())
}

vanphong_platform::grpc_delegate! {
    impl IncomingService for IncomingApi {
        register_incoming(wire::RegisterIncomingRequest) -> wire::Document = Self::register_document;
        submit_to_leader(wire::SubmitToLeaderRequest) -> wire::Document = Self::submit_document;
        direct(wire::DirectRequest) -> wire::Document = Self::direct_document;
        direct_many(wire::DirectManyRequest) -> wire::DirectManyResponse = Self::direct_many;
        add_progress(wire::AddProgressRequest) -> wire::Document = Self::record_progress;
        complete(wire::CompleteRequest) -> wire::Document = Self::complete_document;
        file(wire::FileRequest) -> wire::Document = Self::file_document;
        refuse(wire::RefuseRequest) -> wire::Document = Self::refuse_document;
    }
}
