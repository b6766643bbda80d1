//! Reporting periods and their cut-off dates (Nghị định 09/2019/NĐ-CP,
//! Điều 12).
//!
//! Monthly, quarterly, six-month and yearly periods are the decree's: they
//! run from the 15th of one month to the 14th of another, so a period may
//! start in the previous calendar year (the yearly report of 2026 runs
//! 15/12/2025–14/12/2026). The decree names the first half-year only and no
//! nine-month period; its Khoản 5 leaves other periods to the body that
//! issues the reporting regime, and by the same rule the second half-year
//! is 15/6–14/12 and the nine-month period 15/12 of the previous year to
//! 14/9. Weekly periods are seven days ending on a configured weekday.
//! Every period belongs to the reporting year its last day falls in.

use chrono::{Datelike, Days, NaiveDate, Weekday};

vanphong_platform::coded! {
    /// How often a report is made.
    pub enum Kind {
        Weekly = ("weekly", "tuần"),
        Monthly = ("monthly", "tháng"),
        Quarterly = ("quarterly", "quý"),
        SixMonth = ("six_month", "6 tháng"),
        NineMonth = ("nine_month", "9 tháng"),
        Yearly = ("yearly", "năm"),
        AdHoc = ("ad_hoc", "đột xuất"),
    }
}

impl Kind {
    /// How many periods of this kind a reporting year has at most (0 for
    /// ad-hoc reports, which have no numbers).
    pub fn max_number(self) -> u32 {
        match self {
            Kind::Weekly => 53,
            Kind::Monthly => 12,
            Kind::Quarterly => 4,
            Kind::SixMonth => 2,
            Kind::NineMonth | Kind::Yearly => 1,
            Kind::AdHoc => 0,
        }
    }

    /// How the decree's rule for this kind reads, for error messages.
    pub fn rule(self) -> &'static str {
        match self {
            Kind::Weekly => "kỳ báo cáo tuần gồm 7 ngày liên tiếp, bắt đầu từ ngày đầu tuần đã cấu hình",
            Kind::Monthly => "kỳ báo cáo tháng tính từ ngày 15 tháng trước đến ngày 14 của tháng báo cáo",
            Kind::Quarterly => "kỳ báo cáo quý tính từ ngày 15 của tháng trước quý đến ngày 14 của tháng cuối quý",
            Kind::SixMonth => {
                "kỳ báo cáo 6 tháng tính từ ngày 15/12 năm trước đến ngày 14/6, hoặc từ ngày 15/6 đến ngày 14/12"
            }
            Kind::NineMonth => "kỳ báo cáo 9 tháng tính từ ngày 15/12 năm trước đến ngày 14/9",
            Kind::Yearly => "kỳ báo cáo năm tính từ ngày 15/12 năm trước đến ngày 14/12",
            Kind::AdHoc => "kỳ báo cáo đột xuất có ngày bắt đầu không sau ngày kết thúc",
        }
    }
}

/// One reporting period.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Period {
    pub kind: Kind,
    /// The reporting year (that of `to`).
    pub year: i32,
    /// Week, month, quarter or half; 1 for nine-month and yearly; 0 for
    /// ad-hoc.
    pub number: u32,
    pub from: NaiveDate,
    pub to: NaiveDate,
}

/// Why a period cannot be made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PeriodError {
    /// The year is outside what the service handles.
    Year,
    /// The number does not exist for the kind and year.
    Number,
    /// The dates are not a period of the kind.
    Mismatch,
}

/// Years the service reckons periods for.
pub const YEARS: std::ops::RangeInclusive<i32> = 1990..=2199;

fn ymd(year: i32, month: u32, day: u32) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(year, month, day)
}

/// The 15th of the month before `month` of `year` (December of the year
/// before for January).
fn fifteenth_before(year: i32, month: u32) -> Option<NaiveDate> {
    if month == 1 {
        ymd(year - 1, 12, 15)
    } else {
        ymd(year, month - 1, 15)
    }
}

/// Which day ends a week starting on `start`.
pub fn week_end(start: Weekday) -> Weekday {
    start.pred()
}

