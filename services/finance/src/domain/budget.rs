//! The budget's rules: the estimate's flow, what an office holds on a line
//! and what is left of it, and the two invariants — a parent never
//! allocates more than it holds, and a line is never spent beyond what
//! remains unless its policy accepts overspending (with a warning).

use vanphong_platform::Error;

use super::money::{self, format_vnd};

vanphong_platform::coded! {
    /// What happens to spending beyond what remains on a line.
    #[derive(Default)]
    pub enum OverspendPolicy {
        #[default]
        Refuse = "refuse",
        Warn = "warn",
    }
}

vanphong_platform::coded! {
    /// Where an estimate stands.
    pub enum EstimateStatus {
        Draft = ("draft", "đang lập"),
        Submitted = ("submitted", "đã trình cấp trên"),
        Approved = ("approved", "đã được duyệt"),
        Returned = ("returned", "bị trả lại"),
    }
}

impl EstimateStatus {
    /// Whether its lines may still change.
    pub fn editable(self) -> bool {
        matches!(self, EstimateStatus::Draft | EstimateStatus::Returned)
    }
}

/// A step of the estimate's flow.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EstimateStep {
    Edit,
    Submit,
    Approve,
    Return,
}

impl EstimateStep {
    fn label(self) -> &'static str {
        match self {
            EstimateStep::Edit => "sửa",
            EstimateStep::Submit => "trình",
            EstimateStep::Approve => "duyệt",
            EstimateStep::Return => "trả lại",
        }
    }
}

/// The status after `step`, or why it cannot be taken.
pub fn estimate_transition(step: EstimateStep, from: EstimateStatus) -> Result<EstimateStatus, Error> {
    let next = match (step, from) {
        (EstimateStep::Edit, s) if s.editable() => Some(s),
        (EstimateStep::Submit, s) if s.editable() => Some(EstimateStatus::Submitted),
        (EstimateStep::Approve, EstimateStatus::Submitted) => Some(EstimateStatus::Approved),
        (EstimateStep::Return, EstimateStatus::Submitted) => Some(EstimateStatus::Returned),
        _ => None,
    };
    next.ok_or_else(|| Error::FailedPrecondition(format!("Không thể {} dự toán {}", step.label(), from.label())))
}

/// The office's ordinary estimate of a year, as far as opening another one
/// is concerned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrdinaryEstimate {
    pub id: String,
    pub status: EstimateStatus,
}

/// Whether an office may open an estimate of `year`: one ordinary estimate
/// a year; supplementary ones (dự toán bổ sung) as many as needed, but only
/// once the ordinary one is approved, since they add to it.
pub fn ensure_may_open_estimate(
    year: i32,
    supplementary: bool,
    ordinary: Option<&OrdinaryEstimate>,
) -> Result<(), Error> {
    match (supplementary, ordinary) {
        (false, None) => Ok(()),
        (false, Some(existing)) => Err(Error::duplicate(
            "estimate",
            &existing.id,
            format!(
                "Đơn vị đã có dự toán năm {year} ({}); hãy sửa dự toán đó, hoặc lập dự toán bổ sung khi nó đã được duyệt",
                existing.status.label()
            ),
        )),
        (true, Some(existing)) if existing.status == EstimateStatus::Approved => Ok(()),
        (true, _) => Err(Error::FailedPrecondition(format!(
            "Chỉ lập dự toán bổ sung khi dự toán năm {year} của đơn vị đã được duyệt"
        ))),
    }
}

vanphong_platform::coded! {
    /// The kind of a budget entry.
    pub enum AllocationKind {
        Estimate = "estimate",
        Allocation = "allocation",
        Adjustment = "adjustment",
        /// What an ended office had not spent, handed to its successor
        /// (docs/domain.md §1, reorganisation).
        Handover = "handover",
    }
}

/// What an office holds on one line in one year.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Holding {
    pub held: i64,
    pub allocated_out: i64,
    pub spent: i64,
    pub committed: i64,
}

impl Holding {
    /// held − allocated_out − spent − committed.
    pub fn remaining(&self) -> Result<i64, Error> {
        let r = money::sub("amount", self.held, self.allocated_out)?;
        let r = money::sub("amount", r, self.spent)?;
        money::sub("amount", r, self.committed)
    }

    /// What the office keeps for itself: held − allocated_out.
    pub fn own(&self) -> i64 {
        self.held.saturating_sub(self.allocated_out)
    }

    /// Spent as a share of what the office keeps, in basis points.
    pub fn executed_basis_points(&self) -> i64 {
        money::basis_points(self.spent, self.own())
    }
}

