//! `ServiceAccountService`: credentials for other offices' systems.

use std::sync::Arc;

use tonic::Request;
use uuid::Uuid;

use vanphong_platform::db::Tx;
use vanphong_platform::idempotency::IdempotencyKey;
use vanphong_platform::identity::Caller;
use vanphong_platform::validate::Checker;
use vanphong_platform::{Error, ids};
use vanphong_proto::directory::v1::service_account_service_server::ServiceAccountService;
use vanphong_proto::directory::v1::{
    CreateServiceAccountRequest, IssueServiceAccountSecretRequest, IssueServiceAccountSecretResponse,
    ListServiceAccountsRequest, ListServiceAccountsResponse, ServiceAccount as WireAccount,
    UpdateServiceAccountRequest,
};

use super::audited::record_change;
use super::convert::account_to_wire;
use super::roles::{check_clearance, check_roles, ensure_may_grant};
use crate::directory::Directory;
use crate::directory::domain::password::random_secret;
use crate::directory::domain::user::{MAX_NAME, ServiceAccount};
use crate::directory::store;

pub struct ServiceAccountApi {
    dir: Arc<Directory>,
}

impl ServiceAccountApi {
    pub fn new(dir: Arc<Directory>) -> Self {
        Self { dir }
    }

    fn ensure_administer(&self, caller: &Caller, office: Uuid) -> Result<(), Error> {
        let snapshot = self.dir.view().current();
        if snapshot.tree.get(office).is_none() {
            return Err(Error::NotFound(format!("Không tìm thấy đơn vị {office}")));
        }
        caller.ensure_administer(&snapshot.tree, office, self.dir.today())
    }
}

async fn load(tx: &mut Tx, id: Uuid) -> Result<ServiceAccount, Error> {
    store::service_accounts::get(tx, id)
        .await?
        .map(|(account, _)| account)
        .ok_or_else(|| Error::NotFound(format!("Không tìm thấy tài khoản hệ thống {id}")))
}

impl ServiceAccountApi {
    async fn create(&self, request: Request<CreateServiceAccountRequest>) -> Result<WireAccount, Error> {
        let caller = Caller::of(&request)?;
        let req = request.into_inner();
        let mut c = Checker::new();
        let request_id = c.request_id(&req.request_id);
        let name = c.text("name", &req.name, MAX_NAME);
        let office_id = c.id("office_id", &req.office_id);
        let roles = check_roles(&mut c, "roles", &req.roles);
        let clearance = check_clearance(&mut c, "clearance", req.clearance);
        c.finish()?;
        self.ensure_administer(&caller, office_id)?;
        ensure_may_grant(&caller, clearance)?;
        let office_code = self
            .dir
            .view()
            .current()
            .tree
            .get(office_id)
            .map(|o| o.code.to_lowercase())
            .unwrap_or_default();

        let now = self.dir.clock.now();
        let key = IdempotencyKey::new(&caller, "CreateServiceAccount", request_id.as_deref(), &req);
        let mut tx = self.dir.db.begin_write().await?;
        vanphong_platform::replay_or_claim!(key, tx, now);
        let id = ids::new_id();
        let account = ServiceAccount {
            id,
            client_id: format!("sa-{office_code}-{}", &id.simple().to_string()[20..]),
            name,
            office_id,
            roles,
            clearance,
            disabled: false,
            has_secret: false,
            created_at: now,
            updated_at: now,
        };
        store::service_accounts::insert(&mut tx, &account).await?;
        record_change(&mut tx, &caller, now, None, &account, "create").await?;
        let response = account_to_wire(&account);
        vanphong_platform::remember!(key, tx, response);
        tx.commit().await?;
        Ok(response)
    }

