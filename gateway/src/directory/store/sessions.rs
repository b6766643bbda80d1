//! Sessions: refresh tokens (as hashes), expiry and revocation.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use vanphong_platform::db::{CorruptRow, RowDecoder, StoreError, Tx, query};

/// A stored session.
#[derive(Debug, Clone)]
pub struct Session {
    pub id: Uuid,
    pub subject_id: Uuid,
    pub service_account: bool,
    pub expires_at: DateTime<Utc>,
    pub revoked: bool,
}

#[derive(sqlx::FromRow)]
struct Row {
    id: String,
    subject_id: String,
    service_account: bool,
    expires_at: i64,
    revoked_at: Option<i64>,
}

impl Row {
    fn into_session(self) -> Result<Session, CorruptRow> {
        let d = RowDecoder::new("sessions", &self.id);
        Ok(Session {
            id: d.id("id", &self.id)?,
            subject_id: d.id("subject_id", &self.subject_id)?,
            service_account: self.service_account,
            expires_at: d.timestamp("expires_at", self.expires_at)?,
            revoked: self.revoked_at.is_some(),
        })
    }
}

/// What a new session records.
pub struct NewSession<'a> {
    pub id: Uuid,
    pub subject_id: Uuid,
    pub service_account: bool,
    pub refresh_hash: Option<&'a str>,
    pub client_addr: &'a str,
    pub now: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub access_expires_at: DateTime<Utc>,
}

pub async fn insert(tx: &mut Tx, s: NewSession<'_>) -> Result<(), StoreError> {
    tx.execute(
        query(
            "INSERT INTO sessions (id, subject_id, service_account, refresh_hash, client_addr, created_at, \
             refreshed_at, expires_at, access_expires_at) VALUES ($1, $2, $3, $4, $5, $6, $6, $7, $8)",
        )
        .bind(s.id)
        .bind(s.subject_id)
        .bind(s.service_account)
        .bind(s.refresh_hash)
        .bind(s.client_addr)
        .bind(s.now)
        .bind(s.expires_at)
        .bind(s.access_expires_at),
    )
    .await?;
    Ok(())
}

/// The session holding this refresh token now.
pub async fn by_refresh_hash(tx: &mut Tx, hash: &str) -> Result<Option<Session>, StoreError> {
    let row: Option<Row> = tx
        .fetch_optional(query_session("WHERE refresh_hash = $1").bind(hash))
        .await?;
    Ok(row.map(Row::into_session).transpose()?)
}

/// The session that held this refresh token before its last rotation: a
/// second use of a rotated token means it was copied.
pub async fn by_previous_refresh_hash(tx: &mut Tx, hash: &str) -> Result<Option<Session>, StoreError> {
    let row: Option<Row> = tx
        .fetch_optional(query_session("WHERE previous_refresh_hash = $1").bind(hash))
        .await?;
    Ok(row.map(Row::into_session).transpose()?)
}

fn query_session(filter: &str) -> vanphong_platform::db::Query {
    vanphong_platform::db::query_built(format!(
        "SELECT id, subject_id, service_account, expires_at, revoked_at FROM sessions {filter}"
    ))
}

/// Replaces the refresh token, remembering the old one.
pub async fn rotate(
    tx: &mut Tx,
    id: Uuid,
    old_hash: &str,
    new_hash: &str,
    now: DateTime<Utc>,
    access_expires_at: DateTime<Utc>,
) -> Result<(), StoreError> {
    tx.execute(
        query(
            "UPDATE sessions SET refresh_hash = $1, previous_refresh_hash = $2, refreshed_at = $3, \
             access_expires_at = $4 WHERE id = $5",
        )
        .bind(new_hash)
        .bind(old_hash)
        .bind(now)
        .bind(access_expires_at)
        .bind(id),
    )
    .await?;
    Ok(())
}

/// Revokes one session; returns whether it was live.
pub async fn revoke(tx: &mut Tx, id: Uuid, now: DateTime<Utc>) -> Result<bool, StoreError> {
    Ok(tx
        .execute(
            query("UPDATE sessions SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL")
                .bind(now)
                .bind(id),
        )
        .await?
        == 1)
}

/// Revokes every live session of a user or service account; returns how
/// many.
pub async fn revoke_all_of(tx: &mut Tx, subject: Uuid, now: DateTime<Utc>) -> Result<u64, StoreError> {
    tx.execute(
        query("UPDATE sessions SET revoked_at = $1 WHERE subject_id = $2 AND revoked_at IS NULL AND expires_at > $1")
            .bind(now)
            .bind(subject),
    )
    .await
}

/// Revoked sessions whose access tokens may still be unexpired at `now`:
/// what every server must refuse.
pub async fn revoked_with_live_tokens(
    tx: &mut Tx,
    now: DateTime<Utc>,
) -> Result<Vec<(Uuid, DateTime<Utc>)>, StoreError> {
    let rows: Vec<(String, i64)> = tx
        .fetch_all(
            query("SELECT id, access_expires_at FROM sessions WHERE revoked_at IS NOT NULL AND access_expires_at > $1")
                .bind(now),
        )
        .await?;
    let mut revoked = Vec::with_capacity(rows.len());
    for (id, at) in rows {
        let d = RowDecoder::new("sessions", &id);
        revoked.push((d.id("id", &id)?, d.timestamp("access_expires_at", at)?));
    }
    Ok(revoked)
}
