//! The reporting rules the decree leaves to each deployment: where a week
//! starts, and how many working days after the cut-off each level of the
//! tree has to send its report (NĐ 09/2019 Điều 8.5: in multi-level
//! reporting each level has its own deadline; at least one working day
//! between the cut-off and the deadline).

use chrono::{NaiveDate, Weekday};
use serde::{Deserialize, Serialize};

use vanphong_platform::calendar::WorkingCalendar;
use vanphong_platform::tree::OfficeKind;

/// Working days a level has by default: lower levels first, so each level
/// has time to roll up what it received.
const DEFAULT_DEADLINES: [(OfficeKind, u32); 5] = [
    (OfficeKind::Commune, 1),
    (OfficeKind::District, 2),
    (OfficeKind::Province, 3),
    (OfficeKind::Central, 4),
    (OfficeKind::Other, 2),
];

/// Longest deadline a level may be given, in working days.
pub const MAX_WORKING_DAYS: u32 = 60;

/// The deployment's reporting rules.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Policy {
    /// First day of a weekly period (default Friday: Friday to Thursday).
    pub week_start: Weekday,
    /// Working days after the cut-off, per level.
    pub deadlines: Vec<(OfficeKind, u32)>,
}

impl Default for Policy {
    fn default() -> Self {
        Policy {
            week_start: Weekday::Fri,
            deadlines: DEFAULT_DEADLINES.to_vec(),
        }
    }
}

/// Storage form of [`Policy`].
#[derive(Debug, Serialize, Deserialize)]
struct Stored {
    week_start: u32,
    deadlines: Vec<(String, u32)>,
}

impl Policy {
    /// Working days an office of `kind` has after the cut-off (never less
    /// than one).
    pub fn working_days(&self, kind: OfficeKind) -> u32 {
        self.deadlines
            .iter()
            .find(|(k, _)| *k == kind)
            .map_or(1, |(_, days)| *days)
            .max(1)
    }

    /// The submission deadline of an office of `kind` for a period ending
    /// on `cut_off`.
    pub fn deadline(&self, calendar: &WorkingCalendar, kind: OfficeKind, cut_off: NaiveDate) -> NaiveDate {
        calendar.add_working_days(cut_off, self.working_days(kind))
    }

    /// Every level with its days: the configured ones, the rest at their
    /// defaults.
    pub fn complete(mut self) -> Policy {
        for (kind, days) in DEFAULT_DEADLINES {
            if !self.deadlines.iter().any(|(k, _)| *k == kind) {
                self.deadlines.push((kind, days));
            }
        }
        self
    }

    /// Storage form.
    pub fn to_json(&self) -> String {
        let stored = Stored {
            week_start: self.week_start.num_days_from_monday(),
            deadlines: self.deadlines.iter().map(|(k, d)| (k.code().to_string(), *d)).collect(),
        };
        serde_json::to_string(&stored).unwrap_or_default()
    }

    /// Reads the storage form; `None` when any of it cannot be read (not
    /// JSON, a weekday out of range, a level this version does not know):
    /// stored rules are never quietly replaced by the defaults.
    pub fn from_json(text: &str) -> Option<Policy> {
        let stored = serde_json::from_str::<Stored>(text).ok()?;
        let week_start = weekday(stored.week_start)?;
        let deadlines = stored
            .deadlines
            .into_iter()
            .map(|(k, d)| OfficeKind::from_code(&k).map(|k| (k, d)))
            .collect::<Option<_>>()?;
        Some(Policy { week_start, deadlines }.complete())
    }
}

/// Monday = 0 … Sunday = 6.
pub fn weekday(days_from_monday: u32) -> Option<Weekday> {
    match days_from_monday {
        0 => Some(Weekday::Mon),
        1 => Some(Weekday::Tue),
        2 => Some(Weekday::Wed),
        3 => Some(Weekday::Thu),
        4 => Some(Weekday::Fri),
        5 => Some(Weekday::Sat),
        6 => Some(Weekday::Sun),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::testing::d;

    #[test]
    fn each_level_has_its_own_deadline_after_the_cut_off() {
        let calendar = WorkingCalendar::vietnam_default().expect("calendar");
        let policy = Policy::default();
        // Saturday 14 March 2026: the first working day after is Monday 16.
        let cut_off = d("2026-03-14");
        assert_eq!(
            policy.deadline(&calendar, OfficeKind::Commune, cut_off),
            d("2026-03-16")
        );
        assert_eq!(
            policy.deadline(&calendar, OfficeKind::District, cut_off),
            d("2026-03-17")
        );
        assert_eq!(
            policy.deadline(&calendar, OfficeKind::Province, cut_off),
            d("2026-03-18")
        );
    }

    #[test]
    fn at_least_one_working_day_even_if_configured_otherwise() {
        let policy = Policy {
            week_start: Weekday::Mon,
            deadlines: vec![(OfficeKind::Commune, 0)],
        };
        assert_eq!(policy.working_days(OfficeKind::Commune), 1);
    }

    #[test]
    fn round_trips_through_storage() {
        let policy = Policy {
            week_start: Weekday::Mon,
            deadlines: vec![(OfficeKind::District, 5)],
        }
        .complete();
        assert_eq!(Policy::from_json(&policy.to_json()), Some(policy));
        assert_eq!(Policy::from_json("not json"), None);
        assert_eq!(Policy::from_json(r#"{"week_start":9,"deadlines":[]}"#), None);
        assert_eq!(Policy::from_json(r#"{"week_start":0,"deadlines":[["ward",3]]}"#), None);
    }
}
