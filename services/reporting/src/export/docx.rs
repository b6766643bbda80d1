//! A report as a Word document (DOCX), written by hand as WordprocessingML
//! in a zip: the Party layout of [`crate::domain::layout`] on A4 with the
//! decree's margins, Times New Roman 14, the narrative sections, and the
//! figures in a table with one column per office. [`paragraphs`] reads the
//! text back, for checks and tests.

use std::io::{Cursor, Read, Write};

use zip::CompressionMethod;
use zip::write::SimpleFileOptions;

use crate::domain::figures::{FigureTable, GROUPS, Part};
use crate::domain::period::roman;

/// What goes on the page, already worded.
#[derive(Debug, Clone, Default)]
pub struct Page {
    /// The issuing committee in capitals, e.g. "HUYỆN ỦY HIỆP HÒA".
    pub committee: String,
    /// "Số 12-BC/HU".
    pub number: String,
    /// "Hiệp Hòa, ngày 14 tháng 10 năm 2026".
    pub date_line: String,
    /// The subject under "BÁO CÁO".
    pub subject: String,
    /// Headings and texts of the written sections.
    pub sections: Vec<(String, String)>,
    pub figures: Option<FigureTable>,
    /// "Nơi nhận" lines.
    pub recipients: Vec<String>,
    /// "T/M BAN THƯỜNG VỤ", the position, the signer's name.
    pub signing: String,
    pub position: String,
    pub signer: String,
}

/// Why a document could not be written or read.
#[derive(Debug, thiserror::Error)]
pub enum DocxError {
    #[error("zip: {0}")]
    Zip(#[from] zip::result::ZipError),
    #[error("io: {0}")]
    Io(#[from] std::io::Error),
}

const CONTENT_TYPES: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/><Override PartName="/word/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/></Types>"#;

const PACKAGE_RELS: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>"#;

const DOCUMENT_RELS: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/></Relationships>"#;

const STYLES: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:styles xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:docDefaults><w:rPrDefault><w:rPr><w:rFonts w:ascii="Times New Roman" w:hAnsi="Times New Roman" w:eastAsia="Times New Roman" w:cs="Times New Roman"/><w:sz w:val="28"/><w:szCs w:val="28"/><w:lang w:val="vi-VN"/></w:rPr></w:rPrDefault><w:pPrDefault><w:pPr><w:spacing w:before="0" w:after="0" w:line="276" w:lineRule="auto"/></w:pPr></w:pPrDefault></w:docDefaults><w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/></w:style><w:style w:type="table" w:default="1" w:styleId="TableNormal"><w:name w:val="Normal Table"/><w:tblPr><w:tblCellMar><w:left w:w="80" w:type="dxa"/><w:right w:w="80" w:type="dxa"/></w:tblCellMar></w:tblPr></w:style></w:styles>"#;

const NS: &str = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";

/// Text width of an A4 page with 30 mm left and 15 mm right margins, in
/// twentieths of a point.
const TEXT_WIDTH: u32 = 11906 - 1701 - 851;

fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c if c.is_control() && c != '\t' => {}
            c => out.push(c),
        }
    }
    out
}

/// How a run of text looks.
#[derive(Debug, Clone, Copy, Default)]
struct Style {
    bold: bool,
    italic: bool,
    underline: bool,
    /// Half-points; 0 for the default (14 pt).
    size: u32,
}

const BOLD: Style = Style {
    bold: true,
    italic: false,
    underline: false,
    size: 0,
};
const PLAIN: Style = Style {
    bold: false,
    italic: false,
    underline: false,
    size: 0,
};

