//! `OutgoingService`: drafting, reviewing, signing, numbering and sending
//! the office's own documents, and recalling them.

use std::sync::Arc;

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use tonic::Request;
use uuid::Uuid;

use vanphong_platform::audit;
use vanphong_platform::clock::local_date;
use vanphong_platform::db::Tx;
use vanphong_platform::idempotency::commit_answer;
use vanphong_platform::identity::{Caller, Clearance, Role};
use vanphong_platform::people::OnBehalf;
use vanphong_platform::tree::Numbering;
use vanphong_platform::validate::Checker;
use vanphong_platform::{Error, ids};
use vanphong_proto::documents::v1 as wire;
use vanphong_proto::documents::v1::outgoing_service_server::OutgoingService;

use super::flow::{self, StepSpec, change, event};
use super::issuing;
use super::{Shared, notifications};
use super::{check_handling, ids_field};
use crate::domain::document::Document;
use crate::domain::flow::Step as _;
use crate::domain::kinds::{Channel, Direction, Status as DocStatus, Urgency};
use crate::domain::numbering::outgoing as numbering;
use crate::domain::outgoing::Action;
use crate::store;

pub struct OutgoingApi(pub(crate) Arc<Shared>);

const MAX_SUBJECT: usize = 2000;
const MAX_NOTE: usize = 4000;

/// Longest text of a document, in characters.
const MAX_BODY: usize = 100_000;

/// A document's text: line ends as a browser sends them made plain, every
/// character printable in the document typeface.
fn check_body(c: &mut Checker, field: &str, value: &str) -> String {
    let body = value.replace("\r\n", "\n");
    let body = c.optional_text(field, &body, MAX_BODY).unwrap_or_default();
    if let Some(ch) = vanphong_pdf::font::unprintable(&body) {
        c.violation(
            field,
            "UNPRINTABLE",
            format!("Ký tự “{ch}” không in được trong phông chữ của văn bản"),
        );
    }
    body
}

/// A recipient as asked for: an office of the deployment, or an outside
/// body by name.
type RecipientEntry = (Option<Uuid>, String, String);

impl OutgoingApi {
    /// The office's numbering convention and issuer code today.
    fn office_numbering(&self, office: Uuid) -> Result<(Numbering, String, String), Error> {
        let snapshot = self.0.snapshot();
        let entry = snapshot
            .tree
            .get(office)
            .ok_or_else(|| Error::NotFound(format!("Không tìm thấy đơn vị {office}")))?;
        Ok((entry.numbering, entry.issuer_code.clone(), entry.name.clone()))
    }

    /// Checks recipients: offices that exist (not the sender itself), or
    /// outside bodies with a name.
    fn check_recipients(
        &self,
        c: &mut Checker,
        field: &str,
        office: Uuid,
        input: &[wire::RecipientInput],
    ) -> Vec<RecipientEntry> {
        let snapshot = self.0.snapshot();
        let today = self.0.today();
        let mut out = Vec::new();
        for (i, r) in input.iter().enumerate() {
            let name = format!("{field}[{i}]");
            match c.optional_id(&format!("{name}.office_id"), &r.office_id) {
                Some(id) => match snapshot.tree.get(id) {
                    Some(o) if id == office => {
                        let _ = o;
                        c.violation(
                            &format!("{name}.office_id"),
                            "SELF",
                            "Không gửi văn bản cho chính đơn vị mình",
                        );
                    }
                    Some(o) if o.exists_on(today) => out.push((Some(id), String::new(), o.name.clone())),
                    _ => c.violation(
                        &format!("{name}.office_id"),
                        "UNKNOWN_OFFICE",
                        "Đơn vị nhận không tồn tại",
                    ),
                },
                None => {
                    let label = c.text(&format!("{name}.name"), &r.name, 300);
                    let organ = c
                        .optional_text(&format!("{name}.organ_id"), &r.organ_id, 100)
                        .unwrap_or_default();
                    out.push((None, organ, label));
                }
            }
        }
        let mut offices: Vec<Uuid> = out.iter().filter_map(|(o, _, _)| *o).collect();
        offices.sort();
        let before = offices.len();
        offices.dedup();
        if offices.len() != before {
            c.violation(field, "DUPLICATE", "Một đơn vị nhận được nêu nhiều lần");
        }
        out
    }

