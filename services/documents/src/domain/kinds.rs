//! Directions, states, urgency and channels, with their storage codes,
//! wire values and Vietnamese names.

use vanphong_proto::documents::v1 as wire;

/// Incoming (đến) or outgoing (đi).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Direction {
    Incoming,
    Outgoing,
}

impl Direction {
    pub fn code(self) -> &'static str {
        match self {
            Direction::Incoming => "incoming",
            Direction::Outgoing => "outgoing",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        match code {
            "incoming" => Some(Direction::Incoming),
            "outgoing" => Some(Direction::Outgoing),
            _ => None,
        }
    }

    pub fn from_wire(value: i32) -> Option<Self> {
        match wire::Direction::try_from(value).ok()? {
            wire::Direction::Incoming => Some(Direction::Incoming),
            wire::Direction::Outgoing => Some(Direction::Outgoing),
            wire::Direction::Unspecified => None,
        }
    }

    pub fn to_wire(self) -> i32 {
        (match self {
            Direction::Incoming => wire::Direction::Incoming,
            Direction::Outgoing => wire::Direction::Outgoing,
        }) as i32
    }
}

/// Where a document stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Status {
    Arrived,
    Registered,
    Submitted,
    Assigned,
    InProgress,
    Done,
    Filed,
    Refused,
    Recalled,
    Draft,
    InReview,
    Approved,
    Signed,
    Numbered,
    Dispatched,
    Cancelled,
}

impl Status {
    pub const ALL: [Status; 16] = [
        Status::Arrived,
        Status::Registered,
        Status::Submitted,
        Status::Assigned,
        Status::InProgress,
        Status::Done,
        Status::Filed,
        Status::Refused,
        Status::Recalled,
        Status::Draft,
        Status::InReview,
        Status::Approved,
        Status::Signed,
        Status::Numbered,
        Status::Dispatched,
        Status::Cancelled,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Status::Arrived => "arrived",
            Status::Registered => "registered",
            Status::Submitted => "submitted",
            Status::Assigned => "assigned",
            Status::InProgress => "in_progress",
            Status::Done => "done",
            Status::Filed => "filed",
            Status::Refused => "refused",
            Status::Recalled => "recalled",
            Status::Draft => "draft",
            Status::InReview => "in_review",
            Status::Approved => "approved",
            Status::Signed => "signed",
            Status::Numbered => "numbered",
            Status::Dispatched => "dispatched",
            Status::Cancelled => "cancelled",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Status::ALL.into_iter().find(|s| s.code() == code)
    }

    /// The state's Vietnamese name, for messages.
    pub fn label(self) -> &'static str {
        match self {
            Status::Arrived => "Đã đến",
            Status::Registered => "Đã vào sổ",
            Status::Submitted => "Đã trình lãnh đạo",
            Status::Assigned => "Đã phân công",
            Status::InProgress => "Đang xử lý",
            Status::Done => "Đã hoàn thành",
            Status::Filed => "Đã lập hồ sơ",
            Status::Refused => "Đã từ chối",
            Status::Recalled => "Đã bị thu hồi",
            Status::Draft => "Dự thảo",
            Status::InReview => "Đang xem xét",
            Status::Approved => "Đã duyệt",
            Status::Signed => "Đã ký",
            Status::Numbered => "Đã cấp số",
            Status::Dispatched => "Đã phát hành",
            Status::Cancelled => "Đã hủy",
        }
    }

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

    pub fn from_wire(value: i32) -> Option<Self> {
        use wire::Status as W;
        Some(match W::try_from(value).ok()? {
            W::Unspecified => return None,
            W::Arrived => Status::Arrived,
            W::Registered => Status::Registered,
            W::Submitted => Status::Submitted,
            W::Assigned => Status::Assigned,
            W::InProgress => Status::InProgress,
            W::Done => Status::Done,
            W::Filed => Status::Filed,
            W::Refused => Status::Refused,
            W::Recalled => Status::Recalled,
            W::Draft => Status::Draft,
            W::InReview => Status::InReview,
            W::Approved => Status::Approved,
            W::Signed => Status::Signed,
            W::Numbered => Status::Numbered,
            W::Dispatched => Status::Dispatched,
            W::Cancelled => Status::Cancelled,
        })
    }

    pub fn to_wire(self) -> i32 {
        use wire::Status as W;
        (match self {
            Status::Arrived => W::Arrived,
            Status::Registered => W::Registered,
            Status::Submitted => W::Submitted,
            Status::Assigned => W::Assigned,
            Status::InProgress => W::InProgress,
            Status::Done => W::Done,
            Status::Filed => W::Filed,
            Status::Refused => W::Refused,
            Status::Recalled => W::Recalled,
            Status::Draft => W::Draft,
            Status::InReview => W::InReview,
            Status::Approved => W::Approved,
            Status::Signed => W::Signed,
            Status::Numbered => W::Numbered,
            Status::Dispatched => W::Dispatched,
            Status::Cancelled => W::Cancelled,
        }) as i32
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

    pub fn from_wire(value: i32) -> Option<Self> {
        Urgency::from_level(i64::from(value))
    }

    pub fn to_wire(self) -> i32 {
        self.level() as i32
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

/// Paper or electronic.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Channel {
    Paper,
    Electronic,
}

impl Channel {
    pub fn code(self) -> &'static str {
        match self {
            Channel::Paper => "paper",
            Channel::Electronic => "electronic",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        match code {
            "paper" => Some(Channel::Paper),
            "electronic" => Some(Channel::Electronic),
            _ => None,
        }
    }

    pub fn from_wire(value: i32) -> Option<Self> {
        match wire::Channel::try_from(value).ok()? {
            wire::Channel::Paper => Some(Channel::Paper),
            wire::Channel::Electronic => Some(Channel::Electronic),
            wire::Channel::Unspecified => None,
        }
    }

    pub fn to_wire(self) -> i32 {
        (match self {
            Channel::Paper => wire::Channel::Paper,
            Channel::Electronic => wire::Channel::Electronic,
        }) as i32
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_status_round_trips() {
        for s in Status::ALL {
            assert_eq!(Status::from_code(s.code()), Some(s));
            assert_eq!(Status::from_wire(s.to_wire()), Some(s));
        }
        assert_eq!(Status::from_wire(0), None);
    }

    #[test]
    fn urgency_is_ordered() {
        assert!(Urgency::Flash > Urgency::VeryUrgent);
        assert!(Urgency::Urgent > Urgency::Normal);
        assert_eq!(Urgency::from_wire(3), Some(Urgency::Flash));
        assert_eq!(Urgency::from_wire(4), None);
    }
}
