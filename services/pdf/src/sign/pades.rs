//! Signing one of a document's signature fields: a new revision appended
//! to the file (an incremental update, so earlier signatures stay valid)
//! holding the signature dictionary, the field's visible appearance and
//! the CMS signature over every byte but the signature itself.

use chrono::{DateTime, FixedOffset};
use pdf_writer::{Chunk, Content, Finish, Rect, Ref};

use std::sync::Arc;

use pdf_writer::Name;

use super::Signer;
use super::image::MarkImage;
use super::revision::{Object, append_signed, signature_dictionary};
use crate::Error;
use crate::font::{Style, typeface};
use crate::parse::{self, Trailer};
use crate::writer::{FontSubsets, compress};

/// What the signature shows on the page.
#[derive(Clone, Debug)]
pub enum Mark {
    /// The signer's signature: the image of their handwritten signature
    /// when the deployment holds one, else their name set as a signature.
    Signature {
        signer: String,
        image: Option<Arc<MarkImage>>,
    },
    /// The issuing body's seal, in red, with the body's name and the
    /// signing time (docs/domain.md §2.7): the seal's image when the
    /// deployment holds one, else a drawn seal.
    Seal {
        body: String,
        image: Option<Arc<MarkImage>>,
    },
}

impl Mark {
    fn image(&self) -> Option<&MarkImage> {
        match self {
            Mark::Signature { image, .. } | Mark::Seal { image, .. } => image.as_deref(),
        }
    }
}

/// Height kept under a picture for "Đã ký số" or the signing time.
const FOOT_STRIP: f32 = 9.0;

/// The name the appearance stream calls the mark's picture by.
const IMAGE_NAME: &[u8] = b"Mark";

/// One signing of one field.
pub struct Signing<'a> {
    /// The field's name ("signer", "issuer").
    pub field: &'a str,
    pub signer: &'a dyn Signer,
    /// When it is signed, in Vietnam's time zone.
    pub time: DateTime<FixedOffset>,
    /// Why: "Ký ban hành", "Đóng dấu phát hành" …
    pub reason: String,
    pub location: String,
    pub mark: Mark,
}

pub use super::revision::pdf_date;

/// The `[x1 y1 x2 y2]` of a dictionary's `/Rect`.
fn rect_of(dict: &str) -> Result<[f32; 4], Error> {
    let at = dict
        .find("/Rect")
        .ok_or_else(|| Error::Malformed("field without /Rect".into()))?;
    let open = dict[at..].find('[').map(|i| at + i + 1);
    let close = dict[at..].find(']').map(|i| at + i);
    let (Some(open), Some(close)) = (open, close) else {
        return Err(Error::Malformed("field /Rect".into()));
    };
    let numbers: Vec<f32> = dict[open..close]
        .split_whitespace()
        .filter_map(|n| n.parse().ok())
        .collect();
    match numbers.as_slice() {
        [a, b, c, d] => Ok([*a, *b, *c, *d]),
        _ => Err(Error::Malformed("field /Rect".into())),
    }
}

/// The field's object number and dictionary, found through the form's
/// `/Fields` by its name.
fn find_field(pdf: &[u8], offsets: &parse::Locations, catalog: &str, name: &str) -> Result<(u64, String), Error> {
    let at = catalog.find("/Fields").ok_or_else(|| Error::NoField(name.into()))?;
    let open = catalog[at..]
        .find('[')
        .map(|i| at + i + 1)
        .ok_or_else(|| Error::NoField(name.into()))?;
    let close = catalog[open..]
        .find(']')
        .map(|i| open + i)
        .ok_or_else(|| Error::NoField(name.into()))?;
    for reference in parse::syntax::references_in(&catalog[open..close]) {
        let dict = parse::object_dict(pdf, offsets, reference.number)?;
        if dict.contains(&format!("/T ({name})")) {
            return Ok((reference.number, dict));
        }
    }
    Err(Error::NoField(name.into()))
}

