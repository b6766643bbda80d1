//! `FiscalYearService`: closing months and settling years.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use tonic::Request;
use uuid::Uuid;

use vanphong_platform::Error;
use vanphong_platform::audit::{self as trail, Change};
use vanphong_platform::clock::to_micros;
use vanphong_platform::db::{RowDecoder, Tx};
use vanphong_platform::identity::{Caller, Role};
use vanphong_platform::validate::Checker;
use vanphong_proto::finance::v1 as wire;
use vanphong_proto::finance::v1::fiscal_year_service_server::FiscalYearService;

use super::convert::timestamp;
use super::{MAX_TEXT, Shared, check_month, check_year};
use crate::domain::period::YearState;
use crate::store;

pub struct PeriodsApi(pub(crate) Arc<Shared>);

/// The fiscal year as it stands in `tx`.
async fn fiscal_year(tx: &mut Tx, office: Uuid, year: i32) -> Result<wire::FiscalYear, Error> {
    let closed = store::periods::closed(tx, office, year).await?;
    let settled = store::periods::settled(tx, office, year).await?;
    let key = format!("{office}/{year}");
    let mut periods = Vec::with_capacity(12);
    for month in 1..=12 {
        let c = closed.iter().find(|c| c.month == i64::from(month));
        let d = RowDecoder::new("closed_periods", &key);
        periods.push(wire::Period {
            month,
            closed: c.is_some(),
            closed_at: match c {
                Some(c) => timestamp(&d, "closed_at", c.closed_at)?,
                None => None,
            },
            closed_by: d
                .opt_id("closed_by", c.map(|c| c.closed_by.as_str()))?
                .map(|u| u.to_string())
                .unwrap_or_default(),
        });
    }
    let d = RowDecoder::new("settled_years", &key);
    Ok(wire::FiscalYear {
        office_id: office.to_string(),
        year,
        periods,
        settled: settled.is_some(),
        settled_at: match &settled {
            Some(s) => timestamp(&d, "settled_at", s.settled_at)?,
            None => None,
        },
        settled_by: d
            .opt_id("settled_by", settled.as_ref().map(|s| s.settled_by.as_str()))?
            .map(|u| u.to_string())
            .unwrap_or_default(),
        settlement_note: settled.map(|s| s.note).unwrap_or_default(),
    })
}

impl PeriodsApi {
    async fn get(&self, request: Request<wire::GetFiscalYearRequest>) -> Result<wire::FiscalYear, Error> {
        let (caller, req) = Caller::split(request)?;
        let s = &self.0;
        let (_, _, answer) = s.read_year(&caller, &req.office_id, req.year, fiscal_year).await?;
        Ok(answer)
    }

    async fn close(&self, request: Request<wire::ClosePeriodRequest>) -> Result<wire::FiscalYear, Error> {
        let (caller, req) = Caller::split(request)?;
        let s = &self.0;
        let mut c = Checker::new();
        let office = c.office_or_own("office_id", &req.office_id, &caller);
        let year = check_year(&mut c, "year", req.year, None);
        let month = check_month(&mut c, req.month).unwrap_or(1);
        c.finish()?;
        s.ensure_act(&caller, office, &[Role::Accountant])?;
        let (mut tx, state, now) = lock_for_change(s, office, year).await?;
        state.check_close(month, s.today())?;
        store::periods::close(&mut tx, office, year, month, caller.subject_id, to_micros(now)).await?;
        let period = format!("{year}-{month:02}");
        let change =
            Change::new(office, "period", &period, "close").after(serde_json::json!({"year": year, "month": month}));
        record_and_answer(tx, &caller, now, change, office, year).await
    }

    async fn settle(&self, request: Request<wire::SettleYearRequest>) -> Result<wire::FiscalYear, Error> {
        let (caller, req) = Caller::split(request)?;
        let s = &self.0;
        let mut c = Checker::new();
        let office = c.office_or_own("office_id", &req.office_id, &caller);
        let year = check_year(&mut c, "year", req.year, None);
        let note = c.text("note", &req.note, MAX_TEXT);
        c.finish()?;
        s.ensure_act(&caller, office, &[Role::Leader])?;
        let (mut tx, state, now) = lock_for_change(s, office, year).await?;
        state.check_settle()?;
        store::periods::settle(&mut tx, office, year, caller.subject_id, to_micros(now), &note).await?;
        let change =
            Change::new(office, "fiscal_year", year, "settle").after(serde_json::json!({"year": year, "note": note}));
        record_and_answer(tx, &caller, now, change, office, year).await
    }
}

/// A write transaction holding `office`'s `year` locked against every other
/// change of it, the year's state read under that lock, and the time of the
/// change: where closing a month and settling the year both start.
async fn lock_for_change(s: &Shared, office: Uuid, year: i32) -> Result<(Tx, YearState, DateTime<Utc>), Error> {
    let now = s.now();
    let mut tx = s.ctx.db.begin_write().await?;
    store::periods::lock_year(&mut tx, office, year, true).await?;
    let state = store::periods::state(&mut tx, office, year).await?;
    Ok((tx, state, now))
}

/// Records `change` of the year, commits, and answers with the year as it
/// now stands.
async fn record_and_answer(
    mut tx: Tx,
    caller: &Caller,
    now: DateTime<Utc>,
    change: Change,
    office: Uuid,
    year: i32,
) -> Result<wire::FiscalYear, Error> {
    trail::record(&mut tx, caller, now, change).await?;
    let answer = fiscal_year(&mut tx, office, year).await?;
    tx.commit().await?;
    Ok(answer)
}

vanphong_platform::grpc_delegate! {
    impl FiscalYearService for PeriodsApi {
        get_fiscal_year(wire::GetFiscalYearRequest) -> wire::FiscalYear = Self::get;
        close_period(wire::ClosePeriodRequest) -> wire::FiscalYear = Self::close;
        settle_year(wire::SettleYearRequest) -> wire::FiscalYear = Self::settle;
    }
}
