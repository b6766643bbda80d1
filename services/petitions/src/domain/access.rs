//! Who may see what of a petition (docs/domain.md §1, §3).
//!
//! A petition is seen by its office's people and, read-only, by the leaders
//! of the offices above; sibling offices see nothing.
//!
//! Petitioners' identity (and reception visitors') is protected: the law
//! protects a denouncer. "Leaders authorised for the case" is decided here
//! as the leaders of the office that owns it: they assign and answer for
//! its handling. So identity is visible only to those leaders and to the
//! case's assigned handler (for a reception, its receiving officer);
//! everyone else — other roles of the same office, the leaders of parent
//! offices — sees it redacted.

use chrono::NaiveDate;
use uuid::Uuid;

use vanphong_platform::identity::{Caller, Role};
use vanphong_platform::tree::OfficeTree;

/// Whether the caller may see the identity of people on a record of
/// `office` whose assigned person (handler, receiving officer) is
/// `assignee`.
pub fn may_see_identity(
    caller: &Caller,
    tree: &OfficeTree,
    today: NaiveDate,
    office: Uuid,
    assignee: Option<Uuid>,
) -> bool {
    caller.may_act(tree, office, today)
        && !caller.service_account
        && (caller.has_role(Role::Leader) || assignee == Some(caller.subject_id))
}

/// How a search by petitioner name is limited for this caller on `office`:
/// `Some(None)` every case (the office's leaders), `Some(Some(user))` only
/// the cases the caller handles, `None` not at all (other offices, parent
/// offices, service accounts).
pub fn name_search_scope(caller: &Caller, tree: &OfficeTree, today: NaiveDate, office: Uuid) -> Option<Option<Uuid>> {
    if !caller.may_act(tree, office, today) || caller.service_account {
        return None;
    }
    if caller.has_role(Role::Leader) {
        Some(None)
    } else {
        Some(Some(caller.subject_id))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use vanphong_platform::tree::OfficeEntry;
    use vanphong_platform::tree::{Numbering, OfficeKind, ParentLink};

    fn office(parent: Option<Uuid>) -> OfficeEntry {
        let from = NaiveDate::from_ymd_opt(2000, 1, 1).unwrap_or_default();
        OfficeEntry {
            id: Uuid::now_v7(),
            code: Uuid::now_v7().to_string(),
            name: "Đơn vị".into(),
            kind: OfficeKind::District,
            issuer_code: "HU".into(),
            numbering: Numbering::Party,
            established_on: from,
            dissolved_on: None,
            successor_id: None,
            split_into: Vec::new(),
            links: vec![ParentLink {
                parent_id: parent,
                from,
                to: None,
                reason: String::new(),
            }],
            created_at: Default::default(),
            updated_at: Default::default(),
        }
    }

    fn person(office: Uuid, role: Role) -> Caller {
        let mut c = Caller::system(office);
        c.subject_id = Uuid::now_v7();
        c.service_account = false;
        c.roles = [role].into_iter().collect();
        c
    }

    #[test]
    fn identity_is_for_the_handler_and_the_office_leaders() {
        let province = office(None);
        let district = office(Some(province.id));
        let sibling = office(Some(province.id));
        let (p, d, s) = (province.id, district.id, sibling.id);
        let tree = OfficeTree::new([province, district, sibling]);
        let today = NaiveDate::from_ymd_opt(2026, 3, 2).unwrap_or_default();
        let handler = person(d, Role::Specialist);
        let see = |c: &Caller| may_see_identity(c, &tree, today, d, Some(handler.subject_id));
        assert!(see(&handler));
        assert!(see(&person(d, Role::Leader)));
        for role in [
            Role::Clerk,
            Role::Specialist,
            Role::PetitionOfficer,
            Role::Inspector,
            Role::Admin,
        ] {
            assert!(!see(&person(d, role)), "{role:?} of the office");
        }
        assert!(
            !see(&person(p, Role::Leader)),
            "leaders above read the case, not the identity"
        );
        assert!(!see(&person(s, Role::Leader)));
        assert_eq!(name_search_scope(&person(d, Role::Leader), &tree, today, d), Some(None));
        assert_eq!(
            name_search_scope(&handler, &tree, today, d),
            Some(Some(handler.subject_id))
        );
        assert_eq!(name_search_scope(&person(p, Role::Leader), &tree, today, d), None);
    }
}
