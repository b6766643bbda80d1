//! Fiscal years and their periods (docs/domain.md §4): a fiscal year is a
//! calendar year in local time, closed month by month; a closed month takes
//! no posting, and the year is settled (quyết toán) once all twelve months
//! are closed, after which it takes nothing at all.

use std::collections::BTreeSet;

use chrono::{Datelike, NaiveDate};

use vanphong_platform::Error;

/// The state of one office's fiscal year.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct YearState {
    pub year: i32,
    /// Closed months, 1–12.
    pub closed: BTreeSet<u32>,
    pub settled: bool,
}

/// "tháng 02/2026".
pub fn period_label(year: i32, month: u32) -> String {
    format!("tháng {month:02}/{year}")
}

/// The last day of a month.
pub fn last_day(year: i32, month: u32) -> Option<NaiveDate> {
    let (next_year, next_month) = if month == 12 { (year + 1, 1) } else { (year, month + 1) };
    NaiveDate::from_ymd_opt(next_year, next_month, 1)?.pred_opt()
}

impl YearState {
    /// Refuses a posting dated `date` (of this year) into a closed month or
    /// a settled year, naming the period.
    pub fn ensure_postable(&self, date: NaiveDate) -> Result<(), Error> {
        if self.settled {
            return Err(Error::FailedPrecondition(format!(
                "Năm tài chính {} đã quyết toán, không nhận thêm bút toán (ngày {})",
                self.year,
                date.format("%d/%m/%Y")
            )));
        }
        if self.closed.contains(&date.month()) {
            return Err(Error::FailedPrecondition(format!(
                "Kỳ kế toán {} đã khóa sổ, không nhận bút toán ngày {}",
                period_label(self.year, date.month()),
                date.format("%d/%m/%Y")
            )));
        }
        Ok(())
    }

    /// Refuses anything new in a settled year.
    pub fn ensure_not_settled(&self) -> Result<(), Error> {
        if self.settled {
            return Err(Error::FailedPrecondition(format!(
                "Năm tài chính {} đã quyết toán, không nhận thêm thay đổi",
                self.year
            )));
        }
        Ok(())
    }

    /// Whether `month` may be closed on `today`: it has ended, it is not
    /// closed yet, and every earlier month is.
    pub fn check_close(&self, month: u32, today: NaiveDate) -> Result<(), Error> {
        self.ensure_not_settled()?;
        let label = period_label(self.year, month);
        if self.closed.contains(&month) {
            return Err(Error::FailedPrecondition(format!(
                "Kỳ kế toán {label} đã khóa sổ trước đó"
            )));
        }
        let Some(end) = last_day(self.year, month) else {
            return Err(Error::invalid("month", "OUT_OF_RANGE", "Tháng phải từ 1 đến 12"));
        };
        if end >= today {
            return Err(Error::FailedPrecondition(format!(
                "Kỳ kế toán {label} chưa kết thúc (đến hết ngày {}), chưa thể khóa sổ",
                end.format("%d/%m/%Y")
            )));
        }
        if let Some(open) = (1..month).find(|m| !self.closed.contains(m)) {
            return Err(Error::FailedPrecondition(format!(
                "Phải khóa sổ {} trước khi khóa sổ {label}",
                period_label(self.year, open)
            )));
        }
        Ok(())
    }

    /// Whether the year may be settled: all twelve months closed, not yet
    /// settled.
    pub fn check_settle(&self) -> Result<(), Error> {
        self.ensure_not_settled()?;
        if let Some(open) = (1..=12).find(|m| !self.closed.contains(m)) {
            return Err(Error::FailedPrecondition(format!(
                "Chưa thể quyết toán năm {}: {} chưa khóa sổ",
                self.year,
                period_label(self.year, open)
            )));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("date")
    }

    fn state(closed: &[u32], settled: bool) -> YearState {
        YearState {
            year: 2026,
            closed: closed.iter().copied().collect(),
            settled,
        }
    }

    #[test]
    fn a_closed_month_refuses_postings_and_names_the_period() {
        let s = state(&[1, 2], false);
        let Err(Error::FailedPrecondition(m)) = s.ensure_postable(d("2026-02-28")) else {
            panic!("refusal expected")
        };
        assert!(m.contains("tháng 02/2026"), "{m}");
        assert!(s.ensure_postable(d("2026-03-01")).is_ok());
        assert!(state(&[], true).ensure_postable(d("2026-07-01")).is_err());
    }

    #[test]
    fn months_close_in_order_once_ended() {
        let today = d("2026-03-02");
        assert!(state(&[], false).check_close(1, today).is_ok());
        let Err(Error::FailedPrecondition(m)) = state(&[], false).check_close(2, today) else {
            panic!("order")
        };
        assert!(m.contains("tháng 01/2026"), "{m}");
        assert!(state(&[1], false).check_close(2, today).is_ok());
        assert!(
            state(&[1, 2], false).check_close(3, today).is_err(),
            "March has not ended"
        );
        assert!(state(&[1], false).check_close(1, today).is_err(), "already closed");
        assert!(state(&[1], false).check_close(2, d("2026-02-28")).is_err());
    }

    #[test]
    fn a_year_settles_once_every_month_is_closed() {
        let all: Vec<u32> = (1..=12).collect();
        assert!(state(&all, false).check_settle().is_ok());
        assert!(state(&all[..11], false).check_settle().is_err());
        assert!(state(&all, true).check_settle().is_err());
        assert_eq!(last_day(2026, 2), Some(d("2026-02-28")));
        assert_eq!(last_day(2026, 12), Some(d("2026-12-31")));
    }
}
