//! Users.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use vanphong_platform::db::{CorruptRow, RowDecoder, StoreError, Tx, query, query_built};
use vanphong_platform::identity::{Clearance, RoleSet};
use vanphong_platform::text::fold;

use crate::directory::domain::user::User;

#[derive(sqlx::FromRow)]
struct UserRow {
    id: String,
    office_id: String,
    username: String,
    full_name: String,
    roles: String,
    clearance: i64,
    password_hash: String,
    disabled: bool,
    created_at: i64,
    updated_at: i64,
}

const COLUMNS: &str =
    "id, office_id, username, full_name, roles, clearance, password_hash, disabled, created_at, updated_at";

impl UserRow {
    fn into_user(self) -> Result<(User, String), CorruptRow> {
        let d = RowDecoder::new("users", &self.id);
        Ok((
            User {
                id: d.id("id", &self.id)?,
                office_id: d.id("office_id", &self.office_id)?,
                username: self.username,
                full_name: self.full_name,
                roles: d.code("roles", self.roles.as_str(), RoleSet::from_codes)?,
                clearance: d.code("clearance", &self.clearance, |l| Clearance::from_level(*l))?,
                disabled: self.disabled,
                created_at: d.timestamp("created_at", self.created_at)?,
                updated_at: d.timestamp("updated_at", self.updated_at)?,
            },
            self.password_hash,
        ))
    }
}

fn search_key(user: &User) -> String {
    fold(&format!("{} {}", user.username, user.full_name))
}

/// A user and their password hash.
pub async fn get(tx: &mut Tx, id: Uuid) -> Result<Option<(User, String)>, StoreError> {
    let row: Option<UserRow> = tx
        .fetch_optional(query_built(format!("SELECT {COLUMNS} FROM users WHERE id = $1")).bind(id))
        .await?;
    Ok(row.map(UserRow::into_user).transpose()?)
}

/// Every user ever recorded, for the snapshot the suite's servers follow.
pub async fn load_all(tx: &mut Tx) -> Result<Vec<User>, StoreError> {
    let rows: Vec<UserRow> = tx
        .fetch_all(query_built(format!("SELECT {COLUMNS} FROM users ORDER BY id")))
        .await?;
    Ok(rows
        .into_iter()
        .map(|r| r.into_user().map(|(found, _)| found))
        .collect::<Result<_, _>>()?)
}

/// A user by sign-in name (stored lower-case).
pub async fn by_username(tx: &mut Tx, username: &str) -> Result<Option<(User, String)>, StoreError> {
    let row: Option<UserRow> = tx
        .fetch_optional(query_built(format!("SELECT {COLUMNS} FROM users WHERE username = $1")).bind(username))
        .await?;
    Ok(row.map(UserRow::into_user).transpose()?)
}

pub async fn insert(tx: &mut Tx, user: &User, password_hash: &str) -> Result<(), StoreError> {
    tx.execute(
        query(
            "INSERT INTO users (id, office_id, username, full_name, search_key, roles, clearance, password_hash, \
             disabled, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
        )
        .bind(user.id)
        .bind(user.office_id)
        .bind(&user.username)
        .bind(&user.full_name)
        .bind(search_key(user))
        .bind(user.roles.to_codes())
        .bind(i64::from(user.clearance.level()))
        .bind(password_hash)
        .bind(user.disabled)
        .bind(user.created_at)
        .bind(user.updated_at),
    )
    .await?;
    Ok(())
}

/// Saves name, roles, clearance and the disabled flag.
pub async fn update(tx: &mut Tx, user: &User) -> Result<(), StoreError> {
    tx.execute(
        query(
            "UPDATE users SET full_name = $1, search_key = $2, roles = $3, clearance = $4, disabled = $5, \
             updated_at = $6 WHERE id = $7",
        )
        .bind(&user.full_name)
        .bind(search_key(user))
        .bind(user.roles.to_codes())
        .bind(i64::from(user.clearance.level()))
        .bind(user.disabled)
        .bind(user.updated_at)
        .bind(user.id),
    )
    .await?;
    Ok(())
}

/// Moves a user to another office (a reorganisation), keeping everything
/// else.
pub async fn move_to_office(tx: &mut Tx, user: &User) -> Result<(), StoreError> {
    tx.execute(
        query("UPDATE users SET office_id = $1, updated_at = $2 WHERE id = $3")
            .bind(user.office_id)
            .bind(user.updated_at)
            .bind(user.id),
    )
    .await?;
    Ok(())
}

pub async fn set_password(tx: &mut Tx, id: Uuid, hash: &str, now: DateTime<Utc>) -> Result<(), StoreError> {
    tx.execute(
        query("UPDATE users SET password_hash = $1, updated_at = $2 WHERE id = $3")
            .bind(hash)
            .bind(now)
            .bind(id),
    )
    .await?;
    Ok(())
}

/// Users of the given offices in username order, after `after_username`,
/// optionally only those whose name or username contains `folded_query`
/// (already folded: lower-case, without diacritics).
pub async fn list(
    tx: &mut Tx,
    offices: &[Uuid],
    folded_query: Option<&str>,
    after_username: Option<&str>,
    limit: u32,
) -> Result<Vec<User>, StoreError> {
    if offices.is_empty() {
        return Ok(Vec::new());
    }
    let placeholders: Vec<String> = (1..=offices.len()).map(|i| format!("${i}")).collect();
    let mut sql = format!(
        "SELECT {COLUMNS} FROM users WHERE office_id IN ({})",
        placeholders.join(", ")
    );
    let mut next = offices.len() + 1;
    if folded_query.is_some() {
        sql.push_str(&format!(" AND search_key LIKE ${next} ESCAPE '\\'"));
        next += 1;
    }
    if after_username.is_some() {
        sql.push_str(&format!(" AND username > ${next}"));
        next += 1;
    }
    sql.push_str(&format!(" ORDER BY username LIMIT ${next}"));
    let mut q = query_built(sql);
    for office in offices {
        q = q.bind(*office);
    }
    if let Some(folded) = folded_query {
        let escaped = folded.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_");
        q = q.bind(format!("%{escaped}%"));
    }
    if let Some(after) = after_username {
        q = q.bind(after);
    }
    let rows: Vec<UserRow> = tx.fetch_all(q.bind(i64::from(limit))).await?;
    Ok(rows
        .into_iter()
        .map(|r| r.into_user().map(|(found, _)| found))
        .collect::<Result<_, _>>()?)
}
