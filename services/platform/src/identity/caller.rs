//! The verified identity of a request, and what it may do to whose data.
//!
//! Tenancy rules (docs/domain.md §1): people work on their own office's data;
//! leaders of a parent office may read (never change) the data of every
//! office below it; admins manage their own office and those below; sibling
//! offices never see each other. Records of a dissolved office belong to
//! its successor.

use chrono::{DateTime, NaiveDate, Utc};
use uuid::Uuid;

use super::role::{Clearance, Role, RoleSet};
use super::token::Claims;
use crate::Error;
use crate::clock::from_micros;
use crate::tree::OfficeTree;

/// Who is calling, from a verified token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Caller {
    /// The user's or service account's id.
    pub subject_id: Uuid,
    /// Username, or client id for a service account.
    pub name: String,
    pub service_account: bool,
    pub office_id: Uuid,
    pub roles: RoleSet,
    pub clearance: Clearance,
    pub session_id: Uuid,
    pub expires_at: DateTime<Utc>,
}

impl Caller {
    pub fn from_claims(claims: Claims) -> Self {
        Caller {
            subject_id: claims.sub,
            name: claims.name,
            service_account: claims.svc,
            office_id: claims.office,
            roles: claims.roles.into_iter().collect(),
            clearance: claims.clr,
            session_id: claims.sid,
            expires_at: from_micros(claims.exp.saturating_mul(1_000_000)),
        }
    }

    /// The suite itself, for work done at start-up (bootstrap, demo data).
    pub fn system(office_id: Uuid) -> Self {
        Caller {
            subject_id: Uuid::nil(),
            name: "system".into(),
            service_account: true,
            office_id,
            roles: Role::ALL.into_iter().collect(),
            clearance: Clearance::TopSecret,
            session_id: Uuid::nil(),
            expires_at: DateTime::<Utc>::MAX_UTC,
        }
    }

    /// The caller of a gRPC request, put there by the auth layer.
    pub fn of<T>(request: &tonic::Request<T>) -> Result<Caller, Error> {
        request
            .extensions()
            .get::<Caller>()
            .cloned()
            .ok_or_else(|| Error::Unauthenticated("Vui lòng đăng nhập (thiếu mã truy cập)".into()))
    }

    /// The caller and the message of a gRPC request: who asks and what,
    /// the two things every handler starts from.
    pub fn split<T>(request: tonic::Request<T>) -> Result<(Caller, T), Error> {
        let caller = Caller::of(&request)?;
        Ok((caller, request.into_inner()))
    }

    pub fn has_role(&self, role: Role) -> bool {
        self.roles.contains(role)
    }

    /// Refuses unless the caller holds at least one of `roles`.
    pub fn require_any_role(&self, roles: &[Role]) -> Result<(), Error> {
        if roles.iter().any(|r| self.has_role(*r)) {
            return Ok(());
        }
        let names: Vec<&str> = roles.iter().map(|r| r.label()).collect();
        Err(Error::PermissionDenied(format!(
            "Chức năng này dành cho vai trò: {}",
            names.join(", ")
        )))
    }

    /// Own office (or an office it succeeded), or, for leaders, any office
    /// below theirs on the date.
    pub fn may_read(&self, tree: &OfficeTree, office: Uuid, on: NaiveDate) -> bool {
        let holder = tree.holder_on(office, on);
        holder == self.office_id || (self.has_role(Role::Leader) && tree.is_ancestor_on(self.office_id, holder, on))
    }

    /// For figures of a period that ended on `period_end`: the office may be
    /// read now, or could be when the period ended. Each period follows its
    /// own tree, so a leader keeps the figures of an office that was below
    /// theirs then, even after it was moved elsewhere.
    pub fn may_read_period(&self, tree: &OfficeTree, office: Uuid, period_end: NaiveDate, today: NaiveDate) -> bool {
        self.may_read(tree, office, today) || self.may_read(tree, office, period_end)
    }

    /// [`Caller::may_read_period`] for an office whose figures are rolled up
    /// into a parent's, or PERMISSION_DENIED saying so.
    pub fn ensure_read_period(
        &self,
        tree: &OfficeTree,
        office: Uuid,
        period_end: NaiveDate,
        today: NaiveDate,
    ) -> Result<(), Error> {
        permit(
            self.may_read_period(tree, office, period_end, today),
            "Chỉ lãnh đạo đơn vị mới xem được số liệu tổng hợp của các đơn vị cấp dưới",
        )
    }

