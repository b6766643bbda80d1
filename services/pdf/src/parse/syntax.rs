//! The few pieces of PDF syntax the signing and verifying steps read:
//! integers, dictionaries and arrays found by balancing their brackets
//! (strings and hex strings skipped, so a `>>` inside a string does not
//! close anything), entries of a dictionary's text and indirect
//! references.

/// Finds `needle` in `haystack` from `from`.
pub fn find(haystack: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    haystack
        .get(from..)?
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|p| p + from)
}

/// The last place of `needle` in `haystack`.
pub fn rfind(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).rposition(|w| w == needle)
}

/// PDF whitespace (ISO 32000-1 Table 1).
pub fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\r' | b'\n' | 0x0c | 0)
}

/// The position after any whitespace and comments from `at`.
pub fn skip_space(bytes: &[u8], mut at: usize) -> usize {
    loop {
        while bytes.get(at).is_some_and(|b| is_space(*b)) {
            at += 1;
        }
        if bytes.get(at) == Some(&b'%') {
            while bytes.get(at).is_some_and(|b| *b != b'\r' && *b != b'\n') {
                at += 1;
            }
            continue;
        }
        return at;
    }
}

/// The unsigned integer that starts at `at` after optional whitespace,
/// and where it ends.
pub fn integer_at(bytes: &[u8], at: usize) -> Option<(u64, usize)> {
    let start = skip_space(bytes, at);
    let mut end = start;
    while bytes.get(end).is_some_and(u8::is_ascii_digit) {
        end += 1;
    }
    std::str::from_utf8(bytes.get(start..end)?)
        .ok()?
        .parse()
        .ok()
        .map(|n| (n, end))
}

/// Where the object opened at `open` (`<<`, `[`, `(` or `<`) closes: the
/// index just past its closing bracket.
pub fn close_of(bytes: &[u8], open: usize) -> Option<usize> {
    let mut depth: Vec<u8> = Vec::new();
    let mut at = open;
    loop {
        let b = *bytes.get(at)?;
        match b {
            b'(' => at = string_end(bytes, at)?,
            b'<' if bytes.get(at + 1) == Some(&b'<') => {
                depth.push(b'>');
                at += 2;
            }
            b'<' => at = find(bytes, b">", at)? + 1,
            b'[' => {
                depth.push(b']');
                at += 1;
            }
            b'>' if bytes.get(at + 1) == Some(&b'>') => {
                if depth.pop()? != b'>' {
                    return None;
                }
                at += 2;
            }
            b']' => {
                if depth.pop()? != b']' {
                    return None;
                }
                at += 1;
            }
            b'%' => {
                while bytes.get(at).is_some_and(|b| *b != b'\r' && *b != b'\n') {
                    at += 1;
                }
            }
            _ => at += 1,
        }
        if depth.is_empty() {
            return Some(at);
        }
    }
}

/// The end of the literal string opened at `open`: balanced parentheses,
/// backslash escapes.
fn string_end(bytes: &[u8], open: usize) -> Option<usize> {
    let mut depth = 0usize;
    let mut at = open;
    loop {
        match *bytes.get(at)? {
            b'\\' => at += 1,
            b'(' => depth += 1,
            b')' => {
                depth -= 1;
                if depth == 0 {
                    return Some(at + 1);
                }
            }
            _ => {}
        }
        at += 1;
    }
}

/// The dictionary that starts at `at` after whitespace: its text from
/// `<<` to `>>` inclusive and where it ends.
pub fn dictionary_at(bytes: &[u8], at: usize) -> Option<(String, usize)> {
    let start = skip_space(bytes, at);
    if bytes.get(start..start + 2) != Some(b"<<") {
        return None;
    }
    let end = close_of(bytes, start)?;
    Some((String::from_utf8_lossy(&bytes[start..end]).into_owned(), end))
}

/// Where the value of `/Key` starts in a dictionary's text, at its top
/// level (not inside a nested dictionary or array, not a longer key).
pub fn entry_at(dict: &str, key: &str) -> Option<usize> {
    let bytes = dict.as_bytes();
    let name = format!("/{key}");
    let mut at = skip_space(bytes, 0);
    // Inside the outer "<<".
    if bytes.get(at..at + 2) == Some(b"<<") {
        at += 2;
    }
    loop {
        at = skip_space(bytes, at);
        let b = *bytes.get(at)?;
        match b {
            b'/' => {
                let mut end = at + 1;
                while bytes
                    .get(end)
                    .is_some_and(|c| !is_space(*c) && !b"/<>[]()%{}".contains(c))
                {
                    end += 1;
                }
                if &dict[at..end] == name.as_str() {
                    return Some(end);
                }
                at = end;
            }
            b'<' | b'[' | b'(' => at = close_of(bytes, at)?,
            b'>' => return None,
            _ => at += 1,
        }
    }
}

/// The value of `/Key` when it is an integer or an indirect reference
/// ("3 0 R" gives 3).
pub fn integer_entry(dict: &str, key: &str) -> Option<u64> {
    integer_at(dict.as_bytes(), entry_at(dict, key)?).map(|(n, _)| n)
}

