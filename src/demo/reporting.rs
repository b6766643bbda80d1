//! Demo reports: the monthly report of the last period that has closed,
//! written and filled with figures by the communes under Hiệp Hòa and by
//! the three districts, submitted and, for most, approved and sent upward
//! as BC documents; and the province's own report for the same month, in
//! draft with its figures rolled up.

use chrono::{Datelike, NaiveDate};
use tonic::transport::Channel;

use vanphong_platform::identity::Role;
use vanphong_proto::reporting::v1::approval_service_client::ApprovalServiceClient;
use vanphong_proto::reporting::v1::report_service_client::ReportServiceClient;
use vanphong_proto::reporting::v1::{
    ApproveReportRequest, CreateReportRequest, PeriodKind, RefreshFiguresRequest, SectionInput, SendReportRequest,
    SubmitReportRequest,
};

use super::{DemoError, DemoReport, authorized, call_error, sign_in};

/// The monthly period that closed last before `today`: (year, month).
fn last_closed_month(today: NaiveDate) -> (i32, i32) {
    let month = i32::try_from(today.month()).unwrap_or(1);
    if today.day() >= 15 {
        (today.year(), month)
    } else if month == 1 {
        (today.year() - 1, 12)
    } else {
        (today.year(), month - 1)
    }
}

fn section(code: &str, text: &str) -> SectionInput {
    SectionInput {
        code: code.into(),
        text: text.into(),
    }
}

/// A report period: its kind, year and number within the year.
pub(super) type Period = (PeriodKind, i32, i32);

/// What an office writes in its report for a period of `kind`.
fn sections(name: &str, kind: PeriodKind) -> Vec<SectionInput> {
    let (span, next) = match kind {
        PeriodKind::Quarterly => ("quý", "quý tới"),
        _ => ("tháng", "tháng tới"),
    };
    vec![
        section(
            "overview",
            &format!(
                "Trong {span}, tình hình chính trị, trật tự an toàn xã hội trên địa bàn {name} ổn định; \
                 cán bộ, đảng viên và nhân dân tin tưởng vào sự lãnh đạo của Đảng."
            ),
        ),
        section(
            "results",
            "Văn phòng tham mưu tổ chức các hội nghị theo chương trình công tác; tiếp nhận, xử lý văn bản \
             đến đúng quy trình; phối hợp tiếp công dân định kỳ; quản lý tài chính, tài sản đúng quy định.",
        ),
        section(
            "limitations",
            "Một số văn bản đến còn giải quyết chậm so với thời hạn; việc số hóa hồ sơ lưu trữ còn chậm.",
        ),
        section(
            "next_tasks",
            &format!(
                "Tiếp tục thực hiện chương trình công tác {next}; đôn đốc giải quyết đơn thư tồn đọng; \
                 chuẩn bị nội dung sơ kết, tổng kết."
            ),
        ),
    ]
}

/// Creates the office's report for the period and gathers its figures;
/// returns its id.
async fn draft(
    channel: &Channel,
    report: &DemoReport,
    slug: &str,
    (kind, year, number): Period,
) -> Result<String, DemoError> {
    let office = report.office(slug).ok_or_else(|| DemoError::Call {
        what: format!("demo office {slug}"),
        status: tonic::Status::not_found(slug.to_string()),
    })?;
    let writer = sign_in(channel, report.username(slug, Role::Specialist).unwrap_or_default()).await?;
    let leader = sign_in(channel, report.username(slug, Role::Leader).unwrap_or_default()).await?;
    let mut reports = ReportServiceClient::new(channel.clone());
    let created = reports
        .create_report(authorized(
            CreateReportRequest {
                request_id: format!("demo-report-{slug}-{}-{year}-{number}", kind.as_str_name()),
                office_id: office.id.clone(),
                kind: kind as i32,
                year,
                number,
                sections: sections(office.name, kind),
                ..Default::default()
            },
            &writer,
        ))
        .await
        .map_err(call_error(format!("create the report of {}", office.name)))?
        .into_inner();
    reports
        .refresh_figures(authorized(
            RefreshFiguresRequest {
                report_id: created.id.clone(),
            },
            &leader,
        ))
        .await
        .map_err(call_error(format!("gather the figures of {}", office.name)))?;
    Ok(created.id)
}

/// How far an office's report has gone.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum Stage {
    Submitted,
    Approved,
    Sent,
}

/// Drafts the office's report and takes it as far as `stage`; returns its
/// id.
pub(super) async fn take_to(
    channel: &Channel,
    report: &DemoReport,
    slug: &str,
    period: Period,
    stage: Stage,
) -> Result<String, DemoError> {
    let id = draft(channel, report, slug, period).await?;
    let writer = sign_in(channel, report.username(slug, Role::Specialist).unwrap_or_default()).await?;
    let mut approval = ApprovalServiceClient::new(channel.clone());
    approval
        .submit_report(authorized(
            SubmitReportRequest {
                report_id: id.clone(),
                note: "Kính trình đồng chí Bí thư".into(),
            },
            &writer,
        ))
        .await
        .map_err(call_error(format!("submit the report of {slug}")))?;
    if stage >= Stage::Approved {
        let leader = sign_in(channel, report.username(slug, Role::Leader).unwrap_or_default()).await?;
        approval
            .approve_report(authorized(
                ApproveReportRequest {
                    report_id: id.clone(),
                    signer_position: "Bí thư".into(),
                    ..Default::default()
                },
                &leader,
            ))
            .await
            .map_err(call_error(format!("approve the report of {slug}")))?;
    }
    if stage >= Stage::Sent {
        let clerk = sign_in(channel, report.username(slug, Role::Clerk).unwrap_or_default()).await?;
        approval
            .send_report(authorized(SendReportRequest { report_id: id.clone() }, &clerk))
            .await
            .map_err(call_error(format!("send the report of {slug}")))?;
    }
    Ok(id)
}

/// Loads the demo reports as the offices' own people: Bắc Lý has sent its
/// report to Hiệp Hòa and Hiệp Hòa its own to the province; Hoàng Vân's is
/// approved and signed, waiting for its clerk; Việt Yên's and Yên Dũng's
/// are submitted to their leaders; the province's is a draft.
pub async fn load(channel: &Channel, report: &DemoReport, today: NaiveDate) -> Result<(), DemoError> {
    let (year, month) = last_closed_month(today);
    let period = (PeriodKind::Monthly, year, month);
    // Communes first, so their district approves after them.
    for (slug, stage) in [
        ("bacly", Stage::Sent),
        ("hoangvan", Stage::Approved),
        ("hiephoa", Stage::Sent),
        ("vietyen", Stage::Submitted),
        ("yendung", Stage::Submitted),
    ] {
        take_to(channel, report, slug, period, stage).await?;
    }
    draft(channel, report, "tu", period).await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_last_closed_month() {
        let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("date");
        assert_eq!(last_closed_month(d("2026-03-02")), (2026, 2));
        assert_eq!(last_closed_month(d("2026-03-15")), (2026, 3));
        assert_eq!(last_closed_month(d("2026-01-10")), (2025, 12));
    }
}
