//! The history of a petition: each step and each investigation note.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use vanphong_platform::db::{RowDecoder, StoreError, Tx, query};
use vanphong_platform::ids::new_id;

/// A step or note in a petition's history.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event {
    pub at: DateTime<Utc>,
    pub actor_id: Uuid,
    pub actor_name: String,
    pub kind: String,
    pub note: String,
}

/// Appends an entry to the history.
pub async fn add(tx: &mut Tx, petition: Uuid, event: &Event) -> Result<(), StoreError> {
    tx.execute(
        query(
            "INSERT INTO petition_events (id, petition_id, at, actor_id, actor_name, kind, note) \
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(new_id())
        .bind(petition)
        .bind(event.at)
        .bind(event.actor_id)
        .bind(&event.actor_name)
        .bind(&event.kind)
        .bind(&event.note),
    )
    .await?;
    Ok(())
}

/// The history, oldest first.
pub async fn of(tx: &mut Tx, petition: Uuid) -> Result<Vec<Event>, StoreError> {
    #[derive(sqlx::FromRow)]
    struct Row {
        at: i64,
        actor_id: String,
        actor_name: String,
        kind: String,
        note: String,
    }
    let rows: Vec<Row> = tx
        .fetch_all(
            query(
                "SELECT at, actor_id, actor_name, kind, note FROM petition_events WHERE petition_id = $1 \
                 ORDER BY at, id",
            )
            .bind(petition),
        )
        .await?;
    let key = petition.to_string();
    let d = RowDecoder::new("petition_events", &key);
    let mut events = Vec::with_capacity(rows.len());
    for r in rows {
        events.push(Event {
            at: d.timestamp("at", r.at)?,
            actor_id: d.id("actor_id", &r.actor_id)?,
            actor_name: r.actor_name,
            kind: r.kind,
            note: r.note,
        });
    }
    Ok(events)
}
