//! The one typeface every official document is set in, shipped with the
//! project: Liberation Serif 2.1 (SIL Open Font License, `fonts/OFL.txt`),
//! metrically compatible with Times New Roman, which the formats require,
//! and covering every Vietnamese letter as a precomposed glyph.
//!
//! Text is normalised to NFC first, so a letter typed as a base letter and
//! combining marks still finds its precomposed glyph.

use std::sync::LazyLock;

use ttf_parser::{Face, GlyphId};
use unicode_normalization::UnicodeNormalization;

use crate::Error;

/// The four faces of the family.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Style {
    Regular,
    Bold,
    Italic,
    BoldItalic,
}

impl Style {
    pub const ALL: [Style; 4] = [Style::Regular, Style::Bold, Style::Italic, Style::BoldItalic];

    /// The face's file, compiled into the binary.
    fn data(self) -> &'static [u8] {
        match self {
            Style::Regular => include_bytes!("../fonts/LiberationSerif-Regular.ttf"),
            Style::Bold => include_bytes!("../fonts/LiberationSerif-Bold.ttf"),
            Style::Italic => include_bytes!("../fonts/LiberationSerif-Italic.ttf"),
            Style::BoldItalic => include_bytes!("../fonts/LiberationSerif-BoldItalic.ttf"),
        }
    }

    /// The PostScript name the PDF gives the face.
    pub fn postscript_name(self) -> &'static str {
        match self {
            Style::Regular => "LiberationSerif",
            Style::Bold => "LiberationSerif-Bold",
            Style::Italic => "LiberationSerif-Italic",
            Style::BoldItalic => "LiberationSerif-BoldItalic",
        }
    }

    pub fn index(self) -> usize {
        self as usize
    }

    pub fn is_bold(self) -> bool {
        matches!(self, Style::Bold | Style::BoldItalic)
    }

    pub fn is_italic(self) -> bool {
        matches!(self, Style::Italic | Style::BoldItalic)
    }
}

/// One face, parsed once for the life of the process.
pub struct Typeface {
    pub style: Style,
    pub data: &'static [u8],
    face: Face<'static>,
}

/// The parsed faces; parsing reads only the table directory, the glyph
/// data stays in the binary.
static FACES: LazyLock<Result<Vec<Typeface>, String>> = LazyLock::new(|| {
    Style::ALL
        .iter()
        .map(|&style| {
            let data = style.data();
            Face::parse(data, 0)
                .map(|face| Typeface { style, data, face })
                .map_err(|e| format!("{}: {e}", style.postscript_name()))
        })
        .collect()
});

/// The face of a style.
pub fn typeface(style: Style) -> Result<&'static Typeface, Error> {
    match &*FACES {
        Ok(faces) => faces.get(style.index()).ok_or(Error::Font("missing face".into())),
        Err(e) => Err(Error::Font(e.clone())),
    }
}

/// The first character of `text` the document typeface cannot print, if
/// any: a draft is checked when it is written, not when it is issued.
pub fn unprintable(text: &str) -> Option<char> {
    let face = typeface(Style::Regular).ok()?;
    text.nfc()
        .filter(|c| !c.is_whitespace())
        .find(|c| face.face.glyph_index(*c).is_none())
}

/// One character as set: its glyph, its advance in text space units per
/// 1000 of the font size, and the text it stands for (for copying and
/// searching the PDF).
#[derive(Clone, Debug)]
pub struct Glyph {
    pub id: u16,
    pub advance: f32,
    pub text: char,
}

impl Typeface {
    fn per_mille(&self, units: f32) -> f32 {
        units * 1000.0 / f32::from(self.face.units_per_em())
    }

