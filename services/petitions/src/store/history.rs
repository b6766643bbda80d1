//! The history of a petition: each step and each investigation note, kept
//! in `petition_events` through the platform's [`History`].

use uuid::Uuid;

use vanphong_platform::db::{StoreError, Tx};
use vanphong_platform::history::History;

pub use vanphong_platform::history::Event;

const PETITIONS: History = History {
    table: "petition_events",
    owner: "petition_id",
};

/// Appends an entry to the history.
pub async fn add(tx: &mut Tx, petition: Uuid, event: &Event) -> Result<(), StoreError> {
    PETITIONS.add(tx, petition, event).await
}

/// The history, oldest first.
pub async fn of(tx: &mut Tx, petition: Uuid) -> Result<Vec<Event>, StoreError> {
    PETITIONS.of(tx, petition).await
}
