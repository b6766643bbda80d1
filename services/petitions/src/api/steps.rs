//! Steps of a petition's flow after intake: linking a repeat,
//! classification, thụ lý, rejection, extensions, investigation notes, the
//! result, notifying the petitioner, closing, and withdrawal. Each step
//! loads the petition locked, checks office, role and state, and saves the
//! change with its history entry and audit record in one transaction.

use chrono::{DateTime, NaiveDate, Utc};
use tonic::Request;
use uuid::Uuid;

use vanphong_platform::Error;
use vanphong_platform::audit::{self, Change};
use vanphong_platform::db::Tx;
use vanphong_platform::identity::Caller;
use vanphong_platform::people::OnBehalf;
use vanphong_platform::validate::Checker;
use vanphong_proto::petitions::v1 as wire;

use super::Shared;
use super::intake::{MAX_NOTE, past_date, past_date_or_today};
use super::slips;
use crate::domain::deadline::ExtensionRefusal;
use crate::domain::flow::{Action, check, check_day, may_take, refusal};
use crate::domain::handling::{Acceptance, ExtensionDecision};
use crate::domain::kinds::{Authority, Complexity, Outcome, Resolution, State};
use crate::domain::petition::Petition;
use crate::store;
use crate::store::history::Event;
use crate::store::transfers::{SLIP_ISSUED, Transfer};

/// A history entry by the caller.
pub(crate) fn event(caller: &Caller, at: DateTime<Utc>, kind: &str, note: &str) -> Event {
    Event::by(caller, at, kind, note)
}

/// Reads a petition the caller may see, for checks made before the write
/// transaction (such as asking the directory about people).
async fn peek(s: &Shared, caller: &Caller, id: Uuid) -> Result<Petition, Error> {
    let petition = s.ctx.db.read(async |tx| s.visible(tx, caller, id, false).await).await?;
    Ok(petition)
}

/// Opens the write transaction of a step: the petition locked, in the
/// caller's office, the caller allowed to take the step, the step allowed
/// from its state.
async fn begin(s: &Shared, caller: &Caller, id: Uuid, action: Action) -> Result<(Tx, Petition), Error> {
    let mut tx = s.ctx.db.begin_write().await?;
    let petition = s.visible(&mut tx, caller, id, true).await?;
    caller.ensure_act(&s.snapshot().tree, petition.office_id, s.today())?;
    if !may_take(action, caller, &petition) {
        return Err(refusal(action));
    }
    check(action, &petition)?;
    Ok((tx, petition))
}

/// Whether a step is saved or only computed to show its outcome.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    Save,
    /// `validate_only`: everything written and checked as when saved, then
    /// rolled back — the same refusals, the petition as it would be, and
    /// nothing kept (no row, history entry, notice or audit record).
    Preview,
}

impl Mode {
    fn of(validate_only: bool) -> Self {
        if validate_only { Mode::Preview } else { Mode::Save }
    }
}

/// Saves a step: the row, its history entry and audit record; answers with
/// the petition.
async fn finish(
    s: &Shared,
    tx: Tx,
    caller: &Caller,
    before: &Petition,
    after: Petition,
    action: Action,
    note: &str,
) -> Result<wire::Petition, Error> {
    let step = Taken {
        action,
        note,
        mode: Mode::Save,
    };
    finish_as(s, tx, caller, before, after, step).await
}

/// A step as taken: which, its history note, and whether it is saved.
struct Taken<'a> {
    action: Action,
    note: &'a str,
    mode: Mode,
}

impl<'a> Taken<'a> {
    /// The step a request asks for: saved, or only shown when it says
    /// `validate_only`.
    fn asked(action: Action, note: &'a str, validate_only: bool) -> Self {
        Taken {
            action,
            note,
            mode: Mode::of(validate_only),
        }
    }
}

/// [`finish`], or in [`Mode::Preview`] the same writes rolled back, the
/// answer made inside them without the petitioners' identity.
async fn finish_as(
    s: &Shared,
    mut tx: Tx,
    caller: &Caller,
    before: &Petition,
    mut after: Petition,
    step: Taken<'_>,
) -> Result<wire::Petition, Error> {
    let Taken { action, note, mode } = step;
    let now = s.now();
    after.updated_at = now;
    store::petitions::update(&mut tx, &after).await?;
    store::history::add(&mut tx, after.id, &event(caller, now, action.code(), note)).await?;
    super::notices::after_step(&mut tx, s, caller, before, &after, note, now).await?;
    let change = Change::new(after.office_id, "petition", after.id, action.code())
        .before(before.audit_json())
        .after(after.audit_json());
    audit::record(&mut tx, caller, now, change).await?;
    if mode == Mode::Preview {
        let answer = s.answer_showing(&mut tx, caller, &after, false).await?;
        tx.rollback().await?;
        return Ok(answer);
    }
    let answer = s.answer(&mut tx, caller, &after).await?;
    tx.commit().await?;
    Ok(answer)
}

