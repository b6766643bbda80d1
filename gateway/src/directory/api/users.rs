//! `UserService`: the people of each office.

use std::sync::Arc;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use tonic::{Request, Response, Status};
use uuid::Uuid;

use vanphong_platform::audit::{self, Change};
use vanphong_platform::db::Tx;
use vanphong_platform::idempotency::IdempotencyKey;
use vanphong_platform::identity::{Caller, Role};
use vanphong_platform::text::fold;
use vanphong_platform::validate::Checker;
use vanphong_platform::{Error, ids};
use vanphong_proto::directory::v1::user_service_server::UserService;
use vanphong_proto::directory::v1::{
    CreateUserRequest, GetUserRequest, ListPeopleRequest, ListPeopleResponse, ListUsersRequest, ListUsersResponse,
    SetPasswordRequest, SetPasswordResponse, UpdateUserRequest, User as WireUser,
};

use super::audited::record_change;
use super::convert::user_to_wire;
use super::people;
use super::roles::{check_clearance, check_roles, ensure_may_grant};
use crate::directory::Directory;
use crate::directory::domain::password::check_new_password;
use crate::directory::domain::user::{MAX_NAME, User, check_username};
use crate::directory::store;

pub struct UserApi {
    dir: Arc<Directory>,
}

impl UserApi {
    pub fn new(dir: Arc<Directory>) -> Self {
        Self { dir }
    }
}

/// Whether the caller may see the people of `office`: its own, or below it
/// for leaders and admins.
fn may_see_people(dir: &Directory, caller: &Caller, office: Uuid) -> bool {
    people::may_see_people(&dir.view().current(), caller, office, dir.today())
}

async fn load_user(tx: &mut Tx, id: Uuid) -> Result<User, Error> {
    store::users::get(tx, id)
        .await?
        .map(|(user, _)| user)
        .ok_or_else(|| Error::NotFound(format!("Không tìm thấy người dùng {id}")))
}

impl UserApi {
    async fn create(&self, request: Request<CreateUserRequest>) -> Result<WireUser, Error> {
        let caller = Caller::of(&request)?;
        let req = request.into_inner();
        let today = self.dir.today();
        let mut c = Checker::new();
        let request_id = c.request_id(&req.request_id);
        let username = check_username(&mut c, "username", &req.username);
        let full_name = c.text("full_name", &req.full_name, MAX_NAME);
        let office_id = c.id("office_id", &req.office_id);
        let roles = check_roles(&mut c, "roles", &req.roles);
        let clearance = check_clearance(&mut c, "clearance", req.clearance);
        check_new_password(&mut c, "password", &req.password, &username);
        c.finish()?;

        {
            let snapshot = self.dir.view().current();
            let office = snapshot
                .tree
                .get(office_id)
                .ok_or_else(|| Error::NotFound(format!("Không tìm thấy đơn vị {office_id}")))?;
            caller.ensure_administer(&snapshot.tree, office_id, today)?;
            if !office.exists_on(today) {
                return Err(Error::FailedPrecondition(format!(
                    "Đơn vị «{}» không còn hoạt động",
                    office.name
                )));
            }
        }
        ensure_may_grant(&caller, clearance)?;
        let hash = self.dir.passwords.hash(req.password.clone()).await?;

        let now = self.dir.clock.now();
        let key = IdempotencyKey::new(&caller, "CreateUser", request_id.as_deref(), &req);
        let mut tx = self.dir.db.begin_write().await?;
        vanphong_platform::replay_or_claim!(key, tx, now);
        if store::users::by_username(&mut tx, &username).await?.is_some() {
            return Err(Error::AlreadyExists(format!("Tên đăng nhập «{username}» đã được dùng")));
        }
        let user = User {
            id: ids::new_id(),
            office_id,
            username,
            full_name,
            roles,
            clearance,
            disabled: false,
            created_at: now,
            updated_at: now,
        };
        store::users::insert(&mut tx, &user, &hash).await?;
        // Every server shows the new person's name: the snapshot changes.
        store::bump_version(&mut tx).await?;
        record_change(&mut tx, &caller, now, None, &user, "create").await?;
        let response = user_to_wire(&user);
        vanphong_platform::remember!(key, tx, response);
        tx.commit().await?;
        self.dir.reload().await?;
        Ok(response)
    }

