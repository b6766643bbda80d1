//! Working days: which days an office works, and deadline arithmetic over them.
//!
//! Legal deadlines (classifying a petition, resolving a complaint …) are counted either in
//! calendar days or in working days, chosen per rule by configuration. Working days skip the
//! weekly rest days and the public holidays. Holidays are data, not code: Tết follows the lunar
//! calendar and moves every year, and each year the Government announces which weekdays are
//! swapped into a holiday (nghỉ hoán đổi) and which Saturdays are worked to make up for them
//! (làm bù). The Vietnamese defaults live in `data/holidays-vn.toml`, embedded at build time and
//! reviewed every year; a deployment may load its own file in the same format.
//!
//! The calendar never derives compensatory days (nghỉ bù) itself: the announced schedule is the
//! authority, so the data lists every day off explicitly.

use std::collections::{BTreeMap, BTreeSet};
use std::ops::{Bound, RangeInclusive};
use std::path::{Path, PathBuf};

use chrono::{Datelike, Days, NaiveDate, Weekday};
use serde::Deserialize;

/// The default Vietnamese public-holiday data for public servants.
const VIETNAM_HOLIDAYS: &str = include_str!("../data/holidays-vn.toml");

/// Why holiday data could not be loaded. Raised at start-up, never while counting days.
#[derive(Debug, thiserror::Error)]
pub enum CalendarError {
    /// The holiday file could not be read.
    #[error("cannot read holiday file {path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// The text is not TOML of the expected shape, or a date is malformed.
    #[error("holiday data is not valid: {0}")]
    Parse(String),
    /// The data is well-formed but contradicts itself or cannot give a usable calendar.
    #[error("holiday data is inconsistent: {0}")]
    Invalid(String),
}

/// Which days an office works: every day except the weekly rest days and the public holidays,
/// plus the weekend days officially worked in exchange for a swapped holiday.
///
/// Every query terminates: construction rejects a week with no working day, and the holidays are
/// finite. Results that would pass chrono's last representable date saturate at
/// [`NaiveDate::MAX`], far beyond any real deadline.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkingCalendar {
    /// Weekly rest days, indexed by [`Weekday::num_days_from_monday`].
    weekend: [bool; 7],
    /// Days off, with their Vietnamese names.
    holidays: BTreeMap<NaiveDate, String>,
    /// Weekend days that are worked (làm bù).
    make_up_days: BTreeSet<NaiveDate>,
}

impl WorkingCalendar {
    /// Saturday and Sunday off, no holidays: for rules and tests that ignore holidays.
    pub fn weekends_only() -> Self {
        Self {
            weekend: weekend_of(&[Weekday::Sat, Weekday::Sun]),
            holidays: BTreeMap::new(),
            make_up_days: BTreeSet::new(),
        }
    }

    /// The Vietnamese public holidays for public servants, from the data embedded at build time.
    ///
    /// Returns a `Result` rather than panicking; a unit test proves the embedded data parses, so
    /// an error here means the binary was built from a broken data file.
    pub fn vietnam_default() -> Result<Self, CalendarError> {
        Self::from_toml(VIETNAM_HOLIDAYS)
    }

    /// Reads a holiday file in the format of `data/holidays-vn.toml`, so a deployment can
    /// publish next year's schedule without a new build.
    pub fn load(path: &Path) -> Result<Self, CalendarError> {
        let text = std::fs::read_to_string(path).map_err(|source| CalendarError::Io {
            path: path.to_path_buf(),
            source,
        })?;
        Self::from_toml(&text)
    }

