//! `BudgetService`: estimates (dự toán), their approval, and allocation
//! (phân bổ) and adjustment (điều chỉnh) down the tree.
//!
//! Roles: accountants prepare an office's estimate and submit it; the
//! leaders of the parent office approve or return it (the root's estimate
//! is approved by the root's own leaders, and becomes what the root holds).
//! The parent's leaders or accountants record allocations and adjustments,
//! citing the signed decision (`decision_ref`); only the root's leaders
//! adjust the root's own approved estimate.
//!
//! The invariant — per line and year, what an office has given its children
//! never exceeds what it holds, counting what it spent and reserved — is
//! kept under concurrency by locking the parent's allocation line before
//! reading it, then the child's (always in that order), in the transaction
//! that writes the entry.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use chrono::NaiveDate;
use tonic::Request;
use uuid::Uuid;

use vanphong_platform::Error;
use vanphong_platform::audit::{self as trail, Change};
use vanphong_platform::clock::{format_date, to_micros};
use vanphong_platform::db::Tx;
use vanphong_platform::idempotency::commit_answer;
use vanphong_platform::identity::{Caller, Role};
use vanphong_platform::validate::Checker;
use vanphong_proto::finance::v1 as wire;
use vanphong_proto::finance::v1::budget_service_server::BudgetService;

use super::{MAX_TEXT, Shared, check_past_date, check_year, convert};
use crate::domain::budget::{
    AllocationKind, EstimateStatus, EstimateStep, OrdinaryEstimate, ensure_may_open_estimate, ensure_room,
    estimate_transition,
};
use crate::domain::money::{self, format_vnd};
use crate::store;
use crate::store::budget::{AllocationRow, BalanceRow, EstimateLineRow, EstimateRow};
use crate::store::catalog::LineRow;

pub struct BudgetApi(pub(crate) Arc<Shared>);

/// The start of a write on a year's allocations: the catalogue of lines,
/// and a checker holding the request id and the year (which is required).
async fn open_year(
    s: &Shared,
    request_id: &str,
    year: i32,
) -> Result<(HashMap<String, LineRow>, Checker, Option<String>, i32), Error> {
    let catalogue = catalogue(s).await?;
    let mut c = Checker::new();
    let request_id = c.request_id(request_id);
    let year = check_year(&mut c, "year", year, None);
    Ok((catalogue, c, request_id, year))
}

/// The catalogue by code.
async fn catalogue(s: &Shared) -> Result<HashMap<String, LineRow>, Error> {
    Ok(store::catalog::list(&s.ctx.db, true)
        .await?
        .into_iter()
        .map(|l| (l.code.clone(), l))
        .collect())
}

/// A budget line from a request: known and active.
fn known_line(c: &mut Checker, field: &str, code: &str, catalogue: &HashMap<String, LineRow>) -> String {
    let code = code.trim();
    match catalogue.get(code) {
        None if code.is_empty() => c.violation(field, "REQUIRED", "Phải chọn tiểu mục"),
        None => c.violation(
            field,
            "UNKNOWN_LINE",
            format!("Tiểu mục «{code}» không có trong mục lục ngân sách"),
        ),
        Some(l) if !l.active => c.violation(
            field,
            "INACTIVE_LINE",
            format!("Tiểu mục {code} ({}) đã ngừng sử dụng", l.name),
        ),
        Some(_) => {}
    }
    code.to_string()
}

fn check_lines(
    c: &mut Checker,
    lines: &[wire::EstimateLine],
    catalogue: &HashMap<String, LineRow>,
) -> Result<Vec<EstimateLineRow>, Error> {
    if lines.is_empty() {
        c.violation("lines", "REQUIRED", "Dự toán phải có ít nhất một tiểu mục");
    }
    if lines.len() > 500 {
        c.violation("lines", "TOO_MANY", "Tối đa 500 tiểu mục");
    }
    let mut seen = HashMap::new();
    let mut out = Vec::new();
    for (i, l) in lines.iter().enumerate() {
        let code = known_line(c, &format!("lines[{i}].line_code"), &l.line_code, catalogue);
        if let Some(first) = seen.insert(code.clone(), i) {
            c.violation(
                &format!("lines[{i}].line_code"),
                "DUPLICATE",
                format!("Tiểu mục {code} đã có ở dòng {}", first + 1),
            );
        }
        let amount = money::positive(c, &format!("lines[{i}].amount"), l.amount);
        let note = c
            .optional_text(&format!("lines[{i}].note"), &l.note, MAX_TEXT)
            .unwrap_or_default();
        out.push(EstimateLineRow {
            line_code: code,
            amount,
            note,
        });
    }
    out.sort_by(|a, b| a.line_code.cmp(&b.line_code));
    money::sum("lines", out.iter().map(|l| l.amount))?;
    Ok(out)
}

