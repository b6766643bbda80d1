//! What the reporting tests share: clients, figures put into the other
//! services, committee terms, and short ways through a report's flow.

use tonic::transport::Channel;

use vanphong_platform::identity::Role;
use vanphong_proto::documents::v1::{CreateTermRequest, RegisterIncomingRequest};
use vanphong_proto::petitions::v1::petition_service_client::PetitionServiceClient;
use vanphong_proto::petitions::v1::{CreatePetitionRequest, IntakeChannel, PetitionKind, Petitioner};
use vanphong_proto::reporting::v1::approval_service_client::ApprovalServiceClient;
use vanphong_proto::reporting::v1::export_service_client::ExportServiceClient;
use vanphong_proto::reporting::v1::period_service_client::PeriodServiceClient;
use vanphong_proto::reporting::v1::report_service_client::ReportServiceClient;
use vanphong_proto::reporting::v1::{
    ApproveReportRequest, CreateReportRequest, PeriodKind, RefreshFiguresRequest, Report, SendReportRequest,
    SubmitReportRequest,
};

use crate::helpers::{TestApp, authed};

pub fn reports(app: &TestApp) -> ReportServiceClient<Channel> {
    ReportServiceClient::new(app.channel.clone())
}

pub fn approval(app: &TestApp) -> ApprovalServiceClient<Channel> {
    ApprovalServiceClient::new(app.channel.clone())
}

pub fn periods(app: &TestApp) -> PeriodServiceClient<Channel> {
    PeriodServiceClient::new(app.channel.clone())
}

pub fn exports(app: &TestApp) -> ExportServiceClient<Channel> {
    ExportServiceClient::new(app.channel.clone())
}

/// The clerk's, leader's and specialist's tokens of one office.
pub struct Desk {
    pub clerk: String,
    pub leader: String,
    pub writer: String,
}

pub async fn desk(app: &TestApp, slug: &str) -> Desk {
    Desk {
        clerk: app.token(slug, Role::Clerk).await,
        leader: app.token(slug, Role::Leader).await,
        writer: app.token(slug, Role::Specialist).await,
    }
}

/// Registers `count` incoming documents in the office (dated today or
/// before `issued_on`), as its clerk.
pub async fn receive_documents(app: &TestApp, slug: &str, count: i64, issued_on: &str) {
    let clerk = app.token(slug, Role::Clerk).await;
    for n in 1..=count {
        app.incoming()
            .register_incoming(authed(
                RegisterIncomingRequest {
                    type_code: "CV".into(),
                    subject: format!("Về việc triển khai nhiệm vụ số {n} của {slug}"),
                    number: 100 + n,
                    symbol: format!("UBND-VP-{slug}"),
                    issued_on: issued_on.into(),
                    issuer_name: "Ủy ban nhân dân tỉnh Bắc Giang".into(),
                    issuer_code: "UBND".into(),
                    pages: 1,
                    ..Default::default()
                },
                &clerk,
            ))
            .await
            .expect("registered");
    }
}

/// Takes in `count` letters from different people, as the office's
/// petition officer.
pub async fn receive_petitions(app: &TestApp, slug: &str, count: i64, received_on: &str) {
    let officer = app.token(slug, Role::PetitionOfficer).await;
    let mut client = PetitionServiceClient::new(app.channel.clone());
    for n in 1..=count {
        client
            .create_petition(authed(
                CreatePetitionRequest {
                    channel: IntakeChannel::Mail as i32,
                    received_on: received_on.into(),
                    kind: PetitionKind::Complaint as i32,
                    subject_area_code: "DD".into(),
                    content: format!("Khiếu nại việc cấp giấy chứng nhận quyền sử dụng đất thửa số {n} tại {slug}"),
                    accused: "Ủy ban nhân dân xã".into(),
                    petitioners: vec![Petitioner {
                        full_name: format!("Người dân {slug} thứ {n}"),
                        id_number: format!("0240850{n:05}"),
                        address: "Thôn Đông, xã Đông Lỗ".into(),
                        phone: "0912 345 678".into(),
                        redacted: false,
                    }],
                    ..Default::default()
                },
                &officer,
            ))
            .await
            .expect("petition taken in");
    }
}

/// The office's committee term 2025–2030, which Party numbering needs.
pub async fn term(app: &TestApp, slug: &str) {
    let admin = app.token("tu", Role::Admin).await;
    app.terms()
        .create_term(authed(
            CreateTermRequest {
                office_id: app.office_id(slug),
                name: "Nhiệm kỳ 2025–2030".into(),
                starts_on: "2025-10-01".into(),
                ..Default::default()
            },
            &admin,
        ))
        .await
        .expect("term");
}

