//! Steps and the states they may start from, shared by the incoming and
//! outgoing flows.

use vanphong_platform::Error;
use vanphong_platform::identity::Role;

use super::kinds::Status;

/// A step someone takes on a document.
pub trait Step: Copy {
    /// What people call the step (Vietnamese).
    fn label(self) -> &'static str;
    /// The code kept in the document's history and audit trail.
    fn code(self) -> &'static str;
    /// Who may take it (the people handling a document may take some steps
    /// too; the caller decides).
    fn roles(self) -> &'static [Role];
    /// The states it may start from.
    fn allowed_from(self) -> &'static [Status];
    /// The state after it.
    fn target(self, from: Status) -> Status;
}

/// The state after `step` from `from`, or `FAILED_PRECONDITION` naming both
/// the step and the current state.
pub fn transition<S: Step>(step: S, from: Status) -> Result<Status, Error> {
    if step.allowed_from().contains(&from) {
        return Ok(step.target(from));
    }
    let allowed: Vec<&str> = step.allowed_from().iter().map(|s| s.label()).collect();
    Err(Error::FailedPrecondition(format!(
        "Không thể {} khi văn bản đang ở trạng thái «{}» ({}); chỉ được khi: {}",
        step.label(),
        from.label(),
        from.code(),
        allowed.join(", ")
    )))
}