pub(crate) fn estimate_json(e: &EstimateRow, lines: &[EstimateLineRow]) -> serde_json::Value {
    serde_json::json!({
        "id": e.id, "office_id": e.office_id, "year": e.year, "status": e.status, "note": e.note,
        "return_reason": e.return_reason, "supplementary": e.supplementary,
        "lines": lines.iter().map(|l| serde_json::json!({"line_code": l.line_code, "amount": l.amount, "note": l.note})).collect::<Vec<_>>(),
    })
}

pub(crate) fn allocation_json(a: &AllocationRow) -> serde_json::Value {
    serde_json::json!({
        "id": a.id, "year": a.year, "from_office_id": a.from_office_id, "to_office_id": a.to_office_id,
        "line_code": a.line_code, "amount": a.amount, "kind": a.kind, "reason": a.reason,
        "decision_ref": a.decision_ref, "allocated_on": a.allocated_on,
    })
}

/// "tiểu mục 6551 năm 2026 của đơn vị".
fn what(line: &str, year: i32) -> String {
    format!("tiểu mục {line} năm {year}")
}

/// Adds `amount` to a locked line's `held` (a child receiving, or the
/// root's estimate), checked.
fn receive(b: &mut BalanceRow, amount: i64, field: &str) -> Result<(), Error> {
    b.held = money::add(field, b.held, amount)?;
    Ok(())
}

impl BudgetApi {
    async fn answer(&self, tx: &mut Tx, e: &EstimateRow) -> Result<wire::Estimate, Error> {
        let lines = store::budget::estimate_lines(tx, &e.id).await?;
        let catalogue = catalogue(&self.0).await?;
        Ok(convert::estimate(e, &lines, |code| {
            catalogue.get(code).map(|l| l.name.clone()).unwrap_or_default()
        })?)
    }

    async fn create_estimate(&self, request: Request<wire::CreateEstimateRequest>) -> Result<wire::Estimate, Error> {
        let (caller, req) = Caller::split(request)?;
        let s = &self.0;
        let catalogue = catalogue(s).await?;
        let mut c = Checker::new();
        let request_id = c.request_id(&req.request_id);
        let office = c.office_or_own("office_id", &req.office_id, &caller);
        let year = check_year(&mut c, "year", req.year, None);
        let lines = check_lines(&mut c, &req.lines, &catalogue)?;
        let note = c.optional_text("note", &req.note, MAX_TEXT).unwrap_or_default();
        c.finish()?;
        s.ensure_act(&caller, office, &[Role::Accountant])?;
        let now = s.now();
        let (key, mut tx) =
            vanphong_platform::begin_idempotent!(s.ctx.db, &caller, "CreateEstimate", request_id, &req, now);
        store::periods::state(&mut tx, office, year)
            .await?
            .ensure_not_settled()?;
        let ordinary = match store::budget::find_estimate(&mut tx, office, year).await? {
            Some(e) => Some(OrdinaryEstimate {
                status: e.status()?,
                id: e.id,
            }),
            None => None,
        };
        ensure_may_open_estimate(year, req.supplementary, ordinary.as_ref())?;
        let estimate = EstimateRow {
            id: vanphong_platform::ids::new_id().to_string(),
            office_id: office.to_string(),
            year: i64::from(year),
            status: EstimateStatus::Draft.code().into(),
            note,
            return_reason: String::new(),
            created_by: caller.subject_id.to_string(),
            created_at: to_micros(now),
            submitted_at: None,
            decided_by: None,
            decided_at: None,
            updated_at: to_micros(now),
            supplementary: req.supplementary,
        };
        store::budget::insert_estimate(&mut tx, &estimate).await?;
        store::budget::set_estimate_lines(&mut tx, &estimate.id, &lines).await?;
        let change = Change::new(office, "estimate", &estimate.id, "create").after(estimate_json(&estimate, &lines));
        trail::record(&mut tx, &caller, now, change).await?;
        let answer = self.answer(&mut tx, &estimate).await?;
        commit_answer(&key, tx, answer).await
    }

