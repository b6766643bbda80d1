//! Spreadsheets with Vietnamese headings: the petition register (sổ theo
//! dõi tiếp nhận, xử lý đơn) and the statistics table of a period. They take
//! rows already prepared (identity already redacted where it must be) and
//! only lay them out.

use rust_xlsxwriter::{Format, FormatAlign, FormatBorder, Workbook, Worksheet, XlsxError};

use crate::domain::figures::Figures;

/// One line of the register, as written.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RegisterLine {
    pub number: String,
    pub received_on: String,
    pub channel: String,
    /// Names, or a redaction notice, or "Nặc danh".
    pub petitioners: String,
    pub addresses: String,
    pub kind: String,
    pub area: String,
    pub content: String,
    pub accused: String,
    pub classification: String,
    pub accepted_on: String,
    pub due_on: String,
    pub result: String,
    pub state: String,
    pub note: String,
}

/// The register's column headings.
pub const REGISTER_HEADINGS: [&str; 16] = [
    "STT",
    "Số đơn",
    "Ngày nhận đơn",
    "Nguồn đơn",
    "Họ tên người gửi đơn",
    "Địa chỉ",
    "Loại đơn",
    "Lĩnh vực",
    "Nội dung đơn",
    "Người, cơ quan bị khiếu nại, tố cáo, phản ánh",
    "Kết quả phân loại, xử lý",
    "Ngày thụ lý",
    "Hạn giải quyết",
    "Kết quả giải quyết",
    "Trạng thái",
    "Ghi chú",
];

/// The statistics table's column headings, after "Đơn vị".
pub const FIGURE_HEADINGS: [&str; 24] = [
    "Kỳ trước chuyển sang: đơn một người đứng tên",
    "Kỳ trước chuyển sang: đơn nhiều người đứng tên",
    "Tiếp nhận trong kỳ: đơn một người đứng tên",
    "Tiếp nhận trong kỳ: đơn nhiều người đứng tên",
    "Đơn trùng, gửi nhiều lần",
    "Đơn đủ điều kiện xử lý",
    "Thẩm quyền: hành chính",
    "Thẩm quyền: tư pháp",
    "Thẩm quyền: Đảng",
    "Thẩm quyền: chưa xác định",
    "Chưa được giải quyết",
    "Đã được giải quyết lần đầu",
    "Đã được giải quyết nhiều lần",
    "Hướng dẫn",
    "Chuyển đơn",
    "Đôn đốc",
    "Lưu đơn",
    "Thụ lý giải quyết",
    "Đã có kết quả giải quyết",
    "Rút đơn, đình chỉ",
    "Quá hạn cuối kỳ",
    "Số ngày lãnh đạo tiếp công dân",
    "Số buổi tiếp công dân",
    "Số lượt người được tiếp",
];

fn figure_values(f: &Figures) -> [i64; 24] {
    [
        f.carried_over_single,
        f.carried_over_multi,
        f.received_single,
        f.received_multi,
        f.repeats_received,
        f.eligible,
        f.authority_administrative,
        f.authority_judicial,
        f.authority_party,
        f.authority_unspecified,
        f.stage_not_yet_resolved,
        f.stage_first_time,
        f.stage_repeated,
        f.outcome_guided,
        f.outcome_transferred,
        f.outcome_urged,
        f.outcome_filed,
        f.outcome_accepted,
        f.resolved,
        f.withdrawn,
        f.overdue_at_end,
        f.reception_days_held,
        f.reception_sessions,
        f.reception_visitors,
    ]
}

struct Styles {
    title: Format,
    heading: Format,
    cell: Format,
    total: Format,
}

fn styles() -> Styles {
    let border = |f: Format| f.set_border(FormatBorder::Thin);
    Styles {
        title: Format::new()
            .set_bold()
            .set_font_size(14)
            .set_align(FormatAlign::Center),
        heading: border(
            Format::new()
                .set_bold()
                .set_text_wrap()
                .set_align(FormatAlign::Center)
                .set_align(FormatAlign::VerticalCenter),
        ),
        cell: border(Format::new().set_text_wrap().set_align(FormatAlign::Top)),
        total: border(Format::new().set_bold()),
    }
}

fn title(sheet: &mut Worksheet, s: &Styles, columns: u16, title: &str, subtitle: &str) -> Result<(), XlsxError> {
    sheet.merge_range(0, 0, 0, columns - 1, title, &s.title)?;
    sheet.merge_range(
        1,
        0,
        1,
        columns - 1,
        subtitle,
        &Format::new().set_align(FormatAlign::Center),
    )?;
    Ok(())
}

