//! Register books and the figures reports are built from.

use chrono::Duration;
use http::{Method, StatusCode};
use tonic::Code;

use vanphong_platform::identity::Role;
use vanphong_proto::documents::v1::register_service_client::RegisterServiceClient;
use vanphong_proto::documents::v1::{
    CompleteRequest, DirectRequest, DocumentFiguresResponse, ExportRegisterRequest, FileFormat,
    GetDocumentFiguresRequest, RegisterBook, RegisterIncomingRequest,
};

use crate::helpers::{TestApp, authed, spawn_app};

fn incoming(number: i64, subject: &str, due_on: &str) -> RegisterIncomingRequest {
    RegisterIncomingRequest {
        type_code: "CV".into(),
        subject: subject.into(),
        number,
        symbol: "UBND-VP".into(),
        issued_on: "2026-02-25".into(),
        issuer_name: "Ủy ban nhân dân huyện Hiệp Hòa".into(),
        issuer_code: "UBND".into(),
        due_on: due_on.into(),
        ..Default::default()
    }
}

pub(crate) fn rows_of(content: Vec<u8>) -> Vec<Vec<String>> {
    crate::helpers::spreadsheet_text(content)
}

/// Registers three documents in Hiệp Hòa on 2 March 2026: one handled on
/// time, one handled late, one still open past its deadline.
async fn month_of_work(app: &TestApp) -> Vec<String> {
    let clerk = app.token("hiephoa", Role::Clerk).await;
    let leader = app.token("hiephoa", Role::Leader).await;
    let specialist_id = app.user_id("hiephoa", Role::Specialist).await;
    let mut ids = Vec::new();
    for (n, subject, due) in [
        (11, "Về việc rà soát đảng viên", "2026-03-10"),
        (12, "Về việc báo cáo quý I", "2026-03-04"),
        (13, "Về việc chuẩn bị hội nghị", "2026-03-06"),
    ] {
        let doc = app
            .incoming()
            .register_incoming(authed(incoming(n, subject, due), &clerk))
            .await
            .expect("registered")
            .into_inner();
        app.incoming()
            .direct(authed(
                DirectRequest {
                    document_id: doc.id.clone(),
                    lead_handler_id: specialist_id.clone(),
                    ..Default::default()
                },
                &leader,
            ))
            .await
            .expect("directed");
        ids.push(doc.id);
    }
    // 5 March: the first is done on time, the second late; the third stays open.
    app.clock.advance(Duration::days(3));
    let leader = app.token("hiephoa", Role::Leader).await;
    for id in &ids[..2] {
        app.incoming()
            .complete(authed(
                CompleteRequest {
                    document_id: id.clone(),
                    ..Default::default()
                },
                &leader,
            ))
            .await
            .expect("completed");
    }
    ids
}

