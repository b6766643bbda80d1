//! The signed revision appended to a PDF (an incremental update, so that
//! what was signed before stays byte for byte as signed): the new and
//! changed objects, their cross-reference section in the form the file
//! already uses (a classic table, or a cross-reference stream for a file
//! whose last section is one), the trailer, then the byte range filled in
//! and the CMS signature over every byte but its own.

use chrono::{DateTime, FixedOffset};
use sha2::{Digest, Sha256};

use super::{Signer, cms, common_name};
use crate::Error;
use crate::parse::{Reference, Trailer};

/// Room reserved for the CMS signature, in bytes: a chain of three RSA
/// 4096 certificates fits with margin.
pub(crate) const SIGNATURE_ROOM: usize = 16 * 1024;
/// The byte range as first written, rewritten in place at the same length.
const BYTE_RANGE_PLACEHOLDER: &str = "[0 0000000000 0000000000 0000000000]";

/// One object of the new revision, as bytes (`N G obj … endobj`).
pub(crate) struct Object {
    pub reference: Reference,
    pub bytes: Vec<u8>,
}

impl Object {
    /// An object whose value is `text`.
    pub fn new(reference: Reference, text: &str) -> Object {
        Object {
            reference,
            bytes: format!("{} {} obj\n{}\nendobj\n", reference.number, reference.generation, text).into_bytes(),
        }
    }

    /// A new object (generation 0).
    pub fn fresh(number: u64, text: &str) -> Object {
        Object::new(Reference { number, generation: 0 }, text)
    }
}

/// A PDF text string in UTF-16BE, written as hex.
pub(crate) fn text_string(text: &str) -> String {
    let mut hex = String::from("<FEFF");
    for unit in text.encode_utf16() {
        hex.push_str(&format!("{unit:04X}"));
    }
    hex.push('>');
    hex
}

/// A PDF date: D:YYYYMMDDHHmmSS+07'00'.
pub fn pdf_date(time: &DateTime<FixedOffset>) -> String {
    let offset = time.offset().local_minus_utc();
    let sign = if offset < 0 { '-' } else { '+' };
    let offset = offset.abs();
    format!(
        "D:{}{sign}{:02}'{:02}'",
        time.format("%Y%m%d%H%M%S"),
        offset / 3600,
        (offset % 3600) / 60
    )
}

/// The signature dictionary's text, its byte range and contents written as
/// placeholders of their final length: who signed (the certificate's
/// name), when (`/M`, the signing time PAdES B-B names), why and where.
pub(crate) fn signature_dictionary(
    signer: &dyn Signer,
    time: &DateTime<FixedOffset>,
    reason: &str,
    location: &str,
) -> Result<String, Error> {
    let cert = signer
        .chain()
        .first()
        .ok_or_else(|| Error::Key("no certificate".into()))?;
    Ok(format!(
        "<< /Type /Sig /Filter /Adobe.PPKLite /SubFilter /ETSI.CAdES.detached /ByteRange {BYTE_RANGE_PLACEHOLDER} /Contents <{}> /M ({}) /Name {} /Reason {} /Location {} >>",
        "0".repeat(SIGNATURE_ROOM * 2),
        pdf_date(time),
        text_string(&common_name(cert)),
        text_string(reason),
        text_string(location),
    ))
}

