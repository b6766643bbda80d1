//! A report's figures as a spreadsheet (XLSX): a heading block, then one
//! row per office (its own figures, each child with everything below it,
//! the total) and one column per figure, grouped by service. Values are
//! numbers (amounts in whole đồng, shown 1.234.567), so they add up in any
//! spreadsheet program; a row of column codes under the headings lets
//! other systems read the sheet without parsing Vietnamese labels.

use rust_xlsxwriter::{Format, FormatAlign, FormatBorder, Workbook, XlsxError};

use crate::domain::figures::{FigureTable, GROUPS, Part, group_label};

/// The MIME type of an XLSX file.
pub const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
/// The sheet's name.
pub const SHEET: &str = "Số liệu";
/// Where the column headings, the codes and the first office are.
pub const HEADINGS_ROW: u32 = 5;
/// The row of column codes, for machine reading.
pub const CODES_ROW: u32 = 6;
/// The row of the first office (its own figures); the total comes last.
pub const FIRST_DATA_ROW: u32 = 7;

/// What the heading block says.
#[derive(Debug, Clone, Default)]
pub struct Heading {
    /// "HUYỆN ỦY HIỆP HÒA".
    pub committee: String,
    /// "SỐ LIỆU BÁO CÁO THÁNG 3 NĂM 2026".
    pub title: String,
    /// "Từ ngày … đến ngày …".
    pub subtitle: String,
}

/// The workbook.
pub fn write(heading: &Heading, figures: &FigureTable) -> Result<Vec<u8>, XlsxError> {
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    sheet.set_name(SHEET)?;
    let cell = Format::new().set_border(FormatBorder::Thin);
    let title = Format::new().set_bold().set_align(FormatAlign::Center);
    let head = cell
        .clone()
        .set_bold()
        .set_text_wrap()
        .set_align(FormatAlign::Center)
        .set_align(FormatAlign::VerticalCenter);
    let code = cell.clone().set_italic().set_font_size(8);
    let text = cell.clone().set_text_wrap();
    let number = cell.clone().set_num_format("#,##0");
    let total = cell.set_bold().set_num_format("#,##0");

    let last_col = u16::try_from(figures.columns.len()).unwrap_or(u16::MAX);
    sheet.merge_range(0, 0, 0, last_col, crate::domain::layout::PARTY_HEADER, &title)?;
    sheet.merge_range(1, 0, 1, last_col, &heading.committee, &title)?;
    sheet.merge_range(2, 0, 2, last_col, &heading.title, &title)?;
    sheet.merge_range(3, 0, 3, last_col, &heading.subtitle, &title)?;

    sheet.write_string_with_format(HEADINGS_ROW - 1, 0, "", &head)?;
    sheet.write_string_with_format(HEADINGS_ROW, 0, "Đơn vị", &head)?;
    sheet.write_string_with_format(CODES_ROW, 0, "office", &code)?;
    sheet.set_column_width(0, 34)?;
    // Group headings over their columns.
    let mut col: u16 = 1;
    for (group, _) in GROUPS {
        let width = u16::try_from(figures.columns.iter().filter(|c| c.group == group).count()).unwrap_or(0);
        if width == 0 {
            continue;
        }
        let last = col + width - 1;
        if width == 1 {
            sheet.write_string_with_format(HEADINGS_ROW - 1, col, group_label(group), &head)?;
        } else {
            sheet.merge_range(HEADINGS_ROW - 1, col, HEADINGS_ROW - 1, last, group_label(group), &head)?;
        }
        col = last + 1;
    }
    let ordered: Vec<_> = GROUPS
        .iter()
        .flat_map(|(g, _)| figures.columns.iter().filter(move |c| c.group == *g))
        .collect();
    for (i, column) in ordered.iter().enumerate() {
        let c = u16::try_from(i + 1).unwrap_or(u16::MAX);
        sheet.write_string_with_format(HEADINGS_ROW, c, &column.label, &head)?;
        sheet.write_string_with_format(CODES_ROW, c, &column.code, &code)?;
        sheet.set_column_width(c, if column.money { 18 } else { 12 })?;
    }
    sheet.set_row_height(HEADINGS_ROW, 90)?;
    for (row, line) in (FIRST_DATA_ROW..).zip(figures.rows.iter().chain(std::iter::once(&figures.total))) {
        let name = match line.part {
            Part::Own => format!("{} (riêng đơn vị)", line.office_name),
            _ => line.office_name.clone(),
        };
        let style = if line.part == Part::Total { &total } else { &number };
        sheet.write_string_with_format(row, 0, &name, &text)?;
        for (i, column) in ordered.iter().enumerate() {
            let c = u16::try_from(i + 1).unwrap_or(u16::MAX);
            // Counts and amounts in đồng stay exact as doubles up to 2^53.
            sheet.write_number_with_format(row, c, line.value(&column.code) as f64, style)?;
        }
    }
    sheet.set_freeze_panes(FIRST_DATA_ROW, 1)?;
    workbook.save_to_buffer()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::figures::{Gathered, OfficeValues, roll_up};
    use calamine::{Data, Reader, Xlsx};
    use chrono::{DateTime, NaiveDate, Utc};
    use uuid::Uuid;
    use vanphong_platform::tree::{Numbering, OfficeEntry, OfficeKind, OfficeTree, ParentLink};

    #[test]
    fn the_figures_read_back() {
        let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("date");
        let root = OfficeEntry {
            id: Uuid::new_v4(),
            code: "TU".into(),
            name: "Tỉnh ủy Bắc Giang".into(),
            kind: OfficeKind::Province,
            issuer_code: "TU".into(),
            numbering: Numbering::Party,
            established_on: d("2000-01-01"),
            dissolved_on: None,
            successor_id: None,
            split_into: Vec::new(),
            links: vec![ParentLink {
                parent_id: None,
                from: d("2000-01-01"),
                to: None,
                reason: String::new(),
            }],
            created_at: DateTime::<Utc>::MIN_UTC,
            updated_at: DateTime::<Utc>::MIN_UTC,
        };
        let id = root.id;
        let tree = OfficeTree::new([root]);
        let gathered = Gathered {
            documents: vec![OfficeValues {
                office_id: id,
                values: [("documents.received".to_string(), 12)].into(),
            }],
            finance_subtree: [("finance.spent".to_string(), 1_500_000_000)].into(),
            ..Default::default()
        };
        let table = roll_up(
            id,
            &tree,
            d("2026-02-15"),
            d("2026-03-14"),
            gathered,
            DateTime::<Utc>::MIN_UTC,
        )
        .expect("rolled up");
        let bytes = write(&Heading::default(), &table).expect("written");
        let mut book: Xlsx<_> = calamine::open_workbook_from_rs(std::io::Cursor::new(bytes)).expect("opens");
        let range = book.worksheet_range(SHEET).expect("sheet");
        let codes: Vec<String> = range
            .rows()
            .nth(CODES_ROW as usize)
            .expect("codes")
            .iter()
            .map(|c| c.to_string())
            .collect();
        let col = |code: &str| codes.iter().position(|c| c == code).expect("column");
        let own = range.rows().nth(FIRST_DATA_ROW as usize).expect("own row");
        assert_eq!(own[0], Data::String("Tỉnh ủy Bắc Giang (riêng đơn vị)".into()));
        assert_eq!(own[col("documents.received")], Data::Float(12.0));
        assert_eq!(own[col("finance.spent")], Data::Float(1_500_000_000.0));
    }
}