    async fn check_type(&self, type_code: &str, numbering: Numbering) -> Result<(), Error> {
        let known = self
            .0
            .ctx
            .db
            .read(async |tx| store::catalog::get(tx, type_code).await)
            .await?;
        match known {
            Some(t)
                if t.active
                    && ((numbering == Numbering::State && t.state) || (numbering == Numbering::Party && t.party)) =>
            {
                Ok(())
            }
            Some(t) if t.active => Err(Error::invalid(
                "type_code",
                "NOT_FOR_CONVENTION",
                format!("Loại «{}» không dùng trong hệ thống văn bản của đơn vị này", t.name),
            )),
            _ => Err(Error::invalid(
                "type_code",
                "UNKNOWN_TYPE",
                "Loại văn bản không có trong danh mục",
            )),
        }
    }

    async fn create(&self, request: Request<wire::CreateDraftRequest>) -> Result<wire::Document, Error> {
        let s = &self.0;
        let (caller, on_behalf, req) = OnBehalf::split(request)?;
        let now = s.ctx.clock.now();
        let today = local_date(now);
        let mut c = Checker::new();
        let request_id = c.request_id(&req.request_id);
        let office = c.office_or_own("office_id", &req.office_id, &caller);
        let type_code = c.text("type_code", &req.type_code, 10);
        let subject = c.text("subject", &req.subject, MAX_SUBJECT);
        let (urgency, secrecy) = check_handling(&mut c, req.urgency, req.secrecy, req.pages);
        let due_on = (!req.due_on.is_empty()).then(|| c.date("due_on", &req.due_on));
        if due_on.is_some_and(|d| d != NaiveDate::MIN && d < today) {
            c.violation("due_on", "IN_PAST", "Hạn trả lời không được trước hôm nay");
        }
        let unit = c
            .optional_text("drafting_unit_code", &req.drafting_unit_code, 20)
            .unwrap_or_default();
        if !unit.chars().all(char::is_alphanumeric) {
            c.violation("drafting_unit_code", "INVALID_FORMAT", "Chỉ gồm chữ cái và chữ số");
        }
        let body = check_body(&mut c, "body", &req.body);
        let recipients = self.check_recipients(&mut c, "recipients", office, &req.recipients);
        let distribution = ids_field(&mut c, "distribution", &req.distribution);
        c.finish()?;
        caller.ensure_act(&s.snapshot().tree, office, today)?;
        caller.require_any_role(Action::Edit.roles())?;
        if secrecy > caller.clearance {
            return Err(Error::PermissionDenied(
                "Bạn không đủ độ mật để soạn văn bản có độ mật này".into(),
            ));
        }
        let (convention, issuer_code, office_name) = self.office_numbering(office)?;
        self.check_type(&type_code, convention).await?;
        s.check_distribution(&on_behalf, office, &distribution).await?;

        let (key, mut tx) =
            vanphong_platform::begin_idempotent!(s.ctx.db, &caller, "CreateDraft", request_id, &req, now);
        let mut d = Document::blank(
            ids::new_id(),
            office,
            Direction::Outgoing,
            DocStatus::Draft,
            caller.subject_id,
            now,
        );
        d.type_code = type_code;
        d.subject = subject;
        d.urgency = urgency;
        d.secrecy = secrecy;
        d.pages = i64::from(req.pages);
        d.due_on = due_on;
        d.issuer_name = office_name;
        d.issuer_code = issuer_code;
        d.channel = Channel::Electronic;
        d.drafter_id = Some(caller.subject_id);
        d.version = 1;
        d.drafting_unit_code = unit;
        d.congress = req.congress;
        store::documents::insert(&mut tx, &d).await?;
        if !body.is_empty() {
            store::texts::put(&mut tx, d.id, &body, now).await?;
        }
        store::recipients::replace(&mut tx, d.id, &recipients).await?;
        let mut named = distribution;
        named.push(caller.subject_id);
        store::people::add_distribution(&mut tx, d.id, &named).await?;
        flow::record(&mut tx, &caller, now, None, &d, "create", "").await?;
        let answer = s.answer(&mut tx, &d).await?;
        commit_answer(&key, tx, answer).await
    }

