//! Stored rows to wire messages.

use vanphong_platform::clock::{from_micros, to_timestamp};
use vanphong_proto::finance::v1 as wire;

use crate::domain::budget::{AllocationKind, OverspendPolicy};
use crate::domain::ledger::{AccountKind, TxKind};
use crate::store::budget::{AllocationRow, BalanceRow, EstimateLineRow, EstimateRow};
use crate::store::catalog::LineRow;
use crate::store::dues::{CellRow, CollectionRow, RemittanceRow};
use crate::store::ledger::{AccountRow, PostingRow, TxRow};
use crate::store::spending::{CommitmentRow, VoucherRow};

pub(crate) fn timestamp(micros: i64) -> Option<prost_types::Timestamp> {
    Some(to_timestamp(from_micros(micros)))
}

pub(crate) fn line(l: &LineRow) -> wire::BudgetLine {
    wire::BudgetLine {
        code: l.code.clone(),
        item_code: l.item_code.clone(),
        name: l.name.clone(),
        chapter: l.chapter.clone(),
        type_code: l.type_code.clone(),
        clause_code: l.clause_code.clone(),
        overspend: l.policy().to_wire(),
        active: l.active,
    }
}

pub(crate) fn estimate(e: &EstimateRow, lines: &[EstimateLineRow], name_of: impl Fn(&str) -> String) -> wire::Estimate {
    wire::Estimate {
        id: e.id.clone(),
        office_id: e.office_id.clone(),
        year: i32::try_from(e.year).unwrap_or_default(),
        status: e.status().to_wire(),
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
        created_by: e.created_by.clone(),
        created_at: timestamp(e.created_at),
        submitted_at: e.submitted_at.and_then(timestamp),
        decided_by: e.decided_by.clone().unwrap_or_default(),
        decided_at: e.decided_at.and_then(timestamp),
        supplementary: e.supplementary,
    }
}

pub(crate) fn allocation(a: &AllocationRow) -> wire::Allocation {
    wire::Allocation {
        id: a.id.clone(),
        year: i32::try_from(a.year).unwrap_or_default(),
        from_office_id: a.from_office_id.clone().unwrap_or_default(),
        to_office_id: a.to_office_id.clone(),
        line_code: a.line_code.clone(),
        amount: a.amount,
        kind: AllocationKind::from_code(&a.kind).to_wire(),
        reason: a.reason.clone(),
        decision_ref: a.decision_ref.clone(),
        allocated_on: a.allocated_on.clone(),
        created_by: a.created_by.clone(),
        created_at: timestamp(a.created_at),
    }
}

pub(crate) fn allocation_line(b: &BalanceRow, name: String, policy: OverspendPolicy) -> wire::AllocationLine {
    let h = b.holding();
    wire::AllocationLine {
        id: b.id.clone(),
        office_id: b.office_id.clone(),
        year: i32::try_from(b.year).unwrap_or_default(),
        line_code: b.line_code.clone(),
        line_name: name,
        held: b.held,
        allocated_out: b.allocated_out,
        spent: b.spent,
        committed: b.committed,
        remaining: h.remaining().unwrap_or_default(),
        executed_basis_points: h.executed_basis_points(),
        overspend: policy.to_wire(),
    }
}

pub(crate) fn account(a: &AccountRow) -> wire::Account {
    wire::Account {
        office_id: a.office_id.clone(),
        code: a.code.clone(),
        name: a.name.clone(),
        kind: a.kind().to_wire(),
    }
}

pub(crate) fn kind_of(code: &str) -> AccountKind {
    AccountKind::from_code(code).unwrap_or(AccountKind::Asset)
}