/// An indirect reference: object number and generation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Reference {
    pub number: u64,
    pub generation: u16,
}

impl std::fmt::Display for Reference {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {} R", self.number, self.generation)
    }
}

/// The reference `N G R` that starts at `at`, and where it ends.
pub fn reference_at(bytes: &[u8], at: usize) -> Option<(Reference, usize)> {
    numbered_at(bytes, at, b"R")
}

/// `N G` followed by `keyword` (`R` for a reference, `obj` for an object's
/// header) starting at `at`: the reference, and where the keyword ends.
pub fn numbered_at(bytes: &[u8], at: usize, keyword: &[u8]) -> Option<(Reference, usize)> {
    let (number, after) = integer_at(bytes, at)?;
    let (generation, after) = integer_at(bytes, after)?;
    let after = skip_space(bytes, after);
    let end = after + keyword.len();
    if bytes.get(after..end) != Some(keyword) {
        return None;
    }
    Some((
        Reference {
            number,
            generation: u16::try_from(generation).ok()?,
        },
        end,
    ))
}

/// The value of `/Key` when it is an indirect reference.
pub fn reference_entry(dict: &str, key: &str) -> Option<Reference> {
    reference_at(dict.as_bytes(), entry_at(dict, key)?).map(|(r, _)| r)
}

/// The integers of the array value of `/Key` (`/W [1 2 1]`).
pub fn integers_entry(dict: &str, key: &str) -> Option<Vec<u64>> {
    let at = skip_space(dict.as_bytes(), entry_at(dict, key)?);
    let end = close_of(dict.as_bytes(), at)?;
    let inner = dict.get(at + 1..end - 1)?;
    inner.split_whitespace().map(|n| n.parse().ok()).collect()
}

/// The name value of `/Key` (`/Filter /FlateDecode` gives "FlateDecode").
pub fn name_entry<'a>(dict: &'a str, key: &str) -> Option<&'a str> {
    let at = skip_space(dict.as_bytes(), entry_at(dict, key)?);
    let rest = dict.get(at..)?.strip_prefix('/')?;
    let end = rest
        .find(|c: char| c.is_ascii_whitespace() || "/<>[]()".contains(c))
        .unwrap_or(rest.len());
    Some(&rest[..end])
}

/// The text of the value of `/Key` when it is a direct dictionary or
/// array, and its span in `dict`.
pub fn composite_entry(dict: &str, key: &str) -> Option<(usize, usize)> {
    let at = skip_space(dict.as_bytes(), entry_at(dict, key)?);
    if !matches!(dict.as_bytes().get(at), Some(b'<' | b'[')) {
        return None;
    }
    Some((at, close_of(dict.as_bytes(), at)?))
}

/// Every reference in an array's text (`[3 0 R 7 0 R]`).
pub fn references_in(array: &str) -> Vec<Reference> {
    let bytes = array.as_bytes();
    let mut out = Vec::new();
    let mut at = 0;
    while at < bytes.len() {
        if let Some((r, after)) = reference_at(bytes, at) {
            out.push(r);
            at = after;
        } else {
            at += 1;
        }
    }
    out
}

/// The dictionary's text with `entry` (such as "/Annots [5 0 R]") added
/// just inside its opening `<<`.
pub fn with_entry(dict: &str, entry: &str) -> String {
    match dict.find("<<") {
        Some(at) => format!("{} {entry} {}", &dict[..at + 2], &dict[at + 2..]),
        None => dict.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_are_read_at_the_top_level_only() {
        let dict = "<< /Size 12 /Root 1 0 R /Info 3 0 R /D << /Size 9 >> >>";
        assert_eq!(integer_entry(dict, "Size"), Some(12));
        assert_eq!(integer_entry(dict, "Root"), Some(1));
        assert_eq!(integer_entry("<< /SizeX 4 >>", "Size"), None);
        assert_eq!(integer_entry("<< /D << /Size 9 >> >>", "Size"), None);
        assert_eq!(integer_entry("<< /T (/Size 4) >>", "Size"), None);
        assert_eq!(
            reference_entry(dict, "Info"),
            Some(Reference {
                number: 3,
                generation: 0
            })
        );
        assert_eq!(integers_entry("<< /W [1 2 1] >>", "W"), Some(vec![1, 2, 1]));
        assert_eq!(name_entry("<< /Filter /FlateDecode>>", "Filter"), Some("FlateDecode"));
    }

    #[test]
    fn brackets_balance_around_strings() {
        let text = b"<< /T (a >> b \\) c) /H <3e3e> /A [1 [2]] >> tail";
        let end = close_of(text, 0).unwrap();
        assert_eq!(&text[end..], b" tail");
        assert_eq!(close_of(b"<< /A (open", 0), None);
    }

    #[test]
    fn entries_are_added_inside_the_dictionary() {
        assert_eq!(
            with_entry("<</Type /Page>>", "/Annots [5 0 R]"),
            "<< /Annots [5 0 R] /Type /Page>>"
        );
    }
}
