//! Setting text on pages: lines of one style, wrapped to a width, aligned
//! or justified, flowing onto new pages. Coordinates are PDF points with
//! the origin at the bottom left of the page.

use crate::Error;
use crate::font::{Style, typeface};

/// Points per millimetre.
pub const MM: f32 = 72.0 / 25.4;

/// A4, the size every official document is printed on.
pub const A4: (f32, f32) = (210.0 * MM, 297.0 * MM);

/// Something drawn on a page.
#[derive(Clone, Debug)]
pub enum Item {
    /// A run of text of one style, its baseline starting at (x, y).
    Text {
        x: f32,
        y: f32,
        style: Style,
        size: f32,
        text: String,
    },
    /// A straight line.
    Rule {
        x1: f32,
        y1: f32,
        x2: f32,
        y2: f32,
        width: f32,
    },
}

/// One page's drawing.
#[derive(Clone, Debug, Default)]
pub struct Page {
    pub items: Vec<Item>,
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Align {
    Left,
    Center,
    Right,
    /// Both edges straight; the paragraph's last line is set left.
    Justify,
}

/// How a block of text is set.
#[derive(Clone, Copy, Debug)]
pub struct TextStyle {
    pub style: Style,
    pub size: f32,
    /// Distance from one baseline to the next.
    pub leading: f32,
    pub align: Align,
    /// Indent of a paragraph's first line.
    pub indent: f32,
    /// Space after the block.
    pub space_after: f32,
    pub underline: bool,
}

impl TextStyle {
    pub fn new(style: Style, size: f32) -> Self {
        TextStyle {
            style,
            size,
            leading: size * 1.2,
            align: Align::Left,
            indent: 0.0,
            space_after: 0.0,
            underline: false,
        }
    }

    pub fn align(mut self, align: Align) -> Self {
        self.align = align;
        self
    }

    pub fn leading(mut self, leading: f32) -> Self {
        self.leading = leading;
        self
    }

    pub fn indent(mut self, indent: f32) -> Self {
        self.indent = indent;
        self
    }

    pub fn space_after(mut self, space: f32) -> Self {
        self.space_after = space;
        self
    }

    pub fn underline(mut self) -> Self {
        self.underline = true;
        self
    }
}

/// A horizontal band of the page: where a column of text sits.
#[derive(Clone, Copy, Debug)]
pub struct Column {
    pub x: f32,
    pub width: f32,
}

impl Column {
    pub fn center(&self) -> f32 {
        self.x + self.width / 2.0
    }
}

/// One line of a wrapped paragraph.
struct Line {
    words: Vec<String>,
    first: bool,
    last: bool,
}

/// Breaks a paragraph into lines no wider than the column, words kept
/// whole unless a single word is wider than a line.
fn wrap(ts: &TextStyle, text: &str, width: f32) -> Result<Vec<Line>, Error> {
    let face = typeface(ts.style)?;
    let space = face.width(" ", ts.size)?;
    let mut lines = Vec::new();
    let mut current: Vec<String> = Vec::new();
    let mut used = 0.0;
    for word in text.split_whitespace() {
        let w = face.width(word, ts.size)?;
        let available = width - if lines.is_empty() { ts.indent } else { 0.0 };
        let needed = if current.is_empty() { w } else { used + space + w };
        if needed <= available || current.is_empty() {
            used = needed;
            current.push(word.to_string());
        } else {
            let first = lines.is_empty();
            lines.push(Line {
                words: std::mem::take(&mut current),
                first,
                last: false,
            });
            used = w;
            current.push(word.to_string());
        }
    }
    let first = lines.is_empty();
    lines.push(Line {
        words: current,
        first,
        last: true,
    });
    Ok(lines)
}

/// Sets one line at baseline `y` in the column.
fn set_line(page: &mut Page, column: Column, y: f32, ts: &TextStyle, line: &Line) -> Result<(), Error> {
    let face = typeface(ts.style)?;
    let indent = if line.first { ts.indent } else { 0.0 };
    let left = column.x + indent;
    let width = column.width - indent;
    let text = line.words.join(" ");
    if text.is_empty() {
        return Ok(());
    }
    let natural = face.width(&text, ts.size)?;
    if ts.align == Align::Justify && !line.last && line.words.len() > 1 {
        let words: Vec<f32> = line
            .words
            .iter()
            .map(|w| face.width(w, ts.size))
            .collect::<Result<_, _>>()?;
        let gap = (width - words.iter().sum::<f32>()) / (line.words.len() - 1) as f32;
        let mut x = left;
        for (word, w) in line.words.iter().zip(words) {
            page.items.push(Item::Text {
                x,
                y,
                style: ts.style,
                size: ts.size,
                text: word.clone(),
            });
            x += w + gap;
        }
        return Ok(());
    }
    let x = match ts.align {
        Align::Left | Align::Justify => left,
        Align::Center => left + (width - natural) / 2.0,
        Align::Right => left + width - natural,
    };
    page.items.push(Item::Text {
        x,
        y,
        style: ts.style,
        size: ts.size,
        text,
    });
    if ts.underline {
        let (position, thickness) = face.underline();
        let uy = y + position * ts.size / 1000.0;
        page.items.push(Item::Rule {
            x1: x,
            y1: uy,
            x2: x + natural,
            y2: uy,
            width: thickness * ts.size / 1000.0,
        });
    }
    Ok(())
}

/// A column being filled from the top down on one page, without page
/// breaks: the header blocks and the signature block, which must stay
/// together.
pub struct Stack<'p> {
    page: &'p mut Page,
    column: Column,
    /// Top of the next line.
    pub top: f32,
}

