//! The rendered documents read back by a third-party tool (`pdftotext`
//! from poppler-utils): the legal format's lines, in correct Vietnamese.
//! Without the tool the tests say so and pass, unless
//! `VANPHONG_PDF_TOOLS=required` (CI) makes that a failure.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::PathBuf;
use std::process::Command;

use chrono::NaiveDate;
use vanphong_pdf::table::{RowKind, Table, TableColumn, TableRow};
use vanphong_pdf::{Block, Convention, OfficialDocument, layout::Align, render};

fn tool(name: &str) -> Option<PathBuf> {
    let found = Command::new(name).arg("-v").output().is_ok();
    if !found {
        assert!(
            std::env::var("VANPHONG_PDF_TOOLS").as_deref() != Ok("required"),
            "{name} is required (VANPHONG_PDF_TOOLS=required) but not installed"
        );
        eprintln!("PDF TOOL TESTS NOT RUN: {name} is not installed (poppler-utils)");
        return None;
    }
    Some(PathBuf::from(name))
}

/// The text pdftotext reads from the PDF, laid out as printed.
fn text_of(pdf: &[u8], name: &str) -> Option<String> {
    let pdftotext = tool("pdftotext")?;
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR"));
    let path = dir.join(format!("{name}.pdf"));
    std::fs::write(&path, pdf).unwrap();
    let out = Command::new(pdftotext)
        .arg("-layout")
        .arg(&path)
        .arg("-")
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    Some(String::from_utf8(out.stdout).unwrap())
}

/// Renders `doc` and checks that its text (read back by pdftotext, saved
/// as `name`) shows every line of `expected`.
fn assert_prints(doc: &OfficialDocument, name: &str, expected: &[&str]) {
    let rendered = render(doc).unwrap();
    let Some(text) = text_of(&rendered.bytes, name) else {
        return;
    };
    for expected in expected {
        assert!(text.contains(expected), "missing {expected:?} in:\n{text}");
    }
}

fn body() -> Vec<Block> {
    Block::paragraphs(
        "Căn cứ Điều lệ Đảng; Quy chế làm việc của Ban Chấp hành Đảng bộ tỉnh khóa XX, nhiệm kỳ 2025 - 2030;\n\
         Ban Thường vụ Tỉnh ủy quyết nghị đẩy mạnh chuyển đổi số trong hoạt động của các cơ quan đảng, bảo đảm đồng bộ, thống nhất và an toàn thông tin.",
    )
}

#[test]
fn a_party_resolution_prints_its_header_number_date_and_authority() {
    let doc = OfficialDocument::example(Convention::Party);
    assert_prints(
        &doc,
        "party-resolution",
        &[
            "ĐẢNG CỘNG SẢN VIỆT NAM",
            "ĐẢNG BỘ TỈNH BẮC GIANG",
            "TỈNH ỦY",
            "Số 15-NQ/TU",
            "Bắc Giang, ngày 05 tháng 3 năm 2026",
            "NGHỊ QUYẾT",
            "T/M BAN THƯỜNG VỤ",
            "BÍ THƯ",
            "Nguyễn Văn An",
            "Nơi nhận:",
            "- Lưu Văn phòng Tỉnh ủy.",
        ],
    );
}

#[test]
fn a_state_decision_prints_the_national_motto_and_its_number() {
    let doc = OfficialDocument {
        convention: Convention::State,
        superior: "UBND tỉnh Bắc Giang".into(),
        issuer: "Sở Nội vụ".into(),
        number_symbol: "05/QĐ-SNV".into(),
        place: "Bắc Giang".into(),
        date: NaiveDate::from_ymd_opt(2026, 2, 9),
        type_name: "Quyết định".into(),
        subject: "Về việc ban hành Quy chế văn thư, lưu trữ".into(),
        body: body(),
        authority: vec!["KT. Giám đốc".into(), "Phó Giám đốc".into()],
        signer_name: "Trần Thị Bình".into(),
        recipients: vec!["Như Điều 3".into(), "Lưu: VT, VP".into()],
    };
    assert_prints(
        &doc,
        "state-decision",
        &[
            "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
            "Độc lập - Tự do - Hạnh phúc",
            "UBND TỈNH BẮC GIANG",
            "SỞ NỘI VỤ",
            "Số: 05/QĐ-SNV",
            "Bắc Giang, ngày 09 tháng 02 năm 2026",
            "QUYẾT ĐỊNH",
            "KT. GIÁM ĐỐC",
            "PHÓ GIÁM ĐỐC",
            "Trần Thị Bình",
        ],
    );
}

