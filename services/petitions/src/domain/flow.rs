//! The flow of a petition (docs/domain.md §3): which step may be taken from which
//! state, by whom, and where it leads.
//!
//! 02 phân loại xử lý → classification: 03 hướng dẫn, 04 chuyển đơn,
//! 05 đôn đốc, 06 lưu đơn (each ends the case here), 07 xem xét thụ lý or
//! 08 thụ lý giải quyết; 07 → 08 or 09 không đủ điều kiện thụ lý;
//! 08 → extensions, notes → 10 ra kết quả → petitioner notified → closed.
//! A repeat is linked to its earlier case from 02 (and filed). A petition
//! may be withdrawn in writing (11) at any time while its case is open.

use chrono::NaiveDate;
use vanphong_platform::Error;
use vanphong_platform::identity::{Caller, Role};

use super::kinds::State;
use super::petition::Petition;

/// A step someone takes on a petition.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Classify,
    LinkRepeat,
    Accept,
    Reject,
    Extend,
    Note,
    RecordResult,
    Notify,
    Close,
    Withdraw,
    /// Giving the case to a (new) handler.
    Assign,
}

impl Action {
    /// What people call the step (Vietnamese).
    pub fn label(self) -> &'static str {
        match self {
            Action::Classify => "phân loại đơn",
            Action::LinkRepeat => "gộp đơn trùng vào vụ việc",
            Action::Accept => "thụ lý giải quyết",
            Action::Reject => "kết luận không đủ điều kiện thụ lý",
            Action::Extend => "gia hạn giải quyết",
            Action::Note => "ghi kết quả xác minh",
            Action::RecordResult => "ghi kết quả giải quyết",
            Action::Notify => "thông báo kết quả cho người gửi đơn",
            Action::Close => "kết thúc vụ việc",
            Action::Withdraw => "rút đơn",
            Action::Assign => "giao người giải quyết",
        }
    }

    /// The code of the step in the petition's history and the audit trail.
    pub fn code(self) -> &'static str {
        match self {
            Action::Classify => "classify",
            Action::LinkRepeat => "link_repeat",
            Action::Accept => "accept",
            Action::Reject => "reject",
            Action::Extend => "extend",
            Action::Note => "note",
            Action::RecordResult => "result",
            Action::Notify => "notify",
            Action::Close => "close",
            Action::Withdraw => "withdraw",
            Action::Assign => "assign",
        }
    }

    /// The states the step may start from.
    pub fn allowed_from(self) -> &'static [State] {
        use State::*;
        match self {
            Action::Classify | Action::LinkRepeat => &[Classifying],
            Action::Accept | Action::Reject => &[Considering],
            Action::Extend | Action::RecordResult => &[Accepted],
            Action::Note | Action::Assign => &[Considering, Accepted],
            Action::Notify | Action::Close => &[Resolved],
            Action::Withdraw => &[Classifying, Considering, Accepted, Resolved],
        }
    }

    /// The roles that may take the step; the case's handler may also take
    /// those for which [`Action::handler_may`] holds.
    pub fn roles(self) -> &'static [Role] {
        match self {
            Action::LinkRepeat => &[Role::Clerk, Role::PetitionOfficer, Role::Leader],
            Action::Classify | Action::Accept | Action::Reject => &[Role::PetitionOfficer, Role::Leader],
            Action::Extend | Action::Assign => &[Role::Leader],
            Action::Note | Action::RecordResult => &[Role::Leader],
            Action::Notify | Action::Close => &[Role::PetitionOfficer, Role::Leader],
            Action::Withdraw => &[Role::Clerk, Role::PetitionOfficer, Role::Leader],
        }
    }

    /// Whether the assigned handler may take the step on their case.
    pub fn handler_may(self) -> bool {
        matches!(
            self,
            Action::Note | Action::RecordResult | Action::Notify | Action::Close | Action::Withdraw
        )
    }
}

