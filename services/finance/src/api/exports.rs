//! `ExportService`: budget execution, B01/ĐP and an ended office's handover
//! record as XLSX.

use std::collections::HashMap;
use std::sync::Arc;

use chrono::Datelike;
use tonic::Request;

use vanphong_platform::Error;
use vanphong_platform::identity::Caller;
use vanphong_platform::validate::Checker;
use vanphong_proto::finance::v1 as wire;
use vanphong_proto::finance::v1::export_service_server::ExportService;

use super::Shared;
use super::budget::execution;
use super::dues::readable_report;
use crate::domain::budget::AllocationKind;
use crate::domain::ledger::TxKind;
use crate::export::{HandoverRecord, RecordRow, XLSX, budget_execution, dues_report, handover_record};
use crate::store;

pub struct ExportApi(pub(crate) Arc<Shared>);

impl ExportApi {
    async fn execution(&self, request: Request<wire::ExportBudgetExecutionRequest>) -> Result<wire::ExportFile, Error> {
        let (caller, req) = Caller::split(request)?;
        let s = &self.0;
        let (office, year, rows) = s
            .read_year(&caller, &req.office_id, req.year, store::budget::list_balances)
            .await?;
        let catalogue: HashMap<String, store::catalog::LineRow> = store::catalog::list(&s.ctx.db, true)
            .await?
            .into_iter()
            .map(|l| (l.code.clone(), l))
            .collect();
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
        let (caller, req) = Caller::split(request)?;
        let s = &self.0;
        let this_year = Some(s.today().year());
        let r = readable_report(s, &caller, &req.office_id, req.year, req.quarter, this_year).await?;
        Ok(wire::ExportFile {
            file_name: format!("B01-DP-quy-{}-{}.xlsx", r.quarter, r.year),
            content_type: XLSX.into(),
            content: dues_report(&r)?,
        })
    }

    async fn handover_record(
        &self,
        request: Request<wire::ExportHandoverRecordRequest>,
    ) -> Result<wire::ExportFile, Error> {
        let (caller, req) = Caller::split(request)?;
        let s = &self.0;
        let office = Checker::only_id("office_id", &req.office_id)?;
        s.ensure_read(&caller, office)?;
        let snapshot = s.snapshot();
        let ending = vanphong_platform::handover::Handover::of(&snapshot, office, s.today()).ok_or_else(|| {
            Error::FailedPrecondition(format!(
                "{} không được sáp nhập hay giải thể vào đơn vị nào",
                s.office_name(office)
            ))
        })?;
        if !vanphong_platform::handover::is_applied(&s.ctx.db, office).await? {
            return Err(Error::FailedPrecondition(format!(
                "{} chưa bàn giao tài chính cho {} (có hiệu lực từ ngày {})",
                ending.office_name,
                ending.successor_name,
                ending.effective_on.format("%d/%m/%Y")
            )));
        }
        let day = ending.effective_on;
        let year = day.year();
        let catalogue: HashMap<String, String> = store::catalog::list(&s.ctx.db, true)
            .await?
            .into_iter()
            .map(|l| (l.code, l.name))
            .collect();
        let mut tx = s.ctx.db.begin_read().await?;
        let handed = AllocationKind::Handover.code();
        let lines = store::budget::list_allocations(&mut tx, office, year)
            .await?
            .into_iter()
            .filter(|a| a.kind == handed && a.from_office_id.as_deref() == Some(office.to_string().as_str()))
            .map(|a| RecordRow {
                name: catalogue.get(&a.line_code).cloned().unwrap_or_default(),
                code: a.line_code,
                amounts: vec![a.amount],
            })
            .collect();
        // The balances carried over are what the closing transaction took
        // out: a debit balance closed by a credit, and the other way round.
        let mut accounts = Vec::new();
        let on_day = store::ledger::list_transactions(&mut tx, office, Some(day), Some(day), None, 1000).await?;
        for closing in on_day.iter().filter(|t| t.kind().is_ok_and(|k| k == TxKind::Handover)) {
            for posting in store::ledger::postings(&mut tx, &closing.id).await? {
                let name = store::ledger::get_account(&mut tx, office, &posting.account_code)
                    .await?
                    .map(|a| a.name)
                    .unwrap_or_default();
                accounts.push(RecordRow {
                    code: posting.account_code,
                    name,
                    amounts: vec![posting.credit, posting.debit],
                });
            }
        }
        tx.commit().await?;
        let record = HandoverRecord {
            office_name: ending.office_name,
            successor_name: ending.successor_name,
            day,
            lines,
            accounts,
        };
        Ok(wire::ExportFile {
            file_name: format!("bien-ban-ban-giao-{}.xlsx", day.format("%Y-%m-%d")),
            content_type: XLSX.into(),
            content: handover_record(&record)?,
        })
    }
}

vanphong_platform::grpc_delegate! {
    impl ExportService for ExportApi {
        export_budget_execution(wire::ExportBudgetExecutionRequest) -> wire::ExportFile = Self::execution;
        export_dues_report(wire::ExportDuesReportRequest) -> wire::ExportFile = Self::dues;
        export_handover_record(wire::ExportHandoverRecordRequest) -> wire::ExportFile = Self::handover_record;
    }
}
