//! The deployment's reporting rules (one row).

use chrono::{DateTime, Utc};

use vanphong_platform::db::{CorruptRow, Db, KeyedTexts, RowDecoder, StoreError, Tx, query};

use crate::domain::policy::Policy;

const ROW: &str = "default";

/// Where the rules are kept (one row, under [`ROW`]).
const STORED: KeyedTexts = KeyedTexts {
    table: "reporting_policy",
    key: "id",
    text: "policy_json",
};

/// The rules in force: the stored ones, or the defaults.
pub async fn get(db: &Db) -> Result<Policy, StoreError> {
    let stored: Option<String> = db
        .scalar(query("SELECT policy_json FROM reporting_policy WHERE id = $1").bind(ROW))
        .await?;
    Ok(read(stored)?)
}

/// The rules in force, inside a transaction.
pub async fn get_in(tx: &mut Tx) -> Result<Policy, StoreError> {
    Ok(read(STORED.get(tx, ROW).await?)?)
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
    STORED.put(tx, ROW, policy.to_json(), at).await
}
