//! Running one step of a document's flow, for the incoming and outgoing
//! services alike: load the document locked, check the caller may act on
//! it, move its state, fill in the step's fields, tell the sender of an
//! incoming copy how far it got, tell the people it concerns, and record
//! the step in the document's history and the audit trail — in one
//! transaction.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use vanphong_platform::Error;
use vanphong_platform::audit::{self, Change};
use vanphong_platform::db::Tx;
use vanphong_platform::identity::Caller;
use vanphong_proto::documents::v1 as wire;

use super::{Shared, notifications};
use crate::domain::document::Document;
use crate::domain::flow::{Step, transition};
use crate::store;
use crate::store::people::Event;

/// The record of a change, for the trail.
pub(crate) fn change(before: Option<&Document>, after: &Document, action: &'static str) -> Change {
    Change::new(after.office_id, "document", after.id, action)
        .before(before.map(Document::audit_json))
        .after(after.audit_json())
}

/// A line of a document's history.
pub(crate) fn event(caller: &Caller, at: DateTime<Utc>, kind: &str, note: &str) -> Event {
    Event::by(caller, at, kind, note)
}

/// Who may take a step on a document, given its coordinators.
pub(crate) type MayAct = fn(&Caller, &Document, &[Uuid]) -> bool;

/// One step, for [`run`].
pub(crate) struct StepSpec<'a, S, A> {
    pub action: S,
    pub note: &'a str,
    pub may_act: MayAct,
    /// Fills in the step's fields.
    pub apply: A,
    /// People to add to the distribution.
    pub also_named: Vec<Uuid>,
    /// New lead handler and coordinators.
    pub handlers: Option<(Uuid, Vec<Uuid>)>,
}

impl<'a, S, A> StepSpec<'a, S, A> {
    /// A step that names nobody new and leaves the handlers as they are.
    pub(crate) fn new(action: S, note: &'a str, may_act: MayAct, apply: A) -> Self {
        StepSpec {
            action,
            note,
            may_act,
            apply,
            also_named: Vec::new(),
            handlers: None,
        }
    }

    /// Adds `people` to the distribution.
    pub(crate) fn also_naming(mut self, people: Vec<Uuid>) -> Self {
        self.also_named = people;
        self
    }

    /// Makes `lead` the lead handler and `coordinators` the coordinators.
    pub(crate) fn with_handlers(mut self, handlers: (Uuid, Vec<Uuid>)) -> Self {
        self.handlers = Some(handlers);
        self
    }
}

/// Runs the step and answers with the document after it.
pub(crate) async fn run<S, A>(
    shared: &Shared,
    caller: &Caller,
    id: Uuid,
    spec: StepSpec<'_, S, A>,
) -> Result<wire::Document, Error>
where
    S: Step,
    A: FnOnce(&mut Document),
{
    let now = shared.ctx.clock.now();
    let mut tx = shared.ctx.db.begin_write().await?;
    let after = step_in(&mut tx, shared, caller, id, spec, now).await?;
    let answer = shared.answer(&mut tx, &after).await?;
    tx.commit().await?;
    Ok(answer)
}

/// Runs the step inside `tx` (a bulk action runs several in one) and
/// gives the document after it.
pub(crate) async fn step_in<S, A>(
    tx: &mut Tx,
    shared: &Shared,
    caller: &Caller,
    id: Uuid,
    spec: StepSpec<'_, S, A>,
    now: DateTime<Utc>,
) -> Result<Document, Error>
where
    S: Step,
    A: FnOnce(&mut Document),
{
    let StepSpec {
        action,
        note,
        may_act,
        apply,
        also_named,
        handlers,
    } = spec;
    let (document, _) = shared.visible(tx, caller, id, true).await?;
    caller.ensure_act(&shared.snapshot().tree, document.office_id, shared.today())?;
    let coordinators = store::people::coordinators(tx, id).await?;
    if !may_act(caller, &document, &coordinators) {
        let roles: Vec<&str> = action.roles().iter().map(|r| r.label()).collect();
        return Err(Error::PermissionDenied(format!(
            "Chỉ {} (hoặc người được giao xử lý) mới được {} văn bản này",
            roles.join(", "),
            action.label()
        )));
    }
    let next = transition(action, document.status)?;
    let before = document.clone();
    let mut after = document;
    apply(&mut after);
    after.status = next;
    after.updated_at = now;
    store::documents::update(tx, &after).await?;
    if let Some((lead, coordinators)) = handlers {
        store::people::set_handlers(tx, id, lead, &coordinators).await?;
    }
    if !also_named.is_empty() {
        store::people::add_distribution(tx, id, &also_named).await?;
    }
    store::people::add_event(tx, id, &event(caller, now, action.code(), note)).await?;
    notifications::after_step(tx, &shared.snapshot(), caller, action.code(), &after, note, now).await?;
    report_to_sender(tx, &before, &after, now, note).await?;
    audit::record(tx, caller, now, change(Some(&before), &after, action.code())).await?;
    Ok(after)
}

/// Writes a change made outside [`run`] into the document's history (an
/// event with `note`) and the audit trail (`before` → `after`).
pub(crate) async fn record(
    tx: &mut Tx,
    caller: &Caller,
    now: DateTime<Utc>,
    before: Option<&Document>,
    after: &Document,
    action: &'static str,
    note: &str,
) -> Result<(), Error> {
    store::people::add_event(tx, after.id, &event(caller, now, action, note)).await?;
    audit::record(tx, caller, now, change(before, after, action)).await?;
    Ok(())
}

/// When an incoming copy of a document sent within the deployment changes
/// state, the sender's recipient entry gets the matching edXML status.
pub(crate) async fn report_to_sender(
    tx: &mut Tx,
    before: &Document,
    after: &Document,
    at: DateTime<Utc>,
    note: &str,
) -> Result<(), Error> {
    if after.source_document_id.is_none() {
        return Ok(());
    }
    let (Some(code), previous) = (after.status.exchange_code(), before.status.exchange_code()) else {
        return Ok(());
    };
    if previous == Some(code) {
        return Ok(());
    }
    if let Some(recipient) = store::recipients::by_incoming(tx, after.id).await? {
        store::recipients::set_status(tx, recipient.id, code, at, note).await?;
        notifications::receipt(tx, &recipient, code, at).await?;
    }
    Ok(())
}