/// The first day ending a week (of weeks starting on `start`) in `year`.
fn first_week_end(year: i32, start: Weekday) -> Option<NaiveDate> {
    let jan1 = ymd(year, 1, 1)?;
    let end = week_end(start);
    let ahead = (7 + end.num_days_from_monday() - jan1.weekday().num_days_from_monday()) % 7;
    jan1.checked_add_days(Days::new(u64::from(ahead)))
}

impl Period {
    /// The period of `kind` with the given number in a reporting year.
    pub fn numbered(kind: Kind, year: i32, number: u32, week_start: Weekday) -> Result<Period, PeriodError> {
        if !YEARS.contains(&year) {
            return Err(PeriodError::Year);
        }
        let bad = || PeriodError::Number;
        let (from, to) = match kind {
            Kind::Weekly => {
                if !(1..=53).contains(&number) {
                    return Err(bad());
                }
                let first = first_week_end(year, week_start).ok_or_else(bad)?;
                let to = first
                    .checked_add_days(Days::new(7 * u64::from(number - 1)))
                    .ok_or_else(bad)?;
                if to.year() != year {
                    return Err(bad());
                }
                (to.checked_sub_days(Days::new(6)).ok_or_else(bad)?, to)
            }
            Kind::Monthly => {
                if !(1..=12).contains(&number) {
                    return Err(bad());
                }
                (
                    fifteenth_before(year, number).ok_or_else(bad)?,
                    ymd(year, number, 14).ok_or_else(bad)?,
                )
            }
            Kind::Quarterly => {
                if !(1..=4).contains(&number) {
                    return Err(bad());
                }
                let last_month = number * 3;
                (
                    fifteenth_before(year, last_month - 2).ok_or_else(bad)?,
                    ymd(year, last_month, 14).ok_or_else(bad)?,
                )
            }
            Kind::SixMonth => match number {
                1 => (
                    ymd(year - 1, 12, 15).ok_or_else(bad)?,
                    ymd(year, 6, 14).ok_or_else(bad)?,
                ),
                2 => (ymd(year, 6, 15).ok_or_else(bad)?, ymd(year, 12, 14).ok_or_else(bad)?),
                _ => return Err(bad()),
            },
            Kind::NineMonth | Kind::Yearly => {
                if number != 1 {
                    return Err(bad());
                }
                let last_month = if kind == Kind::NineMonth { 9 } else { 12 };
                (
                    ymd(year - 1, 12, 15).ok_or_else(bad)?,
                    ymd(year, last_month, 14).ok_or_else(bad)?,
                )
            }
            Kind::AdHoc => return Err(bad()),
        };
        Ok(Period {
            kind,
            year,
            number,
            from,
            to,
        })
    }

    /// The period of `kind` that contains `day`, if any (no nine-month
    /// period contains the days from 15/9 to 14/12).
    pub fn containing(kind: Kind, day: NaiveDate, week_start: Weekday) -> Option<Period> {
        if kind == Kind::Weekly {
            let back = (7 + day.weekday().num_days_from_monday() - week_start.num_days_from_monday()) % 7;
            let from = day.checked_sub_days(Days::new(u64::from(back)))?;
            let to = from.checked_add_days(Days::new(6))?;
            let number = to.ordinal0() / 7 + 1;
            return Period::numbered(kind, to.year(), number, week_start).ok();
        }
        // The month whose period holds the day: from the 15th on, the next.
        let (year, month) = match (day.day() >= 15, day.month()) {
            (false, m) => (day.year(), m),
            (true, 12) => (day.year() + 1, 1),
            (true, m) => (day.year(), m + 1),
        };
        let number = match kind {
            Kind::Monthly => month,
            Kind::Quarterly => month.div_ceil(3),
            Kind::SixMonth => {
                if month <= 6 {
                    1
                } else {
                    2
                }
            }
            Kind::NineMonth => {
                if month > 9 {
                    return None;
                }
                1
            }
            Kind::Yearly => 1,
            Kind::Weekly | Kind::AdHoc => return None,
        };
        Period::numbered(kind, year, number, week_start).ok()
    }

