//! `DuesService`: Party cells, monthly dues collections with the shares each
//! level keeps, remittance to the parent office (a transaction in each
//! office's books, in one database transaction), and the quarterly B01/ĐP
//! report.

use std::collections::BTreeMap;
use std::sync::Arc;

use chrono::{Datelike, NaiveDate};
use tonic::Request;
use uuid::Uuid;

use vanphong_platform::Error;
use vanphong_platform::audit::{self as trail, Change};
use vanphong_platform::clock::{format_date, to_micros};
use vanphong_platform::db::Tx;
use vanphong_platform::idempotency::commit_recorded;
use vanphong_platform::identity::{Caller, Role};
use vanphong_platform::text::fold;
use vanphong_platform::validate::Checker;
use vanphong_proto::finance::v1 as wire;
use vanphong_proto::finance::v1::dues_service_server::DuesService;

use super::{MAX_TEXT, NewTransaction, Shared, check_month, check_past_date, check_year, convert};
use crate::domain::catalog::{CASH, DUES_FROM_BELOW, DUES_KEPT, DUES_PAYABLE};
use crate::domain::dues::{
    B01Figures, DEFAULT_RATES, MemberCategory, Rates, b01_rows, quarter_months, split, split_received,
};
use crate::domain::ledger::{Entry, TxKind};
use crate::domain::money::{self, format_vnd};
use crate::domain::period::last_day;
use crate::store;
use crate::store::dues::{CellRow, CollectionRow, RemittanceRow, Side};

pub struct DuesApi(pub(crate) Arc<Shared>);

/// The B01/ĐP report of an office for a quarter, as stored in `tx`.
pub(crate) async fn report(
    tx: &mut Tx,
    office: Uuid,
    office_name: String,
    year: i32,
    quarter: u32,
) -> Result<wire::DuesReport, Error> {
    let months = quarter_months(quarter);
    let (first, last) = (*months.start(), *months.end());
    let quarter_rows = store::dues::collections(tx, office, year, first, last).await?;
    let year_rows = store::dues::collections(tx, office, year, 1, last).await?;
    let mut f = B01Figures::default();
    let mut latest: BTreeMap<&str, (i64, i64)> = BTreeMap::new();
    for r in &quarter_rows {
        f.collected_quarter = money::add("amount", f.collected_quarter, r.amount)?;
        f.cell_kept_quarter = money::add("amount", f.cell_kept_quarter, r.cell_share)?;
        f.office_kept_quarter = money::add("amount", f.office_kept_quarter, r.office_share)?;
        f.owed_quarter = money::add("amount", f.owed_quarter, r.remitted_share)?;
        let entry = latest.entry(r.cell_key.as_str()).or_insert((0, 0));
        if r.month >= entry.0 {
            *entry = (r.month, r.members);
        }
    }
    f.members = latest.values().map(|(_, m)| *m).sum();
    f.collected_year = money::sum("amount", year_rows.iter().map(|r| r.amount))?;
    let start = NaiveDate::from_ymd_opt(year, first, 1).unwrap_or_default();
    let jan = NaiveDate::from_ymd_opt(year, 1, 1).unwrap_or_default();
    let end = last_day(year, last).unwrap_or_default();
    let amounts = |rows: &[RemittanceRow]| money::sum("amount", rows.iter().map(|r| r.amount));
    f.remitted_quarter = amounts(&store::dues::remittances(tx, office, Side::Made, start, end).await?)?;
    f.remitted_year = amounts(&store::dues::remittances(tx, office, Side::Made, jan, end).await?)?;
    let received = store::dues::remittances(tx, office, Side::Received, start, end).await?;
    f.received_quarter = amounts(&received)?;
    f.received_kept_quarter = money::sum("amount", received.iter().map(|r| r.parent_kept_share))?;
    let passed_on = money::sum("amount", received.iter().map(|r| r.parent_owed_share))?;
    f.owed_quarter = money::add("amount", f.owed_quarter, passed_on)?;
    f.received_year = amounts(&store::dues::remittances(tx, office, Side::Received, jan, end).await?)?;
    let outstanding = store::ledger::credit_balance(tx, office, DUES_PAYABLE, end).await?;
    f.outstanding = outstanding;
    Ok(wire::DuesReport {
        office_id: office.to_string(),
        office_name,
        year,
        quarter: i32::try_from(quarter).unwrap_or(1),
        rows: b01_rows(&f)?
            .into_iter()
            .map(|r| wire::DuesReportRow {
                number: r.number.into(),
                label: r.label.into(),
                value: r.value,
            })
            .collect(),
        outstanding,
    })
}

