//! The flow of an incoming document (Nghị định 30/2020, Điều 18–24):
//! arrived → registered → submitted to a leader → directed → in progress →
//! done → filed; an electronic arrival may instead be refused.

use vanphong_platform::identity::Role;

use super::flow::Step;
pub use super::flow::transition;
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

impl Step for Action {
    fn label(self) -> &'static str {
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

    fn code(self) -> &'static str {
        self.history_code()
    }

    fn roles(self) -> &'static [Role] {
        self.who()
    }

    fn allowed_from(self) -> &'static [Status] {
        self.starts()
    }

    fn target(self, from: Status) -> Status {
        self.next(from)
    }
}

impl Action {
    /// The code stored in the document's history.
    fn history_code(self) -> &'static str {
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
    fn starts(self) -> &'static [Status] {
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
    fn who(self) -> &'static [Role] {
        match self {
            Action::Register | Action::Submit | Action::Refuse => &[Role::Clerk],
            Action::Direct => &[Role::Leader],
            Action::Progress | Action::Complete => &[Role::Leader],
            Action::File => &[Role::Clerk],
        }
    }

    /// The state after the step.
    fn next(self, from: Status) -> Status {
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

#[cfg(test)]
mod tests {
    use super::*;
    use vanphong_platform::Error;

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
        assert_eq!(Action::Submit.label(), "trình lãnh đạo");
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