    /// An outgoing document the caller may see, read on its own.
    async fn peek(&self, caller: &Caller, id: Uuid) -> Result<Document, Error> {
        let document = self.0.peek(caller, id).await?;
        if document.direction != Direction::Outgoing {
            return Err(Error::FailedPrecondition("Đây không phải văn bản đi".into()));
        }
        Ok(document)
    }

    async fn update(&self, request: Request<wire::UpdateDraftRequest>) -> Result<wire::Document, Error> {
        let (caller, req) = Caller::split(request)?;
        let id = Checker::only_id("document_id", &req.document_id)?;
        let current = self.peek(&caller, id).await?;
        let mut c = Checker::new();
        let subject = req.subject.as_deref().map(|v| c.text("subject", v, MAX_SUBJECT));
        let type_code = req.type_code.as_deref().map(|v| c.text("type_code", v, 10));
        let urgency = req.urgency.map(|u| {
            Urgency::from_wire(u).unwrap_or_else(|| {
                c.violation("urgency", "UNKNOWN_VALUE", "Độ khẩn không hợp lệ");
                Urgency::Normal
            })
        });
        if req.pages.is_some_and(|p| !(0..=100_000).contains(&p)) {
            c.violation("pages", "OUT_OF_RANGE", "Số trang phải từ 0 đến 100000");
        }
        let due_on = req
            .due_on
            .as_deref()
            .map(|v| (!v.is_empty()).then(|| c.date("due_on", v)));
        let recipients = req
            .recipients
            .as_ref()
            .map(|r| self.check_recipients(&mut c, "recipients.recipients", current.office_id, &r.recipients));
        let body = req.body.as_deref().map(|v| check_body(&mut c, "body", v));
        c.finish()?;
        if let Some(code) = &type_code {
            let (convention, _, _) = self.office_numbering(current.office_id)?;
            self.check_type(code, convention).await?;
        }
        let note = "";
        let answer = flow::run(
            &self.0,
            &caller,
            id,
            StepSpec::new(
                Action::Edit,
                note,
                |c, d, _| d.drafter_id == Some(c.subject_id) || c.has_role(Role::Leader),
                |d: &mut Document| {
                    if let Some(v) = subject {
                        d.subject = v;
                    }
                    if let Some(v) = type_code {
                        d.type_code = v;
                    }
                    if let Some(v) = urgency {
                        d.urgency = v;
                    }
                    if let Some(v) = req.pages {
                        d.pages = i64::from(v);
                    }
                    if let Some(v) = due_on {
                        d.due_on = v;
                    }
                    d.version += 1;
                },
            ),
        )
        .await?;
        if recipients.is_none() && body.is_none() {
            return Ok(answer);
        }
        self.replace_parts(&caller, id, recipients.as_deref(), body.as_deref())
            .await
    }

    /// Replaces a draft's recipients and text, kept outside its row.
    async fn replace_parts(
        &self,
        caller: &Caller,
        id: Uuid,
        recipients: Option<&[RecipientEntry]>,
        body: Option<&str>,
    ) -> Result<wire::Document, Error> {
        let s = &self.0;
        let mut tx = s.ctx.db.begin_write().await?;
        let (document, _) = s.visible(&mut tx, caller, id, true).await?;
        if document.status != DocStatus::Draft {
            return Err(Error::FailedPrecondition(
                "Chỉ sửa nơi nhận và nội dung khi văn bản còn là dự thảo".into(),
            ));
        }
        if let Some(recipients) = recipients {
            store::recipients::replace(&mut tx, id, recipients).await?;
        }
        if let Some(body) = body {
            store::texts::put(&mut tx, id, body, s.ctx.clock.now()).await?;
        }
        s.answer_and_commit(tx, &document).await
    }

    async fn simple_step(
        &self,
        caller: &Caller,
        id: Uuid,
        action: Action,
        note: &str,
        may_act: flow::MayAct,
        apply: impl FnOnce(&mut Document),
    ) -> Result<wire::Document, Error> {
        self.peek(caller, id).await?;
        flow::run(
            &self.0,
            caller,
            id,
            StepSpec::new(action, note, may_act, apply).also_naming(vec![caller.subject_id]),
        )
        .await
    }

