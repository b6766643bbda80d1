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
    among(people, &[Role::Specialist, Role::Clerk, Role::Leader], selected)
}

/// The people with any of `roles`, those with the first of them first.
fn among(people: &[User], roles: &[Role], selected: &[String]) -> Vec<Person> {
    let eligible: Vec<User> = people
        .iter()
        .filter(|u| roles.iter().any(|r| u.roles.contains(&(*r as i32))))
        .cloned()
        .collect();
    choices(&eligible, roles.first().copied(), true, selected)
}

/// A picker of one person by name, as `people_picker.html` draws it: a
/// search box whose words (without diacritics) narrow the options through
/// `GET /people`, and the select the form sends. One partial for every such
/// picker, so they look and behave alike.
pub struct Picker {
    /// The prefix of the label's and search box's ids (`handler` gives
    /// `handler-label`, `handler-search`, `handler-error`).
    pub key: &'static str,
    /// The select's id, the target of the search.
    pub select_id: &'static str,
    /// The field the form sends.
    pub name: &'static str,
    pub label: &'static str,
    /// When the field is asked for, before the typing hint (may be empty).
    pub when: &'static str,
    /// The office searched and who is offered first (`/people`'s `role`).
    pub office_id: String,
    pub role: &'static str,
    pub people: Vec<Person>,
    /// Options shown at once.
    pub size: u8,
    pub required: bool,
    /// What the service said about the field.
    pub error: String,
}

impl Picker {
    /// A picker of `name` (the select's id too, unless [`Picker::id`]
    /// says otherwise) among `people` of `office_id`.
    pub fn new(
        key: &'static str,
        name: &'static str,
        label: &'static str,
        office_id: &str,
        role: &'static str,
        people: Vec<Person>,
    ) -> Self {
        Picker {
            key,
            select_id: name,
            name,
            label,
            when: "",
            office_id: office_id.to_string(),
            role,
            people,
            size: 5,
            required: false,
            error: String::new(),
        }
    }

    /// The select's id when it is not the field's name.
    pub fn id(mut self, select_id: &'static str) -> Self {
        self.select_id = select_id;
        self
    }

    pub fn when(mut self, when: &'static str) -> Self {
        self.when = when;
        self
    }

    pub fn size(mut self, size: u8) -> Self {
        self.size = size;
        self
    }

    pub fn required(mut self) -> Self {
        self.required = true;
        self
    }

    pub fn error(mut self, error: String) -> Self {
        self.error = error;
        self
    }
}

/// The people who receive citizens (tiếp công dân): the office's leaders
/// first (their days count towards the reception duty), then its petition
/// officers.
pub fn receivers(people: &[User], selected: &[String]) -> Vec<Person> {
    among(people, &[Role::Leader, Role::PetitionOfficer], selected)
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
    /// `specialist`: specialists first, then everyone; `leader`: leaders
    /// only; `receiver`: those who receive citizens, leaders first;
    /// `writer`: only those who write reports.
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
        } else if query.role == "receiver" {
            receivers(&people, &[])
        } else {
            choices(&people, role, query.role != "leader", &[])
        },
    };
    Ok(Html(page.render()?))
}
