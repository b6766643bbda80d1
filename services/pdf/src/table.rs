//! Ruled tables in the body of a document: a report's figures, one row a
//! measure and one column an office. Rows never split across pages; the
//! heading row is repeated at the top of every page the table continues on.

use crate::Error;
use crate::font::Style;
use crate::layout::{Align, Column, Flow, Item, Page, Stack, TextStyle};

/// A table as it is printed.
#[derive(Clone, Debug, PartialEq)]
pub struct Table {
    pub columns: Vec<TableColumn>,
    pub rows: Vec<TableRow>,
}

/// One column: its heading, its share of the table's width (relative to
/// the other columns) and how its cells are aligned.
#[derive(Clone, Debug, PartialEq)]
pub struct TableColumn {
    pub heading: String,
    pub share: f32,
    pub align: Align,
}

/// What a row is, which decides how it is set.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RowKind {
    /// One cell per column.
    Plain,
    /// A group heading: its first cell spans the whole table, in bold.
    Group,
    /// A total line: every cell in bold.
    Total,
}

#[derive(Clone, Debug, PartialEq)]
pub struct TableRow {
    pub kind: RowKind,
    pub cells: Vec<String>,
}

/// Type sizes of a table: smaller when it has many columns, so that a
/// province's figures over a dozen offices still fit the page's width.
fn sizes(columns: usize) -> (f32, f32) {
    let size = if columns > 8 { 8.0 } else { 10.0 };
    (size, size * 1.2)
}

/// Room between a cell's rule and its text.
const PADDING: f32 = 2.5;
const RULE: f32 = 0.5;

/// The columns' x positions across `column`, left edges then the right
/// edge of the last.
fn edges(table: &Table, column: Column) -> Vec<f32> {
    let total: f32 = table.columns.iter().map(|c| c.share.max(0.0)).sum();
    let mut x = column.x;
    let mut edges = vec![x];
    for c in &table.columns {
        let share = if total > 0.0 {
            c.share.max(0.0) / total
        } else {
            1.0 / table.columns.len() as f32
        };
        x += column.width * share;
        edges.push(x);
    }
    edges
}

/// A row's cells with the column each spans: (left edge index, right
/// edge index, text, style).
fn cells(kind: RowKind, texts: &[String], count: usize) -> Vec<(usize, usize, &str, Style)> {
    match kind {
        RowKind::Group => vec![(0, count, texts.first().map_or("", String::as_str), Style::Bold)],
        RowKind::Plain | RowKind::Total => {
            let style = if kind == RowKind::Total {
                Style::Bold
            } else {
                Style::Regular
            };
            (0..count)
                .map(|i| (i, i + 1, texts.get(i).map_or("", String::as_str), style))
                .collect()
        }
    }
}

/// Sets one row whose top is at `top`; returns its height.
fn set_row(
    page: &mut Page,
    table: &Table,
    edges: &[f32],
    top: f32,
    row: &[(usize, usize, &str, Style)],
    heading: bool,
) -> Result<f32, Error> {
    let (size, leading) = sizes(table.columns.len());
    let height = row_height(table, edges, row)?;
    for (from, to, text, style) in row {
        let align = if heading || *to - *from > 1 {
            if heading { Align::Center } else { Align::Left }
        } else {
            table.columns.get(*from).map_or(Align::Left, |c| c.align)
        };
        let ts = TextStyle::new(*style, size).leading(leading).align(align);
        let cell = Column {
            x: edges[*from] + PADDING,
            width: edges[*to] - edges[*from] - 2.0 * PADDING,
        };
        Stack::new(page, cell, top - PADDING).text(&ts, text)?;
        // The cell's left rule; the table's right edge closes the row.
        rule(page, edges[*from], top, edges[*from], top - height);
    }
    let right = edges[edges.len() - 1];
    rule(page, right, top, right, top - height);
    rule(page, edges[0], top, right, top);
    rule(page, edges[0], top - height, right, top - height);
    Ok(height)
}

fn rule(page: &mut Page, x1: f32, y1: f32, x2: f32, y2: f32) {
    page.items.push(Item::Rule {
        x1,
        y1,
        x2,
        y2,
        width: RULE,
    });
}

