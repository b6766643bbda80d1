//! Reports, periods, figures and rules on the wire.

use chrono::{NaiveDate, Weekday};
use uuid::Uuid;

use vanphong_platform::clock::{format_date, to_timestamp};
use vanphong_platform::tree::OfficeKind;
use vanphong_proto::reporting::v1 as wire;

use super::Shared;
use crate::domain::figures::{FigureTable, Part, Row, group_label};
use crate::domain::period::{Kind, Period};
use crate::domain::policy::{Policy, weekday};
use crate::domain::report::{Report, SECTIONS, Status};
use crate::store::reports::Event;

vanphong_platform::wire_enum!(Kind => wire::PeriodKind { Weekly, Monthly, Quarterly, SixMonth, NineMonth, Yearly, AdHoc });
vanphong_platform::wire_enum!(Status => wire::ReportStatus { Draft, Submitted, Approved, Sent, Accepted, Returned });

/// A weekday on the wire (Monday = 1).
pub fn weekday_to_wire(day: Weekday) -> i32 {
    i32::try_from(day.number_from_monday()).unwrap_or_default()
}

/// A weekday from a request, `None` when unspecified or unknown.
pub fn weekday_from_wire(value: i32) -> Option<Weekday> {
    u32::try_from(value)
        .ok()
        .filter(|v| *v >= 1)
        .and_then(|v| weekday(v - 1))
}

/// A period, with an office's deadline when given.
pub fn period_to_wire(period: &Period, deadline: Option<(Uuid, NaiveDate)>) -> wire::Period {
    wire::Period {
        kind: period.kind.to_wire(),
        year: period.year,
        number: i32::try_from(period.number).unwrap_or_default(),
        from: format_date(period.from),
        to: format_date(period.to),
        label: period.label(),
        office_id: deadline.map(|(o, _)| o.to_string()).unwrap_or_default(),
        deadline: deadline.map(|(_, d)| format_date(d)).unwrap_or_default(),
    }
}

fn part_to_wire(part: Part) -> i32 {
    (match part {
        Part::Own => wire::RowPart::Own,
        Part::Child => wire::RowPart::Child,
        Part::Total => wire::RowPart::Total,
    }) as i32
}

fn row_to_wire(row: &Row) -> wire::FigureRow {
    wire::FigureRow {
        office_id: row.office_id.to_string(),
        office_name: row.office_name.clone(),
        part: part_to_wire(row.part),
        values: row.values.iter().map(|(k, v)| (k.clone(), *v)).collect(),
        executed_percent: row.executed_percent(),
    }
}

/// A figure table on the wire.
pub fn figures_to_wire(figures: &FigureTable) -> wire::FigureTable {
    wire::FigureTable {
        office_id: figures.office_id.to_string(),
        from: format_date(figures.from),
        to: format_date(figures.to),
        tree_as_of: format_date(figures.to),
        columns: figures
            .columns
            .iter()
            .map(|c| wire::FigureColumn {
                code: c.code.clone(),
                label: c.label.clone(),
                group: c.group.clone(),
                group_label: group_label(&c.group).to_string(),
                money: c.money,
            })
            .collect(),
        rows: figures.rows.iter().map(row_to_wire).collect(),
        total: Some(row_to_wire(&figures.total)),
        gathered_at: Some(to_timestamp(figures.gathered_at)),
    }
}

fn opt_id(id: Option<Uuid>) -> String {
    id.map(|i| i.to_string()).unwrap_or_default()
}

/// A report with its history (pass no events for list entries).
pub fn report_to_wire(s: &Shared, r: &Report, events: &[Event]) -> wire::Report {
    let snapshot = s.snapshot();
    wire::Report {
        id: r.id.to_string(),
        office_id: r.office_id.to_string(),
        office_name: s.office_name(r.office_id),
        period: Some(period_to_wire(&r.period, Some((r.office_id, r.deadline)))),
        title: r.title.clone(),
        status: r.status.to_wire(),
        sections: SECTIONS
            .iter()
            .map(|(code, title)| wire::Section {
                code: (*code).to_string(),
                title: (*title).to_string(),
                text: r.sections.get(*code).cloned().unwrap_or_default(),
            })
            .collect(),
        figures: r.figures.as_ref().map(figures_to_wire),
        deadline: format_date(r.deadline),
        parent_office_id: opt_id(r.parent_office_id),
        parent_office_name: r.parent_office_id.map(|p| s.office_name(p)).unwrap_or_default(),
        place: r.place.clone(),
        created_by: r.created_by.to_string(),
        created_at: Some(to_timestamp(r.created_at)),
        updated_at: Some(to_timestamp(r.updated_at)),
        submitted_at: r.submitted_at.map(to_timestamp),
        approved_by: opt_id(r.approved_by),
        created_by_name: snapshot.person_name(r.created_by),
        approved_by_name: snapshot.optional_person_name(r.approved_by),
        holder_office_id: snapshot.tree.holder_on(r.office_id, s.today()).to_string(),
        writer_id: r.writer.to_string(),
        writer_name: snapshot.person_name(r.writer),
        approved_at: r.approved_at.map(to_timestamp),
        override_reason: r.override_reason.clone(),
        document_id: opt_id(r.document_id),
        number_symbol: r.number_symbol.clone(),
        issued_on: r.issued_on.map(format_date).unwrap_or_default(),
        signing_prefix: r.signing_prefix.clone(),
        signing_body: r.signing_body.clone(),
        signer_position: r.signer_position.clone(),
        signer_name: r.signer_name.clone(),
        sent_at: r.sent_at.map(to_timestamp),
        on_time: r.status.sent() && r.on_time(),
        decided_at: r.decided_at.map(to_timestamp),
        return_reason: r.return_reason.clone(),
        round: i32::try_from(r.round).unwrap_or(i32::MAX),
        events: events
            .iter()
            .map(|e| wire::ReportEvent {
                at: Some(to_timestamp(e.at)),
                actor_id: e.actor_id.to_string(),
                actor_name: snapshot.recorded_name(e.actor_id, &e.actor_name),
                action: e.action.clone(),
                note: e.note.clone(),
            })
            .collect(),
    }
}

/// The reporting rules on the wire, levels in their wire order.
pub fn policy_to_wire(policy: &Policy) -> wire::ReportingPolicy {
    let mut deadlines = policy.deadlines.clone();
    deadlines.sort_by_key(|(k, _)| k.to_wire());
    wire::ReportingPolicy {
        week_starts_on: weekday_to_wire(policy.week_start),
        deadlines: deadlines
            .into_iter()
            .map(|(kind, days)| wire::LevelDeadline {
                office_kind: OfficeKind::to_wire(kind),
                working_days: i32::try_from(days).unwrap_or(i32::MAX),
            })
            .collect(),
    }
}
