//! Time: an injectable clock, and the local zone in which days, years and
//! deadlines are counted.
//!
//! Everything stored is UTC. Calendar questions (which day, which year, when
//! does a day start) are answered in Asia/Ho_Chi_Minh, which has kept UTC+7
//! without daylight saving since 1975, so a fixed offset is exact for every
//! date the suite handles.

use std::sync::{Arc, Mutex};

use chrono::{DateTime, Duration, FixedOffset, NaiveDate, TimeZone, Utc};

/// Source of the current time. Servers take it as a dependency so tests can
/// move time (token expiry, year roll-over, deadlines) without waiting.
pub trait Clock: Send + Sync + 'static {
    fn now(&self) -> DateTime<Utc>;
}

/// The clock servers share.
pub type SharedClock = Arc<dyn Clock>;

/// The machine's clock.
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }
}

/// The machine's clock moved to start at another moment, then running at
/// its normal pace: for demonstrations and walk-throughs that tell a story
/// on given dates.
#[derive(Debug, Clone, Copy)]
pub struct ShiftedClock {
    shift: Duration,
}

impl ShiftedClock {
    /// A clock that reads `start` now.
    pub fn starting_at(start: DateTime<Utc>) -> Self {
        Self {
            shift: start - Utc::now(),
        }
    }
}

impl Clock for ShiftedClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now() + self.shift
    }
}

/// A clock that moves only when told to; for tests and demos.
#[derive(Debug, Clone)]
pub struct ManualClock(Arc<Mutex<DateTime<Utc>>>);

impl ManualClock {
    pub fn new(start: DateTime<Utc>) -> Self {
        Self(Arc::new(Mutex::new(start)))
    }

    pub fn set(&self, to: DateTime<Utc>) {
        *self.0.lock().unwrap_or_else(|p| p.into_inner()) = to;
    }

    pub fn advance(&self, by: Duration) {
        let mut now = self.0.lock().unwrap_or_else(|p| p.into_inner());
        *now += by;
    }
}

impl Clock for ManualClock {
    fn now(&self) -> DateTime<Utc> {
        *self.0.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// Another clock, which can be sent to a past moment and brought back.
///
/// The full demo tells work that happened before today (the
/// reorganisation of 1 July 2025, docs/domain.md §1): it goes back to each
/// moment of that story, acts through the public API as the people did
/// then, and comes back before the rest of the demo. While away, time runs
/// on from the moment it was sent to, at the inner clock's pace; so every
/// record keeps the order in which it was made.
pub struct TravelClock {
    inner: SharedClock,
    away: Mutex<Duration>,
}

impl TravelClock {
    pub fn new(inner: SharedClock) -> Self {
        Self {
            inner,
            away: Mutex::new(Duration::zero()),
        }
    }

    /// Reads `at` from now on (running from there).
    pub fn travel_to(&self, at: DateTime<Utc>) {
        *self.away.lock().unwrap_or_else(|p| p.into_inner()) = at - self.inner.now();
    }

    /// Reads the inner clock again.
    pub fn come_back(&self) {
        *self.away.lock().unwrap_or_else(|p| p.into_inner()) = Duration::zero();
    }

    /// What the inner clock reads, wherever this one is.
    pub fn present(&self) -> DateTime<Utc> {
        self.inner.now()
    }
}

impl Clock for TravelClock {
    fn now(&self) -> DateTime<Utc> {
        self.inner.now() + *self.away.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// Asia/Ho_Chi_Minh: UTC+7, checked when the code is compiled.
const VIETNAM: FixedOffset = match FixedOffset::east_opt(7 * 3600) {
    Some(zone) => zone,
    None => panic!("UTC+7 is a valid offset"),
};

/// Asia/Ho_Chi_Minh: UTC+7.
pub fn local_zone() -> FixedOffset {
    VIETNAM
}

/// The local calendar date of an instant.
pub fn local_date(at: DateTime<Utc>) -> NaiveDate {
    at.with_timezone(&local_zone()).date_naive()
}

/// The instant a local calendar day begins.
pub fn start_of_local_day(date: NaiveDate) -> DateTime<Utc> {
    let midnight = date.and_hms_opt(0, 0, 0).unwrap_or_default();
    match local_zone().from_local_datetime(&midnight) {
        chrono::LocalResult::Single(t) | chrono::LocalResult::Ambiguous(t, _) => t.with_timezone(&Utc),
        chrono::LocalResult::None => Utc.from_utc_datetime(&midnight),
    }
}

/// Microseconds since the Unix epoch: how instants are stored, identically
/// on both database backends.
pub fn to_micros(at: DateTime<Utc>) -> i64 {
    at.timestamp_micros()
}

/// The inverse of [`to_micros`]; out-of-range values clamp to the epoch.
pub fn from_micros(micros: i64) -> DateTime<Utc> {
    DateTime::from_timestamp_micros(micros).unwrap_or_default()
}

/// An instant as a protobuf timestamp.
pub fn to_timestamp(at: DateTime<Utc>) -> prost_types::Timestamp {
    prost_types::Timestamp {
        seconds: at.timestamp(),
        nanos: at.timestamp_subsec_nanos() as i32,
    }
}

/// Dates on the wire and in storage: `YYYY-MM-DD`.
pub fn format_date(date: NaiveDate) -> String {
    date.format("%Y-%m-%d").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_travelling_clock_runs_from_where_it_was_sent_and_comes_back() {
        let present = Utc.with_ymd_and_hms(2026, 12, 6, 2, 0, 0).single().expect("time");
        let inner = ManualClock::new(present);
        let clock = TravelClock::new(Arc::new(inner.clone()));
        let past = Utc.with_ymd_and_hms(2025, 6, 12, 1, 30, 0).single().expect("time");
        clock.travel_to(past);
        assert_eq!(clock.now(), past);
        inner.advance(Duration::minutes(5));
        assert_eq!(clock.now(), past + Duration::minutes(5));
        assert_eq!(clock.present(), present + Duration::minutes(5));
        clock.come_back();
        assert_eq!(clock.now(), present + Duration::minutes(5));
    }

    #[test]
    fn local_day_starts_at_seven_hours_before_utc_midnight() {
        let d = NaiveDate::from_ymd_opt(2026, 1, 1).expect("date");
        let start = start_of_local_day(d);
        assert_eq!(start.to_rfc3339(), "2025-12-31T17:00:00+00:00");
        assert_eq!(local_date(start), d);
        assert_eq!(local_date(start - Duration::seconds(1)), d.pred_opt().expect("date"));
    }

    #[test]
    fn manual_clock_moves_only_when_told() {
        let t = Utc.with_ymd_and_hms(2026, 3, 1, 0, 0, 0).single().expect("time");
        let c = ManualClock::new(t);
        assert_eq!(c.now(), t);
        c.advance(Duration::minutes(20));
        assert_eq!(c.now(), t + Duration::minutes(20));
    }
}