/// The height a row would take, to decide whether it fits the page.
fn row_height(table: &Table, edges: &[f32], row: &[(usize, usize, &str, Style)]) -> Result<f32, Error> {
    let (size, leading) = sizes(table.columns.len());
    let mut height: f32 = 0.0;
    for (from, to, text, style) in row {
        let width = edges[*to] - edges[*from] - 2.0 * PADDING;
        height = height.max(Stack::height_of(
            &TextStyle::new(*style, size).leading(leading),
            text,
            width,
        )?);
    }
    Ok(height + 2.0 * PADDING)
}

/// Sets the table in the flow's column, breaking pages between rows.
pub fn flow_table(flow: &mut Flow, table: &Table) -> Result<(), Error> {
    if table.columns.is_empty() {
        return Err(Error::Layout("a table without columns".into()));
    }
    let edges = edges(table, flow.column);
    let count = table.columns.len();
    let headings: Vec<String> = table.columns.iter().map(|c| c.heading.clone()).collect();
    let heading: Vec<_> = (0..count)
        .map(|i| (i, i + 1, headings[i].as_str(), Style::Bold))
        .collect();
    let heading_height = row_height(table, &edges, &heading)?;
    let first = table
        .rows
        .first()
        .map(|r| row_height(table, &edges, &cells(r.kind, &r.cells, count)))
        .transpose()?
        .unwrap_or(0.0);
    if !flow.fits(heading_height + first) {
        flow.break_page();
    }
    let top = flow.top;
    flow.top -= set_row(flow.last_page(), table, &edges, top, &heading, true)?;
    for row in &table.rows {
        let row = cells(row.kind, &row.cells, count);
        let height = row_height(table, &edges, &row)?;
        if !flow.fits(height) {
            flow.break_page();
            let top = flow.top;
            flow.top -= set_row(flow.last_page(), table, &edges, top, &heading, true)?;
        }
        let top = flow.top;
        flow.top -= set_row(flow.last_page(), table, &edges, top, &row, false)?;
    }
    flow.top -= 6.0;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::layout::A4;

    fn table(rows: usize) -> Table {
        Table {
            columns: vec![
                TableColumn {
                    heading: "Chỉ tiêu".into(),
                    share: 3.0,
                    align: Align::Left,
                },
                TableColumn {
                    heading: "Huyện ủy Hiệp Hòa".into(),
                    share: 1.0,
                    align: Align::Right,
                },
            ],
            rows: (0..rows)
                .map(|i| TableRow {
                    kind: if i == 0 { RowKind::Group } else { RowKind::Plain },
                    cells: vec![format!("Văn bản đến đã vào sổ {i}"), "1.234".into()],
                })
                .collect(),
        }
    }

    #[test]
    fn numbers_sit_at_the_right_edge_of_their_cells() {
        let column = Column { x: 85.0, width: 467.0 };
        let mut flow = Flow::new(Page::default(), column, 780.0, 57.0, 57.0);
        flow_table(&mut flow, &table(3)).unwrap();
        let right_edge = 85.0 + 467.0 - PADDING;
        let face = crate::font::typeface(Style::Regular).unwrap();
        let number = flow.pages[0]
            .items
            .iter()
            .find_map(|item| match item {
                Item::Text { x, text, size, .. } if text == "1.234" => Some(x + face.width(text, *size).unwrap()),
                _ => None,
            })
            .unwrap();
        assert!((number - right_edge).abs() < 0.5, "{number}");
    }

    #[test]
    fn a_long_table_repeats_its_heading_on_the_next_page() {
        let column = Column { x: 85.0, width: 467.0 };
        let mut flow = Flow::new(Page::default(), column, A4.1 - 57.0, 57.0, 57.0);
        flow_table(&mut flow, &table(80)).unwrap();
        assert!(flow.pages.len() >= 2);
        for page in &flow.pages {
            assert!(
                page.items
                    .iter()
                    .any(|i| matches!(i, Item::Text { text, .. } if text.starts_with("Chỉ")))
            );
        }
    }
}
