//! The flow of an incoming document (Nghị định 30/2020, Điều 18–24):
//! arrived → registered → submitted to a leader → directed → in progress →
//! done → filed; an electronic arrival may instead be refused.

use vanphong_platform::Error;
use vanphong_platform::identity::Role;

use super::kinds::Status;

/// A step a person takes on an incoming document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Register,
    Submit,
    Direct,
    Progress,
    Complete,
    File,
    Refuse,
}

impl Action {
    /// What people call the step (Vietnamese).
    pub fn label(self) -> &'static str {
        match self {
            Action::Register => "vào sổ",
            Action::Submit => "trình lãnh đạo",
            Action::Direct => "cho ý kiến chỉ đạo",
            Action::Progress => "ghi tiến độ xử lý",
            Action::Complete => "hoàn thành xử lý",
            Action::File => "lập hồ sơ",
            Action::Refuse => "từ chối",
        }
    }

    /// The code stored in the document's history.
    pub fn code(self) -> &'static str {
        match self {
            Action::Register => "register",
            Action::Submit => "submit",
            Action::Direct => "direct",
            Action::Progress => "progress",
            Action::Complete => "complete",
            Action::File => "file",
            Action::Refuse => "refuse",
        }
    }

    /// The states the step may start from.
    pub fn allowed_from(self) -> &'static [Status] {
        use Status::*;
        match self {
            Action::Register | Action::Refuse => &[Arrived],
            Action::Submit => &[Registered],
            Action::Direct => &[Registered, Submitted, Assigned, InProgress],
            Action::Progress => &[Assigned, InProgress],
            Action::Complete => &[Registered, Submitted, Assigned, InProgress],
            Action::File => &[Done],
        }
    }

    /// The roles that may take the step (handlers of the document may also
    /// record progress and complete it).
    pub fn roles(self) -> &'static [Role] {
        match self {
            Action::Register | Action::Submit | Action::Refuse => &[Role::Clerk],
            Action::Direct => &[Role::Leader],
            Action::Progress | Action::Complete => &[Role::Leader],
            Action::File => &[Role::Clerk],
        }
    }

    /// The state after the step.
    fn target(self, from: Status) -> Status {
        match self {
            Action::Register => Status::Registered,
            Action::Submit => Status::Submitted,
            Action::Direct if from == Status::InProgress => Status::InProgress,
            Action::Direct => Status::Assigned,
            Action::Progress => Status::InProgress,
            Action::Complete => Status::Done,
            Action::File => Status::Filed,
            Action::Refuse => Status::Refused,
        }
    }
}

/// The state after `action` from `from`, or `FAILED_PRECONDITION` naming
/// both the step and the current state.
pub fn transition(action: Action, from: Status) -> Result<Status, Error> {
    if action.allowed_from().contains(&from) {
        return Ok(action.target(from));
    }
    let allowed: Vec<&str> = action.allowed_from().iter().map(|s| s.label()).collect();
    Err(Error::FailedPrecondition(format!(
        "Không thể {} khi văn bản đang ở trạng thái «{}» ({}); chỉ được khi: {}",
        action.label(),
        from.label(),
        from.code(),
        allowed.join(", ")
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_happy_path() {
        let mut s = Status::Arrived;
        for action in [
            Action::Register,
            Action::Submit,
            Action::Direct,
            Action::Progress,
            Action::Progress,
            Action::Complete,
            Action::File,
        ] {
            s = transition(action, s).expect("allowed");
        }
        assert_eq!(s, Status::Filed);
    }

    #[test]
    fn refused_steps_name_both_states() {
        let e = transition(Action::Submit, Status::Done).expect_err("not from done");
        let Error::FailedPrecondition(message) = e else {
            panic!("wrong error")
        };
        assert!(
            message.contains("trình lãnh đạo") && message.contains("Đã hoàn thành"),
            "{message}"
        );
        assert!(
            transition(Action::Refuse, Status::Registered).is_err(),
            "only arrivals are refused"
        );
        assert!(transition(Action::File, Status::InProgress).is_err());
        assert_eq!(
            transition(Action::Direct, Status::InProgress).ok(),
            Some(Status::InProgress)
        );
    }
}
