//! The first office and admin of an empty directory.

use chrono::NaiveDate;
use uuid::Uuid;

use vanphong_platform::identity::{Caller, Clearance, Role};
use vanphong_platform::tree::{Numbering, OfficeEntry, OfficeKind, OfficeTree, ParentLink};
use vanphong_platform::validate::Checker;
use vanphong_platform::{Error, ids};

use super::Directory;
use super::api::audited::record_change;
use super::domain::password::check_new_password;
use super::domain::user::User;
use super::store;

/// The office at the top of the deployment's tree.
#[derive(Debug, Clone)]
pub struct RootOffice {
    pub code: String,
    pub name: String,
    pub kind: OfficeKind,
    pub issuer_code: String,
    pub numbering: Numbering,
    pub established_on: NaiveDate,
}

/// Its first administrator.
#[derive(Debug, Clone)]
pub struct FirstAdmin {
    pub username: String,
    pub full_name: String,
    pub password: String,
}

/// What bootstrapping created.
#[derive(Debug, Clone, Copy)]
pub struct Bootstrapped {
    pub office_id: Uuid,
    pub admin_id: Uuid,
}

/// Creates the root office and its first admin (cleared for every secrecy
/// level, so they can grant any clearance) when the directory has no office
/// yet; `None` when it already has one.
pub async fn bootstrap(dir: &Directory, root: RootOffice, admin: FirstAdmin) -> Result<Option<Bootstrapped>, Error> {
    if !dir.view().current().tree.is_empty() {
        return Ok(None);
    }
    let mut checker = Checker::new();
    check_new_password(&mut checker, "admin_password", &admin.password, &admin.username);
    checker.finish()?;
    let hash = dir.passwords.hash(admin.password.clone()).await?;
    let now = dir.clock.now();

    let mut tx = dir.db.begin_write().await?;
    store::lock_structure(&mut tx).await?;
    if !OfficeTree::new(store::offices::load_all(&mut tx).await?).is_empty() {
        return Ok(None);
    }
    let office = OfficeEntry {
        id: ids::new_id(),
        code: root.code,
        name: root.name,
        kind: root.kind,
        issuer_code: root.issuer_code,
        numbering: root.numbering,
        established_on: root.established_on,
        dissolved_on: None,
        successor_id: None,
        split_into: Vec::new(),
        links: vec![ParentLink {
            parent_id: None,
            from: root.established_on,
            to: None,
            reason: "Khởi tạo hệ thống".into(),
        }],
        created_at: now,
        updated_at: now,
    };
    let user = User {
        id: ids::new_id(),
        office_id: office.id,
        username: admin.username,
        full_name: admin.full_name,
        roles: [Role::Admin].into_iter().collect(),
        clearance: Clearance::TopSecret,
        disabled: false,
        created_at: now,
        updated_at: now,
    };
    store::offices::insert(&mut tx, &office).await?;
    store::users::insert(&mut tx, &user, &hash).await?;
    store::bump_version(&mut tx).await?;
    let system = Caller::system(office.id);
    record_change::<OfficeEntry>(&mut tx, &system, now, None, &office, "create").await?;
    record_change::<User>(&mut tx, &system, now, None, &user, "create").await?;
    tx.commit().await?;
    dir.reload().await?;
    Ok(Some(Bootstrapped {
        office_id: office.id,
        admin_id: user.id,
    }))
}