    /// An estimate the caller may see (others learn only that it was not
    /// found).
    async fn visible(&self, tx: &mut Tx, caller: &Caller, id: Uuid, lock: bool) -> Result<EstimateRow, Error> {
        let estimate = store::budget::get_estimate(tx, id, lock).await?;
        let not_found = || Error::not_found("dự toán", id);
        let estimate = estimate.ok_or_else(not_found)?;
        let office = estimate.office()?;
        self.0.ensure_read(caller, office).map_err(|_| not_found())?;
        Ok(estimate)
    }

    async fn get_estimate(&self, request: Request<wire::GetEstimateRequest>) -> Result<wire::Estimate, Error> {
        let caller = Caller::of(&request)?;
        let id = Checker::only_id("estimate_id", &request.get_ref().estimate_id)?;
        let db = &self.0.ctx.db;
        db.read(async |tx| {
            let estimate = self.visible(tx, &caller, id, false).await?;
            self.answer(tx, &estimate).await
        })
        .await
    }

    async fn list_estimates(
        &self,
        request: Request<wire::ListEstimatesRequest>,
    ) -> Result<wire::ListEstimatesResponse, Error> {
        let (caller, req) = Caller::split(request)?;
        let s = &self.0;
        let mut c = Checker::new();
        let office = c.office_or_own("office_id", &req.office_id, &caller);
        let year = if req.year == 0 {
            0
        } else {
            check_year(&mut c, "year", req.year, None)
        };
        c.finish()?;
        s.ensure_read(&caller, office)?;
        let mut offices = vec![office];
        if req.include_children {
            let snapshot = s.snapshot();
            let today = s.today();
            offices.extend(
                snapshot
                    .tree
                    .children_on(office, today)
                    .into_iter()
                    .filter(|child| crate::domain::access::may_read(&caller, &snapshot.tree, *child, today)),
            );
        }
        s.ctx
            .db
            .read(async |tx| {
                let rows = store::budget::list_estimates(tx, &offices, year).await?;
                let mut estimates = Vec::new();
                for e in &rows {
                    estimates.push(self.answer(tx, e).await?);
                }
                Ok(wire::ListEstimatesResponse { estimates })
            })
            .await
    }

    async fn set_lines(&self, request: Request<wire::SetEstimateLinesRequest>) -> Result<wire::Estimate, Error> {
        let (caller, req) = Caller::split(request)?;
        let s = &self.0;
        let catalogue = catalogue(s).await?;
        let mut c = Checker::new();
        let id = c.id("estimate_id", &req.estimate_id);
        let lines = check_lines(&mut c, &req.lines, &catalogue)?;
        let note = c.optional_text("note", &req.note, MAX_TEXT);
        c.finish()?;
        let now = s.now();
        let mut tx = s.ctx.db.begin_write().await?;
        let before = self.visible(&mut tx, &caller, id, true).await?;
        let office = before.office()?;
        s.ensure_act(&caller, office, &[Role::Accountant])?;
        estimate_transition(EstimateStep::Edit, before.status()?)?;
        let old_lines = store::budget::estimate_lines(&mut tx, &before.id).await?;
        let mut after = before.clone();
        if let Some(note) = note {
            after.note = note;
        }
        after.updated_at = to_micros(now);
        store::budget::update_estimate(&mut tx, &after).await?;
        store::budget::set_estimate_lines(&mut tx, &after.id, &lines).await?;
        let change = Change::new(office, "estimate", &after.id, "edit")
            .before(estimate_json(&before, &old_lines))
            .after(estimate_json(&after, &lines));
        trail::record(&mut tx, &caller, now, change).await?;
        let answer = self.answer(&mut tx, &after).await?;
        tx.commit().await?;
        Ok(answer)
    }

