//! The closed vocabularies of petition handling — kinds, channels, states,
//! outcomes, resolutions, complexity, counting, competent authority, prior
//! stage, the anonymous rule and backlog lists — each with its storage code,
//! wire value and Vietnamese name.

use vanphong_proto::petitions::v1 as wire;

/// Declares an enum with a storage code, a Vietnamese label and a mapping to
/// its wire enum (whose `UNSPECIFIED` maps to `None`).
macro_rules! coded {
    (
        $(#[$meta:meta])*
        $name:ident => $wire:ident {
            $($(#[$vmeta:meta])* $variant:ident = ($code:literal, $label:literal, $wv:ident)),+ $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name {
            $($(#[$vmeta])* $variant),+
        }

        impl $name {
            /// Every value, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The code stored in the database.
            pub fn code(self) -> &'static str {
                match self {
                    $($name::$variant => $code),+
                }
            }

            /// What people call it (Vietnamese).
            pub fn label(self) -> &'static str {
                match self {
                    $($name::$variant => $label),+
                }
            }

            /// The value of a storage code.
            pub fn from_code(code: &str) -> Option<Self> {
                Self::ALL.iter().copied().find(|v| v.code() == code)
            }

            /// The value of a wire enum; `None` for `UNSPECIFIED` and unknown
            /// numbers.
            pub fn from_wire(value: i32) -> Option<Self> {
                #[allow(unreachable_patterns)]
                match wire::$wire::try_from(value).ok()? {
                    $(wire::$wire::$wv => Some($name::$variant),)+
                    _ => None,
                }
            }

            /// The wire enum's number.
            pub fn to_wire(self) -> i32 {
                (match self {
                    $($name::$variant => wire::$wire::$wv),+
                }) as i32
            }
        }
    };
}

coded! {
    /// Loại đơn.
    Kind => PetitionKind {
        Complaint = ("complaint", "Khiếu nại", Complaint),
        Denunciation = ("denunciation", "Tố cáo", Denunciation),
        Recommendation = ("recommendation", "Kiến nghị, phản ánh", Recommendation),
    }
}

coded! {
    /// How a petition reached the office.
    Channel => IntakeChannel {
        InPerson = ("in_person", "Trực tiếp tại buổi tiếp công dân", InPerson),
        Mail = ("mail", "Qua đường bưu chính", Mail),
        Transferred = ("transferred", "Do cơ quan khác chuyển đến", Transferred),
        Electronic = ("electronic", "Gửi qua mạng điện tử", Electronic),
    }
}

coded! {
    /// Where a petition stands; codes are those of docs/domain.md §3 (02 … 11).
    State => PetitionState {
        Classifying = ("02", "Phân loại xử lý", Classifying),
        Guided = ("03", "Hướng dẫn", Guided),
        Transferred = ("04", "Chuyển đơn", Transferred),
        Urged = ("05", "Đôn đốc", Urged),
        Filed = ("06", "Lưu đơn", Filed),
        Considering = ("07", "Xem xét thụ lý", Considering),
        Accepted = ("08", "Thụ lý giải quyết", Accepted),
        NotEligible = ("09", "Không đủ điều kiện thụ lý", NotEligible),
        Resolved = ("10", "Ra kết quả", Resolved),
        Withdrawn = ("11", "Rút đơn / đình chỉ", Withdrawn),
    }
}

coded! {
    /// What classification decides.
    Outcome => ClassificationOutcome {
        Accept = ("accept", "Thụ lý giải quyết", Accept),
        Consider = ("consider", "Xem xét thụ lý", Consider),
        Transfer = ("transfer", "Chuyển đơn", Transfer),
        Guide = ("guide", "Hướng dẫn", Guide),
        Urge = ("urge", "Đôn đốc", Urge),
        File = ("file", "Lưu đơn", File),
    }
}

coded! {
    /// First or second resolution of a complaint.
    Resolution => Resolution {
        First = ("first", "Giải quyết lần đầu", First),
        Second = ("second", "Giải quyết lần hai", Second),
    }
}

coded! {
    /// How complex a case is.
    Complexity => Complexity {
        Normal = ("normal", "Không phức tạp", Normal),
        Complex = ("complex", "Phức tạp", Complex),
        EspeciallyComplex = ("especially_complex", "Đặc biệt phức tạp", EspeciallyComplex),
    }
}

coded! {
    /// How a period is counted.
    Counting => Counting {
        CalendarDays = ("calendar", "Ngày", CalendarDays),
        WorkingDays = ("working", "Ngày làm việc", WorkingDays),
    }
}

coded! {
    /// Which kind of body is competent for a petition.
    Authority => CompetentAuthority {
        Administrative = ("administrative", "Hành chính", Administrative),
        Judicial = ("judicial", "Tư pháp", Judicial),
        Party = ("party", "Đảng", Party),
    }
}

coded! {
    /// Whether the matter was resolved before it reached the office.
    PriorStage => PriorStage {
        NotYetResolved = ("not_yet_resolved", "Chưa được giải quyết", NotYetResolved),
        FirstTime = ("first_time", "Đã được giải quyết lần đầu", FirstTime),
        Repeated = ("repeated", "Đã được giải quyết nhiều lần", Repeated),
    }
}

coded! {
    /// What an anonymous petition gets at intake.
    AnonymousRule => AnonymousRule {
        File = ("file", "Lưu đơn", File),
        Classify = ("classify", "Phân loại như đơn khác", Classify),
    }
}

coded! {
    /// Which backlog list.
    Backlog => BacklogKind {
        DueSoon = ("due_soon", "Sắp đến hạn", DueSoon),
        Overdue = ("overdue", "Quá hạn", Overdue),
        LongRunning = ("long_running", "Tồn đọng, kéo dài", LongRunning),
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

/// A wire enum where `UNSPECIFIED` means a default: the default for 0, the
/// value for a known number, `None` for an unknown number.
pub fn or_default<T>(value: i32, parse: impl Fn(i32) -> Option<T>, default: T) -> Option<T> {
    if value == 0 { Some(default) } else { parse(value) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_and_wire_values_round_trip() {
        for s in State::ALL {
            assert_eq!(State::from_code(s.code()), Some(*s));
            assert_eq!(State::from_wire(s.to_wire()), Some(*s));
            assert_eq!(
                format!("{:02}", s.to_wire()),
                s.code(),
                "wire numbers are the state codes"
            );
        }
        for k in Kind::ALL {
            assert_eq!(Kind::from_wire(k.to_wire()), Some(*k));
        }
        assert_eq!(Kind::from_wire(0), None);
        assert_eq!(Kind::from_wire(42), None);
        assert_eq!(
            or_default(0, Complexity::from_wire, Complexity::Normal),
            Some(Complexity::Normal)
        );
        assert_eq!(or_default(99, Complexity::from_wire, Complexity::Normal), None);
    }

    #[test]
    fn outcomes_lead_to_their_states() {
        assert_eq!(State::after(Outcome::Transfer), State::Transferred);
        assert!(Outcome::File.closes());
        assert!(!Outcome::Accept.closes());
    }
}
