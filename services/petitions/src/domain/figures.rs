//! The statistics of a period (docs/domain.md §3, the report forms): cases
//! carried over and received, single- and multi-name; eligible for
//! handling, by competent authority and by stage; outcomes; overdue at the
//! end; and reception days held. Computed from the petitions themselves so
//! both databases give the same figures.

use std::collections::BTreeSet;

use chrono::NaiveDate;

use super::kinds::{Authority, Outcome, PriorStage, State};
use super::petition::Petition;

/// The columns for one office, or a sum of offices.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Figures {
    pub carried_over_single: i64,
    pub carried_over_multi: i64,
    pub received_single: i64,
    pub received_multi: i64,
    pub repeats_received: i64,
    pub eligible: i64,
    pub authority_administrative: i64,
    pub authority_judicial: i64,
    pub authority_party: i64,
    pub authority_unspecified: i64,
    pub stage_not_yet_resolved: i64,
    pub stage_first_time: i64,
    pub stage_repeated: i64,
    pub outcome_guided: i64,
    pub outcome_transferred: i64,
    pub outcome_urged: i64,
    pub outcome_filed: i64,
    pub outcome_accepted: i64,
    pub resolved: i64,
    pub withdrawn: i64,
    pub overdue_at_end: i64,
    pub reception_days_held: i64,
    pub reception_sessions: i64,
    pub reception_visitors: i64,
}

/// What the figures need of one reception.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReceptionFact {
    pub on: NaiveDate,
    /// Received by a leader (a reception day of the committee's heads).
    pub by_leader: bool,
    pub visitors: i64,
}

fn bump(counter: &mut i64) {
    *counter = counter.saturating_add(1);
}

fn within(date: Option<NaiveDate>, from: NaiveDate, to: NaiveDate) -> bool {
    date.is_some_and(|d| from <= d && d <= to)
}

fn on_or_before(date: Option<NaiveDate>, to: NaiveDate) -> bool {
    date.is_some_and(|d| d <= to)
}

/// The deadline that applied to a case at the end of `to`, if it was open.
fn due_at(p: &Petition, to: NaiveDate) -> Option<NaiveDate> {
    if p.received_on > to || p.closed_on.is_some_and(|c| c <= to) || on_or_before(p.decided_on, to) {
        return None;
    }
    if on_or_before(p.accepted_on, to) {
        return p.due_on;
    }
    let classified = on_or_before(p.classified_on, to);
    if classified && p.outcome != Some(Outcome::Consider) {
        return None;
    }
    Some(p.classification_due_on)
}

/// The figures of one office's petitions and receptions for [from, to].
/// `petitions` must hold at least every petition received by `to` and not
/// closed before `from`.
pub fn tally(petitions: &[Petition], receptions: &[ReceptionFact], from: NaiveDate, to: NaiveDate) -> Figures {
    let mut f = Figures::default();
    for p in petitions {
        if !p.is_case() {
            if within(Some(p.received_on), from, to) {
                bump(&mut f.repeats_received);
            }
            continue;
        }
        let carried = p.received_on < from && p.closed_on.is_none_or(|c| c >= from);
        let received = within(Some(p.received_on), from, to);
        match (carried, received, p.multi_name()) {
            (true, _, false) => bump(&mut f.carried_over_single),
            (true, _, true) => bump(&mut f.carried_over_multi),
            (_, true, false) => bump(&mut f.received_single),
            (_, true, true) => bump(&mut f.received_multi),
            _ => {}
        }
        if (carried || received) && on_or_before(p.classified_on, to) && p.outcome.is_some_and(|o| o != Outcome::File) {
            bump(&mut f.eligible);
            bump(match p.authority {
                Some(Authority::Administrative) => &mut f.authority_administrative,
                Some(Authority::Judicial) => &mut f.authority_judicial,
                Some(Authority::Party) => &mut f.authority_party,
                None => &mut f.authority_unspecified,
            });
            bump(match p.prior_stage {
                PriorStage::NotYetResolved => &mut f.stage_not_yet_resolved,
                PriorStage::FirstTime => &mut f.stage_first_time,
                PriorStage::Repeated => &mut f.stage_repeated,
            });
        }
        if within(p.classified_on, from, to) {
            match p.outcome {
                Some(Outcome::Guide) => bump(&mut f.outcome_guided),
                Some(Outcome::Transfer) => bump(&mut f.outcome_transferred),
                Some(Outcome::Urge) => bump(&mut f.outcome_urged),
                Some(Outcome::File) => bump(&mut f.outcome_filed),
                _ => {}
            }
        }
        if within(p.accepted_on, from, to) {
            bump(&mut f.outcome_accepted);
        }
        if within(p.decided_on, from, to) {
            bump(&mut f.resolved);
        }
        if p.state == State::Withdrawn && within(p.closed_on, from, to) {
            bump(&mut f.withdrawn);
        }
        if due_at(p, to).is_some_and(|due| due < to) {
            bump(&mut f.overdue_at_end);
        }
    }
    let mut leader_days = BTreeSet::new();
    for r in receptions.iter().filter(|r| from <= r.on && r.on <= to) {
        bump(&mut f.reception_sessions);
        f.reception_visitors = f.reception_visitors.saturating_add(r.visitors);
        if r.by_leader {
            leader_days.insert(r.on);
        }
    }
    f.reception_days_held = leader_days.len() as i64;
    f
}

