//! An office's people and service accounts (`GET /admin?office_id=…`):
//! the people listed by the directory (searched without diacritics, paged),
//! each with their roles changed by ticking boxes and their account locked
//! or unlocked; a person added with a first password; the systems of other
//! offices that call the suite, added, given a secret (shown once), locked.
//! The service accounts are the directory's to show to admins only, so a
//! person who is not an admin of the office gets its refusal here.

use askama::Template;
use axum::extract::{Path, Query};
use axum::response::{Html, IntoResponse, Redirect, Response};
use serde::Deserialize;

use vanphong_proto::directory::v1::{
    CreateServiceAccountRequest, CreateUserRequest, IssueServiceAccountSecretRequest, ListServiceAccountsRequest,
    ListUsersRequest, Roles, ServiceAccount, UpdateServiceAccountRequest, UpdateUserRequest, User,
};

use super::{Placed, Tab, clearance, clearance_choices, office_choices, placed, role_choices, roles_of, tabs};
use crate::errors::ConsoleError;
use crate::format;
use crate::pages::choices::Choice;
use crate::pages::form::{FormData, Refused, shown_again};
use crate::pages::{Ctx, Layout, Me};

/// People listed on one page.
const PAGE: i32 = 50;

/// A person as listed, with the boxes of their roles.
struct PersonRow {
    id: String,
    full_name: String,
    username: String,
    roles: String,
    role_boxes: Vec<Choice>,
    clearance: &'static str,
    disabled: bool,
    /// Whether this row's form was the one refused.
    acted: bool,
}

/// A service account as listed.
struct AccountRow {
    id: String,
    name: String,
    client_id: String,
    roles: String,
    clearance: &'static str,
    disabled: bool,
    has_secret: bool,
}

/// A secret just issued, shown this once.
struct Secret {
    name: String,
    client_id: String,
    client_secret: String,
}

#[derive(Template)]
#[template(path = "admin_office.html")]
struct OfficePage {
    layout: Layout,
    tabs: Vec<Tab>,
    office_id: String,
    office_name: String,
    offices: Vec<Choice>,
    q: String,
    people: Vec<PersonRow>,
    next: Option<String>,
    first: Option<String>,
    accounts: Vec<AccountRow>,
    /// The new person's and the new account's role boxes and clearances.
    new_user_roles: Vec<Choice>,
    new_user_clearances: Vec<Choice>,
    new_account_roles: Vec<Choice>,
    new_account_clearances: Vec<Choice>,
    request_id: String,
    notice: Option<&'static str>,
    secret: Option<Secret>,
    /// The form refused (`create-user`, `create-account`, `user`,
    /// `account`), what was typed in it and the directory's words.
    refused: Refused,
}

fn notice(m: Option<&str>) -> Option<&'static str> {
    match m? {
        "user-created" => Some("Đã thêm người dùng."),
        "roles" => Some("Đã đổi vai trò; người đó cần đăng nhập lại."),
        "disabled" => Some("Đã khóa tài khoản; các phiên đăng nhập của người đó đã kết thúc."),
        "enabled" => Some("Đã mở khóa tài khoản."),
        "account-created" => Some("Đã thêm tài khoản hệ thống. Cấp mã bí mật để hệ thống đó đăng nhập."),
        "account-disabled" => Some("Đã khóa tài khoản hệ thống."),
        "account-enabled" => Some("Đã mở khóa tài khoản hệ thống."),
        _ => None,
    }
}

#[derive(Deserialize, Default)]
pub struct OfficeQuery {
    #[serde(default)]
    office_id: String,
    #[serde(default)]
    q: String,
    #[serde(default)]
    after: String,
    m: Option<String>,
}

/// What the page shows besides the lists: a notice, a secret, a refusal.
struct Extras {
    notice: Option<&'static str>,
    secret: Option<Secret>,
    refused: Refused,
    /// The person or account whose row's form was refused.
    acted_id: String,
}

impl Default for Extras {
    fn default() -> Self {
        Extras {
            notice: None,
            secret: None,
            refused: Refused::none(),
            acted_id: String::new(),
        }
    }
}

/// `GET /admin`: the office's people and service accounts (the person's
/// own office unless another is picked).
pub async fn page(ctx: Ctx, Query(query): Query<OfficeQuery>) -> Result<Html<String>, ConsoleError> {
    let me = ctx.me().await?;
    let extras = Extras {
        notice: notice(query.m.as_deref()),
        ..Default::default()
    };
    Ok(Html(office_page(&ctx, &me, &query, extras).await?.render()?))
}