fn collection_json(c: &CollectionRow) -> serde_json::Value {
    serde_json::json!({
        "id": c.id, "office_id": c.office_id, "cell_id": c.cell_key, "year": c.year, "month": c.month,
        "members": c.members, "amount": c.amount, "cell_share": c.cell_share, "office_share": c.office_share,
        "remitted_share": c.remitted_share, "collected_on": c.collected_on, "transaction_id": c.transaction_id,
    })
}

fn remittance_json(r: &RemittanceRow) -> serde_json::Value {
    serde_json::json!({
        "id": r.id, "from_office_id": r.from_office_id, "to_office_id": r.to_office_id, "amount": r.amount,
        "remitted_on": r.remitted_on, "child_transaction_id": r.child_transaction_id,
        "parent_transaction_id": r.parent_transaction_id, "note": r.note,
        "parent_kept_share": r.parent_kept_share, "parent_owed_share": r.parent_owed_share,
    })
}

/// Most members one collection counts.
const MAX_MEMBERS: i32 = 1_000_000;

/// Longest list of members in one request.
const MAX_MEMBER_LINES: usize = 10_000;

/// Checks a list of members and computes what each owes and the total;
/// `None` when the list is empty.
fn check_member_dues(c: &mut Checker, field: &str, members: &[wire::MemberDues]) -> Option<wire::DuesCalculation> {
    if members.is_empty() {
        return None;
    }
    if members.len() > MAX_MEMBER_LINES {
        c.violation(
            field,
            "TOO_LONG",
            format!("Danh sách có {} đảng viên, tối đa {MAX_MEMBER_LINES}", members.len()),
        );
        return None;
    }
    let mut total: i64 = 0;
    let mut lines = Vec::with_capacity(members.len());
    for (i, m) in members.iter().enumerate() {
        let name = c.text(&format!("{field}[{i}].name"), &m.name, 200);
        let category = c.wire(&format!("{field}[{i}].category"), m.category, MemberCategory::Student);
        let income = if category.needs_income() {
            money::positive(c, &format!("{field}[{i}].monthly_income"), m.monthly_income)
        } else {
            0
        };
        let amount = category.dues(income);
        // Each amount is at most 1 % of MAX_AMOUNT, so the sum of at most
        // MAX_MEMBER_LINES of them cannot overflow.
        total = total.saturating_add(amount);
        lines.push(wire::MemberDues {
            name,
            category: m.category,
            monthly_income: income,
            amount,
        });
    }
    Some(wire::DuesCalculation {
        member_count: i32::try_from(lines.len()).unwrap_or(i32::MAX),
        members: lines,
        total,
    })
}

/// Checks a quarter (1–4).
pub(crate) fn check_quarter(c: &mut Checker, quarter: i32) -> u32 {
    if !(1..=4).contains(&quarter) {
        c.violation(
            "quarter",
            "OUT_OF_RANGE",
            format!("Quý phải từ 1 đến 4 (nhận được {quarter})"),
        );
        return 1;
    }
    u32::try_from(quarter).unwrap_or(1)
}

