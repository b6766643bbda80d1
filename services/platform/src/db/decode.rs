//! Reading stored values into domain types, failing loudly.
//!
//! A row holds ids as text, dates as `YYYY-MM-DD` text, instants as
//! microseconds, states and kinds as codes. A value that cannot be read
//! (a mangled id, an impossible date, a code this version does not know) is
//! never shown as something else (a nil id, 1970-01-01, a default state):
//! the read fails with [`CorruptRow`], naming the table, the row's key and
//! the column, and the caller gets `INTERNAL` with the trace id.
//!
//! Each store reads its rows through a [`RowDecoder`]:
//!
//! ```ignore
//! let d = RowDecoder::new("petitions", &row.id);
//! Petition {
//!     id: d.id("id", &row.id)?,
//!     received_on: d.date("received_on", &row.received_on)?,
//!     state: d.coded("state", &row.state)?,
//!     closed_at: d.opt_timestamp("closed_at", row.closed_at)?,
//!     ..
//! }
//! ```

use std::fmt::Display;

use chrono::{DateTime, NaiveDate, Utc};
use serde::de::DeserializeOwned;
use uuid::Uuid;

/// A stored value that cannot be read.
#[derive(Debug, thiserror::Error)]
#[error("unreadable row in {table} (key {key}): {column} = {value:?} is not {expected}")]
pub struct CorruptRow {
    /// The table the row comes from.
    pub table: &'static str,
    /// The row's key, as stored.
    pub key: String,
    /// The column holding the value.
    pub column: &'static str,
    /// The value, as stored (shortened).
    pub value: String,
    /// What the column should hold.
    pub expected: &'static str,
}

/// Longest part of a bad value kept in the error.
const SHOWN: usize = 64;

/// Reads the columns of one row of `table`, known by `key`.
#[derive(Debug, Clone, Copy)]
pub struct RowDecoder<'k> {
    table: &'static str,
    key: &'k str,
}

impl<'k> RowDecoder<'k> {
    pub fn new(table: &'static str, key: &'k str) -> Self {
        RowDecoder { table, key }
    }

    /// The error for `value` in `column`.
    pub fn corrupt(&self, column: &'static str, value: impl Display, expected: &'static str) -> CorruptRow {
        let value: String = value.to_string().chars().take(SHOWN).collect();
        CorruptRow {
            table: self.table,
            key: self.key.to_string(),
            column,
            value,
            expected,
        }
    }

    /// An id stored as text.
    pub fn id(&self, column: &'static str, value: &str) -> Result<Uuid, CorruptRow> {
        Uuid::parse_str(value).map_err(|_| self.corrupt(column, value, "an id"))
    }

    /// An optional id stored as text (NULL for none).
    pub fn opt_id(&self, column: &'static str, value: Option<&str>) -> Result<Option<Uuid>, CorruptRow> {
        value.map(|v| self.id(column, v)).transpose()
    }

    /// A calendar date stored as `YYYY-MM-DD`.
    pub fn date(&self, column: &'static str, value: &str) -> Result<NaiveDate, CorruptRow> {
        NaiveDate::parse_from_str(value, "%Y-%m-%d").map_err(|_| self.corrupt(column, value, "a date (YYYY-MM-DD)"))
    }

    /// An optional date (NULL for none).
    pub fn opt_date(&self, column: &'static str, value: Option<&str>) -> Result<Option<NaiveDate>, CorruptRow> {
        value.map(|v| self.date(column, v)).transpose()
    }

    /// An instant stored as microseconds since the epoch (UTC).
    pub fn timestamp(&self, column: &'static str, micros: i64) -> Result<DateTime<Utc>, CorruptRow> {
        DateTime::from_timestamp_micros(micros).ok_or_else(|| self.corrupt(column, micros, "an instant"))
    }

    /// An optional instant (NULL for none).
    pub fn opt_timestamp(
        &self,
        column: &'static str,
        micros: Option<i64>,
    ) -> Result<Option<DateTime<Utc>>, CorruptRow> {
        micros.map(|m| self.timestamp(column, m)).transpose()
    }

