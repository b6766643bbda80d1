//! The finance rules of a reorganisation (docs/domain.md §1): on the day an
//! office ends, what it had not spent and its open commitments pass to the
//! successor, and its books are closed: every account's balance is taken
//! out of its books and brought into the successor's by one transaction in
//! each, dated that day, so the ended office's books balance to zero and
//! stay reportable as they were.

use super::ledger::{Entry, reversal};

/// An account's totals up to the day.
pub struct AccountTotal<'a> {
    pub code: &'a str,
    pub debit: i64,
    pub credit: i64,
}

/// The entries that bring every account of the ended office to zero: a
/// debit balance is credited and a credit balance debited. They balance
/// because the books did. Empty when every account is already at zero.
pub fn closing_entries(totals: &[AccountTotal]) -> Vec<Entry> {
    totals
        .iter()
        .filter_map(|t| {
            let net = t.debit.checked_sub(t.credit)?;
            match net {
                0 => None,
                n if n > 0 => Some(Entry::credit(t.code, n)),
                n => Some(Entry::debit(t.code, n.checked_neg()?)),
            }
        })
        .collect()
}

/// The successor's side: the same balances brought in.
pub fn opening_entries(closing: &[Entry]) -> Vec<Entry> {
    reversal(closing)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::ledger::{Side, check_balanced};

    #[test]
    fn closing_brings_every_account_to_zero_and_opening_mirrors_it() {
        let totals = [
            AccountTotal {
                code: "111",
                debit: 50_000_000,
                credit: 12_000_000,
            },
            AccountTotal {
                code: "461",
                debit: 0,
                credit: 50_000_000,
            },
            AccountTotal {
                code: "661",
                debit: 12_000_000,
                credit: 0,
            },
            AccountTotal {
                code: "331",
                debit: 5,
                credit: 5,
            },
        ];
        let closing = closing_entries(&totals);
        assert_eq!(closing.len(), 3, "an account already at zero needs nothing");
        assert_eq!(check_balanced(&closing).expect("balanced"), 50_000_000);
        let cash = closing.iter().find(|e| e.account_code == "111").expect("cash");
        assert_eq!((cash.side, cash.amount), (Side::Credit, 38_000_000));
        let opening = opening_entries(&closing);
        let cash = opening.iter().find(|e| e.account_code == "111").expect("cash");
        assert_eq!((cash.side, cash.amount), (Side::Debit, 38_000_000));
    }
}
