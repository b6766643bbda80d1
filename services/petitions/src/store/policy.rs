//! The stored policy (one JSON document); the defaults until someone
//! changes it.

use chrono::{DateTime, Utc};

use vanphong_platform::db::{KeyedTexts, RowDecoder, StoreError, Tx};

use crate::domain::policy::Policy;

const KEY: &str = "policy";

/// Where the policy is kept (one row, under [`KEY`]).
const STORED: KeyedTexts = KeyedTexts {
    table: "policy",
    key: "id",
    text: "body",
};

/// The policy in force.
pub async fn get(tx: &mut Tx) -> Result<Policy, StoreError> {
    match STORED.get(tx, KEY).await? {
        Some(body) => Ok(RowDecoder::new("policy", KEY).json("body", &body)?),
        None => Ok(Policy::default()),
    }
}

/// Replaces the policy.
pub async fn put(tx: &mut Tx, policy: &Policy, at: DateTime<Utc>) -> Result<(), StoreError> {
    let body = serde_json::to_string(policy).unwrap_or_default();
    STORED.put(tx, KEY, body, at).await
}
