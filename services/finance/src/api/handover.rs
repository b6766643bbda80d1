//! The finance service's part in a reorganisation (docs/domain.md §1,
//! rules in `domain::handover`): on the ending day, in one transaction,
//! - each budget line's unspent money passes to the successor by a
//!   `handover` allocation (the ended office's line then has nothing left);
//! - its open commitments move to the successor's same line;
//! - its books are closed by one ledger transaction and the balances opened
//!   in the successor's books by the mirror transaction, both dated that
//!   day, so the ended office's accounts stand at zero from then on.
//!
//! A month already closed in either office's books refuses the posting:
//! the handover then shows as failed with that reason until the month is
//! reopened, and is retried by itself.

use chrono::Datelike;

use vanphong_platform::Error;
use vanphong_platform::audit::{self as trail, Change};
use vanphong_platform::clock::{format_date, to_micros};
use vanphong_platform::db::Tx;
use vanphong_platform::handover::{Count, Job, TakesPart};
use vanphong_platform::ids::new_id;

use super::NewTransaction;
use super::budget::allocation_json;
use super::ledger::transaction_json;
use super::spending::commitment_json;
use crate::domain::budget::AllocationKind;
use crate::domain::handover::{AccountTotal, closing_entries, opening_entries};
use crate::domain::ledger::TxKind;
use crate::domain::money;
use crate::store;
use crate::store::budget::AllocationRow;
use crate::store::ledger::AccountRow;

/// Hands over budgets, commitments and books.
pub struct Finance;

impl TakesPart for Finance {
    async fn hand_over(&self, tx: &mut Tx, job: Job<'_>) -> Result<Vec<Count>, Error> {
        let Job { handover, at, .. } = job;
        let (from, to, day) = (handover.office_id, handover.successor_id, handover.effective_on);
        let year = day.year();
        let actor = handover.actor();
        let reason = handover.note();
        let reference = format!("Bàn giao ngày {}", day.format("%d/%m/%Y"));

        let mut lines_passed = 0;
        let mut commitments_moved = 0;
        for line in store::budget::list_balances(tx, from, year).await? {
            let mut theirs = store::budget::lock_balance(tx, from, year, &line.line_code).await?;
            let mut ours = store::budget::lock_balance(tx, to, year, &line.line_code).await?;
            for commitment in store::spending::list_commitments(tx, from, year).await? {
                if commitment.status != "open" || commitment.line_code != line.line_code {
                    continue;
                }
                let before = commitment_json(&commitment);
                let mut moved = commitment.clone();
                moved.office_id = to.to_string();
                moved.balance_id = ours.id.clone();
                store::spending::move_commitment(tx, &moved).await?;
                theirs.committed = money::sub("amount", theirs.committed, moved.amount)?;
                ours.committed = money::add("amount", ours.committed, moved.amount)?;
                trail::record(
                    tx,
                    &actor,
                    at,
                    Change::new(to, "commitment", &moved.id, "handover")
                        .before(Some(before))
                        .after(Some(commitment_json(&moved))),
                )
                .await?;
                commitments_moved += 1;
            }
            let unspent = theirs.holding().remaining()?;
            if unspent > 0 {
                theirs.allocated_out = money::add("amount", theirs.allocated_out, unspent)?;
                ours.held = money::add("amount", ours.held, unspent)?;
                let row = AllocationRow {
                    id: new_id().to_string(),
                    year: i64::from(year),
                    from_office_id: Some(from.to_string()),
                    to_office_id: to.to_string(),
                    line_code: line.line_code.clone(),
                    amount: unspent,
                    kind: AllocationKind::Handover.code().into(),
                    reason: reason.clone(),
                    decision_ref: reference.clone(),
                    allocated_on: format_date(day),
                    created_by: actor.subject_id.to_string(),
                    created_at: to_micros(at),
                };
                store::budget::insert_allocation(tx, &row).await?;
                for office in [from, to] {
                    trail::record(
                        tx,
                        &actor,
                        at,
                        Change::new(office, "allocation", &reference, "handover").after(Some(allocation_json(&row))),
                    )
                    .await?;
                }
                lines_passed += 1;
            }
            store::budget::save_balance(tx, &theirs).await?;
            store::budget::save_balance(tx, &ours).await?;
        }

        let totals = store::ledger::totals(tx, from, day).await?;
        let totals: Vec<AccountTotal> = totals
            .iter()
            .map(|t| AccountTotal {
                code: &t.account_code,
                debit: t.debit,
                credit: t.credit,
            })
            .collect();
        let closing = closing_entries(&totals);
        let mut accounts = 0;
        if !closing.is_empty() {
            // The successor's chart gets any account only the ended
            // office had, with its name and kind.
            store::ledger::ensure_accounts(tx, to, to_micros(at)).await?;
            for e in &closing {
                if store::ledger::get_account(tx, to, &e.account_code).await?.is_none()
                    && let Some(account) = store::ledger::get_account(tx, from, &e.account_code).await?
                {
                    let copy = AccountRow {
                        office_id: to.to_string(),
                        ..account
                    };
                    store::ledger::insert_account(tx, &copy, to_micros(at)).await?;
                }
            }
            let opening = opening_entries(&closing);
            for (office, entries, description) in [
                (
                    from,
                    &closing,
                    format!("Kết chuyển số dư bàn giao sang {}", handover.successor_name),
                ),
                (
                    to,
                    &opening,
                    format!("Nhận bàn giao số dư của {}", handover.office_name),
                ),
            ] {
                let row = NewTransaction::new(office, day, &description, TxKind::Handover, entries)
                    .post(tx, &actor, at)
                    .await?;
                trail::record(
                    tx,
                    &actor,
                    at,
                    Change::new(office, "transaction", &row.id, "handover")
                        .after(Some(transaction_json(&row, entries))),
                )
                .await?;
            }
            accounts = closing.len() as i64;
        }
        Ok(vec![
            Count::new("budget_lines", "Tiểu mục bàn giao kinh phí chưa sử dụng", lines_passed),
            Count::new("commitments", "Cam kết chi đang mở chuyển sang", commitments_moved),
            Count::new("accounts", "Tài khoản kết chuyển số dư", accounts),
        ])
    }
}