fn run(text: &str, style: Style) -> String {
    let mut props = String::new();
    if style.bold {
        props.push_str("<w:b/>");
    }
    if style.italic {
        props.push_str("<w:i/>");
    }
    // WordprocessingML fixes the order of run properties: size before underline.
    if style.size > 0 {
        props.push_str(&format!(r#"<w:sz w:val="{0}"/><w:szCs w:val="{0}"/>"#, style.size));
    }
    if style.underline {
        props.push_str(r#"<w:u w:val="single"/>"#);
    }
    let props = if props.is_empty() {
        String::new()
    } else {
        format!("<w:rPr>{props}</w:rPr>")
    };
    format!(r#"<w:r>{props}<w:t xml:space="preserve">{}</w:t></w:r>"#, escape(text))
}

/// A paragraph: alignment ("left", "center", "right", "both") and an
/// optional first-line indent.
fn paragraph(align: &str, indent: bool, runs: &[String]) -> String {
    let indent = if indent { r#"<w:ind w:firstLine="567"/>"# } else { "" };
    format!(
        r#"<w:p><w:pPr><w:spacing w:before="60" w:after="60"/>{indent}<w:jc w:val="{align}"/></w:pPr>{}</w:p>"#,
        runs.concat()
    )
}

fn cell(width: u32, span: usize, content: &str) -> String {
    let span = if span > 1 {
        format!(r#"<w:gridSpan w:val="{span}"/>"#)
    } else {
        String::new()
    };
    let content = if content.is_empty() {
        "<w:p/>".to_string()
    } else {
        content.to_string()
    };
    format!(r#"<w:tc><w:tcPr><w:tcW w:w="{width}" w:type="dxa"/>{span}</w:tcPr>{content}</w:tc>"#)
}

fn table(widths: &[u32], borders: bool, rows: &[String]) -> String {
    let border = if borders {
        r#"<w:tblBorders><w:top w:val="single" w:sz="4" w:space="0" w:color="000000"/><w:left w:val="single" w:sz="4" w:space="0" w:color="000000"/><w:bottom w:val="single" w:sz="4" w:space="0" w:color="000000"/><w:right w:val="single" w:sz="4" w:space="0" w:color="000000"/><w:insideH w:val="single" w:sz="4" w:space="0" w:color="000000"/><w:insideV w:val="single" w:sz="4" w:space="0" w:color="000000"/></w:tblBorders>"#
    } else {
        ""
    };
    let grid: String = widths.iter().map(|w| format!(r#"<w:gridCol w:w="{w}"/>"#)).collect();
    format!(
        r#"<w:tbl><w:tblPr><w:tblW w:w="{}" w:type="dxa"/>{border}<w:tblLayout w:type="fixed"/></w:tblPr><w:tblGrid>{grid}</w:tblGrid>{}</w:tbl>"#,
        widths.iter().sum::<u32>(),
        rows.iter().map(|r| format!("<w:tr>{r}</w:tr>")).collect::<String>()
    )
}

/// 1234567 → "1.234.567".
pub fn group_thousands(value: i64) -> String {
    let digits = value.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push('.');
        }
        out.push(c);
    }
    if value < 0 { format!("-{out}") } else { out }
}

/// The header: committee, asterisk and number on the left; the Party's name
/// and the date line on the right.
fn header(page: &Page) -> String {
    let left = [
        paragraph("center", false, &[run(&page.committee, BOLD)]),
        paragraph("center", false, &[run("*", PLAIN)]),
        paragraph("center", false, &[run(&page.number, PLAIN)]),
    ]
    .concat();
    let right = [
        paragraph(
            "center",
            false,
            &[run(
                crate::domain::layout::PARTY_HEADER,
                Style {
                    bold: true,
                    underline: true,
                    ..PLAIN
                },
            )],
        ),
        paragraph("center", false, &[]),
        paragraph("right", false, &[run(&page.date_line, Style { italic: true, ..PLAIN })]),
    ]
    .concat();
    let half = TEXT_WIDTH / 2;
    table(
        &[half - 400, TEXT_WIDTH - half + 400],
        false,
        &[cell(half - 400, 1, &left) + &cell(TEXT_WIDTH - half + 400, 1, &right)],
    )
}

fn figures_table(figures: &FigureTable) -> String {
    let mut rows: Vec<&crate::domain::figures::Row> = figures.rows.iter().collect();
    rows.push(&figures.total);
    let label_width = 3400;
    let per = (TEXT_WIDTH - label_width) / u32::try_from(rows.len().max(1)).unwrap_or(1);
    let mut widths = vec![label_width];
    widths.extend(std::iter::repeat_n(per, rows.len()));
    let small = Style { size: 22, ..PLAIN };
    let small_bold = Style { size: 22, ..BOLD };
    let mut out = Vec::new();
    let mut head = cell(
        label_width,
        1,
        &paragraph("center", false, &[run("Chỉ tiêu", small_bold)]),
    );
    for row in &rows {
        let name = match row.part {
            Part::Own => format!("{} (riêng đơn vị)", row.office_name),
            _ => row.office_name.clone(),
        };
        head.push_str(&cell(per, 1, &paragraph("center", false, &[run(&name, small_bold)])));
    }
    out.push(head);
    for (group, group_label) in GROUPS {
        out.push(cell(
            TEXT_WIDTH,
            rows.len() + 1,
            &paragraph("left", false, &[run(group_label, small_bold)]),
        ));
        for column in figures.columns.iter().filter(|c| c.group == group) {
            let mut line = cell(label_width, 1, &paragraph("left", false, &[run(&column.label, small)]));
            for row in &rows {
                let style = if row.part == Part::Total { small_bold } else { small };
                line.push_str(&cell(
                    per,
                    1,
                    &paragraph("right", false, &[run(&group_thousands(row.value(&column.code)), style)]),
                ));
            }
            out.push(line);
        }
    }
    table(&widths, true, &out)
}

/// "Nơi nhận" on the left, the signature block on the right.
fn footer(page: &Page) -> String {
    let small = Style { size: 22, ..PLAIN };
    let mut left = vec![paragraph(
        "left",
        false,
        &[run(
            "Nơi nhận:",
            Style {
                bold: true,
                italic: true,
                size: 24,
                underline: false,
            },
        )],
    )];
    for line in &page.recipients {
        left.push(paragraph("left", false, &[run(line, small)]));
    }
    let mut right = vec![
        paragraph("center", false, &[run(&page.signing, BOLD)]),
        paragraph("center", false, &[run(&page.position.to_uppercase(), BOLD)]),
    ];
    for _ in 0..3 {
        right.push(paragraph("center", false, &[]));
    }
    right.push(paragraph("center", false, &[run(&page.signer, BOLD)]));
    let half = TEXT_WIDTH / 2;
    table(
        &[half, TEXT_WIDTH - half],
        false,
        &[cell(half, 1, &left.concat()) + &cell(TEXT_WIDTH - half, 1, &right.concat())],
    )
}

/// The whole `word/document.xml`.
pub fn document_xml(page: &Page) -> String {
    let mut body = vec![header(page), paragraph("center", false, &[])];
    body.push(paragraph(
        "center",
        false,
        &[run(crate::domain::layout::KIND_TITLE, Style { size: 32, ..BOLD })],
    ));
    body.push(paragraph("center", false, &[run(&page.subject, BOLD)]));
    body.push(paragraph("center", false, &[run("-----", PLAIN)]));
    let mut number = 0;
    for (title, text) in &page.sections {
        number += 1;
        body.push(paragraph(
            "both",
            false,
            &[run(&format!("{}. {}", roman(number), title.to_uppercase()), BOLD)],
        ));
        for line in text.lines().map(str::trim).filter(|l| !l.is_empty()) {
            body.push(paragraph("both", true, &[run(line, PLAIN)]));
        }
    }
    if let Some(figures) = &page.figures {
        number += 1;
        body.push(paragraph(
            "both",
            false,
            &[run(&format!("{}. SỐ LIỆU TỔNG HỢP", roman(number)), BOLD)],
        ));
        body.push(paragraph(
            "both",
            true,
            &[run(
                &format!(
                    "Số liệu từ ngày {} đến ngày {}, theo tổ chức của các đơn vị tại ngày {}.",
                    figures.from.format("%d/%m/%Y"),
                    figures.to.format("%d/%m/%Y"),
                    figures.to.format("%d/%m/%Y")
                ),
                Style { italic: true, ..PLAIN },
            )],
        ));
        body.push(figures_table(figures));
    }
    body.push(paragraph("center", false, &[]));
    body.push(footer(page));
    format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w="{NS}"><w:body>{}<w:sectPr><w:pgSz w:w="11906" w:h="16838"/><w:pgMar w:top="1134" w:right="851" w:bottom="1134" w:left="1701" w:header="567" w:footer="567" w:gutter="0"/></w:sectPr></w:body></w:document>"#,
        body.concat()
    )
}

/// The DOCX file.
pub fn write(page: &Page) -> Result<Vec<u8>, DocxError> {
    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options = SimpleFileOptions::default().compression_method(CompressionMethod::Deflated);
    for (name, content) in [
        ("[Content_Types].xml", CONTENT_TYPES.to_string()),
        ("_rels/.rels", PACKAGE_RELS.to_string()),
        ("word/_rels/document.xml.rels", DOCUMENT_RELS.to_string()),
        ("word/styles.xml", STYLES.to_string()),
        ("word/document.xml", document_xml(page)),
    ] {
        zip.start_file(name, options)?;
        zip.write_all(content.as_bytes())?;
    }
    Ok(zip.finish()?.into_inner())
}

fn unescape(text: &str) -> String {
    text.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&apos;", "'")
        .replace("&amp;", "&")
}

/// The names of the files in a DOCX, and the text of each paragraph of its
/// `word/document.xml` in order (table cells included): enough to check
/// what a document says.
pub fn paragraphs(docx: &[u8]) -> Result<(Vec<String>, Vec<String>), DocxError> {
    let mut archive = zip::ZipArchive::new(Cursor::new(docx))?;
    let names = archive
        .file_names()
        .map(|n| n.map(|n| n.into_owned()))
        .collect::<Result<Vec<String>, _>>()?;
    let mut xml = String::new();
    archive.by_name("word/document.xml")?.read_to_string(&mut xml)?;
    let mut out = Vec::new();
    for chunk in xml.split("<w:p>").skip(1) {
        let body = chunk.split("</w:p>").next().unwrap_or_default();
        let mut text = String::new();
        for piece in body.split("<w:t").skip(1) {
            let Some(start) = piece.find('>') else { continue };
            let rest = &piece[start + 1..];
            let end = rest.find("</w:t>").unwrap_or(rest.len());
            text.push_str(&unescape(&rest[..end]));
        }
        out.push(text);
    }
    Ok((names, out))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_a_package_that_reads_back() {
        let page = Page {
            committee: "HUYỆN ỦY HIỆP HÒA".into(),
            number: "Số 12-BC/HU".into(),
            date_line: "Hiệp Hòa, ngày 14 tháng 10 năm 2026".into(),
            subject: "tình hình công tác tháng 10 năm 2026".into(),
            sections: vec![("Tình hình chung".into(), "Dòng một & <hai>\nDòng hai".into())],
            recipients: vec!["- Tỉnh ủy Bắc Giang (để báo cáo),".into()],
            signing: "T/M BAN THƯỜNG VỤ".into(),
            position: "Bí thư".into(),
            signer: "Dương Văn Hùng".into(),
            ..Default::default()
        };
        let bytes = write(&page).expect("written");
        let (names, lines) = paragraphs(&bytes).expect("read");
        assert!(names.iter().any(|n| n == "[Content_Types].xml"));
        assert!(names.iter().any(|n| n == "word/document.xml"));
        for expected in [
            "HUYỆN ỦY HIỆP HÒA",
            "*",
            "Số 12-BC/HU",
            "ĐẢNG CỘNG SẢN VIỆT NAM",
            "Hiệp Hòa, ngày 14 tháng 10 năm 2026",
            "BÁO CÁO",
            "I. TÌNH HÌNH CHUNG",
            "Dòng một & <hai>",
            "Nơi nhận:",
            "T/M BAN THƯỜNG VỤ",
            "BÍ THƯ",
            "Dương Văn Hùng",
        ] {
            assert!(lines.iter().any(|l| l == expected), "{expected} missing from {lines:?}");
        }
    }

    #[test]
    fn thousands_are_grouped_with_dots() {
        assert_eq!(group_thousands(0), "0");
        assert_eq!(group_thousands(1_234_567), "1.234.567");
        assert_eq!(group_thousands(-1_000), "-1.000");
        assert_eq!(group_thousands(i64::MIN), "-9.223.372.036.854.775.808");
    }
}