async fn office_page(ctx: &Ctx, me: &Me, query: &OfficeQuery, extras: Extras) -> Result<OfficePage, ConsoleError> {
    let office_id = if query.office_id.is_empty() {
        me.principal.office_id.clone()
    } else {
        ConsoleError::check_id(&query.office_id)?;
        query.office_id.clone()
    };
    let users = ListUsersRequest {
        office_id: office_id.clone(),
        query: query.q.trim().to_string(),
        page_size: PAGE,
        page_token: query.after.clone(),
        ..Default::default()
    };
    let accounts = ListServiceAccountsRequest {
        office_id: office_id.clone(),
    };
    let (offices, users, accounts) = tokio::join!(
        placed(ctx, ""),
        async { ctx.services().users().list_users(ctx.call(users)).await },
        async {
            ctx.services()
                .service_accounts()
                .list_service_accounts(ctx.call(accounts))
                .await
        },
    );
    // The accounts are for the office's admins: anyone else gets the
    // directory's refusal as the page.
    let accounts = accounts?.into_inner().service_accounts;
    let users = users?.into_inner();
    let offices: Vec<Placed> = offices?;
    let office_name = offices
        .iter()
        .find(|o| o.id == office_id)
        .map(|o| o.name.clone())
        .ok_or(ConsoleError::NotFound)?;
    let refused = extras.refused;
    let row = |u: &User| {
        let acted = refused.is("user") && extras.acted_id == u.id;
        let current: Vec<String> = if acted {
            refused.kept_all("user", "roles")
        } else {
            u.roles.iter().map(|r| r.to_string()).collect()
        };
        PersonRow {
            id: u.id.clone(),
            full_name: u.full_name.clone(),
            username: u.username.clone(),
            roles: format::roles(&u.roles),
            role_boxes: role_choices(&current),
            clearance: clearance(u.clearance),
            disabled: u.disabled,
            acted,
        }
    };
    let base = format!(
        "/admin?office_id={}&q={}",
        format::url_encode(&office_id),
        format::url_encode(query.q.trim())
    );
    Ok(OfficePage {
        layout: me.layout(format!("Quản trị · {office_name}"), "/admin"),
        tabs: tabs("/admin"),
        offices: office_choices(&offices, std::slice::from_ref(&office_id), None),
        q: query.q.clone(),
        people: users.users.iter().map(row).collect(),
        next: (!users.next_page_token.is_empty())
            .then(|| format!("{base}&after={}", format::url_encode(&users.next_page_token))),
        first: (!query.after.is_empty()).then(|| base.clone()),
        accounts: accounts.iter().map(account_row).collect(),
        new_user_roles: role_choices(&refused.kept_all("create-user", "roles")),
        new_user_clearances: clearance_choices(&refused.kept("create-user", "clearance")),
        new_account_roles: role_choices(&refused.kept_all("create-account", "roles")),
        new_account_clearances: clearance_choices(&refused.kept("create-account", "clearance")),
        request_id: uuid::Uuid::new_v4().to_string(),
        notice: extras.notice,
        secret: extras.secret,
        refused,
        office_id,
        office_name,
    })
}

fn account_row(a: &ServiceAccount) -> AccountRow {
    AccountRow {
        id: a.id.clone(),
        name: a.name.clone(),
        client_id: a.client_id.clone(),
        roles: format::roles(&a.roles),
        clearance: clearance(a.clearance),
        disabled: a.disabled,
        has_secret: a.has_secret,
    }
}

/// The office's page again with the directory's refusal beside the form
/// `acted` (of the person or account `acted_id`), what was typed kept.
async fn refused(
    ctx: &Ctx,
    office_id: &str,
    acted: &str,
    acted_id: &str,
    form: FormData,
    status: tonic::Status,
) -> Result<Response, ConsoleError> {
    shown_again(ctx, status, async |me, refusal| {
        let query = OfficeQuery {
            office_id: office_id.to_string(),
            ..Default::default()
        };
        let extras = Extras {
            refused: Refused::new(acted, refusal, form),
            acted_id: acted_id.to_string(),
            ..Default::default()
        };
        office_page(ctx, me, &query, extras).await
    })
    .await
}

fn back(office_id: &str, done: &str) -> Response {
    Redirect::to(&format!("/admin?office_id={}&m={done}", format::url_encode(office_id))).into_response()
}

/// A number picked in a select (the clearance); what is not one goes as
/// 0 for the directory to judge.
fn picked(form: &FormData, field: &str) -> i32 {
    form.get(field).parse().unwrap_or(0)
}

