//! The closed vocabularies of petition handling — kinds, channels, states,
//! outcomes, resolutions, complexity, counting, competent authority, prior
//! stage, the anonymous rule and backlog lists — each with its storage code
//! and Vietnamese name (their wire values are in `api/convert`).

vanphong_platform::coded! {
    /// Loại đơn.
    pub enum Kind {
        Complaint = ("complaint", "Khiếu nại"),
        Denunciation = ("denunciation", "Tố cáo"),
        Recommendation = ("recommendation", "Kiến nghị, phản ánh"),
    }
}

vanphong_platform::coded! {
    /// How a petition reached the office.
    pub enum Channel {
        InPerson = ("in_person", "Trực tiếp tại buổi tiếp công dân"),
        Mail = ("mail", "Qua đường bưu chính"),
        Transferred = ("transferred", "Do cơ quan khác chuyển đến"),
        Electronic = ("electronic", "Gửi qua mạng điện tử"),
    }
}

vanphong_platform::coded! {
    /// Where a petition stands; codes are those of docs/domain.md §3 (02 … 11).
    pub enum State {
        Classifying = ("02", "Phân loại xử lý"),
        Guided = ("03", "Hướng dẫn"),
        Transferred = ("04", "Chuyển đơn"),
        Urged = ("05", "Đôn đốc"),
        Filed = ("06", "Lưu đơn"),
        Considering = ("07", "Xem xét thụ lý"),
        Accepted = ("08", "Thụ lý giải quyết"),
        NotEligible = ("09", "Không đủ điều kiện thụ lý"),
        Resolved = ("10", "Ra kết quả"),
        Withdrawn = ("11", "Rút đơn / đình chỉ"),
    }
}

vanphong_platform::coded! {
    /// What classification decides.
    pub enum Outcome {
        Accept = ("accept", "Thụ lý giải quyết"),
        Consider = ("consider", "Xem xét thụ lý"),
        Transfer = ("transfer", "Chuyển đơn"),
        Guide = ("guide", "Hướng dẫn"),
        Urge = ("urge", "Đôn đốc"),
        File = ("file", "Lưu đơn"),
    }
}

vanphong_platform::coded! {
    /// First or second resolution of a complaint.
    pub enum Resolution {
        First = ("first", "Giải quyết lần đầu"),
        Second = ("second", "Giải quyết lần hai"),
    }
}

vanphong_platform::coded! {
    /// How complex a case is.
    pub enum Complexity {
        Normal = ("normal", "Không phức tạp"),
        Complex = ("complex", "Phức tạp"),
        EspeciallyComplex = ("especially_complex", "Đặc biệt phức tạp"),
    }
}

vanphong_platform::coded! {
    /// How a period is counted.
    pub enum Counting {
        CalendarDays = ("calendar", "Ngày"),
        WorkingDays = ("working", "Ngày làm việc"),
    }
}

vanphong_platform::coded! {
    /// Which kind of body is competent for a petition.
    pub enum Authority {
        Administrative = ("administrative", "Hành chính"),
        Judicial = ("judicial", "Tư pháp"),
        Party = ("party", "Đảng"),
    }
}

vanphong_platform::coded! {
    /// Whether the matter was resolved before it reached the office.
    pub enum PriorStage {
        NotYetResolved = ("not_yet_resolved", "Chưa được giải quyết"),
        FirstTime = ("first_time", "Đã được giải quyết lần đầu"),
        Repeated = ("repeated", "Đã được giải quyết nhiều lần"),
    }
}

vanphong_platform::coded! {
    /// What an anonymous petition gets at intake.
    pub enum AnonymousRule {
        File = ("file", "Lưu đơn"),
        Classify = ("classify", "Phân loại như đơn khác"),
    }
}

vanphong_platform::coded! {
    /// Which backlog list.
    pub enum Backlog {
        DueSoon = ("due_soon", "Sắp đến hạn"),
        Overdue = ("overdue", "Quá hạn"),
        LongRunning = ("long_running", "Tồn đọng, kéo dài"),
    }
}

impl State {
    /// The state a classification outcome leads to.
    pub fn after(outcome: Outcome) -> State {
        match outcome {
            Outcome::Accept => State::Accepted,
            Outcome::Consider => State::Considering,
            Outcome::Transfer => State::Transferred,
            Outcome::Guide => State::Guided,
            Outcome::Urge => State::Urged,
            Outcome::File => State::Filed,
        }
    }
}

impl Outcome {
    /// Whether the case ends at this office with this outcome.
    pub fn closes(self) -> bool {
        !matches!(self, Outcome::Accept | Outcome::Consider)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip() {
        for s in State::ALL {
            assert_eq!(State::from_code(s.code()), Ok(*s));
        }
        for k in Kind::ALL {
            assert_eq!(Kind::from_code(k.code()), Ok(*k));
        }
        assert!(Kind::from_code("petition").is_err());
    }

    #[test]
    fn outcomes_lead_to_their_states() {
        assert_eq!(State::after(Outcome::Transfer), State::Transferred);
        assert!(Outcome::File.closes());
        assert!(!Outcome::Accept.closes());
    }
}