    async fn get(&self, request: Request<GetUserRequest>) -> Result<WireUser, Error> {
        let caller = Caller::of(&request)?;
        let req = request.into_inner();
        let mut c = Checker::new();
        let id = c.id("user_id", &req.user_id);
        c.finish()?;
        let mut tx = self.dir.db.begin_read().await?;
        let user = load_user(&mut tx, id).await?;
        tx.commit().await?;
        if user.id != caller.subject_id && !may_see_people(&self.dir, &caller, user.office_id) {
            return Err(Error::PermissionDenied(
                "Bạn không có quyền xem người dùng của đơn vị này".into(),
            ));
        }
        Ok(user_to_wire(&user))
    }

    async fn list(&self, request: Request<ListUsersRequest>) -> Result<ListUsersResponse, Error> {
        let caller = Caller::of(&request)?;
        let req = request.into_inner();
        let mut c = Checker::new();
        let office = c.optional_id("office_id", &req.office_id).unwrap_or(caller.office_id);
        let query = c.optional_text("query", &req.query, 200).map(|q| fold(&q));
        let page_size = c.page_size("page_size", req.page_size, 50, 500);
        let after = if req.page_token.is_empty() {
            None
        } else {
            match URL_SAFE_NO_PAD
                .decode(&req.page_token)
                .ok()
                .and_then(|b| String::from_utf8(b).ok())
            {
                Some(after) => Some(after),
                None => {
                    c.violation("page_token", "INVALID_FORMAT", "Mã trang không hợp lệ");
                    None
                }
            }
        };
        c.finish()?;

        let offices = people::visible_offices(
            &self.dir.view().current(),
            &caller,
            office,
            req.include_descendants,
            self.dir.today(),
        )?;
        let mut tx = self.dir.db.begin_read().await?;
        let mut users =
            store::users::list(&mut tx, &offices, query.as_deref(), after.as_deref(), page_size + 1).await?;
        tx.commit().await?;
        let next_page_token = if users.len() > page_size as usize {
            users.truncate(page_size as usize);
            users
                .last()
                .map(|u| URL_SAFE_NO_PAD.encode(u.username.as_bytes()))
                .unwrap_or_default()
        } else {
            String::new()
        };
        Ok(ListUsersResponse {
            users: users.iter().map(user_to_wire).collect(),
            next_page_token,
        })
    }

    async fn update(&self, request: Request<UpdateUserRequest>) -> Result<WireUser, Error> {
        let caller = Caller::of(&request)?;
        let req = request.into_inner();
        let mut c = Checker::new();
        let id = c.id("user_id", &req.user_id);
        let full_name = req.full_name.as_deref().map(|n| c.text("full_name", n, MAX_NAME));
        let roles = req.roles.as_ref().map(|r| check_roles(&mut c, "roles.roles", &r.roles));
        let clearance = req.clearance.map(|v| check_clearance(&mut c, "clearance", v));
        if full_name.is_none() && roles.is_none() && clearance.is_none() && req.disabled.is_none() {
            c.violation(
                "full_name",
                "REQUIRED",
                "Phải nêu ít nhất một thông tin cần thay đổi (full_name, roles, clearance, disabled)",
            );
        }
        c.finish()?;

        let now = self.dir.clock.now();
        let mut tx = self.dir.db.begin_write().await?;
        let before = load_user(&mut tx, id).await?;
        caller.ensure_administer(&self.dir.view().current().tree, before.office_id, self.dir.today())?;
        if let Some(clearance) = clearance {
            ensure_may_grant(&caller, clearance)?;
        }
        if before.id == caller.subject_id {
            if req.disabled == Some(true) {
                return Err(Error::FailedPrecondition(
                    "Không thể tự khóa tài khoản của chính mình".into(),
                ));
            }
            if roles.as_ref().is_some_and(|r| !r.contains(Role::Admin)) {
                return Err(Error::FailedPrecondition(
                    "Không thể tự bỏ vai trò quản trị của chính mình".into(),
                ));
            }
        }
        let mut after = before.clone();
        if let Some(name) = full_name {
            after.full_name = name;
        }
        if let Some(roles) = roles {
            after.roles = roles;
        }
        if let Some(clearance) = clearance {
            after.clearance = clearance;
        }
        if let Some(disabled) = req.disabled {
            after.disabled = disabled;
        }
        after.updated_at = now;
        store::users::update(&mut tx, &after).await?;
        let revoke =
            (after.disabled && !before.disabled) || after.roles != before.roles || after.clearance < before.clearance;
        if revoke {
            store::sessions::revoke_all_of(&mut tx, after.id, now).await?;
        }
        // Names, roles and the disabled flag are in the snapshot.
        store::bump_version(&mut tx).await?;
        record_change(&mut tx, &caller, now, Some(&before), &after, "update").await?;
        tx.commit().await?;
        self.dir.reload().await?;
        Ok(user_to_wire(&after))
    }

