//! Idempotent creation.
//!
//! Create calls take a client key (`request_id`). The first call claims the
//! key inside its write transaction and stores its response there; a retry
//! with the same key gets that response back and creates nothing; the same
//! key with a different request is refused. On PostgreSQL a concurrent
//! retry waits on the claim (`ON CONFLICT DO NOTHING` blocks until the first
//! transaction ends), so even simultaneous retries create one record.

use chrono::{DateTime, Utc};
use sha2::{Digest, Sha256};

use crate::Error;
use crate::audit::{self, Change};
use crate::clock::to_micros;
use crate::db::{Db, StoreError, Tx, query};
use crate::identity::Caller;

/// A claimed or claimable idempotency key.
#[derive(Debug, Clone)]
pub struct IdempotencyKey {
    scope: String,
    key: String,
    request_hash: Vec<u8>,
}

#[derive(sqlx::FromRow)]
struct Stored {
    request_hash: String,
    response: Option<Vec<u8>>,
}

/// What claiming a key found.
pub enum Claim<R> {
    /// The key is new and now held by this transaction: do the work, then
    /// [`IdempotencyKey::complete`].
    Fresh,
    /// The key was used before for the same request: return this.
    Replay(R),
}

impl IdempotencyKey {
    /// The key of a create call; `None` when the client sent none. Keys are
    /// scoped by caller and method, so different callers never collide.
    pub fn new<M: prost::Message>(caller: &Caller, method: &str, key: Option<&str>, request: &M) -> Option<Self> {
        let key = key?;
        Some(Self {
            scope: format!("{}:{method}", caller.subject_id),
            key: key.to_string(),
            request_hash: Sha256::digest(request.encode_to_vec()).to_vec(),
        })
    }

    fn hash_hex(&self) -> String {
        self.request_hash.iter().map(|b| format!("{b:02x}")).collect()
    }

    /// Claims the key, or finds the response of its earlier use.
    pub async fn claim<R: prost::Message + Default>(&self, tx: &mut Tx, now: DateTime<Utc>) -> Result<Claim<R>, Error> {
        let inserted = tx
            .execute(
                query(
                    "INSERT INTO idempotency_keys (scope, key, request_hash, created_at) VALUES ($1, $2, $3, $4) \
                     ON CONFLICT (scope, key) DO NOTHING",
                )
                .bind(&self.scope)
                .bind(&self.key)
                .bind(self.hash_hex())
                .bind(to_micros(now)),
            )
            .await?;
        if inserted == 1 {
            return Ok(Claim::Fresh);
        }
        let stored: Option<Stored> = tx
            .fetch_optional(
                query("SELECT request_hash, response FROM idempotency_keys WHERE scope = $1 AND key = $2")
                    .bind(&self.scope)
                    .bind(&self.key),
            )
            .await?;
        let Some(stored) = stored else {
            return Err(Error::Unavailable(
                "Yêu cầu trùng khóa đang được xử lý, vui lòng thử lại".into(),
            ));
        };
        if stored.request_hash != self.hash_hex() {
            return Err(Error::invalid(
                "request_id",
                "REUSED",
                "Khóa chống trùng này đã được dùng cho một yêu cầu khác",
            ));
        }
        let bytes = stored
            .response
            .ok_or_else(|| Error::Unavailable("Yêu cầu trùng khóa đang được xử lý, vui lòng thử lại".into()))?;
        R::decode(bytes.as_slice()).map(Claim::Replay).map_err(Error::internal)
    }

    /// Stores the response of the claimed key, in the same transaction as
    /// the work.
    pub async fn complete<R: prost::Message>(&self, tx: &mut Tx, response: &R) -> Result<(), StoreError> {
        tx.execute(
            query("UPDATE idempotency_keys SET response = $1 WHERE scope = $2 AND key = $3")
                .bind(response.encode_to_vec())
                .bind(&self.scope)
                .bind(&self.key),
        )
        .await?;
        Ok(())
    }
}

/// The two ends of an idempotent create, written once. At the start of the
/// write transaction `$tx`, claims `$key` (an `Option<IdempotencyKey>`;
/// `None` when the client sent no key) and, on a retry, returns the first
/// answer from the enclosing function (`return Ok(previous)`, so the
/// function returns `Result<Answer, E>` with `E: From<Error>`):
///
/// ```ignore
/// let key = IdempotencyKey::new(&caller, "CreateTerm", request_id.as_deref(), &req);
/// let mut tx = db.begin_write().await?;
/// vanphong_platform::replay_or_claim!(key, tx, now);
/// // … the work …
/// vanphong_platform::remember!(key, tx, answer);
/// tx.commit().await?;
/// ```
///
/// Where the function answers more than the stored answer, the last
/// argument says what a replay returns, naming the stored answer:
/// `replay_or_claim!(key, tx, now, previous => (previous, false))`.
#[macro_export]
macro_rules! replay_or_claim {
    ($key:expr, $tx:expr, $now:expr) => {
        $crate::replay_or_claim!($key, $tx, $now, previous => previous)
    };
    ($key:expr, $tx:expr, $now:expr, $previous:ident => $replay:expr) => {
        if let Some(key) = &$key
            && let $crate::idempotency::Claim::Replay($previous) = key.claim(&mut $tx, $now).await?
        {
            return Ok($replay);
        }
    };
}