impl DuesApi {
    async fn create_cell(&self, request: Request<wire::CreatePartyCellRequest>) -> Result<wire::PartyCell, Error> {
        let (caller, req) = Caller::split(request)?;
        let s = &self.0;
        let mut c = Checker::new();
        let request_id = c.request_id(&req.request_id);
        let office = c.office_or_own("office_id", &req.office_id, &caller);
        let name = c.text("name", &req.name, 200);
        c.finish()?;
        s.ensure_act(&caller, office, &[Role::Accountant, Role::Admin])?;
        let now = s.now();
        let (key, mut tx) =
            vanphong_platform::begin_idempotent!(s.ctx.db, &caller, "CreatePartyCell", request_id, &req, now);
        let folded = fold(&name);
        if let Some(existing) = store::dues::find_cell_by_name(&mut tx, office, &folded).await? {
            return Err(Error::duplicate(
                "party_cell",
                &existing.id,
                format!("Đơn vị đã có chi bộ «{}»", existing.name),
            ));
        }
        let cell = CellRow {
            id: vanphong_platform::ids::new_id().to_string(),
            office_id: office.to_string(),
            name,
            created_at: to_micros(now),
        };
        store::dues::insert_cell(&mut tx, &cell, &folded).await?;
        let change = Change::new(office, "party_cell", &cell.id, "create")
            .after(serde_json::json!({"id": cell.id, "name": cell.name}));
        commit_recorded(&key, tx, &caller, now, change, convert::cell(&cell)?).await
    }

    async fn list_cells(
        &self,
        request: Request<wire::ListPartyCellsRequest>,
    ) -> Result<wire::ListPartyCellsResponse, Error> {
        let caller = Caller::of(&request)?;
        let s = &self.0;
        let office = s.readable_office(&caller, &request.get_ref().office_id)?;
        let cells = s
            .ctx
            .db
            .read(async |tx| store::dues::list_cells(tx, office).await)
            .await?;
        Ok(wire::ListPartyCellsResponse {
            cells: cells.iter().map(convert::cell).collect::<Result<_, _>>()?,
        })
    }

    async fn get_rates(&self, request: Request<wire::GetDuesRatesRequest>) -> Result<wire::DuesRates, Error> {
        let caller = Caller::of(&request)?;
        let s = &self.0;
        let mut c = Checker::new();
        let office = c.optional_id("office_id", &request.get_ref().office_id);
        c.finish()?;
        if let Some(office) = office {
            s.ensure_read(&caller, office)?;
        }
        let scope = office.map_or_else(|| "default".to_string(), |o| o.to_string());
        let (rates, overridden) = s
            .ctx
            .db
            .read(async |tx| store::catalog::effective_rates(tx, &scope).await)
            .await?;
        Ok(rates_answer(office, rates, overridden && office.is_some()))
    }

    async fn set_rates(&self, request: Request<wire::SetDuesRatesRequest>) -> Result<wire::DuesRates, Error> {
        let caller = Caller::of(&request)?;
        let s = &self.0;
        let r = request.into_inner().rates.unwrap_or_default();
        let mut c = Checker::new();
        let office = c.optional_id("rates.office_id", &r.office_id);
        let mut rates = Rates::check(
            &mut c,
            r.cell_basis_points,
            r.office_basis_points,
            r.received_basis_points,
            DEFAULT_RATES,
        );
        c.finish()?;
        let today = s.today();
        let tree = s.snapshot();
        match office {
            None => caller.ensure_root_admin(
                &tree.tree,
                today,
                "Tỷ lệ trích đảng phí mặc định chỉ do quản trị của đơn vị cấp cao nhất đặt",
            )?,
            Some(office) => caller.ensure_administer(&tree.tree, office, today)?,
        }
        let scope = office.map_or_else(|| "default".to_string(), |o| o.to_string());
        let now = s.now();
        let mut tx = s.ctx.db.begin_write().await?;
        let before = store::catalog::rates_of(&mut tx, &scope).await?;
        if r.received_basis_points.is_none() {
            // Left out: unchanged.
            rates.received_bp = store::catalog::effective_rates(&mut tx, &scope).await?.0.received_bp;
        }
        store::catalog::set_rates(&mut tx, &scope, rates, &caller.subject_id.to_string(), to_micros(now)).await?;
        let json = |r: Rates| {
            serde_json::json!({"scope": scope, "cell_bp": r.cell_bp, "office_bp": r.office_bp,
                "received_bp": r.received_bp})
        };
        let change = Change::new(office.unwrap_or(caller.office_id), "dues_rates", &scope, "set")
            .before(before.map(json))
            .after(json(rates));
        trail::record(&mut tx, &caller, now, change).await?;
        tx.commit().await?;
        Ok(rates_answer(office, rates, office.is_some()))
    }

