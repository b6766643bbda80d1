//! Service accounts of other offices' systems.

use uuid::Uuid;

use vanphong_platform::db::{CorruptRow, RowDecoder, StoreError, Tx, query, query_built};
use vanphong_platform::identity::{Clearance, RoleSet};

use crate::directory::domain::user::ServiceAccount;

#[derive(sqlx::FromRow)]
struct Row {
    id: String,
    client_id: String,
    name: String,
    office_id: String,
    roles: String,
    clearance: i64,
    secret_hash: Option<String>,
    disabled: bool,
    created_at: i64,
    updated_at: i64,
}

const COLUMNS: &str = "id, client_id, name, office_id, roles, clearance, secret_hash, disabled, created_at, updated_at";

impl Row {
    fn into_account(self) -> Result<(ServiceAccount, Option<String>), CorruptRow> {
        let d = RowDecoder::new("service_accounts", &self.id);
        Ok((
            ServiceAccount {
                id: d.id("id", &self.id)?,
                client_id: self.client_id,
                name: self.name,
                office_id: d.id("office_id", &self.office_id)?,
                roles: d.code("roles", self.roles.as_str(), RoleSet::from_codes)?,
                clearance: d.code("clearance", &self.clearance, |l| Clearance::from_level(*l))?,
                disabled: self.disabled,
                has_secret: self.secret_hash.is_some(),
                created_at: d.timestamp("created_at", self.created_at)?,
                updated_at: d.timestamp("updated_at", self.updated_at)?,
            },
            self.secret_hash,
        ))
    }
}

/// The account and its secret hash, if one was issued.
pub async fn get(tx: &mut Tx, id: Uuid) -> Result<Option<(ServiceAccount, Option<String>)>, StoreError> {
    let row: Option<Row> = tx
        .fetch_optional(query_built(format!("SELECT {COLUMNS} FROM service_accounts WHERE id = $1")).bind(id))
        .await?;
    Ok(row.map(Row::into_account).transpose()?)
}

pub async fn by_client_id(
    tx: &mut Tx,
    client_id: &str,
) -> Result<Option<(ServiceAccount, Option<String>)>, StoreError> {
    let row: Option<Row> = tx
        .fetch_optional(
            query_built(format!("SELECT {COLUMNS} FROM service_accounts WHERE client_id = $1")).bind(client_id),
        )
        .await?;
    Ok(row.map(Row::into_account).transpose()?)
}

pub async fn list(tx: &mut Tx, office: Uuid) -> Result<Vec<ServiceAccount>, StoreError> {
    let rows: Vec<Row> = tx
        .fetch_all(
            query_built(format!(
                "SELECT {COLUMNS} FROM service_accounts WHERE office_id = $1 ORDER BY name"
            ))
            .bind(office),
        )
        .await?;
    Ok(rows
        .into_iter()
        .map(|r| r.into_account().map(|(found, _)| found))
        .collect::<Result<_, _>>()?)
}

pub async fn insert(tx: &mut Tx, account: &ServiceAccount) -> Result<(), StoreError> {
    tx.execute(
        query(
            "INSERT INTO service_accounts (id, client_id, name, office_id, roles, clearance, disabled, created_at, \
             updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(account.id)
        .bind(&account.client_id)
        .bind(&account.name)
        .bind(account.office_id)
        .bind(account.roles.to_codes())
        .bind(i64::from(account.clearance.level()))
        .bind(account.disabled)
        .bind(account.created_at)
        .bind(account.updated_at),
    )
    .await?;
    Ok(())
}

pub async fn update(tx: &mut Tx, account: &ServiceAccount) -> Result<(), StoreError> {
    tx.execute(
        query("UPDATE service_accounts SET name = $1, roles = $2, disabled = $3, updated_at = $4 WHERE id = $5")
            .bind(&account.name)
            .bind(account.roles.to_codes())
            .bind(account.disabled)
            .bind(account.updated_at)
            .bind(account.id),
    )
    .await?;
    Ok(())
}

pub async fn set_secret(tx: &mut Tx, account: &ServiceAccount, hash: &str) -> Result<(), StoreError> {
    tx.execute(
        query("UPDATE service_accounts SET secret_hash = $1, updated_at = $2 WHERE id = $3")
            .bind(hash)
            .bind(account.updated_at)
            .bind(account.id),
    )
    .await?;
    Ok(())
}
