//! An outgoing document laid out in its legal format: the state format of
//! Nghị định 30/2020 (Phụ lục I) or the Party format of Hướng dẫn
//! 36-HD/VPTW, as docs/domain.md §2.7 describes them.
//!
//! Sizes and positions follow the texts where they are given and the
//! common printed forms where they leave a range; docs/domain.md says
//! which values were chosen.

use chrono::{Datelike, NaiveDate};

use crate::Error;
use crate::font::Style;
use crate::layout::{A4, Align, Column, Flow, MM, Page, Stack, TextStyle};
use crate::table::Table;
use crate::writer::{self, FieldSpec, Metadata, Written};

/// Which format the document is presented in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Convention {
    /// Văn bản hành chính, Nghị định 30/2020.
    State,
    /// Văn bản của Đảng, Hướng dẫn 36-HD/VPTW.
    Party,
}

/// One piece of a document's body.
#[derive(Clone, Debug, PartialEq)]
pub enum Block {
    /// A paragraph of running text, justified, its first line indented.
    Paragraph(String),
    /// A section heading ("I. TÌNH HÌNH CHUNG"), in bold.
    Heading(String),
    /// A remark in italics, e.g. what a table's figures cover.
    Note(String),
    /// A ruled table.
    Table(Table),
}

impl Block {
    /// Paragraphs from text typed one paragraph a line; blank lines are
    /// dropped.
    pub fn paragraphs(text: &str) -> Vec<Block> {
        text.lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(|l| Block::Paragraph(l.to_string()))
            .collect()
    }
}

/// What an outgoing document says, as printed.
#[derive(Clone, Debug)]
pub struct OfficialDocument {
    pub convention: Convention,
    /// The body above the issuer, e.g. "ĐẢNG BỘ TỈNH BẮC GIANG" or
    /// "UBND TỈNH BẮC GIANG"; empty when there is none.
    pub superior: String,
    /// The issuing body, e.g. "TỈNH ỦY BẮC GIANG".
    pub issuer: String,
    /// Number and symbol, e.g. "15-NQ/TU" or "05/QĐ-UBND"; a draft not yet
    /// numbered shows only the symbol after a blank.
    pub number_symbol: String,
    /// Địa danh, e.g. "Bắc Giang".
    pub place: String,
    /// Ngày tháng văn bản; a draft not yet dated leaves it blank.
    pub date: Option<NaiveDate>,
    /// The type's name, e.g. "Nghị quyết"; empty for a công văn, whose
    /// subject goes under the number as "V/v …".
    pub type_name: String,
    /// Trích yếu.
    pub subject: String,
    /// The body: paragraphs, headings and tables, in order.
    pub body: Vec<Block>,
    /// Authority and title lines above the signature, e.g.
    /// ["T/M BAN THƯỜNG VỤ", "BÍ THƯ"] or ["KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"].
    pub authority: Vec<String>,
    /// The signer's full name.
    pub signer_name: String,
    /// Nơi nhận, one entry a line, without the leading dash.
    pub recipients: Vec<String>,
}

impl OfficialDocument {
    /// A resolution of Tỉnh ủy Bắc Giang in the given format: the demo's,
    /// the tests' and the benchmark's sample document.
    pub fn example(convention: Convention) -> OfficialDocument {
        OfficialDocument {
            convention,
            superior: "Đảng bộ tỉnh Bắc Giang".into(),
            issuer: "Tỉnh ủy".into(),
            number_symbol: "15-NQ/TU".into(),
            place: "Bắc Giang".into(),
            date: NaiveDate::from_ymd_opt(2026, 3, 5),
            type_name: "Nghị quyết".into(),
            subject: "về đẩy mạnh chuyển đổi số trong các cơ quan đảng".into(),
            body: Block::paragraphs(
                "Căn cứ Điều lệ Đảng; Quy chế làm việc của Ban Chấp hành Đảng bộ tỉnh khóa XX, nhiệm kỳ 2025 - 2030;\n\
                 Ban Thường vụ Tỉnh ủy quyết nghị đẩy mạnh chuyển đổi số trong hoạt động của các cơ quan đảng, bảo đảm đồng bộ, thống nhất và an toàn thông tin.",
            ),
            authority: vec!["T/M Ban Thường vụ".into(), "Bí thư".into()],
            signer_name: "Nguyễn Văn An".into(),
            recipients: vec![
                "Ban Bí thư Trung ương Đảng".into(),
                "Các huyện ủy, thành ủy".into(),
                "Lưu Văn phòng Tỉnh ủy".into(),
            ],
        }
    }
}

