//! Laid-out pages to PDF bytes: the faces used, subset and embedded as
//! CID fonts with a ToUnicode map (so the text can be copied, searched and
//! extracted), one content stream a page, and the empty signature fields
//! the signing step fills in later.

use std::collections::BTreeMap;

use flate2::Compression;
use flate2::write::ZlibEncoder;
use pdf_writer::types::{CidFontType, FieldType, FontFlags, SystemInfo};
use pdf_writer::{Chunk, Content, Filter, Finish, Name, Pdf, Rect, Ref, Str, TextStr};
use std::io::Write;
use subsetter::GlyphRemapper;

use crate::Error;
use crate::font::{Style, typeface};
use crate::layout::{A4, Item, Page};

/// A place on a page reserved for a digital signature: the signing step
/// draws its appearance (signature image, seal) there.
#[derive(Clone, Debug, PartialEq)]
pub struct SignatureField {
    /// The field's name in the PDF form, e.g. "signer" or "issuer".
    pub name: String,
    /// The field's object number in the file.
    pub object: i32,
    /// Zero-based page index and the page's object number.
    pub page: usize,
    pub page_object: i32,
    /// Left, bottom, right, top, in points.
    pub rect: [f32; 4],
}

/// A signature field to reserve while writing.
#[derive(Clone, Debug)]
pub struct FieldSpec {
    pub name: String,
    pub page: usize,
    pub rect: [f32; 4],
}

/// What the document says of itself.
#[derive(Clone, Debug, Default)]
pub struct Metadata {
    pub title: String,
    pub subject: String,
    pub author: String,
}

/// A written PDF, and where its signature fields are.
#[derive(Clone, Debug)]
pub struct Written {
    pub bytes: Vec<u8>,
    pub fields: Vec<SignatureField>,
    pub pages: usize,
}

/// The glyphs a face uses in the document, renumbered for its subset.
struct FaceUse {
    remapper: GlyphRemapper,
    /// New glyph id → the text it stands for.
    text: BTreeMap<u16, char>,
}

/// The faces a set of content streams shows text in, each to be embedded
/// as a subset of the glyphs used. Text is shown through it so the glyph
/// codes and the subsets agree.
#[derive(Default)]
pub struct FontSubsets {
    uses: BTreeMap<Style, FaceUse>,
}

impl FontSubsets {
    /// Shows `text` with its baseline starting at (x, y).
    pub fn show(
        &mut self,
        content: &mut Content,
        style: Style,
        size: f32,
        x: f32,
        y: f32,
        text: &str,
    ) -> Result<(), Error> {
        let face = typeface(style)?;
        let used = self.uses.entry(style).or_insert_with(|| FaceUse {
            remapper: GlyphRemapper::new(),
            text: BTreeMap::new(),
        });
        let mut codes = Vec::with_capacity(text.len() * 2);
        for glyph in face.shape(text)? {
            let new = used.remapper.remap(glyph.id);
            used.text.entry(new).or_insert(glyph.text);
            codes.extend_from_slice(&new.to_be_bytes());
        }
        let resource = font_resource(style);
        content
            .begin_text()
            .set_font(Name(resource.as_bytes()), size)
            .set_text_matrix([1.0, 0.0, 0.0, 1.0, x, y])
            .show(Str(&codes))
            .end_text();
        Ok(())
    }

    /// The object each used face will be written as, allocated now so the
    /// resources can name them before the fonts are written.
    pub fn allocate(&self, alloc: &mut impl FnMut() -> Ref) -> BTreeMap<Style, Ref> {
        self.uses.keys().map(|style| (*style, alloc())).collect()
    }

    /// Names each face in a resource dictionary's `/Font`.
    pub fn name_in(fonts: &mut pdf_writer::writers::Resources<'_>, ids: &BTreeMap<Style, Ref>) {
        let mut dict = fonts.fonts();
        for (style, id) in ids {
            let resource = font_resource(*style);
            dict.pair(Name(resource.as_bytes()), *id);
        }
    }

