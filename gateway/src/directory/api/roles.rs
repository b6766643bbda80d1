//! Reading roles and clearance from requests.

use vanphong_platform::Error;
use vanphong_platform::identity::{Caller, Clearance, Role, RoleSet};
use vanphong_platform::validate::Checker;

/// A non-empty set of known roles.
pub fn check_roles(checker: &mut Checker, field: &str, values: &[i32]) -> RoleSet {
    if values.is_empty() {
        checker.violation(field, "REQUIRED", "Phải có ít nhất một vai trò");
    }
    let mut roles = Vec::new();
    for (i, value) in values.iter().enumerate() {
        match Role::from_wire(*value) {
            Some(role) => roles.push(role),
            None => checker.violation(
                &format!("{field}[{i}]"),
                "UNKNOWN_VALUE",
                format!("Vai trò {value} không tồn tại"),
            ),
        }
    }
    roles.into_iter().collect()
}

/// A known clearance level (0 means none).
pub fn check_clearance(checker: &mut Checker, field: &str, value: i32) -> Clearance {
    Clearance::from_wire(value).unwrap_or_else(|| {
        checker.violation(field, "UNKNOWN_VALUE", format!("Độ mật {value} không tồn tại"));
        Clearance::None
    })
}

/// Nobody grants a clearance above their own.
pub fn ensure_may_grant(caller: &Caller, clearance: Clearance) -> Result<(), Error> {
    if clearance > caller.clearance {
        return Err(Error::PermissionDenied(format!(
            "Không thể cấp độ mật «{}» cao hơn độ mật của chính bạn («{}»)",
            clearance.label(),
            caller.clearance.label()
        )));
    }
    Ok(())
}