impl Figures {
    /// Adds another office's figures (for totals and roll-ups).
    pub fn add(&mut self, o: &Figures) {
        let pairs: [(&mut i64, i64); 24] = [
            (&mut self.carried_over_single, o.carried_over_single),
            (&mut self.carried_over_multi, o.carried_over_multi),
            (&mut self.received_single, o.received_single),
            (&mut self.received_multi, o.received_multi),
            (&mut self.repeats_received, o.repeats_received),
            (&mut self.eligible, o.eligible),
            (&mut self.authority_administrative, o.authority_administrative),
            (&mut self.authority_judicial, o.authority_judicial),
            (&mut self.authority_party, o.authority_party),
            (&mut self.authority_unspecified, o.authority_unspecified),
            (&mut self.stage_not_yet_resolved, o.stage_not_yet_resolved),
            (&mut self.stage_first_time, o.stage_first_time),
            (&mut self.stage_repeated, o.stage_repeated),
            (&mut self.outcome_guided, o.outcome_guided),
            (&mut self.outcome_transferred, o.outcome_transferred),
            (&mut self.outcome_urged, o.outcome_urged),
            (&mut self.outcome_filed, o.outcome_filed),
            (&mut self.outcome_accepted, o.outcome_accepted),
            (&mut self.resolved, o.resolved),
            (&mut self.withdrawn, o.withdrawn),
            (&mut self.overdue_at_end, o.overdue_at_end),
            (&mut self.reception_days_held, o.reception_days_held),
            (&mut self.reception_sessions, o.reception_sessions),
            (&mut self.reception_visitors, o.reception_visitors),
        ];
        for (total, value) in pairs {
            *total = total.saturating_add(value);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::petition::tests::petition;
    use crate::domain::testing::d;
    use uuid::Uuid;

    #[test]
    fn a_period_counts_each_column() {
        let (from, to) = (d("2026-03-01"), d("2026-03-31"));
        // Carried over: received in February, accepted, still open.
        let mut old = petition();
        old.received_on = d("2026-02-10");
        old.classified_on = Some(d("2026-02-12"));
        old.outcome = Some(Outcome::Accept);
        old.authority = Some(Authority::Party);
        old.state = State::Accepted;
        old.accepted_on = Some(d("2026-02-12"));
        old.due_on = Some(d("2026-03-20"));
        // Received in March by three people, transferred in March.
        let mut group = petition();
        group.received_on = d("2026-03-03");
        group.petitioner_count = 3;
        group.classified_on = Some(d("2026-03-05"));
        group.outcome = Some(Outcome::Transfer);
        group.authority = Some(Authority::Administrative);
        group.prior_stage = PriorStage::FirstTime;
        group.state = State::Transferred;
        group.closed_on = Some(d("2026-03-05"));
        // Received in March, filed.
        let mut filed = petition();
        filed.received_on = d("2026-03-04");
        filed.classified_on = Some(d("2026-03-04"));
        filed.outcome = Some(Outcome::File);
        filed.state = State::Filed;
        filed.closed_on = Some(d("2026-03-04"));
        // A repeat of the old case.
        let mut repeat = petition();
        repeat.received_on = d("2026-03-10");
        repeat.repeat_of = Some(Uuid::now_v7());
        // Closed in January: outside the period.
        let mut gone = petition();
        gone.received_on = d("2026-01-05");
        gone.closed_on = Some(d("2026-01-20"));
        // Received in March, never classified, overdue by the end.
        let mut late = petition();
        late.received_on = d("2026-03-09");
        late.classification_due_on = d("2026-03-23");
        let receptions = [
            ReceptionFact {
                on: d("2026-03-10"),
                by_leader: true,
                visitors: 3,
            },
            ReceptionFact {
                on: d("2026-03-10"),
                by_leader: true,
                visitors: 1,
            },
            ReceptionFact {
                on: d("2026-03-12"),
                by_leader: false,
                visitors: 2,
            },
            ReceptionFact {
                on: d("2026-04-02"),
                by_leader: true,
                visitors: 5,
            },
        ];
        let f = tally(&[old, group, filed, repeat, gone, late], &receptions, from, to);
        assert_eq!((f.carried_over_single, f.carried_over_multi), (1, 0));
        assert_eq!((f.received_single, f.received_multi), (2, 1));
        assert_eq!(f.repeats_received, 1);
        assert_eq!(f.eligible, 2, "the accepted and the transferred case");
        assert_eq!((f.authority_party, f.authority_administrative), (1, 1));
        assert_eq!((f.stage_not_yet_resolved, f.stage_first_time), (1, 1));
        assert_eq!((f.outcome_transferred, f.outcome_filed, f.outcome_accepted), (1, 1, 0));
        assert_eq!(f.overdue_at_end, 2, "the old case past 20/3 and the unclassified one");
        assert_eq!(
            (f.reception_days_held, f.reception_sessions, f.reception_visitors),
            (1, 3, 6)
        );
        let mut total = Figures::default();
        total.add(&f);
        total.add(&f);
        assert_eq!(total.received_single, 4);
    }
}
