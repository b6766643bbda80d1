//! Recipients of outgoing documents and the statuses they report back.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use uuid::Uuid;

use vanphong_platform::db::{CorruptRow, RowDecoder, StoreError, Tx, query, query_built};

use super::people::IDS_PER_STATEMENT;
use vanphong_platform::db::placeholders;
use vanphong_platform::ids::new_id;

/// A recipient as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recipient {
    pub id: Uuid,
    pub document_id: Uuid,
    pub position: i64,
    pub office_id: Option<Uuid>,
    pub organ_id: String,
    pub name: String,
    /// edXML status code; empty before dispatch.
    pub status: String,
    pub status_at: Option<DateTime<Utc>>,
    pub incoming_document_id: Option<Uuid>,
}

#[derive(sqlx::FromRow, serde::Deserialize)]
struct Row {
    id: String,
    document_id: String,
    position: i64,
    office_id: Option<String>,
    organ_id: String,
    name: String,
    status: String,
    status_at: Option<i64>,
    incoming_document_id: Option<String>,
}

impl Row {
    fn into_recipient(self) -> Result<Recipient, CorruptRow> {
        let d = RowDecoder::new("recipients", &self.id);
        Ok(Recipient {
            id: d.id("id", &self.id)?,
            document_id: d.id("document_id", &self.document_id)?,
            position: self.position,
            office_id: d.opt_id("office_id", self.office_id.as_deref())?,
            organ_id: self.organ_id,
            name: self.name,
            status: self.status,
            status_at: d.opt_timestamp("status_at", self.status_at)?,
            incoming_document_id: d.opt_id("incoming_document_id", self.incoming_document_id.as_deref())?,
        })
    }
}

pub(crate) const COLUMNS: &str =
    "id, document_id, position, office_id, organ_id, name, status, status_at, incoming_document_id";

/// The recipients of a JSON array column of their rows (see
/// `store::whole`), of the document `key`.
pub(crate) fn from_json(key: &str, json: &str) -> Result<Vec<Recipient>, CorruptRow> {
    let rows: Vec<Row> = serde_json::from_str(json)
        .map_err(|e| RowDecoder::new("recipients", key).corrupt("recipients", e, "a JSON array of recipients"))?;
    rows.into_iter().map(Row::into_recipient).collect()
}

/// Replaces the recipients of a draft.
pub async fn replace(
    tx: &mut Tx,
    document: Uuid,
    recipients: &[(Option<Uuid>, String, String)],
) -> Result<(), StoreError> {
    tx.execute(query("DELETE FROM recipients WHERE document_id = $1").bind(document))
        .await?;
    for (position, (office, organ, name)) in recipients.iter().enumerate() {
        tx.execute(vanphong_platform::binds!(query(
                "INSERT INTO recipients (id, document_id, position, office_id, organ_id, name, status) \
                 VALUES ($1, $2, $3, $4, $5, $6, '')",
            )
            => new_id(), document, position as i64, *office, organ, name))
            .await?;
    }
    Ok(())
}

/// The recipients in the order they were given.
pub async fn of_document(tx: &mut Tx, document: Uuid) -> Result<Vec<Recipient>, StoreError> {
    let rows: Vec<Row> = tx
        .fetch_all(
            vanphong_platform::db::query_built(format!(
                "SELECT {COLUMNS} FROM recipients WHERE document_id = $1 ORDER BY position"
            ))
            .bind(document),
        )
        .await?;
    Ok(rows.into_iter().map(Row::into_recipient).collect::<Result<_, _>>()?)
}

/// The recipients of many documents at once (a register book's rows), in
/// the order given for each; a document without recipients is absent.
pub async fn of_documents(tx: &mut Tx, documents: &[Uuid]) -> Result<HashMap<Uuid, Vec<Recipient>>, StoreError> {
    let mut out: HashMap<Uuid, Vec<Recipient>> = HashMap::new();
    for slice in documents.chunks(IDS_PER_STATEMENT) {
        let sql = format!(
            "SELECT {COLUMNS} FROM recipients WHERE document_id IN ({}) ORDER BY document_id, position",
            placeholders(slice.len())
        );
        let rows: Vec<Row> = tx
            .fetch_all(slice.iter().fold(query_built(sql), |q, id| q.bind(*id)))
            .await?;
        for row in rows {
            let recipient = row.into_recipient()?;
            out.entry(recipient.document_id).or_default().push(recipient);
        }
    }
    Ok(out)
}

/// The recipient whose incoming copy this is.
pub async fn by_incoming(tx: &mut Tx, incoming: Uuid) -> Result<Option<Recipient>, StoreError> {
    let row: Option<Row> = tx
        .fetch_optional(
            vanphong_platform::db::query_built(format!(
                "SELECT {COLUMNS} FROM recipients WHERE incoming_document_id = $1"
            ))
            .bind(incoming),
        )
        .await?;
    Ok(row.map(Row::into_recipient).transpose()?)
}

/// The document a recipient entry belongs to.
pub async fn document_of(tx: &mut Tx, recipient: Uuid) -> Result<Option<Uuid>, StoreError> {
    let found: Option<String> = tx
        .scalar(query("SELECT document_id FROM recipients WHERE id = $1").bind(recipient))
        .await?;
    let key = recipient.to_string();
    Ok(RowDecoder::new("recipients", &key).opt_id("document_id", found.as_deref())?)
}

/// Records where a recipient's copy went.
pub async fn link_incoming(tx: &mut Tx, recipient: Uuid, incoming: Uuid) -> Result<(), StoreError> {
    tx.execute(
        query("UPDATE recipients SET incoming_document_id = $1 WHERE id = $2")
            .bind(incoming)
            .bind(recipient),
    )
    .await?;
    Ok(())
}

/// Sets a recipient's status and keeps it in the history.
pub async fn set_status(
    tx: &mut Tx,
    recipient: Uuid,
    status: &str,
    at: DateTime<Utc>,
    note: &str,
) -> Result<(), StoreError> {
    tx.execute(
        query("UPDATE recipients SET status = $1, status_at = $2 WHERE id = $3")
            .bind(status)
            .bind(at)
            .bind(recipient),
    )
    .await?;
    tx.execute(
        query("INSERT INTO recipient_statuses (recipient_id, at, status, note) VALUES ($1, $2, $3, $4)")
            .bind(recipient)
            .bind(at)
            .bind(status)
            .bind(note),
    )
    .await?;
    Ok(())
}