    async fn issue_secret(
        &self,
        request: Request<IssueServiceAccountSecretRequest>,
    ) -> Result<IssueServiceAccountSecretResponse, Error> {
        let caller = Caller::of(&request)?;
        let req = request.into_inner();
        let mut c = Checker::new();
        let id = c.id("service_account_id", &req.service_account_id);
        c.finish()?;
        let mut tx = self.dir.db.begin_read().await?;
        let before = load(&mut tx, id).await?;
        tx.commit().await?;
        self.ensure_administer(&caller, before.office_id)?;
        let secret = random_secret(32)?;
        let hash = self.dir.passwords.hash(secret.clone()).await?;

        let now = self.dir.clock.now();
        let mut tx = self.dir.db.begin_write().await?;
        let mut after = load(&mut tx, id).await?;
        after.has_secret = true;
        after.updated_at = now;
        store::service_accounts::set_secret(&mut tx, &after, &hash).await?;
        if store::sessions::revoke_all_of(&mut tx, id, now).await? > 0 {
            store::bump_version(&mut tx).await?;
        }
        record_change(&mut tx, &caller, now, Some(&before), &after, "issue_secret").await?;
        tx.commit().await?;
        self.dir.reload().await?;
        Ok(IssueServiceAccountSecretResponse {
            client_id: after.client_id,
            client_secret: secret,
        })
    }

    async fn list(&self, request: Request<ListServiceAccountsRequest>) -> Result<ListServiceAccountsResponse, Error> {
        let caller = Caller::of(&request)?;
        let req = request.into_inner();
        let mut c = Checker::new();
        let office = c.optional_id("office_id", &req.office_id).unwrap_or(caller.office_id);
        c.finish()?;
        self.ensure_administer(&caller, office)?;
        let mut tx = self.dir.db.begin_read().await?;
        let accounts = store::service_accounts::list(&mut tx, office).await?;
        tx.commit().await?;
        Ok(ListServiceAccountsResponse {
            service_accounts: accounts.iter().map(account_to_wire).collect(),
        })
    }

    async fn update(&self, request: Request<UpdateServiceAccountRequest>) -> Result<WireAccount, Error> {
        let caller = Caller::of(&request)?;
        let req = request.into_inner();
        let mut c = Checker::new();
        let id = c.id("service_account_id", &req.service_account_id);
        let name = req.name.as_deref().map(|n| c.text("name", n, MAX_NAME));
        let roles = req.roles.as_ref().map(|r| check_roles(&mut c, "roles.roles", &r.roles));
        if name.is_none() && roles.is_none() && req.disabled.is_none() {
            c.violation(
                "name",
                "REQUIRED",
                "Phải nêu ít nhất một thông tin cần thay đổi (name, roles, disabled)",
            );
        }
        c.finish()?;
        let now = self.dir.clock.now();
        let mut tx = self.dir.db.begin_write().await?;
        let before = load(&mut tx, id).await?;
        self.ensure_administer(&caller, before.office_id)?;
        let mut after = before.clone();
        if let Some(name) = name {
            after.name = name;
        }
        if let Some(roles) = roles {
            after.roles = roles;
        }
        if let Some(disabled) = req.disabled {
            after.disabled = disabled;
        }
        after.updated_at = now;
        store::service_accounts::update(&mut tx, &after).await?;
        let revoke = (after.disabled && !before.disabled) || after.roles != before.roles;
        if revoke && store::sessions::revoke_all_of(&mut tx, id, now).await? > 0 {
            store::bump_version(&mut tx).await?;
        }
        record_change(&mut tx, &caller, now, Some(&before), &after, "update").await?;
        tx.commit().await?;
        self.dir.reload().await?;
        Ok(account_to_wire(&after))
    }
}

vanphong_platform::grpc_delegate! {
    impl ServiceAccountService for ServiceAccountApi {
        create_service_account(CreateServiceAccountRequest) -> WireAccount = Self::create;
        issue_service_account_secret(IssueServiceAccountSecretRequest) -> IssueServiceAccountSecretResponse = Self::issue_secret;
        list_service_accounts(ListServiceAccountsRequest) -> ListServiceAccountsResponse = Self::list;
        update_service_account(UpdateServiceAccountRequest) -> WireAccount = Self::update;
    }
}
