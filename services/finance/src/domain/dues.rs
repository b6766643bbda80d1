//! Membership dues (đảng phí, Quy định 01-QĐ/TW 2026; DOMAIN.md §4): the
//! shares kept at each level, and the rows of the quarterly B01/ĐP report.
//!
//! The official ratios were not found, so the shares are configuration
//! (`dues_rates`, editable) with these defaults, after the pattern of the
//! earlier rule (Quyết định 342-QĐ/TW, 2010) as far as it is remembered,
//! **unconfirmed**: the collecting Party cell keeps 30 % of what it
//! collected, the office (đảng ủy) keeps 40 %, and the remaining 30 % is
//! remitted to the parent office. When the office collects directly
//! (no cell), it keeps both shares. Rounding: each kept share is rounded
//! down to the đồng; the remainder goes upward, so the shares always add up
//! to what was collected.

use vanphong_platform::Error;
use vanphong_platform::validate::Checker;

use super::money;

/// Shares kept, in hundredths of a percent of what was collected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rates {
    pub cell_bp: i64,
    pub office_bp: i64,
}

/// The default shares (see the module's documentation).
pub const DEFAULT_RATES: Rates = Rates {
    cell_bp: 3_000,
    office_bp: 4_000,
};

impl Rates {
    /// Checks rates from a request: each 0–10 000, together at most 10 000.
    pub fn check(c: &mut Checker, cell_bp: i32, office_bp: i32) -> Rates {
        for (field, value) in [
            ("rates.cell_basis_points", cell_bp),
            ("rates.office_basis_points", office_bp),
        ] {
            if !(0..=10_000).contains(&value) {
                c.violation(
                    field,
                    "OUT_OF_RANGE",
                    format!("Tỷ lệ phải từ 0 đến 10000 (phần vạn), nhận được {value}"),
                );
            }
        }
        if i64::from(cell_bp) + i64::from(office_bp) > 10_000 {
            c.violation(
                "rates.office_basis_points",
                "TOO_LARGE",
                format!(
                    "Tổng tỷ lệ trích giữ lại {} phần vạn vượt quá 10000 (100%)",
                    i64::from(cell_bp) + i64::from(office_bp)
                ),
            );
        }
        Rates {
            cell_bp: i64::from(cell_bp),
            office_bp: i64::from(office_bp),
        }
    }
}

/// How one collection is shared out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shares {
    pub cell: i64,
    pub office: i64,
    pub remitted: i64,
}

fn share(amount: i64, bp: i64) -> i64 {
    let value = i128::from(amount) * i128::from(bp.clamp(0, 10_000)) / 10_000;
    i64::try_from(value).unwrap_or(0)
}

/// Splits `amount` collected by a cell (`by_cell`) or by the office itself.
pub fn split(amount: i64, by_cell: bool, rates: Rates) -> Result<Shares, Error> {
    let (cell, office) = if by_cell {
        (share(amount, rates.cell_bp), share(amount, rates.office_bp))
    } else {
        (0, share(amount, rates.cell_bp.saturating_add(rates.office_bp)))
    };
    let kept = money::add("amount", cell, office)?;
    let remitted = money::sub("amount", amount, kept)?;
    Ok(Shares { cell, office, remitted })
}

/// The months of a quarter (1–4).
pub fn quarter_months(quarter: u32) -> std::ops::RangeInclusive<u32> {
    let first = quarter.clamp(1, 4) * 3 - 2;
    first..=first + 2
}

/// The figures a B01/ĐP report is made of.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct B01Figures {
    pub members: i64,
    pub collected_quarter: i64,
    pub collected_year: i64,
    pub cell_kept_quarter: i64,
    pub office_kept_quarter: i64,
    pub remitted_quarter: i64,
    pub remitted_year: i64,
}

/// One row of B01/ĐP: its number, label and value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct B01Row {
    pub number: &'static str,
    pub label: &'static str,
    pub value: i64,
}

/// The rows of B01/ĐP with the numbers of DOMAIN.md §4: 01 members, 02/03
/// collected (quarter / year to date), 04 kept = 05 by the cells + 06 by
/// the office, 12/13 remitted upward (quarter / year to date). Rows 07–11
/// of the official form were not confirmed and are left out.
pub fn b01_rows(f: &B01Figures) -> Result<Vec<B01Row>, Error> {
    let kept = money::add("amount", f.cell_kept_quarter, f.office_kept_quarter)?;
    let row = |number, label, value| B01Row { number, label, value };
    Ok(vec![
        row("01", "Số đảng viên", f.members),
        row("02", "Đảng phí thu được trong kỳ", f.collected_quarter),
        row("03", "Đảng phí thu được từ đầu năm", f.collected_year),
        row("04", "Đảng phí trích giữ lại trong kỳ", kept),
        row("05", "Trong đó: chi bộ trích giữ lại", f.cell_kept_quarter),
        row("06", "Trong đó: đảng ủy trích giữ lại", f.office_kept_quarter),
        row("12", "Đảng phí nộp cấp trên trong kỳ", f.remitted_quarter),
        row("13", "Đảng phí nộp cấp trên từ đầu năm", f.remitted_year),
    ])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shares_add_up_and_round_down_kept_shares() {
        let s = split(1_234_567, true, DEFAULT_RATES).expect("split");
        assert_eq!(s.cell, 370_370);
        assert_eq!(s.office, 493_826);
        assert_eq!(s.remitted, 370_371);
        assert_eq!(s.cell + s.office + s.remitted, 1_234_567);
        let direct = split(1_000_000, false, DEFAULT_RATES).expect("split");
        assert_eq!((direct.cell, direct.office, direct.remitted), (0, 700_000, 300_000));
    }

    #[test]
    fn rates_are_checked() {
        let mut c = Checker::new();
        Rates::check(&mut c, 6_000, 5_000);
        Rates::check(&mut c, -1, 0);
        let Err(Error::InvalidArgument(v)) = c.finish() else {
            panic!("violations expected")
        };
        assert_eq!(v.len(), 2);
        let mut c = Checker::new();
        assert_eq!(Rates::check(&mut c, 3_000, 4_000), DEFAULT_RATES);
        assert!(c.finish().is_ok());
    }

    #[test]
    fn b01_rows_carry_the_official_numbers() {
        let rows = b01_rows(&B01Figures {
            members: 40,
            collected_quarter: 3_000_000,
            collected_year: 5_000_000,
            cell_kept_quarter: 600_000,
            office_kept_quarter: 1_200_000,
            remitted_quarter: 900_000,
            remitted_year: 1_500_000,
        })
        .expect("rows");
        let numbers: Vec<&str> = rows.iter().map(|r| r.number).collect();
        assert_eq!(numbers, vec!["01", "02", "03", "04", "05", "06", "12", "13"]);
        assert_eq!(rows[3].value, 1_800_000);
        assert_eq!(quarter_months(2), 4..=6);
    }
}