    /// Submits, approves or returns an estimate.
    async fn decide(
        &self,
        request: Request<wire::EstimateDecisionRequest>,
        step: EstimateStep,
    ) -> Result<wire::Estimate, Error> {
        let (caller, req) = Caller::split(request)?;
        let s = &self.0;
        let mut c = Checker::new();
        let id = c.id("estimate_id", &req.estimate_id);
        let reason = if step == EstimateStep::Return {
            c.text("reason", &req.reason, MAX_TEXT)
        } else {
            c.optional_text("reason", &req.reason, MAX_TEXT).unwrap_or_default()
        };
        c.finish()?;
        let now = s.now();
        let today = s.today();
        let mut tx = s.ctx.db.begin_write().await?;
        let before = self.visible(&mut tx, &caller, id, true).await?;
        let office = before.office()?;
        let parent = s.snapshot().tree.parent_on(office, today);
        match step {
            EstimateStep::Submit => s.ensure_act(&caller, office, &[Role::Accountant])?,
            _ => {
                let decider = parent.unwrap_or(office);
                if caller.office_id != decider || !caller.has_role(Role::Leader) {
                    return Err(Error::PermissionDenied(if parent.is_some() {
                        "Chỉ lãnh đạo đơn vị cấp trên trực tiếp mới được duyệt hoặc trả lại dự toán này".into()
                    } else {
                        "Chỉ lãnh đạo đơn vị mới được duyệt hoặc trả lại dự toán của đơn vị cấp cao nhất".into()
                    }));
                }
            }
        }
        let year = before.year()?;
        let next = estimate_transition(step, before.status()?)?;
        store::periods::state(&mut tx, office, year)
            .await?
            .ensure_not_settled()?;
        let lines = store::budget::estimate_lines(&mut tx, &before.id).await?;
        let mut after = before.clone();
        after.status = next.code().into();
        after.updated_at = to_micros(now);
        match step {
            EstimateStep::Submit => after.submitted_at = Some(to_micros(now)),
            EstimateStep::Return => {
                after.return_reason = reason.clone();
                after.decided_by = Some(caller.subject_id.to_string());
                after.decided_at = Some(to_micros(now));
            }
            _ => {
                after.decided_by = Some(caller.subject_id.to_string());
                after.decided_at = Some(to_micros(now));
            }
        }
        store::budget::update_estimate(&mut tx, &after).await?;
        if step == EstimateStep::Approve && parent.is_none() {
            // The root's approved estimate is what it holds.
            for l in &lines {
                let mut balance = store::budget::lock_balance(&mut tx, office, year, &l.line_code).await?;
                receive(&mut balance, l.amount, "lines")?;
                store::budget::save_balance(&mut tx, &balance).await?;
                store::budget::insert_allocation(
                    &mut tx,
                    &AllocationRow {
                        id: vanphong_platform::ids::new_id().to_string(),
                        year: before.year,
                        from_office_id: None,
                        to_office_id: before.office_id.clone(),
                        line_code: l.line_code.clone(),
                        amount: l.amount,
                        kind: AllocationKind::Estimate.code().into(),
                        reason: if before.supplementary {
                            format!("Dự toán bổ sung năm {year} được duyệt")
                        } else {
                            format!("Dự toán năm {year} được duyệt")
                        },
                        decision_ref: reason.clone(),
                        allocated_on: format_date(today),
                        created_by: caller.subject_id.to_string(),
                        created_at: to_micros(now),
                    },
                )
                .await?;
            }
        }
        let action = match step {
            EstimateStep::Submit => "submit",
            EstimateStep::Approve => "approve",
            EstimateStep::Return => "return",
            EstimateStep::Edit => "edit",
        };
        let change = Change::new(office, "estimate", &after.id, action)
            .before(estimate_json(&before, &lines))
            .after(estimate_json(&after, &lines));
        trail::record(&mut tx, &caller, now, change).await?;
        let answer = self.answer(&mut tx, &after).await?;
        tx.commit().await?;
        Ok(answer)
    }

