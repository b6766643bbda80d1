//! XLSX workbooks: budget execution by line, the B01/ĐP dues report, and
//! the handover record of an ended office.
//! Headings are Vietnamese; amounts and counts are number cells in whole
//! đồng (shown `1.234.567` through the platform's `#,##0` format, so they
//! sum in any spreadsheet), the execution rate a percentage cell.

use rust_xlsxwriter::{Workbook, Worksheet, XlsxError};

use vanphong_platform::Error;
use vanphong_platform::xlsx::{Styles, failed};
use vanphong_proto::finance::v1 as wire;

/// The MIME type of an XLSX file.
pub const XLSX: &str = vanphong_platform::xlsx::CONTENT_TYPE;

/// Headings of the budget execution sheet, with their widths.
pub const EXECUTION_HEADINGS: [(&str, f64); 9] = [
    ("STT", 6.0),
    ("Tiểu mục", 10.0),
    ("Nội dung", 40.0),
    ("Dự toán được giao", 20.0),
    ("Đã phân bổ cho cấp dưới", 22.0),
    ("Đã chi", 20.0),
    ("Đã cam kết", 18.0),
    ("Còn lại", 20.0),
    ("Tỷ lệ thực hiện", 14.0),
];

/// The first row of data (after the header block and the headings row).
pub const FIRST_DATA_ROW: u32 = 7;

/// One allocation line on `row`: its number (none on the total row), code,
/// name, amounts and execution rate.
fn write_line(
    sheet: &mut Worksheet,
    s: &Styles,
    row: u32,
    number: Option<usize>,
    l: &wire::AllocationLine,
    total: bool,
) -> Result<(), XlsxError> {
    let amount = if total { &s.total } else { &s.number };
    match number {
        Some(n) => sheet.write_number_with_format(row, 0, n as f64, &s.number)?,
        None => sheet.write_string_with_format(row, 0, "", &s.text)?,
    };
    sheet.write_string_with_format(row, 1, &l.line_code, &s.text)?;
    sheet.write_string_with_format(row, 2, &l.line_name, &s.text)?;
    let amounts = [l.held, l.allocated_out, l.spent, l.committed, l.remaining];
    for (col, value) in (3_u16..).zip(amounts) {
        sheet.write_number_with_format(row, col, value as f64, amount)?;
    }
    sheet.write_number_with_format(row, 8, l.executed_basis_points as f64 / 10_000.0, &s.percent)?;
    Ok(())
}

/// Thực hiện dự toán theo tiểu mục: one row per allocation line, then the
/// total.
pub fn budget_execution(
    office: &str,
    year: i32,
    lines: &[wire::AllocationLine],
    total: &wire::AllocationLine,
) -> Result<Vec<u8>, Error> {
    let s = Styles::default();
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name("Thực hiện dự toán").map_err(failed)?;
    let last = (EXECUTION_HEADINGS.len() - 1) as u16;
    let title = format!("BÁO CÁO TÌNH HÌNH THỰC HIỆN DỰ TOÁN NĂM {year}");
    s.title_block(
        sheet,
        &["ĐẢNG CỘNG SẢN VIỆT NAM", office, "", &title, "Đơn vị tính: đồng"],
        last,
    )
    .map_err(failed)?;
    s.headings(sheet, FIRST_DATA_ROW - 1, &EXECUTION_HEADINGS)
        .map_err(failed)?;
    let mut row = FIRST_DATA_ROW;
    for (i, l) in lines.iter().enumerate() {
        write_line(sheet, &s, row, Some(i + 1), l, false).map_err(failed)?;
        row += 1;
    }
    let mut total = total.clone();
    total.line_name = "Tổng cộng".into();
    write_line(sheet, &s, row, None, &total, true).map_err(failed)?;
    book.save_to_buffer().map_err(failed)
}

/// "Quý I năm 2026".
pub fn quarter_label(year: i32, quarter: i32) -> String {
    let roman = match quarter {
        1 => "I",
        2 => "II",
        3 => "III",
        _ => "IV",
    };
    format!("Quý {roman} năm {year}")
}

/// Báo cáo thu, nộp đảng phí, mẫu B01/ĐP: row 01 counts members, the
/// others are amounts in đồng.
pub fn dues_report(report: &wire::DuesReport) -> Result<Vec<u8>, Error> {
    let s = Styles::default();
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name("B01-ĐP").map_err(failed)?;
    s.title_block(
        sheet,
        &[
            "ĐẢNG CỘNG SẢN VIỆT NAM",
            &report.office_name,
            "",
            "BÁO CÁO THU, NỘP ĐẢNG PHÍ (Mẫu B01/ĐP)",
            &quarter_label(report.year, report.quarter),
            "Đơn vị tính: đồng",
        ],
        2,
    )
    .map_err(failed)?;
    s.headings(
        sheet,
        FIRST_DATA_ROW - 1,
        &[("Mã số", 8.0), ("Chỉ tiêu", 45.0), ("Số liệu", 22.0)],
    )
    .map_err(failed)?;
    for (row, r) in (FIRST_DATA_ROW..).zip(&report.rows) {
        sheet
            .write_string_with_format(row, 0, &r.number, &s.text)
            .map_err(failed)?;
        sheet
            .write_string_with_format(row, 1, &r.label, &s.text)
            .map_err(failed)?;
        s.number(sheet, row, 2, r.value).map_err(failed)?;
    }
    book.save_to_buffer().map_err(failed)
}

