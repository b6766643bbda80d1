//! The domain's vocabularies and stored rows to wire messages. Every id, date, instant, number and code
//! of a row is read through its [`RowDecoder`]: a value that cannot be read
//! fails the answer (`INTERNAL`), never reaches the wire as a default.

use vanphong_platform::clock::{format_date, to_timestamp};
use vanphong_platform::db::{CorruptRow, RowDecoder};
use vanphong_proto::finance::v1 as wire;

use crate::domain::budget::{AllocationKind, EstimateStatus, OverspendPolicy};
use crate::domain::dues::MemberCategory;
use crate::domain::ledger::{AccountKind, Side, TxKind};
use crate::store::budget::{AllocationRow, BalanceRow, EstimateLineRow, EstimateRow};
use crate::store::catalog::LineRow;
use crate::store::dues::{CellRow, CollectionRow, RemittanceRow};
use crate::store::ledger::{AccountRow, PostingRow, TxRow};
use crate::store::spending::{CommitmentRow, CommitmentSort, VoucherRow, VoucherSort};

vanphong_platform::wire_enum!(Side => wire::Side { Debit, Credit });
vanphong_platform::wire_enum!(AccountKind => wire::AccountKind { Asset, Liability, Revenue, Expense, Equity });
vanphong_platform::wire_enum!(TxKind => wire::TransactionKind { Manual, Voucher, Reversal, Dues, Remittance, Handover });
vanphong_platform::wire_enum!(MemberCategory => wire::MemberCategory { Salaried, Pensioner, Student });
vanphong_platform::wire_enum!(OverspendPolicy => wire::OverspendPolicy { Refuse, Warn });
vanphong_platform::wire_enum!(EstimateStatus => wire::EstimateStatus { Draft, Submitted, Approved, Returned });
vanphong_platform::wire_enum!(AllocationKind => wire::AllocationKind { Estimate, Allocation, Adjustment, Handover });

/// An instant column on the wire.
pub(crate) fn timestamp(
    d: &RowDecoder<'_>,
    column: &'static str,
    micros: i64,
) -> Result<Option<prost_types::Timestamp>, CorruptRow> {
    Ok(Some(to_timestamp(d.timestamp(column, micros)?)))
}

/// An optional instant column on the wire (NULL for none).
fn opt_timestamp(
    d: &RowDecoder<'_>,
    column: &'static str,
    micros: Option<i64>,
) -> Result<Option<prost_types::Timestamp>, CorruptRow> {
    Ok(d.opt_timestamp(column, micros)?.map(to_timestamp))
}

/// An id column on the wire, once read.
fn id(d: &RowDecoder<'_>, column: &'static str, value: &str) -> Result<String, CorruptRow> {
    Ok(d.id(column, value)?.to_string())
}

/// An optional id column on the wire (NULL for none: empty).
fn opt_id(d: &RowDecoder<'_>, column: &'static str, value: Option<&str>) -> Result<String, CorruptRow> {
    Ok(d.opt_id(column, value)?.map(|u| u.to_string()).unwrap_or_default())
}

/// A date column on the wire, once read.
fn date(d: &RowDecoder<'_>, column: &'static str, value: &str) -> Result<String, CorruptRow> {
    Ok(format_date(d.date(column, value)?))
}

pub(crate) fn line(l: &LineRow) -> Result<wire::BudgetLine, CorruptRow> {
    Ok(wire::BudgetLine {
        code: l.code.clone(),
        item_code: l.item_code.clone(),
        name: l.name.clone(),
        chapter: l.chapter.clone(),
        type_code: l.type_code.clone(),
        clause_code: l.clause_code.clone(),
        overspend: l.policy()?.to_wire(),
        active: l.active,
    })
}

pub(crate) fn estimate(
    e: &EstimateRow,
    lines: &[EstimateLineRow],
    name_of: impl Fn(&str) -> String,
) -> Result<wire::Estimate, CorruptRow> {
    let d = e.decoder();
    Ok(wire::Estimate {
        id: id(&d, "id", &e.id)?,
        office_id: id(&d, "office_id", &e.office_id)?,
        year: e.year()?,
        status: e.status()?.to_wire(),
        lines: lines
            .iter()
            .map(|l| wire::EstimateLine {
                line_code: l.line_code.clone(),
                amount: l.amount,
                note: l.note.clone(),
                line_name: name_of(&l.line_code),
            })
            .collect(),
        total: lines.iter().fold(0_i64, |t, l| t.saturating_add(l.amount)),
        note: e.note.clone(),
        return_reason: e.return_reason.clone(),
        created_by: id(&d, "created_by", &e.created_by)?,
        created_at: timestamp(&d, "created_at", e.created_at)?,
        submitted_at: opt_timestamp(&d, "submitted_at", e.submitted_at)?,
        decided_by: opt_id(&d, "decided_by", e.decided_by.as_deref())?,
        decided_at: opt_timestamp(&d, "decided_at", e.decided_at)?,
        supplementary: e.supplementary,
    })
}