    /// Writes the subsets as the objects `ids` allocated.
    pub fn write(
        &self,
        chunk: &mut Chunk,
        ids: &BTreeMap<Style, Ref>,
        alloc: &mut impl FnMut() -> Ref,
    ) -> Result<(), Error> {
        for (style, used) in &self.uses {
            let id = *ids
                .get(style)
                .ok_or_else(|| Error::Write("font not allocated".into()))?;
            write_font(chunk, *style, used, id, alloc)?;
        }
        Ok(())
    }
}

pub(crate) fn compress(data: &[u8]) -> Result<Vec<u8>, Error> {
    let mut encoder = ZlibEncoder::new(Vec::new(), Compression::best());
    encoder.write_all(data).map_err(|e| Error::Write(e.to_string()))?;
    encoder.finish().map_err(|e| Error::Write(e.to_string()))
}

/// The six-letter tag a subset font's name must begin with, different for
/// different subsets of one face.
fn subset_tag(style: Style, glyphs: &[u16]) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325 ^ style.index() as u64;
    for g in glyphs {
        hash = (hash ^ u64::from(*g)).wrapping_mul(0x0100_0000_01b3);
    }
    (0..6)
        .map(|i| char::from(b'A' + ((hash >> (i * 5)) % 26) as u8))
        .collect()
}

fn font_resource(style: Style) -> String {
    format!("F{}", style.index())
}

/// Writes the pages as a PDF.
pub fn write(pages: &[Page], fields: &[FieldSpec], metadata: &Metadata) -> Result<Written, Error> {
    let mut next = 1;
    let mut alloc = || {
        let r = Ref::new(next);
        next += 1;
        r
    };
    let catalog_id = alloc();
    let tree_id = alloc();
    let info_id = alloc();
    let page_ids: Vec<Ref> = pages.iter().map(|_| alloc()).collect();
    let content_ids: Vec<Ref> = pages.iter().map(|_| alloc()).collect();
    let field_ids: Vec<Ref> = fields.iter().map(|_| alloc()).collect();

    // Content streams first: they decide which glyphs each face needs.
    let mut fonts = FontSubsets::default();
    let mut contents = Vec::with_capacity(pages.len());
    for page in pages {
        let mut content = Content::new();
        for item in &page.items {
            match item {
                Item::Text {
                    x,
                    y,
                    style,
                    size,
                    text,
                } => {
                    fonts.show(&mut content, *style, *size, *x, *y, text)?;
                }
                Item::Rule { x1, y1, x2, y2, width } => {
                    content
                        .set_line_width(*width)
                        .move_to(*x1, *y1)
                        .line_to(*x2, *y2)
                        .stroke();
                }
            }
        }
        contents.push(compress(&content.finish())?);
    }

    let mut pdf = Pdf::new();
    pdf.set_version(1, 7);
    pdf.catalog(catalog_id)
        .pages(tree_id)
        .form()
        .fields(field_ids.iter().copied());
    pdf.pages(tree_id)
        .kids(page_ids.iter().copied())
        .count(pages.len() as i32);
    {
        let mut info = pdf.document_info(info_id);
        info.title(TextStr(&metadata.title));
        info.subject(TextStr(&metadata.subject));
        info.author(TextStr(&metadata.author));
        info.producer(TextStr("Vanphong"));
    }
    let font_ids = fonts.allocate(&mut alloc);
    for (i, page_id) in page_ids.iter().enumerate() {
        let mut page = pdf.page(*page_id);
        page.media_box(Rect::new(0.0, 0.0, A4.0, A4.1));
        page.parent(tree_id);
        page.contents(content_ids[i]);
        let annots: Vec<Ref> = fields
            .iter()
            .zip(&field_ids)
            .filter(|(f, _)| f.page == i)
            .map(|(_, id)| *id)
            .collect();
        if !annots.is_empty() {
            page.annotations(annots);
        }
        let mut resources = page.resources();
        FontSubsets::name_in(&mut resources, &font_ids);
        resources.finish();
        page.finish();
    }
    for (i, data) in contents.iter().enumerate() {
        pdf.stream(content_ids[i], data).filter(Filter::FlateDecode);
    }

    let mut written_fields = Vec::with_capacity(fields.len());
    for (spec, id) in fields.iter().zip(&field_ids) {
        let page_id = *page_ids
            .get(spec.page)
            .ok_or(Error::Layout("signature field on a missing page".into()))?;
        let mut field = pdf.form_field(*id);
        field.field_type(FieldType::Signature);
        field.partial_name(TextStr(&spec.name));
        let mut annotation = field.into_annotation();
        annotation.rect(Rect::new(spec.rect[0], spec.rect[1], spec.rect[2], spec.rect[3]));
        annotation.page(page_id);
        annotation.flags(pdf_writer::types::AnnotationFlags::PRINT);
        annotation.finish();
        written_fields.push(SignatureField {
            name: spec.name.clone(),
            object: id.get(),
            page: spec.page,
            page_object: page_id.get(),
            rect: spec.rect,
        });
    }

    fonts.write(&mut pdf, &font_ids, &mut alloc)?;

    Ok(Written {
        bytes: pdf.finish(),
        fields: written_fields,
        pages: pages.len(),
    })
}