    async fn record(&self, request: Request<wire::RecordDuesRequest>) -> Result<wire::DuesCollection, Error> {
        let (caller, req) = Caller::split(request)?;
        let s = &self.0;
        let today = s.today();
        let mut c = Checker::new();
        let request_id = c.request_id(&req.request_id);
        let office = c.office_or_own("office_id", &req.office_id, &caller);
        let cell = c.optional_id("cell_id", &req.cell_id);
        let year = check_year(&mut c, "year", req.year, None);
        let month = check_month(&mut c, req.month);
        if let Some(m) = month
            && (year, m) > (today.year(), today.month())
        {
            c.violation("month", "IN_FUTURE", format!("Tháng {m:02}/{year} chưa đến"));
        }
        let (members, amount) = match check_member_dues(&mut c, "member_dues", &req.member_dues) {
            Some(calculation) => {
                if req.members != 0 && req.members != calculation.member_count {
                    c.violation(
                        "members",
                        "MISMATCH",
                        format!(
                            "Số đảng viên {} khác số đảng viên trong danh sách ({})",
                            req.members, calculation.member_count
                        ),
                    );
                }
                if req.amount != 0 && req.amount != calculation.total {
                    c.violation(
                        "amount",
                        "MISMATCH",
                        format!(
                            "Số tiền {} khác tổng đảng phí của từng đảng viên ({})",
                            format_vnd(req.amount),
                            format_vnd(calculation.total)
                        ),
                    );
                }
                (calculation.member_count, calculation.total)
            }
            None => {
                if !(1..=MAX_MEMBERS).contains(&req.members) {
                    c.violation(
                        "members",
                        "OUT_OF_RANGE",
                        format!("Số đảng viên phải từ 1 (nhận được {})", req.members),
                    );
                }
                (req.members, money::positive(&mut c, "amount", req.amount))
            }
        };
        let collected_on = check_past_date(&mut c, "collected_on", &req.collected_on, today);
        c.finish()?;
        s.ensure_act(&caller, office, &[Role::Accountant])?;
        let month = month.unwrap_or(1);
        let now = s.now();
        let (key, mut tx) =
            vanphong_platform::begin_idempotent!(s.ctx.db, &caller, "RecordDues", request_id, &req, now);
        let cell_key = match cell {
            Some(id) => {
                let found = match store::dues::get_cell(&mut tx, id).await? {
                    Some(c) => Some(c.office()?),
                    None => None,
                };
                if found != Some(office) {
                    return Err(Error::invalid(
                        "cell_id",
                        "UNKNOWN_CELL",
                        format!("Đơn vị không có chi bộ {id}"),
                    ));
                }
                id.to_string()
            }
            None => String::new(),
        };
        if store::dues::find_collection(&mut tx, office, &cell_key, year, month)
            .await?
            .is_some()
        {
            return Err(Error::AlreadyExists(format!(
                "Đảng phí tháng {month:02}/{year} của {} đã được ghi",
                if cell.is_some() { "chi bộ này" } else { "đơn vị" }
            )));
        }
        let (rates, _) = store::catalog::effective_rates(&mut tx, &office.to_string()).await?;
        let shares = split(amount, cell.is_some(), rates)?;
        let id = vanphong_platform::ids::new_id().to_string();
        let received = money::add("amount", shares.office, shares.remitted)?;
        let mut entries = vec![Entry::debit(CASH, received)];
        if shares.office > 0 {
            entries.push(Entry::credit(DUES_KEPT, shares.office));
        }
        if shares.remitted > 0 {
            entries.push(Entry::credit(DUES_PAYABLE, shares.remitted));
        }
        let transaction = if received > 0 {
            let description = format!("Thu đảng phí tháng {month:02}/{year}");
            let t = NewTransaction::new(office, collected_on, &description, TxKind::Dues, &entries)
                .with_source(&id)
                .post(&mut tx, &caller, now)
                .await?;
            Some(t.id)
        } else {
            None
        };
        let row = CollectionRow {
            id,
            office_id: office.to_string(),
            cell_key,
            year: i64::from(year),
            month: i64::from(month),
            members: i64::from(members),
            amount,
            cell_share: shares.cell,
            office_share: shares.office,
            remitted_share: shares.remitted,
            collected_on: format_date(collected_on),
            transaction_id: transaction,
            created_by: caller.subject_id.to_string(),
            created_at: to_micros(now),
        };
        store::dues::insert_collection(&mut tx, &row).await?;
        let change = Change::new(office, "dues_collection", &row.id, "record").after(collection_json(&row));
        commit_recorded(&key, tx, &caller, now, change, convert::collection(&row)?).await
    }