/// The rendered document: the PDF, with a signature field "signer" in the
/// signature block and "issuer" where the seal goes.
pub type Rendered = Written;

/// Name of the signer's signature field.
pub const SIGNER_FIELD: &str = "signer";
/// Name of the issuing body's signature field (the seal).
pub const ISSUER_FIELD: &str = "issuer";

/// Margins: top, bottom, left, right.
const MARGINS: (f32, f32, f32, f32) = (20.0 * MM, 20.0 * MM, 30.0 * MM, 15.0 * MM);
/// Height left blank in the signature block for the signature and seal.
const SIGNATURE_GAP: f32 = 30.0 * MM;
/// Width of the signature image; the seal's diameter.
const SIGNATURE_WIDTH: f32 = 45.0 * MM;
const SEAL_SIZE: f32 = 34.0 * MM;

/// "Bắc Giang, ngày 05 tháng 3 năm 2026": a day below 10 and the months
/// January and February take a leading zero (docs/domain.md §2.7).
pub fn place_and_date(place: &str, date: Option<NaiveDate>) -> String {
    match date {
        Some(d) => {
            let month = if d.month() <= 2 {
                format!("{:02}", d.month())
            } else {
                d.month().to_string()
            };
            format!("{place}, ngày {:02} tháng {month} năm {}", d.day(), d.year())
        }
        None => format!("{place}, ngày      tháng      năm       "),
    }
}

/// The number line: "Số: 05/QĐ-UBND" (state) or "Số 15-NQ/TU" (Party).
fn number_line(doc: &OfficialDocument) -> String {
    let number = if doc.number_symbol.is_empty() {
        "      /".to_string()
    } else {
        doc.number_symbol.clone()
    };
    match doc.convention {
        Convention::State => format!("Số: {number}"),
        Convention::Party => format!("Số {number}"),
    }
}

fn upper(text: &str) -> String {
    text.to_uppercase()
}

