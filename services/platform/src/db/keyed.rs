//! Texts kept one per key and replaced whole: a service's rules (one JSON
//! document), a document's body. Every such table has the key, the text and
//! the instant it was last written.

use chrono::{DateTime, Utc};

use super::{StoreError, Tx, Value, query_built};

/// A table of texts, one per key: `table (key, text, updated_at)` under the
/// names given here (fixed in the source, never from input).
#[derive(Debug, Clone, Copy)]
pub struct KeyedTexts {
    pub table: &'static str,
    /// The key column (the table's primary key).
    pub key: &'static str,
    /// The text column.
    pub text: &'static str,
}

impl KeyedTexts {
    /// The text under `key`, if one was ever written.
    pub async fn get(&self, tx: &mut Tx, key: impl Into<Value>) -> Result<Option<String>, StoreError> {
        let sql = format!("SELECT {} FROM {} WHERE {} = $1", self.text, self.table, self.key);
        tx.scalar(query_built(sql).bind(key)).await
    }

    /// Writes `text` under `key` in place of what was there.
    pub async fn put(
        &self,
        tx: &mut Tx,
        key: impl Into<Value>,
        text: impl Into<Value>,
        at: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let (table, key_column, text_column) = (self.table, self.key, self.text);
        let sql = format!(
            "INSERT INTO {table} ({key_column}, {text_column}, updated_at) VALUES ($1, $2, $3) \
             ON CONFLICT ({key_column}) DO UPDATE SET {text_column} = excluded.{text_column}, \
             updated_at = excluded.updated_at"
        );
        tx.execute(query_built(sql).bind(key).bind(text).bind(at)).await?;
        Ok(())
    }
}
