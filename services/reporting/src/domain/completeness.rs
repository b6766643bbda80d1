//! Completeness and timeliness (as in DHIS2): for a parent office and a
//! period, whether each office below has sent its report, and whether by
//! its deadline.

use chrono::{DateTime, NaiveDate, Utc};

use vanphong_platform::clock::local_date;

use super::report::Status;

/// How one office stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Timeliness {
    /// Sent by the deadline.
    OnTime,
    /// Sent after the deadline.
    Late,
    /// Not sent, and the deadline has passed.
    Missing,
    /// Not sent yet, and there is still time.
    Pending,
}

/// The standing of an office whose report (if any) has `status` and was
/// last sent at `sent_at`, with `deadline`, seen on `today`. A report the
/// parent returned counts as not sent until it is sent again.
pub fn classify(report: Option<(Status, Option<DateTime<Utc>>)>, deadline: NaiveDate, today: NaiveDate) -> Timeliness {
    match report {
        Some((status, Some(at))) if status.sent() => {
            if local_date(at) <= deadline {
                Timeliness::OnTime
            } else {
                Timeliness::Late
            }
        }
        _ if today > deadline => Timeliness::Missing,
        _ => Timeliness::Pending,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::testing::d;
    use chrono::TimeZone;

    #[test]
    fn on_time_late_missing_pending() {
        let deadline = d("2026-03-16");
        // 23:30 local on the deadline day is 16:30 UTC: still on time.
        let evening = Utc.with_ymd_and_hms(2026, 3, 16, 16, 30, 0).single().expect("time");
        let next_morning = Utc.with_ymd_and_hms(2026, 3, 17, 1, 0, 0).single().expect("time");
        assert_eq!(
            classify(Some((Status::Sent, Some(evening))), deadline, d("2026-03-20")),
            Timeliness::OnTime
        );
        assert_eq!(
            classify(Some((Status::Accepted, Some(next_morning))), deadline, d("2026-03-20")),
            Timeliness::Late
        );
        assert_eq!(
            classify(Some((Status::Returned, Some(evening))), deadline, d("2026-03-20")),
            Timeliness::Missing
        );
        assert_eq!(
            classify(Some((Status::Draft, None)), deadline, d("2026-03-16")),
            Timeliness::Pending
        );
        assert_eq!(classify(None, deadline, d("2026-03-17")), Timeliness::Missing);
    }
}
