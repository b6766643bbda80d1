//! Numbers and symbols (DOMAIN.md §2.2).
//!
//! - State: `Số: 05/QĐ-UBND` — number, `/`, type code, `-`, issuer code.
//! - Party: `Số 15-NQ/TU` — number, `-`, type code, `/`, issuer code.
//!
//! Numbers below 10 are written with a leading zero. Incoming numbers (số
//! đến) run per office per calendar year, shared by paper and electronic
//! documents.

/// A number as written: at least two digits.
pub fn padded(number: i64) -> String {
    format!("{number:02}")
}

/// The symbol's style, told by its separators: a Party symbol puts the
/// issuer after a `/` ("NQ/TU"), a state one after a `-` ("QĐ-UBND").
fn is_party_style(symbol: &str) -> bool {
    symbol.contains('/')
}

/// Number and symbol as written on the document: "15-NQ/TU", "05/QĐ-UBND";
/// just the number when there is no symbol.
pub fn number_symbol(number: i64, symbol: &str) -> String {
    let symbol = symbol.trim();
    if symbol.is_empty() {
        padded(number)
    } else if is_party_style(symbol) {
        format!("{}-{symbol}", padded(number))
    } else {
        format!("{}/{symbol}", padded(number))
    }
}

/// The series of incoming numbers of a year.
pub fn incoming_series(year: i32) -> String {
    format!("in:{year}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_both_conventions() {
        assert_eq!(number_symbol(15, "NQ/TU"), "15-NQ/TU");
        assert_eq!(number_symbol(5, "QĐ-UBND"), "05/QĐ-UBND");
        assert_eq!(number_symbol(123, "UBND-VP"), "123/UBND-VP");
        assert_eq!(number_symbol(7, ""), "07");
        assert_eq!(incoming_series(2026), "in:2026");
    }
}
