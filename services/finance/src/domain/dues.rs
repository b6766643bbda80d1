//! Membership dues (đảng phí, Quy định 01-QĐ/TW 2026; docs/domain.md §4): the
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
//!
//! Dues travel up the tree: a commune remits its owed share to the
//! district, which keeps its own share of what it received (`received_bp`,
//! default 50 %, **unconfirmed**) and owes the rest to the province, and so
//! on; the top office keeps all it receives.
//!
//! What a member owes a month (Quy định 01-QĐ/TW 2026, docs/domain.md §4): 1 %
//! of the monthly salary, 0.5 % of a pension, 5.000 đ for a student. The
//! percentages are rounded half up to the đồng (the rounding rule was not
//! found).

use vanphong_platform::Error;
use vanphong_platform::validate::Checker;

use super::money;

/// Shares kept, in hundredths of a percent of what was collected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rates {
    /// Kept by the collecting cell.
    pub cell_bp: i64,
    /// Kept by the office of what it collected.
    pub office_bp: i64,
    /// Kept by the office of what its child offices remitted to it.
    pub received_bp: i64,
}

/// The default shares (see the module's documentation).
pub const DEFAULT_RATES: Rates = Rates {
    cell_bp: 3_000,
    office_bp: 4_000,
    received_bp: 5_000,
};