    /// A coded value (a state, a kind…) read by `parse`, its type's own
    /// reading of its codes; a code it does not know is an error.
    pub fn code<C: Display + ?Sized, T>(
        &self,
        column: &'static str,
        code: &C,
        parse: impl FnOnce(&C) -> Option<T>,
    ) -> Result<T, CorruptRow> {
        parse(code).ok_or_else(|| self.corrupt(column, code, "a known code"))
    }

    /// An optional coded value (NULL for none).
    pub fn opt_code<C: Display + ?Sized, T>(
        &self,
        column: &'static str,
        code: Option<&C>,
        parse: impl FnOnce(&C) -> Option<T>,
    ) -> Result<Option<T>, CorruptRow> {
        code.map(|c| self.code(column, c, parse)).transpose()
    }

    /// A value of a closed vocabulary stored as its code
    /// ([`crate::coded`]); a code this version does not know is an error.
    pub fn coded<T: crate::coded::Coded>(&self, column: &'static str, code: &str) -> Result<T, CorruptRow> {
        T::from_code(code).map_err(|_| self.corrupt(column, code, "a known code"))
    }

    /// An optional coded value (NULL for none).
    pub fn opt_coded<T: crate::coded::Coded>(
        &self,
        column: &'static str,
        code: Option<&str>,
    ) -> Result<Option<T>, CorruptRow> {
        code.map(|c| self.coded(column, c)).transpose()
    }

    /// A stored integer narrowed to the type the domain uses.
    pub fn int<T: TryFrom<i64>>(&self, column: &'static str, value: i64) -> Result<T, CorruptRow> {
        T::try_from(value).map_err(|_| self.corrupt(column, value, "a number in range"))
    }

    /// A JSON document stored as text.
    pub fn json<T: DeserializeOwned>(&self, column: &'static str, value: &str) -> Result<T, CorruptRow> {
        serde_json::from_str(value).map_err(|_| self.corrupt(column, value, "a JSON document of the expected shape"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_colour(code: &str) -> Option<u8> {
        match code {
            "red" => Some(1),
            "blue" => Some(2),
            _ => None,
        }
    }

    #[test]
    fn good_values_are_read() {
        let d = RowDecoder::new("things", "k1");
        let id = Uuid::now_v7();
        assert_eq!(d.id("id", &id.to_string()).ok(), Some(id));
        assert_eq!(d.opt_id("id", None).ok(), Some(None));
        assert_eq!(d.date("on", "2026-03-02").ok(), NaiveDate::from_ymd_opt(2026, 3, 2));
        assert_eq!(d.code("colour", "blue", parse_colour).ok(), Some(2));
        assert_eq!(d.int::<i32>("year", 2026).ok(), Some(2026));
        assert!(d.timestamp("at", 1_772_416_800_000_000).is_ok());
    }

    #[test]
    fn bad_values_name_the_table_key_and_column_and_never_default() {
        let d = RowDecoder::new("things", "k1");
        let e = d.id("office_id", "not-an-id").expect_err("bad id");
        assert_eq!((e.table, e.key.as_str(), e.column), ("things", "k1", "office_id"));
        assert!(e.to_string().contains("things") && e.to_string().contains("k1"), "{e}");
        assert!(d.opt_id("office_id", Some("")).is_err());
        assert!(d.date("on", "2026-02-30").is_err());
        assert!(d.opt_date("on", Some("02/03/2026")).is_err());
        assert!(d.code("colour", "green", parse_colour).is_err());
        assert!(d.opt_code("colour", Some("green"), parse_colour).is_err());
        assert!(d.int::<u32>("number", -1).is_err());
        assert!(d.timestamp("at", i64::MAX).is_err());
        assert!(d.json::<Vec<String>>("list", "{").is_err());
        let long = "x".repeat(1000);
        assert!(d.id("id", &long).expect_err("bad").value.len() <= SHOWN);
    }
}