/// Lays out and writes the document.
pub fn render(doc: &OfficialDocument) -> Result<Rendered, Error> {
    if doc.issuer.trim().is_empty() {
        return Err(Error::Layout("the issuing body is empty".into()));
    }
    let (top_margin, bottom_margin, left_margin, right_margin) = MARGINS;
    let text_width = A4.0 - left_margin - right_margin;
    let left = Column {
        x: left_margin - 10.0 * MM,
        width: 80.0 * MM,
    };
    let right = Column {
        x: left_margin + 70.0 * MM,
        width: text_width - 70.0 * MM + 5.0 * MM,
    };
    let full = Column {
        x: left_margin,
        width: text_width,
    };
    let top = A4.1 - top_margin;

    let mut first = Page::default();
    let header_bottom = match doc.convention {
        Convention::State => state_header(&mut first, doc, left, right, top)?,
        Convention::Party => party_header(&mut first, doc, left, right, top)?,
    };

    let mut flow = Flow::new(first, full, header_bottom - 8.0, top_margin, bottom_margin);
    // Type and subject, centred.
    if !doc.type_name.trim().is_empty() {
        let size = if doc.convention == Convention::Party {
            16.0
        } else {
            14.0
        };
        let ts = TextStyle::new(Style::Bold, size).align(Align::Center).space_after(2.0);
        flow.paragraph(&ts, &upper(&doc.type_name))?;
        let subject = TextStyle::new(Style::Bold, 14.0).align(Align::Center).leading(17.0);
        flow.paragraph(&subject, &doc.subject)?;
        let baseline = flow.top + 17.0 - 14.0;
        match doc.convention {
            Convention::State => {
                let length = full.width / 4.0;
                let page = flow.last_page();
                let mut stack = Stack::new(page, full, baseline);
                stack.rule_under(baseline, length);
                flow.top -= 6.0;
            }
            Convention::Party => {
                flow.paragraph(&TextStyle::new(Style::Regular, 14.0).align(Align::Center), "-----")?;
            }
        }
        flow.top -= 6.0;
    }

    let body = TextStyle::new(Style::Regular, 14.0)
        .align(Align::Justify)
        .indent(10.0 * MM)
        .leading(18.0)
        .space_after(6.0);
    let heading = TextStyle::new(Style::Bold, 14.0)
        .align(Align::Justify)
        .indent(10.0 * MM)
        .leading(18.0)
        .space_after(6.0);
    let note = TextStyle::new(Style::Italic, 13.0)
        .align(Align::Justify)
        .indent(10.0 * MM)
        .leading(17.0)
        .space_after(4.0);
    for block in &doc.body {
        match block {
            Block::Paragraph(text) => flow.paragraph(&body, text)?,
            Block::Heading(text) => flow.paragraph(&heading, text)?,
            Block::Note(text) => flow.paragraph(&note, text)?,
            Block::Table(table) => crate::table::flow_table(&mut flow, table)?,
        }
    }

    let fields = signature_and_recipients(&mut flow, doc, left_margin, text_width)?;
    let mut pages = flow.pages;
    number_pages(&mut pages, top_margin)?;

    let metadata = Metadata {
        title: [number_line(doc), doc.type_name.clone(), doc.subject.clone()]
            .into_iter()
            .filter(|s| !s.trim().is_empty())
            .collect::<Vec<_>>()
            .join(" – "),
        subject: doc.subject.clone(),
        author: doc.issuer.clone(),
    };
    writer::write(&pages, &fields, &metadata)
}

