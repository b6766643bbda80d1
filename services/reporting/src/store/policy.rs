//! The deployment's reporting rules (one row).

use chrono::{DateTime, Utc};

use vanphong_platform::db::{CorruptRow, Db, RowDecoder, StoreError, Tx, query};

use crate::domain::policy::Policy;

const ROW: &str = "default";

/// The rules in force: the stored ones, or the defaults.
pub async fn get(db: &Db) -> Result<Policy, StoreError> {
    let stored: Option<String> = db
        .scalar(query("SELECT policy_json FROM reporting_policy WHERE id = $1").bind(ROW))
        .await?;
    Ok(read(stored)?)
}

/// The rules in force, inside a transaction.
pub async fn get_in(tx: &mut Tx) -> Result<Policy, StoreError> {
    let stored: Option<String> = tx
        .scalar(query("SELECT policy_json FROM reporting_policy WHERE id = $1").bind(ROW))
        .await?;
    Ok(read(stored)?)
}

/// The stored rules, or the defaults when none are stored; stored rules
/// that cannot be read fail the read.
fn read(stored: Option<String>) -> Result<Policy, CorruptRow> {
    match stored {
        Some(json) => Policy::from_json(&json)
            .ok_or_else(|| RowDecoder::new("reporting_policy", ROW).corrupt("policy_json", json, "reporting rules")),
        None => Ok(Policy::default()),
    }
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