/// A monthly report request of the office for March 2026.
pub fn monthly(app: &TestApp, slug: &str, month: i32) -> CreateReportRequest {
    CreateReportRequest {
        office_id: app.office_id(slug),
        kind: PeriodKind::Monthly as i32,
        year: 2026,
        number: month,
        ..Default::default()
    }
}

/// Creates the office's monthly report and fills in its figures (as its
/// leader, who reads the offices below in every service).
pub async fn drafted(app: &TestApp, slug: &str, month: i32, d: &Desk) -> Report {
    let report = reports(app)
        .create_report(authed(monthly(app, slug, month), &d.writer))
        .await
        .expect("created")
        .into_inner();
    refreshed(app, &report.id, &d.leader).await
}

pub async fn refreshed(app: &TestApp, id: &str, token: &str) -> Report {
    reports(app)
        .refresh_figures(authed(RefreshFiguresRequest { report_id: id.into() }, token))
        .await
        .expect("figures gathered")
        .into_inner()
}

pub async fn submitted(app: &TestApp, id: &str, d: &Desk) -> Report {
    approval(app)
        .submit_report(authed(
            SubmitReportRequest {
                report_id: id.into(),
                note: String::new(),
            },
            &d.writer,
        ))
        .await
        .expect("submitted")
        .into_inner()
}

pub fn approve(id: &str) -> ApproveReportRequest {
    ApproveReportRequest {
        report_id: id.into(),
        signer_position: "Bí thư".into(),
        ..Default::default()
    }
}

pub async fn approved(app: &TestApp, id: &str, d: &Desk) -> Report {
    approval(app)
        .approve_report(authed(approve(id), &d.leader))
        .await
        .expect("approved")
        .into_inner()
}

pub async fn sent(app: &TestApp, id: &str, d: &Desk) -> Report {
    approval(app)
        .send_report(authed(SendReportRequest { report_id: id.into() }, &d.clerk))
        .await
        .expect("sent")
        .into_inner()
}

/// A monthly report of the office, drafted, submitted, approved and sent.
pub async fn sent_monthly(app: &TestApp, slug: &str, month: i32) -> Report {
    let d = desk(app, slug).await;
    let report = drafted(app, slug, month, &d).await;
    submitted(app, &report.id, &d).await;
    approved(app, &report.id, &d).await;
    sent(app, &report.id, &d).await
}

/// A value of the report's figure row for `office_id` (or the total).
pub fn value(report: &Report, office_id: Option<&str>, code: &str) -> i64 {
    let figures = report.figures.as_ref().expect("figures");
    let row = match office_id {
        Some(id) => figures.rows.iter().find(|r| r.office_id == id).expect("row of office"),
        None => figures.total.as_ref().expect("total"),
    };
    row.values.get(code).copied().unwrap_or_default()
}

/// Checks that every column of the total is the sum of the rows.
pub fn assert_totals_are_sums(report: &Report) {
    let figures = report.figures.as_ref().expect("figures");
    let total = figures.total.as_ref().expect("total");
    for column in &figures.columns {
        let sum: i64 = figures
            .rows
            .iter()
            .map(|r| r.values.get(&column.code).copied().unwrap_or_default())
            .sum();
        assert_eq!(
            total.values.get(&column.code).copied().unwrap_or_default(),
            sum,
            "{}",
            column.code
        );
    }
}

/// A monthly report of the office sent upward, approved before its
/// children's reports with a recorded reason (the office's committee term
/// created first, for numbering).
pub async fn sent_early(app: &TestApp, slug: &str, month: i32) -> Report {
    term(app, slug).await;
    let d = desk(app, slug).await;
    let report = drafted(app, slug, month, &d).await;
    submitted(app, &report.id, &d).await;
    approved_early(app, &report.id, &d).await;
    sent(app, &report.id, &d).await
}

/// Approved by the office's leader before its children's reports, with a
/// recorded reason.
pub async fn approved_early(app: &TestApp, id: &str, d: &Desk) -> Report {
    approval(app)
        .approve_report(authed(
            ApproveReportRequest {
                override_reason: "Các xã đã báo cáo bằng văn bản giấy".into(),
                ..approve(id)
            },
            &d.leader,
        ))
        .await
        .expect("approved")
        .into_inner()
}