fn states(list: &[State]) -> String {
    list.iter()
        .map(|s| format!("«{}» ({})", s.label(), s.code()))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Refuses a step not allowed from the petition's state, naming the step,
/// the current state and the states it is allowed from.
pub fn check(action: Action, petition: &Petition) -> Result<(), Error> {
    let from = petition.state;
    if let Some(closed) = petition.closed_on {
        return Err(Error::FailedPrecondition(format!(
            "Không thể {}: vụ việc đã kết thúc ngày {} ở trạng thái «{}» ({})",
            action.label(),
            closed.format("%d/%m/%Y"),
            from.label(),
            from.code()
        )));
    }
    if action.allowed_from().contains(&from) {
        return Ok(());
    }
    let already = if action == Action::Classify {
        "Đơn đã được phân loại. "
    } else {
        ""
    };
    Err(Error::FailedPrecondition(format!(
        "{already}Không thể {} khi đơn đang ở trạng thái «{}» ({}); chỉ được khi đơn ở trạng thái: {}",
        action.label(),
        from.label(),
        from.code(),
        states(action.allowed_from())
    )))
}

/// Refuses a step dated before the step it follows: a result before the
/// thụ lý, a notice to the petitioner before the result, a withdrawal
/// before the petition was received. `field` names the date asked for.
pub fn check_day(action: Action, petition: &Petition, field: &str, day: NaiveDate) -> Result<(), Error> {
    let (earliest, reason, message) = match action {
        Action::RecordResult => (
            petition.accepted_on,
            "BEFORE_ACCEPTANCE",
            "Ngày ra kết quả không được trước ngày thụ lý",
        ),
        Action::Notify => (
            petition.decided_on,
            "BEFORE_RESULT",
            "Ngày thông báo không được trước ngày ra kết quả",
        ),
        Action::Withdraw => (
            Some(petition.received_on),
            "BEFORE_RECEIPT",
            "Ngày rút đơn không được trước ngày nhận đơn",
        ),
        _ => return Ok(()),
    };
    match earliest {
        Some(earliest) if day < earliest => Err(Error::invalid(field, reason, message)),
        _ => Ok(()),
    }
}

/// Whether the caller may take the step on this petition (office already
/// checked): by role, or as its handler.
pub fn may_take(action: Action, caller: &Caller, petition: &Petition) -> bool {
    action.roles().iter().any(|r| caller.has_role(*r))
        || (action.handler_may() && petition.handler_id == Some(caller.subject_id))
}

/// The refusal for a caller who may not take the step.
pub fn refusal(action: Action) -> Error {
    let roles: Vec<&str> = action.roles().iter().map(|r| r.label()).collect();
    let handler = if action.handler_may() {
        " hoặc người được giao giải quyết"
    } else {
        ""
    };
    Error::PermissionDenied(format!("Chỉ {}{handler} mới được {}", roles.join(", "), action.label()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::petition::tests::petition;

    #[test]
    fn classifying_twice_names_both_states() {
        let mut p = petition();
        assert!(check(Action::Classify, &p).is_ok());
        p.state = State::Accepted;
        let Err(Error::FailedPrecondition(message)) = check(Action::Classify, &p) else {
            panic!("expected a refusal")
        };
        assert!(message.contains("(08)") && message.contains("(02)"), "{message}");
        assert!(message.contains("Thụ lý giải quyết") && message.contains("Phân loại xử lý"));
    }

    #[test]
    fn steps_follow_the_flow() {
        let mut p = petition();
        assert!(check(Action::RecordResult, &p).is_err(), "no result before thụ lý");
        assert!(check(Action::Withdraw, &p).is_ok());
        p.state = State::Considering;
        assert!(check(Action::Accept, &p).is_ok());
        assert!(check(Action::Extend, &p).is_err());
        p.state = State::Accepted;
        assert!(check(Action::Extend, &p).is_ok());
        assert!(check(Action::Withdraw, &p).is_ok());
        p.state = State::Resolved;
        assert!(check(Action::Notify, &p).is_ok());
        assert!(check(Action::Withdraw, &p).is_ok(), "at any time while open");
        p.closed_on = chrono::NaiveDate::from_ymd_opt(2026, 4, 1);
        let Err(Error::FailedPrecondition(message)) = check(Action::Notify, &p) else {
            panic!("closed")
        };
        assert!(message.contains("đã kết thúc"), "{message}");
        assert!(check(Action::Withdraw, &p).is_err(), "not once closed");
    }

    #[test]
    fn a_step_is_not_dated_before_the_one_it_follows() {
        let mut p = petition();
        let day = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("date");
        p.accepted_on = Some(day("2026-03-10"));
        let Err(Error::InvalidArgument(v)) = check_day(Action::RecordResult, &p, "decided_on", day("2026-03-09"))
        else {
            panic!("a result before the thụ lý")
        };
        assert_eq!((v[0].field.as_str(), v[0].reason), ("decided_on", "BEFORE_ACCEPTANCE"));
        assert!(check_day(Action::RecordResult, &p, "decided_on", day("2026-03-10")).is_ok());
        assert!(
            check_day(Action::Notify, &p, "notified_on", day("2000-01-01")).is_ok(),
            "no result yet"
        );
        p.decided_on = Some(day("2026-04-01"));
        assert!(check_day(Action::Notify, &p, "notified_on", day("2026-03-31")).is_err());
        let before_receipt = p.received_on.pred_opt().expect("a day before");
        assert!(check_day(Action::Withdraw, &p, "withdrawn_on", before_receipt).is_err());
        assert!(check_day(Action::Withdraw, &p, "withdrawn_on", p.received_on).is_ok());
    }

    #[test]
    fn handlers_take_their_own_steps() {
        let mut p = petition();
        let mut specialist = Caller::system(p.office_id);
        specialist.roles = [Role::Specialist].into_iter().collect();
        assert!(!may_take(Action::RecordResult, &specialist, &p));
        p.handler_id = Some(specialist.subject_id);
        assert!(may_take(Action::RecordResult, &specialist, &p));
        assert!(
            !may_take(Action::Extend, &specialist, &p),
            "extensions are the leader's decision"
        );
        let mut clerk = Caller::system(p.office_id);
        clerk.roles = [Role::Clerk].into_iter().collect();
        assert!(may_take(Action::LinkRepeat, &clerk, &p));
        assert!(!may_take(Action::Classify, &clerk, &p));
    }
}