    async fn allocate(&self, request: Request<wire::AllocateRequest>) -> Result<wire::AllocateResponse, Error> {
        let (caller, req) = Caller::split(request)?;
        let s = &self.0;
        let today = s.today();
        let (catalogue, mut c, request_id, year) = open_year(s, &req.request_id, req.year).await?;
        let decision_ref = c.text("decision_ref", &req.decision_ref, 200);
        let allocated_on = check_past_date(&mut c, "allocated_on", &req.allocated_on, today);
        let note = c.optional_text("note", &req.note, MAX_TEXT).unwrap_or_default();
        if req.items.is_empty() {
            c.violation("items", "REQUIRED", "Phải có ít nhất một dòng phân bổ");
        }
        if req.items.len() > 1000 {
            c.violation("items", "TOO_MANY", "Tối đa 1000 dòng phân bổ");
        }
        let parent = caller.office_id;
        let children = s.snapshot().tree.children_on(parent, allocated_on);
        let mut items = Vec::new();
        let mut seen = HashMap::new();
        for (i, item) in req.items.iter().enumerate() {
            let to = c.id(&format!("items[{i}].to_office_id"), &item.to_office_id);
            if !to.is_nil() && !children.contains(&to) && allocated_on != NaiveDate::MIN {
                c.violation(
                    &format!("items[{i}].to_office_id"),
                    "NOT_A_CHILD",
                    format!(
                        "Đơn vị {to} không phải đơn vị cấp dưới trực tiếp vào ngày {}",
                        allocated_on.format("%d/%m/%Y")
                    ),
                );
            }
            let line = known_line(&mut c, &format!("items[{i}].line_code"), &item.line_code, &catalogue);
            if let Some(first) = seen.insert((to, line.clone()), i) {
                c.violation(
                    &format!("items[{i}].line_code"),
                    "DUPLICATE",
                    format!("Đơn vị và tiểu mục {line} đã có ở dòng {}", first + 1),
                );
            }
            let amount = money::positive(&mut c, &format!("items[{i}].amount"), item.amount);
            items.push((i, to, line, amount));
        }
        c.finish()?;
        s.ensure_act(&caller, parent, &[Role::Leader, Role::Accountant])?;
        // What each line gives away in total, and the first field naming it.
        let mut per_line: BTreeMap<String, (i64, usize)> = BTreeMap::new();
        for (i, _, line, amount) in &items {
            let entry = per_line.entry(line.clone()).or_insert((0, *i));
            entry.0 = money::add(&format!("items[{i}].amount"), entry.0, *amount)?;
        }
        items.sort_by(|a, b| (&a.2, a.1).cmp(&(&b.2, b.1)));

        let now = s.now();
        let (key, mut tx) = vanphong_platform::begin_idempotent!(s.ctx.db, &caller, "Allocate", request_id, &req, now);
        store::periods::state(&mut tx, parent, year)
            .await?
            .ensure_not_settled()?;
        // The parent's lines first (in line order), then the children's.
        let mut parent_lines = BTreeMap::new();
        for (line, (total, first)) in &per_line {
            let mut balance = store::budget::lock_balance(&mut tx, parent, year, line).await?;
            ensure_room(
                &balance.holding(),
                *total,
                &format!("items[{first}].amount"),
                &what(line, year),
            )?;
            balance.allocated_out = money::add(&format!("items[{first}].amount"), balance.allocated_out, *total)?;
            store::budget::save_balance(&mut tx, &balance).await?;
            parent_lines.insert(line.clone(), balance);
        }
        let reason = if note.is_empty() {
            format!("Phân bổ dự toán năm {year}")
        } else {
            note
        };
        let mut made = Vec::new();
        for (i, to, line, amount) in &items {
            store::periods::state(&mut tx, *to, year).await?.ensure_not_settled()?;
            let mut balance = store::budget::lock_balance(&mut tx, *to, year, line).await?;
            receive(&mut balance, *amount, &format!("items[{i}].amount"))?;
            store::budget::save_balance(&mut tx, &balance).await?;
            let row = AllocationRow {
                id: vanphong_platform::ids::new_id().to_string(),
                year: i64::from(year),
                from_office_id: Some(parent.to_string()),
                to_office_id: to.to_string(),
                line_code: line.clone(),
                amount: *amount,
                kind: AllocationKind::Allocation.code().into(),
                reason: reason.clone(),
                decision_ref: decision_ref.clone(),
                allocated_on: format_date(allocated_on),
                created_by: caller.subject_id.to_string(),
                created_at: to_micros(now),
            };
            store::budget::insert_allocation(&mut tx, &row).await?;
            made.push(row);
        }
        let json: Vec<serde_json::Value> = made.iter().map(allocation_json).collect();
        let change = Change::new(parent, "allocation", &decision_ref, "allocate").after(serde_json::Value::Array(json));
        trail::record(&mut tx, &caller, now, change).await?;
        let mut receivers: Vec<Uuid> = items.iter().map(|i| i.1).collect();
        receivers.sort();
        receivers.dedup();
        for to in receivers {
            let mine: Vec<serde_json::Value> = made
                .iter()
                .filter(|a| a.to_office_id == to.to_string())
                .map(allocation_json)
                .collect();
            let change = Change::new(to, "allocation", &decision_ref, "receive").after(serde_json::Value::Array(mine));
            trail::record(&mut tx, &caller, now, change).await?;
        }
        let answer = wire::AllocateResponse {
            allocations: made.iter().map(convert::allocation).collect::<Result<_, _>>()?,
        };
        commit_answer(&key, tx, answer).await
    }