/// The appearance of the mark in a box of `width` × `height`.
fn appearance(
    mark: &Mark,
    width: f32,
    height: f32,
    time: &DateTime<FixedOffset>,
    fonts: &mut FontSubsets,
) -> Result<Vec<u8>, Error> {
    let mut content = Content::new();
    if let Some(image) = mark.image() {
        // A strip is kept at the foot for the words under the picture.
        let foot = FOOT_STRIP.min(height / 3.0);
        let (x, y, w, h) = image.fit(width, height - foot);
        let y = y + foot;
        content
            .save_state()
            .transform([w, 0.0, 0.0, h, x, y])
            .x_object(Name(IMAGE_NAME))
            .restore_state();
    }
    match mark {
        Mark::Signature { image: Some(_), .. } => {
            let note = "Đã ký số";
            content.set_fill_rgb(0.05, 0.15, 0.55);
            let nw = typeface(Style::Italic)?.width(note, 7.0)?;
            fonts.show(&mut content, Style::Italic, 7.0, (width - nw) / 2.0, 1.0, note)?;
        }
        Mark::Seal { image: Some(_), .. } => {
            // The seal's picture carries the body's name; the time is
            // printed across its foot.
            content.set_fill_rgb(0.85, 0.05, 0.05);
            let when = time.to_rfc3339_opts(chrono::SecondsFormat::Secs, false);
            let size = fit_size(Style::Bold, &when, width * 0.95, 7.0)?;
            let tw = typeface(Style::Bold)?.width(&when, size)?;
            fonts.show(&mut content, Style::Bold, size, (width - tw) / 2.0, 1.0, &when)?;
        }
        Mark::Signature { signer, image: None } => {
            // Dark blue ink, the name as signed, a stroke under it.
            content.set_fill_rgb(0.05, 0.15, 0.55).set_stroke_rgb(0.05, 0.15, 0.55);
            let size = fit_size(Style::BoldItalic, signer, width * 0.9, 16.0)?;
            let w = typeface(Style::BoldItalic)?.width(signer, size)?;
            let y = height * 0.5;
            fonts.show(&mut content, Style::BoldItalic, size, (width - w) / 2.0, y, signer)?;
            content
                .set_line_width(0.9)
                .move_to((width - w) / 2.0, y - 5.0)
                .cubic_to(width * 0.4, y - 12.0, width * 0.6, y + 2.0, (width + w) / 2.0, y - 7.0)
                .stroke();
            let note = "Đã ký số";
            let nw = typeface(Style::Italic)?.width(note, 7.0)?;
            fonts.show(&mut content, Style::Italic, 7.0, (width - nw) / 2.0, 3.0, note)?;
        }
        Mark::Seal { body, image: None } => {
            // Red rings, a star, the body's name and the signing time.
            let (cx, cy) = (width / 2.0, height / 2.0);
            let r = width.min(height) / 2.0 - 1.0;
            content.set_stroke_rgb(0.85, 0.05, 0.05).set_fill_rgb(0.85, 0.05, 0.05);
            circle(&mut content, cx, cy, r, 2.2);
            circle(&mut content, cx, cy, r * 0.72, 0.9);
            star(&mut content, cx, cy + r * 0.05, r * 0.22);
            let name = body.to_uppercase();
            let size = fit_size(Style::Bold, &name, r * 1.3, 7.0)?;
            let nw = typeface(Style::Bold)?.width(&name, size)?;
            fonts.show(&mut content, Style::Bold, size, cx - nw / 2.0, cy + r * 0.38, &name)?;
            let when = time.to_rfc3339_opts(chrono::SecondsFormat::Secs, false);
            let size = fit_size(Style::Regular, &when, r * 1.35, 6.0)?;
            let tw = typeface(Style::Regular)?.width(&when, size)?;
            fonts.show(&mut content, Style::Regular, size, cx - tw / 2.0, cy - r * 0.45, &when)?;
        }
    }
    Ok(content.finish().into_vec())
}

/// The largest size up to `max` at which `text` fits `width`.
fn fit_size(style: Style, text: &str, width: f32, max: f32) -> Result<f32, Error> {
    let at_one = typeface(style)?.width(text, 1.0)?;
    if at_one <= 0.0 {
        return Ok(max);
    }
    Ok((width / at_one).min(max))
}