/// `POST /admin/offices/{office_id}/users`: a new person of the office.
pub async fn create_user(ctx: Ctx, Path(office_id): Path<String>, form: FormData) -> Result<Response, ConsoleError> {
    ctx.session()?;
    ConsoleError::check_id(&office_id)?;
    let request = CreateUserRequest {
        request_id: form.get("request_id"),
        username: form.get("username"),
        full_name: form.get("full_name"),
        office_id: office_id.clone(),
        roles: roles_of(&form.all("roles")),
        clearance: picked(&form, "clearance"),
        password: form.get("password"),
    };
    match ctx.services().users().create_user(ctx.call(request)).await {
        Ok(_) => Ok(back(&office_id, "user-created")),
        Err(status) => {
            // The password is never sent back to the browser.
            let kept = FormData(form.0.into_iter().filter(|(k, _)| k != "password").collect());
            refused(&ctx, &office_id, "create-user", "", kept, status).await
        }
    }
}

/// `POST /admin/users/{id}/{action}`: `roles` (the boxes ticked),
/// `disable` or `enable`; back to the person's office.
pub async fn user_step(
    ctx: Ctx,
    Path((id, action)): Path<(String, String)>,
    form: FormData,
) -> Result<Response, ConsoleError> {
    ctx.session()?;
    ConsoleError::check_id(&id)?;
    let mut request = UpdateUserRequest {
        user_id: id.clone(),
        ..Default::default()
    };
    let done = match action.as_str() {
        "roles" => {
            request.roles = Some(Roles {
                roles: roles_of(&form.all("roles")),
            });
            "roles"
        }
        "disable" => {
            request.disabled = Some(true);
            "disabled"
        }
        "enable" => {
            request.disabled = Some(false);
            "enabled"
        }
        _ => return Err(ConsoleError::NotFound),
    };
    match ctx.services().users().update_user(ctx.call(request)).await {
        Ok(user) => Ok(back(&user.into_inner().office_id, done)),
        Err(status) => {
            let office_id = form.get("office_id");
            refused(&ctx, &office_id, "user", &id, form, status).await
        }
    }
}

/// `POST /admin/offices/{office_id}/accounts`: a new service account.
pub async fn create_account(ctx: Ctx, Path(office_id): Path<String>, form: FormData) -> Result<Response, ConsoleError> {
    ctx.session()?;
    ConsoleError::check_id(&office_id)?;
    let request = CreateServiceAccountRequest {
        request_id: form.get("request_id"),
        name: form.get("name"),
        office_id: office_id.clone(),
        roles: roles_of(&form.all("roles")),
        clearance: picked(&form, "clearance"),
    };
    match ctx
        .services()
        .service_accounts()
        .create_service_account(ctx.call(request))
        .await
    {
        Ok(_) => Ok(back(&office_id, "account-created")),
        Err(status) => refused(&ctx, &office_id, "create-account", "", form, status).await,
    }
}

/// `POST /admin/accounts/{id}/{action}`: `secret` (a new secret, shown on
/// the page this once, never in a URL), `disable` or `enable`.
pub async fn account_step(
    ctx: Ctx,
    Path((id, action)): Path<(String, String)>,
    form: FormData,
) -> Result<Response, ConsoleError> {
    ctx.session()?;
    ConsoleError::check_id(&id)?;
    let office_id = form.get("office_id");
    let mut client = ctx.services().service_accounts();
    if action == "secret" {
        let request = IssueServiceAccountSecretRequest {
            service_account_id: id.clone(),
        };
        let issued = match client.issue_service_account_secret(ctx.call(request)).await {
            Ok(issued) => issued.into_inner(),
            Err(status) => return refused(&ctx, &office_id, "account", &id, form, status).await,
        };
        let me = ctx.me().await?;
        let query = OfficeQuery {
            office_id: office_id.clone(),
            ..Default::default()
        };
        let extras = Extras {
            secret: Some(Secret {
                name: form.get("name"),
                client_id: issued.client_id,
                client_secret: issued.client_secret,
            }),
            ..Default::default()
        };
        let page = office_page(&ctx, &me, &query, extras).await?;
        let mut response = Html(page.render()?).into_response();
        response
            .headers_mut()
            .insert(http::header::CACHE_CONTROL, http::HeaderValue::from_static("no-store"));
        return Ok(response);
    }
    let (disabled, done) = match action.as_str() {
        "disable" => (true, "account-disabled"),
        "enable" => (false, "account-enabled"),
        _ => return Err(ConsoleError::NotFound),
    };
    let request = UpdateServiceAccountRequest {
        service_account_id: id.clone(),
        disabled: Some(disabled),
        ..Default::default()
    };
    match client.update_service_account(ctx.call(request)).await {
        Ok(account) => Ok(back(&account.into_inner().office_id, done)),
        Err(status) => refused(&ctx, &office_id, "account", &id, form, status).await,
    }
}
