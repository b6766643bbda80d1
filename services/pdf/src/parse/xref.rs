//! Where a PDF's objects are: the cross-reference sections of every
//! revision, classic tables (`xref` … `trailer`) or cross-reference
//! streams (PDF 1.5, often with the objects packed in object streams),
//! newest first along the `/Prev` chain; and reading one object's text
//! wherever it is.

use std::collections::BTreeMap;

use super::filter;
use super::syntax::{
    Reference, close_of, dictionary_at, find, integer_at, integer_entry, integers_entry, numbered_at, reference_entry,
    skip_space,
};
use crate::Error;

fn malformed(what: &str) -> Error {
    Error::Malformed(what.to_string())
}

/// Where an object's newest version is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Location {
    /// At this byte offset, as `N G obj`.
    At { offset: u64, generation: u16 },
    /// The `index`th object of object stream `stream`.
    InStream { stream: u64, index: u64 },
    /// Deleted in a newer revision.
    Free,
}

/// Every object's newest location.
pub type Locations = BTreeMap<u64, Location>;

/// The most revisions followed: a chain longer is a loop.
const MAX_SECTIONS: usize = 1000;

/// One cross-reference section: its entries, its trailer dictionary
/// (the stream's dictionary for a stream) and whether it is a stream.
pub struct Section {
    pub entries: Vec<(u64, Location)>,
    pub dict: String,
    pub stream: bool,
}

/// Reads the section at `offset`.
pub fn section(pdf: &[u8], offset: u64) -> Result<Section, Error> {
    let at = usize::try_from(offset).map_err(|_| malformed("offset"))?;
    let at = skip_space(pdf, at);
    if pdf.get(at..at + 4) == Some(b"xref") {
        table(pdf, at + 4)
    } else {
        stream_section(pdf, at)
    }
}

/// A classic table: subsections of `first count` then `count` entries of
/// `offset generation n|f`, then `trailer` and its dictionary.
fn table(pdf: &[u8], mut pos: usize) -> Result<Section, Error> {
    let mut entries = Vec::new();
    while let Some((first, after)) = integer_at(pdf, pos) {
        let (count, after) = integer_at(pdf, after).ok_or_else(|| malformed("xref subsection"))?;
        pos = after;
        if count > 10_000_000 {
            return Err(malformed("xref subsection"));
        }
        for i in 0..count {
            let (offset, after) = integer_at(pdf, pos).ok_or_else(|| malformed("xref entry"))?;
            let (generation, after) = integer_at(pdf, after).ok_or_else(|| malformed("xref entry"))?;
            let at = skip_space(pdf, after);
            let kind = *pdf.get(at).ok_or_else(|| malformed("xref entry"))?;
            pos = at + 1;
            let location = match kind {
                b'n' => Location::At {
                    offset,
                    generation: u16::try_from(generation).map_err(|_| malformed("generation"))?,
                },
                b'f' => Location::Free,
                _ => return Err(malformed("xref entry")),
            };
            entries.push((first + i, location));
        }
    }
    let trailer = find(pdf, b"trailer", pos).ok_or_else(|| malformed("no trailer"))?;
    let (dict, _) = dictionary_at(pdf, trailer + 7).ok_or_else(|| malformed("trailer dictionary"))?;
    let mut section = Section {
        entries,
        dict,
        stream: false,
    };
    // A hybrid file's table leaves objects in streams to a stream of its own.
    if let Some(at) = integer_entry(&section.dict, "XRefStm")
        && let Ok(extra) = section_stream_entries(pdf, at)
    {
        section.entries.extend(extra);
    }
    Ok(section)
}

fn section_stream_entries(pdf: &[u8], offset: u64) -> Result<Vec<(u64, Location)>, Error> {
    let at = usize::try_from(offset).map_err(|_| malformed("offset"))?;
    Ok(stream_section(pdf, at)?.entries)
}

/// An object's header `N G obj` at `at`: its reference and where its value
/// starts.
fn header_at(pdf: &[u8], at: usize) -> Option<(Reference, usize)> {
    numbered_at(pdf, at, b"obj")
}