/// The register of an office for a period.
pub fn register(office: &str, period: &str, lines: &[RegisterLine]) -> Result<Vec<u8>, XlsxError> {
    let s = styles();
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name("Sổ theo dõi đơn")?;
    let columns = REGISTER_HEADINGS.len() as u16;
    title(
        sheet,
        &s,
        columns,
        "SỔ THEO DÕI TIẾP NHẬN, XỬ LÝ ĐƠN",
        &format!("{office} — {period}"),
    )?;
    for (col, heading) in REGISTER_HEADINGS.iter().enumerate() {
        sheet.write_string_with_format(3, col as u16, *heading, &s.heading)?;
    }
    let widths = [5, 10, 12, 18, 24, 28, 14, 16, 48, 28, 28, 12, 12, 36, 18, 28];
    for (col, width) in widths.iter().enumerate() {
        sheet.set_column_width(col as u16, *width)?;
    }
    for (i, line) in lines.iter().enumerate() {
        let row = 4 + i as u32;
        sheet.write_number_with_format(row, 0, (i + 1) as f64, &s.cell)?;
        let values = [
            &line.number,
            &line.received_on,
            &line.channel,
            &line.petitioners,
            &line.addresses,
            &line.kind,
            &line.area,
            &line.content,
            &line.accused,
            &line.classification,
            &line.accepted_on,
            &line.due_on,
            &line.result,
            &line.state,
            &line.note,
        ];
        for (col, value) in values.iter().enumerate() {
            sheet.write_string_with_format(row, col as u16 + 1, value.as_str(), &s.cell)?;
        }
    }
    sheet.set_freeze_panes(4, 0)?;
    book.save_to_buffer()
}

/// The statistics table: one row per office and the total.
pub fn figures(office: &str, period: &str, rows: &[(String, Figures)], total: &Figures) -> Result<Vec<u8>, XlsxError> {
    let s = styles();
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name("Thống kê đơn thư")?;
    let columns = FIGURE_HEADINGS.len() as u16 + 1;
    title(
        sheet,
        &s,
        columns,
        "THỐNG KÊ KẾT QUẢ TIẾP CÔNG DÂN, TIẾP NHẬN VÀ XỬ LÝ ĐƠN THƯ",
        &format!("{office} — {period}"),
    )?;
    sheet.write_string_with_format(3, 0, "Đơn vị", &s.heading)?;
    sheet.set_column_width(0, 30)?;
    for (col, heading) in FIGURE_HEADINGS.iter().enumerate() {
        sheet.write_string_with_format(3, col as u16 + 1, *heading, &s.heading)?;
        sheet.set_column_width(col as u16 + 1, 14)?;
    }
    let mut write = |row: u32, name: &str, f: &Figures, format: &Format| -> Result<(), XlsxError> {
        sheet.write_string_with_format(row, 0, name, format)?;
        for (col, value) in figure_values(f).iter().enumerate() {
            sheet.write_number_with_format(row, col as u16 + 1, *value as f64, format)?;
        }
        Ok(())
    };
    for (i, (name, f)) in rows.iter().enumerate() {
        write(4 + i as u32, name, f, &s.cell)?;
    }
    write(4 + rows.len() as u32, "Tổng cộng", total, &s.total)?;
    book.save_to_buffer()
}

#[cfg(test)]
mod tests {
    use std::io::Cursor;

    use calamine::{Data, Reader, Xlsx, open_workbook_from_rs};

    use super::*;

    #[test]
    fn the_register_reads_back_with_its_headings() {
        let line = RegisterLine {
            number: "1/2026".into(),
            petitioners: "Nguyễn Văn An".into(),
            content: "Khiếu nại việc thu hồi đất".into(),
            ..Default::default()
        };
        let bytes = register("Huyện ủy Hiệp Hòa", "01/03/2026 – 31/03/2026", &[line]).expect("xlsx");
        let mut book: Xlsx<_> = open_workbook_from_rs(Cursor::new(bytes)).expect("open");
        let range = book.worksheet_range("Sổ theo dõi đơn").expect("sheet");
        assert_eq!(
            range.get_value((3, 4)),
            Some(&Data::String("Họ tên người gửi đơn".into()))
        );
        assert_eq!(range.get_value((4, 1)), Some(&Data::String("1/2026".into())));
        assert_eq!(range.get_value((4, 4)), Some(&Data::String("Nguyễn Văn An".into())));
    }

    #[test]
    fn the_figures_read_back_with_a_total() {
        let f = Figures {
            received_single: 3,
            ..Default::default()
        };
        let bytes = figures("Tỉnh ủy", "Quý I/2026", &[("Huyện ủy A".into(), f)], &f).expect("xlsx");
        let mut book: Xlsx<_> = open_workbook_from_rs(Cursor::new(bytes)).expect("open");
        let range = book.worksheet_range("Thống kê đơn thư").expect("sheet");
        assert_eq!(range.get_value((5, 0)), Some(&Data::String("Tổng cộng".into())));
        assert_eq!(range.get_value((5, 3)), Some(&Data::Float(3.0)));
    }
}
