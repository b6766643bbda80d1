//! Taking a case up and giving it more time (docs/domain.md §3): thụ lý
//! sets the handler, the date and the legal deadline from the table of
//! deadlines; gia hạn moves the deadline by a written decision, within what
//! the rule allows. Both are methods on [`Petition`], free of I/O: the
//! service reads the table and the calendar and saves what they decide.

use chrono::NaiveDate;
use uuid::Uuid;

use vanphong_platform::Error;
use vanphong_platform::calendar::WorkingCalendar;

use super::deadline::{DeadlineRule, ExtensionRefusal, RuleKey, add_days, check_extension, find_rule};
use super::kinds::{Complexity, Kind, Resolution, State};
use super::petition::Petition;

/// What thụ lý decides beside the handler: the date, which time the case is
/// resolved, how complex it is, and whether the petitioner lives far away
/// (each changes the legal deadline).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Acceptance {
    pub accepted_on: NaiveDate,
    pub resolution: Resolution,
    pub complexity: Complexity,
    pub remote: bool,
}

/// A written decision to extend the resolution deadline.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExtensionDecision {
    pub decision_number: String,
    pub decided_on: NaiveDate,
    /// Days added (counted as the case's deadline is counted).
    pub days: i64,
    pub reason: String,
}

/// One extension, by a written decision, as kept with the petition.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Extension {
    pub seq: i64,
    pub decision_number: String,
    pub decided_on: NaiveDate,
    pub days: i64,
    pub reason: String,
    pub previous_due_on: NaiveDate,
    pub due_on: NaiveDate,
}

impl Petition {
    /// Applies thụ lý: the handler, the date and the legal deadline from
    /// `rules`. Complaints and denunciations need a row of the table;
    /// recommendations have no legal deadline unless the table gives one.
    pub fn accept(
        &mut self,
        handler: Uuid,
        a: &Acceptance,
        rules: &[DeadlineRule],
        calendar: &WorkingCalendar,
    ) -> Result<(), Error> {
        if a.accepted_on < self.received_on {
            return Err(Error::invalid(
                "accepted_on",
                "BEFORE_RECEIPT",
                "Ngày thụ lý không được trước ngày nhận đơn",
            ));
        }
        let rule = find_rule(rules, RuleKey::new(self.kind, a.resolution, a.complexity, a.remote));
        if rule.is_none() && self.kind != Kind::Recommendation {
            return Err(Error::FailedPrecondition(format!(
                "Bảng thời hạn chưa có quy định cho đơn «{}», {}, {}{}; đề nghị quản trị bổ sung",
                self.kind.label(),
                a.resolution.label().to_lowercase(),
                a.complexity.label().to_lowercase(),
                if a.remote { ", vùng sâu, vùng xa" } else { "" }
            )));
        }
        self.handler_id = Some(handler);
        self.accepted_on = Some(a.accepted_on);
        self.resolution = Some(a.resolution);
        self.complexity = Some(a.complexity);
        self.remote = a.remote;
        self.state = State::Accepted;
        if let Some(rule) = rule {
            let due = add_days(calendar, a.accepted_on, rule.days, rule.counting);
            self.legal_days = Some(i64::from(rule.days));
            self.counting = Some(rule.counting);
            self.max_extensions = i64::from(rule.max_extensions);
            self.max_extension_days = i64::from(rule.max_extension_days);
            self.base_due_on = Some(due);
            self.due_on = Some(due);
        }
        Ok(())
    }

