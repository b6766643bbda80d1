//! Building the snapshot other servers follow.

use chrono::{DateTime, NaiveDate, Utc};

use vanphong_platform::clock::to_timestamp;
use vanphong_platform::db::{Db, StoreError};
use vanphong_platform::directory::{DirectorySnapshot, Person};
use vanphong_platform::tree::OfficeTree;
use vanphong_proto::directory::v1 as wire;

use super::api::convert::office_to_wire;
use super::store;

/// The snapshot at `version`: the tree, the people, and the sessions revoked
/// while some of their access tokens are still unexpired.
pub async fn load(
    db: &Db,
    version: i64,
    now: DateTime<Utc>,
    today: NaiveDate,
) -> Result<(DirectorySnapshot, wire::DirectorySnapshot), StoreError> {
    let mut tx = db.begin_read().await?;
    let offices = store::offices::load_all(&mut tx).await?;
    let revoked = store::sessions::revoked_with_live_tokens(&mut tx, now).await?;
    let users = store::users::load_all(&mut tx).await?;
    tx.commit().await?;
    let wire = wire::DirectorySnapshot {
        version,
        offices: offices.iter().map(|o| office_to_wire(o, today)).collect(),
        revoked_sessions: revoked
            .iter()
            .map(|(id, expires)| wire::RevokedSession {
                session_id: id.to_string(),
                expires_at: Some(to_timestamp(*expires)),
            })
            .collect(),
        people: users
            .iter()
            .map(|u| wire::DirectoryPerson {
                id: u.id.to_string(),
                full_name: u.full_name.clone(),
                office_id: u.office_id.to_string(),
                roles: u.roles.to_wire(),
                disabled: u.disabled,
            })
            .collect(),
    };
    let people = users.into_iter().map(|u| Person {
        id: u.id,
        full_name: u.full_name,
        office_id: u.office_id,
        roles: u.roles,
        disabled: u.disabled,
    });
    let platform = DirectorySnapshot::new(version, OfficeTree::new(offices), revoked.into_iter().map(|(id, _)| id))
        .with_people(people);
    Ok((platform, wire))
}
