//! Numbers and symbols (docs/domain.md §2.2).
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

/// Outgoing numbering (NĐ 30 Điều 15; HD 36 §II.1.3).
pub mod outgoing {
    use vanphong_platform::tree::Numbering;

    /// State types whose symbol carries no type code: the issuer's code
    /// and the drafting unit's code instead ("UBND-VP").
    const STATE_WITHOUT_CODE: [&str; 2] = ["CV", "ThC"];

    /// The symbol of an outgoing document, without its number.
    pub fn symbol(numbering: Numbering, type_code: &str, issuer_code: &str, unit_code: &str) -> String {
        match numbering {
            Numbering::State if STATE_WITHOUT_CODE.contains(&type_code) => {
                if unit_code.is_empty() {
                    issuer_code.to_string()
                } else {
                    format!("{issuer_code}-{unit_code}")
                }
            }
            Numbering::State => format!("{type_code}-{issuer_code}"),
            Numbering::Party => format!("{type_code}/{issuer_code}"),
        }
    }

    /// Number and symbol: "05/QĐ-UBND" (state), "15-NQ/TU" (Party).
    pub fn number_symbol(numbering: Numbering, number: i64, symbol: &str) -> String {
        match numbering {
            Numbering::State => format!("{}/{symbol}", super::padded(number)),
            Numbering::Party => format!("{}-{symbol}", super::padded(number)),
        }
    }

    /// As printed on the document: "Số: 05/QĐ-UBND", "Số 15-NQ/TU".
    pub fn label(numbering: Numbering, number_symbol: &str) -> String {
        match numbering {
            Numbering::State => format!("Số: {number_symbol}"),
            Numbering::Party => format!("Số {number_symbol}"),
        }
    }

    /// State numbering: one series a calendar year, secret documents in a
    /// series of their own.
    pub fn state_series(year: i32, secret: bool) -> String {
        if secret {
            format!("state-secret:{year}")
        } else {
            format!("state:{year}")
        }
    }

    /// Party numbering: one series per type per committee term (secret
    /// documents share it).
    pub fn party_series(term_id: &str, type_code: &str) -> String {
        format!("party:{term_id}:{type_code}")
    }

    /// A congress numbers all its documents in one series.
    pub fn congress_series(congress_id: &str) -> String {
        format!("congress:{congress_id}")
    }

    /// Authority prefixes before a signature: state TM., KT., TL., TUQ.;
    /// Party T/M, K/T, T/L.
    pub fn valid_prefix(numbering: Numbering, prefix: &str) -> bool {
        let allowed: &[&str] = match numbering {
            Numbering::State => &["TM.", "KT.", "TL.", "TUQ."],
            Numbering::Party => &["T/M", "K/T", "T/L"],
        };
        prefix.is_empty() || allowed.contains(&prefix)
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        #[test]
        fn state_and_party_forms() {
            let s = symbol(Numbering::State, "QĐ", "UBND", "");
            assert_eq!(s, "QĐ-UBND");
            assert_eq!(
                label(Numbering::State, &number_symbol(Numbering::State, 5, &s)),
                "Số: 05/QĐ-UBND"
            );
            let p = symbol(Numbering::Party, "NQ", "TU", "");
            assert_eq!(
                label(Numbering::Party, &number_symbol(Numbering::Party, 15, &p)),
                "Số 15-NQ/TU"
            );
            assert_eq!(symbol(Numbering::State, "CV", "UBND", "VP"), "UBND-VP");
            assert_eq!(symbol(Numbering::Party, "CV", "HU", "VP"), "CV/HU");
        }

        #[test]
        fn series_and_prefixes() {
            assert_ne!(state_series(2026, false), state_series(2026, true));
            assert_ne!(party_series("t1", "NQ"), party_series("t1", "QĐ"));
            assert!(valid_prefix(Numbering::Party, "T/M"));
            assert!(!valid_prefix(Numbering::Party, "TM."));
            assert!(valid_prefix(Numbering::State, "KT."));
            assert!(valid_prefix(Numbering::State, ""));
        }
    }
}