/// The state header (NĐ 30): the bodies and the number on the left, the
/// national motto and the place and date on the right. Returns the lowest
/// point it reaches.
fn state_header(page: &mut Page, doc: &OfficialDocument, left: Column, right: Column, top: f32) -> Result<f32, Error> {
    let mut l = Stack::new(page, left, top);
    if !doc.superior.trim().is_empty() {
        l.centered(Style::Regular, 12.5, &upper(&doc.superior))?;
    }
    let baseline = l.centered(Style::Bold, 12.5, &upper(&doc.issuer))?;
    let issuer_width = crate::font::typeface(Style::Bold)?.width(&upper(&doc.issuer), 12.5)?;
    l.rule_under(baseline, (issuer_width / 2.5).clamp(40.0, left.width));
    l.skip(6.0);
    number_and_subject(&mut l, doc, 13.0, Style::Regular)?;
    let left_bottom = l.top;

    let mut r = Stack::new(page, right, top);
    r.centered(Style::Bold, 12.5, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")?;
    let motto = "Độc lập - Tự do - Hạnh phúc";
    let baseline = r.centered(Style::Bold, 13.5, motto)?;
    let motto_width = crate::font::typeface(Style::Bold)?.width(motto, 13.5)?;
    r.rule_under(baseline, motto_width);
    r.skip(8.0);
    r.centered(Style::Italic, 13.5, &place_and_date(&doc.place, doc.date))?;
    Ok(left_bottom.min(r.top))
}

/// The Party header (HD 36): "ĐẢNG CỘNG SẢN VIỆT NAM" and the place and
/// date on the right; the superior committee, the issuer, `*` and the
/// number on the left.
fn party_header(page: &mut Page, doc: &OfficialDocument, left: Column, right: Column, top: f32) -> Result<f32, Error> {
    let mut l = Stack::new(page, left, top);
    if !doc.superior.trim().is_empty() {
        l.centered(Style::Regular, 14.0, &upper(&doc.superior))?;
    }
    l.centered(Style::Bold, 14.0, &upper(&doc.issuer))?;
    l.centered(Style::Regular, 14.0, "*")?;
    number_and_subject(&mut l, doc, 14.0, Style::Italic)?;
    let left_bottom = l.top;

    let mut r = Stack::new(page, right, top);
    r.text(
        &TextStyle::new(Style::Bold, 15.0).align(Align::Center).underline(),
        "ĐẢNG CỘNG SẢN VIỆT NAM",
    )?;
    r.skip(10.0);
    r.centered(Style::Italic, 14.0, &place_and_date(&doc.place, doc.date))?;
    Ok(left_bottom.min(r.top))
}

/// The number line at the foot of a header's left column and, for a letter
/// (no type name), its "V/v" subject under it, in the header's size and
/// subject style.
fn number_and_subject(l: &mut Stack, doc: &OfficialDocument, number_size: f32, subject: Style) -> Result<(), Error> {
    l.centered(Style::Regular, number_size, &number_line(doc))?;
    if doc.type_name.trim().is_empty() {
        l.centered(subject, 12.0, &format!("V/v {}", doc.subject))?;
    }
    Ok(())
}

/// The signature block on the right and "Nơi nhận" on the left, kept
/// together on one page; returns the two signature fields.
fn signature_and_recipients(
    flow: &mut Flow,
    doc: &OfficialDocument,
    left_margin: f32,
    text_width: f32,
) -> Result<Vec<FieldSpec>, Error> {
    let recipients_column = Column {
        x: left_margin,
        width: text_width * 0.45,
    };
    let signature_column = Column {
        x: left_margin + text_width * 0.45,
        width: text_width * 0.55,
    };
    let authority = TextStyle::new(Style::Bold, 14.0).align(Align::Center).leading(17.0);
    let name = TextStyle::new(Style::Bold, 14.0).align(Align::Center);
    let (label, entry) = match doc.convention {
        Convention::State => (
            TextStyle::new(Style::BoldItalic, 12.0).leading(14.0),
            TextStyle::new(Style::Regular, 11.0).leading(13.0),
        ),
        Convention::Party => (
            TextStyle::new(Style::Regular, 14.0).underline().leading(17.0),
            TextStyle::new(Style::Regular, 12.0).leading(14.0),
        ),
    };
    let entries = recipient_lines(&doc.recipients);

    let mut signature_height = SIGNATURE_GAP + 20.0;
    for line in &doc.authority {
        signature_height += Stack::height_of(&authority, &upper(line), signature_column.width)?;
    }
    let mut recipients_height = label.leading;
    for line in &entries {
        recipients_height += Stack::height_of(&entry, line, recipients_column.width)?;
    }
    if !flow.fits(signature_height.max(recipients_height) + 6.0) {
        flow.break_page();
    }
    flow.top -= 6.0;
    let top = flow.top;
    let page_index = flow.pages.len() - 1;
    let page = flow.last_page();

    let mut s = Stack::new(page, signature_column, top);
    for line in &doc.authority {
        s.text(&authority, &upper(line))?;
    }
    let gap_top = s.top;
    s.skip(SIGNATURE_GAP);
    let gap_bottom = s.top;
    s.text(&name, &doc.signer_name)?;
    let signature_bottom = s.top;

    let mut r = Stack::new(page, recipients_column, top);
    r.text(&label, "Nơi nhận:")?;
    for line in &entries {
        r.text(&entry, line)?;
    }
    flow.top = signature_bottom.min(r.top);

    let center = signature_column.center();
    let signer = [
        center - SIGNATURE_WIDTH / 2.0,
        gap_bottom + 2.0,
        center + SIGNATURE_WIDTH / 2.0,
        gap_top - 2.0,
    ];
    let middle = (gap_top + gap_bottom) / 2.0;
    let seal_right = signer[0] + SIGNATURE_WIDTH / 3.0;
    let seal = [
        seal_right - SEAL_SIZE,
        middle - SEAL_SIZE / 2.0,
        seal_right,
        middle + SEAL_SIZE / 2.0,
    ];
    Ok(vec![
        FieldSpec {
            name: SIGNER_FIELD.into(),
            page: page_index,
            rect: signer,
        },
        FieldSpec {
            name: ISSUER_FIELD.into(),
            page: page_index,
            rect: seal,
        },
    ])
}

/// "- Như trên;" … the last entry ending with a full stop.
fn recipient_lines(recipients: &[String]) -> Vec<String> {
    let n = recipients.len();
    recipients
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let r = r.trim().trim_end_matches([';', '.']);
            format!("- {r}{}", if i + 1 == n { "." } else { ";" })
        })
        .collect()
}

