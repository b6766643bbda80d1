//! Legal deadlines (docs/domain.md §3): the rule table that gives the time to
//! resolve a case, counted from thụ lý, and the extensions a rule allows.
//!
//! The table is data: the service seeds [`default_rules`] and a deployment
//! may change any row. Each row says whether it counts calendar days or
//! working days. Calendar-day periods whose last day is a day off end on the
//! next working day (Bộ luật Dân sự 2015, Điều 148); working days skip
//! weekends and the public holidays of the working calendar (Tết moves every
//! year, so holidays are data too).
//!
//! Defaults not confirmed in the sources, and so only defaults: complaint
//! periods are counted in working days (the practice of the inspectorate's
//! procedures), denunciation periods in calendar days (Luật Tố cáo 2018
//! speaks of "ngày").

use chrono::NaiveDate;

use vanphong_platform::calendar::WorkingCalendar;

use super::kinds::{Complexity, Counting, Kind, Resolution};

/// What selects a row of the table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct RuleKey {
    pub kind: Kind,
    pub resolution: Resolution,
    pub complexity: Complexity,
    /// Vùng sâu, vùng xa, đi lại khó khăn.
    pub remote: bool,
}

/// One row of the deadline table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeadlineRule {
    pub key: RuleKey,
    /// The legal period.
    pub days: u32,
    pub counting: Counting,
    /// Extensions allowed, and the longest each may be.
    pub max_extensions: u32,
    pub max_extension_days: u32,
    /// The legal source, for people.
    pub source: String,
}

/// Longest period or extension a rule may hold, in days.
pub const MAX_RULE_DAYS: u32 = 366;

impl RuleKey {
    pub fn new(kind: Kind, resolution: Resolution, complexity: Complexity, remote: bool) -> Self {
        RuleKey {
            kind,
            resolution,
            complexity,
            remote,
        }
    }
}

fn rule(key: RuleKey, days: u32, counting: Counting, extensions: (u32, u32), source: &str) -> DeadlineRule {
    DeadlineRule {
        key,
        days,
        counting,
        max_extensions: extensions.0,
        max_extension_days: extensions.1,
        source: source.to_string(),
    }
}

/// The table the service starts with (docs/domain.md §3).
pub fn default_rules() -> Vec<DeadlineRule> {
    use Complexity::{Complex, EspeciallyComplex, Normal};
    use Counting::{CalendarDays, WorkingDays};
    use Kind::{Complaint, Denunciation};
    use Resolution::{First, Second};
    const FIRST: &str = "Luật Khiếu nại 2011, Điều 28";
    const SECOND: &str = "Luật Khiếu nại 2011, Điều 37";
    const DENUNCIATION: &str = "Luật Tố cáo 2018, Điều 30";
    vec![
        rule(
            RuleKey::new(Complaint, First, Normal, false),
            30,
            WorkingDays,
            (0, 0),
            FIRST,
        ),
        rule(
            RuleKey::new(Complaint, First, Complex, false),
            45,
            WorkingDays,
            (0, 0),
            FIRST,
        ),
        rule(
            RuleKey::new(Complaint, First, Normal, true),
            45,
            WorkingDays,
            (0, 0),
            FIRST,
        ),
        rule(
            RuleKey::new(Complaint, First, Complex, true),
            60,
            WorkingDays,
            (0, 0),
            FIRST,
        ),
        rule(
            RuleKey::new(Complaint, Second, Normal, false),
            45,
            WorkingDays,
            (0, 0),
            SECOND,
        ),
        rule(
            RuleKey::new(Complaint, Second, Complex, false),
            60,
            WorkingDays,
            (0, 0),
            SECOND,
        ),
        rule(
            RuleKey::new(Complaint, Second, Normal, true),
            60,
            WorkingDays,
            (0, 0),
            SECOND,
        ),
        rule(
            RuleKey::new(Complaint, Second, Complex, true),
            70,
            WorkingDays,
            (0, 0),
            SECOND,
        ),
        rule(
            RuleKey::new(Denunciation, First, Normal, false),
            30,
            CalendarDays,
            (0, 0),
            DENUNCIATION,
        ),
        rule(
            RuleKey::new(Denunciation, First, Complex, false),
            30,
            CalendarDays,
            (1, 30),
            DENUNCIATION,
        ),
        rule(
            RuleKey::new(Denunciation, First, EspeciallyComplex, false),
            30,
            CalendarDays,
            (2, 30),
            DENUNCIATION,
        ),
    ]
}

