//! The flow of an outgoing document (Nghị định 30/2020, Điều 11–16):
//! draft → review → approval (or back to the drafter) → signature → number
//! → dispatch; a numbered or dispatched document may be cancelled (keeping
//! its number) and a dispatched one recalled.

use vanphong_platform::identity::Role;

use super::flow::Step;
pub use super::flow::transition;
use super::kinds::Status;

/// A step on an outgoing document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Edit,
    SubmitForReview,
    Approve,
    Return,
    Sign,
    Number,
    Dispatch,
    Cancel,
    Recall,
}

impl Step for Action {
    fn label(self) -> &'static str {
        match self {
            Action::Edit => "sửa dự thảo",
            Action::SubmitForReview => "trình duyệt",
            Action::Approve => "duyệt",
            Action::Return => "trả lại dự thảo",
            Action::Sign => "ký ban hành",
            Action::Number => "cấp số",
            Action::Dispatch => "phát hành",
            Action::Cancel => "hủy",
            Action::Recall => "thu hồi",
        }
    }

    fn code(self) -> &'static str {
        self.history_code()
    }

    fn roles(self) -> &'static [Role] {
        self.who()
    }

    fn allowed_from(self) -> &'static [Status] {
        use Status::*;
        match self {
            Action::Edit | Action::SubmitForReview => &[Draft],
            Action::Approve | Action::Return => &[InReview],
            Action::Sign => &[Approved],
            Action::Number => &[Signed],
            Action::Dispatch => &[Numbered],
            Action::Cancel => &[Draft, InReview, Approved, Signed, Numbered, Dispatched],
            Action::Recall => &[Dispatched],
        }
    }

    fn target(self, from: Status) -> Status {
        match self {
            Action::Edit | Action::Return => Status::Draft,
            Action::SubmitForReview => Status::InReview,
            Action::Approve => Status::Approved,
            Action::Sign => Status::Signed,
            Action::Number => Status::Numbered,
            Action::Dispatch => Status::Dispatched,
            Action::Cancel => Status::Cancelled,
            Action::Recall => from,
        }
    }
}

impl Action {
    /// The code stored in the document's history.
    fn history_code(self) -> &'static str {
        match self {
            Action::Edit => "edit",
            Action::SubmitForReview => "submit_for_review",
            Action::Approve => "approve",
            Action::Return => "return",
            Action::Sign => "sign",
            Action::Number => "number",
            Action::Dispatch => "dispatch",
            Action::Cancel => "cancel",
            Action::Recall => "recall",
        }
    }

    /// Who may take the step (the drafter may also edit and submit their
    /// own draft). Petition officers draft the transfer slips (phiếu
    /// chuyển) of the petitions they classify.
    fn who(self) -> &'static [Role] {
        match self {
            Action::Edit | Action::SubmitForReview => {
                &[Role::Specialist, Role::Clerk, Role::Leader, Role::PetitionOfficer]
            }
            Action::Approve | Action::Return | Action::Sign | Action::Recall => &[Role::Leader],
            Action::Number | Action::Dispatch => &[Role::Clerk],
            Action::Cancel => &[Role::Leader, Role::Clerk],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn draft_to_dispatch_and_back_from_review() {
        let mut s = Status::Draft;
        for action in [
            Action::SubmitForReview,
            Action::Return,
            Action::Edit,
            Action::SubmitForReview,
        ] {
            s = transition(action, s).expect("allowed");
        }
        assert_eq!(s, Status::InReview);
        for action in [Action::Approve, Action::Sign, Action::Number, Action::Dispatch] {
            s = transition(action, s).expect("allowed");
        }
        assert_eq!(s, Status::Dispatched);
        assert_eq!(transition(Action::Recall, s).ok(), Some(Status::Dispatched));
        assert_eq!(transition(Action::Cancel, s).ok(), Some(Status::Cancelled));
    }

    #[test]
    fn no_number_before_signature_and_no_second_dispatch() {
        assert!(transition(Action::Number, Status::Approved).is_err());
        assert!(transition(Action::Dispatch, Status::Dispatched).is_err());
        assert!(transition(Action::Edit, Status::Signed).is_err());
        assert!(transition(Action::Cancel, Status::Cancelled).is_err());
    }
}