    /// The glyphs of a text, after NFC normalisation. A character the face
    /// lacks is an error, never a silent blank: a legal document must
    /// print every letter.
    pub fn shape(&self, text: &str) -> Result<Vec<Glyph>, Error> {
        text.nfc()
            .map(|c| {
                let c = if c.is_whitespace() { ' ' } else { c };
                let id = self.face.glyph_index(c).ok_or(Error::MissingGlyph(c))?;
                let advance = self.face.glyph_hor_advance(id).map(f32::from).unwrap_or(0.0);
                Ok(Glyph {
                    id: id.0,
                    advance: self.per_mille(advance),
                    text: c,
                })
            })
            .collect()
    }

    /// Width of a text set at `size` points.
    pub fn width(&self, text: &str, size: f32) -> Result<f32, Error> {
        Ok(self.shape(text)?.iter().map(|g| g.advance).sum::<f32>() * size / 1000.0)
    }

    /// Width of a glyph (original id) per 1000, for the PDF's width table.
    pub fn advance_of(&self, glyph: u16) -> f32 {
        self.per_mille(
            self.face
                .glyph_hor_advance(GlyphId(glyph))
                .map(f32::from)
                .unwrap_or(0.0),
        )
    }

    pub fn ascender(&self) -> f32 {
        self.per_mille(f32::from(self.face.ascender()))
    }

    pub fn descender(&self) -> f32 {
        self.per_mille(f32::from(self.face.descender()))
    }

    pub fn cap_height(&self) -> f32 {
        self.per_mille(f32::from(self.face.capital_height().unwrap_or(self.face.ascender())))
    }

    pub fn italic_angle(&self) -> f32 {
        self.face.italic_angle()
    }

    /// The face's bounding box per 1000: left, bottom, right, top.
    pub fn bbox(&self) -> [f32; 4] {
        let b = self.face.global_bounding_box();
        [
            self.per_mille(f32::from(b.x_min)),
            self.per_mille(f32::from(b.y_min)),
            self.per_mille(f32::from(b.x_max)),
            self.per_mille(f32::from(b.y_max)),
        ]
    }

    /// Where an underline goes below the baseline and how thick, per 1000.
    pub fn underline(&self) -> (f32, f32) {
        match self.face.underline_metrics() {
            Some(m) => (
                self.per_mille(f32::from(m.position)),
                self.per_mille(f32::from(m.thickness)),
            ),
            None => (-100.0, 50.0),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_vietnamese_letter_has_a_glyph_in_every_face() {
        let letters = "aàáảãạăằắẳẵặâầấẩẫậbcdđeèéẻẽẹêềếểễệghiìíỉĩịklmnoòóỏõọôồốổỗộơờớởỡợpqrstuùúủũụưừứửữựvxyỳýỷỹỵ";
        let all: String = letters.chars().chain(letters.to_uppercase().chars()).collect();
        for style in Style::ALL {
            let face = typeface(style).unwrap();
            assert_eq!(face.shape(&all).unwrap().len(), all.chars().count(), "{style:?}");
        }
    }

    #[test]
    fn decomposed_input_is_set_with_precomposed_glyphs() {
        let face = typeface(Style::Regular).unwrap();
        // "ệ" typed as e + circumflex + dot below.
        let glyphs = face.shape("Vi\u{0065}\u{0302}\u{0323}t").unwrap();
        let text: String = glyphs.iter().map(|g| g.text).collect();
        assert_eq!(text, "Việt");
    }

    #[test]
    fn a_character_outside_the_face_is_refused() {
        let face = typeface(Style::Regular).unwrap();
        assert!(matches!(face.shape("中"), Err(Error::MissingGlyph('中'))));
    }

    #[test]
    fn widths_grow_with_size_and_bold_is_wider() {
        let regular = typeface(Style::Regular).unwrap();
        let bold = typeface(Style::Bold).unwrap();
        let w13 = regular.width("CỘNG HÒA", 13.0).unwrap();
        let w14 = regular.width("CỘNG HÒA", 14.0).unwrap();
        assert!(w14 > w13 && w13 > 50.0);
        assert!(bold.width("CỘNG HÒA", 13.0).unwrap() > w13);
    }
}