    async fn sign_document(&self, request: Request<wire::SignRequest>) -> Result<wire::Document, Error> {
        let (caller, on_behalf, req) = OnBehalf::split(request)?;
        let mut c = Checker::new();
        let id = c.id("document_id", &req.document_id);
        let prefix = req.signing_prefix.trim().to_string();
        let position = c.text("signer_position", &req.signer_position, 300);
        let on_behalf_of = c
            .optional_text("on_behalf_of", &req.on_behalf_of, 300)
            .unwrap_or_default();
        c.finish()?;
        let document = self.peek(&caller, id).await?;
        let (convention, _, _) = self.office_numbering(document.office_id)?;
        if !numbering::valid_prefix(convention, &prefix) {
            let allowed = match convention {
                Numbering::State => "TM., KT., TL., TUQ.",
                Numbering::Party => "T/M, K/T, T/L",
            };
            return Err(Error::invalid(
                "signing_prefix",
                "NOT_FOR_CONVENTION",
                format!("Thẩm quyền ký phải là một trong: {allowed} (hoặc để trống)"),
            ));
        }
        if document.secrecy > caller.clearance {
            return Err(Error::PermissionDenied("Bạn không đủ độ mật để ký văn bản này".into()));
        }
        let me = self
            .0
            .people
            .members(
                &on_behalf,
                self.0.holder(document.office_id),
                "signer",
                &[caller.subject_id],
            )
            .await?;
        let full_name = me
            .first()
            .map(|u| u.full_name.clone())
            .unwrap_or_else(|| caller.name.clone());
        let now = self.0.ctx.clock.now();
        let signer = caller.subject_id;
        self.simple_step(
            &caller,
            id,
            Action::Sign,
            "",
            |c, _, _| c.has_role(Role::Leader),
            |d| {
                d.signer_id = Some(signer);
                d.signer_name = full_name;
                d.signer_position = position;
                d.signing_prefix = prefix;
                d.on_behalf_of = on_behalf_of;
                d.signed_at = Some(now);
            },
        )
        .await
    }

    /// Opens a clerk's step on an outgoing document of their office (giving
    /// its number, dispatching it): the write transaction, the document, the
    /// time; refused for another office's, an incoming one, or a non-clerk.
    async fn clerks_step(&self, caller: &Caller, document_id: &str) -> Result<(Tx, Document, DateTime<Utc>), Error> {
        let s = &self.0;
        let id = Checker::only_id("document_id", document_id)?;
        let now = s.ctx.clock.now();
        let mut tx = s.ctx.db.begin_write().await?;
        let (document, _) = s.visible(&mut tx, caller, id, true).await?;
        if document.direction != Direction::Outgoing {
            return Err(Error::FailedPrecondition("Đây không phải văn bản đi".into()));
        }
        caller.ensure_act(&s.snapshot().tree, document.office_id, local_date(now))?;
        caller.require_any_role(&[Role::Clerk])?;
        Ok((tx, document, now))
    }

