//! Spreadsheets, written the same way by every service: one set of styles
//! (a centred bold title block, bordered and wrapped headings, text cells,
//! and numbers that stay numbers), so counts and amounts are numeric cells
//! a spreadsheet can sum, shown `1.234.567` in a Vietnamese locale through
//! the `#,##0` format, never text.

use rust_xlsxwriter::{Format, FormatAlign, FormatBorder, Worksheet, XlsxError};

use crate::Error;

/// The MIME type of an XLSX file.
pub const CONTENT_TYPE: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// The number format of counts and amounts in whole đồng.
pub const WHOLE_NUMBER: &str = "#,##0";

/// The formats of a sheet.
pub struct Styles {
    /// The title block above the table.
    pub title: Format,
    /// Column headings.
    pub heading: Format,
    /// Text in the table.
    pub text: Format,
    /// A count or an amount.
    pub number: Format,
    /// A count or an amount on a total row.
    pub total: Format,
    /// A share, stored as a fraction (0.2 shows 20,00%).
    pub percent: Format,
}

impl Default for Styles {
    fn default() -> Self {
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
            number: cell.clone().set_num_format(WHOLE_NUMBER),
            total: cell.clone().set_bold().set_num_format(WHOLE_NUMBER),
            percent: cell.set_num_format("0.00%"),
        }
    }
}

impl Styles {
    /// The title block: each line merged across the table's columns, from
    /// the first row down.
    pub fn title_block(&self, sheet: &mut Worksheet, lines: &[&str], last_col: u16) -> Result<(), XlsxError> {
        for (row, line) in (0_u32..).zip(lines) {
            if !line.is_empty() {
                sheet.merge_range(row, 0, row, last_col, line, &self.title)?;
            }
        }
        Ok(())
    }

    /// The headings on `row`, each column with its width.
    pub fn headings(&self, sheet: &mut Worksheet, row: u32, columns: &[(&str, f64)]) -> Result<(), XlsxError> {
        for (col, (heading, width)) in (0_u16..).zip(columns) {
            sheet.write_string_with_format(row, col, *heading, &self.heading)?;
            sheet.set_column_width(col, *width)?;
        }
        Ok(())
    }

    /// A count or an amount as a number cell.
    pub fn number(&self, sheet: &mut Worksheet, row: u32, col: u16, value: i64) -> Result<(), XlsxError> {
        sheet.write_number_with_format(row, col, value as f64, &self.number)?;
        Ok(())
    }
}

/// A spreadsheet that could not be written: a fault of the server.
pub fn failed(e: XlsxError) -> Error {
    Error::internal(e)
}

#[cfg(test)]
mod tests {
    use std::io::Cursor;

    use calamine::{Data, Reader, Xlsx, open_workbook_from_rs};
    use rust_xlsxwriter::Workbook;

    use super::*;

    #[test]
    fn numbers_are_number_cells_and_headings_text() {
        let s = Styles::default();
        let mut book = Workbook::new();
        let sheet = book.add_worksheet();
        s.title_block(sheet, &["ĐẢNG CỘNG SẢN VIỆT NAM", "", "BÁO CÁO"], 1)
            .expect("title");
        s.headings(sheet, 3, &[("Nội dung", 30.0), ("Số tiền", 16.0)])
            .expect("headings");
        sheet
            .write_string_with_format(4, 0, "Văn phòng phẩm", &s.text)
            .expect("text");
        s.number(sheet, 4, 1, 4_000_000).expect("number");
        let bytes = book.save_to_buffer().expect("saved");
        let mut read: Xlsx<_> = open_workbook_from_rs(Cursor::new(bytes)).expect("xlsx");
        let range = read.worksheet_range("Sheet1").expect("sheet");
        assert_eq!(
            range.get_value((0, 0)),
            Some(&Data::String("ĐẢNG CỘNG SẢN VIỆT NAM".into()))
        );
        assert_eq!(range.get_value((3, 1)), Some(&Data::String("Số tiền".into())));
        assert_eq!(range.get_value((4, 1)), Some(&Data::Float(4_000_000.0)));
    }
}