#[tokio::test]
async fn register_books_have_the_decrees_headings_and_one_row_per_document() {
    let app = spawn_app().await;
    month_of_work(&app).await;
    let clerk = app.token("hiephoa", Role::Clerk).await;
    let mut registers = RegisterServiceClient::new(app.channel.clone());
    let book = registers
        .export_register(authed(
            ExportRegisterRequest {
                book: RegisterBook::Incoming as i32,
                from: "2026-03-01".into(),
                to: "2026-03-31".into(),
                ..Default::default()
            },
            &clerk,
        ))
        .await
        .expect("book")
        .into_inner();
    assert!(book.file_name.ends_with(".xlsx"));
    let cells = crate::helpers::spreadsheet_cells(book.content.clone());
    assert_eq!(cells[4][1], calamine::Data::Float(1.0), "số đến is a number cell");
    let rows = rows_of(book.content);
    assert_eq!(rows[0][0], "SỔ ĐĂNG KÝ VĂN BẢN ĐẾN");
    assert_eq!(rows[1][0], "Huyện ủy Hiệp Hòa");
    assert_eq!(
        rows[3],
        vec![
            "Ngày đến",
            "Số đến",
            "Tác giả",
            "Số, ký hiệu văn bản",
            "Ngày tháng văn bản",
            "Tên loại và trích yếu nội dung",
            "Đơn vị hoặc người nhận",
            "Ngày chuyển",
            "Ký nhận",
            "Ghi chú"
        ]
    );
    let data = &rows[4..];
    assert_eq!(data.len(), 3);
    assert_eq!(data[0][0], "02/03/2026");
    assert_eq!(data[0][1], "1");
    assert_eq!(data[0][3], "11/UBND-VP");
    assert_eq!(data[0][4], "25/02/2026");
    assert_eq!(data[0][5], "Công văn Về việc rà soát đảng viên");
    assert_eq!(data[0][6], "Vũ Thị Mai", "the lead handler");
    assert_eq!(data[2][1], "3");

    let handling = registers
        .export_register(authed(
            ExportRegisterRequest {
                book: RegisterBook::Handling as i32,
                from: "2026-03-01".into(),
                to: "2026-03-31".into(),
                format: FileFormat::Csv as i32,
                ..Default::default()
            },
            &clerk,
        ))
        .await
        .expect("handling book")
        .into_inner();
    assert!(handling.file_name.ends_with(".csv"));
    let text = String::from_utf8(handling.content).expect("utf-8");
    let lines: Vec<&str> = text.trim_start_matches('\u{feff}').lines().collect();
    assert_eq!(
        lines[0],
        "Số đến,\"Tên loại, số và ký hiệu, ngày tháng, trích yếu nội dung\",Đơn vị hoặc người nhận,Thời hạn giải quyết,Tiến độ giải quyết,\"Số, ký hiệu văn bản trả lời\",Ghi chú"
    );
    assert_eq!(lines.len(), 4);
    assert!(
        lines[3].ends_with(",Vũ Thị Mai,06/03/2026,Đã phân công,,"),
        "{}",
        lines[3]
    );
    assert!(lines[1].contains("Đã hoàn thành ngày 05/03/2026"), "{}", lines[1]);

    // Over REST the file comes base64-encoded in JSON.
    let (status, body, _) = app
        .rest(
            Method::GET,
            "/api/v1/documents/registers?book=REGISTER_BOOK_OUTGOING&from=2026-03-01&to=2026-03-31",
            Some(&clerk),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(body["content"].as_str().is_some_and(|c| !c.is_empty()));

    // Not for a specialist, nor for another office.
    let specialist = app.token("hiephoa", Role::Specialist).await;
    let e = registers
        .export_register(authed(
            ExportRegisterRequest {
                book: 1,
                from: "2026-03-01".into(),
                to: "2026-03-31".into(),
                ..Default::default()
            },
            &specialist,
        ))
        .await
        .expect_err("specialist");
    assert_eq!(e.code(), Code::PermissionDenied);
    let other = app.token("vietyen", Role::Clerk).await;
    let e = registers
        .export_register(authed(
            ExportRegisterRequest {
                office_id: app.office_id("hiephoa"),
                book: 1,
                from: "2026-03-01".into(),
                to: "2026-03-31".into(),
                ..Default::default()
            },
            &other,
        ))
        .await
        .expect_err("sibling");
    assert_eq!(e.code(), Code::PermissionDenied);
}

async fn figures(app: &TestApp, token: &str, slug: &str, descendants: bool) -> DocumentFiguresResponse {
    RegisterServiceClient::new(app.channel.clone())
        .get_document_figures(authed(
            GetDocumentFiguresRequest {
                office_id: app.office_id(slug),
                include_descendants: descendants,
                from: "2026-03-01".into(),
                to: "2026-03-05".into(),
            },
            token,
        ))
        .await
        .expect("figures")
        .into_inner()
}

#[tokio::test]
async fn figures_count_received_handled_pending_and_overdue_and_roll_up() {
    let app = spawn_app().await;
    month_of_work(&app).await;
    let bacly_clerk = app.token("bacly", Role::Clerk).await;
    app.incoming()
        .register_incoming(authed(incoming(21, "Văn bản của xã", ""), &bacly_clerk))
        .await
        .expect("registered");

    let leader = app.token("hiephoa", Role::Leader).await;
    let own = figures(&app, &leader, "hiephoa", false).await;
    let row = &own.offices[0];
    assert_eq!(
        (
            row.received,
            row.handled_on_time,
            row.handled_late,
            row.pending,
            row.overdue
        ),
        (3, 1, 1, 1, 0)
    );

    // The open document's deadline (6 March) falls after the period; a
    // period ending on the 6th counts it overdue.
    let late = RegisterServiceClient::new(app.channel.clone())
        .get_document_figures(authed(
            GetDocumentFiguresRequest {
                from: "2026-03-01".into(),
                to: "2026-03-06".into(),
                ..Default::default()
            },
            &leader,
        ))
        .await
        .expect("figures")
        .into_inner();
    assert_eq!(late.offices[0].overdue, 1);

    let province = app.token("tu", Role::Leader).await;
    let all = figures(&app, &province, "tu", true).await;
    assert_eq!(all.offices.len(), 6, "the province and every office below it");
    let total = all.total.expect("total");
    assert_eq!(total.received, all.offices.iter().map(|o| o.received).sum::<i64>());
    assert_eq!(total.received, 4);
    assert_eq!(total.pending, all.offices.iter().map(|o| o.pending).sum::<i64>());

    // A district's clerk may not add up the offices below.
    let clerk = app.token("hiephoa", Role::Clerk).await;
    let e = RegisterServiceClient::new(app.channel.clone())
        .get_document_figures(authed(
            GetDocumentFiguresRequest {
                include_descendants: true,
                from: "2026-03-01".into(),
                to: "2026-03-05".into(),
                ..Default::default()
            },
            &clerk,
        ))
        .await
        .expect_err("not a leader");
    assert_eq!(e.code(), Code::PermissionDenied);
}
