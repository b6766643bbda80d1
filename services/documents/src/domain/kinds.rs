//! Directions, states, urgency and channels, with their storage codes and
//! Vietnamese names (their wire values are in `api/convert`).

vanphong_platform::coded! {
    /// Incoming (đến) or outgoing (đi).
    pub enum Direction {
        Incoming = "incoming",
        Outgoing = "outgoing",
    }
}

vanphong_platform::coded! {
    /// Where a document stands.
    pub enum Status {
        Arrived = ("arrived", "Đã đến"),
        Registered = ("registered", "Đã vào sổ"),
        Submitted = ("submitted", "Đã trình lãnh đạo"),
        Assigned = ("assigned", "Đã phân công"),
        InProgress = ("in_progress", "Đang xử lý"),
        Done = ("done", "Đã hoàn thành"),
        Filed = ("filed", "Đã lập hồ sơ"),
        Refused = ("refused", "Đã từ chối"),
        Recalled = ("recalled", "Đã bị thu hồi"),
        Draft = ("draft", "Dự thảo"),
        InReview = ("in_review", "Đang xem xét"),
        Approved = ("approved", "Đã duyệt"),
        Signed = ("signed", "Đã ký"),
        Numbered = ("numbered", "Đã cấp số"),
        Dispatched = ("dispatched", "Đã phát hành"),
        Cancelled = ("cancelled", "Đã hủy"),
    }
}

impl Status {
    /// The edXML status a recipient office reports back to the sender
    /// (QCVN 102:2016), for the states an incoming copy can be in.
    pub fn exchange_code(self) -> Option<&'static str> {
        match self {
            Status::Arrived => Some("01"),
            Status::Refused => Some("02"),
            Status::Registered | Status::Submitted => Some("03"),
            Status::Assigned => Some("04"),
            Status::InProgress => Some("05"),
            Status::Done | Status::Filed => Some("06"),
            _ => None,
        }
    }

    /// Whether the document still awaits handling.
    pub fn is_open(self) -> bool {
        matches!(
            self,
            Status::Registered | Status::Submitted | Status::Assigned | Status::InProgress
        )
    }
}

/// Độ khẩn, ordered from ordinary to most urgent.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Urgency {
    #[default]
    Normal,
    Urgent,
    VeryUrgent,
    Flash,
}

impl Urgency {
    pub fn level(self) -> i64 {
        match self {
            Urgency::Normal => 0,
            Urgency::Urgent => 1,
            Urgency::VeryUrgent => 2,
            Urgency::Flash => 3,
        }
    }

    pub fn from_level(level: i64) -> Option<Self> {
        match level {
            0 => Some(Urgency::Normal),
            1 => Some(Urgency::Urgent),
            2 => Some(Urgency::VeryUrgent),
            3 => Some(Urgency::Flash),
            _ => None,
        }
    }

    /// Thường, Khẩn, Thượng khẩn, Hỏa tốc.
    pub fn label(self) -> &'static str {
        match self {
            Urgency::Normal => "Thường",
            Urgency::Urgent => "Khẩn",
            Urgency::VeryUrgent => "Thượng khẩn",
            Urgency::Flash => "Hỏa tốc",
        }
    }
}

vanphong_platform::coded! {
    /// Paper or electronic.
    pub enum Channel {
        Paper = "paper",
        Electronic = "electronic",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_status_round_trips() {
        for s in Status::ALL {
            assert_eq!(Status::from_code(s.code()), Ok(*s));
        }
        assert!(Status::from_code("lost").is_err());
    }

    #[test]
    fn urgency_is_ordered() {
        assert!(Urgency::Flash > Urgency::VeryUrgent);
        assert!(Urgency::Urgent > Urgency::Normal);
        assert_eq!(Urgency::from_level(3), Some(Urgency::Flash));
        assert_eq!(Urgency::from_level(4), None);
    }
}