/// Checks that a handler works in the petition's office.
async fn ensure_member(
    s: &Shared,
    on_behalf: &OnBehalf,
    caller: &Caller,
    petition: Uuid,
    handler: Uuid,
) -> Result<(), Error> {
    let petition = peek(s, caller, petition).await?;
    s.people
        .members(on_behalf, s.holder(petition.office_id), "handler_id", &[handler])
        .await?;
    Ok(())
}

/// The fields of thụ lý, checked (the date may be left to today).
struct AcceptanceForm {
    accepted_on: Option<NaiveDate>,
    resolution: Resolution,
    complexity: Complexity,
    remote: bool,
}

fn check_acceptance(
    c: &mut Checker,
    accepted_on: &str,
    resolution: i32,
    complexity: i32,
    remote: bool,
    today: NaiveDate,
) -> AcceptanceForm {
    let accepted_on = (!accepted_on.trim().is_empty()).then(|| past_date(c, "accepted_on", accepted_on, today));
    let resolution = Resolution::from_wire_or(resolution, Resolution::First).unwrap_or_else(|_| {
        c.violation("resolution", "UNKNOWN_VALUE", "Lần giải quyết không hợp lệ");
        Resolution::First
    });
    let complexity = Complexity::from_wire_or(complexity, Complexity::Normal).unwrap_or_else(|_| {
        c.violation("complexity", "UNKNOWN_VALUE", "Mức độ phức tạp không hợp lệ");
        Complexity::Normal
    });
    AcceptanceForm {
        accepted_on,
        resolution,
        complexity,
        remote,
    }
}

/// Thụ lý of `p` by the deadline table as it is now (docs/domain.md §3).
async fn accept(s: &Shared, tx: &mut Tx, p: &mut Petition, handler: Uuid, a: &AcceptanceForm) -> Result<(), Error> {
    let rules = store::catalog::rules(tx).await?;
    let acceptance = Acceptance {
        accepted_on: a.accepted_on.unwrap_or_else(|| s.today()),
        resolution: a.resolution,
        complexity: a.complexity,
        remote: a.remote,
    };
    p.accept(handler, &acceptance, &rules, s.calendar())
}

/// `LinkRepeat`.
pub(crate) async fn link_repeat(
    s: &Shared,
    request: Request<wire::LinkRepeatRequest>,
) -> Result<wire::Petition, Error> {
    let (caller, req) = Caller::split(request)?;
    let mut c = Checker::new();
    let id = c.id("petition_id", &req.petition_id);
    let case = c.id("case_id", &req.case_id);
    if !case.is_nil() && case == id {
        c.violation("case_id", "SAME_PETITION", "Không thể gộp đơn vào chính nó");
    }
    let note = c.optional_text("note", &req.note, MAX_NOTE).unwrap_or_default();
    c.finish()?;
    let (mut tx, before) = begin(s, &caller, id, Action::LinkRepeat).await?;
    let found = store::petitions::get_for_update(&mut tx, case).await?;
    let Some(mut target) = found.filter(|t| t.office_id == before.office_id) else {
        return Err(Error::invalid(
            "case_id",
            "NOT_FOUND",
            "Không tìm thấy vụ việc này trong các đơn của đơn vị",
        ));
    };
    if let Some(root) = target.repeat_of {
        return Err(Error::invalid(
            "case_id",
            "IS_REPEAT",
            format!(
                "Đơn {} là đơn trùng của vụ việc {root}; hãy gộp vào vụ việc đó",
                target.number_label()
            ),
        ));
    }
    if (target.year, target.number) >= (before.year, before.number) {
        return Err(Error::invalid(
            "case_id",
            "NOT_EARLIER",
            "Vụ việc được gộp vào phải là đơn nhận trước",
        ));
    }
    let today = s.today();
    let now = s.now();
    let reason = format!("Đơn trùng nội dung với vụ việc số {}", target.number_label());
    let reason = if note.is_empty() {
        reason
    } else {
        format!("{reason}. {note}")
    };
    let mut after = before.clone();
    after.state = State::Filed;
    after.repeat_of = Some(target.id);
    after.outcome = Some(Outcome::File);
    after.classified_on = Some(today);
    after.classified_by = Some(caller.subject_id);
    after.classification_note = reason.clone();
    after.closing_note = reason.clone();
    after.closed_on = Some(today);

    let target_before = target.clone();
    target.repeat_count = target.repeat_count.saturating_add(1);
    target.updated_at = now;
    store::petitions::update(&mut tx, &target).await?;
    store::history::add(
        &mut tx,
        target.id,
        &event(
            &caller,
            now,
            "repeat_linked",
            &format!(
                "Nhận thêm đơn trùng số {} (lần {})",
                before.number_label(),
                target.repeat_count + 1
            ),
        ),
    )
    .await?;
    let change = Change::new(target.office_id, "petition", target.id, "repeat_linked")
        .before(target_before.audit_json())
        .after(target.audit_json());
    audit::record(&mut tx, &caller, now, change).await?;
    finish(s, tx, &caller, &before, after, Action::LinkRepeat, &reason).await
}

