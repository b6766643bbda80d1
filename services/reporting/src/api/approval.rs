//! `ApprovalService`: a report's way from its writers to the parent office.
//!
//! Submitting freezes the figures. A leader approves — only after every
//! child office's report for the period is approved, unless they record why
//! not — and, below the root, the report becomes an outgoing BC document
//! addressed to the parent, drafted, approved and signed in the leader's
//! name. A clerk then numbers and dispatches it (Party numbering needs a
//! committee term in force; without one the documents service refuses with
//! FAILED_PRECONDITION, which is passed on and leaves the report approved,
//! ready to send once the term is declared). The report keeps the id of its
//! one document, and each step reads the document before acting, so the
//! parent receives it exactly once however often a step is retried.

use std::sync::Arc;

use chrono::{DateTime, NaiveDate, Utc};
use tonic::Request;
use uuid::Uuid;

use vanphong_platform::Error;
use vanphong_platform::identity::{Caller, Role};
use vanphong_platform::people::OnBehalf;
use vanphong_platform::tree::Numbering;
use vanphong_platform::validate::Checker;
use vanphong_proto::documents::v1 as documents;
use vanphong_proto::reporting::v1 as wire;
use vanphong_proto::reporting::v1::approval_service_server::ApprovalService;

use super::{Shared, WRITERS};
use crate::domain::period::Kind;
use crate::domain::report::{Report, Status as ReportStatus, Step, transition};
use crate::sources::outgoing::{Draft, Goal, Signature};
use crate::store;

/// The `ApprovalService` handlers.
pub struct ApprovalApi(pub(crate) Arc<Shared>);

const MAX_NOTE: usize = 2000;
const MAX_POSITION: usize = 100;
/// Who a leader signs for unless told otherwise.
const DEFAULT_SIGNING_BODY: &str = "Ban Thường vụ";

/// The document's instant, if it has one.
fn instant(t: Option<&prost_types::Timestamp>) -> Option<DateTime<Utc>> {
    t.and_then(|t| DateTime::from_timestamp(t.seconds, u32::try_from(t.nanos).ok()?))
}

fn date(text: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").ok()
}

/// Copies what the signed (and numbered) document says onto the report.
fn take_from_document(report: &mut Report, document: &documents::Document) {
    if !document.signer_name.is_empty() {
        report.signer_name.clone_from(&document.signer_name);
        report.signer_position.clone_from(&document.signer_position);
        report.signing_prefix.clone_from(&document.signing_prefix);
    }
    if !document.number_symbol.is_empty() && document.number > 0 {
        report.number_symbol.clone_from(&document.number_symbol);
        report.issued_on = date(&document.issued_on);
    }
}

impl ApprovalApi {
    fn id(&self, value: &str) -> Result<Uuid, Error> {
        let id = Checker::only_id("report_id", value)?;
        Ok(id)
    }