    /// Only the caller's own office (or an office it succeeded).
    pub fn may_act(&self, tree: &OfficeTree, office: Uuid, on: NaiveDate) -> bool {
        tree.holder_on(office, on) == self.office_id
    }

    /// Admins of the office or of an office above it.
    pub fn may_administer(&self, tree: &OfficeTree, office: Uuid, on: NaiveDate) -> bool {
        self.has_role(Role::Admin) && (office == self.office_id || tree.is_ancestor_on(self.office_id, office, on))
    }

    pub fn ensure_read(&self, tree: &OfficeTree, office: Uuid, on: NaiveDate) -> Result<(), Error> {
        permit(
            self.may_read(tree, office, on),
            "Bạn không có quyền xem dữ liệu của đơn vị này",
        )
    }

    pub fn ensure_act(&self, tree: &OfficeTree, office: Uuid, on: NaiveDate) -> Result<(), Error> {
        if self.may_act(tree, office, on) {
            Ok(())
        } else if self.may_read(tree, office, on) {
            Err(Error::PermissionDenied(
                "Lãnh đạo cấp trên chỉ được xem, không được thay đổi dữ liệu của đơn vị cấp dưới".into(),
            ))
        } else {
            Err(Error::PermissionDenied(
                "Bạn chỉ được thao tác trên dữ liệu của đơn vị mình".into(),
            ))
        }
    }

    /// Whether the caller administers the top office of the tree on `on`:
    /// who may change what every office shares (catalogues, rules).
    pub fn is_root_admin(&self, tree: &OfficeTree, on: NaiveDate) -> bool {
        self.has_role(Role::Admin) && tree.parent_on(self.office_id, on).is_none()
    }

    /// Refuses (`PERMISSION_DENIED` with `refusal`, what people read)
    /// unless the caller [administers the top office](Caller::is_root_admin).
    pub fn ensure_root_admin(&self, tree: &OfficeTree, on: NaiveDate, refusal: &str) -> Result<(), Error> {
        permit(self.is_root_admin(tree, on), refusal)
    }

    pub fn ensure_administer(&self, tree: &OfficeTree, office: Uuid, on: NaiveDate) -> Result<(), Error> {
        permit(
            self.may_administer(tree, office, on),
            "Chỉ quản trị của đơn vị này hoặc của đơn vị cấp trên mới được thực hiện",
        )
    }
}

/// `Ok` when the caller is `allowed`, or PERMISSION_DENIED saying `refusal`
/// (what people read): how every `ensure_*` answers.
fn permit(allowed: bool, refusal: &str) -> Result<(), Error> {
    if allowed {
        Ok(())
    } else {
        Err(Error::PermissionDenied(refusal.into()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tree::tests::{date, office};

    fn caller(office_id: Uuid, roles: &[Role]) -> Caller {
        let mut c = Caller::system(office_id);
        c.roles = roles.iter().copied().collect();
        c
    }

    #[test]
    fn tenancy_rules() {
        let province = office("TU", &[(None, "2000-01-01", None)]);
        let d1 = office("HU1", &[(Some(province.id), "2000-01-01", None)]);
        let d2 = office("HU2", &[(Some(province.id), "2000-01-01", None)]);
        let (p, d1, d2) = (province.id, d1.clone(), d2.clone());
        let tree = OfficeTree::new([province, d1.clone(), d2.clone()]);
        let on = date("2026-01-01");

        let province_leader = caller(p, &[Role::Leader]);
        assert!(province_leader.may_read(&tree, d1.id, on));
        assert!(!province_leader.may_act(&tree, d1.id, on));
        assert!(province_leader.ensure_act(&tree, d1.id, on).is_err());

        let province_clerk = caller(p, &[Role::Clerk]);
        assert!(!province_clerk.may_read(&tree, d1.id, on));

        let district_admin = caller(d1.id, &[Role::Admin]);
        assert!(district_admin.may_administer(&tree, d1.id, on));
        assert!(!district_admin.may_administer(&tree, d2.id, on));
        assert!(!district_admin.may_read(&tree, d2.id, on));
        assert!(!district_admin.may_administer(&tree, p, on));

        let district_leader = caller(d1.id, &[Role::Leader]);
        assert!(
            !district_leader.may_read(&tree, d2.id, on),
            "siblings never see each other"
        );
        assert!(!district_leader.may_read(&tree, p, on), "children do not read parents");
    }
}