/// One face as a Type 0 font over a CID TrueType subset.
fn write_font(
    pdf: &mut Chunk,
    style: Style,
    used: &FaceUse,
    type0_id: Ref,
    alloc: &mut impl FnMut() -> Ref,
) -> Result<(), Error> {
    let face = typeface(style)?;
    let cid_id = alloc();
    let descriptor_id = alloc();
    let cmap_id = alloc();
    let file_id = alloc();

    let old_glyphs: Vec<u16> = used.remapper.remapped_gids().collect();
    let name = format!("{}+{}", subset_tag(style, &old_glyphs), style.postscript_name());
    let system_info = SystemInfo {
        registry: Str(b"Adobe"),
        ordering: Str(b"Identity"),
        supplement: 0,
    };

    pdf.type0_font(type0_id)
        .base_font(Name(name.as_bytes()))
        .encoding_predefined(Name(b"Identity-H"))
        .descendant_font(cid_id)
        .to_unicode(cmap_id);

    let mut cid = pdf.cid_font(cid_id);
    cid.subtype(CidFontType::Type2);
    cid.base_font(Name(name.as_bytes()));
    cid.system_info(system_info);
    cid.font_descriptor(descriptor_id);
    cid.default_width(0.0);
    cid.cid_to_gid_map_predefined(Name(b"Identity"));
    cid.widths()
        .consecutive(0, old_glyphs.iter().map(|g| face.advance_of(*g)));
    cid.finish();

    let mut flags = FontFlags::SERIF | FontFlags::NON_SYMBOLIC;
    if style.is_italic() {
        flags |= FontFlags::ITALIC;
    }
    let [left, bottom, right, top] = face.bbox();
    pdf.font_descriptor(descriptor_id)
        .name(Name(name.as_bytes()))
        .flags(flags)
        .bbox(Rect::new(left, bottom, right, top))
        .italic_angle(face.italic_angle())
        .ascent(face.ascender())
        .descent(face.descender())
        .cap_height(face.cap_height())
        .stem_v(if style.is_bold() { 140.0 } else { 80.0 })
        .font_file2(file_id);

    let mut cmap = pdf_writer::types::UnicodeCmap::new(Name(b"Custom"), system_info);
    for (gid, c) in &used.text {
        cmap.pair(*gid, *c);
    }
    pdf.cmap(cmap_id, &cmap.finish());

    let subset = subsetter::subset(face.data, 0, &used.remapper).map_err(|e| Error::Font(format!("{e:?}")))?;
    let compressed = compress(&subset)?;
    pdf.stream(file_id, &compressed).filter(Filter::FlateDecode);
    Ok(())
}