pub(crate) fn allocation(a: &AllocationRow) -> Result<wire::Allocation, CorruptRow> {
    let d = a.decoder();
    Ok(wire::Allocation {
        id: id(&d, "id", &a.id)?,
        year: d.int("year", a.year)?,
        from_office_id: opt_id(&d, "from_office_id", a.from_office_id.as_deref())?,
        to_office_id: id(&d, "to_office_id", &a.to_office_id)?,
        line_code: a.line_code.clone(),
        amount: a.amount,
        kind: a.kind()?.to_wire(),
        reason: a.reason.clone(),
        decision_ref: a.decision_ref.clone(),
        allocated_on: date(&d, "allocated_on", &a.allocated_on)?,
        created_by: id(&d, "created_by", &a.created_by)?,
        created_at: timestamp(&d, "created_at", a.created_at)?,
    })
}

/// A budget line's running totals, or an office's total of them (no row
/// of its own: an empty id).
pub(crate) fn allocation_line(
    b: &BalanceRow,
    name: String,
    policy: OverspendPolicy,
) -> Result<wire::AllocationLine, CorruptRow> {
    let h = b.holding();
    let d = b.decoder();
    Ok(wire::AllocationLine {
        id: if b.id.is_empty() {
            String::new()
        } else {
            id(&d, "id", &b.id)?
        },
        office_id: id(&d, "office_id", &b.office_id)?,
        year: b.year()?,
        line_code: b.line_code.clone(),
        line_name: name,
        held: b.held,
        allocated_out: b.allocated_out,
        spent: b.spent,
        committed: b.committed,
        remaining: h.remaining().unwrap_or_default(),
        executed_basis_points: h.executed_basis_points(),
        overspend: policy.to_wire(),
    })
}

pub(crate) fn account(a: &AccountRow) -> Result<wire::Account, CorruptRow> {
    Ok(wire::Account {
        office_id: id(&RowDecoder::new("accounts", &a.code), "office_id", &a.office_id)?,
        code: a.code.clone(),
        name: a.name.clone(),
        kind: a.kind()?.to_wire(),
    })
}

pub(crate) fn transaction(
    t: &TxRow,
    postings: &[PostingRow],
    reversed_by: Option<String>,
) -> Result<wire::Transaction, CorruptRow> {
    let d = t.decoder();
    Ok(wire::Transaction {
        id: id(&d, "id", &t.id)?,
        office_id: id(&d, "office_id", &t.office_id)?,
        number: t.number,
        posted_on: format_date(t.posted_on()?),
        description: t.description.clone(),
        kind: t.kind()?.to_wire(),
        postings: postings
            .iter()
            .map(|p| {
                let e = p.entry();
                wire::Posting {
                    account_code: e.account_code,
                    side: e.side.to_wire(),
                    amount: e.amount,
                    line_code: e.line_code.unwrap_or_default(),
                }
            })
            .collect(),
        reverses_id: opt_id(&d, "reverses_id", t.reverses_id.as_deref())?,
        reversed_by_id: opt_id(&d, "reversed_by", reversed_by.as_deref())?,
        source_id: opt_id(&d, "source_id", t.source_id.as_deref())?,
        created_by: id(&d, "created_by", &t.created_by)?,
        created_at: timestamp(&d, "created_at", t.created_at)?,
    })
}

pub(crate) fn voucher(v: &VoucherRow) -> Result<wire::Voucher, CorruptRow> {
    let d = v.decoder();
    Ok(wire::Voucher {
        id: id(&d, "id", &v.id)?,
        office_id: id(&d, "office_id", &v.office_id)?,
        year: d.int("year", v.year)?,
        number: v.number,
        allocation_line_id: id(&d, "balance_id", &v.balance_id)?,
        line_code: v.line_code.clone(),
        amount: v.amount,
        voucher_date: date(&d, "voucher_date", &v.voucher_date)?,
        description: v.description.clone(),
        payee: v.payee.clone(),
        payment_account: v.payment_account.clone(),
        warning: v.warning.clone(),
        commitment_id: opt_id(&d, "commitment_id", v.commitment_id.as_deref())?,
        transaction_id: id(&d, "transaction_id", &v.transaction_id)?,
        created_by: id(&d, "created_by", &v.created_by)?,
        created_at: timestamp(&d, "created_at", v.created_at)?,
    })
}

