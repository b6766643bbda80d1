//! Citizen reception (tiếp công dân): a reception record, and the leaders'
//! reception duty for a month (Quy định 11-QĐi/TW; the minimum per office
//! level is in the policy).

use std::collections::BTreeSet;

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use uuid::Uuid;

/// A citizen received: protected identity, like a petitioner's.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Visitor {
    pub full_name: String,
    pub id_number: String,
    pub address: String,
    pub phone: String,
}

/// One reception of citizens at an office.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reception {
    pub id: Uuid,
    pub office_id: Uuid,
    pub received_on: NaiveDate,
    pub receiver_id: Uuid,
    pub receiver_name: String,
    /// Received by a leader: counts as a reception day of the heads.
    pub by_leader: bool,
    pub visitor_count: i64,
    pub content: String,
    pub created_by: Uuid,
    pub created_at: DateTime<Utc>,
}

impl Reception {
    /// The record in the audit trail, without visitors' identity.
    pub fn audit_json(&self) -> serde_json::Value {
        serde_json::json!({
            "id": self.id,
            "office_id": self.office_id,
            "received_on": self.received_on,
            "receiver_id": self.receiver_id,
            "by_leader": self.by_leader,
            "visitor_count": self.visitor_count,
        })
    }
}

/// The first and last day of a month; `None` for a month that does not
/// exist.
pub fn month_bounds(year: i32, month: u32) -> Option<(NaiveDate, NaiveDate)> {
    let first = NaiveDate::from_ymd_opt(year, month, 1)?;
    let next = if month == 12 {
        NaiveDate::from_ymd_opt(year.checked_add(1)?, 1, 1)?
    } else {
        NaiveDate::from_ymd_opt(year, month + 1, 1)?
    };
    Some((first, next.pred_opt()?))
}

/// The days of a month on which a leader received citizens, and whether
/// they reach the required number.
pub fn duty_met(leader_days: &BTreeSet<NaiveDate>, required: u32) -> bool {
    leader_days.len() as u64 >= u64::from(required)
}

/// Whether a date falls in the month.
pub fn in_month(date: NaiveDate, year: i32, month: u32) -> bool {
    date.year() == year && date.month() == month
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months_and_duty() {
        let (first, last) = month_bounds(2026, 2).expect("month");
        assert_eq!((first.day(), last.day()), (1, 28));
        assert_eq!(month_bounds(2026, 12).map(|(_, l)| l.day()), Some(31));
        assert!(month_bounds(2026, 13).is_none());
        let days: BTreeSet<NaiveDate> = [first, last].into_iter().collect();
        assert!(duty_met(&days, 2));
        assert!(!duty_met(&days, 3));
        assert!(duty_met(&BTreeSet::new(), 0));
        assert!(in_month(last, 2026, 2));
    }
}
