//! `ExportService`: a report as a Word document laid out as a Party report,
//! and its figures as a spreadsheet.

use std::sync::Arc;

use tonic::{Request, Response, Status};

use vanphong_platform::Error;
use vanphong_platform::identity::Caller;
use vanphong_platform::validate::Checker;
use vanphong_proto::reporting::v1 as wire;
use vanphong_proto::reporting::v1::export_service_server::ExportService;

use super::Shared;
use crate::domain::layout;
use crate::domain::report::{Report, SECTIONS};
use crate::export::{docx, xlsx};

/// The `ExportService` handlers.
pub struct ExportApi(pub(crate) Arc<Shared>);

/// The MIME type of a DOCX file.
const DOCX: &str = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";

fn file_stem(report: &Report) -> String {
    format!("bao-cao-{}-{}", report.period.kind.code(), report.period.to)
}

impl ExportApi {
    async fn report(&self, request: &Request<wire::ExportReportRequest>) -> Result<Report, Error> {
        let caller = Caller::of(request)?;
        let mut c = Checker::new();
        let id = c.id("report_id", &request.get_ref().report_id);
        c.finish()?;
        self.0.peek(&caller, id).await
    }

    fn page(&self, report: &Report) -> docx::Page {
        let s = &self.0;
        let snapshot = s.snapshot();
        let office = snapshot.tree.get(report.office_id);
        let name = office.map(|o| o.name.clone()).unwrap_or_default();
        let issuer = office.map(|o| o.issuer_code.clone()).unwrap_or_default();
        let parent = report.parent_office_id.map(|p| s.office_name(p));
        let dated = report.issued_on.unwrap_or_else(|| s.today());
        let prefix = if report.signing_prefix.is_empty() {
            "T/M"
        } else {
            &report.signing_prefix
        };
        let body = if report.signing_body.is_empty() {
            "Ban Thường vụ"
        } else {
            &report.signing_body
        };
        docx::Page {
            committee: layout::committee_line(&name),
            number: layout::number_line(&report.number_symbol, &issuer),
            date_line: layout::date_line(&report.place, dated),
            subject: layout::subject_line(&report.title),
            sections: SECTIONS
                .iter()
                .filter_map(|(code, title)| {
                    report
                        .sections
                        .get(*code)
                        .map(|text| ((*title).to_string(), text.clone()))
                })
                .collect(),
            figures: report.figures.clone(),
            recipients: layout::recipients(parent.as_deref()),
            signing: layout::signing_line(prefix, body),
            position: report.signer_position.clone(),
            signer: report.signer_name.clone(),
        }
    }
}

#[tonic::async_trait]
impl ExportService for ExportApi {
    async fn export_report_document(
        &self,
        request: Request<wire::ExportReportRequest>,
    ) -> Result<Response<wire::ExportFile>, Status> {
        let report = self.report(&request).await?;
        let content = docx::write(&self.page(&report)).map_err(Error::internal)?;
        Ok(Response::new(wire::ExportFile {
            file_name: format!("{}.docx", file_stem(&report)),
            content_type: DOCX.into(),
            content,
        }))
    }

    async fn export_report_figures(
        &self,
        request: Request<wire::ExportReportRequest>,
    ) -> Result<Response<wire::ExportFile>, Status> {
        let report = self.report(&request).await?;
        let figures = report
            .figures
            .as_ref()
            .ok_or_else(|| Error::FailedPrecondition("Báo cáo chưa có số liệu để xuất".into()))?;
        let name = self.0.office_name(report.office_id);
        let heading = xlsx::Heading {
            committee: layout::committee_line(&name),
            title: format!("SỐ LIỆU BÁO CÁO {}", report.period.label().to_uppercase()),
            subtitle: format!(
                "Từ ngày {} đến ngày {} (theo tổ chức các đơn vị tại ngày {})",
                figures.from.format("%d/%m/%Y"),
                figures.to.format("%d/%m/%Y"),
                figures.to.format("%d/%m/%Y")
            ),
        };
        let content = xlsx::write(&heading, figures).map_err(Error::internal)?;
        Ok(Response::new(wire::ExportFile {
            file_name: format!("{}.xlsx", file_stem(&report)),
            content_type: xlsx::XLSX.into(),
            content,
        }))
    }
}
