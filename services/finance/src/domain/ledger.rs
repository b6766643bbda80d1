//! The double-entry ledger's rules: a transaction has two or more postings
//! whose debits equal their credits; it is never changed, and a reversal
//! is the same postings with the sides swapped.

use vanphong_platform::Error;

use super::money::{format_vnd, sum};

/// Nợ or Có.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    Debit,
    Credit,
}

impl Side {
    pub fn opposite(self) -> Side {
        match self {
            Side::Debit => Side::Credit,
            Side::Credit => Side::Debit,
        }
    }
}

vanphong_platform::coded! {
    /// The kind of an account, which says on which side it normally grows.
    pub enum AccountKind {
        Asset = "asset",
        Liability = "liability",
        Revenue = "revenue",
        Expense = "expense",
        Equity = "equity",
    }
}

vanphong_platform::coded! {
    /// What made a transaction.
    pub enum TxKind {
        Manual = "manual",
        Voucher = "voucher",
        Reversal = "reversal",
        Dues = "dues",
        Remittance = "remittance",
        /// Balances closed in an ended office's books and opened in its
        /// successor's (docs/domain.md §1, reorganisation).
        Handover = "handover",
    }
}

impl TxKind {
    /// Whether a reversal may be posted against it here. Dues and
    /// remittances carry records of their own and are not reversed by a
    /// bare ledger entry; a reversal is not reversed again.
    pub fn reversible(self) -> bool {
        matches!(self, TxKind::Manual | TxKind::Voucher)
    }
}

/// One line of a transaction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub account_code: String,
    pub side: Side,
    /// More than zero.
    pub amount: i64,
    /// The budget line an expense is charged to (vouchers only).
    pub line_code: Option<String>,
}

impl Entry {
    pub fn debit(account: &str, amount: i64) -> Entry {
        Entry {
            account_code: account.to_string(),
            side: Side::Debit,
            amount,
            line_code: None,
        }
    }

    pub fn credit(account: &str, amount: i64) -> Entry {
        Entry {
            account_code: account.to_string(),
            side: Side::Credit,
            amount,
            line_code: None,
        }
    }
}

/// Checks that `entries` form a transaction: two or more postings, both
/// sides present, debits equal to credits (summed with overflow checks).
/// Returns the total of each side.
pub fn check_balanced(entries: &[Entry]) -> Result<i64, Error> {
    if entries.len() < 2 {
        return Err(Error::invalid(
            "postings",
            "TOO_FEW",
            format!("Một giao dịch cần ít nhất 2 bút toán (nhận được {})", entries.len()),
        ));
    }
    let total = |side: Side| sum("postings", entries.iter().filter(|e| e.side == side).map(|e| e.amount));
    let debits = total(Side::Debit)?;
    let credits = total(Side::Credit)?;
    if debits == 0 || credits == 0 {
        return Err(Error::invalid(
            "postings",
            "ONE_SIDED",
            "Giao dịch phải có cả bút toán Nợ và bút toán Có",
        ));
    }
    if debits != credits {
        return Err(Error::invalid(
            "postings",
            "UNBALANCED",
            format!(
                "Tổng Nợ {} khác tổng Có {} (chênh lệch {})",
                format_vnd(debits),
                format_vnd(credits),
                format_vnd(debits.abs_diff(credits).try_into().unwrap_or(i64::MAX))
            ),
        ));
    }
    Ok(debits)
}

/// The postings that cancel `entries`.
pub fn reversal(entries: &[Entry]) -> Vec<Entry> {
    entries
        .iter()
        .map(|e| Entry {
            side: e.side.opposite(),
            ..e.clone()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn field_and_reason(e: Error) -> (String, &'static str, String) {
        match e {
            Error::InvalidArgument(v) => (v[0].field.clone(), v[0].reason, v[0].description.clone()),
            other => panic!("invalid argument expected, got {other:?}"),
        }
    }

    #[test]
    fn balanced_transactions_pass() {
        let entries = vec![
            Entry::debit("611", 700),
            Entry::debit("611", 300),
            Entry::credit("112", 1_000),
        ];
        assert_eq!(check_balanced(&entries).ok(), Some(1_000));
    }

    #[test]
    fn unbalanced_one_sided_and_short_transactions_fail() {
        let (field, reason, text) =
            field_and_reason(check_balanced(&[Entry::debit("611", 1_000), Entry::credit("112", 900)]).unwrap_err());
        assert_eq!((field.as_str(), reason), ("postings", "UNBALANCED"));
        assert!(
            text.contains("1.000 đ") && text.contains("900 đ") && text.contains("100 đ"),
            "{text}"
        );
        let (_, reason, _) = field_and_reason(check_balanced(&[Entry::debit("611", 1)]).unwrap_err());
        assert_eq!(reason, "TOO_FEW");
        let (_, reason, _) =
            field_and_reason(check_balanced(&[Entry::debit("611", 1), Entry::debit("111", 1)]).unwrap_err());
        assert_eq!(reason, "ONE_SIDED");
    }

    #[test]
    fn overflowing_sides_are_refused_not_wrapped() {
        let entries = vec![
            Entry::debit("611", i64::MAX),
            Entry::debit("611", 1),
            Entry::credit("112", i64::MAX),
        ];
        let (field, reason, _) = field_and_reason(check_balanced(&entries).unwrap_err());
        assert_eq!((field.as_str(), reason), ("postings", "OVERFLOW"));
    }

    #[test]
    fn a_reversal_swaps_every_side_and_balances() {
        let entries = vec![Entry::debit("611", 500), Entry::credit("112", 500)];
        let back = reversal(&entries);
        assert_eq!(back[0].side, Side::Credit);
        assert_eq!(back[1].side, Side::Debit);
        assert_eq!(check_balanced(&back).ok(), Some(500));
    }
}