/// Opens an idempotent create and returns `(key, tx)`: the key of
/// `$method` for the caller's request (`None` when the client sent no
/// request id), and the write transaction with the key claimed in it; on a
/// retry it returns the first answer from the enclosing function, as
/// [`replay_or_claim!`](crate::replay_or_claim) does:
///
/// ```ignore
/// let (key, mut tx) = vanphong_platform::begin_idempotent!(db, &caller, "CreateTerm", request_id, &req, now);
/// // … the work …
/// commit_answer(&key, tx, answer).await
/// ```
#[macro_export]
macro_rules! begin_idempotent {
    ($db:expr, $caller:expr, $method:literal, $request_id:expr, $req:expr, $now:expr) => {{
        let key = $crate::idempotency::IdempotencyKey::new($caller, $method, $request_id.as_deref(), $req);
        let mut tx = $db.begin_write().await?;
        $crate::replay_or_claim!(key, tx, $now);
        (key, tx)
    }};
}

/// Stores `$answer` as the answer of the claimed key `$key` (an
/// `Option<IdempotencyKey>`), in the transaction of the work; see
/// [`replay_or_claim!`](crate::replay_or_claim).
#[macro_export]
macro_rules! remember {
    ($key:expr, $tx:expr, $answer:expr) => {
        if let Some(key) = &$key {
            key.complete(&mut $tx, &$answer).await?;
        }
    };
}

/// The end of an idempotent create: stores `answer` as the answer of the
/// claimed `key` (when the client sent one), commits the work and returns
/// the answer; see [`replay_or_claim!`](crate::replay_or_claim).
pub async fn commit_answer<R: prost::Message>(key: &Option<IdempotencyKey>, mut tx: Tx, answer: R) -> Result<R, Error> {
    if let Some(key) = key {
        key.complete(&mut tx, &answer).await?;
    }
    tx.commit().await?;
    Ok(answer)
}

/// The end of an idempotent create whose answer is already built: records
/// `change` in the audit trail as `caller`'s at `at`, then as
/// [`commit_answer`].
pub async fn commit_recorded<R: prost::Message>(
    key: &Option<IdempotencyKey>,
    mut tx: Tx,
    caller: &Caller,
    at: DateTime<Utc>,
    change: Change,
    answer: R,
) -> Result<R, Error> {
    audit::record(&mut tx, caller, at, change).await?;
    commit_answer(key, tx, answer).await
}

/// Forgets keys older than `before`; a retry after that creates anew.
pub async fn purge(db: &Db, before: DateTime<Utc>) -> Result<u64, StoreError> {
    let mut tx = db.begin_write().await?;
    let removed = tx
        .execute(query("DELETE FROM idempotency_keys WHERE created_at < $1").bind(to_micros(before)))
        .await?;
    tx.commit().await?;
    Ok(removed)
}

/// How long a key is remembered: far longer than any client retries.
pub const RETENTION: chrono::Duration = chrono::Duration::days(7);

/// Forgets keys older than [`RETENTION`] once an hour, until `shutdown`.
pub fn spawn_purger(db: Db, clock: crate::clock::SharedClock, shutdown: tokio_util::sync::CancellationToken) {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(std::time::Duration::from_secs(3600));
        loop {
            tokio::select! {
                _ = shutdown.cancelled() => return,
                _ = tick.tick() => match purge(&db, clock.now() - RETENTION).await {
                    Ok(0) => {}
                    Ok(n) => tracing::info!(removed = n, "old idempotency keys forgotten"),
                    Err(e) => tracing::warn!(error = %e, "purging idempotency keys failed"),
                },
            }
        }
    });
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;
    use crate::db::{Migrations, scratch};

    #[tokio::test]
    async fn keys_are_claimed_replayed_and_forgotten_after_retention() {
        let (_dir, db) = scratch(&Migrations {
            sqlite: &[],
            postgres: &[],
        })
        .await;
        let caller = Caller::system(uuid::Uuid::now_v7());
        let request = prost_types::Timestamp { seconds: 1, nanos: 0 };
        let key = IdempotencyKey::new(&caller, "Test", Some("k"), &request).expect("key");
        let t = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).single().expect("time");

        let mut tx = db.begin_write().await.expect("tx");
        assert!(matches!(
            key.claim::<prost_types::Timestamp>(&mut tx, t).await,
            Ok(Claim::Fresh)
        ));
        key.complete(&mut tx, &request).await.expect("complete");
        tx.commit().await.expect("commit");

        let mut tx = db.begin_write().await.expect("tx");
        match key.claim::<prost_types::Timestamp>(&mut tx, t).await {
            Ok(Claim::Replay(answer)) => assert_eq!(answer, request),
            _ => panic!("expected a replay"),
        }
        drop(tx);

        assert_eq!(
            purge(&db, t - RETENTION).await.expect("purge"),
            0,
            "still within retention"
        );
        assert_eq!(purge(&db, t + chrono::Duration::seconds(1)).await.expect("purge"), 1);
        let mut tx = db.begin_write().await.expect("tx");
        assert!(matches!(
            key.claim::<prost_types::Timestamp>(&mut tx, t).await,
            Ok(Claim::Fresh)
        ));
    }
}