/// A stream object at `at`: its dictionary and its raw data. `/Length`
/// is read when direct (or resolved by `length_of`), else the data runs
/// to `endstream`.
fn stream_object<'a>(
    pdf: &'a [u8],
    at: usize,
    length_of: &dyn Fn(Reference) -> Option<u64>,
) -> Result<(Reference, String, &'a [u8]), Error> {
    let (reference, value) = header_at(pdf, at).ok_or_else(|| malformed("object header"))?;
    let (dict, after) = dictionary_at(pdf, value).ok_or_else(|| malformed("stream dictionary"))?;
    let keyword = skip_space(pdf, after);
    if pdf.get(keyword..keyword + 6) != Some(b"stream") {
        return Err(malformed("stream keyword"));
    }
    let mut start = keyword + 6;
    if pdf.get(start) == Some(&b'\r') {
        start += 1;
    }
    if pdf.get(start) == Some(&b'\n') {
        start += 1;
    }
    let length = match reference_entry(&dict, "Length") {
        Some(r) => length_of(r),
        None => integer_entry(&dict, "Length"),
    };
    let declared = length
        .and_then(|n| usize::try_from(n).ok())
        .and_then(|n| start.checked_add(n))
        .filter(|end| {
            // The declared length must end at "endstream".
            let after = skip_space(pdf, *end);
            pdf.get(after..after + 9) == Some(b"endstream")
        });
    let end = match declared {
        Some(end) => end,
        None => {
            let mut end = find(pdf, b"endstream", start).ok_or_else(|| malformed("no endstream"))?;
            while end > start && pdf.get(end - 1).is_some_and(|b| *b == b'\n' || *b == b'\r') {
                end -= 1;
            }
            end
        }
    };
    Ok((reference, dict, &pdf[start..end]))
}

/// A cross-reference stream (ISO 32000-1 §7.5.8).
fn stream_section(pdf: &[u8], at: usize) -> Result<Section, Error> {
    let (_, dict, raw) = stream_object(pdf, at, &|_| None)?;
    if super::syntax::name_entry(&dict, "Type") != Some("XRef") {
        return Err(malformed(
            "startxref points at neither a table nor a cross-reference stream",
        ));
    }
    let data = filter::decode(&dict, raw)?;
    let widths = integers_entry(&dict, "W").ok_or_else(|| malformed("cross-reference stream without /W"))?;
    let [w0, w1, w2] = widths[..] else {
        return Err(malformed("/W"));
    };
    let (w0, w1, w2) = (w0 as usize, w1 as usize, w2 as usize);
    if w0 > 8 || w1 > 8 || w2 > 8 {
        return Err(malformed("/W"));
    }
    let size = integer_entry(&dict, "Size").ok_or_else(|| malformed("cross-reference stream without /Size"))?;
    let index = integers_entry(&dict, "Index").unwrap_or_else(|| vec![0, size]);
    let width = w0 + w1 + w2;
    if width == 0 {
        return Err(malformed("/W"));
    }
    let field = |bytes: &[u8]| bytes.iter().fold(0u64, |n, b| (n << 8) | u64::from(*b));
    let mut rows = data.chunks_exact(width);
    let mut entries = Vec::new();
    for pair in index.chunks(2) {
        let [first, count] = pair else {
            return Err(malformed("/Index"));
        };
        for i in 0..*count {
            let Some(row) = rows.next() else {
                return Err(malformed("cross-reference stream shorter than its /Index"));
            };
            let kind = if w0 == 0 { 1 } else { field(&row[..w0]) };
            let second = field(&row[w0..w0 + w1]);
            let third = field(&row[w0 + w1..]);
            let location = match kind {
                0 => Location::Free,
                1 => Location::At {
                    offset: second,
                    generation: u16::try_from(third).unwrap_or(0),
                },
                2 => Location::InStream {
                    stream: second,
                    index: third,
                },
                // Types other readers do not know are ignored as free.
                _ => continue,
            };
            entries.push((first + i, location));
        }
    }
    Ok(Section {
        entries,
        dict,
        stream: true,
    })
}