/// Appends `objects` as a new revision of `pdf` (whose trailer is
/// `trailer`, next free object number `size`) and signs it with the
/// signature dictionary `signature` (one of `objects`).
pub(crate) async fn append_signed(
    pdf: &[u8],
    trailer: &Trailer,
    size: u64,
    objects: Vec<Object>,
    signature: u64,
    signer: &dyn Signer,
) -> Result<Vec<u8>, Error> {
    let root = trailer.root()?;
    let mut out = pdf.to_vec();
    if !out.ends_with(b"\n") {
        out.push(b'\n');
    }
    let mut entries: Vec<(Reference, usize)> = Vec::with_capacity(objects.len() + 1);
    for object in &objects {
        entries.push((object.reference, out.len()));
        out.extend_from_slice(&object.bytes);
        if !object.bytes.ends_with(b"\n") {
            out.push(b'\n');
        }
    }
    let carried = trailer.carried_entries();
    let xref_at = out.len();
    if trailer.stream {
        // The file's sections are streams: so is this one, in the object
        // numbered `size`, uncompressed (1-byte type, 4-byte offset,
        // 2-byte generation).
        let own = Reference {
            number: size,
            generation: 0,
        };
        entries.push((own, xref_at));
        entries.sort();
        let mut index = Vec::new();
        let mut data = Vec::new();
        for run in runs(&entries) {
            index.push(format!("{} {}", run[0].0.number, run.len()));
            for (reference, offset) in run {
                let offset = u32::try_from(*offset).map_err(|_| Error::Write("a PDF over 4 GiB".into()))?;
                data.push(1u8);
                data.extend_from_slice(&offset.to_be_bytes());
                data.extend_from_slice(&reference.generation.to_be_bytes());
            }
        }
        out.extend_from_slice(
            format!(
                "{size} 0 obj\n<< /Type /XRef /Size {} /Root {root}{carried} /Prev {} /W [1 4 2] /Index [{}] /Length {} >>\nstream\n",
                size + 1,
                trailer.startxref,
                index.join(" "),
                data.len()
            )
            .as_bytes(),
        );
        out.extend_from_slice(&data);
        out.extend_from_slice(format!("\nendstream\nendobj\nstartxref\n{xref_at}\n%%EOF\n").as_bytes());
    } else {
        entries.sort();
        out.extend_from_slice(b"xref\n");
        for run in runs(&entries) {
            out.extend_from_slice(format!("{} {}\n", run[0].0.number, run.len()).as_bytes());
            for (reference, offset) in run {
                out.extend_from_slice(format!("{offset:010} {:05} n\r\n", reference.generation).as_bytes());
            }
        }
        out.extend_from_slice(
            format!(
                "trailer\n<< /Size {size} /Root {root}{carried} /Prev {} >>\nstartxref\n{xref_at}\n%%EOF\n",
                trailer.startxref
            )
            .as_bytes(),
        );
    }

    // Fill in the byte range, then sign what it covers.
    let sig_entry = entries
        .iter()
        .find(|(r, _)| r.number == signature)
        .map(|(_, at)| *at)
        .ok_or_else(|| Error::Write("signature object".into()))?;
    let find_after = |needle: &[u8]| {
        out[sig_entry..]
            .windows(needle.len())
            .position(|w| w == needle)
            .map(|p| sig_entry + p)
    };
    let range_at = find_after(BYTE_RANGE_PLACEHOLDER.as_bytes()).ok_or_else(|| Error::Write("byte range".into()))?;
    let contents_at = find_after(b"/Contents <").ok_or_else(|| Error::Write("contents".into()))? + "/Contents ".len();
    let contents_end = contents_at + SIGNATURE_ROOM * 2 + 2;
    let range = format!("[0 {contents_at} {contents_end} {}", out.len() - contents_end);
    let padded = format!("{range:<width$}]", width = BYTE_RANGE_PLACEHOLDER.len() - 1);
    out[range_at..range_at + padded.len()].copy_from_slice(padded.as_bytes());

    let mut hasher = Sha256::new();
    hasher.update(&out[..contents_at]);
    hasher.update(&out[contents_end..]);
    let digest = hasher.finalize();
    let cms = cms::sign_digest(&digest, signer).await?;
    if cms.len() > SIGNATURE_ROOM {
        return Err(Error::Key(
            "the signature is larger than the room reserved for it".into(),
        ));
    }
    let hex: String = cms.iter().map(|b| format!("{b:02X}")).collect();
    out[contents_at + 1..contents_at + 1 + hex.len()].copy_from_slice(hex.as_bytes());
    Ok(out)
}

/// Consecutive object numbers, for the cross-reference subsections.
fn runs(entries: &[(Reference, usize)]) -> Vec<&[(Reference, usize)]> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < entries.len() {
        let mut j = i;
        while j + 1 < entries.len() && entries[j + 1].0.number == entries[j].0.number + 1 {
            j += 1;
        }
        out.push(&entries[i..=j]);
        i = j + 1;
    }
    out
}