/// Refuses to give away (allocate on, or adjust down) `amount` when the
/// holding has less left; `what` names the line and year.
pub fn ensure_room(holding: &Holding, amount: i64, field: &str, what: &str) -> Result<(), Error> {
    let remaining = holding.remaining()?;
    if amount > remaining {
        return Err(Error::FailedPrecondition(format!(
            "{field}: {} vượt quá số còn lại {} của {what} (được giao {}, đã phân bổ {}, đã chi {}, đã cam kết {})",
            format_vnd(amount),
            format_vnd(remaining.max(0)),
            format_vnd(holding.held),
            format_vnd(holding.allocated_out),
            format_vnd(holding.spent),
            format_vnd(holding.committed),
        )));
    }
    Ok(())
}

/// Decides a voucher or commitment of `amount` on a line: accepted, or
/// accepted with a warning when the policy allows overspending, or refused.
pub fn check_spending(
    holding: &Holding,
    amount: i64,
    policy: OverspendPolicy,
    what: &str,
) -> Result<Option<String>, Error> {
    let remaining = holding.remaining()?;
    if amount <= remaining {
        return Ok(None);
    }
    match policy {
        OverspendPolicy::Refuse => Err(Error::FailedPrecondition(format!(
            "amount: {} vượt quá số còn lại {} của {what}",
            format_vnd(amount),
            format_vnd(remaining.max(0)),
        ))),
        OverspendPolicy::Warn => Ok(Some(format!(
            "Chi vượt dự toán: {} vượt số còn lại {} của {what} ({} vượt)",
            format_vnd(amount),
            format_vnd(remaining.max(0)),
            format_vnd(money::sub("amount", amount, remaining.max(0))?),
        ))),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn one_ordinary_estimate_a_year_then_supplementary_ones_once_it_is_approved() {
        use super::{EstimateStatus, OrdinaryEstimate, ensure_may_open_estimate};
        use vanphong_platform::Error;
        let draft = OrdinaryEstimate {
            id: "e1".into(),
            status: EstimateStatus::Submitted,
        };
        let approved = OrdinaryEstimate {
            status: EstimateStatus::Approved,
            ..draft.clone()
        };
        assert!(ensure_may_open_estimate(2026, false, None).is_ok());
        assert!(matches!(
            ensure_may_open_estimate(2026, false, Some(&approved)),
            Err(Error::Duplicate { .. })
        ));
        assert!(matches!(
            ensure_may_open_estimate(2026, true, None),
            Err(Error::FailedPrecondition(_))
        ));
        assert!(matches!(
            ensure_may_open_estimate(2026, true, Some(&draft)),
            Err(Error::FailedPrecondition(_))
        ));
        assert!(ensure_may_open_estimate(2026, true, Some(&approved)).is_ok());
    }

    use super::*;

    fn holding(held: i64, out: i64, spent: i64, committed: i64) -> Holding {
        Holding {
            held,
            allocated_out: out,
            spent,
            committed,
        }
    }

    #[test]
    fn remaining_counts_allocations_spending_and_commitments() {
        assert_eq!(holding(1_000, 300, 200, 100).remaining().ok(), Some(400));
        assert!(holding(i64::MIN, 1, 0, 0).remaining().is_err());
        assert_eq!(holding(1_000, 400, 300, 0).executed_basis_points(), 5_000);
    }

    #[test]
    fn a_parent_never_gives_away_more_than_is_left() {
        let h = holding(1_000, 600, 0, 0);
        assert!(ensure_room(&h, 400, "amount", "tiểu mục 6551 năm 2026").is_ok());
        let Err(Error::FailedPrecondition(m)) = ensure_room(&h, 401, "items[0].amount", "tiểu mục 6551 năm 2026")
        else {
            panic!("refusal expected")
        };
        assert!(m.starts_with("items[0].amount"), "{m}");
        assert!(m.contains("401 đ") && m.contains("400 đ") && m.contains("6551"), "{m}");
    }

    #[test]
    fn overspending_is_refused_or_warned_by_policy() {
        let h = holding(1_000, 0, 900, 0);
        assert_eq!(check_spending(&h, 100, OverspendPolicy::Refuse, "x").ok(), Some(None));
        assert!(check_spending(&h, 101, OverspendPolicy::Refuse, "x").is_err());
        let warning = check_spending(&h, 150, OverspendPolicy::Warn, "x").ok().flatten();
        assert!(warning.is_some_and(|w| w.contains("50 đ vượt")));
    }

    #[test]
    fn the_estimate_flow() {
        use EstimateStatus::*;
        use EstimateStep::*;
        assert_eq!(estimate_transition(Submit, Draft).ok(), Some(Submitted));
        assert_eq!(estimate_transition(Approve, Submitted).ok(), Some(Approved));
        assert_eq!(estimate_transition(Return, Submitted).ok(), Some(Returned));
        assert_eq!(estimate_transition(Submit, Returned).ok(), Some(Submitted));
        assert!(estimate_transition(Edit, Submitted).is_err());
        assert!(estimate_transition(Edit, Approved).is_err());
        assert!(estimate_transition(Approve, Draft).is_err());
        assert!(estimate_transition(Return, Approved).is_err());
    }
}
