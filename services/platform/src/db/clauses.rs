//! Statements assembled from optional parts: the `WHERE` clauses of a
//! filtered list with their placeholders numbered in order of use, keyset
//! paging after the last row of the previous page, and the counting
//! columns of "what waits for me" summaries.
//!
//! Only fixed fragments go into the text; every value is bound.

use std::collections::HashMap;

use sqlx::postgres::PgRow;
use sqlx::sqlite::SqliteRow;
use sqlx::{FromRow, Row};

use super::{Backend, Db, Query, StoreError, Value, query_built};

/// A statement being assembled: its text so far and the values bound to
/// its placeholders `$1`, `$2`, … in order.
#[derive(Debug, Clone)]
pub struct Clauses {
    sql: String,
    args: Vec<Value>,
}

impl Clauses {
    /// Starts from a statement that ends in a `WHERE` condition (e.g.
    /// `SELECT … FROM t WHERE 1 = 1`), to which [`Clauses::and`] adds.
    pub fn new(sql: impl Into<String>) -> Self {
        Clauses {
            sql: sql.into(),
            args: Vec::new(),
        }
    }

    /// Binds `value` to the next placeholder and returns that placeholder.
    pub fn arg(&mut self, value: impl Into<Value>) -> String {
        self.args.push(value.into());
        format!("${}", self.args.len())
    }

    /// Binds each value to a placeholder: `$3, $4, $5`.
    pub fn args<V: Into<Value>>(&mut self, values: impl IntoIterator<Item = V>) -> String {
        let ps: Vec<String> = values.into_iter().map(|v| self.arg(v)).collect();
        ps.join(", ")
    }

    /// Adds `AND clause` to the condition.
    pub fn and(&mut self, clause: &str) {
        self.sql.push_str(" AND ");
        self.sql.push_str(clause);
    }

    /// Adds `column IN (…)`: rows outside the values are never read (with
    /// no values, no row is), e.g. the offices a caller may see.
    pub fn only_in<V: Into<Value>>(&mut self, column: &str, values: impl IntoIterator<Item = V>) {
        let ps = self.args(values);
        if ps.is_empty() {
            self.and("1 = 0");
        } else {
            self.and(&format!("{column} IN ({ps})"));
        }
    }

    /// Adds `column IN (…)` for the values of an optional filter, or
    /// nothing when there are none (an empty filter list means "any").
    pub fn filter_in<V: Into<Value>>(&mut self, column: &str, values: impl IntoIterator<Item = V>) {
        let ps = self.args(values);
        if !ps.is_empty() {
            self.and(&format!("{column} IN ({ps})"));
        }
    }

    /// Adds `column op value` when there is a value (`op` is one of `=`,
    /// `>=`, `<=` …, fixed in the source).
    pub fn compare<V: Into<Value>>(&mut self, column: &str, op: &str, value: Option<V>) {
        if let Some(value) = value {
            let p = self.arg(value);
            self.and(&format!("{column} {op} {p}"));
        }
    }

    /// Every folded word must start a word of `column` (folded words
    /// separated by single spaces); folded words hold only letters and
    /// digits, so they need no escaping in a `LIKE` pattern.
    pub fn word_prefixes(&mut self, column: &str, words: &[String]) {
        for w in words {
            let p = self.arg(format!("% {w}%"));
            self.and(&format!("(' ' || {column}) LIKE {p}"));
        }
    }

    /// Ends the statement with one page in `key` order then `id`: the rows
    /// after `after` (the previous page's last key and id), at most
    /// `limit` + 1 of them so that [`cut_page`] can tell whether another
    /// page follows.
    pub fn page(&mut self, key: &str, descending: bool, after: Option<(Value, Value)>, limit: u32) {
        let (op, order) = if descending { ("<", "DESC") } else { (">", "ASC") };
        if let Some((last_key, last_id)) = after {
            let k = self.arg(last_key);
            let i = self.arg(last_id);
            self.and(&format!("({key} {op} {k} OR ({key} = {k} AND id {op} {i}))"));
        }
        let limit = self.arg(i64::from(limit) + 1);
        self.sql
            .push_str(&format!(" ORDER BY {key} {order}, id {order} LIMIT {limit}"));
    }

    /// Appends `text` as it is (an `ORDER BY`, say).
    pub fn push(&mut self, text: &str) {
        self.sql.push_str(text);
    }

    /// The statement with its values bound.
    pub fn into_query(self) -> Query {
        self.args.into_iter().fold(query_built(self.sql), |q, v| q.bind(v))
    }
}

/// Keeps the first `limit` of the rows a [`Clauses::page`] query read and,
/// when it read more, the cursor after the last row kept.
pub fn cut_page<T, C>(mut rows: Vec<T>, limit: u32, cursor: impl Fn(&T) -> C) -> (Vec<T>, Option<C>) {
    let limit = limit as usize;
    if rows.len() > limit {
        rows.truncate(limit);
        let next = rows.last().map(cursor);
        (rows, next)
    } else {
        (rows, None)
    }
}

/// `$1, $2, … $n`: the placeholders of an `IN (…)` list or a row.
pub fn placeholders(n: usize) -> String {
    (1..=n).map(|i| format!("${i}")).collect::<Vec<_>>().join(", ")
}

