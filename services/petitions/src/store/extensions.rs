//! Extensions of a petition's resolution deadline.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use vanphong_platform::db::{RowDecoder, StoreError, Tx, query};

use crate::domain::handling::Extension;

/// Records an extension.
pub async fn add(tx: &mut Tx, petition: Uuid, e: &Extension, at: DateTime<Utc>) -> Result<(), StoreError> {
    tx.execute(vanphong_platform::binds!(query(
            "INSERT INTO petition_extensions (petition_id, seq, decision_number, decided_on, days, reason, \
             previous_due_on, due_on, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        => petition, e.seq, &e.decision_number, e.decided_on, e.days, &e.reason, e.previous_due_on, e.due_on, at))
        .await?;
    Ok(())
}

/// The extensions, first first.
pub async fn of(tx: &mut Tx, petition: Uuid) -> Result<Vec<Extension>, StoreError> {
    #[derive(sqlx::FromRow)]
    struct Row {
        seq: i64,
        decision_number: String,
        decided_on: String,
        days: i64,
        reason: String,
        previous_due_on: String,
        due_on: String,
    }
    let rows: Vec<Row> = tx
        .fetch_all(
            query(
                "SELECT seq, decision_number, decided_on, days, reason, previous_due_on, due_on \
                 FROM petition_extensions WHERE petition_id = $1 ORDER BY seq",
            )
            .bind(petition),
        )
        .await?;
    let key = petition.to_string();
    let d = RowDecoder::new("petition_extensions", &key);
    let mut extensions = Vec::with_capacity(rows.len());
    for r in rows {
        extensions.push(Extension {
            seq: r.seq,
            decided_on: d.date("decided_on", &r.decided_on)?,
            previous_due_on: d.date("previous_due_on", &r.previous_due_on)?,
            due_on: d.date("due_on", &r.due_on)?,
            decision_number: r.decision_number,
            days: r.days,
            reason: r.reason,
        });
    }
    Ok(extensions)
}
