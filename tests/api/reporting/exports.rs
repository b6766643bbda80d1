//! Exports: the report as a Word document laid out as a Party report (read
//! back from the zip's `word/document.xml`), and its figures as a
//! spreadsheet (read back with calamine).

use std::io::Cursor;

use base64::Engine;
use calamine::{Data, Reader, Xlsx};
use http::{Method, StatusCode};
use tonic::Code;

use vanphong_proto::reporting::v1::{ExportReportRequest, Report, SectionInput, UpdateSectionsRequest};
use vanphong_reporting::export::docx::paragraphs;
use vanphong_reporting::export::xlsx::{CODES_ROW, FIRST_DATA_ROW, SHEET};

use super::support::{approved_early, desk, drafted, exports, receive_documents, reports, sent, submitted, term};
use crate::helpers::{TestApp, authed, spawn_app, text_of};

/// Hiệp Hòa's March report, written, with figures, approved and sent.
async fn sent_report(app: &TestApp) -> Report {
    term(app, "hiephoa").await;
    receive_documents(app, "hiephoa", 3, "2026-02-25").await;
    receive_documents(app, "bacly", 4, "2026-02-25").await;
    receive_documents(app, "hoangvan", 2, "2026-02-25").await;
    let d = desk(app, "hiephoa").await;
    let report = drafted(app, "hiephoa", 3, &d).await;
    reports(app)
        .update_sections(authed(
            UpdateSectionsRequest {
                report_id: report.id.clone(),
                sections: vec![
                    SectionInput {
                        code: "overview".into(),
                        text: "Tình hình chính trị, trật tự an toàn xã hội trên địa bàn huyện ổn định.".into(),
                    },
                    SectionInput {
                        code: "next_tasks".into(),
                        text: "Chuẩn bị tổng kết quý I.\nTheo dõi việc giải quyết đơn thư tồn đọng.".into(),
                    },
                ],
                title: String::new(),
            },
            &d.writer,
        ))
        .await
        .expect("written");
    submitted(app, &report.id, &d).await;
    approved_early(app, &report.id, &d).await;
    sent(app, &report.id, &d).await
}

