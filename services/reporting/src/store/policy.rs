//! The deployment's reporting rules (one row).

use chrono::{DateTime, Utc};

use vanphong_platform::db::{Db, StoreError, Tx, query};

use crate::domain::policy::Policy;

const ROW: &str = "default";

/// The rules in force: the stored ones, or the defaults.
pub async fn get(db: &Db) -> Result<Policy, StoreError> {
    let stored: Option<String> = db
        .scalar(query("SELECT policy_json FROM reporting_policy WHERE id = $1").bind(ROW))
        .await?;
    Ok(stored.map_or_else(Policy::default, |json| Policy::from_json(&json)))
}

/// The rules in force, inside a transaction.
pub async fn get_in(tx: &mut Tx) -> Result<Policy, StoreError> {
    let stored: Option<String> = tx
        .scalar(query("SELECT policy_json FROM reporting_policy WHERE id = $1").bind(ROW))
        .await?;
    Ok(stored.map_or_else(Policy::default, |json| Policy::from_json(&json)))
}

/// Replaces the rules.
pub async fn put(tx: &mut Tx, policy: &Policy, at: DateTime<Utc>) -> Result<(), StoreError> {
    tx.execute(
        query(
            "INSERT INTO reporting_policy (id, policy_json, updated_at) VALUES ($1, $2, $3) \
             ON CONFLICT (id) DO UPDATE SET policy_json = excluded.policy_json, updated_at = excluded.updated_at",
        )
        .bind(ROW)
        .bind(policy.to_json())
        .bind(at),
    )
    .await?;
    Ok(())
}