/// The next simpler complexity, for rules that do not distinguish it
/// (complaints know no "especially complex").
fn simpler(complexity: Complexity) -> Complexity {
    match complexity {
        Complexity::EspeciallyComplex => Complexity::Complex,
        other => other,
    }
}

/// The row for a case: the exact row if there is one; else the row for the
/// next simpler complexity; else the same two without the remote-area
/// distinction (denunciations know none). `None` when the table has no row.
pub fn find_rule(rules: &[DeadlineRule], key: RuleKey) -> Option<&DeadlineRule> {
    let mut tries = vec![
        key,
        RuleKey {
            complexity: simpler(key.complexity),
            ..key
        },
    ];
    if key.remote {
        tries.push(RuleKey { remote: false, ..key });
        tries.push(RuleKey {
            remote: false,
            complexity: simpler(key.complexity),
            ..key
        });
    }
    tries.into_iter().find_map(|k| rules.iter().find(|r| r.key == k))
}

/// The last day of a period of `days` starting the day after `start`.
pub fn add_days(calendar: &WorkingCalendar, start: NaiveDate, days: u32, counting: Counting) -> NaiveDate {
    match counting {
        Counting::CalendarDays => calendar.next_working_day(calendar.add_calendar_days(start, days)),
        Counting::WorkingDays => calendar.add_working_days(start, days),
    }
}

/// Why an extension is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExtensionRefusal {
    /// The days asked are not positive.
    NotPositive,
    /// The rule allows no extension at all.
    NotAllowed,
    /// Every allowed extension was used.
    CountExhausted { used: u32, max: u32 },
    /// Longer than one extension may be.
    TooLong { max: u32 },
}

impl ExtensionRefusal {
    /// What people read (Vietnamese).
    pub fn message(self) -> String {
        match self {
            ExtensionRefusal::NotPositive => "Số ngày gia hạn phải lớn hơn 0".into(),
            ExtensionRefusal::NotAllowed => "Loại vụ việc này không được gia hạn thời hạn giải quyết".into(),
            ExtensionRefusal::CountExhausted { used, max } => {
                format!("Đã gia hạn {used} lần; vụ việc này chỉ được gia hạn tối đa {max} lần")
            }
            ExtensionRefusal::TooLong { max } => format!("Mỗi lần gia hạn không quá {max} ngày"),
        }
    }
}