    /// An ad-hoc period: any dates, `from` not after `to`.
    pub fn ad_hoc(from: NaiveDate, to: NaiveDate) -> Result<Period, PeriodError> {
        if !YEARS.contains(&from.year()) || !YEARS.contains(&to.year()) {
            return Err(PeriodError::Year);
        }
        if to < from {
            return Err(PeriodError::Mismatch);
        }
        Ok(Period {
            kind: Kind::AdHoc,
            year: to.year(),
            number: 0,
            from,
            to,
        })
    }

    /// The period of `kind` exactly spanning `from`–`to`, or
    /// [`PeriodError::Mismatch`].
    pub fn spanning(kind: Kind, from: NaiveDate, to: NaiveDate, week_start: Weekday) -> Result<Period, PeriodError> {
        if kind == Kind::AdHoc {
            return Period::ad_hoc(from, to);
        }
        if !YEARS.contains(&to.year()) {
            return Err(PeriodError::Year);
        }
        match Period::containing(kind, to, week_start) {
            Some(p) if p.from == from && p.to == to => Ok(p),
            _ => Err(PeriodError::Mismatch),
        }
    }

    /// Every period of `kind` in a reporting year, in order.
    pub fn all_in_year(kind: Kind, year: i32, week_start: Weekday) -> Vec<Period> {
        (1..=kind.max_number())
            .filter_map(|n| Period::numbered(kind, year, n, week_start).ok())
            .collect()
    }

    /// What identifies the period among an office's reports.
    pub fn key(&self) -> String {
        format!("{}:{}:{}", self.kind.code(), self.from, self.to)
    }

    /// How people name the period, e.g. "tháng 3 năm 2026".
    pub fn label(&self) -> String {
        let y = self.year;
        match self.kind {
            Kind::Weekly => format!(
                "tuần {} năm {y} (từ ngày {} đến ngày {})",
                self.number,
                self.from.format("%d/%m/%Y"),
                self.to.format("%d/%m/%Y")
            ),
            Kind::Monthly => format!("tháng {} năm {y}", self.number),
            Kind::Quarterly => format!("quý {} năm {y}", roman(self.number)),
            Kind::SixMonth => {
                if self.number == 1 {
                    format!("6 tháng đầu năm {y}")
                } else {
                    format!("6 tháng cuối năm {y}")
                }
            }
            Kind::NineMonth => format!("9 tháng năm {y}"),
            Kind::Yearly => format!("năm {y}"),
            Kind::AdHoc => format!(
                "từ ngày {} đến ngày {}",
                self.from.format("%d/%m/%Y"),
                self.to.format("%d/%m/%Y")
            ),
        }
    }
}

