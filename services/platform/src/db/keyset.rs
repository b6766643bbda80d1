//! Keyset paging in a chosen order: a list ordered by some key (then by
//! id) is read a page at a time after the last row of the previous page,
//! whose key and id travel in the page token. The order says whether its
//! key is a number or text, so a token's key is checked before it reaches
//! the query, and a token issued for another order is refused.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::{Clauses, Value};
use crate::paging::{from_page_token, page_token};

/// One order a list can be read in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Order {
    /// The expression rows are ordered by (fixed in the source), then by id.
    pub key: &'static str,
    pub descending: bool,
    /// Whether the key is text (a date as `YYYY-MM-DD`, say) rather than a
    /// whole number.
    pub text: bool,
}

impl Order {
    /// Newest first, by the creation instant (micros): the lists' usual
    /// order.
    pub const NEWEST: Order = Order::number("created_at", true);
    pub const OLDEST: Order = Order::number("created_at", false);

    /// An order by a whole-number key.
    pub const fn number(key: &'static str, descending: bool) -> Order {
        Order {
            key,
            descending,
            text: false,
        }
    }

    /// An order by a text key (a date as `YYYY-MM-DD`, say).
    pub const fn text(key: &'static str, descending: bool) -> Order {
        Order {
            key,
            descending,
            text: true,
        }
    }
}

/// What a query orders a missing date as: after every real one, so rows
/// without a deadline come last (`COALESCE(due_on, '9999-12-31')`).
pub const NO_DATE: &str = "9999-12-31";

/// The key of an optional date in a text order, as the query computes it
/// (see [`NO_DATE`]).
pub fn date_key(date: Option<NaiveDate>) -> String {
    date.map(|d| d.format("%Y-%m-%d").to_string())
        .unwrap_or_else(|| NO_DATE.to_string())
}

/// Where the previous page ended: the last row's key, written as text,
/// and its id.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PageCursor {
    pub key: String,
    pub id: String,
}

impl PageCursor {
    /// The cursor after a row whose key is `key` (as the query computes it).
    pub fn new(key: impl ToString, id: Uuid) -> PageCursor {
        PageCursor {
            key: key.to_string(),
            id: id.to_string(),
        }
    }

    /// The page token that carries the cursor.
    pub fn encode(&self) -> String {
        page_token(self)
    }

    /// The cursor of a page token issued for a list in `order`; `None`
    /// for anything else (another order's token, a tampered one).
    pub fn decode(token: &str, order: Order) -> Option<PageCursor> {
        let cursor: PageCursor = from_page_token(token)?;
        Uuid::parse_str(&cursor.id).ok()?;
        if !order.text {
            cursor.key.parse::<i64>().ok()?;
        }
        Some(cursor)
    }

    /// The key and id as the query compares them.
    fn bound(&self, order: Order) -> (Value, Value) {
        let key = if order.text {
            Value::from(self.key.as_str())
        } else {
            Value::from(self.key.parse::<i64>().unwrap_or_default())
        };
        (key, Value::from(self.id.as_str()))
    }
}

impl Clauses {
    /// Ends the statement with one page in `order`, after `after`.
    pub fn page_in(&mut self, order: Order, after: Option<&PageCursor>, limit: u32) {
        self.page(order.key, order.descending, after.map(|a| a.bound(order)), limit);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NUMBERED: Order = Order::number("number", true);
    const DATED: Order = Order::text("due_on", false);

    #[test]
    fn a_token_reads_back_only_for_an_order_whose_key_it_fits() {
        let id = Uuid::new_v4();
        let dated = PageCursor::new("2026-12-07", id);
        assert_eq!(PageCursor::decode(&dated.encode(), DATED), Some(dated.clone()));
        assert_eq!(PageCursor::decode(&dated.encode(), NUMBERED), None);
        let numbered = PageCursor::new(42, id);
        assert_eq!(PageCursor::decode(&numbered.encode(), NUMBERED), Some(numbered));
        assert_eq!(PageCursor::decode("not a token", DATED), None);
        let odd = PageCursor {
            key: "1".into(),
            id: "x' OR 1=1".into(),
        };
        assert_eq!(PageCursor::decode(&odd.encode(), NUMBERED), None);
    }
}