    async fn calculate(&self, request: Request<wire::CalculateDuesRequest>) -> Result<wire::DuesCalculation, Error> {
        // Any signed-in person may compute dues: nothing is read or written.
        Caller::of(&request)?;
        let mut c = Checker::new();
        let calculation = check_member_dues(&mut c, "members", &request.get_ref().members);
        if calculation.is_none() && c.is_clean() {
            c.violation("members", "REQUIRED", "Phải có ít nhất một đảng viên");
        }
        c.finish()?;
        Ok(calculation.unwrap_or_default())
    }

    async fn list(&self, request: Request<wire::ListDuesRequest>) -> Result<wire::ListDuesResponse, Error> {
        let (caller, req) = Caller::split(request)?;
        let s = &self.0;
        let whole_year = async |tx: &mut Tx, office, year| store::dues::collections(tx, office, year, 1, 12).await;
        let (_, _, rows) = s.read_year(&caller, &req.office_id, req.year, whole_year).await?;
        Ok(wire::ListDuesResponse {
            collections: rows.iter().map(convert::collection).collect::<Result<_, _>>()?,
        })
    }

    async fn remit(&self, request: Request<wire::RemitDuesRequest>) -> Result<wire::DuesRemittance, Error> {
        let (caller, req) = Caller::split(request)?;
        let s = &self.0;
        let today = s.today();
        let mut c = Checker::new();
        let request_id = c.request_id(&req.request_id);
        let office = c.office_or_own("office_id", &req.office_id, &caller);
        let amount = money::positive(&mut c, "amount", req.amount);
        let date = check_past_date(&mut c, "remitted_on", &req.remitted_on, today);
        let note = c.optional_text("note", &req.note, MAX_TEXT).unwrap_or_default();
        c.finish()?;
        s.ensure_act(&caller, office, &[Role::Accountant])?;
        let Some(parent) = s.snapshot().tree.parent_on(office, date) else {
            return Err(Error::FailedPrecondition(
                "Đơn vị cấp cao nhất không có cấp trên trong hệ thống để nộp đảng phí".into(),
            ));
        };
        let now = s.now();
        let (key, mut tx) = vanphong_platform::begin_idempotent!(s.ctx.db, &caller, "RemitDues", request_id, &req, now);
        // Serializes remittances of this office so two cannot both pass the
        // check of what is owed.
        store::periods::lock_year(&mut tx, office, date.year(), true).await?;
        let owed = store::ledger::credit_balance(&mut tx, office, DUES_PAYABLE, date).await?;
        if amount > owed {
            return Err(Error::FailedPrecondition(format!(
                "amount: {} vượt quá số đảng phí còn phải nộp cấp trên {}",
                format_vnd(amount),
                format_vnd(owed.max(0))
            )));
        }
        let id = vanphong_platform::ids::new_id().to_string();
        let description = format!("Nộp đảng phí lên cấp trên: {}", s.office_name(parent));
        let paid = [Entry::debit(DUES_PAYABLE, amount), Entry::credit(CASH, amount)];
        let child = NewTransaction::new(office, date, &description, TxKind::Remittance, &paid)
            .with_source(&id)
            .post(&mut tx, &caller, now)
            .await?;
        // The parent keeps its share and owes the rest to its own parent.
        let grandparent = s.snapshot().tree.parent_on(parent, date);
        let (parent_rates, _) = store::catalog::effective_rates(&mut tx, &parent.to_string()).await?;
        let (kept, owed) = split_received(amount, grandparent.is_some(), parent_rates)?;
        let mut entries = vec![Entry::debit(CASH, amount)];
        if kept > 0 {
            entries.push(Entry::credit(DUES_FROM_BELOW, kept));
        }
        if owed > 0 {
            entries.push(Entry::credit(DUES_PAYABLE, owed));
        }
        let description = format!("Nhận đảng phí cấp dưới nộp: {}", s.office_name(office));
        let received = NewTransaction::new(parent, date, &description, TxKind::Remittance, &entries)
            .with_source(&id)
            .post(&mut tx, &caller, now)
            .await?;
        let row = RemittanceRow {
            id,
            from_office_id: office.to_string(),
            to_office_id: parent.to_string(),
            amount,
            remitted_on: format_date(date),
            child_transaction_id: child.id,
            parent_transaction_id: received.id,
            note,
            created_by: caller.subject_id.to_string(),
            created_at: to_micros(now),
            parent_kept_share: kept,
            parent_owed_share: owed,
        };
        store::dues::insert_remittance(&mut tx, &row).await?;
        // Ancestor's chain first, as everywhere.
        let change = Change::new(parent, "dues_remittance", &row.id, "receive").after(remittance_json(&row));
        trail::record(&mut tx, &caller, now, change).await?;
        let change = Change::new(office, "dues_remittance", &row.id, "remit").after(remittance_json(&row));
        commit_recorded(&key, tx, &caller, now, change, convert::remittance(&row)?).await
    }