/// `ClassifyPetition`.
pub(crate) async fn classify(
    s: &Shared,
    request: Request<wire::ClassifyPetitionRequest>,
) -> Result<wire::Petition, Error> {
    let (caller, on_behalf, req) = OnBehalf::split(request)?;
    let today = s.today();
    let mut c = Checker::new();
    let id = c.id("petition_id", &req.petition_id);
    let outcome = c.wire("outcome", req.outcome, Outcome::File);
    let note = c.optional_text("note", &req.note, MAX_NOTE).unwrap_or_default();
    let authority = if req.competent_authority == 0 {
        None
    } else {
        let a = Authority::from_wire(req.competent_authority).ok();
        if a.is_none() {
            c.violation(
                "competent_authority",
                "UNKNOWN_VALUE",
                "Thẩm quyền giải quyết không hợp lệ",
            );
        }
        a
    };
    let handler = c.optional_id("handler_id", &req.handler_id);
    let transfer_to = c
        .optional_text("transfer_to", &req.transfer_to, 300)
        .unwrap_or_default();
    let acceptance = check_acceptance(
        &mut c,
        &req.accepted_on,
        req.resolution,
        req.complexity,
        req.remote,
        today,
    );
    if matches!(outcome, Outcome::Accept | Outcome::Consider) && handler.is_none() {
        c.violation("handler_id", "REQUIRED", "Phải giao người giải quyết");
    }
    if outcome == Outcome::Transfer && transfer_to.is_empty() {
        c.violation(
            "transfer_to",
            "REQUIRED",
            "Phải ghi cơ quan có thẩm quyền nhận đơn chuyển",
        );
    }
    if matches!(outcome, Outcome::Transfer | Outcome::File) && note.is_empty() {
        c.violation("note", "REQUIRED", "Phải ghi lý do");
    }
    c.finish()?;
    if let Some(handler) = handler
        && matches!(outcome, Outcome::Accept | Outcome::Consider)
    {
        ensure_member(s, &on_behalf, &caller, id, handler).await?;
    }
    let mode = Mode::of(req.validate_only);
    // The slip comes first: if it cannot be made, nothing is written. A
    // preview makes none (it is another service's document).
    let slip = if outcome == Outcome::Transfer && mode == Mode::Save {
        let petition = peek(s, &caller, id).await?;
        Some(slips::create_transfer_slip(s, &on_behalf, &petition, &transfer_to).await?)
    } else {
        None
    };
    let (mut tx, before) = begin(s, &caller, id, Action::Classify).await?;
    let mut after = before.clone();
    after.outcome = Some(outcome);
    after.classified_on = Some(today);
    after.classified_by = Some(caller.subject_id);
    after.classification_note = note.clone();
    after.authority = authority;
    after.state = State::after(outcome);
    match (outcome, handler) {
        (Outcome::Accept, Some(handler)) => accept(s, &mut tx, &mut after, handler, &acceptance).await?,
        (Outcome::Consider, Some(handler)) => after.handler_id = Some(handler),
        _ => {}
    }
    if outcome.closes() {
        after.closed_on = Some(today);
        after.closing_note = note.clone();
    }
    let transfer = (outcome == Outcome::Transfer).then(|| Transfer {
        petition_id: id,
        target_body: transfer_to.clone(),
        reason: note.clone(),
        slip_document_id: slip,
        slip_status: SLIP_ISSUED.into(),
    });
    if let Some(transfer) = &transfer {
        store::transfers::add(&mut tx, transfer, s.now()).await?;
    }
    let history = match &transfer {
        Some(t) => format!("{}: chuyển đến {}. {}", outcome.label(), t.target_body, note),
        None => format!("{}. {note}", outcome.label()),
    };
    let step = Taken {
        action: Action::Classify,
        note: history.trim(),
        mode,
    };
    finish_as(s, tx, &caller, &before, after, step).await
}