impl<'p> Stack<'p> {
    pub fn new(page: &'p mut Page, column: Column, top: f32) -> Self {
        Stack { page, column, top }
    }

    /// Sets a paragraph; returns the baseline of its last line.
    pub fn text(&mut self, ts: &TextStyle, text: &str) -> Result<f32, Error> {
        let mut baseline = self.top;
        for line in wrap(ts, text, self.column.width)? {
            baseline = self.top - ts.size;
            set_line(self.page, self.column, baseline, ts, &line)?;
            self.top -= ts.leading;
        }
        self.top -= ts.space_after;
        Ok(baseline)
    }

    /// Sets a centred paragraph in `style` and `size`, as header lines are;
    /// returns the baseline of its last line.
    pub fn centered(&mut self, style: Style, size: f32, text: &str) -> Result<f32, Error> {
        self.text(&TextStyle::new(style, size).align(Align::Center), text)
    }

    /// A centred rule of `length` a little below the baseline `baseline`.
    pub fn rule_under(&mut self, baseline: f32, length: f32) {
        let y = baseline - 6.0;
        let x = self.column.center() - length / 2.0;
        self.page.items.push(Item::Rule {
            x1: x,
            y1: y,
            x2: x + length,
            y2: y,
            width: 0.6,
        });
        self.top = self.top.min(y - 2.0);
    }

    pub fn skip(&mut self, space: f32) {
        self.top -= space;
    }

    /// The height `text` would take.
    pub fn height_of(ts: &TextStyle, text: &str, width: f32) -> Result<f32, Error> {
        Ok(wrap(ts, text, width)?.len() as f32 * ts.leading + ts.space_after)
    }
}

/// The body of a document: paragraphs flowing from page to page between
/// the margins.
pub struct Flow {
    pub pages: Vec<Page>,
    pub column: Column,
    /// Top of the next line on the last page.
    pub top: f32,
    top_margin: f32,
    bottom_margin: f32,
}

impl Flow {
    pub fn new(first: Page, column: Column, top: f32, top_margin: f32, bottom_margin: f32) -> Self {
        Flow {
            pages: vec![first],
            column,
            top,
            top_margin,
            bottom_margin,
        }
    }

    /// Starts a new page.
    pub fn break_page(&mut self) {
        self.pages.push(Page::default());
        self.top = A4.1 - self.top_margin;
    }

    /// Whether `height` more fits on this page.
    pub fn fits(&self, height: f32) -> bool {
        self.top - height >= self.bottom_margin
    }

    /// Sets a paragraph, breaking pages between lines.
    pub fn paragraph(&mut self, ts: &TextStyle, text: &str) -> Result<(), Error> {
        for line in wrap(ts, text, self.column.width)? {
            if !self.fits(ts.leading) {
                self.break_page();
            }
            let baseline = self.top - ts.size;
            let column = self.column;
            set_line(self.last_page(), column, baseline, ts, &line)?;
            self.top -= ts.leading;
        }
        self.top -= ts.space_after;
        Ok(())
    }

    pub fn last_page(&mut self) -> &mut Page {
        if self.pages.is_empty() {
            self.pages.push(Page::default());
        }
        let last = self.pages.len() - 1;
        &mut self.pages[last]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn justified_lines_reach_both_edges_but_the_last_is_left() {
        let ts = TextStyle::new(Style::Regular, 14.0).align(Align::Justify);
        let column = Column { x: 85.0, width: 200.0 };
        let mut page = Page::default();
        let mut stack = Stack::new(&mut page, column, 700.0);
        stack
            .text(
                &ts,
                "Ban Thường vụ Tỉnh ủy yêu cầu các cấp ủy, tổ chức đảng triển khai thực hiện nghiêm túc.",
            )
            .unwrap();
        let face = typeface(Style::Regular).unwrap();
        let mut rights: Vec<(f32, f32)> = Vec::new();
        for item in &page.items {
            if let Item::Text { x, y, text, .. } = item {
                let right = x + face.width(text, 14.0).unwrap();
                match rights.last_mut() {
                    Some((line_y, r)) if *line_y == *y => *r = r.max(right),
                    _ => rights.push((*y, right)),
                }
            }
        }
        assert!(rights.len() >= 2);
        for (_, right) in &rights[..rights.len() - 1] {
            assert!((right - 285.0).abs() < 0.01, "{right}");
        }
        assert!(rights.last().unwrap().1 < 285.0);
    }

    #[test]
    fn a_long_body_flows_onto_a_second_page() {
        let ts = TextStyle::new(Style::Regular, 14.0).align(Align::Justify);
        let column = Column { x: 85.0, width: 467.0 };
        let mut flow = Flow::new(Page::default(), column, 780.0, 57.0, 57.0);
        for _ in 0..80 {
            flow.paragraph(&ts, "Đoạn văn bản dài để kiểm tra việc sang trang của phần nội dung.")
                .unwrap();
        }
        assert!(flow.pages.len() >= 2);
        for page in &flow.pages {
            for item in &page.items {
                if let Item::Text { y, .. } = item {
                    assert!(*y >= 57.0 - 1.0);
                }
            }
        }
    }
}