fn circle(content: &mut Content, cx: f32, cy: f32, r: f32, width: f32) {
    // Four Bézier quarters.
    let k = 0.552_284_8 * r;
    content
        .set_line_width(width)
        .move_to(cx + r, cy)
        .cubic_to(cx + r, cy + k, cx + k, cy + r, cx, cy + r)
        .cubic_to(cx - k, cy + r, cx - r, cy + k, cx - r, cy)
        .cubic_to(cx - r, cy - k, cx - k, cy - r, cx, cy - r)
        .cubic_to(cx + k, cy - r, cx + r, cy - k, cx + r, cy)
        .stroke();
}

fn star(content: &mut Content, cx: f32, cy: f32, r: f32) {
    let point = |i: usize, radius: f32| {
        let angle = std::f32::consts::FRAC_PI_2 + i as f32 * std::f32::consts::PI / 5.0;
        (cx + radius * angle.cos(), cy + radius * angle.sin())
    };
    let (x, y) = point(0, r);
    content.move_to(x, y);
    for i in 1..10 {
        let (x, y) = point(i, if i % 2 == 0 { r } else { r * 0.4 });
        content.line_to(x, y);
    }
    content.close_path().fill_nonzero();
}

/// Writes the picture as an image XObject, its transparency as a soft
/// mask; returns the image's reference.
fn write_image(chunk: &mut Chunk, image: &MarkImage, alloc: &mut impl FnMut() -> Ref) -> Result<Ref, Error> {
    let id = alloc();
    let mask_id = image.alpha.as_ref().map(|_| alloc());
    let samples = compress(&image.rgb)?;
    let width = i32::try_from(image.width).map_err(|_| Error::Image("too wide".into()))?;
    let height = i32::try_from(image.height).map_err(|_| Error::Image("too tall".into()))?;
    {
        let mut xobject = samples_xobject(chunk, id, &samples, (width, height), true);
        if let Some(mask_id) = mask_id {
            xobject.s_mask(mask_id);
        }
        xobject.finish();
    }
    if let (Some(mask_id), Some(alpha)) = (mask_id, &image.alpha) {
        let samples = compress(alpha)?;
        samples_xobject(chunk, mask_id, &samples, (width, height), false).finish();
    }
    Ok(id)
}

/// An image XObject of 8-bit Flate-compressed `samples`, in colour (RGB)
/// or grey: the picture and its soft mask are both written so.
fn samples_xobject<'a>(
    chunk: &'a mut Chunk,
    id: Ref,
    samples: &'a [u8],
    (width, height): (i32, i32),
    rgb: bool,
) -> pdf_writer::writers::ImageXObject<'a> {
    let mut xobject = chunk.image_xobject(id, samples);
    xobject.filter(pdf_writer::Filter::FlateDecode);
    xobject.width(width);
    xobject.height(height);
    if rgb {
        xobject.color_space().device_rgb();
    } else {
        xobject.color_space().device_gray();
    }
    xobject.bits_per_component(8);
    xobject
}

/// The objects a chunk holds, split at their `N 0 obj` headers.
fn split_chunk(chunk: &Chunk) -> Vec<Object> {
    let bytes = chunk.as_bytes();
    let mut starts: Vec<(usize, u64)> = Vec::new();
    for reference in chunk.refs() {
        let header = format!("{} 0 obj", reference.get());
        let mut from = 0;
        while let Some(p) = bytes[from..].windows(header.len()).position(|w| w == header.as_bytes()) {
            let at = from + p;
            if at == 0 || bytes[at - 1] == b'\n' {
                starts.push((at, reference.get() as u64));
                break;
            }
            from = at + 1;
        }
    }
    starts.sort();
    starts
        .iter()
        .enumerate()
        .map(|(i, (at, number))| {
            let end = starts.get(i + 1).map(|(next, _)| *next).unwrap_or(bytes.len());
            Object {
                reference: parse::Reference {
                    number: *number,
                    generation: 0,
                },
                bytes: bytes[*at..end].to_vec(),
            }
        })
        .collect()
}