    /// The authority prefix of the office's convention.
    fn prefix(&self, office: Uuid) -> &'static str {
        match self.0.snapshot().tree.get(office).map(|o| o.numbering) {
            Some(Numbering::State) => "TM.",
            _ => "T/M",
        }
    }

    async fn submit(&self, request: Request<wire::SubmitReportRequest>) -> Result<wire::Report, Error> {
        let s = &self.0;
        let (caller, req) = Caller::split(request)?;
        let id = self.id(&req.report_id)?;
        let mut c = Checker::new();
        let note = c.optional_text("note", &req.note, MAX_NOTE).unwrap_or_default();
        c.finish()?;
        let mut tx = s.ctx.db.begin_write().await?;
        let before = s.visible(&mut tx, &caller, id, true).await?;
        s.ensure_act(&caller, &before, WRITERS)?;
        let next = transition(Step::Submit, before.status)?;
        if before.figures.is_none() {
            return Err(Error::FailedPrecondition(
                "Báo cáo chưa có số liệu: cập nhật số liệu (figures) trước khi trình".into(),
            ));
        }
        let mut after = before.clone();
        after.status = next;
        after.updated_at = s.now();
        after.submitted_at = Some(after.updated_at);
        s.save(&mut tx, &caller, Some(&before), &after, "submit", &note).await?;
        s.answer_and_commit(tx, &after).await
    }

    async fn reopen(&self, request: Request<wire::ReopenReportRequest>) -> Result<wire::Report, Error> {
        let s = &self.0;
        let (caller, req) = Caller::split(request)?;
        let (id, reason) = Checker::id_and_text(("report_id", &req.report_id), ("reason", &req.reason), MAX_NOTE)?;
        let mut tx = s.ctx.db.begin_write().await?;
        let before = s.visible(&mut tx, &caller, id, true).await?;
        s.ensure_act(&caller, &before, &[Role::Leader])?;
        let next = transition(Step::Reopen, before.status)?;
        let mut after = before.clone();
        after.status = next;
        after.updated_at = s.now();
        s.save(&mut tx, &caller, Some(&before), &after, "reopen", &reason)
            .await?;
        s.answer_and_commit(tx, &after).await
    }

    /// Children of the report's office (on the period's last day) whose
    /// report for the period is not approved, with why.
    async fn waiting_children(&self, report: &Report) -> Result<Vec<String>, Error> {
        let s = &self.0;
        if report.period.kind == Kind::AdHoc {
            return Ok(Vec::new());
        }
        let snapshot = s.snapshot();
        let children = snapshot.tree.children_on(report.office_id, report.period.to);
        if children.is_empty() {
            return Ok(Vec::new());
        }
        let reports = store::reports::of_period(&s.ctx.db, &report.period).await?;
        Ok(children
            .into_iter()
            .filter_map(|child| {
                let state = match reports.get(&child) {
                    Some(r) if r.status.approved() => return None,
                    Some(r) => r.status.label(),
                    None => "chưa có báo cáo",
                };
                Some(format!("{} ({state})", s.office_name(child)))
            })
            .collect())
    }

    /// The report's BC document: the one it has, or a new draft addressed
    /// to the parent. Two leaders racing keep one; the other is cancelled.
    async fn ensure_document(&self, caller: &Caller, on_behalf: &OnBehalf, report: &Report) -> Result<Uuid, Error> {
        let s = &self.0;
        if let Some(id) = report.document_id {
            return Ok(id);
        }
        let parent = report
            .parent_office_id
            .ok_or_else(|| Error::FailedPrecondition("Đơn vị cấp cao nhất không gửi báo cáo lên cấp trên".into()))?;
        let draft = s
            .sources
            .create_bc(
                on_behalf,
                &Draft {
                    request_id: format!("report-{}-{}", report.id, report.round),
                    office_id: report.office_id,
                    subject: report.title.clone(),
                    parent_office_id: parent,
                },
            )
            .await?;
        let made = Uuid::parse_str(&draft.id)
            .map_err(|_| Error::Unavailable(crate::sources::unavailable(&[crate::sources::Service::Documents])))?;
        let mut tx = s.ctx.db.begin_write().await?;
        let before = s.visible(&mut tx, caller, report.id, true).await?;
        let kept = match before.document_id {
            Some(existing) => existing,
            None if matches!(before.status, ReportStatus::Submitted | ReportStatus::Approved) => {
                let mut after = before.clone();
                after.document_id = Some(made);
                after.updated_at = s.now();
                s.save(&mut tx, caller, Some(&before), &after, "document", &draft.id)
                    .await?;
                made
            }
            None => {
                drop(tx);
                let _ = s
                    .sources
                    .cancel(on_behalf, made, "Báo cáo đã được trả lại dự thảo")
                    .await;
                return Err(transition(Step::Approve, before.status).err().unwrap_or_else(|| {
                    Error::FailedPrecondition("Báo cáo vừa thay đổi trạng thái, vui lòng thử lại".into())
                }));
            }
        };
        tx.commit().await?;
        if kept != made {
            // Someone else's draft won; ours must not travel.
            if let Err(e) = s.sources.cancel(on_behalf, made, "Trùng văn bản báo cáo").await {
                tracing::warn!(error = %e, document = %made, "could not cancel a duplicate report draft");
            }
        }
        Ok(kept)
    }

    async fn approve(&self, request: Request<wire::ApproveReportRequest>) -> Result<wire::Report, Error> {
        let s = &self.0;
        let (caller, on_behalf, req) = OnBehalf::split(request)?;
        let mut c = Checker::new();
        let id = c.id("report_id", &req.report_id);
        let position = c.optional_text("signer_position", &req.signer_position, MAX_POSITION);
        let body = c
            .optional_text("signing_body", &req.signing_body, MAX_POSITION)
            .unwrap_or_else(|| DEFAULT_SIGNING_BODY.to_string());
        let override_reason = c.optional_text("override_reason", &req.override_reason, MAX_NOTE);
        let note = c.optional_text("note", &req.note, MAX_NOTE).unwrap_or_default();
        c.finish()?;
        let current = s.peek(&caller, id).await?;
        s.ensure_act(&caller, &current, &[Role::Leader])?;
        let resuming = current.status == ReportStatus::Approved;
        if !resuming {
            transition(Step::Approve, current.status)?;
        }
        let position = position.unwrap_or_else(|| current.signer_position.clone());
        if current.parent_office_id.is_some() && position.is_empty() {
            return Err(Error::invalid(
                "signer_position",
                "REQUIRED",
                "Ghi chức vụ người ký (ví dụ: Bí thư, Phó Bí thư) để ký văn bản báo cáo gửi cấp trên",
            ));
        }
        let waiting = if resuming {
            Vec::new()
        } else {
            self.waiting_children(&current).await?
        };
        if !waiting.is_empty() && override_reason.is_none() {
            return Err(Error::FailedPrecondition(format!(
                "Chưa duyệt được: báo cáo của đơn vị cấp dưới chưa được duyệt — {}. \
                 Nếu cần duyệt trước, ghi lý do (override_reason)",
                waiting.join("; ")
            )));
        }
        let prefix = self.prefix(current.office_id);
        let signed = match current.parent_office_id {
            Some(_) => {
                let document = self.ensure_document(&caller, &on_behalf, &current).await?;
                let signature = Signature {
                    prefix: prefix.to_string(),
                    position: position.clone(),
                };
                Some(
                    s.sources
                        .advance(&on_behalf, document, Goal::Signed, &signature)
                        .await?,
                )
            }
            None => None,
        };

        let mut tx = s.ctx.db.begin_write().await?;
        let before = s.visible(&mut tx, &caller, id, true).await?;
        let mut after = before.clone();
        let now = s.now();
        if before.status != ReportStatus::Approved {
            after.status = transition(Step::Approve, before.status)?;
            after.approved_by = Some(caller.subject_id);
            after.approved_at = Some(now);
            after.override_reason = if waiting.is_empty() {
                String::new()
            } else {
                override_reason.clone().unwrap_or_default()
            };
            after.signing_body = body;
            after.signing_prefix = prefix.to_string();
            after.signer_position = position;
            if signed.is_none() {
                after.signer_name = caller_name(s, &on_behalf, &caller).await;
            }
        }
        if let Some(document) = &signed {
            take_from_document(&mut after, document);
        }
        if after != before {
            after.updated_at = now;
            let note = if after.override_reason.is_empty() || before.status == ReportStatus::Approved {
                note
            } else {
                format!("Duyệt trước khi cấp dưới được duyệt: {}", after.override_reason)
            };
            s.save(&mut tx, &caller, Some(&before), &after, "approve", &note)
                .await?;
        }
        s.answer_and_commit(tx, &after).await
    }

    async fn send(&self, request: Request<wire::SendReportRequest>) -> Result<wire::Report, Error> {
        let s = &self.0;
        let (caller, on_behalf, req) = OnBehalf::split(request)?;
        let id = self.id(&req.report_id)?;
        let current = s.peek(&caller, id).await?;
        s.ensure_act(&caller, &current, &[Role::Clerk])?;
        if current.parent_office_id.is_none() {
            return Err(Error::FailedPrecondition(
                "Đơn vị cấp cao nhất không gửi báo cáo lên cấp trên".into(),
            ));
        }
        if !current.status.sent() {
            transition(Step::Send, current.status)?;
            let document = current.document_id.ok_or_else(|| {
                Error::FailedPrecondition(
                    "Báo cáo chưa có văn bản được ký; lãnh đạo cần duyệt lại báo cáo để hoàn tất".into(),
                )
            })?;
            let signature = Signature {
                prefix: current.signing_prefix.clone(),
                position: current.signer_position.clone(),
            };
            let dispatched = s
                .sources
                .advance(&on_behalf, document, Goal::Dispatched, &signature)
                .await?;
            let mut tx = s.ctx.db.begin_write().await?;
            let before = s.visible(&mut tx, &caller, id, true).await?;
            if !before.status.sent() {
                let mut after = before.clone();
                after.status = transition(Step::Send, before.status)?;
                let now = s.now();
                after.sent_at = Some(instant(dispatched.dispatched_at.as_ref()).unwrap_or(now));
                take_from_document(&mut after, &dispatched);
                after.updated_at = now;
                let note = after.number_symbol.clone();
                s.save(&mut tx, &caller, Some(&before), &after, "send", &note).await?;
                return s.answer_and_commit(tx, &after).await;
            }
            tx.commit().await?;
        }
        // Already with the parent: say so again, send nothing.
        let mut tx = s.ctx.db.begin_read().await?;
        let report = s.visible(&mut tx, &caller, id, false).await?;
        s.answer_and_commit(tx, &report).await
    }

    /// Accepts or returns a report sent to the caller's office.
    async fn decide(&self, caller: &Caller, id: Uuid, step: Step, reason: &str) -> Result<wire::Report, Error> {
        let s = &self.0;
        let mut tx = s.ctx.db.begin_write().await?;
        let before = s.visible(&mut tx, caller, id, true).await?;
        let snapshot = s.snapshot();
        let receiver = before.parent_office_id.map(|p| snapshot.tree.holder_on(p, s.today()));
        if receiver != Some(caller.office_id) || !caller.has_role(Role::Leader) {
            return Err(Error::PermissionDenied(
                "Chỉ lãnh đạo đơn vị cấp trên nhận báo cáo mới được tiếp nhận hoặc trả lại báo cáo".into(),
            ));
        }
        let mut after = before.clone();
        after.status = transition(step, before.status)?;
        let now = s.now();
        after.decided_at = Some(now);
        after.updated_at = now;
        let action = if step == Step::Return {
            after.return_reason = reason.to_string();
            // A new round: the report will travel in a new document.
            after.round = before.round.saturating_add(1);
            after.document_id = None;
            after.number_symbol = String::new();
            after.issued_on = None;
            "return"
        } else {
            "accept"
        };
        s.save(&mut tx, caller, Some(&before), &after, action, reason).await?;
        let actor = snapshot.actor_name(caller);
        super::notices::decided(&mut tx, caller, &actor, &after, action, reason, now).await?;
        s.answer_and_commit(tx, &after).await
    }

    async fn accept(&self, request: Request<wire::AcceptReportRequest>) -> Result<wire::Report, Error> {
        let (caller, req) = Caller::split(request)?;
        let mut c = Checker::new();
        let id = c.id("report_id", &req.report_id);
        let note = c.optional_text("note", &req.note, MAX_NOTE).unwrap_or_default();
        c.finish()?;
        self.decide(&caller, id, Step::Accept, &note).await
    }

    async fn give_back(&self, request: Request<wire::ReturnReportRequest>) -> Result<wire::Report, Error> {
        let (caller, req) = Caller::split(request)?;
        let (id, reason) = Checker::id_and_text(("report_id", &req.report_id), ("reason", &req.reason), MAX_NOTE)?;
        self.decide(&caller, id, Step::Return, &reason).await
    }
}

/// The caller's full name from the directory (their username if it cannot
/// say), for the signature of a report that is not sent as a document.
async fn caller_name(s: &Shared, on_behalf: &OnBehalf, caller: &Caller) -> String {
    match s.people.get(on_behalf, caller.subject_id).await {
        Ok(Some(user)) if !user.full_name.is_empty() => user.full_name,
        _ => caller.name.clone(),
    }
}

vanphong_platform::grpc_delegate! {
    impl ApprovalService for ApprovalApi {
        submit_report(wire::SubmitReportRequest) -> wire::Report = Self::submit;
        reopen_report(wire::ReopenReportRequest) -> wire::Report = Self::reopen;
        approve_report(wire::ApproveReportRequest) -> wire::Report = Self::approve;
        send_report(wire::SendReportRequest) -> wire::Report = Self::send;
        accept_report(wire::AcceptReportRequest) -> wire::Report = Self::accept;
        return_report(wire::ReturnReportRequest) -> wire::Report = Self::give_back;
    }
}