/// Page numbers from the second page on, centred in the top margin
/// (NĐ 30 Phụ lục I).
fn number_pages(pages: &mut [Page], top_margin: f32) -> Result<(), Error> {
    if pages.len() < 2 {
        return Ok(());
    }
    let column = Column { x: 0.0, width: A4.0 };
    let ts = TextStyle::new(Style::Regular, 13.0).align(Align::Center);
    for (i, page) in pages.iter_mut().enumerate().skip(1) {
        let mut s = Stack::new(page, column, A4.1 - top_margin / 2.0 + 6.0);
        s.text(&ts, &(i + 1).to_string())?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_take_a_leading_zero_below_ten_and_in_january_and_february() {
        let d = |y, m, d| NaiveDate::from_ymd_opt(y, m, d);
        assert_eq!(
            place_and_date("Bắc Giang", d(2026, 3, 5)),
            "Bắc Giang, ngày 05 tháng 3 năm 2026"
        );
        assert_eq!(
            place_and_date("Hà Nội", d(2026, 2, 14)),
            "Hà Nội, ngày 14 tháng 02 năm 2026"
        );
        assert_eq!(
            place_and_date("Hà Nội", d(2026, 12, 25)),
            "Hà Nội, ngày 25 tháng 12 năm 2026"
        );
    }

    #[test]
    fn number_lines_follow_each_convention() {
        let mut doc = OfficialDocument::example(Convention::State);
        doc.number_symbol = "05/QĐ-UBND".into();
        assert_eq!(number_line(&doc), "Số: 05/QĐ-UBND");
        doc.convention = Convention::Party;
        doc.number_symbol = "15-NQ/TU".into();
        assert_eq!(number_line(&doc), "Số 15-NQ/TU");
    }

    #[test]
    fn the_last_recipient_ends_with_a_full_stop() {
        let lines = recipient_lines(&["Như trên;".into(), "Lưu: VT".into()]);
        assert_eq!(lines, vec!["- Như trên;", "- Lưu: VT."]);
    }

    #[test]
    fn the_signature_fields_sit_in_the_signature_block_the_seal_over_its_left_third() {
        let rendered = render(&OfficialDocument::example(Convention::Party)).unwrap();
        let signer = rendered.fields.iter().find(|f| f.name == SIGNER_FIELD).unwrap();
        let seal = rendered.fields.iter().find(|f| f.name == ISSUER_FIELD).unwrap();
        let overlap = seal.rect[2] - signer.rect[0];
        let width = signer.rect[2] - signer.rect[0];
        assert!((overlap - width / 3.0).abs() < 0.5);
        assert!(seal.rect[0] < signer.rect[0]);
        assert!(rendered.bytes.starts_with(b"%PDF-1.7"));
    }
}
