//! The stored policy (one JSON document); the defaults until someone
//! changes it.

use chrono::{DateTime, Utc};

use vanphong_platform::db::{RowDecoder, StoreError, Tx, query};

use crate::domain::policy::Policy;

const KEY: &str = "policy";

/// The policy in force.
pub async fn get(tx: &mut Tx) -> Result<Policy, StoreError> {
    let body: Option<String> = tx
        .scalar(query("SELECT body FROM policy WHERE id = $1").bind(KEY))
        .await?;
    match body {
        Some(body) => Ok(RowDecoder::new("policy", KEY).json("body", &body)?),
        None => Ok(Policy::default()),
    }
}

/// Replaces the policy.
pub async fn put(tx: &mut Tx, policy: &Policy, at: DateTime<Utc>) -> Result<(), StoreError> {
    let body = serde_json::to_string(policy).unwrap_or_default();
    tx.execute(
        query(
            "INSERT INTO policy (id, body, updated_at) VALUES ($1, $2, $3) \
             ON CONFLICT (id) DO UPDATE SET body = excluded.body, updated_at = excluded.updated_at",
        )
        .bind(KEY)
        .bind(body)
        .bind(at),
    )
    .await?;
    Ok(())
}
