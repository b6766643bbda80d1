//! Committee terms (nhiệm kỳ) and congresses (đại hội) of an office, which
//! Party numbering counts within (docs/domain.md §2).

use chrono::NaiveDate;
use uuid::Uuid;

/// A term or a congress of an office.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Term {
    pub id: Uuid,
    pub office_id: Uuid,
    pub name: String,
    pub starts_on: NaiveDate,
    /// `None` while it lasts with no end set.
    pub ends_on: Option<NaiveDate>,
    /// A congress rather than a term.
    pub congress: bool,
}

impl Term {
    /// Whether this term (or congress) shares a day with one of the same
    /// sort from `starts` to `ends` (open-ended when `None`).
    pub fn overlaps(&self, congress: bool, starts: NaiveDate, ends: Option<NaiveDate>) -> bool {
        self.congress == congress
            && ends.is_none_or(|e| self.starts_on <= e)
            && self.ends_on.is_none_or(|e| e >= starts)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, m, d).expect("date")
    }

    #[test]
    fn terms_of_the_same_sort_overlap_when_they_share_a_day() {
        let t = Term {
            id: Uuid::nil(),
            office_id: Uuid::nil(),
            name: "Nhiệm kỳ".into(),
            starts_on: day(3, 1),
            ends_on: Some(day(6, 30)),
            congress: false,
        };
        assert!(t.overlaps(false, day(6, 30), None));
        assert!(t.overlaps(false, day(1, 1), Some(day(3, 1))));
        assert!(!t.overlaps(false, day(7, 1), None));
        assert!(!t.overlaps(false, day(1, 1), Some(day(2, 28))));
        assert!(!t.overlaps(true, day(4, 1), None), "a congress is not a term");
        let open = Term { ends_on: None, ..t };
        assert!(open.overlaps(false, day(12, 1), None));
    }
}
