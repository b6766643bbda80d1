//! `AssignReports`: a leader gives reports not yet submitted to another
//! writer of the office, several at once. After a reorganisation the
//! drafts of an office that ended stay its reports, held by the successor
//! (docs/domain.md §1), and wait for a writer there. All are given in one
//! transaction, each with its history line, audit record and a notice to
//! the new writer, or none.

use tonic::Request;

use vanphong_platform::Error;
use vanphong_platform::identity::Role;
use vanphong_platform::people::OnBehalf;
use vanphong_platform::validate::Checker;
use vanphong_proto::reporting::v1 as wire;

use super::{Shared, WRITERS};
use crate::domain::report::{Step, transition};

/// At most this many reports in one call.
const MAX_REPORTS: usize = 200;
/// Longest note, in characters.
const MAX_NOTE: usize = 2000;

pub(crate) async fn assign_reports(
    s: &Shared,
    request: Request<wire::AssignReportsRequest>,
) -> Result<wire::AssignReportsResponse, Error> {
    let (caller, on_behalf, req) = OnBehalf::split(request)?;
    let mut c = Checker::new();
    let ids = c.picked_ids("report_ids", &req.report_ids, MAX_REPORTS, "báo cáo");
    let writer = c.id("writer_id", &req.writer_id);
    let note = c.optional_text("note", &req.note, MAX_NOTE).unwrap_or_default();
    c.finish()?;
    caller.require_any_role(&[Role::Leader])?;
    let found = s
        .people
        .members(&on_behalf, caller.office_id, "writer_id", &[writer])
        .await?;
    let person = found
        .first()
        .ok_or_else(|| Error::invalid("writer_id", "NOT_IN_OFFICE", "Không phải người dùng của đơn vị"))?;
    let writes = person
        .roles
        .iter()
        .filter_map(|r| Role::from_wire(*r))
        .any(|r| WRITERS.contains(&r));
    if !writes {
        return Err(Error::invalid(
            "writer_id",
            "NOT_A_WRITER",
            "Người được giao phải là chuyên viên, văn thư hoặc lãnh đạo của đơn vị",
        ));
    }
    let writer_name = &person.full_name;
    let actor = s.snapshot().actor_name(&caller);
    let line = if note.is_empty() {
        format!("Giao {writer_name} viết báo cáo")
    } else {
        format!("Giao {writer_name} viết báo cáo: {note}")
    };
    let now = s.now();
    let mut tx = s.ctx.db.begin_write().await?;
    let mut reports = Vec::with_capacity(ids.len());
    for id in ids {
        let before = s.visible(&mut tx, &caller, id, true).await?;
        s.ensure_act(&caller, &before, &[Role::Leader])?;
        transition(Step::Edit, before.status).map_err(|e| match e {
            Error::FailedPrecondition(m) => Error::FailedPrecondition(format!("«{}»: {m}", before.title)),
            other => other,
        })?;
        let mut after = before.clone();
        after.writer = writer;
        after.updated_at = now;
        s.save(&mut tx, &caller, Some(&before), &after, "assign", &line).await?;
        super::notices::assigned(&mut tx, &caller, &actor, &after, &note, now).await?;
        reports.push(after);
    }
    let mut answers = Vec::with_capacity(reports.len());
    for r in &reports {
        answers.push(s.answer(&mut tx, r).await?);
    }
    tx.commit().await?;
    Ok(wire::AssignReportsResponse { reports: answers })
}