    async fn get_report(&self, request: Request<wire::DuesReportRequest>) -> Result<wire::DuesReport, Error> {
        let (caller, req) = Caller::split(request)?;
        readable_report(&self.0, &caller, &req.office_id, req.year, req.quarter, None).await
    }
}

/// The B01/ĐP report a request asks for (the caller's own office when
/// `office_id` is empty; `default_year` when `year` is 0), once the request
/// is valid and the caller may read that office's books: what the report
/// and its spreadsheet both answer with.
pub(crate) async fn readable_report(
    s: &Shared,
    caller: &Caller,
    office_id: &str,
    year: i32,
    quarter: i32,
    default_year: Option<i32>,
) -> Result<wire::DuesReport, Error> {
    let mut c = Checker::new();
    let office = c.office_or_own("office_id", office_id, caller);
    let year = check_year(&mut c, "year", year, default_year);
    let quarter = check_quarter(&mut c, quarter);
    c.finish()?;
    s.ensure_read(caller, office)?;
    s.ctx
        .db
        .read(async |tx| report(tx, office, s.office_name(office), year, quarter).await)
        .await
}

fn rates_answer(office: Option<Uuid>, rates: Rates, overridden: bool) -> wire::DuesRates {
    wire::DuesRates {
        office_id: office.map(|o| o.to_string()).unwrap_or_default(),
        cell_basis_points: i32::try_from(rates.cell_bp).unwrap_or_default(),
        office_basis_points: i32::try_from(rates.office_bp).unwrap_or_default(),
        received_basis_points: i32::try_from(rates.received_bp).ok(),
        overridden,
    }
}

vanphong_platform::grpc_delegate! {
    impl DuesService for DuesApi {
        create_party_cell(wire::CreatePartyCellRequest) -> wire::PartyCell = Self::create_cell;
        list_party_cells(wire::ListPartyCellsRequest) -> wire::ListPartyCellsResponse = Self::list_cells;
        get_dues_rates(wire::GetDuesRatesRequest) -> wire::DuesRates = Self::get_rates;
        set_dues_rates(wire::SetDuesRatesRequest) -> wire::DuesRates = Self::set_rates;
        calculate_dues(wire::CalculateDuesRequest) -> wire::DuesCalculation = Self::calculate;
        record_dues(wire::RecordDuesRequest) -> wire::DuesCollection = Self::record;
        list_dues(wire::ListDuesRequest) -> wire::ListDuesResponse = Self::list;
        remit_dues(wire::RemitDuesRequest) -> wire::DuesRemittance = Self::remit;
        get_dues_report(wire::DuesReportRequest) -> wire::DuesReport = Self::get_report;
    }
}