    /// Parses and checks holiday data. Anything ambiguous is rejected rather than guessed: a
    /// date both off and worked, a date listed twice, a make-up day that is not a weekend day,
    /// an unknown weekday name, a week without a working day, or a year missing between two
    /// covered years.
    pub fn from_toml(text: &str) -> Result<Self, CalendarError> {
        let file: CalendarFile = toml::from_str(text).map_err(|e| CalendarError::Parse(e.to_string()))?;
        let mut weekend = [false; 7];
        for name in &file.weekend {
            let day: Weekday = name
                .parse()
                .map_err(|_| invalid(format!("unknown weekday name {name:?} in `weekend`")))?;
            weekend[day.num_days_from_monday() as usize] = true;
        }
        if weekend.iter().all(|&rest| rest) {
            return Err(invalid("`weekend` lists all seven days; nothing would ever be due"));
        }
        let mut holidays = BTreeMap::new();
        for entry in file.holiday {
            let date = parse_date(&entry.date)?;
            let name = entry.name.trim();
            if name.is_empty() {
                return Err(invalid(format!("holiday {date} has no name")));
            }
            if holidays.insert(date, name.to_owned()).is_some() {
                return Err(invalid(format!("holiday {date} is listed twice")));
            }
        }
        let mut make_up_days = BTreeSet::new();
        for entry in file.working_day {
            let date = parse_date(&entry.date)?;
            if holidays.contains_key(&date) {
                return Err(invalid(format!("{date} is listed both as holiday and working day")));
            }
            if !weekend[date.weekday().num_days_from_monday() as usize] {
                return Err(invalid(format!(
                    "make-up working day {date} is a {}, which is worked anyway",
                    date.weekday()
                )));
            }
            if !make_up_days.insert(date) {
                return Err(invalid(format!("working day {date} is listed twice")));
            }
        }
        let years: BTreeSet<i32> = holidays.keys().map(Datelike::year).collect();
        let years: Vec<i32> = years.into_iter().collect();
        if let Some(pair) = years.windows(2).find(|pair| pair[1] - pair[0] > 1) {
            return Err(invalid(format!(
                "no holidays listed between {} and {}; every covered year needs its holidays",
                pair[0], pair[1]
            )));
        }
        Ok(Self {
            weekend,
            holidays,
            make_up_days,
        })
    }

    /// Whether `day` is a weekly rest day (before holidays and make-up days are considered).
    pub fn is_weekend(&self, day: Weekday) -> bool {
        self.weekend[day.num_days_from_monday() as usize]
    }

    /// Whether the office works on `date`: a make-up day, or neither a rest day nor a holiday.
    pub fn is_working_day(&self, date: NaiveDate) -> bool {
        self.make_up_days.contains(&date) || !(self.is_weekend(date.weekday()) || self.holidays.contains_key(&date))
    }

    /// The Vietnamese name of the holiday on `date`, for showing why a day does not count.
    pub fn holiday_name(&self, date: NaiveDate) -> Option<&str> {
        self.holidays.get(&date).map(String::as_str)
    }

