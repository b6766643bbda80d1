//! People and service accounts, and the rules for their names.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use vanphong_platform::identity::{Clearance, RoleSet};
use vanphong_platform::validate::Checker;

/// A person who signs in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    pub id: Uuid,
    pub office_id: Uuid,
    pub username: String,
    pub full_name: String,
    pub roles: RoleSet,
    pub clearance: Clearance,
    pub disabled: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl User {
    /// The user as recorded in the audit trail (never the password hash).
    pub fn audit_json(&self) -> serde_json::Value {
        serde_json::json!({
            "id": self.id,
            "office_id": self.office_id,
            "username": self.username,
            "full_name": self.full_name,
            "roles": self.roles,
            "clearance": self.clearance.level(),
            "disabled": self.disabled,
        })
    }
}

/// Another office's system, calling with client credentials.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServiceAccount {
    pub id: Uuid,
    pub client_id: String,
    pub name: String,
    pub office_id: Uuid,
    pub roles: RoleSet,
    pub clearance: Clearance,
    pub disabled: bool,
    pub has_secret: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl ServiceAccount {
    pub fn audit_json(&self) -> serde_json::Value {
        serde_json::json!({
            "id": self.id,
            "client_id": self.client_id,
            "name": self.name,
            "office_id": self.office_id,
            "roles": self.roles,
            "clearance": self.clearance.level(),
            "disabled": self.disabled,
            "has_secret": self.has_secret,
        })
    }
}

/// Longest full name or account name, in characters.
pub const MAX_NAME: usize = 200;

/// A sign-in name: 3–64 characters of lower-case letters, digits, `.`, `_`
/// and `-`, starting with a letter or digit. Upper case is folded.
pub fn check_username(checker: &mut Checker, field: &str, value: &str) -> String {
    let username = value.trim().to_lowercase();
    if username.is_empty() {
        checker.violation(field, "REQUIRED", "Không được để trống");
    } else if !(3..=64).contains(&username.chars().count()) {
        checker.violation(field, "OUT_OF_RANGE", "Tên đăng nhập phải dài từ 3 đến 64 ký tự");
    } else if !username
        .chars()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "._-".contains(c))
        || !username.starts_with(|c: char| c.is_ascii_alphanumeric())
    {
        checker.violation(
            field,
            "INVALID_FORMAT",
            "Tên đăng nhập chỉ gồm chữ cái không dấu, chữ số và các dấu . _ -, bắt đầu bằng chữ hoặc số",
        );
    }
    username
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usernames() {
        let mut c = Checker::new();
        assert_eq!(check_username(&mut c, "username", " HiepHoa.VanThu "), "hiephoa.vanthu");
        assert!(c.is_clean());
        for bad in ["", "ab", "nguyễn", "has space", ".dot", &"x".repeat(65)] {
            let mut c = Checker::new();
            check_username(&mut c, "username", bad);
            assert!(!c.is_clean(), "{bad:?} should be refused");
        }
    }
}