/// `INSERT INTO table (columns) VALUES ($1, … $n)`, one placeholder per
/// column of the comma-separated `columns`, so a table's column list is
/// written once for its reads and its inserts.
pub fn insert_into(table: &str, columns: &str) -> String {
    let n = columns.split(',').count();
    format!("INSERT INTO {table} ({columns}) VALUES ({})", placeholders(n))
}

/// The rows of `from` (a table and its condition, fixed in the source,
/// which may name the caller's own tables) as one column of the caller's
/// statement: a JSON array of objects keyed by `columns` (comma-separated),
/// in `order`, `[]` when there are none. A record and its child rows are
/// then one statement, one round trip.
pub fn json_rows(backend: Backend, from: &str, columns: &str, order: &str) -> String {
    let pairs: Vec<String> = columns
        .split(',')
        .map(str::trim)
        .map(|c| format!("'{c}', {c}"))
        .collect();
    let pairs = pairs.join(", ");
    match backend {
        Backend::Postgres => {
            format!("(SELECT COALESCE(json_agg(json_build_object({pairs}) ORDER BY {order}), '[]')::text FROM {from})")
        }
        Backend::Sqlite => format!("(SELECT json_group_array(json_object({pairs}) ORDER BY {order}) FROM {from})"),
    }
}

/// One column's values of the rows of `from`, in its order, as a JSON
/// array column (see [`json_rows`]).
pub fn json_values(backend: Backend, from: &str, column: &str) -> String {
    match backend {
        Backend::Postgres => format!("(SELECT COALESCE(json_agg({column} ORDER BY {column}), '[]')::text FROM {from})"),
        Backend::Sqlite => format!("(SELECT json_group_array({column} ORDER BY {column}) FROM {from})"),
    }
}

/// A column counting the rows where `condition` holds (0 when none do).
pub fn count_where(condition: &str) -> String {
    format!("COALESCE(SUM(CASE WHEN {condition} THEN 1 ELSE 0 END), 0)")
}

/// A row of a grouped count: its key (e.g. an office id as stored) and
/// then `N` counting columns.
struct KeyedCounts<const N: usize>(String, [i64; N]);

impl<'r, const N: usize> FromRow<'r, SqliteRow> for KeyedCounts<N> {
    fn from_row(row: &'r SqliteRow) -> Result<Self, sqlx::Error> {
        let mut counts = [0i64; N];
        for (i, count) in counts.iter_mut().enumerate() {
            *count = row.try_get(i + 1)?;
        }
        Ok(KeyedCounts(row.try_get(0)?, counts))
    }
}

impl<'r, const N: usize> FromRow<'r, PgRow> for KeyedCounts<N> {
    fn from_row(row: &'r PgRow) -> Result<Self, sqlx::Error> {
        let mut counts = [0i64; N];
        for (i, count) in counts.iter_mut().enumerate() {
            *count = row.try_get(i + 1)?;
        }
        Ok(KeyedCounts(row.try_get(0)?, counts))
    }
}

/// The rows of a statement grouping counts by a key (`SELECT key,
/// count_where(…), … GROUP BY key`), each key with its `N` counts.
pub async fn counts_by_key<const N: usize>(db: &Db, q: Query) -> Result<HashMap<String, [i64; N]>, StoreError> {
    let rows: Vec<KeyedCounts<N>> = db.fetch_all(q).await?;
    Ok(rows.into_iter().map(|KeyedCounts(key, counts)| (key, counts)).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_insert_has_one_placeholder_per_column() {
        assert_eq!(
            insert_into("t", "a, b,\n c"),
            "INSERT INTO t (a, b,\n c) VALUES ($1, $2, $3)"
        );
    }

    #[test]
    fn placeholders_are_numbered_in_order_of_use_and_empty_filters_add_nothing() {
        let mut c = Clauses::new("SELECT id FROM t WHERE 1 = 1");
        c.only_in("office_id", ["a", "b"]);
        c.filter_in("state", Vec::<String>::new());
        c.compare("kind", "=", Some("x"));
        c.compare("received_on", ">=", None::<i64>);
        c.word_prefixes("search_text", &["ha".to_string()]);
        c.page("created_at", true, Some((Value::from(7_i64), Value::from("id"))), 20);
        let q = c.into_query();
        assert_eq!(
            q.sql(),
            "SELECT id FROM t WHERE 1 = 1 AND office_id IN ($1, $2) AND kind = $3 \
             AND (' ' || search_text) LIKE $4 AND (created_at < $5 OR (created_at = $5 AND id < $6)) \
             ORDER BY created_at DESC, id DESC LIMIT $7"
        );
        assert_eq!(q.args.last(), Some(&Value::Int(Some(21))));
    }

    #[test]
    fn a_restriction_to_no_values_reads_no_row() {
        let mut c = Clauses::new("SELECT id FROM t WHERE 1 = 1");
        c.only_in("office_id", Vec::<String>::new());
        assert_eq!(c.into_query().sql(), "SELECT id FROM t WHERE 1 = 1 AND 1 = 0");
    }

    #[test]
    fn a_page_is_cut_to_its_size_with_a_cursor_only_when_more_was_read() {
        assert_eq!(cut_page(vec![1, 2, 3], 2, |n| n * 10), (vec![1, 2], Some(20)));
        assert_eq!(cut_page(vec![1, 2], 2, |n| n * 10), (vec![1, 2], None));
    }
}
