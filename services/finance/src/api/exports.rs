//! `ExportService`: budget execution and B01/ĐP as XLSX.

use std::collections::HashMap;
use std::sync::Arc;

use chrono::Datelike;
use tonic::Request;

use vanphong_platform::Error;
use vanphong_platform::identity::Caller;
use vanphong_platform::validate::Checker;
use vanphong_proto::finance::v1 as wire;
use vanphong_proto::finance::v1::export_service_server::ExportService;

use super::budget::execution;
use super::dues::{check_quarter, report};
use super::{Shared, check_year, office_or_own};
use crate::export::{XLSX, budget_execution, dues_report};
use crate::store;

pub struct ExportApi(pub(crate) Arc<Shared>);

impl ExportApi {
    async fn execution(&self, request: Request<wire::ExportBudgetExecutionRequest>) -> Result<wire::ExportFile, Error> {
        let caller = Caller::of(&request)?;
        let s = &self.0;
        let req = request.into_inner();
        let (office, year) = s.readable_year(&caller, &req.office_id, req.year)?;
        let catalogue: HashMap<String, store::catalog::LineRow> = store::catalog::list(&s.ctx.db, true)
            .await?
            .into_iter()
            .map(|l| (l.code.clone(), l))
            .collect();
        let mut tx = s.ctx.db.begin_read().await?;
        let rows = store::budget::list_balances(&mut tx, office, year).await?;
        tx.commit().await?;
        let lines = execution(office, year, &rows, &catalogue)?;
        let content = budget_execution(
            &s.office_name(office),
            year,
            &lines.lines,
            &lines.total.unwrap_or_default(),
        )?;
        Ok(wire::ExportFile {
            file_name: format!("thuc-hien-du-toan-{year}.xlsx"),
            content_type: XLSX.into(),
            content,
        })
    }

    async fn dues(&self, request: Request<wire::ExportDuesReportRequest>) -> Result<wire::ExportFile, Error> {
        let caller = Caller::of(&request)?;
        let s = &self.0;
        let req = request.into_inner();
        let mut c = Checker::new();
        let office = office_or_own(&mut c, "office_id", &req.office_id, &caller);
        let year = check_year(&mut c, "year", req.year, Some(s.today().year()));
        let quarter = check_quarter(&mut c, req.quarter);
        c.finish()?;
        s.ensure_read(&caller, office)?;
        let mut tx = s.ctx.db.begin_read().await?;
        let r = report(&mut tx, office, s.office_name(office), year, quarter).await?;
        tx.commit().await?;
        Ok(wire::ExportFile {
            file_name: format!("B01-DP-quy-{quarter}-{year}.xlsx"),
            content_type: XLSX.into(),
            content: dues_report(&r)?,
        })
    }
}

vanphong_platform::grpc_delegate! {
    impl ExportService for ExportApi {
        export_budget_execution(wire::ExportBudgetExecutionRequest) -> wire::ExportFile = Self::execution;
        export_dues_report(wire::ExportDuesReportRequest) -> wire::ExportFile = Self::dues;
    }
}
