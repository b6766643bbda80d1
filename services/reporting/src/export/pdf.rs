//! A report as a PDF in the Party format (HD 36), set by the same
//! renderer as issued documents (docs/domain.md §2.7, §5): the header,
//! "BÁO CÁO" and its subject, the sections, the figures as a ruled table,
//! "Nơi nhận" and the signature block with its empty signature fields, so
//! the sent report can be signed like any document.

use vanphong_pdf::layout::Align;
use vanphong_pdf::table::{RowKind, Table, TableColumn, TableRow};
use vanphong_pdf::{Block, Convention, OfficialDocument};

use crate::domain::figures::{FigureTable, GROUPS, Part, Row};
use crate::domain::period::roman;
use crate::export::docx::group_thousands;

/// What the PDF prints besides the report's own text, read from the
/// directory by the caller.
pub struct Printing {
    pub convention: Convention,
    pub letterhead: vanphong_pdf::letterhead::Letterhead,
    /// Number and symbol, or the blank for a report not yet numbered.
    pub number_symbol: String,
    pub date: chrono::NaiveDate,
    pub subject: String,
    pub authority: Vec<String>,
    pub signer_name: String,
    pub recipients: Vec<String>,
}

/// The report laid out for the renderer.
pub fn document(printing: Printing, sections: &[(String, String)], figures: Option<&FigureTable>) -> OfficialDocument {
    let mut body = Vec::new();
    let mut number = 0;
    for (title, text) in sections {
        number += 1;
        body.push(Block::Heading(format!("{}. {}", roman(number), title.to_uppercase())));
        body.extend(Block::paragraphs(text));
    }
    if let Some(figures) = figures {
        number += 1;
        body.push(Block::Heading(format!("{}. SỐ LIỆU TỔNG HỢP", roman(number))));
        body.push(Block::Note(format!(
            "Số liệu từ ngày {} đến ngày {}, theo tổ chức của các đơn vị tại ngày {}.",
            figures.from.format("%d/%m/%Y"),
            figures.to.format("%d/%m/%Y"),
            figures.to.format("%d/%m/%Y")
        )));
        body.push(Block::Table(figures_table(figures)));
    }
    OfficialDocument {
        convention: printing.convention,
        superior: printing.letterhead.superior,
        issuer: printing.letterhead.issuer,
        number_symbol: printing.number_symbol,
        place: printing.letterhead.place,
        date: Some(printing.date),
        type_name: crate::domain::layout::KIND_TITLE.into(),
        subject: printing.subject,
        body,
        authority: printing.authority,
        signer_name: printing.signer_name,
        recipients: printing.recipients,
    }
}

/// The figures with one row a measure and one column an office, the
/// total last, as the Word export sets them.
fn figures_table(figures: &FigureTable) -> Table {
    let mut offices: Vec<&Row> = figures.rows.iter().collect();
    offices.push(&figures.total);
    let mut columns = vec![TableColumn {
        heading: "Chỉ tiêu".into(),
        share: 3.0,
        align: Align::Left,
    }];
    columns.extend(offices.iter().map(|row| TableColumn {
        heading: match row.part {
            Part::Own => format!("{} (riêng đơn vị)", row.office_name),
            Part::Child | Part::Total => row.office_name.clone(),
        },
        share: 1.0,
        align: Align::Right,
    }));
    let mut rows = Vec::new();
    for (group, label) in GROUPS {
        rows.push(TableRow {
            kind: RowKind::Group,
            cells: vec![label.to_string()],
        });
        for column in figures.columns.iter().filter(|c| c.group == group) {
            let mut cells = vec![column.label.clone()];
            cells.extend(offices.iter().map(|row| group_thousands(row.value(&column.code))));
            rows.push(TableRow {
                kind: RowKind::Plain,
                cells,
            });
        }
    }
    Table { columns, rows }
}
