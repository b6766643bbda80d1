//! XLSX workbooks: budget execution by line, and the B01/ĐP dues report.
//! Headings are Vietnamese; amounts are written the Vietnamese way
//! (`1.234.567 đ`), as right-aligned text so they read the same in every
//! spreadsheet program whatever its locale.

use rust_xlsxwriter::{Format, FormatAlign, FormatBorder, Workbook, Worksheet, XlsxError};

use vanphong_platform::Error;
use vanphong_proto::finance::v1 as wire;

use crate::domain::money::{format_percent, format_vnd, group_thousands};

/// The MIME type of an XLSX file.
pub const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// Headings of the budget execution sheet.
pub const EXECUTION_HEADINGS: [&str; 9] = [
    "STT",
    "Tiểu mục",
    "Nội dung",
    "Dự toán được giao",
    "Đã phân bổ cho cấp dưới",
    "Đã chi",
    "Đã cam kết",
    "Còn lại",
    "Tỷ lệ thực hiện",
];

fn failed(e: XlsxError) -> Error {
    Error::internal(e)
}

struct Styles {
    title: Format,
    heading: Format,
    text: Format,
    amount: Format,
    total: Format,
}

fn styles() -> Styles {
    let cell = Format::new().set_border(FormatBorder::Thin);
    Styles {
        title: Format::new().set_bold().set_align(FormatAlign::Center),
        heading: cell
            .clone()
            .set_bold()
            .set_text_wrap()
            .set_align(FormatAlign::Center)
            .set_align(FormatAlign::VerticalCenter),
        text: cell.clone().set_text_wrap(),
        amount: cell.clone().set_align(FormatAlign::Right),
        total: cell.set_bold().set_align(FormatAlign::Right),
    }
}

fn header(
    sheet: &mut Worksheet,
    s: &Styles,
    office: &str,
    title: &str,
    subtitle: &str,
    last_col: u16,
) -> Result<(), XlsxError> {
    sheet.merge_range(0, 0, 0, last_col, "ĐẢNG CỘNG SẢN VIỆT NAM", &s.title)?;
    sheet.merge_range(1, 0, 1, last_col, office, &s.title)?;
    sheet.merge_range(3, 0, 3, last_col, title, &s.title)?;
    sheet.merge_range(4, 0, 4, last_col, subtitle, &s.title)?;
    Ok(())
}

/// The first row of data (after the header block and the headings row).
pub const FIRST_DATA_ROW: u32 = 7;

/// Thực hiện dự toán theo tiểu mục: one row per allocation line, then the
/// total.
pub fn budget_execution(
    office: &str,
    year: i32,
    lines: &[wire::AllocationLine],
    total: &wire::AllocationLine,
) -> Result<Vec<u8>, Error> {
    let s = styles();
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name("Thực hiện dự toán").map_err(failed)?;
    let last = (EXECUTION_HEADINGS.len() - 1) as u16;
    header(
        sheet,
        &s,
        office,
        &format!("BÁO CÁO TÌNH HÌNH THỰC HIỆN DỰ TOÁN NĂM {year}"),
        "Đơn vị tính: đồng",
        last,
    )
    .map_err(failed)?;
    for (col, heading) in EXECUTION_HEADINGS.iter().enumerate() {
        sheet
            .write_string_with_format(FIRST_DATA_ROW - 1, col as u16, *heading, &s.heading)
            .map_err(failed)?;
    }
    for (col, width) in [6, 10, 40, 20, 22, 20, 18, 20, 14].iter().enumerate() {
        sheet.set_column_width(col as u16, *width).map_err(failed)?;
    }
    let mut row = FIRST_DATA_ROW;
    let write_line = |sheet: &mut Worksheet, row: u32, number: String, l: &wire::AllocationLine, fmt: &Format| {
        let cells = [
            number,
            l.line_code.clone(),
            l.line_name.clone(),
            format_vnd(l.held),
            format_vnd(l.allocated_out),
            format_vnd(l.spent),
            format_vnd(l.committed),
            format_vnd(l.remaining),
            format_percent(l.executed_basis_points),
        ];
        for (col, value) in cells.into_iter().enumerate() {
            let f = if col == 2 { &s.text } else { fmt };
            sheet.write_string_with_format(row, col as u16, value, f)?;
        }
        Ok::<(), XlsxError>(())
    };
    for (i, l) in lines.iter().enumerate() {
        write_line(sheet, row, (i + 1).to_string(), l, &s.amount).map_err(failed)?;
        row += 1;
    }
    let mut total = total.clone();
    total.line_name = "Tổng cộng".into();
    write_line(sheet, row, String::new(), &total, &s.total).map_err(failed)?;
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

/// Báo cáo thu, nộp đảng phí, mẫu B01/ĐP.
pub fn dues_report(report: &wire::DuesReport) -> Result<Vec<u8>, Error> {
    let s = styles();
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name("B01-ĐP").map_err(failed)?;
    header(
        sheet,
        &s,
        &report.office_name,
        "BÁO CÁO THU, NỘP ĐẢNG PHÍ (Mẫu B01/ĐP)",
        &quarter_label(report.year, report.quarter),
        2,
    )
    .map_err(failed)?;
    for (col, (heading, width)) in [("Mã số", 8), ("Chỉ tiêu", 45), ("Số liệu", 22)]
        .into_iter()
        .enumerate()
    {
        sheet
            .write_string_with_format(FIRST_DATA_ROW - 1, col as u16, heading, &s.heading)
            .map_err(failed)?;
        sheet.set_column_width(col as u16, width).map_err(failed)?;
    }
    for (i, r) in report.rows.iter().enumerate() {
        let row = FIRST_DATA_ROW + i as u32;
        let value = if r.number == "01" {
            group_thousands(r.value)
        } else {
            format_vnd(r.value)
        };
        sheet
            .write_string_with_format(row, 0, &r.number, &s.amount)
            .map_err(failed)?;
        sheet
            .write_string_with_format(row, 1, &r.label, &s.text)
            .map_err(failed)?;
        sheet
            .write_string_with_format(row, 2, value, &s.amount)
            .map_err(failed)?;
    }
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
    fn execution_sheet_reads_back_with_vietnamese_amounts() {
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
        assert_eq!(headings, &EXECUTION_HEADINGS.map(String::from).to_vec());
        let data = rows
            .iter()
            .find(|r| r.get(1).is_some_and(|c| c == "6551"))
            .expect("line");
        assert_eq!(data[3], "12.000.000 đ");
        assert_eq!(data[5], "3.456.789 đ");
        assert_eq!(data[8], "28,81%");
        assert!(rows.iter().any(|r| r.get(2).is_some_and(|c| c == "Tổng cộng")));
    }
}