    async fn adjust(&self, request: Request<wire::AdjustAllocationRequest>) -> Result<wire::Allocation, Error> {
        let (caller, req) = Caller::split(request)?;
        let s = &self.0;
        let today = s.today();
        let (catalogue, mut c, request_id, year) = open_year(s, &req.request_id, req.year).await?;
        let to = c.id("to_office_id", &req.to_office_id);
        let line = known_line(&mut c, "line_code", &req.line_code, &catalogue);
        let amount = money::non_zero(&mut c, "amount", req.amount);
        let reason = c.text("reason", &req.reason, MAX_TEXT);
        let decision_ref = c.text("decision_ref", &req.decision_ref, 200);
        let me = caller.office_id;
        let tree = s.snapshot();
        let is_root = tree.tree.parent_on(me, today).is_none();
        let own_estimate = to == me && is_root;
        if !to.is_nil() && !own_estimate && !tree.tree.children_on(me, today).contains(&to) {
            c.violation(
                "to_office_id",
                "NOT_A_CHILD",
                format!("Đơn vị {to} không phải đơn vị cấp dưới trực tiếp của đơn vị bạn"),
            );
        }
        c.finish()?;
        // Changing what the root itself holds is a decision on its estimate:
        // its leaders only.
        let roles: &[Role] = if own_estimate {
            &[Role::Leader]
        } else {
            &[Role::Leader, Role::Accountant]
        };
        s.ensure_act(&caller, me, roles)?;
        let now = s.now();
        let (key, mut tx) =
            vanphong_platform::begin_idempotent!(s.ctx.db, &caller, "AdjustAllocation", request_id, &req, now);
        store::periods::state(&mut tx, me, year).await?.ensure_not_settled()?;
        store::periods::state(&mut tx, to, year).await?.ensure_not_settled()?;
        let label = what(&line, year);
        if own_estimate {
            let mut balance = store::budget::lock_balance(&mut tx, me, year, &line).await?;
            if amount < 0 {
                ensure_room(&balance.holding(), amount.saturating_neg(), "amount", &label)?;
            }
            receive(&mut balance, amount, "amount")?;
            store::budget::save_balance(&mut tx, &balance).await?;
        } else {
            let mut from = store::budget::lock_balance(&mut tx, me, year, &line).await?;
            let mut into = store::budget::lock_balance(&mut tx, to, year, &line).await?;
            if amount > 0 {
                ensure_room(&from.holding(), amount, "amount", &label)?;
            } else {
                ensure_room(
                    &into.holding(),
                    amount.saturating_neg(),
                    "amount",
                    &format!("{label} của đơn vị cấp dưới"),
                )?;
                if amount.saturating_neg() > into.held {
                    return Err(Error::FailedPrecondition(format!(
                        "amount: giảm {} vượt quá số đã giao {}",
                        format_vnd(amount.saturating_neg()),
                        format_vnd(into.held)
                    )));
                }
            }
            from.allocated_out = money::add("amount", from.allocated_out, amount)?;
            receive(&mut into, amount, "amount")?;
            store::budget::save_balance(&mut tx, &from).await?;
            store::budget::save_balance(&mut tx, &into).await?;
        }
        let row = AllocationRow {
            id: vanphong_platform::ids::new_id().to_string(),
            year: i64::from(year),
            from_office_id: (!own_estimate).then(|| me.to_string()),
            to_office_id: to.to_string(),
            line_code: line.clone(),
            amount,
            kind: AllocationKind::Adjustment.code().into(),
            reason,
            decision_ref,
            allocated_on: format_date(today),
            created_by: caller.subject_id.to_string(),
            created_at: to_micros(now),
        };
        store::budget::insert_allocation(&mut tx, &row).await?;
        let change = Change::new(me, "allocation", &row.id, "adjust").after(allocation_json(&row));
        trail::record(&mut tx, &caller, now, change).await?;
        if !own_estimate {
            let change = Change::new(to, "allocation", &row.id, "adjust").after(allocation_json(&row));
            trail::record(&mut tx, &caller, now, change).await?;
        }
        let answer = convert::allocation(&row)?;
        commit_answer(&key, tx, answer).await
    }