/// Every object's newest location, following `/Prev` from `startxref`.
pub fn locations(pdf: &[u8], startxref: u64) -> Result<Locations, Error> {
    let mut out = Locations::new();
    let mut next = Some(startxref);
    let mut seen = std::collections::BTreeSet::new();
    while let Some(offset) = next {
        if !seen.insert(offset) || seen.len() > MAX_SECTIONS {
            return Err(malformed("cross-reference chain loops"));
        }
        let section = section(pdf, offset)?;
        for (number, location) in section.entries {
            out.entry(number).or_insert(location);
        }
        next = integer_entry(&section.dict, "Prev");
    }
    Ok(out)
}

/// The value's text that starts at `at`: a dictionary (without a stream
/// after it), an array, or whatever runs to `endobj`.
fn value_text(pdf: &[u8], at: usize, end: usize) -> Result<String, Error> {
    let at = skip_space(pdf, at);
    let bounded = &pdf[..end.min(pdf.len())];
    let stop = match bounded.get(at) {
        Some(b'<' | b'[') => close_of(bounded, at).ok_or_else(|| malformed("unbalanced object"))?,
        Some(_) => find(bounded, b"endobj", at).unwrap_or(bounded.len()),
        None => return Err(malformed("object past the end")),
    };
    Ok(String::from_utf8_lossy(&pdf[at..stop]).trim().to_string())
}

/// The newest text of object `number`: its dictionary or array (without
/// any stream data), wherever it is kept.
pub fn object_text(pdf: &[u8], locations: &Locations, number: u64) -> Result<String, Error> {
    let missing = || malformed(&format!("object {number} is missing"));
    match locations.get(&number).copied().ok_or_else(missing)? {
        Location::At { offset, .. } => {
            let at = usize::try_from(offset).map_err(|_| malformed("offset"))?;
            let (reference, value) =
                header_at(pdf, at).ok_or_else(|| malformed(&format!("object {number} is not where the table says")))?;
            if reference.number != number {
                return Err(malformed(&format!("object {number} is not where the table says")));
            }
            value_text(pdf, value, pdf.len())
        }
        Location::InStream { stream, index } => {
            let Some(Location::At { offset, .. }) = locations.get(&stream).copied() else {
                return Err(malformed(&format!("object stream {stream} is missing")));
            };
            let at = usize::try_from(offset).map_err(|_| malformed("offset"))?;
            let length_of = |r: Reference| {
                object_text(pdf, locations, r.number)
                    .ok()
                    .and_then(|t| t.trim().parse().ok())
            };
            let (_, dict, raw) = stream_object(pdf, at, &length_of)?;
            let data = filter::decode(&dict, raw)?;
            let count = integer_entry(&dict, "N").ok_or_else(|| malformed("object stream without /N"))?;
            let first = integer_entry(&dict, "First").ok_or_else(|| malformed("object stream without /First"))?;
            let first = usize::try_from(first).map_err(|_| malformed("/First"))?;
            let mut pairs = Vec::new();
            let mut pos = 0;
            for _ in 0..count.min(1_000_000) {
                let Some((n, after)) = integer_at(&data, pos) else {
                    break;
                };
                let Some((o, after)) = integer_at(&data, after) else {
                    break;
                };
                pairs.push((n, o));
                pos = after;
            }
            let i = usize::try_from(index).map_err(|_| malformed("index"))?;
            let (n, o) = *pairs.get(i).ok_or_else(missing)?;
            if n != number {
                return Err(missing());
            }
            let start = first
                .checked_add(usize::try_from(o).map_err(|_| malformed("offset"))?)
                .filter(|s| *s <= data.len())
                .ok_or_else(missing)?;
            let end = pairs
                .get(i + 1)
                .and_then(|(_, next)| usize::try_from(*next).ok())
                .map(|next| first.saturating_add(next))
                .unwrap_or(data.len())
                .max(start);
            value_text(&data, start, end)
        }
        Location::Free => Err(missing()),
    }
}

/// The generation an object's next version is written with.
pub fn generation(locations: &Locations, number: u64) -> u16 {
    match locations.get(&number) {
        Some(Location::At { generation, .. }) => *generation,
        _ => 0,
    }
}