    /// All listed days off in date order, e.g. to show the year's schedule.
    pub fn holidays(&self) -> impl Iterator<Item = (NaiveDate, &str)> + '_ {
        self.holidays.iter().map(|(date, name)| (*date, name.as_str()))
    }

    /// All weekend days that are worked, in date order.
    pub fn make_up_days(&self) -> impl Iterator<Item = NaiveDate> + '_ {
        self.make_up_days.iter().copied()
    }

    /// The years the holiday data covers, or `None` when no holidays are listed. Outside these
    /// years only weekends are skipped, so callers should warn when a deadline leaves the range.
    pub fn covered_years(&self) -> Option<RangeInclusive<i32>> {
        let first = self.holidays.keys().next()?.year();
        let last = self.holidays.keys().next_back()?.year();
        Some(first..=last)
    }

    /// Whether the holiday data covers the year of `date`.
    pub fn covers(&self, date: NaiveDate) -> bool {
        self.covered_years().is_some_and(|years| years.contains(&date.year()))
    }

    /// `start` plus `n` calendar days, for rules counted in calendar days.
    pub fn add_calendar_days(&self, start: NaiveDate, n: u32) -> NaiveDate {
        start.checked_add_days(Days::new(n.into())).unwrap_or(NaiveDate::MAX)
    }

    /// `date` itself if it is a working day, else the first working day after it: where a
    /// calendar-day deadline moves when its last day is a day off (Bộ luật Dân sự 2015,
    /// Điều 148).
    pub fn next_working_day(&self, date: NaiveDate) -> NaiveDate {
        let mut day = date;
        // Terminates: every week has a working day and the holidays are finite.
        while !self.is_working_day(day) {
            match day.succ_opt() {
                Some(next) => day = next,
                None => break,
            }
        }
        day
    }

    /// The `n`-th working day strictly after `start` (`start` itself when `n` is 0): a period
    /// counted in days starts on the day after the event (Bộ luật Dân sự 2015, Điều 147), so the
    /// day of receipt never counts, whether or not it is a working day.
    pub fn add_working_days(&self, start: NaiveDate, n: u32) -> NaiveDate {
        let per_week = self.working_days_per_week();
        let mut day = start;
        let mut left = n;
        while left > 0 {
            // Whole weeks before the next listed date hold exactly `per_week` working days, so
            // long spans are skipped instead of walked; at least one working day stays to walk.
            let clear_weeks = self
                .next_listed_after(day)
                .map_or(u64::MAX, |next| ((next - day).num_days() - 1).unsigned_abs() / 7);
            let weeks = u32::try_from(clear_weeks)
                .unwrap_or(u32::MAX)
                .min((left - 1) / per_week);
            if weeks > 0 {
                day = match day.checked_add_days(Days::new(u64::from(weeks) * 7)) {
                    Some(later) => later,
                    None => return NaiveDate::MAX,
                };
                left -= weeks * per_week;
            }
            day = match day.succ_opt() {
                Some(next) => next,
                None => return NaiveDate::MAX,
            };
            if self.is_working_day(day) {
                left -= 1;
            }
        }
        day
    }

    /// The number of working days in `(from, to]`: how many working days have passed from
    /// `from` to `to`, and so how many remain when `to` is a deadline. Negative when `to` is
    /// before `from`, so `between(a, b) == -between(b, a)` and overdue days read as negative.
    pub fn working_days_between(&self, from: NaiveDate, to: NaiveDate) -> i64 {
        if to < from {
            return -self.working_days_between(to, from);
        }
        let days = (to - from).num_days();
        let mut count = days / 7 * i64::from(self.working_days_per_week());
        let mut weekday = from.weekday();
        for _ in 0..days % 7 {
            weekday = weekday.succ();
            if !self.is_weekend(weekday) {
                count += 1;
            }
        }
        // Listed dates are validated: make-up days are weekend days and never holidays.
        let span = (Bound::Excluded(from), Bound::Included(to));
        let holidays_on_weekdays = self
            .holidays
            .range(span)
            .filter(|(date, _)| !self.is_weekend(date.weekday()))
            .count();
        count - holidays_on_weekdays as i64 + self.make_up_days.range(span).count() as i64
    }

    fn working_days_per_week(&self) -> u32 {
        // At least 1: construction rejects a seven-day weekend.
        self.weekend.iter().filter(|&&rest| !rest).count() as u32
    }

    /// The first holiday or make-up day after `day`.
    fn next_listed_after(&self, day: NaiveDate) -> Option<NaiveDate> {
        let after = (Bound::Excluded(day), Bound::Unbounded);
        let holiday = self.holidays.range(after).next().map(|(date, _)| *date);
        let make_up = self.make_up_days.range(after).next().copied();
        holiday.into_iter().chain(make_up).min()
    }
}