pub(crate) fn commitment(c: &CommitmentRow) -> Result<wire::Commitment, CorruptRow> {
    let d = c.decoder();
    let status = d.code("status", c.status.as_str(), |code| match code {
        "open" => Some(wire::CommitmentStatus::Open),
        "posted" => Some(wire::CommitmentStatus::Posted),
        "released" => Some(wire::CommitmentStatus::Released),
        _ => None,
    })?;
    Ok(wire::Commitment {
        id: id(&d, "id", &c.id)?,
        office_id: id(&d, "office_id", &c.office_id)?,
        year: d.int("year", c.year)?,
        allocation_line_id: id(&d, "balance_id", &c.balance_id)?,
        line_code: c.line_code.clone(),
        amount: c.amount,
        description: c.description.clone(),
        status: status as i32,
        warning: c.warning.clone(),
        committed_on: date(&d, "committed_on", &c.committed_on)?,
        voucher_id: opt_id(&d, "voucher_id", c.voucher_id.as_deref())?,
        posted_amount: c.posted_amount,
        created_by: id(&d, "created_by", &c.created_by)?,
        created_at: timestamp(&d, "created_at", c.created_at)?,
    })
}

pub(crate) fn cell(c: &CellRow) -> Result<wire::PartyCell, CorruptRow> {
    let d = c.decoder();
    Ok(wire::PartyCell {
        id: id(&d, "id", &c.id)?,
        office_id: id(&d, "office_id", &c.office_id)?,
        name: c.name.clone(),
        created_at: timestamp(&d, "created_at", c.created_at)?,
    })
}

pub(crate) fn collection(c: &CollectionRow) -> Result<wire::DuesCollection, CorruptRow> {
    let d = c.decoder();
    Ok(wire::DuesCollection {
        id: id(&d, "id", &c.id)?,
        office_id: id(&d, "office_id", &c.office_id)?,
        cell_id: c.cell_key.clone(),
        year: d.int("year", c.year)?,
        month: d.int("month", c.month)?,
        collected_on: date(&d, "collected_on", &c.collected_on)?,
        members: d.int("members", c.members)?,
        amount: c.amount,
        cell_share: c.cell_share,
        office_share: c.office_share,
        remitted_share: c.remitted_share,
        transaction_id: opt_id(&d, "transaction_id", c.transaction_id.as_deref())?,
        created_by: id(&d, "created_by", &c.created_by)?,
        created_at: timestamp(&d, "created_at", c.created_at)?,
    })
}

pub(crate) fn remittance(r: &RemittanceRow) -> Result<wire::DuesRemittance, CorruptRow> {
    let d = r.decoder();
    Ok(wire::DuesRemittance {
        id: id(&d, "id", &r.id)?,
        from_office_id: id(&d, "from_office_id", &r.from_office_id)?,
        to_office_id: id(&d, "to_office_id", &r.to_office_id)?,
        amount: r.amount,
        remitted_on: date(&d, "remitted_on", &r.remitted_on)?,
        child_transaction_id: id(&d, "child_transaction_id", &r.child_transaction_id)?,
        parent_transaction_id: id(&d, "parent_transaction_id", &r.parent_transaction_id)?,
        note: r.note.clone(),
        created_by: id(&d, "created_by", &r.created_by)?,
        created_at: timestamp(&d, "created_at", r.created_at)?,
        parent_kept_share: r.parent_kept_share,
        parent_owed_share: r.parent_owed_share,
    })
}

impl From<wire::VoucherSort> for VoucherSort {
    fn from(sort: wire::VoucherSort) -> Self {
        match sort {
            wire::VoucherSort::Unspecified => VoucherSort::Number,
            wire::VoucherSort::Newest => VoucherSort::Newest,
            wire::VoucherSort::Largest => VoucherSort::Largest,
        }
    }
}

impl From<wire::CommitmentSort> for CommitmentSort {
    fn from(sort: wire::CommitmentSort) -> Self {
        match sort {
            wire::CommitmentSort::Unspecified => CommitmentSort::Oldest,
            wire::CommitmentSort::Newest => CommitmentSort::Newest,
            wire::CommitmentSort::Largest => CommitmentSort::Largest,
        }
    }
}