    async fn number(&self, request: Request<wire::IssueNumberRequest>) -> Result<wire::Document, Error> {
        let caller = Caller::of(&request)?;
        let (mut tx, document, now) = self.clerks_step(&caller, &request.get_ref().document_id).await?;
        let today = local_date(now);
        let id = document.id;
        // Asking again gives the number already issued.
        if document.number.is_some() && matches!(document.status, DocStatus::Numbered | DocStatus::Dispatched) {
            tx.commit().await?;
            return self.issued(&caller, &document).await;
        }
        let next = flow_transition(Action::Number, document.status)?;
        let (convention, issuer_code, _) = self.office_numbering(document.office_id)?;
        let series = match convention {
            Numbering::State => numbering::state_series(today.year(), document.secrecy > Clearance::None),
            Numbering::Party => {
                let term = store::terms::in_force(&mut tx, document.office_id, today, document.congress).await?;
                let term = term.ok_or_else(|| {
                    Error::FailedPrecondition(format!(
                        "Đơn vị chưa khai báo {} đang diễn ra vào ngày {}; khai báo tại /api/v1/documents/terms",
                        if document.congress {
                            "đại hội"
                        } else {
                            "nhiệm kỳ"
                        },
                        today.format("%d/%m/%Y")
                    ))
                })?;
                if document.congress {
                    numbering::congress_series(&term.id.to_string())
                } else {
                    numbering::party_series(&term.id.to_string(), &document.type_code)
                }
            }
        };
        let number = vanphong_platform::number_series::next_number(&mut tx, document.office_id, &series).await?;
        let before = document.clone();
        let mut after = document;
        let symbol = numbering::symbol(convention, &after.type_code, &issuer_code, &after.drafting_unit_code);
        after.number = Some(number);
        after.number_symbol = numbering::number_symbol(convention, number, &symbol);
        after.number_label = numbering::label(convention, &after.number_symbol);
        after.symbol = symbol;
        after.issuer_code = issuer_code;
        after.issued_on = Some(today);
        after.series = Some(series);
        after.numbered_at = Some(now);
        after.status = next;
        after.updated_at = now;
        store::documents::update(&mut tx, &after).await?;
        store::people::add_distribution(&mut tx, id, &[caller.subject_id]).await?;
        flow::record(
            &mut tx,
            &caller,
            now,
            Some(&before),
            &after,
            "number",
            &after.number_label,
        )
        .await?;
        tx.commit().await?;
        self.issued(&caller, &after).await
    }

    /// Makes the document's signed PDF if it has none yet, and answers
    /// with the document. The number stands even when the PDF cannot be
    /// made: the history says why, and asking again retries.
    async fn issued(&self, caller: &Caller, document: &Document) -> Result<wire::Document, Error> {
        // A database busy for a moment (many documents numbered at once)
        // is waited out a few times before the clerk is left to ask again.
        for attempt in 1..=3u64 {
            match issuing::issue(&self.0, caller, document).await {
                Ok(()) => break,
                Err(Error::Unavailable(e)) if attempt < 3 => {
                    tracing::info!(document = %document.id, error = %e, attempt, "issuing the PDF again");
                    tokio::time::sleep(std::time::Duration::from_millis(300 * attempt)).await;
                }
                Err(e) => {
                    tracing::warn!(document = %document.id, error = %e, "the issued PDF could not be made");
                    break;
                }
            }
        }
        let answer = self.0.ctx.db.read(async |tx| self.0.answer(tx, document).await).await?;
        Ok(answer)
    }

    async fn dispatch_document(&self, request: Request<wire::DispatchRequest>) -> Result<wire::Document, Error> {
        let s = &self.0;
        let caller = Caller::of(&request)?;
        let (mut tx, document, now) = self.clerks_step(&caller, &request.get_ref().document_id).await?;
        let today = local_date(now);
        let id = document.id;
        let next = flow_transition(Action::Dispatch, document.status)?;
        let recipients = store::recipients::of_document(&mut tx, id).await?;
        if recipients.is_empty() {
            return Err(Error::FailedPrecondition("Văn bản chưa có nơi nhận".into()));
        }
        let snapshot = s.snapshot();
        for recipient in &recipients {
            let Some(office) = recipient.office_id else { continue };
            if !snapshot.tree.exists_on(office, today) {
                return Err(Error::FailedPrecondition(format!(
                    "Đơn vị nhận «{}» không còn hoạt động",
                    recipient.name
                )));
            }
            let mut copy = Document::arrived(ids::new_id(), office, caller.subject_id, now);
            copy.type_code = document.type_code.clone();
            copy.subject = document.subject.clone();
            copy.number = document.number;
            copy.symbol = document.symbol.clone();
            copy.number_symbol = document.number_symbol.clone();
            copy.issued_on = document.issued_on;
            copy.issuer_name = document.issuer_name.clone();
            copy.issuer_code = document.issuer_code.clone();
            copy.signer_name = document.signer_name.clone();
            copy.signer_position = document.signer_position.clone();
            copy.signing_prefix = document.signing_prefix.clone();
            copy.urgency = document.urgency;
            copy.secrecy = document.secrecy;
            copy.pages = document.pages;
            copy.due_on = document.due_on;
            copy.channel = Channel::Electronic;
            copy.electronic_id = Some(format!("vanphong:{}", document.id));
            copy.received_at = Some(now);
            copy.sender_office_id = Some(document.office_id);
            copy.source_document_id = Some(document.id);
            store::documents::insert(&mut tx, &copy).await?;
            store::attachments::share(&mut tx, document.id, copy.id, caller.subject_id, now).await?;
            store::people::add_event(&mut tx, copy.id, &event(&caller, now, "arrive", &document.issuer_name)).await?;
            notifications::arrived(&mut tx, &snapshot, &caller, &copy, now).await?;
            audit::record(&mut tx, &caller, now, change(None, &copy, "arrive")).await?;
            store::recipients::link_incoming(&mut tx, recipient.id, copy.id).await?;
            store::recipients::set_status(&mut tx, recipient.id, "01", now, "").await?;
        }
        let before = document.clone();
        let mut after = document;
        after.status = next;
        after.dispatched_at = Some(now);
        after.updated_at = now;
        store::documents::update(&mut tx, &after).await?;
        flow::record(&mut tx, &caller, now, Some(&before), &after, "dispatch", "").await?;
        s.answer_and_commit(tx, &after).await
    }

