//! Identifiers: UUIDv7, so ids sort by creation time and index well.

use uuid::Uuid;

/// A new id, ordered after every id made before it on this machine.
pub fn new_id() -> Uuid {
    Uuid::now_v7()
}
