//! `GetCompleteness`: for an office and a period, every office below it
//! (on the period's last day) with its deadline, its report and whether it
//! was sent on time, late, or not at all.

use tonic::Request;

use vanphong_platform::Error;
use vanphong_platform::clock::{format_date, to_timestamp};
use vanphong_platform::identity::Caller;
use vanphong_platform::text::fold;
use vanphong_proto::reporting::v1 as wire;

use super::Shared;
use super::checks::{self, period_fields};
use super::convert::period_to_wire;
use crate::domain::completeness::{Timeliness, classify};
use crate::store;

fn timeliness_to_wire(t: Timeliness) -> i32 {
    (match t {
        Timeliness::OnTime => wire::Timeliness::OnTime,
        Timeliness::Late => wire::Timeliness::Late,
        Timeliness::Missing => wire::Timeliness::Missing,
        Timeliness::Pending => wire::Timeliness::Pending,
    }) as i32
}

pub(crate) async fn get(
    s: &Shared,
    request: Request<wire::GetCompletenessRequest>,
) -> Result<wire::Completeness, Error> {
    let (caller, req) = Caller::split(request)?;
    let policy = store::policy::get(&s.ctx.db).await?;
    let (office, period) = checks::office_and_period(&caller, &req.office_id, &period_fields!(req), &policy)?;
    let snapshot = s.snapshot();
    let tree = &snapshot.tree;
    let today = s.today();
    let office_kind = s.office_kind(office)?;
    caller.ensure_read(tree, office, today)?;
    let below = if req.direct_only {
        tree.children_on(office, period.to)
    } else {
        tree.descendants_on(office, period.to)
    };
    let reports = store::reports::of_period(&s.ctx.db, &period).await?;
    let depth_of = |o| tree.ancestors_on(o, period.to).len();
    let base = depth_of(office);
    let mut rows: Vec<(usize, String, wire::CompletenessRow, Timeliness)> = Vec::new();
    for o in below {
        let Some(entry) = tree.get(o) else { continue };
        let report = reports.get(&o);
        let deadline = report
            .filter(|r| r.period.kind == crate::domain::period::Kind::AdHoc)
            .map_or_else(
                || policy.deadline(&s.ctx.calendar, entry.kind, period.to),
                |r| r.deadline,
            );
        let timeliness = classify(report.map(|r| (r.status, r.sent_at)), deadline, today);
        let depth = depth_of(o).saturating_sub(base);
        rows.push((
            depth,
            fold(&entry.name),
            wire::CompletenessRow {
                office_id: o.to_string(),
                office_name: entry.name.clone(),
                office_kind: entry.kind.to_wire(),
                parent_office_id: tree.parent_on(o, period.to).map(|p| p.to_string()).unwrap_or_default(),
                depth: i32::try_from(depth).unwrap_or(i32::MAX),
                deadline: format_date(deadline),
                report_id: report.map(|r| r.id.to_string()).unwrap_or_default(),
                report_status: report.map_or(0, |r| r.status.to_wire()),
                sent_at: report
                    .filter(|r| r.status.sent())
                    .and_then(|r| r.sent_at)
                    .map(to_timestamp),
                timeliness: timeliness_to_wire(timeliness),
            },
            timeliness,
        ));
    }
    rows.sort_by(|a, b| (a.0, &a.1).cmp(&(b.0, &b.1)));
    let count = |t: Timeliness| i32::try_from(rows.iter().filter(|r| r.3 == t).count()).unwrap_or(i32::MAX);
    let (on_time, late, missing, pending) = (
        count(Timeliness::OnTime),
        count(Timeliness::Late),
        count(Timeliness::Missing),
        count(Timeliness::Pending),
    );
    let own_deadline = policy.deadline(&s.ctx.calendar, office_kind, period.to);
    Ok(wire::Completeness {
        office_id: office.to_string(),
        period: Some(period_to_wire(&period, Some((office, own_deadline)))),
        expected: i32::try_from(rows.len()).unwrap_or(i32::MAX),
        submitted: on_time.saturating_add(late),
        on_time,
        late,
        missing,
        pending,
        rows: rows.into_iter().map(|r| r.2).collect(),
    })
}