/// Whether one more extension of `days` is allowed after `used` of them.
pub fn check_extension(
    max_extensions: u32,
    max_extension_days: u32,
    used: u32,
    days: i64,
) -> Result<(), ExtensionRefusal> {
    if days <= 0 {
        return Err(ExtensionRefusal::NotPositive);
    }
    if max_extensions == 0 {
        return Err(ExtensionRefusal::NotAllowed);
    }
    if used >= max_extensions {
        return Err(ExtensionRefusal::CountExhausted {
            used,
            max: max_extensions,
        });
    }
    if days > i64::from(max_extension_days) {
        return Err(ExtensionRefusal::TooLong {
            max: max_extension_days,
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("date")
    }

    fn calendar() -> WorkingCalendar {
        WorkingCalendar::vietnam_default().expect("calendar")
    }

    /// Each default row, from a thụ lý date, gives the date written out by
    /// hand (weekends, Tết 16–20/2/2026, Giỗ Tổ 26–27/4, 30/4 and 1/5).
    #[test]
    fn default_table_gives_the_legal_dates() {
        use Complexity::*;
        use Kind::*;
        use Resolution::*;
        let rules = default_rules();
        let cal = calendar();
        let cases = [
            // Complaints, working days.
            (
                RuleKey::new(Complaint, First, Normal, false),
                "2026-03-02",
                "2026-04-13",
            ),
            (
                RuleKey::new(Complaint, First, Normal, false),
                "2026-02-06",
                "2026-03-27",
            ),
            (
                RuleKey::new(Complaint, First, Complex, false),
                "2026-03-02",
                "2026-05-07",
            ),
            (RuleKey::new(Complaint, First, Normal, true), "2026-02-06", "2026-04-17"),
            (
                RuleKey::new(Complaint, First, Complex, true),
                "2026-02-06",
                "2026-05-13",
            ),
            (
                RuleKey::new(Complaint, Second, Normal, false),
                "2026-03-02",
                "2026-05-07",
            ),
            (
                RuleKey::new(Complaint, Second, Complex, false),
                "2026-03-02",
                "2026-05-28",
            ),
            (
                RuleKey::new(Complaint, Second, Normal, true),
                "2026-02-06",
                "2026-05-13",
            ),
            (
                RuleKey::new(Complaint, Second, Complex, true),
                "2026-02-06",
                "2026-05-27",
            ),
            (
                RuleKey::new(Complaint, Second, Complex, true),
                "2026-03-02",
                "2026-06-11",
            ),
            // "Especially complex" complaints follow the complex row.
            (
                RuleKey::new(Complaint, First, EspeciallyComplex, false),
                "2026-03-02",
                "2026-05-07",
            ),
            // Denunciations, calendar days; a day off at the end moves on.
            (
                RuleKey::new(Denunciation, First, Normal, false),
                "2026-03-02",
                "2026-04-01",
            ),
            (
                RuleKey::new(Denunciation, First, Normal, false),
                "2026-03-05",
                "2026-04-06",
            ),
            (
                RuleKey::new(Denunciation, First, Complex, false),
                "2026-01-20",
                "2026-02-23",
            ),
            (
                RuleKey::new(Denunciation, First, EspeciallyComplex, true),
                "2026-01-17",
                "2026-02-23",
            ),
        ];
        for (k, accepted, due) in cases {
            let rule = find_rule(&rules, k).unwrap_or_else(|| panic!("no rule for {k:?}"));
            assert_eq!(
                add_days(&cal, d(accepted), rule.days, rule.counting),
                d(due),
                "{k:?} from {accepted}"
            );
        }
        assert!(find_rule(&rules, RuleKey::new(Recommendation, First, Normal, false)).is_none());
        assert!(find_rule(&rules, RuleKey::new(Denunciation, Second, Normal, false)).is_none());
    }

    #[test]
    fn extension_across_the_may_holidays() {
        let cal = calendar();
        // Due 1/4; 30 more days end on 1/5 (a holiday), then the weekend.
        assert_eq!(
            add_days(&cal, d("2026-04-01"), 30, Counting::CalendarDays),
            d("2026-05-04")
        );
    }

    #[test]
    fn extensions_within_the_legal_count_and_length() {
        assert_eq!(check_extension(1, 30, 0, 30), Ok(()));
        assert_eq!(
            check_extension(1, 30, 1, 10),
            Err(ExtensionRefusal::CountExhausted { used: 1, max: 1 })
        );
        assert_eq!(check_extension(2, 30, 1, 30), Ok(()));
        assert_eq!(
            check_extension(2, 30, 0, 31),
            Err(ExtensionRefusal::TooLong { max: 30 })
        );
        assert_eq!(check_extension(0, 0, 0, 5), Err(ExtensionRefusal::NotAllowed));
        assert_eq!(check_extension(2, 30, 0, 0), Err(ExtensionRefusal::NotPositive));
        assert!(
            ExtensionRefusal::CountExhausted { used: 2, max: 2 }
                .message()
                .contains("tối đa 2 lần")
        );
    }
}