    /// Applies gia hạn: one more extension, if the rule allows it, moving
    /// the deadline by the decision's days from the deadline it replaces.
    /// Answers the extension to keep.
    pub fn extend(&mut self, decision: &ExtensionDecision, calendar: &WorkingCalendar) -> Result<Extension, Error> {
        let used = u32::try_from(self.extensions_used).unwrap_or(u32::MAX);
        let max = u32::try_from(self.max_extensions).unwrap_or(0);
        let max_days = u32::try_from(self.max_extension_days).unwrap_or(0);
        match check_extension(max, max_days, used, decision.days) {
            Ok(()) => {}
            Err(e @ (ExtensionRefusal::NotPositive | ExtensionRefusal::TooLong { .. })) => {
                return Err(Error::invalid("days", "OUT_OF_RANGE", e.message()));
            }
            Err(e) => return Err(Error::FailedPrecondition(e.message())),
        }
        if self.accepted_on.is_some_and(|a| decision.decided_on < a) {
            return Err(Error::invalid(
                "decided_on",
                "BEFORE_ACCEPTANCE",
                "Ngày quyết định gia hạn không được trước ngày thụ lý",
            ));
        }
        let (Some(previous), Some(counting)) = (self.due_on, self.counting) else {
            return Err(Error::FailedPrecondition(
                "Vụ việc không có thời hạn giải quyết để gia hạn".into(),
            ));
        };
        let days = u32::try_from(decision.days).unwrap_or_default();
        let due = add_days(calendar, previous, days, counting);
        self.extensions_used = self.extensions_used.saturating_add(1);
        self.due_on = Some(due);
        Ok(Extension {
            seq: self.extensions_used,
            decision_number: decision.decision_number.clone(),
            decided_on: decision.decided_on,
            days: decision.days,
            reason: decision.reason.clone(),
            previous_due_on: previous,
            due_on: due,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::kinds::Counting;
    use crate::domain::petition::tests::petition;
    use crate::domain::testing::d;

    fn complaint_rule() -> DeadlineRule {
        DeadlineRule {
            key: RuleKey::new(Kind::Complaint, Resolution::First, Complexity::Normal, false),
            days: 30,
            counting: Counting::CalendarDays,
            max_extensions: 1,
            max_extension_days: 15,
            source: String::new(),
        }
    }

    fn acceptance(on: &str) -> Acceptance {
        Acceptance {
            accepted_on: d(on),
            resolution: Resolution::First,
            complexity: Complexity::Normal,
            remote: false,
        }
    }

    #[test]
    fn thu_ly_sets_the_handler_and_the_deadline_of_the_table() {
        let calendar = WorkingCalendar::weekends_only();
        let mut p = petition();
        let handler = Uuid::now_v7();
        p.accept(handler, &acceptance("2026-03-10"), &[complaint_rule()], &calendar)
            .expect("accepted");
        assert_eq!((p.state, p.handler_id), (State::Accepted, Some(handler)));
        assert_eq!(p.legal_days, Some(30));
        assert_eq!(
            p.due_on,
            Some(add_days(&calendar, d("2026-03-10"), 30, Counting::CalendarDays))
        );
        assert_eq!(p.base_due_on, p.due_on);
    }

    #[test]
    fn thu_ly_before_receipt_or_without_a_rule_is_refused_and_changes_nothing() {
        let calendar = WorkingCalendar::weekends_only();
        let mut p = petition();
        let before = p.clone();
        let early = p.accept(Uuid::nil(), &acceptance("2026-03-01"), &[complaint_rule()], &calendar);
        assert!(matches!(early, Err(Error::InvalidArgument(_))));
        let no_rule = p.accept(Uuid::nil(), &acceptance("2026-03-10"), &[], &calendar);
        assert!(matches!(no_rule, Err(Error::FailedPrecondition(_))));
        assert_eq!(p, before);
    }

    #[test]
    fn gia_han_moves_the_deadline_once_as_the_rule_allows() {
        let calendar = WorkingCalendar::weekends_only();
        let mut p = petition();
        p.accept(Uuid::nil(), &acceptance("2026-03-10"), &[complaint_rule()], &calendar)
            .expect("accepted");
        let previous = p.due_on.expect("due");
        let decision = ExtensionDecision {
            decision_number: "12/QĐ-UBND".into(),
            decided_on: d("2026-04-01"),
            days: 15,
            reason: "Vụ việc cần xác minh thêm".into(),
        };
        let extension = p.extend(&decision, &calendar).expect("extended");
        assert_eq!((extension.seq, extension.previous_due_on), (1, previous));
        assert_eq!(p.due_on, Some(extension.due_on));
        assert!(extension.due_on > previous);
        let again = p.extend(&decision, &calendar);
        assert!(matches!(again, Err(Error::FailedPrecondition(_))), "one extension only");
        let too_long = ExtensionDecision { days: 16, ..decision };
        let mut fresh = petition();
        fresh
            .accept(Uuid::nil(), &acceptance("2026-03-10"), &[complaint_rule()], &calendar)
            .expect("accepted");
        assert!(matches!(
            fresh.extend(&too_long, &calendar),
            Err(Error::InvalidArgument(_))
        ));
    }
}
