//! Money: whole Vietnamese đồng in `i64`, with checked arithmetic and the
//! Vietnamese way of writing amounts (1.234.567 đ).

use vanphong_platform::Error;
use vanphong_platform::validate::Checker;

/// The largest single amount accepted (10^15 đ, a million billion): far
/// above any Party budget, and low enough that sums of many amounts stay
/// far from `i64::MAX`.
pub const MAX_AMOUNT: i64 = 1_000_000_000_000_000;

/// An amount written the Vietnamese way: `1.234.567 đ`, `-5.000 đ`.
pub fn format_vnd(amount: i64) -> String {
    format!("{} đ", group_thousands(amount))
}

/// Digits grouped by dots: `1.234.567`.
pub fn group_thousands(amount: i64) -> String {
    let digits = amount.unsigned_abs().to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 + 1);
    if amount < 0 {
        out.push('-');
    }
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push('.');
        }
        out.push(c);
    }
    out
}

/// Checks an amount that must be more than zero and at most
/// [`MAX_AMOUNT`]; the message names the figure.
pub fn positive(c: &mut Checker, field: &str, amount: i64) -> i64 {
    if amount <= 0 {
        c.violation(
            field,
            "NOT_POSITIVE",
            format!("Số tiền phải lớn hơn 0 (nhận được {})", format_vnd(amount)),
        );
    } else if amount > MAX_AMOUNT {
        too_large(c, field, amount);
    }
    amount
}

/// Checks a signed, non-zero amount (adjustments) of at most
/// [`MAX_AMOUNT`] either way.
pub fn non_zero(c: &mut Checker, field: &str, amount: i64) -> i64 {
    if amount == 0 {
        c.violation(field, "ZERO", "Số tiền điều chỉnh phải khác 0");
    } else if amount.checked_abs().is_none_or(|a| a > MAX_AMOUNT) {
        too_large(c, field, amount);
    }
    amount
}

/// Reports `amount` as beyond [`MAX_AMOUNT`], naming both.
fn too_large(c: &mut Checker, field: &str, amount: i64) {
    c.violation(
        field,
        "TOO_LARGE",
        format!(
            "Số tiền {} vượt mức tối đa {}",
            format_vnd(amount),
            format_vnd(MAX_AMOUNT)
        ),
    );
}

/// `a + b`, or INVALID_ARGUMENT naming `field` and the figures.
pub fn add(field: &str, a: i64, b: i64) -> Result<i64, Error> {
    a.checked_add(b).ok_or_else(|| overflow(field, a, b))
}

/// `a - b`, or INVALID_ARGUMENT naming `field` and the figures.
pub fn sub(field: &str, a: i64, b: i64) -> Result<i64, Error> {
    a.checked_sub(b).ok_or_else(|| overflow(field, a, b))
}

/// The sum of `amounts`, or INVALID_ARGUMENT naming `field`.
pub fn sum(field: &str, amounts: impl IntoIterator<Item = i64>) -> Result<i64, Error> {
    amounts.into_iter().try_fold(0_i64, |total, a| add(field, total, a))
}

fn overflow(field: &str, a: i64, b: i64) -> Error {
    Error::invalid(
        field,
        "OVERFLOW",
        format!(
            "Số tiền {} cộng với {} vượt quá giới hạn tính toán",
            format_vnd(b),
            format_vnd(a)
        ),
    )
}

/// `part / whole` in hundredths of a percent (10 000 = 100 %), rounded
/// half up; 0 when nothing was held.
pub fn basis_points(part: i64, whole: i64) -> i64 {
    if whole <= 0 {
        return 0;
    }
    let scaled = i128::from(part) * 10_000;
    let whole = i128::from(whole);
    let rounded = if scaled >= 0 {
        (scaled + whole / 2) / whole
    } else {
        (scaled - whole / 2) / whole
    };
    i64::try_from(rounded).unwrap_or(if rounded > 0 { i64::MAX } else { i64::MIN })
}

/// Basis points as a Vietnamese percentage: `4567` → `45,67%`.
pub fn format_percent(basis_points: i64) -> String {
    let sign = if basis_points < 0 { "-" } else { "" };
    let abs = basis_points.unsigned_abs();
    format!("{sign}{},{:02}%", group_thousands_u(abs / 100), abs % 100)
}

fn group_thousands_u(n: u64) -> String {
    group_thousands(i64::try_from(n).unwrap_or(i64::MAX))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_are_written_the_vietnamese_way() {
        assert_eq!(format_vnd(0), "0 đ");
        assert_eq!(format_vnd(999), "999 đ");
        assert_eq!(format_vnd(1_000), "1.000 đ");
        assert_eq!(format_vnd(1_234_567), "1.234.567 đ");
        assert_eq!(format_vnd(-5_000), "-5.000 đ");
        assert_eq!(format_vnd(i64::MIN), "-9.223.372.036.854.775.808 đ");
    }

    #[test]
    fn arithmetic_is_checked_and_names_the_field() {
        assert_eq!(add("amount", 1, 2).ok(), Some(3));
        let Err(Error::InvalidArgument(v)) = add("amount", i64::MAX, 1) else {
            panic!("overflow expected")
        };
        assert_eq!(v[0].field, "amount");
        assert!(v[0].description.contains("9.223.372.036.854.775.807 đ"));
        assert!(sub("x", i64::MIN, 1).is_err());
        assert!(sum("postings", [i64::MAX, 1]).is_err());
        assert_eq!(sum("postings", [1, 2, 3]).ok(), Some(6));
    }

    #[test]
    fn amounts_must_be_positive_and_bounded() {
        let mut c = Checker::new();
        positive(&mut c, "a", 0);
        positive(&mut c, "b", -1);
        positive(&mut c, "c", MAX_AMOUNT + 1);
        positive(&mut c, "d", 1);
        non_zero(&mut c, "e", 0);
        non_zero(&mut c, "f", i64::MIN);
        non_zero(&mut c, "g", -5);
        let Err(Error::InvalidArgument(v)) = c.finish() else {
            panic!("violations expected")
        };
        let fields: Vec<&str> = v.iter().map(|v| v.field.as_str()).collect();
        assert_eq!(fields, vec!["a", "b", "c", "e", "f"]);
    }

    #[test]
    fn percentages_round_half_up() {
        assert_eq!(basis_points(1, 3), 3333);
        assert_eq!(basis_points(2, 3), 6667);
        assert_eq!(basis_points(5, 0), 0);
        assert_eq!(basis_points(i64::MAX, 1), i64::MAX);
        assert_eq!(format_percent(4567), "45,67%");
        assert_eq!(format_percent(5), "0,05%");
        assert_eq!(format_percent(1_234_500), "12.345,00%");
    }
}
