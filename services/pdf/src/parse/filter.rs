//! Decoding the streams the cross-reference reading needs: Flate
//! (zlib) with or without the PNG predictors that writers put before
//! cross-reference streams (ISO 32000-1 §7.4.4).

use std::io::Read;

use super::syntax::{composite_entry, integer_entry, name_entry};
use crate::Error;

/// The most a decoded cross-reference or object stream may hold: far
/// more than any real document's, and a bound on what a hostile file
/// can make the service allocate.
const MAX_DECODED: u64 = 64 * 1024 * 1024;

/// The stream's data decoded as its dictionary says.
pub fn decode(dict: &str, raw: &[u8]) -> Result<Vec<u8>, Error> {
    // One filter, named or as a one-element array.
    let filter = match composite_entry(dict, "Filter") {
        Some((from, to)) => Some(dict[from + 1..to - 1].trim().trim_start_matches('/')),
        None => name_entry(dict, "Filter"),
    };
    let data = match filter {
        None | Some("") => raw.to_vec(),
        Some("FlateDecode") => inflate(raw)?,
        Some(other) => {
            return Err(Error::Unsupported(format!("a stream compressed with /{other}")));
        }
    };
    let parms = composite_entry(dict, "DecodeParms")
        .map(|(from, to)| dict[from..to].trim_start_matches('[').trim_end_matches(']'))
        .unwrap_or("<< >>");
    let predictor = integer_entry(parms, "Predictor").unwrap_or(1);
    match predictor {
        1 => Ok(data),
        10..=15 => {
            let columns = integer_entry(parms, "Columns").unwrap_or(1);
            let colors = integer_entry(parms, "Colors").unwrap_or(1);
            let bits = integer_entry(parms, "BitsPerComponent").unwrap_or(8);
            let bpp = usize::try_from((colors * bits).div_ceil(8)).map_err(|_| bad("predictor"))?;
            let row = usize::try_from((columns * colors * bits).div_ceil(8)).map_err(|_| bad("predictor"))?;
            unpredict_png(&data, row, bpp.max(1))
        }
        _ => Err(Error::Unsupported(format!("predictor {predictor}"))),
    }
}

fn bad(what: &str) -> Error {
    Error::Malformed(format!("stream: {what}"))
}

/// Zlib data, tolerating a missing or damaged checksum at the end as
/// readers do.
fn inflate(raw: &[u8]) -> Result<Vec<u8>, Error> {
    let mut out = Vec::new();
    let mut decoder = flate2::read::ZlibDecoder::new(raw).take(MAX_DECODED + 1);
    match decoder.read_to_end(&mut out) {
        Ok(_) => {}
        Err(_) if !out.is_empty() => {}
        Err(e) => return Err(bad(&e.to_string())),
    }
    if out.len() as u64 > MAX_DECODED {
        return Err(bad("decodes to too much"));
    }
    Ok(out)
}

/// Undoes the PNG row filters: each row is a filter byte then `row` bytes.
fn unpredict_png(data: &[u8], row: usize, bpp: usize) -> Result<Vec<u8>, Error> {
    if row == 0 {
        return Err(bad("no columns"));
    }
    let mut out: Vec<u8> = Vec::with_capacity(data.len());
    let mut previous = vec![0u8; row];
    for line in data.chunks(row + 1) {
        let (&filter, bytes) = line.split_first().ok_or_else(|| bad("empty row"))?;
        let mut current = bytes.to_vec();
        current.resize(row, 0);
        for i in 0..row {
            let left = if i >= bpp { current[i - bpp] } else { 0 };
            let up = previous[i];
            let up_left = if i >= bpp { previous[i - bpp] } else { 0 };
            let add = match filter {
                0 => 0,
                1 => left,
                2 => up,
                3 => ((u16::from(left) + u16::from(up)) / 2) as u8,
                4 => paeth(left, up, up_left),
                _ => return Err(bad("PNG filter")),
            };
            current[i] = current[i].wrapping_add(add);
        }
        out.extend_from_slice(&current);
        previous = current;
    }
    Ok(out)
}

fn paeth(a: u8, b: u8, c: u8) -> u8 {
    let p = i16::from(a) + i16::from(b) - i16::from(c);
    let (pa, pb, pc) = (
        (p - i16::from(a)).abs(),
        (p - i16::from(b)).abs(),
        (p - i16::from(c)).abs(),
    );
    if pa <= pb && pa <= pc {
        a
    } else if pb <= pc {
        b
    } else {
        c
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    #[test]
    fn png_up_rows_are_undone() {
        // Two rows of three: [1 2 3] then [1 3 5] written as differences.
        let data = [2, 1, 2, 3, 2, 0, 1, 2];
        assert_eq!(unpredict_png(&data, 3, 1).unwrap(), vec![1, 2, 3, 1, 3, 5]);
    }

    #[test]
    fn flate_streams_with_a_predictor_decode() {
        let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
        z.write_all(&[2, 1, 2, 3, 2, 0, 1, 2]).unwrap();
        let raw = z.finish().unwrap();
        let dict = "<< /Filter /FlateDecode /DecodeParms << /Columns 3 /Predictor 12 >> >>";
        assert_eq!(decode(dict, &raw).unwrap(), vec![1, 2, 3, 1, 3, 5]);
        assert!(matches!(
            decode("<< /Filter /LZWDecode >>", &raw),
            Err(Error::Unsupported(_))
        ));
    }
}
