//! `ExportService`: a report as a Word document or a PDF laid out as a
//! Party report, and its figures as a spreadsheet.

use std::sync::Arc;

use tonic::Request;

use vanphong_pdf::letterhead;
use vanphong_pdf::{Convention, OfficialDocument};
use vanphong_platform::Error;
use vanphong_platform::identity::Caller;
use vanphong_platform::tree::Numbering;
use vanphong_platform::validate::Checker;
use vanphong_proto::reporting::v1 as wire;
use vanphong_proto::reporting::v1::export_service_server::ExportService;

use super::Shared;
use crate::domain::layout;
use crate::domain::report::{Report, SECTIONS};
use crate::export::{docx, pdf, xlsx};

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
        let id = Checker::only_id("report_id", &request.get_ref().report_id)?;
        self.0.peek(&caller, id).await
    }

    /// What both the Word and the PDF export print about the office.
    fn heading(&self, report: &Report) -> Heading {
        let s = &self.0;
        let snapshot = s.snapshot();
        let office = snapshot.tree.get(report.office_id);
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
        Heading {
            name: office.map(|o| o.name.clone()).unwrap_or_default(),
            issuer_code: office.map(|o| o.issuer_code.clone()).unwrap_or_default(),
            numbering: office.map_or(Numbering::Party, |o| o.numbering),
            parent: report.parent_office_id.map(|p| s.office_name(p)),
            dated: report.issued_on.unwrap_or_else(|| s.today()),
            on_behalf: format!("{prefix} {body}"),
            signing: layout::signing_line(prefix, body),
        }
    }

    fn sections(report: &Report) -> Vec<(String, String)> {
        SECTIONS
            .iter()
            .filter_map(|(code, title)| {
                report
                    .sections
                    .get(*code)
                    .map(|text| ((*title).to_string(), text.clone()))
            })
            .collect()
    }

    fn page(&self, report: &Report) -> docx::Page {
        let head = self.heading(report);
        docx::Page {
            committee: layout::committee_line(&head.name),
            number: layout::number_line(&report.number_symbol, &head.issuer_code),
            date_line: layout::date_line(&report.place, head.dated),
            subject: layout::subject_line(&report.title),
            sections: Self::sections(report),
            figures: report.figures.clone(),
            recipients: layout::recipients(head.parent.as_deref()),
            signing: head.signing,
            position: report.signer_position.clone(),
            signer: report.signer_name.clone(),
        }
    }

    fn printed(&self, report: &Report) -> OfficialDocument {
        let head = self.heading(report);
        let parent = head.parent.as_deref();
        let (convention, mut letterhead) = match head.numbering {
            Numbering::Party => (Convention::Party, letterhead::party(&head.name, parent)),
            Numbering::State => (Convention::State, letterhead::state(&head.name, parent)),
        };
        if !report.place.trim().is_empty() {
            letterhead.place = report.place.clone();
        }
        let number_symbol = if report.number_symbol.is_empty() {
            format!("     -BC/{}", head.issuer_code)
        } else {
            report.number_symbol.clone()
        };
        let printing = pdf::Printing {
            convention,
            letterhead,
            number_symbol,
            date: head.dated,
            subject: layout::subject_line(&report.title),
            authority: [head.on_behalf, report.signer_position.clone()]
                .into_iter()
                .filter(|line| !line.trim().is_empty())
                .collect(),
            signer_name: report.signer_name.clone(),
            recipients: layout::recipient_names(parent),
        };
        pdf::document(printing, &Self::sections(report), report.figures.as_ref())
    }
}

/// The office's side of a printed report.
struct Heading {
    name: String,
    issuer_code: String,
    numbering: Numbering,
    parent: Option<String>,
    dated: chrono::NaiveDate,
    /// "T/M Ban Thường vụ", as the PDF renderer capitalises it itself.
    on_behalf: String,
    /// "T/M BAN THƯỜNG VỤ", as the Word export prints it.
    signing: String,
}

impl ExportApi {
    async fn word(&self, request: Request<wire::ExportReportRequest>) -> Result<wire::ExportFile, Error> {
        let report = self.report(&request).await?;
        let content = docx::write(&self.page(&report)).map_err(Error::internal)?;
        Ok(wire::ExportFile {
            file_name: format!("{}.docx", file_stem(&report)),
            content_type: DOCX.into(),
            content,
        })
    }

    async fn pdf(&self, request: Request<wire::ExportReportRequest>) -> Result<wire::ExportFile, Error> {
        let report = self.report(&request).await?;
        let printed = self.printed(&report);
        let rendered = tokio::task::spawn_blocking(move || vanphong_pdf::render(&printed))
            .await
            .map_err(|e| Error::Unavailable(format!("Không tạo được bản PDF: {e}")))?
            .map_err(|e| Error::FailedPrecondition(format!("Không tạo được bản PDF của báo cáo: {e}")))?;
        Ok(wire::ExportFile {
            file_name: format!("{}.pdf", file_stem(&report)),
            content_type: "application/pdf".into(),
            content: rendered.bytes,
        })
    }

    async fn figures(&self, request: Request<wire::ExportReportRequest>) -> Result<wire::ExportFile, Error> {
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
        Ok(wire::ExportFile {
            file_name: format!("{}.xlsx", file_stem(&report)),
            content_type: xlsx::XLSX.into(),
            content,
        })
    }
}

vanphong_platform::grpc_delegate! {
    impl ExportService for ExportApi {
        export_report_document(wire::ExportReportRequest) -> wire::ExportFile = Self::word;
        export_report_pdf(wire::ExportReportRequest) -> wire::ExportFile = Self::pdf;
        export_report_figures(wire::ExportReportRequest) -> wire::ExportFile = Self::figures;
    }
}
