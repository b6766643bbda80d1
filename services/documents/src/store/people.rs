//! Who is named on a document (handlers, distribution) and its history.

use std::collections::HashMap;

use uuid::Uuid;

use vanphong_platform::db::{RowDecoder, StoreError, Tx, placeholders, query, query_built};
use vanphong_platform::history::History;

pub use vanphong_platform::history::Event;

/// A document's history, through the platform's [`History`].
pub(crate) const DOCUMENTS: History = History {
    table: "document_events",
    owner: "document_id",
};

/// Replaces the handlers: the lead and the coordinators.
pub async fn set_handlers(tx: &mut Tx, document: Uuid, lead: Uuid, coordinators: &[Uuid]) -> Result<(), StoreError> {
    tx.execute(query("DELETE FROM document_handlers WHERE document_id = $1").bind(document))
        .await?;
    tx.execute(
        query("INSERT INTO document_handlers (document_id, user_id, lead) VALUES ($1, $2, $3)")
            .bind(document)
            .bind(lead)
            .bind(true),
    )
    .await?;
    for user in coordinators.iter().filter(|u| **u != lead) {
        tx.execute(
            query(
                "INSERT INTO document_handlers (document_id, user_id, lead) VALUES ($1, $2, $3) \
                 ON CONFLICT (document_id, user_id) DO NOTHING",
            )
            .bind(document)
            .bind(*user)
            .bind(false),
        )
        .await?;
    }
    Ok(())
}

/// Removes every handler of a document (its work goes back to be directed
/// again).
pub async fn clear_handlers(tx: &mut Tx, document: Uuid) -> Result<(), StoreError> {
    tx.execute(query("DELETE FROM document_handlers WHERE document_id = $1").bind(document))
        .await?;
    Ok(())
}

/// The coordinators (phối hợp) of a document.
pub async fn coordinators(tx: &mut Tx, document: Uuid) -> Result<Vec<Uuid>, StoreError> {
    let rows: Vec<(String,)> = tx
        .fetch_all(
            query("SELECT user_id FROM document_handlers WHERE document_id = $1 AND NOT lead ORDER BY user_id")
                .bind(document),
        )
        .await?;
    user_ids("document_handlers", document, rows)
}

/// The user ids of rows of `table` about `document`; one unreadable id
/// fails the read (a person silently missing from a list is never shown).
fn user_ids(table: &'static str, document: Uuid, rows: Vec<(String,)>) -> Result<Vec<Uuid>, StoreError> {
    let key = document.to_string();
    let d = RowDecoder::new(table, &key);
    Ok(rows
        .into_iter()
        .map(|(u,)| d.id("user_id", &u))
        .collect::<Result<_, _>>()?)
}

/// Adds people to the distribution (those who may read it when secret).
pub async fn add_distribution(tx: &mut Tx, document: Uuid, users: &[Uuid]) -> Result<(), StoreError> {
    for user in users {
        tx.execute(
            query(
                "INSERT INTO document_distribution (document_id, user_id) VALUES ($1, $2) \
                 ON CONFLICT (document_id, user_id) DO NOTHING",
            )
            .bind(document)
            .bind(*user),
        )
        .await?;
    }
    Ok(())
}

pub async fn distribution(tx: &mut Tx, document: Uuid) -> Result<Vec<Uuid>, StoreError> {
    let rows: Vec<(String,)> = tx
        .fetch_all(
            query("SELECT user_id FROM document_distribution WHERE document_id = $1 ORDER BY user_id").bind(document),
        )
        .await?;
    user_ids("document_distribution", document, rows)
}

/// The distributions of many documents at once (a register book's rows),
/// read a slice of ids per statement instead of one statement per
/// document; a document with nobody named is absent.
pub async fn distributions(tx: &mut Tx, documents: &[Uuid]) -> Result<HashMap<Uuid, Vec<Uuid>>, StoreError> {
    let mut out: HashMap<Uuid, Vec<Uuid>> = HashMap::new();
    for slice in documents.chunks(IDS_PER_STATEMENT) {
        let sql = format!(
            "SELECT document_id, user_id FROM document_distribution WHERE document_id IN ({}) \
             ORDER BY document_id, user_id",
            placeholders(slice.len())
        );
        let rows: Vec<(String, String)> = tx
            .fetch_all(slice.iter().fold(query_built(sql), |q, id| q.bind(*id)))
            .await?;
        for (document, user) in rows {
            let d = RowDecoder::new("document_distribution", &document);
            out.entry(d.id("document_id", &document)?)
                .or_default()
                .push(d.id("user_id", &user)?);
        }
    }
    Ok(out)
}

/// How many ids one `IN (…)` list carries: far below either database's
/// limit on bound values.
pub const IDS_PER_STATEMENT: usize = 500;

/// Appends an entry to the document's history.
pub async fn add_event(tx: &mut Tx, document: Uuid, event: &Event) -> Result<(), StoreError> {
    DOCUMENTS.add(tx, document, event).await
}

/// The history, oldest first.
pub async fn events(tx: &mut Tx, document: Uuid) -> Result<Vec<Event>, StoreError> {
    DOCUMENTS.of(tx, document).await
}
