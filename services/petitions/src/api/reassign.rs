//! `AssignHandler`: a leader gives open cases to a person of their office,
//! several at once (after a reorganisation, the cases whose handler did not
//! move wait for one: docs/domain.md §1). All are assigned in one
//! transaction, each with its history line and audit record, or none.

use tonic::Request;

use vanphong_platform::Error;
use vanphong_platform::audit::{self, Change};
use vanphong_platform::people::OnBehalf;
use vanphong_platform::validate::Checker;
use vanphong_proto::petitions::v1 as wire;

use super::Shared;
use super::intake::MAX_NOTE;
use super::steps::event;
use crate::domain::flow::{Action, check, may_take, refusal};
use crate::store;

/// At most this many cases in one call.
const MAX_CASES: usize = 200;

pub(crate) async fn assign_handler(
    s: &Shared,
    request: Request<wire::AssignHandlerRequest>,
) -> Result<wire::AssignHandlerResponse, Error> {
    let (caller, on_behalf, req) = OnBehalf::split(request)?;
    let mut c = Checker::new();
    let ids = c.picked_ids("petition_ids", &req.petition_ids, MAX_CASES, "đơn");
    let handler = c.id("handler_id", &req.handler_id);
    let note = c.optional_text("note", &req.note, MAX_NOTE).unwrap_or_default();
    c.finish()?;
    caller.require_any_role(Action::Assign.roles())?;
    s.people
        .members(&on_behalf, caller.office_id, "handler_id", &[handler])
        .await?;
    let handler_name = s.snapshot().person_name(handler);
    let line = if note.is_empty() {
        format!("Giao {handler_name} giải quyết")
    } else {
        format!("Giao {handler_name} giải quyết: {note}")
    };
    let now = s.now();
    let mut tx = s.ctx.db.begin_write().await?;
    let mut petitions = Vec::with_capacity(ids.len());
    for id in ids {
        let before = s.visible(&mut tx, &caller, id, true).await?;
        caller.ensure_act(&s.snapshot().tree, before.office_id, s.today())?;
        if !may_take(Action::Assign, &caller, &before) {
            return Err(refusal(Action::Assign));
        }
        check(Action::Assign, &before).map_err(|e| match e {
            Error::FailedPrecondition(m) => Error::FailedPrecondition(format!("Đơn số {}: {m}", before.number_label())),
            other => other,
        })?;
        let mut after = before.clone();
        after.handler_id = Some(handler);
        after.updated_at = now;
        store::petitions::update(&mut tx, &after).await?;
        store::history::add(&mut tx, after.id, &event(&caller, now, Action::Assign.code(), &line)).await?;
        super::notices::after_step(&mut tx, s, &caller, &before, &after, &note, now).await?;
        audit::record(
            &mut tx,
            &caller,
            now,
            Change::new(after.office_id, "petition", after.id, Action::Assign.code())
                .before(before.audit_json())
                .after(after.audit_json()),
        )
        .await?;
        petitions.push(after);
    }
    let mut answers = Vec::with_capacity(petitions.len());
    for p in &petitions {
        answers.push(s.answer(&mut tx, &caller, p).await?);
    }
    tx.commit().await?;
    Ok(wire::AssignHandlerResponse { petitions: answers })
}