#[tokio::test]
async fn the_word_document_is_a_party_report_with_its_figures() {
    let app = spawn_app().await;
    let report = sent_report(&app).await;
    let reader = app
        .token("hiephoa", vanphong_platform::identity::Role::Specialist)
        .await;
    let file = exports(&app)
        .export_report_document(authed(
            ExportReportRequest {
                report_id: report.id.clone(),
            },
            &reader,
        ))
        .await
        .expect("docx")
        .into_inner();
    assert_eq!(file.file_name, "bao-cao-monthly-2026-03-14.docx");
    assert_eq!(
        file.content_type,
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    );
    let (files, lines) = paragraphs(&file.content).expect("a DOCX that opens");
    for part in [
        "[Content_Types].xml",
        "_rels/.rels",
        "word/document.xml",
        "word/styles.xml",
    ] {
        assert!(files.iter().any(|f| f == part), "{part} in {files:?}");
    }
    let position = |text: &str| {
        lines
            .iter()
            .position(|l| l == text)
            .unwrap_or_else(|| panic!("«{text}» missing from {lines:#?}"))
    };
    // The header, in the order it is read: committee, asterisk, number;
    // the Party's name, the place and date.
    let header = [
        position("HUYỆN ỦY HIỆP HÒA"),
        position("*"),
        position("Số 01-BC/HU"),
        position("ĐẢNG CỘNG SẢN VIỆT NAM"),
        position("Hiệp Hòa, ngày 02 tháng 3 năm 2026"),
        position("BÁO CÁO"),
        position("tình hình công tác tháng 3 năm 2026"),
        position("I. TÌNH HÌNH CHUNG"),
        position("Tình hình chính trị, trật tự an toàn xã hội trên địa bàn huyện ổn định."),
        position("II. PHƯƠNG HƯỚNG, NHIỆM VỤ KỲ TỚI"),
        position("Theo dõi việc giải quyết đơn thư tồn đọng."),
        position("III. SỐ LIỆU TỔNG HỢP"),
        position("Nơi nhận:"),
        position("- Tỉnh ủy Bắc Giang (để báo cáo),"),
        position("T/M BAN THƯỜNG VỤ"),
        position("BÍ THƯ"),
        position("Dương Văn Hùng"),
    ];
    assert!(header.windows(2).all(|w| w[0] < w[1]), "in order: {header:?}");
    // The figures: one column per office and the total.
    let row = position("Văn bản đến đã vào sổ");
    assert_eq!(lines[row + 1..row + 5], ["3", "4", "2", "9"]);
    let names = position("Huyện ủy Hiệp Hòa (riêng đơn vị)");
    assert_eq!(
        lines[names + 1..names + 4],
        ["Đảng ủy xã Bắc Lý", "Đảng ủy xã Hoàng Vân", "Tổng cộng"]
    );

    // The same file through REST, base64 in JSON.
    let (status, body, _) = app
        .rest(
            Method::GET,
            &format!("/api/v1/reports/{}/docx", report.id),
            Some(&reader),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(body["content"].as_str().expect("content"))
        .expect("base64");
    let (_, again) = paragraphs(&bytes).expect("opens");
    assert!(again.iter().any(|l| l == "Số 01-BC/HU"));
}

/// The same report as a PDF, set like an issued document: header, sections
/// and the figures table read back by poppler, over gRPC and REST.
#[tokio::test]
async fn the_pdf_is_the_same_party_report_with_its_figures_table() {
    let app = spawn_app().await;
    let report = sent_report(&app).await;
    let reader = app
        .token("hiephoa", vanphong_platform::identity::Role::Specialist)
        .await;
    let file = exports(&app)
        .export_report_pdf(authed(
            ExportReportRequest {
                report_id: report.id.clone(),
            },
            &reader,
        ))
        .await
        .expect("pdf")
        .into_inner();
    assert_eq!(file.file_name, "bao-cao-monthly-2026-03-14.pdf");
    assert_eq!(file.content_type, "application/pdf");
    assert!(file.content.starts_with(b"%PDF-"));
    if let Some(text) = text_of(&file.content) {
        let at = |needle: &str| {
            text.find(needle)
                .unwrap_or_else(|| panic!("«{needle}» missing from:\n{text}"))
        };
        let order = [
            at("ĐẢNG BỘ TỈNH BẮC GIANG"),
            at("HUYỆN ỦY HIỆP HÒA"),
            at("Số 01-BC/HU"),
            at("BÁO CÁO"),
            at("I. TÌNH HÌNH CHUNG"),
            at("II. PHƯƠNG HƯỚNG, NHIỆM VỤ KỲ TỚI"),
            at("III. SỐ LIỆU TỔNG HỢP"),
            at("Văn bản đến đã vào sổ"),
            at("T/M BAN THƯỜNG VỤ"),
            at("Dương Văn Hùng"),
        ];
        assert!(order.windows(2).all(|w| w[0] < w[1]), "in order: {order:?}");
        assert!(text.contains("Hiệp Hòa, ngày 02 tháng 3 năm 2026"), "{text}");
        assert!(text.contains("Tỉnh ủy Bắc Giang (để báo cáo)"), "{text}");
        // The received documents of each office and the total, on one line.
        let line = text
            .lines()
            .find(|l| l.contains("Văn bản đến đã vào sổ"))
            .expect("the figures row");
        let numbers: Vec<&str> = line.split_whitespace().filter(|w| w.parse::<u32>().is_ok()).collect();
        assert_eq!(numbers, ["3", "4", "2", "9"], "{line}");
    }

    // Through REST, and refused to an office outside the report's line.
    let (status, body, _) = app
        .rest(
            Method::GET,
            &format!("/api/v1/reports/{}/pdf", report.id),
            Some(&reader),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(body["content"].as_str().expect("content"))
        .expect("base64");
    assert!(bytes.starts_with(b"%PDF-"));
    let stranger = app.token("bacly", vanphong_platform::identity::Role::Specialist).await;
    let refused = exports(&app)
        .export_report_pdf(authed(
            ExportReportRequest {
                report_id: report.id.clone(),
            },
            &stranger,
        ))
        .await
        .expect_err("a child office does not read its parent's report");
    assert!(
        matches!(refused.code(), Code::PermissionDenied | Code::NotFound),
        "{refused:?}"
    );
}

#[tokio::test]
async fn the_spreadsheet_reads_back_with_the_same_figures() {
    let app = spawn_app().await;
    let report = sent_report(&app).await;
    let reader = app.token("tu", vanphong_platform::identity::Role::Leader).await;
    let file = exports(&app)
        .export_report_figures(authed(
            ExportReportRequest {
                report_id: report.id.clone(),
            },
            &reader,
        ))
        .await
        .expect("xlsx")
        .into_inner();
    assert_eq!(file.file_name, "bao-cao-monthly-2026-03-14.xlsx");
    let mut book: Xlsx<_> = calamine::open_workbook_from_rs(Cursor::new(file.content)).expect("opens");
    let sheet = book.worksheet_range(SHEET).expect("sheet");
    let rows: Vec<&[Data]> = sheet.rows().collect();
    assert_eq!(rows[0][0], Data::String("ĐẢNG CỘNG SẢN VIỆT NAM".into()));
    assert_eq!(rows[1][0], Data::String("HUYỆN ỦY HIỆP HÒA".into()));
    assert_eq!(rows[2][0], Data::String("SỐ LIỆU BÁO CÁO THÁNG 3 NĂM 2026".into()));
    let codes: Vec<String> = rows[CODES_ROW as usize].iter().map(|c| c.to_string()).collect();
    let figures = report.figures.as_ref().expect("figures");
    let mut expected = figures.rows.clone();
    expected.push(figures.total.clone().expect("total"));
    assert_eq!(rows.len(), FIRST_DATA_ROW as usize + expected.len());
    for (i, row) in expected.iter().enumerate() {
        let line = rows[FIRST_DATA_ROW as usize + i];
        let name = line[0].to_string();
        assert!(name.starts_with(&row.office_name), "{name} / {}", row.office_name);
        for column in &figures.columns {
            let at = codes
                .iter()
                .position(|c| *c == column.code)
                .unwrap_or_else(|| panic!("column {}", column.code));
            let want = row.values.get(&column.code).copied().unwrap_or_default();
            assert_eq!(
                line[at],
                Data::Float(want as f64),
                "{} of {}",
                column.code,
                row.office_name
            );
        }
    }
    let at = codes.iter().position(|c| c == "documents.received").expect("column");
    assert_eq!(rows[FIRST_DATA_ROW as usize + 3][at], Data::Float(9.0), "the total");

    // A report without figures has nothing to put in a spreadsheet.
    let d = desk(&app, "vietyen").await;
    let bare = reports(&app)
        .create_report(authed(super::support::monthly(&app, "vietyen", 3), &d.writer))
        .await
        .expect("created")
        .into_inner();
    let e = exports(&app)
        .export_report_figures(authed(ExportReportRequest { report_id: bare.id }, &d.writer))
        .await
        .expect_err("no figures");
    assert_eq!(e.code(), Code::FailedPrecondition);
}
