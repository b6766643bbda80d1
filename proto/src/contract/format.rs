//! The text formats a field may declare, checked without allocating.

/// `YYYY-MM-DD` exactly (four, two and two digits) naming a day that
/// exists; "2026-1-1" and "2026-02-30" are not dates.
pub fn is_date(text: &str) -> bool {
    date_bytes(text.as_bytes())
}

fn date_bytes(b: &[u8]) -> bool {
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return false;
    }
    let (Some(year), Some(month), Some(day)) = (digits(&b[0..4]), digits(&b[5..7]), digits(&b[8..10])) else {
        return false;
    };
    (1..=12).contains(&month) && day >= 1 && day <= days_in_month(year, month)
}

/// An RFC 3339 instant: `YYYY-MM-DDTHH:MM:SS`, optional fraction, then `Z`
/// or an offset `±HH:MM`.
pub fn is_date_time(text: &str) -> bool {
    let b = text.as_bytes();
    if b.len() < 20 || !date_bytes(&b[..10]) || !matches!(b[10], b'T' | b't') {
        return false;
    }
    let (Some(h), Some(m), Some(s)) = (digits(&b[11..13]), digits(&b[14..16]), digits(&b[17..19])) else {
        return false;
    };
    if b[13] != b':' || b[16] != b':' || h > 23 || m > 59 || s > 60 {
        return false;
    }
    let mut rest = &b[19..];
    if let Some(fraction) = rest.strip_prefix(b".") {
        let n = fraction.iter().take_while(|c| c.is_ascii_digit()).count();
        if n == 0 || n > 9 {
            return false;
        }
        rest = &fraction[n..];
    }
    match rest {
        [b'Z' | b'z'] => true,
        [b'+' | b'-', h1, h2, b':', m1, m2] => {
            matches!((digits(&[*h1, *h2]), digits(&[*m1, *m2])), (Some(h), Some(m)) if h <= 23 && m <= 59)
        }
        _ => false,
    }
}

/// A UUID in its canonical form: 32 hexadecimal digits in groups of 8, 4,
/// 4, 4 and 12 joined by hyphens.
pub fn is_uuid(text: &str) -> bool {
    let b = text.as_bytes();
    b.len() == 36
        && b.iter().enumerate().all(|(i, c)| match i {
            8 | 13 | 18 | 23 => *c == b'-',
            _ => c.is_ascii_hexdigit(),
        })
}

fn digits(b: &[u8]) -> Option<u32> {
    b.iter()
        .try_fold(0u32, |n, c| c.is_ascii_digit().then(|| n * 10 + u32::from(c - b'0')))
}

fn days_in_month(year: u32, month: u32) -> u32 {
    match month {
        2 if year.is_multiple_of(4) && (!year.is_multiple_of(100) || year.is_multiple_of(400)) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_exactly_yyyy_mm_dd_and_real() {
        for good in ["2026-01-01", "2024-02-29", "1900-12-31"] {
            assert!(is_date(good), "{good}");
        }
        for bad in [
            "2026-1-1",
            "2026-01-1",
            "2025-02-29",
            "2026-13-01",
            "2026-00-10",
            "20260101",
            " 2026-01-01",
            "２026-01-01",
        ] {
            assert!(!is_date(bad), "{bad}");
        }
    }

    #[test]
    fn instants_follow_rfc_3339() {
        for good in [
            "2026-01-31T08:00:00Z",
            "2026-01-31T08:00:00.123+07:00",
            "2026-01-31t23:59:60z",
        ] {
            assert!(is_date_time(good), "{good}");
        }
        for bad in [
            "2026-01-31 08:00:00Z",
            "2026-01-31T8:00:00Z",
            "2026-01-31T08:00:00",
            "2026-01-31T08:00:00+7:00",
        ] {
            assert!(!is_date_time(bad), "{bad}");
        }
    }

    #[test]
    fn uuids_are_canonical() {
        assert!(is_uuid("0192f6c4-7a1e-7c3b-9d2e-4f5a6b7c8d9e"));
        assert!(is_uuid("0192F6C4-7A1E-7C3B-9D2E-4F5A6B7C8D9E"));
        for bad in [
            "0192f6c47a1e7c3b9d2e4f5a6b7c8d9e",
            "{0192f6c4-7a1e-7c3b-9d2e-4f5a6b7c8d9e}",
            "not-a-uuid",
            "",
        ] {
            assert!(!is_uuid(bad), "{bad}");
        }
    }
}
