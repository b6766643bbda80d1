//! Who may see and change whose books.
//!
//! Finance data is read by the office's accountants, leaders, inspectors
//! and admins, and by the leaders, accountants and inspectors of any office
//! above it (a parent supervises its children's books); sibling offices
//! never see each other's. Changes are made only by the office's own people
//! (never by a parent in a child's books); each step names its roles.

use chrono::NaiveDate;
use uuid::Uuid;

use vanphong_platform::Error;
use vanphong_platform::identity::{Caller, Role};
use vanphong_platform::tree::OfficeTree;

/// Roles that see an office's finance data.
pub const READERS: &[Role] = &[Role::Accountant, Role::Leader, Role::Inspector, Role::Admin];
/// Roles of a parent office that see its descendants' finance data.
pub const SUPERVISORS: &[Role] = &[Role::Accountant, Role::Leader, Role::Inspector];

fn has_any(caller: &Caller, roles: &[Role]) -> bool {
    roles.iter().any(|r| caller.has_role(*r))
}

/// Whether the caller may read `office`'s finance data on `on`.
pub fn may_read(caller: &Caller, tree: &OfficeTree, office: Uuid, on: NaiveDate) -> bool {
    let holder = tree.holder_on(office, on);
    (holder == caller.office_id && has_any(caller, READERS))
        || (has_any(caller, SUPERVISORS) && tree.is_ancestor_on(caller.office_id, holder, on))
}

/// Refuses unless [`may_read`].
pub fn ensure_read(caller: &Caller, tree: &OfficeTree, office: Uuid, on: NaiveDate) -> Result<(), Error> {
    if may_read(caller, tree, office, on) {
        Ok(())
    } else {
        Err(Error::PermissionDenied(
            "Bạn không có quyền xem số liệu tài chính của đơn vị này".into(),
        ))
    }
}

/// For figures of a period that ended on `period_end`: refuses unless the
/// caller may read `office` today or could when the period ended (each
/// period follows its own tree, so a parent keeps the figures of an office
/// that was below it then).
pub fn ensure_read_period(
    caller: &Caller,
    tree: &OfficeTree,
    office: Uuid,
    period_end: NaiveDate,
    today: NaiveDate,
) -> Result<(), Error> {
    if may_read(caller, tree, office, today) {
        return Ok(());
    }
    ensure_read(caller, tree, office, period_end)
}

/// Refuses unless the caller works in `office` and holds one of `roles`.
pub fn ensure_act(
    caller: &Caller,
    tree: &OfficeTree,
    office: Uuid,
    on: NaiveDate,
    roles: &[Role],
) -> Result<(), Error> {
    if tree.holder_on(office, on) != caller.office_id {
        return Err(if may_read(caller, tree, office, on) {
            Error::PermissionDenied("Cấp trên chỉ được xem, không được ghi vào sổ sách của đơn vị cấp dưới".into())
        } else {
            Error::PermissionDenied("Bạn chỉ được ghi vào sổ sách của đơn vị mình".into())
        });
    }
    caller.require_any_role(roles)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{DateTime, Utc};
    use vanphong_platform::tree::{Numbering, OfficeEntry, OfficeKind, ParentLink};

    fn office(code: &str, parent: Option<Uuid>) -> OfficeEntry {
        let d = NaiveDate::from_ymd_opt(2000, 1, 1).expect("date");
        OfficeEntry {
            id: Uuid::now_v7(),
            code: code.into(),
            name: code.into(),
            kind: OfficeKind::Other,
            issuer_code: code.into(),
            numbering: Numbering::Party,
            established_on: d,
            dissolved_on: None,
            successor_id: None,
            split_into: Vec::new(),
            links: vec![ParentLink {
                parent_id: parent,
                from: d,
                to: None,
                reason: String::new(),
            }],
            created_at: DateTime::<Utc>::UNIX_EPOCH,
            updated_at: DateTime::<Utc>::UNIX_EPOCH,
        }
    }

    fn caller(office: Uuid, role: Role) -> Caller {
        let mut c = Caller::system(office);
        c.roles = [role].into_iter().collect();
        c
    }

    #[test]
    fn parents_read_children_never_siblings_and_nobody_writes_elsewhere() {
        let root = office("TU", None);
        let a = office("A", Some(root.id));
        let b = office("B", Some(root.id));
        let (r, a_id, b_id) = (root.id, a.id, b.id);
        let tree = OfficeTree::new([root, a, b]);
        let on = NaiveDate::from_ymd_opt(2026, 3, 2).expect("date");

        let parent_accountant = caller(r, Role::Accountant);
        assert!(may_read(&parent_accountant, &tree, a_id, on));
        assert!(ensure_act(&parent_accountant, &tree, a_id, on, &[Role::Accountant]).is_err());
        assert!(ensure_act(&parent_accountant, &tree, r, on, &[Role::Accountant]).is_ok());

        let sibling = caller(b_id, Role::Leader);
        assert!(!may_read(&sibling, &tree, a_id, on));
        assert!(!may_read(&caller(a_id, Role::Clerk), &tree, a_id, on));
        assert!(
            !may_read(&caller(a_id, Role::Accountant), &tree, r, on),
            "children do not read parents"
        );
        assert!(ensure_act(&caller(a_id, Role::Clerk), &tree, a_id, on, &[Role::Accountant]).is_err());
    }
}
