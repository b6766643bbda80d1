//! Roles a person holds in their office (docs/domain.md §1), and clearance for
//! secret material.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};
use vanphong_proto::common::v1::SecrecyLevel;
use vanphong_proto::directory::v1::Role as WireRole;

/// What a person may do in their office.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Văn thư: registers and numbers documents.
    Clerk,
    /// Lãnh đạo: assigns, approves, signs; reads the offices below.
    Leader,
    /// Chuyên viên: handles assigned work, drafts.
    Specialist,
    /// Cán bộ tiếp dân / xử lý đơn.
    PetitionOfficer,
    /// Kế toán.
    Accountant,
    /// Kiểm tra.
    Inspector,
    /// Quản trị: manages users of the office and the offices below.
    Admin,
}

impl Role {
    pub const ALL: [Role; 7] = [
        Role::Clerk,
        Role::Leader,
        Role::Specialist,
        Role::PetitionOfficer,
        Role::Accountant,
        Role::Inspector,
        Role::Admin,
    ];

    /// Stable code used in storage and tokens.
    pub fn code(self) -> &'static str {
        match self {
            Role::Clerk => "clerk",
            Role::Leader => "leader",
            Role::Specialist => "specialist",
            Role::PetitionOfficer => "petition_officer",
            Role::Accountant => "accountant",
            Role::Inspector => "inspector",
            Role::Admin => "admin",
        }
    }

    pub fn from_code(code: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.code() == code)
    }

    /// The role's Vietnamese name, as users know it.
    pub fn label(self) -> &'static str {
        match self {
            Role::Clerk => "Văn thư",
            Role::Leader => "Lãnh đạo",
            Role::Specialist => "Chuyên viên",
            Role::PetitionOfficer => "Cán bộ tiếp dân, xử lý đơn",
            Role::Accountant => "Kế toán",
            Role::Inspector => "Kiểm tra",
            Role::Admin => "Quản trị",
        }
    }

    pub fn from_wire(value: i32) -> Option<Role> {
        match WireRole::try_from(value).ok()? {
            WireRole::Unspecified => None,
            WireRole::Clerk => Some(Role::Clerk),
            WireRole::Leader => Some(Role::Leader),
            WireRole::Specialist => Some(Role::Specialist),
            WireRole::PetitionOfficer => Some(Role::PetitionOfficer),
            WireRole::Accountant => Some(Role::Accountant),
            WireRole::Inspector => Some(Role::Inspector),
            WireRole::Admin => Some(Role::Admin),
        }
    }

    pub fn to_wire(self) -> i32 {
        let wire = match self {
            Role::Clerk => WireRole::Clerk,
            Role::Leader => WireRole::Leader,
            Role::Specialist => WireRole::Specialist,
            Role::PetitionOfficer => WireRole::PetitionOfficer,
            Role::Accountant => WireRole::Accountant,
            Role::Inspector => WireRole::Inspector,
            Role::Admin => WireRole::Admin,
        };
        wire as i32
    }
}

/// A person's roles, kept sorted and without repeats.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct RoleSet(BTreeSet<Role>);

impl RoleSet {
    pub fn contains(&self, role: Role) -> bool {
        self.0.contains(&role)
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn iter(&self) -> impl Iterator<Item = Role> + '_ {
        self.0.iter().copied()
    }

    /// Storage form: codes joined by commas, e.g. `clerk,leader`.
    pub fn to_codes(&self) -> String {
        self.iter().map(Role::code).collect::<Vec<_>>().join(",")
    }

    /// Reads the storage form; `None` when a code is unknown (a corrupt
    /// row, never a person quietly losing a role).
    pub fn from_codes(codes: &str) -> Option<RoleSet> {
        codes
            .split(',')
            .map(str::trim)
            .filter(|c| !c.is_empty())
            .map(Role::from_code)
            .collect()
    }

    pub fn to_wire(&self) -> Vec<i32> {
        self.iter().map(Role::to_wire).collect()
    }
}

impl FromIterator<Role> for RoleSet {
    fn from_iter<I: IntoIterator<Item = Role>>(iter: I) -> Self {
        RoleSet(iter.into_iter().collect())
    }
}

/// The highest secrecy level a person may read (Luật Bảo vệ bí mật nhà nước
/// 2018). Ordered: a clearance admits every level at or below it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(into = "u8", try_from = "u8")]
pub enum Clearance {
    /// Not cleared for secret material.
    #[default]
    None,
    /// Mật.
    Confidential,
    /// Tối mật.
    Secret,
    /// Tuyệt mật.
    TopSecret,
}

impl Clearance {
    pub fn level(self) -> u8 {
        match self {
            Clearance::None => 0,
            Clearance::Confidential => 1,
            Clearance::Secret => 2,
            Clearance::TopSecret => 3,
        }
    }

    pub fn from_level(level: i64) -> Option<Clearance> {
        match level {
            0 => Some(Clearance::None),
            1 => Some(Clearance::Confidential),
            2 => Some(Clearance::Secret),
            3 => Some(Clearance::TopSecret),
            _ => None,
        }
    }

    pub fn from_wire(value: i32) -> Option<Clearance> {
        SecrecyLevel::try_from(value)
            .ok()
            .and_then(|l| Clearance::from_level(l as i64))
    }

    pub fn to_wire(self) -> i32 {
        i32::from(self.level())
    }

    /// Vietnamese name of the level.
    pub fn label(self) -> &'static str {
        match self {
            Clearance::None => "Thường",
            Clearance::Confidential => "Mật",
            Clearance::Secret => "Tối mật",
            Clearance::TopSecret => "Tuyệt mật",
        }
    }
}

impl From<Clearance> for u8 {
    fn from(c: Clearance) -> u8 {
        c.level()
    }
}

impl TryFrom<u8> for Clearance {
    type Error = String;
    fn try_from(level: u8) -> Result<Self, String> {
        Clearance::from_level(i64::from(level)).ok_or_else(|| format!("unknown clearance {level}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_round_trip_through_storage_and_wire() {
        let set: RoleSet = [Role::Leader, Role::Clerk, Role::Leader].into_iter().collect();
        assert_eq!(set.to_codes(), "clerk,leader");
        assert_eq!(RoleSet::from_codes("clerk,leader"), Some(set));
        assert_eq!(RoleSet::from_codes(""), Some(RoleSet::default()));
        assert_eq!(RoleSet::from_codes("clerk,chairman"), None);
        for role in Role::ALL {
            assert_eq!(Role::from_wire(role.to_wire()), Some(role));
            assert_eq!(Role::from_code(role.code()), Some(role));
        }
        assert_eq!(Role::from_wire(0), None);
        assert_eq!(Role::from_wire(99), None);
    }

    #[test]
    fn clearance_is_ordered() {
        assert!(Clearance::TopSecret > Clearance::Secret);
        assert!(Clearance::Confidential > Clearance::None);
        assert_eq!(Clearance::from_wire(2), Some(Clearance::Secret));
        assert_eq!(Clearance::from_wire(7), None);
    }
}
