//! What people type in the forms, read the Vietnamese way: amounts as
//! `48.000.000` (dots between thousands, `đ` allowed after), dates as
//! `dd/mm/yyyy`. Only the writing is read here; whether an amount or a
//! date is allowed is the service's to say.

use chrono::NaiveDate;

/// Why a typed value could not be read, in the words shown beside it.
pub const BAD_AMOUNT: &str = "Số tiền viết bằng chữ số, các nhóm nghìn cách nhau bằng dấu chấm, ví dụ 48.000.000";
pub const BAD_DATE: &str = "Ngày viết theo dạng ngày/tháng/năm, ví dụ 02/03/2026";
pub const BAD_NUMBER: &str = "Phải là một số nguyên";

/// An amount of đồng as typed: `48.000.000`, `48000000`, `48 000 000 đ`,
/// `-5.000` (an adjustment down). `None` when empty; `Err` when it is not
/// a whole number of đồng.
pub fn amount(text: &str) -> Result<Option<i64>, &'static str> {
    let text = text.trim();
    let text = text
        .strip_suffix("VNĐ")
        .or_else(|| text.strip_suffix("đ"))
        .or_else(|| text.strip_suffix("đồng"))
        .unwrap_or(text)
        .trim();
    if text.is_empty() {
        return Ok(None);
    }
    let (negative, digits) = match text.strip_prefix('-') {
        Some(rest) => (true, rest.trim_start()),
        None => (false, text),
    };
    let groups: Vec<&str> = digits.split(['.', ' ', '\u{a0}']).collect();
    let grouped = groups.len() > 1;
    let well_grouped = groups.iter().enumerate().all(|(i, g)| {
        !g.is_empty()
            && g.chars().all(|c| c.is_ascii_digit())
            && (!grouped || (i == 0 && g.len() <= 3) || (i > 0 && g.len() == 3))
    });
    if !well_grouped {
        return Err(BAD_AMOUNT);
    }
    let value: i64 = groups.concat().parse().map_err(|_| BAD_AMOUNT)?;
    Ok(Some(if negative { -value } else { value }))
}

/// A date as typed, `dd/mm/yyyy` (or `d/m/yyyy`, or already `yyyy-mm-dd`),
/// as the API's `YYYY-MM-DD`; empty stays empty (the service's default).
pub fn date(text: &str) -> Result<String, &'static str> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(String::new());
    }
    NaiveDate::parse_from_str(text, "%d/%m/%Y")
        .or_else(|_| NaiveDate::parse_from_str(text, "%Y-%m-%d"))
        .map(|d| d.format("%Y-%m-%d").to_string())
        .map_err(|_| BAD_DATE)
}

/// A whole number as typed (a year, a month, a count); `None` when empty.
pub fn number(text: &str) -> Result<Option<i32>, &'static str> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    text.parse().map(Some).map_err(|_| BAD_NUMBER)
}

/// An amount as typed back into a form: `48.000.000`.
pub fn typed(value: i64) -> String {
    crate::format::number(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_are_read_as_vietnamese_write_them() {
        assert_eq!(amount("48.000.000"), Ok(Some(48_000_000)));
        assert_eq!(amount("48000000"), Ok(Some(48_000_000)));
        assert_eq!(amount(" 48.000.000 đ "), Ok(Some(48_000_000)));
        assert_eq!(amount("1 250 000"), Ok(Some(1_250_000)));
        assert_eq!(amount("-5.000"), Ok(Some(-5_000)));
        assert_eq!(amount(""), Ok(None));
        assert_eq!(amount("999"), Ok(Some(999)));
        assert!(amount("48,5").is_err());
        assert!(amount("48.00.000").is_err(), "groups of three");
        assert!(amount("1234.567").is_err());
        assert!(amount("abc").is_err());
        assert!(amount("99999999999999999999").is_err(), "too large to read");
        assert_eq!(typed(48_000_000), "48.000.000");
    }

    #[test]
    fn dates_are_read_day_first() {
        assert_eq!(date("02/03/2026"), Ok("2026-03-02".into()));
        assert_eq!(date("2/3/2026"), Ok("2026-03-02".into()));
        assert_eq!(date("2026-03-02"), Ok("2026-03-02".into()));
        assert_eq!(date(""), Ok(String::new()));
        assert!(date("31/02/2026").is_err());
        assert!(date("03-02-2026").is_err());
        assert_eq!(number("2026"), Ok(Some(2026)));
        assert!(number("hai").is_err());
    }
}