/// The file format; see `data/holidays-vn.toml`. Unknown keys are errors, so a misspelt table
/// name cannot silently yield a calendar without holidays.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CalendarFile {
    #[serde(default = "default_weekend")]
    weekend: Vec<String>,
    #[serde(default)]
    holiday: Vec<HolidayEntry>,
    #[serde(default)]
    working_day: Vec<WorkingDayEntry>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct HolidayEntry {
    date: toml::Value,
    name: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct WorkingDayEntry {
    date: toml::Value,
    #[serde(default, rename = "note")]
    _note: Option<String>,
}

fn default_weekend() -> Vec<String> {
    vec!["saturday".into(), "sunday".into()]
}

fn weekend_of(days: &[Weekday]) -> [bool; 7] {
    let mut weekend = [false; 7];
    for day in days {
        weekend[day.num_days_from_monday() as usize] = true;
    }
    weekend
}

/// Accepts `"2025-01-01"` or a bare TOML date `2025-01-01`.
fn parse_date(value: &toml::Value) -> Result<NaiveDate, CalendarError> {
    let parsed = match value {
        toml::Value::String(text) => NaiveDate::parse_from_str(text, "%Y-%m-%d").ok(),
        toml::Value::Datetime(dt) if dt.time.is_none() && dt.offset.is_none() => dt
            .date
            .and_then(|d| NaiveDate::from_ymd_opt(d.year.into(), d.month.into(), d.day.into())),
        _ => None,
    };
    parsed.ok_or_else(|| {
        let shown = match value {
            toml::Value::String(text) => format!("{text:?}"),
            toml::Value::Datetime(dt) => dt.to_string(),
            other => format!("a {}", other.type_str()),
        };
        CalendarError::Parse(format!("{shown} is not a date (YYYY-MM-DD)"))
    })
}

fn invalid(message: impl Into<String>) -> CalendarError {
    CalendarError::Invalid(message.into())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(year: i32, month: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(year, month, day).expect("valid test date")
    }

    fn vn() -> WorkingCalendar {
        WorkingCalendar::vietnam_default().expect("embedded holiday data parses")
    }

    fn invalid_message(text: &str) -> String {
        match WorkingCalendar::from_toml(text) {
            Err(CalendarError::Invalid(message)) => message,
            other => panic!("expected Invalid, got {other:?}"),
        }
    }

    #[test]
    fn embedded_data_parses_and_covers_2024_to_2027() {
        let cal = vn();
        assert_eq!(cal.covered_years(), Some(2024..=2027));
        assert!(cal.covers(d(2027, 12, 31)));
        assert!(!cal.covers(d(2028, 1, 1)));
        assert!(cal.is_weekend(Weekday::Sat) && cal.is_weekend(Weekday::Sun));
        assert!(!cal.is_weekend(Weekday::Fri));
    }

    #[test]
    fn embedded_data_has_every_fixed_holiday_each_year() {
        let cal = vn();
        for year in 2024..=2027 {
            assert_eq!(cal.holiday_name(d(year, 1, 1)), Some("Tết Dương lịch"));
            assert_eq!(cal.holiday_name(d(year, 4, 30)), Some("Ngày Chiến thắng (30/4)"));
            assert_eq!(cal.holiday_name(d(year, 5, 1)), Some("Ngày Quốc tế Lao động (1/5)"));
            assert_eq!(cal.holiday_name(d(year, 9, 2)), Some("Quốc khánh (2/9)"));
            let count = |needle: &str| {
                let in_year = |(date, name): &(NaiveDate, &str)| date.year() == year && name.contains(needle);
                cal.holidays().filter(in_year).count()
            };
            assert_eq!(count("Giỗ Tổ Hùng Vương (10/3"), 1, "{year}");
            assert!(count("Tết Âm lịch") >= 5, "{year}");
            assert_eq!(count("Quốc khánh"), 2, "{year}");
            assert_eq!(count("mùng 1 tháng Giêng"), 1, "{year}");
        }
        // Lunar dates, converted by hand.
        assert_eq!(
            cal.holiday_name(d(2024, 2, 10)),
            Some("Tết Âm lịch (mùng 1 tháng Giêng)")
        );
        assert_eq!(
            cal.holiday_name(d(2025, 1, 29)),
            Some("Tết Âm lịch (mùng 1 tháng Giêng)")
        );
        assert_eq!(
            cal.holiday_name(d(2026, 2, 17)),
            Some("Tết Âm lịch (mùng 1 tháng Giêng)")
        );
        assert_eq!(
            cal.holiday_name(d(2027, 2, 6)),
            Some("Tết Âm lịch (mùng 1 tháng Giêng)")
        );
        for day in [d(2024, 4, 18), d(2025, 4, 7), d(2026, 4, 26), d(2027, 4, 16)] {
            assert_eq!(cal.holiday_name(day), Some("Giỗ Tổ Hùng Vương (10/3 âm lịch)"));
        }
    }

    #[test]
    fn embedded_swaps_pair_with_make_up_saturdays() {
        let cal = vn();
        let swapped = cal.holidays().filter(|(_, name)| name.contains("hoán đổi")).count();
        let make_up: Vec<_> = cal.make_up_days().collect();
        assert_eq!(make_up, [d(2024, 5, 4), d(2025, 4, 26), d(2026, 1, 10)]);
        assert_eq!(swapped, make_up.len());
        assert!(make_up.iter().all(|day| day.weekday() == Weekday::Sat));
    }

    #[test]
    fn load_reads_the_same_file() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("data/holidays-vn.toml");
        assert_eq!(WorkingCalendar::load(&path).expect("data file loads"), vn());
    }

    #[test]
    fn load_reports_the_missing_path() {
        let path = Path::new("/nonexistent/holidays.toml");
        match WorkingCalendar::load(path) {
            Err(err @ CalendarError::Io { .. }) => {
                assert!(err.to_string().contains("/nonexistent/holidays.toml"), "{err}");
            }
            other => panic!("expected Io, got {other:?}"),
        }
    }

    #[test]
    fn working_day_basics() {
        let cal = vn();
        assert!(cal.is_working_day(d(2025, 3, 7))); // Friday
        assert!(!cal.is_working_day(d(2025, 3, 8))); // Saturday
        assert!(!cal.is_working_day(d(2025, 3, 9))); // Sunday
        assert!(!cal.is_working_day(d(2025, 4, 7))); // Giỗ Tổ, Monday
        assert!(cal.is_working_day(d(2025, 4, 26))); // make-up Saturday
        assert!(!cal.is_working_day(d(2026, 1, 2))); // swapped Friday
        assert!(cal.is_working_day(d(2026, 1, 10))); // its make-up Saturday
        assert!(!cal.is_working_day(d(2026, 4, 27))); // nghỉ bù for Giỗ Tổ on Sunday 26/4
        assert_eq!(cal.holiday_name(d(2025, 3, 7)), None);
        assert_eq!(cal.holiday_name(d(2026, 4, 27)), Some("Giỗ Tổ Hùng Vương – nghỉ bù"));
    }

    #[test]
    fn five_working_days_across_tet_2025() {
        // Off Sat 25/1 – Sun 2/2; then Mon 3/2 (1) … Fri 7/2 (5).
        assert_eq!(vn().add_working_days(d(2025, 1, 24), 5), d(2025, 2, 7));
        // From Thu 23/1: Fri 24/1 (1), Mon 3/2 (2) … Thu 6/2 (5).
        assert_eq!(vn().add_working_days(d(2025, 1, 23), 5), d(2025, 2, 6));
    }

    #[test]
    fn five_working_days_across_tet_2026() {
        // Off Sat 14/2 – Sun 22/2; then Mon 23/2 (1) … Fri 27/2 (5).
        assert_eq!(vn().add_working_days(d(2026, 2, 13), 5), d(2026, 2, 27));
        // From Wed 11/2: Thu 12/2 (1), Fri 13/2 (2), Mon 23/2 (3), Tue 24/2 (4), Wed 25/2 (5).
        assert_eq!(vn().add_working_days(d(2026, 2, 11), 5), d(2026, 2, 25));
    }

    #[test]
    fn five_working_days_across_30_4_2025_with_make_up_saturday() {
        // Fri 25/4 (1), Sat 26/4 make-up (2), Mon 28/4 (3), Tue 29/4 (4), off Wed 30/4 – Sun 4/5,
        // Mon 5/5 (5).
        assert_eq!(vn().add_working_days(d(2025, 4, 24), 5), d(2025, 5, 5));
        // Without the make-up Saturday it would be Tue 6/5.
        let mut no_make_up = vn();
        no_make_up.make_up_days.clear();
        assert_eq!(no_make_up.add_working_days(d(2025, 4, 24), 5), d(2025, 5, 6));
    }

    #[test]
    fn five_working_days_across_30_4_2024_with_make_up_saturday() {
        // Off Sat 27/4 – Wed 1/5; Thu 2/5 (1), Fri 3/5 (2), Sat 4/5 make-up (3), Mon 6/5 (4),
        // Tue 7/5 (5).
        assert_eq!(vn().add_working_days(d(2024, 4, 26), 5), d(2024, 5, 7));
    }

    #[test]
    fn working_days_across_a_plain_weekend() {
        let cal = vn();
        // Thu 6/3/2025: Fri 7 (1), Mon 10 (2), Tue 11 (3).
        assert_eq!(cal.add_working_days(d(2025, 3, 6), 3), d(2025, 3, 11));
        // Counting from a Saturday: the first working day is Monday.
        assert_eq!(cal.add_working_days(d(2025, 3, 8), 1), d(2025, 3, 10));
        // n = 0 is the start itself, even on a holiday.
        assert_eq!(cal.add_working_days(d(2025, 1, 1), 0), d(2025, 1, 1));
        // Giỗ Tổ 2026 on Sunday 26/4, nghỉ bù Mon 27/4: from Fri 24/4 the next is Tue 28/4, then
        // Wed 29/4, then Mon 4/5 after 30/4 and 1/5.
        assert_eq!(cal.add_working_days(d(2026, 4, 24), 1), d(2026, 4, 28));
        assert_eq!(cal.add_working_days(d(2026, 4, 24), 3), d(2026, 5, 4));
    }

    #[test]
    fn thirty_working_days_from_receipt() {
        // Received Mon 13/1/2025: 14–24/1 (9), Tết, 3–7/2 (14), 10–14/2 (19), 17–21/2 (24),
        // 24–28/2 (29), Mon 3/3 (30).
        assert_eq!(vn().add_working_days(d(2025, 1, 13), 30), d(2025, 3, 3));
    }

    #[test]
    fn calendar_days_ignore_holidays() {
        let cal = vn();
        assert_eq!(cal.add_calendar_days(d(2025, 1, 24), 10), d(2025, 2, 3));
        assert_eq!(cal.add_calendar_days(d(2025, 1, 24), 0), d(2025, 1, 24));
        assert_eq!(cal.add_calendar_days(NaiveDate::MAX, 1), NaiveDate::MAX);
    }

    #[test]
    fn next_working_day_moves_off_days_only() {
        let cal = vn();
        assert_eq!(cal.next_working_day(d(2025, 3, 7)), d(2025, 3, 7));
        assert_eq!(cal.next_working_day(d(2025, 1, 25)), d(2025, 2, 3));
        assert_eq!(cal.next_working_day(d(2025, 4, 26)), d(2025, 4, 26)); // make-up Saturday
        assert_eq!(cal.next_working_day(d(2024, 8, 31)), d(2024, 9, 4)); // Sat before 2/9, 3/9
    }

    #[test]
    fn working_days_between_counts_half_open_interval() {
        let cal = vn();
        assert_eq!(cal.working_days_between(d(2025, 1, 24), d(2025, 2, 7)), 5);
        assert_eq!(cal.working_days_between(d(2025, 2, 7), d(2025, 1, 24)), -5);
        assert_eq!(cal.working_days_between(d(2025, 3, 7), d(2025, 3, 7)), 0);
        assert_eq!(cal.working_days_between(d(2025, 3, 7), d(2025, 3, 10)), 1); // Fri → Mon
        assert_eq!(cal.working_days_between(d(2025, 3, 10), d(2025, 3, 7)), -1);
        assert_eq!(cal.working_days_between(d(2025, 4, 24), d(2025, 5, 5)), 5);
        // Sat 1/2/2025 is both a weekend day and mùng 4 Tết: not subtracted twice.
        assert_eq!(cal.working_days_between(d(2025, 1, 31), d(2025, 2, 3)), 1);
        // 2025 in full: 261 weekdays − 12 weekday days off (the 11 legal days less Sat 1/2, plus
        // nghỉ bù Mon 27/1 and the swapped Fri 2/5) + 1 make-up Saturday.
        assert_eq!(cal.working_days_between(d(2024, 12, 31), d(2025, 12, 31)), 250);
    }

    #[test]
    fn working_days_between_inverts_add_working_days() {
        let cal = vn();
        let mut start = d(2023, 12, 25);
        while start < d(2028, 1, 10) {
            for n in [0, 1, 2, 5, 10, 30, 45, 70, 400] {
                let end = cal.add_working_days(start, n);
                assert_eq!(cal.working_days_between(start, end), i64::from(n), "{start} + {n}");
                assert_eq!(cal.working_days_between(end, start), -i64::from(n));
                assert!(n == 0 || cal.is_working_day(end));
            }
            start = start.succ_opt().expect("in range");
        }
    }

    #[test]
    fn matches_day_by_day_walk() {
        let cal = vn();
        let walk = |from: NaiveDate, to: NaiveDate| {
            from.iter_days()
                .skip(1)
                .take_while(|day| *day <= to)
                .filter(|day| cal.is_working_day(*day))
                .count() as i64
        };
        for (from, to) in [
            (d(2023, 12, 1), d(2028, 2, 29)),
            (d(2024, 2, 7), d(2024, 2, 15)),
            (d(2026, 8, 28), d(2026, 9, 7)),
            (d(2027, 2, 3), d(2027, 2, 12)),
        ] {
            assert_eq!(cal.working_days_between(from, to), walk(from, to), "{from}..{to}");
        }
        // The week-skipping shortcut, before, inside and after the data.
        let walk_n = |start: NaiveDate, n: usize| {
            let mut working = start.iter_days().skip(1).filter(|day| cal.is_working_day(*day));
            working.nth(n - 1).expect("in range")
        };
        for (start, n) in [(d(2019, 6, 3), 2000), (d(2023, 12, 29), 700), (d(2027, 9, 1), 333)] {
            let expected = walk_n(start, n);
            let n = u32::try_from(n).expect("small");
            assert_eq!(cal.add_working_days(start, n), expected, "{start} + {n}");
        }
    }

    #[test]
    fn extreme_inputs_saturate_quickly() {
        let cal = vn();
        assert_eq!(cal.add_working_days(d(2024, 1, 1), u32::MAX), NaiveDate::MAX);
        assert_eq!(cal.add_working_days(NaiveDate::MAX, 1), NaiveDate::MAX);
        assert_eq!(cal.next_working_day(NaiveDate::MAX), NaiveDate::MAX);
        // Far from the data the weekly shortcut applies: 5 working days per 7.
        assert_eq!(
            cal.add_working_days(d(3000, 1, 3), 5_000_000),
            d(3000, 1, 3) + Days::new(7_000_000)
        );
        let all = cal.working_days_between(NaiveDate::MIN, NaiveDate::MAX);
        assert!(all > 0);
        assert_eq!(cal.working_days_between(NaiveDate::MAX, NaiveDate::MIN), -all);
    }

    #[test]
    fn weekends_only_calendar() {
        let cal = WorkingCalendar::weekends_only();
        assert_eq!(cal.covered_years(), None);
        assert!(!cal.covers(d(2025, 1, 1)));
        assert!(cal.is_working_day(d(2025, 1, 1)));
        assert_eq!(cal.add_working_days(d(2025, 1, 24), 5), d(2025, 1, 31));
        assert_eq!(
            cal,
            WorkingCalendar::from_toml("").expect("empty file is weekends only")
        );
    }

    #[test]
    fn custom_weekends() {
        let friday = WorkingCalendar::from_toml(r#"weekend = ["Friday"]"#).expect("parses");
        assert!(friday.is_working_day(d(2025, 3, 8))); // Saturday
        assert_eq!(friday.add_working_days(d(2025, 3, 6), 1), d(2025, 3, 8));
        let none = WorkingCalendar::from_toml("weekend = []").expect("parses");
        assert_eq!(none.working_days_between(d(2025, 3, 1), d(2025, 3, 31)), 30);
        // Only Wednesday is worked: the second working day after Wed 5/3 is Wed 19/3.
        let six = r#"weekend = ["mon", "tue", "thu", "fri", "sat", "sun"]"#;
        let six = WorkingCalendar::from_toml(six).expect("parses");
        assert_eq!(six.add_working_days(d(2025, 3, 5), 2), d(2025, 3, 19));
        assert_eq!(six.working_days_between(d(2025, 3, 5), d(2025, 3, 19)), 2);
    }

    #[test]
    fn accepts_bare_toml_dates_and_ignores_notes() {
        let text = r#"
            [[holiday]]
            date = 2025-05-02
            name = "Nghỉ hoán đổi"
            [[working_day]]
            date = 2025-04-26
            note = "Làm bù"
        "#;
        let cal = WorkingCalendar::from_toml(text).expect("parses");
        assert_eq!(cal.holiday_name(d(2025, 5, 2)), Some("Nghỉ hoán đổi"));
        assert!(cal.is_working_day(d(2025, 4, 26)));
    }

    #[test]
    fn rejects_a_date_both_holiday_and_working_day() {
        let text = r#"
            [[holiday]]
            date = "2025-04-26"
            name = "Ngày lễ"
            [[working_day]]
            date = "2025-04-26"
        "#;
        assert!(invalid_message(text).contains("2025-04-26"));
    }

    #[test]
    fn rejects_inconsistent_data() {
        assert!(invalid_message(r#"weekend = ["caturday"]"#).contains("caturday"));
        let all = r#"weekend = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]"#;
        assert!(invalid_message(all).contains("seven"));
        let weekday_make_up = "[[working_day]]\ndate = \"2025-04-25\"";
        assert!(invalid_message(weekday_make_up).contains("Fri"));
        let twice = "[[holiday]]\ndate = \"2025-01-01\"\nname = \"A\"\n\
                     [[holiday]]\ndate = \"2025-01-01\"\nname = \"B\"";
        assert!(invalid_message(twice).contains("twice"));
        let nameless = "[[holiday]]\ndate = \"2025-01-01\"\nname = \" \"";
        assert!(invalid_message(nameless).contains("no name"));
        let gap = "[[holiday]]\ndate = \"2024-01-01\"\nname = \"A\"\n\
                   [[holiday]]\ndate = \"2026-01-01\"\nname = \"B\"";
        assert!(invalid_message(gap).contains("between 2024 and 2026"));
    }

    #[test]
    fn rejects_malformed_files() {
        for text in [
            "weekend = [",                                           // not TOML
            "[[holidays]]\ndate = \"2025-01-01\"\nname = \"A\"",     // misspelt table
            "[[holiday]]\ndate = \"2025-02-30\"\nname = \"A\"",      // no such date
            "[[holiday]]\ndate = \"01/01/2025\"\nname = \"A\"",      // wrong format
            "[[holiday]]\ndate = 2025-01-01T08:00:00\nname = \"A\"", // not a date
            "[[holiday]]\ndate = \"2025-01-01\"",                    // no name
        ] {
            assert!(
                matches!(WorkingCalendar::from_toml(text), Err(CalendarError::Parse(_))),
                "{text}"
            );
        }
    }
}