/// I, II, III, IV (quarters and section numbers).
pub fn roman(n: u32) -> &'static str {
    match n {
        1 => "I",
        2 => "II",
        3 => "III",
        4 => "IV",
        5 => "V",
        6 => "VI",
        7 => "VII",
        8 => "VIII",
        9 => "IX",
        10 => "X",
        _ => "",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::testing::d;

    fn span(kind: Kind, year: i32, number: u32) -> (String, String) {
        let p = Period::numbered(kind, year, number, Weekday::Fri).expect("period");
        (p.from.to_string(), p.to.to_string())
    }

    #[test]
    fn monthly_periods_cross_the_year_in_january() {
        assert_eq!(span(Kind::Monthly, 2026, 1), ("2025-12-15".into(), "2026-01-14".into()));
        assert_eq!(span(Kind::Monthly, 2026, 3), ("2026-02-15".into(), "2026-03-14".into()));
        assert_eq!(
            span(Kind::Monthly, 2026, 12),
            ("2026-11-15".into(), "2026-12-14".into())
        );
        assert_eq!(span(Kind::Monthly, 2024, 3), ("2024-02-15".into(), "2024-03-14".into()));
    }

    #[test]
    fn quarters_halves_nine_months_and_years() {
        for (kind, number, from, to) in [
            (Kind::Quarterly, 1, "2025-12-15", "2026-03-14"),
            (Kind::Quarterly, 4, "2026-09-15", "2026-12-14"),
            (Kind::SixMonth, 1, "2025-12-15", "2026-06-14"),
            (Kind::SixMonth, 2, "2026-06-15", "2026-12-14"),
            (Kind::NineMonth, 1, "2025-12-15", "2026-09-14"),
            (Kind::Yearly, 1, "2025-12-15", "2026-12-14"),
        ] {
            assert_eq!(span(kind, 2026, number), (from.into(), to.into()), "{kind:?} {number}");
        }
    }

    #[test]
    fn weeks_end_on_the_day_before_the_start_and_belong_to_the_year_they_end_in() {
        // 1 January 2026 is a Thursday: week 1 runs from Friday 26/12/2025.
        assert_eq!(span(Kind::Weekly, 2026, 1), ("2025-12-26".into(), "2026-01-01".into()));
        assert_eq!(span(Kind::Weekly, 2026, 53), ("2026-12-25".into(), "2026-12-31".into()));
        // 2027 has 52 Thursdays.
        assert_eq!(
            Period::numbered(Kind::Weekly, 2027, 53, Weekday::Fri),
            Err(PeriodError::Number)
        );
        let monday = Period::numbered(Kind::Weekly, 2026, 1, Weekday::Mon).expect("week");
        assert_eq!((monday.from, monday.to), (d("2025-12-29"), d("2026-01-04")));
    }

    #[test]
    fn the_period_containing_a_day() {
        let p = Period::containing(Kind::Monthly, d("2025-12-20"), Weekday::Fri).expect("period");
        assert_eq!((p.year, p.number), (2026, 1));
        let p = Period::containing(Kind::Quarterly, d("2026-03-15"), Weekday::Fri).expect("period");
        assert_eq!((p.year, p.number), (2026, 2));
        assert!(Period::containing(Kind::NineMonth, d("2026-10-01"), Weekday::Fri).is_none());
        let w = Period::containing(Kind::Weekly, d("2026-03-02"), Weekday::Fri).expect("week");
        assert_eq!((w.from, w.to, w.number), (d("2026-02-27"), d("2026-03-05"), 10));
        for kind in [
            Kind::Weekly,
            Kind::Monthly,
            Kind::Quarterly,
            Kind::SixMonth,
            Kind::Yearly,
        ] {
            let mut day = d("2025-01-01");
            while day < d("2027-12-31") {
                let p = Period::containing(kind, day, Weekday::Fri).expect("every day is covered");
                assert!(p.from <= day && day <= p.to, "{kind:?} {day}");
                day = day.succ_opt().expect("next day");
            }
        }
    }

    #[test]
    fn dates_must_match_the_kind() {
        assert!(Period::spanning(Kind::Monthly, d("2026-02-15"), d("2026-03-14"), Weekday::Fri).is_ok());
        assert_eq!(
            Period::spanning(Kind::Monthly, d("2026-03-01"), d("2026-03-31"), Weekday::Fri),
            Err(PeriodError::Mismatch)
        );
        assert_eq!(
            Period::spanning(Kind::Quarterly, d("2026-02-15"), d("2026-03-14"), Weekday::Fri),
            Err(PeriodError::Mismatch)
        );
        assert_eq!(
            Period::ad_hoc(d("2026-03-02"), d("2026-03-01")),
            Err(PeriodError::Mismatch)
        );
        assert_eq!(
            Period::numbered(Kind::Monthly, 2026, 13, Weekday::Fri),
            Err(PeriodError::Number)
        );
    }

    #[test]
    fn labels() {
        let q = Period::numbered(Kind::Quarterly, 2026, 3, Weekday::Fri).expect("quarter");
        assert_eq!(q.label(), "quý III năm 2026");
        let h = Period::numbered(Kind::SixMonth, 2026, 2, Weekday::Fri).expect("half");
        assert_eq!(h.label(), "6 tháng cuối năm 2026");
        assert_eq!(q.key(), "quarterly:2026-06-15:2026-09-14");
    }
}