    async fn recall_document(&self, request: Request<wire::RecallRequest>) -> Result<wire::Document, Error> {
        let s = &self.0;
        let (caller, req) = Caller::split(request)?;
        let (id, reason) = Checker::id_and_text(("document_id", &req.document_id), ("reason", &req.reason), MAX_NOTE)?;
        let now = s.ctx.clock.now();
        let mut tx = s.ctx.db.begin_write().await?;
        let (document, _) = s.visible(&mut tx, &caller, id, true).await?;
        caller.ensure_act(&s.snapshot().tree, document.office_id, s.today())?;
        caller.require_any_role(&[Role::Leader])?;
        flow_transition(Action::Recall, document.status)?;
        for recipient in store::recipients::of_document(&mut tx, id).await? {
            let Some(copy_id) = recipient.incoming_document_id else {
                continue;
            };
            let Some(copy) = store::documents::get_for_update(&mut tx, copy_id).await? else {
                continue;
            };
            if matches!(copy.status, DocStatus::Refused | DocStatus::Recalled) {
                continue;
            }
            let mut asked = copy.clone();
            asked.recall_requested = true;
            asked.updated_at = now;
            store::documents::update(&mut tx, &asked).await?;
            flow::record(&mut tx, &caller, now, Some(&copy), &asked, "recall_requested", &reason).await?;
            store::recipients::set_status(&mut tx, recipient.id, "13", now, &reason).await?;
        }
        flow::record(&mut tx, &caller, now, Some(&document), &document, "recall", &reason).await?;
        s.answer_and_commit(tx, &document).await
    }

    async fn answer_recall_of(&self, request: Request<wire::AnswerRecallRequest>) -> Result<wire::Document, Error> {
        let s = &self.0;
        let (caller, req) = Caller::split(request)?;
        let mut c = Checker::new();
        let id = c.id("document_id", &req.document_id);
        let reason = if req.accept {
            c.optional_text("reason", &req.reason, MAX_NOTE).unwrap_or_default()
        } else {
            c.text("reason", &req.reason, MAX_NOTE)
        };
        c.finish()?;
        let now = s.ctx.clock.now();
        let mut tx = s.ctx.db.begin_write().await?;
        let (copy, _) = s.visible(&mut tx, &caller, id, true).await?;
        caller.ensure_act(&s.snapshot().tree, copy.office_id, s.today())?;
        caller.require_any_role(&[Role::Clerk, Role::Leader])?;
        if !copy.recall_requested {
            return Err(Error::FailedPrecondition(format!(
                "Nơi gửi không yêu cầu thu hồi văn bản này (trạng thái «{}»)",
                copy.status.label()
            )));
        }
        let mut after = copy.clone();
        after.recall_requested = false;
        if req.accept {
            after.status = DocStatus::Recalled;
        }
        after.updated_at = now;
        store::documents::update(&mut tx, &after).await?;
        let action = if req.accept {
            "recall_accepted"
        } else {
            "recall_refused"
        };
        flow::record(&mut tx, &caller, now, Some(&copy), &after, action, &reason).await?;
        if let Some(recipient) = store::recipients::by_incoming(&mut tx, id).await? {
            let code = if req.accept { "15" } else { "16" };
            store::recipients::set_status(&mut tx, recipient.id, code, now, &reason).await?;
        }
        s.answer_and_commit(tx, &after).await
    }
}