/// `AcceptPetition`: thụ lý of a petition under consideration.
pub(crate) async fn accept_petition(
    s: &Shared,
    request: Request<wire::AcceptPetitionRequest>,
) -> Result<wire::Petition, Error> {
    let (caller, on_behalf, req) = OnBehalf::split(request)?;
    let mut c = Checker::new();
    let id = c.id("petition_id", &req.petition_id);
    let handler = c.optional_id("handler_id", &req.handler_id);
    let acceptance = check_acceptance(
        &mut c,
        &req.accepted_on,
        req.resolution,
        req.complexity,
        req.remote,
        s.today(),
    );
    let note = c.optional_text("note", &req.note, MAX_NOTE).unwrap_or_default();
    c.finish()?;
    if let Some(handler) = handler {
        ensure_member(s, &on_behalf, &caller, id, handler).await?;
    }
    let (mut tx, before) = begin(s, &caller, id, Action::Accept).await?;
    let Some(handler) = handler.or(before.handler_id) else {
        return Err(Error::invalid("handler_id", "REQUIRED", "Phải giao người giải quyết"));
    };
    let mut after = before.clone();
    accept(s, &mut tx, &mut after, handler, &acceptance).await?;
    let step = Taken::asked(Action::Accept, &note, req.validate_only);
    finish_as(s, tx, &caller, &before, after, step).await
}

/// `RejectPetition`: không đủ điều kiện thụ lý.
pub(crate) async fn reject(s: &Shared, request: Request<wire::RejectPetitionRequest>) -> Result<wire::Petition, Error> {
    let (caller, req) = Caller::split(request)?;
    let (id, reason) = Checker::id_and_text(("petition_id", &req.petition_id), ("reason", &req.reason), MAX_NOTE)?;
    let (tx, before) = begin(s, &caller, id, Action::Reject).await?;
    let mut after = before.clone();
    after.state = State::NotEligible;
    after.closed_on = Some(s.today());
    after.closing_note = reason.clone();
    finish(s, tx, &caller, &before, after, Action::Reject, &reason).await
}

/// `ExtendDeadline`: within the legal count and length, by a decision.
pub(crate) async fn extend(s: &Shared, request: Request<wire::ExtendDeadlineRequest>) -> Result<wire::Petition, Error> {
    let (caller, req) = Caller::split(request)?;
    let today = s.today();
    let mut c = Checker::new();
    let id = c.id("petition_id", &req.petition_id);
    let decision_number = c.text("decision_number", &req.decision_number, 100);
    let decided_on = past_date_or_today(&mut c, "decided_on", &req.decided_on, today);
    if req.days <= 0 {
        c.violation("days", "OUT_OF_RANGE", ExtensionRefusal::NotPositive.message());
    }
    let reason = c.text("reason", &req.reason, MAX_NOTE);
    c.finish()?;
    let (mut tx, before) = begin(s, &caller, id, Action::Extend).await?;
    let mut after = before.clone();
    let decision = ExtensionDecision {
        decision_number,
        decided_on,
        days: i64::from(req.days),
        reason,
    };
    let extension = after.extend(&decision, s.calendar())?;
    store::extensions::add(&mut tx, id, &extension, s.now()).await?;
    let note = format!(
        "Gia hạn lần {} theo quyết định số {}: thêm {} ngày, đến {}. {}",
        extension.seq,
        extension.decision_number,
        extension.days,
        extension.due_on.format("%d/%m/%Y"),
        extension.reason
    );
    let step = Taken::asked(Action::Extend, &note, req.validate_only);
    finish_as(s, tx, &caller, &before, after, step).await
}

/// `AddNote`: an investigation note.
pub(crate) async fn add_note(s: &Shared, request: Request<wire::AddNoteRequest>) -> Result<wire::Petition, Error> {
    let (caller, req) = Caller::split(request)?;
    let (id, note) = Checker::id_and_text(("petition_id", &req.petition_id), ("note", &req.note), MAX_NOTE)?;
    let (tx, before) = begin(s, &caller, id, Action::Note).await?;
    let after = before.clone();
    finish(s, tx, &caller, &before, after, Action::Note, &note).await
}

