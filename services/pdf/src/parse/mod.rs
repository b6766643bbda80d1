//! Reading what the signing and verifying steps need from a PDF's bytes:
//! the last trailer, the newest version of an object whether the file
//! keeps classic cross-reference tables or cross-reference streams with
//! object streams (what most office suites write since PDF 1.5)
//! ([`xref`], [`filter`], [`syntax`]), and every signature dictionary's
//! byte range and contents, which any conforming signer writes in the
//! clear whatever the rest of the file uses.

pub mod filter;
pub mod syntax;
pub mod xref;

use crate::Error;
pub use syntax::{Reference, integer_entry};
use syntax::{find, integer_at, rfind};
pub use xref::{Location, Locations};

fn malformed(what: &str) -> Error {
    Error::Malformed(what.to_string())
}

/// The last trailer: where the newest cross-reference section starts, the
/// trailer dictionary's text (a cross-reference stream's dictionary holds
/// the same entries) and whether that section is a stream.
pub struct Trailer {
    pub startxref: u64,
    pub dict: String,
    pub stream: bool,
}

impl Trailer {
    pub fn read(pdf: &[u8]) -> Result<Trailer, Error> {
        let at = rfind(pdf, b"startxref").ok_or_else(|| malformed("no startxref"))?;
        let (startxref, _) = integer_at(pdf, at + 9).ok_or_else(|| malformed("bad startxref"))?;
        let section = xref::section(pdf, startxref)?;
        Ok(Trailer {
            startxref,
            dict: section.dict,
            stream: section.stream,
        })
    }

    pub fn size(&self) -> Result<u64, Error> {
        integer_entry(&self.dict, "Size").ok_or_else(|| malformed("trailer without /Size"))
    }

    pub fn root(&self) -> Result<Reference, Error> {
        syntax::reference_entry(&self.dict, "Root").ok_or_else(|| malformed("trailer without /Root"))
    }

    /// Whether the file is encrypted: a new revision would have to
    /// encrypt its strings with the file's key, which the suite does not
    /// hold.
    pub fn encrypted(&self) -> bool {
        syntax::entry_at(&self.dict, "Encrypt").is_some()
    }

    /// The trailer's `/Info` and `/ID` entries as written, to carry into
    /// the next revision.
    pub fn carried_entries(&self) -> String {
        let mut out = String::new();
        if let Some(info) = syntax::reference_entry(&self.dict, "Info") {
            out.push_str(&format!(" /Info {info}"));
        }
        if let Some((from, to)) = syntax::composite_entry(&self.dict, "ID") {
            out.push_str(&format!(" /ID {}", &self.dict[from..to]));
        }
        out
    }
}

/// Where each object's newest version is, from the cross-reference
/// sections of every revision (tables or streams), newest first.
pub fn object_offsets(pdf: &[u8]) -> Result<Locations, Error> {
    xref::locations(pdf, Trailer::read(pdf)?.startxref)
}

/// The newest text of object `number`: its dictionary or array, without
/// any stream data, whether it stands in the file or in an object stream.
pub fn object_dict(pdf: &[u8], offsets: &Locations, number: u64) -> Result<String, Error> {
    xref::object_text(pdf, offsets, number)
}

/// One signature dictionary as found in the file.
#[derive(Clone, Debug)]
pub struct FoundSignature {
    /// The signed ranges: [start, length, start, length].
    pub byte_range: [u64; 4],
    /// The CMS object, hex-decoded, trailing padding included.
    pub contents: Vec<u8>,
    /// The dictionary's text around the byte range (for /M, /Name).
    pub dict: String,
}

impl FoundSignature {
    /// Where the signed bytes end: the end of the revision it signed.
    pub fn covered_end(&self) -> u64 {
        self.byte_range[2].saturating_add(self.byte_range[3])
    }
}

/// The most signatures a document is expected to carry; a file with more
/// is judged without reading the rest (each one costs a pass over the file).
pub const MAX_SIGNATURES: usize = 32;

/// Every signature dictionary in the file, in the order they appear; at
/// most one more than [`MAX_SIGNATURES`].
pub fn signatures(pdf: &[u8]) -> Vec<FoundSignature> {
    let mut found = Vec::new();
    let mut from = 0;
    while let Some(at) = find(pdf, b"/ByteRange", from) {
        if found.len() > MAX_SIGNATURES {
            break;
        }
        from = at + 10;
        let Some(open) = find(pdf, b"[", at) else { break };
        let mut numbers = [0u64; 4];
        let mut pos = open + 1;
        let mut ok = true;
        for n in &mut numbers {
            match integer_at(pdf, pos) {
                Some((value, after)) => {
                    *n = value;
                    pos = after;
                }
                None => ok = false,
            }
        }
        if !ok {
            continue;
        }
        // The contents are the hex string the byte range leaves out.
        let gap_start = numbers[1] as usize;
        let gap_end = numbers[2] as usize;
        let Some(gap) = pdf.get(gap_start..gap_end) else {
            continue;
        };
        if gap.first() != Some(&b'<') || gap.last() != Some(&b'>') {
            continue;
        }
        let Some(contents) = hex_decode(&gap[1..gap.len() - 1]) else {
            continue;
        };
        // The dictionary: from its "<<" before to its ">>" after.
        let dict_start = rfind(&pdf[..at.min(gap_start)], b"obj").unwrap_or(0);
        let dict_end = find(pdf, b"endobj", gap_end).unwrap_or(pdf.len());
        let mut dict = String::from_utf8_lossy(&pdf[dict_start..gap_start]).into_owned();
        dict.push_str(&String::from_utf8_lossy(&pdf[gap_end..dict_end]));
        found.push(FoundSignature {
            byte_range: numbers,
            contents,
            dict,
        });
    }
    found
}

fn hex_decode(hex: &[u8]) -> Option<Vec<u8>> {
    let digits: Vec<u8> = hex.iter().copied().filter(|b| !b.is_ascii_whitespace()).collect();
    if !digits.len().is_multiple_of(2) {
        return None;
    }
    digits
        .chunks(2)
        .map(|pair| u8::from_str_radix(std::str::from_utf8(pair).ok()?, 16).ok())
        .collect()
}

/// The end of each revision: just after each `%%EOF` that closes a
/// `startxref` (the marker also appears inside ToUnicode maps).
pub fn revision_ends(pdf: &[u8]) -> Vec<u64> {
    let mut ends = Vec::new();
    let mut from = 0;
    while let Some(at) = find(pdf, b"startxref", from) {
        from = at + 9;
        let Some((_, after)) = integer_at(pdf, at + 9) else {
            continue;
        };
        let mut end = after;
        while pdf.get(end).is_some_and(|b| b.is_ascii_whitespace()) {
            end += 1;
        }
        if pdf.get(end..end + 5) != Some(b"%%EOF") {
            continue;
        }
        end += 5;
        // The line end after the marker belongs to the revision.
        while pdf.get(end).is_some_and(|b| *b == b'\r' || *b == b'\n') {
            end += 1;
        }
        ends.push(end as u64);
    }
    ends
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_contents_decode_with_whitespace() {
        assert_eq!(hex_decode(b"30 8\n2"), Some(vec![0x30, 0x82]));
        assert_eq!(hex_decode(b"3"), None);
    }
}
