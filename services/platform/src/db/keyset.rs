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
/// and its id, with the order the page was read in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PageCursor {
    pub key: String,
    pub id: String,
    /// A mark of the order's key and direction, so a token is used only in
    /// the order that issued it.
    #[serde(default)]
    pub order: String,
}

impl Order {
    /// The order as a token records it: a short hash (FNV-1a) of its key
    /// and direction, so the query's text does not travel to callers.
    fn signature(self) -> String {
        let text = format!("{} {}", self.key, if self.descending { "desc" } else { "asc" });
        let hash = text.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
            (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
        });
        format!("{hash:016x}")
    }
}

impl PageCursor {
    /// The cursor after a row whose key is `key` (as the query computes it)
    /// in a list read in `order`.
    pub fn new(order: Order, key: impl ToString, id: impl ToString) -> PageCursor {
        PageCursor {
            key: key.to_string(),
            id: id.to_string(),
            order: order.signature(),
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
        if cursor.order != order.signature() {
            return None;
        }
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
    const LARGEST: Order = Order::number("amount", true);
    const DATED: Order = Order::text("due_on", false);

    #[test]
    fn a_token_reads_back_only_in_the_order_that_issued_it() {
        let id = Uuid::new_v4();
        let dated = PageCursor::new(DATED, "2026-12-07", id);
        assert_eq!(PageCursor::decode(&dated.encode(), DATED), Some(dated.clone()));
        assert_eq!(PageCursor::decode(&dated.encode(), NUMBERED), None);
        let numbered = PageCursor::new(NUMBERED, 42, id);
        assert_eq!(PageCursor::decode(&numbered.encode(), NUMBERED), Some(numbered.clone()));
        assert_eq!(
            PageCursor::decode(&numbered.encode(), LARGEST),
            None,
            "another order with a key of the same kind"
        );
        assert_eq!(
            PageCursor::decode(&numbered.encode(), Order::number("number", false)),
            None,
            "the other direction"
        );
        assert_eq!(PageCursor::decode("not a token", DATED), None);
        let odd = PageCursor {
            key: "1".into(),
            id: "x' OR 1=1".into(),
            order: NUMBERED.signature(),
        };
        assert_eq!(PageCursor::decode(&odd.encode(), NUMBERED), None);
    }
}