/// Signs the named field: returns the PDF with one more revision.
pub async fn sign(pdf: &[u8], signing: Signing<'_>) -> Result<Vec<u8>, Error> {
    let trailer = Trailer::read(pdf)?;
    let offsets = parse::object_offsets(pdf)?;
    let root = trailer.root()?;
    let catalog = parse::object_dict(pdf, &offsets, root.number)?;
    let (field_number, field) = find_field(pdf, &offsets, &catalog, signing.field)?;
    if field.contains("/V ") {
        return Err(Error::AlreadySigned(signing.field.into()));
    }
    let [x1, y1, x2, y2] = rect_of(&field)?;
    let (width, height) = ((x2 - x1).abs(), (y2 - y1).abs());

    let mut next = trailer.size()? as i32;
    let mut alloc = || {
        let r = Ref::new(next);
        next += 1;
        r
    };
    let sig_id = alloc();
    let ap_id = alloc();

    let mut fonts = FontSubsets::default();
    let drawing = appearance(&signing.mark, width, height, &signing.time, &mut fonts)?;
    let font_ids = fonts.allocate(&mut alloc);
    let mut chunk = Chunk::new();
    let image_id = match signing.mark.image() {
        Some(image) => Some(write_image(&mut chunk, image, &mut alloc)?),
        None => None,
    };
    let compressed = compress(&drawing)?;
    {
        let mut form = chunk.form_xobject(ap_id, &compressed);
        form.filter(pdf_writer::Filter::FlateDecode);
        form.bbox(Rect::new(0.0, 0.0, width, height));
        let mut resources = form.resources();
        FontSubsets::name_in(&mut resources, &font_ids);
        if let Some(id) = image_id {
            resources.x_objects().pair(Name(IMAGE_NAME), id);
        }
        resources.finish();
        form.finish();
    }
    fonts.write(&mut chunk, &font_ids, &mut alloc)?;
    let size = next as u64;

    let sig_dict = signature_dictionary(signing.signer, &signing.time, &signing.reason, &signing.location)?;
    let widget = format!(
        "{} /V {} 0 R /AP << /N {} 0 R >> >>",
        field.trim_end().trim_end_matches(">>").trim_end(),
        sig_id.get(),
        ap_id.get()
    );
    let catalog = if catalog.contains("/SigFlags") {
        catalog
    } else {
        catalog.replacen("/AcroForm <<", "/AcroForm << /SigFlags 3", 1)
    };
    let mut objects = vec![
        Object::fresh(sig_id.get() as u64, &sig_dict),
        Object::new(
            parse::Reference {
                number: field_number,
                generation: parse::xref::generation(&offsets, field_number),
            },
            &widget,
        ),
        Object::new(root, &catalog),
    ];
    objects.extend(split_chunk(&chunk));
    append_signed(pdf, &trailer, size, objects, sig_id.get() as u64, signing.signer).await
}

/// Who issues a document: the person who signs it and the body whose
/// seal it carries, with the names the marks show.
pub struct Issuers<'a> {
    pub person: &'a dyn Signer,
    pub person_name: &'a str,
    pub body: &'a dyn Signer,
    pub body_name: &'a str,
    pub location: &'a str,
    /// The pictures of the signature and of the seal, when held.
    pub person_image: Option<Arc<MarkImage>>,
    pub body_image: Option<Arc<MarkImage>>,
}

/// Signs a rendered document as its signer, then seals it as the issuing
/// body: the two signatures an issued document carries.
pub async fn issue(pdf: &[u8], issuers: &Issuers<'_>, time: DateTime<FixedOffset>) -> Result<Vec<u8>, Error> {
    let signed = sign(
        pdf,
        Signing {
            field: crate::official::SIGNER_FIELD,
            signer: issuers.person,
            time,
            reason: "Ký ban hành".into(),
            location: issuers.location.into(),
            mark: Mark::Signature {
                signer: issuers.person_name.into(),
                image: issuers.person_image.clone(),
            },
        },
    )
    .await?;
    sign(
        &signed,
        Signing {
            field: crate::official::ISSUER_FIELD,
            signer: issuers.body,
            time,
            reason: "Phát hành".into(),
            location: issuers.location.into(),
            mark: Mark::Seal {
                body: issuers.body_name.into(),
                image: issuers.body_image.clone(),
            },
        },
    )
    .await
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn dates_carry_vietnam_time_zone() {
        let tz = FixedOffset::east_opt(7 * 3600).unwrap();
        let t = tz.with_ymd_and_hms(2026, 3, 5, 9, 12, 30).unwrap();
        assert_eq!(pdf_date(&t), "D:20260305091230+07'00'");
    }
}