    async fn list_allocations(
        &self,
        request: Request<wire::ListAllocationsRequest>,
    ) -> Result<wire::ListAllocationsResponse, Error> {
        let (caller, req) = Caller::split(request)?;
        let s = &self.0;
        let (_, _, rows) = s
            .read_year(&caller, &req.office_id, req.year, store::budget::list_allocations)
            .await?;
        Ok(wire::ListAllocationsResponse {
            allocations: rows.iter().map(convert::allocation).collect::<Result<_, _>>()?,
        })
    }

    async fn list_lines(
        &self,
        request: Request<wire::ListAllocationLinesRequest>,
    ) -> Result<wire::ListAllocationLinesResponse, Error> {
        let (caller, req) = Caller::split(request)?;
        let s = &self.0;
        let (office, year, rows) = s
            .read_year(&caller, &req.office_id, req.year, store::budget::list_balances)
            .await?;
        let catalogue = catalogue(s).await?;
        execution(office, year, &rows, &catalogue)
    }
}

/// The execution by line, and the total line (overflow-checked).
pub(crate) fn execution(
    office: Uuid,
    year: i32,
    rows: &[BalanceRow],
    catalogue: &HashMap<String, LineRow>,
) -> Result<wire::ListAllocationLinesResponse, Error> {
    let mut total = BalanceRow {
        id: String::new(),
        office_id: office.to_string(),
        year: i64::from(year),
        line_code: String::new(),
        held: 0,
        allocated_out: 0,
        spent: 0,
        committed: 0,
    };
    let mut lines = Vec::new();
    for b in rows {
        total.held = money::add("held", total.held, b.held)?;
        total.allocated_out = money::add("allocated_out", total.allocated_out, b.allocated_out)?;
        total.spent = money::add("spent", total.spent, b.spent)?;
        total.committed = money::add("committed", total.committed, b.committed)?;
        let line = catalogue.get(&b.line_code);
        lines.push(convert::allocation_line(
            b,
            line.map(|l| l.name.clone()).unwrap_or_default(),
            line.map(LineRow::policy).transpose()?.unwrap_or_default(),
        )?);
    }
    Ok(wire::ListAllocationLinesResponse {
        lines,
        total: Some(convert::allocation_line(
            &total,
            "Tổng cộng".into(),
            Default::default(),
        )?),
    })
}

vanphong_platform::grpc_delegate! {
    impl BudgetService for BudgetApi {
        create_estimate(wire::CreateEstimateRequest) -> wire::Estimate = Self::create_estimate;
        get_estimate(wire::GetEstimateRequest) -> wire::Estimate = Self::get_estimate;
        list_estimates(wire::ListEstimatesRequest) -> wire::ListEstimatesResponse = Self::list_estimates;
        set_estimate_lines(wire::SetEstimateLinesRequest) -> wire::Estimate = Self::set_lines;
        submit_estimate(wire::EstimateDecisionRequest) -> wire::Estimate = Self::decide(EstimateStep::Submit);
        approve_estimate(wire::EstimateDecisionRequest) -> wire::Estimate = Self::decide(EstimateStep::Approve);
        return_estimate(wire::EstimateDecisionRequest) -> wire::Estimate = Self::decide(EstimateStep::Return);
        allocate(wire::AllocateRequest) -> wire::AllocateResponse = Self::allocate;
        adjust_allocation(wire::AdjustAllocationRequest) -> wire::Allocation = Self::adjust;
        list_allocations(wire::ListAllocationsRequest) -> wire::ListAllocationsResponse = Self::list_allocations;
        list_allocation_lines(wire::ListAllocationLinesRequest) -> wire::ListAllocationLinesResponse = Self::list_lines;
    }
}
