//! The text of outgoing documents, read only where it is printed or edited.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use vanphong_platform::db::{StoreError, Tx, query};

/// The document's text; empty when it has none.
pub async fn get(tx: &mut Tx, document: Uuid) -> Result<String, StoreError> {
    let body: Option<String> = tx
        .scalar(query("SELECT body FROM document_texts WHERE document_id = $1").bind(document))
        .await?;
    Ok(body.unwrap_or_default())
}

/// Replaces the document's text.
pub async fn put(tx: &mut Tx, document: Uuid, body: &str, now: DateTime<Utc>) -> Result<(), StoreError> {
    tx.execute(
        query(
            "INSERT INTO document_texts (document_id, body, updated_at) VALUES ($1, $2, $3) \
             ON CONFLICT (document_id) DO UPDATE SET body = excluded.body, updated_at = excluded.updated_at",
        )
        .bind(document)
        .bind(body)
        .bind(now),
    )
    .await?;
    Ok(())
}
