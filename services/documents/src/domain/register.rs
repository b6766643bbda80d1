//! Register books (Nghị định 30/2020, Phụ lục IV): their columns, exactly
//! as the decree names them, and their rendering as XLSX or CSV. Dates are
//! written dd/mm/yyyy; counts (số đến, số lượng bản) are number cells.

use rust_xlsxwriter::{Format, Workbook};

use vanphong_platform::xlsx::Styles;

use super::kinds::Direction;

/// Which book.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Book {
    Incoming,
    Outgoing,
    Handling,
}

impl Book {
    /// The book's title as printed.
    pub fn title(self) -> &'static str {
        match self {
            Book::Incoming => "SỔ ĐĂNG KÝ VĂN BẢN ĐẾN",
            Book::Outgoing => "SỔ ĐĂNG KÝ VĂN BẢN ĐI",
            Book::Handling => "SỔ THEO DÕI GIẢI QUYẾT VĂN BẢN ĐẾN",
        }
    }

    /// Which documents the book lists: the handling book follows incoming
    /// documents.
    pub fn direction(self) -> Direction {
        match self {
            Book::Outgoing => Direction::Outgoing,
            Book::Incoming | Book::Handling => Direction::Incoming,
        }
    }

    /// A file name without diacritics.
    pub fn file_stem(self) -> &'static str {
        match self {
            Book::Incoming => "so-van-ban-den",
            Book::Outgoing => "so-van-ban-di",
            Book::Handling => "so-theo-doi-giai-quyet",
        }
    }

    /// The column headings.
    pub fn headings(self) -> &'static [&'static str] {
        match self {
            Book::Incoming => &[
                "Ngày đến",
                "Số đến",
                "Tác giả",
                "Số, ký hiệu văn bản",
                "Ngày tháng văn bản",
                "Tên loại và trích yếu nội dung",
                "Đơn vị hoặc người nhận",
                "Ngày chuyển",
                "Ký nhận",
                "Ghi chú",
            ],
            Book::Outgoing => &[
                "Số, ký hiệu văn bản",
                "Ngày tháng văn bản",
                "Tên loại và trích yếu nội dung văn bản",
                "Người ký",
                "Nơi nhận văn bản",
                "Đơn vị, người nhận bản lưu",
                "Số lượng bản",
                "Ngày chuyển",
                "Ký nhận",
                "Ghi chú",
            ],
            Book::Handling => &[
                "Số đến",
                "Tên loại, số và ký hiệu, ngày tháng, trích yếu nội dung",
                "Đơn vị hoặc người nhận",
                "Thời hạn giải quyết",
                "Tiến độ giải quyết",
                "Số, ký hiệu văn bản trả lời",
                "Ghi chú",
            ],
        }
    }
}

impl Book {
    /// The columns that hold counts (số đến, số lượng bản): number cells in
    /// a spreadsheet, so they sort and sum as numbers.
    fn count_columns(self) -> &'static [usize] {
        match self {
            Book::Incoming => &[1],
            Book::Outgoing => &[6],
            Book::Handling => &[0],
        }
    }
}

/// A filled-in book: one row of text cells per document.
#[derive(Debug, Clone)]
pub struct Register {
    pub book: Book,
    /// The office, as printed under the title.
    pub office_name: String,
    /// "Từ ngày 01/03/2026 đến ngày 31/03/2026".
    pub period: String,
    pub rows: Vec<Vec<String>>,
}

/// Why a file could not be written.
#[derive(Debug, thiserror::Error)]
#[error("cannot write the spreadsheet: {0}")]
pub struct RenderError(String);

impl Register {
    /// CSV with a byte-order mark, so spreadsheets read it as UTF-8: the
    /// heading row, then one row per document.
    pub fn to_csv(&self) -> Vec<u8> {
        let mut out = String::from('\u{feff}');
        let mut push_row = |cells: &mut dyn Iterator<Item = &str>| {
            let line: Vec<String> = cells.map(csv_cell).collect();
            out.push_str(&line.join(","));
            out.push_str("\r\n");
        };
        push_row(&mut self.book.headings().iter().copied());
        for row in &self.rows {
            push_row(&mut row.iter().map(String::as_str));
        }
        out.into_bytes()
    }

    /// XLSX: the title, the office and period, then the table with its
    /// headings on row 4.
    pub fn to_xlsx(&self) -> Result<Vec<u8>, RenderError> {
        let error = |e: rust_xlsxwriter::XlsxError| RenderError(e.to_string());
        let s = Styles::default();
        let mut workbook = Workbook::new();
        let sheet = workbook.add_worksheet();
        sheet.set_name(sheet_name(self.book)).map_err(error)?;
        let title = Format::new().set_bold().set_font_size(14);
        sheet
            .write_string_with_format(0, 0, self.book.title(), &title)
            .map_err(error)?;
        sheet.write_string(1, 0, &self.office_name).map_err(error)?;
        sheet.write_string(2, 0, &self.period).map_err(error)?;
        let columns: Vec<(&str, f64)> = (0..)
            .zip(self.book.headings())
            .map(|(c, h)| (*h, if c < 2 { 14.0 } else { 24.0 }))
            .collect();
        s.headings(sheet, 3, &columns).map_err(error)?;
        let counts = self.book.count_columns();
        for (line, row) in (4_u32..).zip(&self.rows) {
            for (c, value) in row.iter().enumerate() {
                let col = u16::try_from(c).unwrap_or(u16::MAX);
                match value.parse::<i64>() {
                    Ok(count) if counts.contains(&c) => s.number(sheet, line, col, count),
                    _ => sheet.write_string_with_format(line, col, value, &s.text).map(|_| ()),
                }
                .map_err(error)?;
            }
        }
        workbook.save_to_buffer().map_err(error)
    }
}

fn sheet_name(book: Book) -> &'static str {
    match book {
        Book::Incoming => "Văn bản đến",
        Book::Outgoing => "Văn bản đi",
        Book::Handling => "Theo dõi giải quyết",
    }
}

fn csv_cell(value: &str) -> String {
    if value.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", value.replace('"', "\"\""))
    } else {
        value.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_book_has_the_decrees_columns() {
        assert_eq!(Book::Incoming.headings().len(), 10);
        assert_eq!(Book::Outgoing.headings().len(), 10);
        assert_eq!(Book::Handling.headings().len(), 7);
    }

    #[test]
    fn csv_quotes_what_needs_quoting() {
        let register = Register {
            book: Book::Handling,
            office_name: "Huyện ủy Hiệp Hòa".into(),
            period: String::new(),
            rows: vec![vec!["1".into(), "Nghị quyết, về \"chuyển đổi số\"".into()]],
        };
        let text = String::from_utf8(register.to_csv()).expect("utf-8");
        assert!(text.starts_with('\u{feff}'));
        assert!(text.contains("\"Nghị quyết, về \"\"chuyển đổi số\"\"\""));
        assert!(register.to_xlsx().expect("xlsx").starts_with(b"PK"));
    }
}
