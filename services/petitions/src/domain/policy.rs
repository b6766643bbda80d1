//! The deployment's petition rules that the law leaves open or that were
//! not confirmed (docs/domain.md §3), with their defaults. Stored as data and
//! changed by the root office's admins.
//!
//! - Classification within 10 days of receipt (TT 05/2021; counted here in
//!   working days — not confirmed).
//! - Anonymous petitions are filed ("lưu đơn") with a reason.
//! - Due-soon: deadlines within 7 days; long-running ("tồn đọng, kéo dài"):
//!   open more than 90 days.
//! - Reception duty of committee heads (Quy định 11-QĐi/TW): at least one
//!   day a month at province level, two at commune level. For districts the
//!   default is one day a month: 11-QĐi/TW names the heads of provincial and
//!   district committees together.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use vanphong_platform::tree::OfficeKind;

use super::kinds::{AnonymousRule, Counting};

/// The policy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Policy {
    pub classification_days: u32,
    /// Storage code of a [`Counting`].
    pub classification_counting: String,
    /// Storage code of an [`AnonymousRule`].
    pub anonymous_rule: String,
    pub anonymous_reason: String,
    pub due_soon_days: u32,
    pub long_running_days: u32,
    /// Minimum reception days a month, by office level (storage code of the
    /// level).
    pub reception_duty: Vec<(String, u32)>,
}

impl Default for Policy {
    fn default() -> Self {
        Policy {
            classification_days: 10,
            classification_counting: Counting::WorkingDays.code().into(),
            anonymous_rule: AnonymousRule::File.code().into(),
            anonymous_reason: "Đơn nặc danh, không rõ họ tên, địa chỉ người gửi; nội dung không cụ thể — lưu đơn"
                .into(),
            due_soon_days: 7,
            long_running_days: 90,
            reception_duty: vec![
                (OfficeKind::Province.code().into(), 1),
                (OfficeKind::District.code().into(), 1),
                (OfficeKind::Commune.code().into(), 2),
            ],
        }
    }
}

impl Policy {
    /// The last day of the "due soon" window that starts `today`
    /// (`due_soon_days` after it, both ends included): the backlog's list
    /// and every due-soon count of petitions (docs/domain.md §3).
    pub fn due_soon_until(&self, today: NaiveDate) -> NaiveDate {
        today
            .checked_add_days(chrono::Days::new(u64::from(self.due_soon_days)))
            .unwrap_or(today)
    }

    /// Petitions received before this day are long-running on `today`.
    pub fn long_running_before(&self, today: NaiveDate) -> NaiveDate {
        today
            .checked_sub_days(chrono::Days::new(u64::from(self.long_running_days)))
            .unwrap_or(today)
    }

    /// How the classification period is counted.
    pub fn classification_counting(&self) -> Counting {
        Counting::from_code(&self.classification_counting).unwrap_or(Counting::WorkingDays)
    }

    pub fn anonymous_rule(&self) -> AnonymousRule {
        AnonymousRule::from_code(&self.anonymous_rule).unwrap_or(AnonymousRule::File)
    }

    /// Reception days a month required of the heads of an office of this
    /// level; 0 when the level has no rule.
    pub fn required_reception_days(&self, kind: OfficeKind) -> u32 {
        self.reception_duty
            .iter()
            .find(|(k, _)| k == kind.code())
            .map_or(0, |(_, days)| *days)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_follow_the_domain() {
        let p = Policy::default();
        assert_eq!(p.classification_days, 10);
        assert_eq!(p.anonymous_rule(), AnonymousRule::File);
        assert_eq!(p.required_reception_days(OfficeKind::Province), 1);
        assert_eq!(p.required_reception_days(OfficeKind::District), 1);
        assert_eq!(p.required_reception_days(OfficeKind::Commune), 2);
        assert_eq!(p.required_reception_days(OfficeKind::Other), 0);
        let json = serde_json::to_string(&p).expect("json");
        assert_eq!(serde_json::from_str::<Policy>(&json).expect("back"), p);
    }
}