impl Rates {
    /// Checks rates from a request: each 0–10 000, the cell's and office's
    /// together at most 10 000. `received_bp` absent keeps `current`'s.
    pub fn check(c: &mut Checker, cell_bp: i32, office_bp: i32, received_bp: Option<i32>, current: Rates) -> Rates {
        for (field, value) in [
            ("rates.cell_basis_points", Some(cell_bp)),
            ("rates.office_basis_points", Some(office_bp)),
            ("rates.received_basis_points", received_bp),
        ] {
            let Some(value) = value else { continue };
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
            received_bp: received_bp.map_or(current.received_bp, i64::from),
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

/// How dues remitted to an office by a child are shared: what it keeps and
/// what it owes its own parent (nothing when it has none: `has_parent`).
pub fn split_received(amount: i64, has_parent: bool, rates: Rates) -> Result<(i64, i64), Error> {
    if !has_parent {
        return Ok((amount, 0));
    }
    let kept = share(amount, rates.received_bp);
    Ok((kept, money::sub("amount", amount, kept)?))
}

/// What a member pays a month, by category (Quy định 01-QĐ/TW 2026).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MemberCategory {
    /// 1 % of the monthly salary and allowances.
    Salaried,
    /// 0.5 % of the monthly pension.
    Pensioner,
    /// A flat amount a month.
    Student,
}

/// What a student pays a month.
pub const STUDENT_DUES: i64 = 5_000;

impl MemberCategory {
    /// Whether the dues depend on the member's income.
    pub fn needs_income(self) -> bool {
        !matches!(self, MemberCategory::Student)
    }

    /// What a member of this category with `income` owes for a month:
    /// a percentage rounded half up to the đồng, or the flat amount.
    pub fn dues(self, income: i64) -> i64 {
        let per_ten_thousand = match self {
            MemberCategory::Salaried => 100,
            MemberCategory::Pensioner => 50,
            MemberCategory::Student => return STUDENT_DUES,
        };
        let value = (i128::from(income.max(0)) * per_ten_thousand + 5_000) / 10_000;
        i64::try_from(value).unwrap_or(i64::MAX)
    }
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
    /// Kept of what the offices below remitted in the quarter.
    pub received_kept_quarter: i64,
    /// Remitted by the offices below in the quarter / year to date.
    pub received_quarter: i64,
    pub received_year: i64,
    /// Owed upward that arose in the quarter: the remitted shares of the
    /// office's collections and the shares of dues received that it passes on.
    pub owed_quarter: i64,
    /// Owed upward at the end of the quarter.
    pub outstanding: i64,
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

/// The rows of B01/ĐP. The numbers 01–06, 12 and 13 are those of
/// docs/domain.md §4: 01 members, 02/03 collected (quarter / year to date), 04
/// kept = 05 by the cells + 06 by the office + 07, 12/13 remitted upward
/// (quarter / year to date). Rows 07–11 are this deployment's reading,
/// **unconfirmed** against the official form (only 07, the share an upper
/// level keeps of what the levels below remitted, is hinted at by the
/// guidance of book S02/ĐP): 07 kept of dues received from below, 08/09
/// received from below (quarter / year to date), 10 owed upward arising in
/// the quarter, 11 still owed upward at its end. They balance: 02 + 08 =
/// 04 + 10.
pub fn b01_rows(f: &B01Figures) -> Result<Vec<B01Row>, Error> {
    let kept = money::sum(
        "amount",
        [f.cell_kept_quarter, f.office_kept_quarter, f.received_kept_quarter],
    )?;
    let row = |number, label, value| B01Row { number, label, value };
    Ok(vec![
        row("01", "Số đảng viên", f.members),
        row("02", "Đảng phí thu được trong kỳ", f.collected_quarter),
        row("03", "Đảng phí thu được từ đầu năm", f.collected_year),
        row("04", "Đảng phí trích giữ lại trong kỳ", kept),
        row("05", "Trong đó: chi bộ trích giữ lại", f.cell_kept_quarter),
        row("06", "Trong đó: đảng ủy trích giữ lại", f.office_kept_quarter),
        row(
            "07",
            "Trong đó: trích giữ lại từ đảng phí cấp dưới nộp lên",
            f.received_kept_quarter,
        ),
        row("08", "Đảng phí cấp dưới nộp lên trong kỳ", f.received_quarter),
        row("09", "Đảng phí cấp dưới nộp lên từ đầu năm", f.received_year),
        row("10", "Đảng phí phải nộp cấp trên phát sinh trong kỳ", f.owed_quarter),
        row("11", "Đảng phí còn phải nộp cấp trên cuối kỳ", f.outstanding),
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
        Rates::check(&mut c, 6_000, 5_000, None, DEFAULT_RATES);
        Rates::check(&mut c, -1, 0, Some(10_001), DEFAULT_RATES);
        let Err(Error::InvalidArgument(v)) = c.finish() else {
            panic!("violations expected")
        };
        assert_eq!(v.len(), 3);
        let mut c = Checker::new();
        assert_eq!(Rates::check(&mut c, 3_000, 4_000, None, DEFAULT_RATES), DEFAULT_RATES);
        assert_eq!(
            Rates::check(&mut c, 3_000, 4_000, Some(2_500), DEFAULT_RATES).received_bp,
            2_500
        );
        assert!(c.finish().is_ok());
    }

    #[test]
    fn received_dues_are_split_unless_at_the_top() {
        assert_eq!(
            split_received(333_333, true, DEFAULT_RATES).expect("split"),
            (166_666, 166_667)
        );
        assert_eq!(
            split_received(333_333, false, DEFAULT_RATES).expect("split"),
            (333_333, 0)
        );
    }

    #[test]
    fn member_dues_follow_the_categories() {
        assert_eq!(MemberCategory::Salaried.dues(8_650_000), 86_500);
        assert_eq!(MemberCategory::Salaried.dues(5_123_450), 51_235, "51.234,5 rounds up");
        assert_eq!(MemberCategory::Pensioner.dues(6_000_000), 30_000);
        assert_eq!(
            MemberCategory::Pensioner.dues(4_321_099),
            21_605,
            "21.605,495 rounds down"
        );
        assert_eq!(MemberCategory::Student.dues(0), 5_000);
        assert!(!MemberCategory::Student.needs_income());
    }

    #[test]
    fn b01_rows_carry_the_official_numbers() {
        let rows = b01_rows(&B01Figures {
            members: 40,
            collected_quarter: 3_000_000,
            collected_year: 5_000_000,
            cell_kept_quarter: 600_000,
            office_kept_quarter: 1_200_000,
            received_kept_quarter: 100_000,
            received_quarter: 200_000,
            received_year: 300_000,
            owed_quarter: 1_300_000,
            outstanding: 400_000,
            remitted_quarter: 900_000,
            remitted_year: 1_500_000,
        })
        .expect("rows");
        let numbers: Vec<&str> = rows.iter().map(|r| r.number).collect();
        assert_eq!(
            numbers,
            vec![
                "01", "02", "03", "04", "05", "06", "07", "08", "09", "10", "11", "12", "13"
            ]
        );
        assert_eq!(rows[3].value, 1_900_000);
        assert_eq!(quarter_months(2), 4..=6);
    }
}
