//! People of an office, from the directory's `ListUsers`: names beside ids
//! on a document's page, and the pickers that choose a leader or a
//! handler by name (searchable without diacritics, the directory folds the
//! words), never by an id typed by hand.

use askama::Template;
use axum::extract::Query;
use axum::response::Html;
use serde::Deserialize;

use vanphong_proto::directory::v1::{ListUsersRequest, Role, User};

use super::Ctx;
use crate::errors::ConsoleError;
use crate::format;

/// Most people listed for one office.
const PAGE: i32 = 500;

/// A person as a picker offers them.
#[derive(Clone)]
pub struct Person {
    pub id: String,
    pub full_name: String,
    /// Roles, in Vietnamese.
    pub roles: String,
    pub selected: bool,
}

/// The office's people (enabled accounts), optionally narrowed by words;
/// none when the caller may not see them.
pub async fn of_office(ctx: &Ctx, office_id: &str, query: &str) -> Result<Vec<User>, ConsoleError> {
    let request = ListUsersRequest {
        office_id: office_id.to_string(),
        query: query.trim().to_string(),
        page_size: PAGE,
        ..Default::default()
    };
    match ctx.services().users().list_users(ctx.call(request)).await {
        Ok(answer) => Ok(answer.into_inner().users.into_iter().filter(|u| !u.disabled).collect()),
        Err(status) if status.code() == tonic::Code::PermissionDenied => Ok(Vec::new()),
        Err(status) => Err(status.into()),
    }
}

/// The name of a person among `people`, or the id when not among them.
pub fn name_of(people: &[User], id: &str) -> String {
    if id.is_empty() {
        return String::new();
    }
    people
        .iter()
        .find(|u| u.id == id)
        .map(|u| u.full_name.clone())
        .unwrap_or_else(|| id.to_string())
}

/// Who took a step, for a record's history: the person's full name when
/// the reader may see the people of `office_id` (or is of the same office
/// as the actor), else the name the step carries.
pub async fn actor_names(ctx: &Ctx, office_id: &str, my_office_id: &str) -> Result<Vec<User>, ConsoleError> {
    let mut people = of_office(ctx, office_id, "").await?;
    if my_office_id != office_id {
        people.extend(of_office(ctx, my_office_id, "").await?);
    }
    Ok(people)
}

/// The full name of `actor_id` among `people`, else `fallback`.
pub fn actor(people: &[User], actor_id: &str, fallback: &str) -> String {
    people
        .iter()
        .find(|u| u.id == actor_id)
        .map(|u| u.full_name.clone())
        .unwrap_or_else(|| fallback.to_string())
}

/// The people a picker offers: those with `role` first (all of them when
/// `role` is none), then the rest when `everyone`.
pub fn choices(people: &[User], role: Option<Role>, everyone: bool, selected: &[String]) -> Vec<Person> {
    let has = |u: &User| role.is_none_or(|r| u.roles.contains(&(r as i32)));
    let person = |u: &User| Person {
        id: u.id.clone(),
        full_name: u.full_name.clone(),
        roles: format::roles(&u.roles),
        selected: selected.contains(&u.id),
    };
    let mut out: Vec<Person> = people.iter().filter(|u| has(u)).map(person).collect();
    if everyone {
        out.extend(people.iter().filter(|u| !has(u)).map(person));
    }
    out
}

/// The people who may be given a report to write (specialists, clerks and
/// leaders, as the reporting service allows), specialists first.
pub fn writers(people: &[User], selected: &[String]) -> Vec<Person> {
    let writes = |u: &&User| {
        [Role::Specialist, Role::Clerk, Role::Leader]
            .iter()
            .any(|r| u.roles.contains(&(*r as i32)))
    };
    let eligible: Vec<User> = people.iter().filter(writes).cloned().collect();
    choices(&eligible, Some(Role::Specialist), true, selected)
}

#[derive(Template)]
#[template(path = "people_options.html")]
struct Options {
    people: Vec<Person>,
}

#[derive(Deserialize)]
pub struct PickerQuery {
    office_id: String,
    #[serde(default)]
    q: String,
    /// `leader` or `specialist`: who is offered first; `writer`: only those
    /// who write reports.
    #[serde(default)]
    role: String,
}

/// `GET /people`: the options of a picker for the words typed (htmx swaps
/// them into the select).
pub async fn options(ctx: Ctx, Query(query): Query<PickerQuery>) -> Result<Html<String>, ConsoleError> {
    ctx.session()?;
    let people = of_office(&ctx, &query.office_id, &query.q).await?;
    let role = match query.role.as_str() {
        "leader" => Some(Role::Leader),
        "specialist" => Some(Role::Specialist),
        _ => None,
    };
    let page = Options {
        people: if query.role == "writer" {
            writers(&people, &[])
        } else {
            choices(&people, role, role != Some(Role::Leader), &[])
        },
    };
    Ok(Html(page.render()?))
}