#[test]
fn a_long_document_numbers_its_pages_from_the_second() {
    let mut long = Vec::new();
    for i in 1..=40 {
        long.push(Block::Paragraph(format!(
            "Đoạn {i}: các cấp ủy, tổ chức đảng quán triệt và tổ chức thực hiện nghiêm túc nội dung của văn bản này."
        )));
    }
    let doc = OfficialDocument {
        convention: Convention::State,
        superior: String::new(),
        issuer: "Văn phòng Tỉnh ủy".into(),
        number_symbol: "120/VPTU".into(),
        place: "Bắc Giang".into(),
        date: NaiveDate::from_ymd_opt(2026, 11, 20),
        type_name: String::new(),
        subject: "hướng dẫn lập hồ sơ điện tử".into(),
        body: long,
        authority: vec!["Chánh Văn phòng".into()],
        signer_name: "Lê Văn Cường".into(),
        recipients: vec!["Như trên".into()],
    };
    let rendered = render(&doc).unwrap();
    assert!(rendered.pages >= 2);
    let Some(text) = text_of(&rendered.bytes, "state-letter") else {
        return;
    };
    assert!(text.contains("V/v hướng dẫn lập hồ sơ điện tử"), "{text}");
    assert!(text.contains("Đoạn 40:"), "{text}");
}

#[test]
fn a_report_prints_its_sections_and_a_ruled_table_of_figures() {
    let column = |heading: &str, share: f32, align: Align| TableColumn {
        heading: heading.into(),
        share,
        align,
    };
    let row = |kind: RowKind, cells: &[&str]| TableRow {
        kind,
        cells: cells.iter().map(|c| c.to_string()).collect(),
    };
    let doc = OfficialDocument {
        convention: Convention::Party,
        superior: "Đảng bộ tỉnh Bắc Giang".into(),
        issuer: "Huyện ủy Hiệp Hòa".into(),
        number_symbol: "12-BC/HU".into(),
        place: "Hiệp Hòa".into(),
        date: NaiveDate::from_ymd_opt(2026, 4, 3),
        type_name: "Báo cáo".into(),
        subject: "tình hình công tác quý I năm 2026".into(),
        body: vec![
            Block::Heading("I. TÌNH HÌNH CHUNG".into()),
            Block::Paragraph("Các cấp ủy triển khai nghiêm túc chương trình công tác quý.".into()),
            Block::Heading("II. SỐ LIỆU TỔNG HỢP".into()),
            Block::Note("Số liệu từ ngày 01/01/2026 đến ngày 31/03/2026.".into()),
            Block::Table(Table {
                columns: vec![
                    column("Chỉ tiêu", 3.0, Align::Left),
                    column("Đảng ủy xã Hoàng Vân", 1.0, Align::Right),
                    column("Tổng cộng", 1.0, Align::Right),
                ],
                rows: vec![
                    row(RowKind::Group, &["Văn bản"]),
                    row(RowKind::Plain, &["Văn bản đến đã vào sổ", "1.234", "2.468"]),
                    row(RowKind::Total, &["Văn bản đi đã cấp số", "17", "34"]),
                ],
            }),
        ],
        authority: vec!["T/M Ban Thường vụ".into(), "Bí thư".into()],
        signer_name: "Nguyễn Văn An".into(),
        recipients: vec!["Ban Thường vụ Tỉnh ủy (để báo cáo)".into(), "Lưu Văn phòng".into()],
    };
    assert_prints(
        &doc,
        "party-report",
        &[
            "BÁO CÁO",
            "Số 12-BC/HU",
            "I. TÌNH HÌNH CHUNG",
            "II. SỐ LIỆU TỔNG HỢP",
            "Văn bản đến đã vào sổ",
            "1.234",
            "2.468",
            "Tổng cộng",
            "T/M BAN THƯỜNG VỤ",
        ],
    );
}