fn flow_transition(action: Action, from: DocStatus) -> Result<DocStatus, Error> {
    crate::domain::outgoing::transition(action, from)
}

/// The document a review step is about and its note (which a return must
/// give).
fn id_and_note(document_id: &str, note: &str, required: bool) -> Result<(Uuid, String), Error> {
    let mut c = Checker::new();
    let id = c.id("document_id", document_id);
    let note = if required {
        c.text("note", note, MAX_NOTE)
    } else {
        c.optional_text("note", note, MAX_NOTE).unwrap_or_default()
    };
    c.finish()?;
    Ok((id, note))
}

impl OutgoingApi {
    async fn submit_draft(&self, request: Request<wire::SubmitForReviewRequest>) -> Result<wire::Document, Error> {
        let caller = Caller::of(&request)?;
        let (id, note) = id_and_note(&request.get_ref().document_id, &request.get_ref().note, false)?;
        self.simple_step(
            &caller,
            id,
            Action::SubmitForReview,
            &note,
            |c, d, _| d.drafter_id == Some(c.subject_id) || c.has_role(Role::Leader),
            |_| {},
        )
        .await
    }

    async fn approve_draft(&self, request: Request<wire::ReviewRequest>) -> Result<wire::Document, Error> {
        let caller = Caller::of(&request)?;
        let (id, note) = id_and_note(&request.get_ref().document_id, &request.get_ref().note, false)?;
        let approver = caller.subject_id;
        self.simple_step(
            &caller,
            id,
            Action::Approve,
            &note,
            |c, _, _| c.has_role(Role::Leader),
            |d| {
                d.leader_id = Some(approver);
            },
        )
        .await
    }

    async fn return_draft(&self, request: Request<wire::ReviewRequest>) -> Result<wire::Document, Error> {
        let caller = Caller::of(&request)?;
        let (id, note) = id_and_note(&request.get_ref().document_id, &request.get_ref().note, true)?;
        self.simple_step(
            &caller,
            id,
            Action::Return,
            &note,
            |c, _, _| c.has_role(Role::Leader),
            |_| {},
        )
        .await
    }

    async fn cancel_document(&self, request: Request<wire::CancelRequest>) -> Result<wire::Document, Error> {
        let caller = Caller::of(&request)?;
        let (id, reason) = Checker::id_and_text(
            ("document_id", &request.get_ref().document_id),
            ("reason", &request.get_ref().reason),
            MAX_NOTE,
        )?;
        let now = self.0.ctx.clock.now();
        self.simple_step(
            &caller,
            id,
            Action::Cancel,
            &reason.clone(),
            |c, _, _| c.has_role(Role::Leader) || c.has_role(Role::Clerk),
            |d| {
                d.cancel_reason = reason;
                d.cancelled_at = Some(now);
            },
        )
        .await
    }
}

vanphong_platform::grpc_delegate! {
    impl OutgoingService for OutgoingApi {
        create_draft(wire::CreateDraftRequest) -> wire::Document = Self::create;
        update_draft(wire::UpdateDraftRequest) -> wire::Document = Self::update;
        submit_for_review(wire::SubmitForReviewRequest) -> wire::Document = Self::submit_draft;
        approve(wire::ReviewRequest) -> wire::Document = Self::approve_draft;
        r#return(wire::ReviewRequest) -> wire::Document = Self::return_draft;
        sign(wire::SignRequest) -> wire::Document = Self::sign_document;
        issue_number(wire::IssueNumberRequest) -> wire::Document = Self::number;
        dispatch(wire::DispatchRequest) -> wire::Document = Self::dispatch_document;
        cancel(wire::CancelRequest) -> wire::Document = Self::cancel_document;
        recall(wire::RecallRequest) -> wire::Document = Self::recall_document;
        answer_recall(wire::AnswerRecallRequest) -> wire::Document = Self::answer_recall_of;
    }
}
