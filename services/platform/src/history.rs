//! The history of a record (a document's, a petition's): who did which step
//! when, with a note, oldest first. Each service keeps it in its own table
//! (`<record>_events`: `id`, the owner's id column, `at`, `actor_id`,
//! `actor_name`, `kind`, `note`) and reads and writes it through one
//! [`History`].

use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::db::{Backend, CorruptRow, Query, RowDecoder, StoreError, Tx, json_rows, query_built};
use crate::identity::Caller;
use crate::ids::new_id;

/// A step or note in a record's history.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event {
    pub at: DateTime<Utc>,
    pub actor_id: Uuid,
    pub actor_name: String,
    pub kind: String,
    pub note: String,
}

impl Event {
    /// A step `caller` took at `at`: how every service writes its
    /// histories.
    pub fn by(caller: &Caller, at: DateTime<Utc>, kind: &str, note: &str) -> Self {
        Self {
            at,
            actor_id: caller.subject_id,
            actor_name: caller.name.clone(),
            kind: kind.to_string(),
            note: note.to_string(),
        }
    }
}

/// The wire form of a history (`$events`, an iterable of `&Event`):
/// `$message` is the service's event message, which has the fields of
/// [`Event`]; who acted is named as the directory `$names` (a
/// `DirectorySnapshot`) knows them now, else as recorded.
/// `history_to_wire!(&extras.events, wire::DocumentEvent, &snapshot)`.
#[macro_export]
macro_rules! history_to_wire {
    ($events:expr, $($message:ident)::+, $names:expr) => {
        $events
            .into_iter()
            .map(|e: &$crate::history::Event| $($message)::+ {
                at: Some($crate::clock::to_timestamp(e.at)),
                actor_id: e.actor_id.to_string(),
                actor_name: $names.recorded_name(e.actor_id, &e.actor_name),
                kind: e.kind.clone(),
                note: e.note.clone(),
            })
            .collect()
    };
}

/// Where a service keeps one kind of record's history: fixed names from the
/// source, never input.
#[derive(Debug, Clone, Copy)]
pub struct History {
    /// The table (`document_events`).
    pub table: &'static str,
    /// Its column holding the record's id (`document_id`).
    pub owner: &'static str,
}

impl History {
    /// Appends an entry to the history of `owner`.
    pub async fn add(&self, tx: &mut Tx, owner: Uuid, event: &Event) -> Result<(), StoreError> {
        tx.execute(crate::binds!(query_built(format!(
                "INSERT INTO {} (id, {}, at, actor_id, actor_name, kind, note) VALUES ($1, $2, $3, $4, $5, $6, $7)",
                self.table, self.owner
            ))
            => new_id(), owner, event.at, event.actor_id, &event.actor_name, &event.kind, &event.note))
            .await?;
        Ok(())
    }

    /// [`add`](Self::add) as the body of a `WITH … AS (…)` in a caller's
    /// own statement (PostgreSQL), for an owner written by that statement:
    /// its id is read from `owner` (a common table expression returning
    /// `id`), the entry's values from the placeholders `$first` on, bound
    /// by [`bind_entry`](Self::bind_entry).
    pub fn add_after(&self, owner: &str, first: usize) -> String {
        let p: Vec<String> = (first..first + 6).map(|i| format!("${i}")).collect();
        format!(
            "INSERT INTO {} (id, {}, at, actor_id, actor_name, kind, note) \
             SELECT {}, {owner}.id, {}, {}, {}, {}, {} FROM {owner}",
            self.table, self.owner, p[0], p[1], p[2], p[3], p[4], p[5]
        )
    }

    /// Binds an entry's values in the order [`add_after`](Self::add_after)
    /// reads them.
    pub fn bind_entry(q: Query, event: &Event) -> Query {
        crate::binds!(q => new_id(), event.at, event.actor_id, &event.actor_name, &event.kind, &event.note)
    }

    /// The history of `owner`, oldest first.
    pub async fn of(&self, tx: &mut Tx, owner: Uuid) -> Result<Vec<Event>, StoreError> {
        let rows: Vec<EntryRow> = tx
            .fetch_all(
                query_built(format!(
                    "SELECT {ENTRY_COLUMNS} FROM {} WHERE {} = $1 ORDER BY {ENTRY_ORDER}",
                    self.table, self.owner
                ))
                .bind(owner),
            )
            .await?;
        Ok(self.entries(rows)?)
    }

    /// The history of the record whose id is the SQL expression `owner`, as
    /// one column of a caller's statement (a JSON array, oldest first), to
    /// read with [`from_json`](Self::from_json): a record and its history
    /// in one statement.
    pub fn as_json_column(&self, backend: Backend, owner: &str) -> String {
        json_rows(
            backend,
            &format!("{} WHERE {} = {owner}", self.table, self.owner),
            ENTRY_COLUMNS,
            ENTRY_ORDER,
        )
    }

    /// The entries of a column made by [`as_json_column`](Self::as_json_column).
    pub fn from_json(&self, owner: &str, json: &str) -> Result<Vec<Event>, CorruptRow> {
        let rows: Vec<EntryRow> = serde_json::from_str(json)
            .map_err(|e| RowDecoder::new(self.table, owner).corrupt("history", e, "a JSON array of entries"))?;
        self.entries(rows)
    }

    fn entries(&self, rows: Vec<EntryRow>) -> Result<Vec<Event>, CorruptRow> {
        let mut events = Vec::with_capacity(rows.len());
        for r in rows {
            let d = RowDecoder::new(self.table, &r.id);
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
}

/// A history entry as stored.
#[derive(sqlx::FromRow, serde::Deserialize)]
struct EntryRow {
    id: String,
    at: i64,
    actor_id: String,
    actor_name: String,
    kind: String,
    note: String,
}

const ENTRY_COLUMNS: &str = "id, at, actor_id, actor_name, kind, note";
const ENTRY_ORDER: &str = "at, id";