    async fn change_password(&self, request: Request<SetPasswordRequest>) -> Result<SetPasswordResponse, Error> {
        let caller = Caller::of(&request)?;
        let req = request.into_inner();
        let mut c = Checker::new();
        let id = c.id("user_id", &req.user_id);
        c.finish()?;

        let mut tx = self.dir.db.begin_read().await?;
        let (user, current_hash) = store::users::get(&mut tx, id)
            .await?
            .ok_or_else(|| Error::NotFound(format!("Không tìm thấy người dùng {id}")))?;
        tx.commit().await?;
        let own = user.id == caller.subject_id;
        if !own {
            caller.ensure_administer(&self.dir.view().current().tree, user.office_id, self.dir.today())?;
        }
        let mut c = Checker::new();
        check_new_password(&mut c, "new_password", &req.new_password, &user.username);
        if own && req.current_password.is_empty() {
            c.violation("current_password", "REQUIRED", "Phải nhập mật khẩu hiện tại");
        }
        c.finish()?;
        if own
            && !self
                .dir
                .passwords
                .verify(req.current_password.clone(), Some(current_hash))
                .await
        {
            return Err(Error::invalid(
                "current_password",
                "WRONG",
                "Mật khẩu hiện tại không đúng",
            ));
        }
        let hash = self.dir.passwords.hash(req.new_password.clone()).await?;

        let now = self.dir.clock.now();
        let mut tx = self.dir.db.begin_write().await?;
        store::users::set_password(&mut tx, user.id, &hash, now).await?;
        let revoked = store::sessions::revoke_all_of(&mut tx, user.id, now).await?;
        if revoked > 0 {
            store::bump_version(&mut tx).await?;
        }
        audit::record(
            &mut tx,
            &caller,
            now,
            Change {
                office_id: user.office_id,
                entity: "user",
                entity_id: user.id.to_string(),
                action: "set_password",
                before: None,
                after: Some(serde_json::json!({ "password_changed": true, "sessions_revoked": revoked })),
            },
        )
        .await?;
        tx.commit().await?;
        self.dir.reload().await?;
        Ok(SetPasswordResponse {})
    }
}

#[tonic::async_trait]
impl UserService for UserApi {
    async fn create_user(&self, request: Request<CreateUserRequest>) -> Result<Response<WireUser>, Status> {
        Ok(Response::new(self.create(request).await?))
    }

    async fn get_user(&self, request: Request<GetUserRequest>) -> Result<Response<WireUser>, Status> {
        Ok(Response::new(self.get(request).await?))
    }

    async fn list_users(&self, request: Request<ListUsersRequest>) -> Result<Response<ListUsersResponse>, Status> {
        Ok(Response::new(self.list(request).await?))
    }

    async fn update_user(&self, request: Request<UpdateUserRequest>) -> Result<Response<WireUser>, Status> {
        Ok(Response::new(self.update(request).await?))
    }

    async fn list_people(&self, request: Request<ListPeopleRequest>) -> Result<Response<ListPeopleResponse>, Status> {
        let caller = Caller::of(&request).map_err(Status::from)?;
        let answer = people::list(&self.dir.view().current(), &caller, self.dir.today(), request.get_ref())?;
        Ok(Response::new(answer))
    }

    async fn set_password(
        &self,
        request: Request<SetPasswordRequest>,
    ) -> Result<Response<SetPasswordResponse>, Status> {
        Ok(Response::new(self.change_password(request).await?))
    }
}
