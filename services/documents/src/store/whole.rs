//! A document with everything shown beside it (its distribution,
//! coordinators, history, recipients and text) read by one statement: the
//! child rows come back as JSON array columns of the document's row, so a
//! `GetDocument` is one round trip to the database instead of one per
//! child table (on SQLite, one trip to its thread instead of seven).

use uuid::Uuid;

use vanphong_platform::db::{Backend, CorruptRow, Db, RowDecoder, StoreError, json_rows, json_values, query_built};
use vanphong_platform::history::Event;

use super::documents::{COLUMNS, Row};
use super::people::DOCUMENTS;
use super::recipients::{self, Recipient};
use crate::domain::document::Document;

/// What is read with a document, and what an answer shows besides its own
/// columns.
#[derive(Default)]
pub struct Children {
    pub coordinators: Vec<Uuid>,
    pub distribution: Vec<Uuid>,
    pub events: Vec<Event>,
    pub recipients: Vec<Recipient>,
    /// An outgoing document's text; empty when it has none.
    pub body: String,
}

#[derive(sqlx::FromRow)]
struct WholeRow {
    #[sqlx(flatten)]
    document: Row,
    distribution_json: String,
    coordinators_json: String,
    events_json: String,
    recipients_json: String,
    body: Option<String>,
}

/// The document `id` with its children, as of one moment.
pub async fn get(db: &Db, id: Uuid) -> Result<Option<(Document, Children)>, StoreError> {
    let row: Option<WholeRow> = db.fetch_optional(query_built(statement(db.backend())).bind(id)).await?;
    row.map(WholeRow::decode).transpose().map_err(StoreError::from)
}

fn statement(backend: Backend) -> String {
    let of_document = |table: &str| format!("{table} WHERE document_id = documents.id");
    format!(
        "SELECT {COLUMNS}, {} AS distribution_json, {} AS coordinators_json, {} AS events_json, \
         {} AS recipients_json, (SELECT body FROM document_texts WHERE document_id = documents.id) AS body \
         FROM documents WHERE id = $1",
        json_values(backend, &of_document("document_distribution"), "user_id"),
        json_values(
            backend,
            &format!("{} AND NOT lead", of_document("document_handlers")),
            "user_id"
        ),
        DOCUMENTS.as_json_column(backend, "documents.id"),
        json_rows(backend, &of_document("recipients"), recipients::COLUMNS, "position"),
    )
}

impl WholeRow {
    fn decode(self) -> Result<(Document, Children), CorruptRow> {
        let document = self.document.into_document()?;
        let key = document.id.to_string();
        let d = RowDecoder::new("documents", &key);
        let ids = |column: &'static str, json: &str| -> Result<Vec<Uuid>, CorruptRow> {
            let texts: Vec<String> =
                serde_json::from_str(json).map_err(|e| d.corrupt(column, e, "a JSON array of ids"))?;
            texts.iter().map(|t| d.id(column, t)).collect()
        };
        let children = Children {
            distribution: ids("distribution", &self.distribution_json)?,
            coordinators: ids("coordinators", &self.coordinators_json)?,
            events: DOCUMENTS.from_json(&key, &self.events_json)?,
            recipients: recipients::from_json(&key, &self.recipients_json)?,
            body: self.body.unwrap_or_default(),
        };
        Ok((document, children))
    }
}
