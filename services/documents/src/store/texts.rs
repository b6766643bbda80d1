//! The text of outgoing documents, read only where it is printed or edited.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use vanphong_platform::db::{KeyedTexts, StoreError, Tx};

/// Where the texts are kept, one per document.
const TEXTS: KeyedTexts = KeyedTexts {
    table: "document_texts",
    key: "document_id",
    text: "body",
};

/// The document's text; empty when it has none.
pub async fn get(tx: &mut Tx, document: Uuid) -> Result<String, StoreError> {
    Ok(TEXTS.get(tx, document).await?.unwrap_or_default())
}

/// Replaces the document's text.
pub async fn put(tx: &mut Tx, document: Uuid, body: &str, now: DateTime<Utc>) -> Result<(), StoreError> {
    TEXTS.put(tx, document, body, now).await
}
