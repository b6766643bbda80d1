//! `GetFigures`: the statistics of a period for an office, and with its
//! descendants along the tree as it was at the period's end.

use chrono::NaiveDate;
use tonic::Request;
use uuid::Uuid;

use vanphong_platform::Error;
use vanphong_platform::clock::format_date;
use vanphong_platform::identity::Caller;
use vanphong_platform::validate::Checker;
use vanphong_proto::petitions::v1 as wire;

use super::Shared;
use crate::domain::figures::{Figures, tally};
use crate::store;

/// Longest period, in days.
const MAX_PERIOD_DAYS: i64 = 3700;

/// A checked period and who it covers.
pub(crate) struct Period {
    pub office: Uuid,
    pub descendants: bool,
    pub from: NaiveDate,
    pub to: NaiveDate,
}

/// Checks the office and period fields of a figures request.
pub(crate) fn check_period(
    caller: &Caller,
    office_id: &str,
    descendants: bool,
    from: &str,
    to: &str,
) -> Result<Period, Error> {
    let mut c = Checker::new();
    let office = c.optional_id("office_id", office_id).unwrap_or(caller.office_id);
    let (from, to) = c.date_range(from, to);
    if from != NaiveDate::MIN && to >= from && (to - from).num_days() > MAX_PERIOD_DAYS {
        c.violation("to", "PERIOD_TOO_LONG", "Kỳ thống kê không quá 10 năm");
    }
    c.finish()?;
    Ok(Period {
        office,
        descendants,
        from,
        to,
    })
}

/// The figures of each office of the period (the office first), and their
/// sum.
pub(crate) async fn compute(
    s: &Shared,
    caller: &Caller,
    period: &Period,
) -> Result<(Vec<(Uuid, Figures)>, Figures), Error> {
    let offices = s.offices_during(caller, period.office, period.descendants, period.from, period.to)?;
    let mut tx = s.ctx.db.begin_read().await?;
    let mut rows = Vec::with_capacity(offices.len());
    let mut total = Figures::default();
    for office in offices {
        let petitions = store::listing::for_period(&mut tx, office, period.from, period.to).await?;
        let receptions = store::receptions::facts(&mut tx, office, period.from, period.to).await?;
        let figures = tally(&petitions, &receptions, period.from, period.to);
        total.add(&figures);
        rows.push((office, figures));
    }
    tx.commit().await?;
    Ok((rows, total))
}

/// One office's (or the total's) figures on the wire.
pub(crate) fn row_to_wire(office_id: String, office_name: String, f: &Figures) -> wire::FigureRow {
    wire::FigureRow {
        office_id,
        office_name,
        carried_over_single: f.carried_over_single,
        carried_over_multi: f.carried_over_multi,
        received_single: f.received_single,
        received_multi: f.received_multi,
        repeats_received: f.repeats_received,
        eligible: f.eligible,
        authority_administrative: f.authority_administrative,
        authority_judicial: f.authority_judicial,
        authority_party: f.authority_party,
        authority_unspecified: f.authority_unspecified,
        stage_not_yet_resolved: f.stage_not_yet_resolved,
        stage_first_time: f.stage_first_time,
        stage_repeated: f.stage_repeated,
        outcome_guided: f.outcome_guided,
        outcome_transferred: f.outcome_transferred,
        outcome_urged: f.outcome_urged,
        outcome_filed: f.outcome_filed,
        outcome_accepted: f.outcome_accepted,
        resolved: f.resolved,
        withdrawn: f.withdrawn,
        overdue_at_end: f.overdue_at_end,
        reception_days_held: f.reception_days_held,
        reception_sessions: f.reception_sessions,
        reception_visitors: f.reception_visitors,
    }
}

/// `GetFigures`.
pub(crate) async fn get(s: &Shared, request: Request<wire::GetFiguresRequest>) -> Result<wire::PetitionFigures, Error> {
    let (caller, req) = Caller::split(request)?;
    let period = check_period(&caller, &req.office_id, req.include_descendants, &req.from, &req.to)?;
    let (rows, total) = compute(s, &caller, &period).await?;
    Ok(wire::PetitionFigures {
        office_id: period.office.to_string(),
        from: format_date(period.from),
        to: format_date(period.to),
        rows: rows
            .iter()
            .map(|(office, f)| row_to_wire(office.to_string(), s.office_name(*office), f))
            .collect(),
        total: Some(row_to_wire(
            period.office.to_string(),
            format!("Tổng cộng: {}", s.office_name(period.office)),
            &total,
        )),
    })
}