/// `RecordResult`: the resolution with its decision.
pub(crate) async fn record_result(
    s: &Shared,
    request: Request<wire::RecordResultRequest>,
) -> Result<wire::Petition, Error> {
    let (caller, req) = Caller::split(request)?;
    let today = s.today();
    let mut c = Checker::new();
    let id = c.id("petition_id", &req.petition_id);
    let summary = c.text("summary", &req.summary, MAX_NOTE);
    let reference = c.text("decision_reference", &req.decision_reference, 200);
    let document = c.optional_id("decision_document_id", &req.decision_document_id);
    let decided_on = past_date_or_today(&mut c, "decided_on", &req.decided_on, today);
    c.finish()?;
    let (tx, before) = begin(s, &caller, id, Action::RecordResult).await?;
    check_day(Action::RecordResult, &before, "decided_on", decided_on)?;
    let mut after = before.clone();
    after.state = State::Resolved;
    after.result_summary = summary.clone();
    after.decision_reference = reference.clone();
    after.decision_document_id = document;
    after.decided_on = Some(decided_on);
    let note = format!("{reference}: {summary}");
    finish(s, tx, &caller, &before, after, Action::RecordResult, &note).await
}

/// `NotifyPetitioner`.
pub(crate) async fn notify(
    s: &Shared,
    request: Request<wire::NotifyPetitionerRequest>,
) -> Result<wire::Petition, Error> {
    let (caller, req) = Caller::split(request)?;
    let today = s.today();
    let mut c = Checker::new();
    let id = c.id("petition_id", &req.petition_id);
    let notified_on = past_date_or_today(&mut c, "notified_on", &req.notified_on, today);
    let note = c.optional_text("note", &req.note, MAX_NOTE).unwrap_or_default();
    c.finish()?;
    let (tx, before) = begin(s, &caller, id, Action::Notify).await?;
    if let Some(done) = before.notified_on {
        return Err(Error::FailedPrecondition(format!(
            "Đã thông báo kết quả cho người gửi đơn ngày {}",
            done.format("%d/%m/%Y")
        )));
    }
    check_day(Action::Notify, &before, "notified_on", notified_on)?;
    let mut after = before.clone();
    after.notified_on = Some(notified_on);
    finish(s, tx, &caller, &before, after, Action::Notify, &note).await
}

/// `ClosePetition`: after the petitioner was told the result.
pub(crate) async fn close(s: &Shared, request: Request<wire::ClosePetitionRequest>) -> Result<wire::Petition, Error> {
    let (caller, req) = Caller::split(request)?;
    let mut c = Checker::new();
    let id = c.id("petition_id", &req.petition_id);
    let note = c.optional_text("note", &req.note, MAX_NOTE).unwrap_or_default();
    c.finish()?;
    let (tx, before) = begin(s, &caller, id, Action::Close).await?;
    if before.notified_on.is_none() {
        return Err(Error::FailedPrecondition(
            "Chưa thông báo kết quả giải quyết cho người gửi đơn; chưa thể kết thúc vụ việc".into(),
        ));
    }
    let mut after = before.clone();
    after.closed_on = Some(s.today());
    after.closing_note = note.clone();
    finish(s, tx, &caller, &before, after, Action::Close, &note).await
}

/// `WithdrawPetition`: in writing, closes the case.
pub(crate) async fn withdraw(
    s: &Shared,
    request: Request<wire::WithdrawPetitionRequest>,
) -> Result<wire::Petition, Error> {
    let (caller, req) = Caller::split(request)?;
    let today = s.today();
    let mut c = Checker::new();
    let id = c.id("petition_id", &req.petition_id);
    let note = c.text("note", &req.note, MAX_NOTE);
    let withdrawn_on = past_date_or_today(&mut c, "withdrawn_on", &req.withdrawn_on, today);
    c.finish()?;
    let (tx, before) = begin(s, &caller, id, Action::Withdraw).await?;
    check_day(Action::Withdraw, &before, "withdrawn_on", withdrawn_on)?;
    let mut after = before.clone();
    after.state = State::Withdrawn;
    after.closed_on = Some(withdrawn_on);
    after.closing_note = note.clone();
    finish(s, tx, &caller, &before, after, Action::Withdraw, &note).await
}
