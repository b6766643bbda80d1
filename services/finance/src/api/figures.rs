//! `FiguresService`: the finance figures the reporting service puts into
//! briefing reports, for an office or its whole subtree (along the tree as
//! of the period's end).

use std::sync::Arc;

use chrono::{Datelike, NaiveDate};
use tonic::Request;
use uuid::Uuid;

use vanphong_platform::Error;
use vanphong_platform::clock::format_date;
use vanphong_platform::identity::Caller;
use vanphong_platform::validate::Checker;
use vanphong_proto::finance::v1 as wire;
use vanphong_proto::finance::v1::figures_service_server::FiguresService;

use super::Shared;
use crate::domain::access;
use crate::domain::money::{self, basis_points, format_percent};
use crate::store;

pub struct FiguresApi(pub(crate) Arc<Shared>);

impl FiguresApi {
    async fn figures(&self, request: Request<wire::FinanceFiguresRequest>) -> Result<wire::FinanceFigures, Error> {
        let (caller, req) = Caller::split(request)?;
        let s = &self.0;
        let mut c = Checker::new();
        let office = c.office_or_own("office_id", &req.office_id, &caller);
        let (from, to) = c.date_range(&req.from, &req.to);
        c.finish()?;
        let snapshot = s.snapshot();
        let mut offices = vec![office];
        if req.include_descendants {
            offices.extend(snapshot.tree.descendants_during(office, from, to));
        }
        for o in &offices {
            access::ensure_read_period(&caller, &snapshot.tree, *o, to, s.today())?;
        }
        let year = to.year();
        let jan = NaiveDate::from_ymd_opt(year, 1, 1).unwrap_or(from);
        let inside = |id: &Option<String>| {
            id.as_deref()
                .is_some_and(|i| offices.iter().any(|o| o.to_string() == i))
        };
        let mut f = wire::FinanceFigures {
            office_id: office.to_string(),
            include_descendants: req.include_descendants,
            from: format_date(from),
            to: format_date(to),
            office_ids: offices.iter().map(Uuid::to_string).collect(),
            year,
            ..Default::default()
        };
        let mut tx = s.ctx.db.begin_read().await?;
        for o in &offices {
            for entry in store::figures::allocations_into(&mut tx, *o, year, to).await? {
                if !inside(&entry.from_office_id) {
                    f.allocated = money::add("allocated", f.allocated, entry.amount)?;
                }
            }
            f.spent = money::add(
                "spent",
                f.spent,
                store::figures::spent_between(&mut tx, *o, from, to).await?,
            )?;
            f.spent_year_to_date = money::add(
                "spent_year_to_date",
                f.spent_year_to_date,
                store::figures::spent_between(&mut tx, *o, jan, to).await?,
            )?;
            f.dues_collected = money::add(
                "dues_collected",
                f.dues_collected,
                store::dues::collected_between(&mut tx, *o, from, to).await?,
            )?;
            for r in store::dues::remittances(&mut tx, *o, store::dues::Side::Made, from, to).await? {
                if !inside(&Some(r.to_office_id.clone())) {
                    f.dues_remitted = money::add("dues_remitted", f.dues_remitted, r.amount)?;
                }
            }
        }
        tx.commit().await?;
        f.executed_basis_points = basis_points(f.spent_year_to_date, f.allocated);
        f.executed_percent = format_percent(f.executed_basis_points);
        Ok(f)
    }
}

vanphong_platform::grpc_delegate! {
    impl FiguresService for FiguresApi {
        get_finance_figures(wire::FinanceFiguresRequest) -> wire::FinanceFigures = Self::figures;
    }
}