/// What an ended office handed over, for its record (biên bản bàn giao).
pub struct HandoverRecord {
    pub office_name: String,
    pub successor_name: String,
    /// The first day the successor held it.
    pub day: chrono::NaiveDate,
    /// Budget lines passed: code, name and the unspent amount handed over.
    pub lines: Vec<RecordRow>,
    /// Account balances carried over: code, name, debit and credit balance.
    pub accounts: Vec<RecordRow>,
}

/// A row of the handover record: a code, its name and amounts in đồng.
pub struct RecordRow {
    pub code: String,
    pub name: String,
    pub amounts: Vec<i64>,
}

/// Writes one numbered section of the handover record from `row`: its
/// title, headings, a row per item and the total of each amount column.
/// Gives the first row after it.
fn record_section(
    sheet: &mut Worksheet,
    s: &Styles,
    mut row: u32,
    title: &str,
    headings: &[(&str, f64)],
    items: &[RecordRow],
) -> Result<u32, XlsxError> {
    sheet.write_string_with_format(row, 0, title, &s.heading)?;
    s.headings(sheet, row + 1, headings)?;
    row += 2;
    let columns = headings.len().saturating_sub(3);
    let mut totals = vec![0_i64; columns];
    for (i, item) in items.iter().enumerate() {
        sheet.write_number_with_format(row, 0, (i + 1) as f64, &s.number)?;
        sheet.write_string_with_format(row, 1, &item.code, &s.text)?;
        sheet.write_string_with_format(row, 2, &item.name, &s.text)?;
        for (col, (amount, total)) in (3_u16..).zip(item.amounts.iter().zip(totals.iter_mut())) {
            s.number(sheet, row, col, *amount)?;
            *total = total.saturating_add(*amount);
        }
        row += 1;
    }
    sheet.write_string_with_format(row, 2, "Tổng cộng", &s.total)?;
    for (col, total) in (3_u16..).zip(totals) {
        sheet.write_number_with_format(row, col, total as f64, &s.total)?;
    }
    Ok(row + 2)
}

/// Biên bản bàn giao tài chính: the budget lines handed over, then the
/// account balances carried over, each section with its total.
pub fn handover_record(r: &HandoverRecord) -> Result<Vec<u8>, Error> {
    let s = Styles::default();
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name("Biên bản bàn giao").map_err(failed)?;
    let subtitle = format!(
        "Từ {} sang {}, ngày {}",
        r.office_name,
        r.successor_name,
        r.day.format("%d/%m/%Y")
    );
    s.title_block(
        sheet,
        &[
            "ĐẢNG CỘNG SẢN VIỆT NAM",
            &r.successor_name,
            "",
            "BIÊN BẢN BÀN GIAO TÀI CHÍNH, NGÂN SÁCH",
            &subtitle,
            "Đơn vị tính: đồng",
        ],
        4,
    )
    .map_err(failed)?;
    let row = record_section(
        sheet,
        &s,
        FIRST_DATA_ROW - 1,
        "I. Dự toán còn lại bàn giao theo tiểu mục",
        &[
            ("STT", 6.0),
            ("Tiểu mục", 12.0),
            ("Nội dung", 40.0),
            ("Số tiền bàn giao", 20.0),
        ],
        &r.lines,
    )
    .map_err(failed)?;
    record_section(
        sheet,
        &s,
        row,
        "II. Số dư tài khoản kết chuyển",
        &[
            ("STT", 6.0),
            ("Tài khoản", 12.0),
            ("Tên tài khoản", 40.0),
            ("Dư Nợ", 20.0),
            ("Dư Có", 20.0),
        ],
        &r.accounts,
    )
    .map_err(failed)?;
    book.save_to_buffer().map_err(failed)
}

#[cfg(test)]
mod tests {
    use std::io::Cursor;

    use calamine::{Reader, Xlsx, open_workbook_from_rs};

    use super::*;

    fn cells(bytes: Vec<u8>) -> Vec<Vec<String>> {
        let mut book: Xlsx<_> = open_workbook_from_rs(Cursor::new(bytes)).expect("xlsx");
        let name = book.sheet_names()[0].clone();
        let range = book.worksheet_range(&name).expect("sheet");
        range
            .rows()
            .map(|r| r.iter().map(|c| c.to_string()).collect())
            .collect()
    }

    #[test]
    fn execution_sheet_holds_amounts_as_numbers() {
        let line = wire::AllocationLine {
            line_code: "6551".into(),
            line_name: "Văn phòng phẩm".into(),
            held: 12_000_000,
            spent: 3_456_789,
            remaining: 8_543_211,
            executed_basis_points: 2_881,
            ..Default::default()
        };
        let rows =
            cells(budget_execution("Tỉnh ủy Bắc Giang", 2026, std::slice::from_ref(&line), &line).expect("xlsx"));
        assert!(
            rows.iter()
                .any(|r| r.iter().any(|c| c == "BÁO CÁO TÌNH HÌNH THỰC HIỆN DỰ TOÁN NĂM 2026"))
        );
        let headings = rows
            .iter()
            .find(|r| r.first().is_some_and(|c| c == "STT"))
            .expect("headings");
        assert_eq!(headings, &EXECUTION_HEADINGS.map(|(h, _)| h.to_string()).to_vec());
        let data = rows
            .iter()
            .find(|r| r.get(1).is_some_and(|c| c == "6551"))
            .expect("line");
        // Numbers, not text: calamine reads them back as numbers.
        assert_eq!(data[3], "12000000");
        assert_eq!(data[5], "3456789");
        assert_eq!(data[8], "0.2881");
        assert!(rows.iter().any(|r| r.get(2).is_some_and(|c| c == "Tổng cộng")));
    }
}
