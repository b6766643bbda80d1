//! Reading what the signing and verifying steps need from a PDF's bytes:
//! the last trailer, the newest version of an object written by this
//! crate (classic cross-reference tables), and every signature
//! dictionary's byte range and contents, which any conforming signer
//! writes in the clear whatever the rest of the file uses.

use std::collections::BTreeMap;

use crate::Error;

fn malformed(what: &str) -> Error {
    Error::Malformed(what.to_string())
}

fn find(haystack: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    haystack
        .get(from..)?
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|p| p + from)
}

fn rfind(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).rposition(|w| w == needle)
}

/// The integer that starts at `at` after optional whitespace, and where
/// it ends.
fn integer_at(bytes: &[u8], mut at: usize) -> Option<(u64, usize)> {
    while bytes.get(at).is_some_and(|b| b.is_ascii_whitespace()) {
        at += 1;
    }
    let start = at;
    while bytes.get(at).is_some_and(u8::is_ascii_digit) {
        at += 1;
    }
    std::str::from_utf8(bytes.get(start..at)?)
        .ok()?
        .parse()
        .ok()
        .map(|n| (n, at))
}

/// The value of `/Key` in a dictionary's text when it is an integer or an
/// indirect reference ("3 0 R" gives 3).
pub fn integer_entry(dict: &str, key: &str) -> Option<u64> {
    let at = dict.find(&format!("/{key}"))? + key.len() + 1;
    let rest = dict.get(at..)?;
    // The key must end here (not "/Size" inside "/SizeX").
    if rest.starts_with(|c: char| c.is_ascii_alphanumeric()) {
        return None;
    }
    integer_at(rest.as_bytes(), 0).map(|(n, _)| n)
}

/// The last trailer: where the newest cross-reference section starts and
/// the trailer dictionary's text.
pub struct Trailer {
    pub startxref: u64,
    pub dict: String,
}

impl Trailer {
    pub fn read(pdf: &[u8]) -> Result<Trailer, Error> {
        let at = rfind(pdf, b"startxref").ok_or_else(|| malformed("no startxref"))?;
        let (startxref, _) = integer_at(pdf, at + 9).ok_or_else(|| malformed("bad startxref"))?;
        let trailer = rfind(pdf, b"trailer").ok_or_else(|| {
            Error::Unsupported("a PDF with a cross-reference stream (this crate signs the PDFs it writes)".into())
        })?;
        let dict = String::from_utf8_lossy(pdf.get(trailer + 7..at).unwrap_or_default()).into_owned();
        Ok(Trailer { startxref, dict })
    }

    pub fn size(&self) -> Result<u64, Error> {
        integer_entry(&self.dict, "Size").ok_or_else(|| malformed("trailer without /Size"))
    }

    pub fn root(&self) -> Result<u64, Error> {
        integer_entry(&self.dict, "Root").ok_or_else(|| malformed("trailer without /Root"))
    }

    /// The trailer's `/Info` and `/ID` entries as written, to carry into
    /// the next revision.
    pub fn carried_entries(&self) -> String {
        let mut out = String::new();
        if let Some(info) = integer_entry(&self.dict, "Info") {
            out.push_str(&format!(" /Info {info} 0 R"));
        }
        if let Some(at) = self.dict.find("/ID")
            && let Some(end) = self.dict[at..].find(']')
        {
            out.push(' ');
            out.push_str(&self.dict[at..at + end + 1]);
        }
        out
    }
}

/// Where each object's newest version starts, from the cross-reference
/// tables of every revision, newest first.
pub fn object_offsets(pdf: &[u8]) -> Result<BTreeMap<u64, u64>, Error> {
    let mut offsets = BTreeMap::new();
    let mut next = Some(Trailer::read(pdf)?.startxref);
    let mut seen = 0;
    while let Some(section) = next {
        seen += 1;
        if seen > 1000 {
            return Err(malformed("cross-reference chain loops"));
        }
        let at = usize::try_from(section).map_err(|_| malformed("offset"))?;
        if pdf.get(at..at + 4) != Some(b"xref") {
            return Err(Error::Unsupported("a cross-reference stream".into()));
        }
        let mut pos = at + 4;
        while let Some((first, after)) = integer_at(pdf, pos) {
            let (count, after) = integer_at(pdf, after).ok_or_else(|| malformed("xref subsection"))?;
            pos = after;
            while pdf.get(pos).is_some_and(|b| b.is_ascii_whitespace()) {
                pos += 1;
            }
            for i in 0..count {
                let entry = pdf.get(pos..pos + 20).ok_or_else(|| malformed("xref entry"))?;
                let offset: u64 = std::str::from_utf8(&entry[..10])
                    .ok()
                    .and_then(|s| s.parse().ok())
                    .ok_or_else(|| malformed("xref entry"))?;
                if entry[17] == b'n' {
                    offsets.entry(first + i).or_insert(offset);
                }
                pos += 20;
            }
        }
        let trailer_at = find(pdf, b"trailer", pos).ok_or_else(|| malformed("no trailer"))?;
        let end = find(pdf, b"startxref", trailer_at).unwrap_or(pdf.len());
        let dict = String::from_utf8_lossy(&pdf[trailer_at..end]);
        next = integer_entry(&dict, "Prev");
    }
    Ok(offsets)
}

/// The newest text of object `number`'s dictionary (between `obj` and
/// `endobj`), for objects without a stream.
pub fn object_dict(pdf: &[u8], offsets: &BTreeMap<u64, u64>, number: u64) -> Result<String, Error> {
    let at = *offsets
        .get(&number)
        .ok_or_else(|| malformed(&format!("object {number} is missing")))? as usize;
    let header = format!("{number} 0 obj");
    if pdf.get(at..at + header.len()) != Some(header.as_bytes()) {
        return Err(malformed(&format!("object {number} is not where the table says")));
    }
    let end = find(pdf, b"endobj", at).ok_or_else(|| malformed("object without endobj"))?;
    Ok(String::from_utf8_lossy(&pdf[at + header.len()..end]).trim().to_string())
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
    fn entries_are_read_whole() {
        let dict = "<< /Size 12 /Root 1 0 R /Info 3 0 R >>";
        assert_eq!(integer_entry(dict, "Size"), Some(12));
        assert_eq!(integer_entry(dict, "Root"), Some(1));
        assert_eq!(integer_entry("<< /SizeX 4 >>", "Size"), None);
    }

    #[test]
    fn hex_contents_decode_with_whitespace() {
        assert_eq!(hex_decode(b"30 8\n2"), Some(vec![0x30, 0x82]));
        assert_eq!(hex_decode(b"3"), None);
    }
}