pub(crate) fn transaction(t: &TxRow, postings: &[PostingRow], reversed_by: Option<String>) -> wire::Transaction {
    wire::Transaction {
        id: t.id.clone(),
        office_id: t.office_id.clone(),
        number: t.number,
        posted_on: t.posted_on.clone(),
        description: t.description.clone(),
        kind: TxKind::from_code(&t.kind).map(TxKind::to_wire).unwrap_or_default(),
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
        reverses_id: t.reverses_id.clone().unwrap_or_default(),
        reversed_by_id: reversed_by.unwrap_or_default(),
        source_id: t.source_id.clone().unwrap_or_default(),
        created_by: t.created_by.clone(),
        created_at: timestamp(t.created_at),
    }
}

pub(crate) fn voucher(v: &VoucherRow) -> wire::Voucher {
    wire::Voucher {
        id: v.id.clone(),
        office_id: v.office_id.clone(),
        year: i32::try_from(v.year).unwrap_or_default(),
        number: v.number,
        allocation_line_id: v.balance_id.clone(),
        line_code: v.line_code.clone(),
        amount: v.amount,
        voucher_date: v.voucher_date.clone(),
        description: v.description.clone(),
        payee: v.payee.clone(),
        payment_account: v.payment_account.clone(),
        warning: v.warning.clone(),
        commitment_id: v.commitment_id.clone().unwrap_or_default(),
        transaction_id: v.transaction_id.clone(),
        created_by: v.created_by.clone(),
        created_at: timestamp(v.created_at),
    }
}

pub(crate) fn commitment(c: &CommitmentRow) -> wire::Commitment {
    let status = match c.status.as_str() {
        "posted" => wire::CommitmentStatus::Posted,
        "released" => wire::CommitmentStatus::Released,
        _ => wire::CommitmentStatus::Open,
    };
    wire::Commitment {
        id: c.id.clone(),
        office_id: c.office_id.clone(),
        year: i32::try_from(c.year).unwrap_or_default(),
        allocation_line_id: c.balance_id.clone(),
        line_code: c.line_code.clone(),
        amount: c.amount,
        description: c.description.clone(),
        status: status as i32,
        warning: c.warning.clone(),
        committed_on: c.committed_on.clone(),
        voucher_id: c.voucher_id.clone().unwrap_or_default(),
        posted_amount: c.posted_amount,
        created_by: c.created_by.clone(),
        created_at: timestamp(c.created_at),
    }
}

pub(crate) fn cell(c: &CellRow) -> wire::PartyCell {
    wire::PartyCell {
        id: c.id.clone(),
        office_id: c.office_id.clone(),
        name: c.name.clone(),
        created_at: timestamp(c.created_at),
    }
}

pub(crate) fn collection(c: &CollectionRow) -> wire::DuesCollection {
    wire::DuesCollection {
        id: c.id.clone(),
        office_id: c.office_id.clone(),
        cell_id: c.cell_key.clone(),
        year: i32::try_from(c.year).unwrap_or_default(),
        month: i32::try_from(c.month).unwrap_or_default(),
        members: i32::try_from(c.members).unwrap_or_default(),
        amount: c.amount,
        cell_share: c.cell_share,
        office_share: c.office_share,
        remitted_share: c.remitted_share,
        collected_on: c.collected_on.clone(),
        transaction_id: c.transaction_id.clone().unwrap_or_default(),
        created_by: c.created_by.clone(),
        created_at: timestamp(c.created_at),
    }
}

pub(crate) fn remittance(r: &RemittanceRow) -> wire::DuesRemittance {
    wire::DuesRemittance {
        id: r.id.clone(),
        from_office_id: r.from_office_id.clone(),
        to_office_id: r.to_office_id.clone(),
        amount: r.amount,
        remitted_on: r.remitted_on.clone(),
        child_transaction_id: r.child_transaction_id.clone(),
        parent_transaction_id: r.parent_transaction_id.clone(),
        note: r.note.clone(),
        created_by: r.created_by.clone(),
        created_at: timestamp(r.created_at),
        parent_kept_share: r.parent_kept_share,
        parent_owed_share: r.parent_owed_share,
    }
}
