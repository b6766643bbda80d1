//! The finance service's gRPC services and what they share: the caller's
//! office and rights, idempotency, audit records, and posting a balanced
//! transaction into an office's books.

pub(crate) mod audit;
mod budget;
mod catalog;
mod convert;
mod dues;
mod exports;
mod figures;
mod handover;
mod ledger;
mod periods;
mod spending;

use std::sync::Arc;

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use uuid::Uuid;

use vanphong_platform::Error;
use vanphong_platform::audit_api::AuditApi;
use vanphong_platform::clock::{format_date, to_micros};
use vanphong_platform::db::{StoreError, Tx};
use vanphong_platform::host::ServiceContext;
use vanphong_platform::identity::{Caller, Role};
use vanphong_platform::server::GrpcServices;
use vanphong_platform::validate::Checker;
use vanphong_proto::finance::v1::audit_service_server::AuditServiceServer;
use vanphong_proto::finance::v1::budget_line_service_server::BudgetLineServiceServer;
use vanphong_proto::finance::v1::budget_service_server::BudgetServiceServer;
use vanphong_proto::finance::v1::dues_service_server::DuesServiceServer;
use vanphong_proto::finance::v1::export_service_server::ExportServiceServer;
use vanphong_proto::finance::v1::figures_service_server::FiguresServiceServer;
use vanphong_proto::finance::v1::fiscal_year_service_server::FiscalYearServiceServer;
use vanphong_proto::finance::v1::handover_service_server::HandoverServiceServer;
use vanphong_proto::finance::v1::ledger_service_server::LedgerServiceServer;
use vanphong_proto::finance::v1::spending_service_server::SpendingServiceServer;

use crate::domain::access;
use crate::domain::ledger::{Entry, TxKind, check_balanced};
use crate::domain::money::format_vnd;
use crate::store;
use crate::store::ledger::TxRow;

/// What every handler shares.
pub(crate) struct Shared {
    pub ctx: ServiceContext,
}

/// Longest descriptions, reasons and notes, in characters.
pub(crate) const MAX_TEXT: usize = 2000;

/// Years the service accepts.
const YEARS: std::ops::RangeInclusive<i32> = 2000..=2100;

/// The shared state is the service's context plus its own parts: the
/// context's clock, directory and database read through it
/// (`s.today()`, `s.now()`, `s.snapshot()`).
impl std::ops::Deref for Shared {
    type Target = ServiceContext;

    fn deref(&self) -> &ServiceContext {
        &self.ctx
    }
}

impl Shared {
    /// Refuses unless the caller may read `office`'s finance data.
    pub fn ensure_read(&self, caller: &Caller, office: Uuid) -> Result<(), Error> {
        access::ensure_read(caller, &self.snapshot().tree, office, self.today())
    }

    /// The office (the caller's own when `office_id` is empty) a listing
    /// asks for, once it is a valid id and the caller may read that
    /// office's finance data.
    pub(crate) fn readable_office(&self, caller: &Caller, office_id: &str) -> Result<Uuid, Error> {
        let mut c = Checker::new();
        let office = c.office_or_own("office_id", office_id, caller);
        c.finish()?;
        self.ensure_read(caller, office)?;
        Ok(office)
    }

    /// The office (the caller's own when `office_id` is empty) and fiscal
    /// year (this year when 0) a listing of the books asks for, once the
    /// request is valid and the caller may read that office's books.
    pub(crate) fn readable_year(&self, caller: &Caller, office_id: &str, year: i32) -> Result<(Uuid, i32), Error> {
        let mut c = Checker::new();
        let office = c.office_or_own("office_id", office_id, caller);
        let year = check_year(&mut c, "year", year, Some(self.today().year()));
        c.finish()?;
        self.ensure_read(caller, office)?;
        Ok((office, year))
    }

    /// What `read` finds, in one read transaction, of the office and fiscal
    /// year a listing asks for ([`Shared::readable_year`]), with that office
    /// and year.
    pub(crate) async fn read_year<R, E>(
        &self,
        caller: &Caller,
        office_id: &str,
        year: i32,
        read: impl AsyncFnOnce(&mut Tx, Uuid, i32) -> Result<R, E>,
    ) -> Result<(Uuid, i32, R), Error>
    where
        E: From<StoreError>,
        Error: From<E>,
    {
        let (office, year) = self.readable_year(caller, office_id, year)?;
        let found = self.ctx.db.read(async move |tx| read(tx, office, year).await).await?;
        Ok((office, year, found))
    }

    /// Refuses unless the caller works in `office` with one of `roles`.
    pub fn ensure_act(&self, caller: &Caller, office: Uuid, roles: &[Role]) -> Result<(), Error> {
        access::ensure_act(caller, &self.snapshot().tree, office, self.today(), roles)
    }
}

/// A fiscal year from a request: `0` means `default` when given.
pub(crate) fn check_year(c: &mut Checker, field: &str, year: i32, default: Option<i32>) -> i32 {
    match (year, default) {
        (0, Some(d)) => d,
        (0, None) => {
            c.violation(field, "REQUIRED", "Phải chọn năm tài chính");
            0
        }
        (y, _) if !YEARS.contains(&y) => {
            c.violation(field, "OUT_OF_RANGE", format!("Năm {y} ngoài khoảng 2000–2100"));
            y
        }
        (y, _) => y,
    }
}

/// A month of the year (1–12) from a request; `None`, reported, when out
/// of range.
pub(crate) fn check_month(c: &mut Checker, month: i32) -> Option<u32> {
    let checked = u32::try_from(month).ok().filter(|m| (1..=12).contains(m));
    if checked.is_none() {
        c.violation(
            "month",
            "OUT_OF_RANGE",
            format!("Tháng phải từ 1 đến 12 (nhận được {month})"),
        );
    }
    checked
}

/// A date from a request that defaults to today and may not be in the
/// future.
pub(crate) fn check_past_date(c: &mut Checker, field: &str, value: &str, today: NaiveDate) -> NaiveDate {
    let date = c.date_or(field, value, today);
    if date != NaiveDate::MIN && date > today {
        c.violation(
            field,
            "IN_FUTURE",
            format!(
                "Ngày {} sau hôm nay ({})",
                date.format("%d/%m/%Y"),
                today.format("%d/%m/%Y")
            ),
        );
    }
    date
}

/// A transaction about to be posted.
pub(crate) struct NewTransaction<'a> {
    pub office: Uuid,
    pub date: NaiveDate,
    pub description: &'a str,
    pub kind: TxKind,
    pub entries: &'a [Entry],
    pub reverses: Option<&'a str>,
    pub source: Option<&'a str>,
}

impl<'a> NewTransaction<'a> {
    /// A transaction that reverses nothing and has no source record.
    pub fn new(office: Uuid, date: NaiveDate, description: &'a str, kind: TxKind, entries: &'a [Entry]) -> Self {
        NewTransaction {
            office,
            date,
            description,
            kind,
            entries,
            reverses: None,
            source: None,
        }
    }

    /// Made by the record `source` (a voucher, a dues collection, a
    /// remittance).
    pub fn with_source(mut self, source: &'a str) -> Self {
        self.source = Some(source);
        self
    }

    /// Posts it: see [`post`].
    pub async fn post(self, tx: &mut Tx, caller: &Caller, now: DateTime<Utc>) -> Result<TxRow, Error> {
        post(tx, caller, now, self).await
    }
}

/// Posts a balanced transaction into an office's books, inside `tx`: the
/// month must be open (the fiscal year is locked shared while posting),
/// every account must exist in the office's chart, and debits must equal
/// credits. The transaction takes the next number of the office's year.
async fn post(tx: &mut Tx, caller: &Caller, now: DateTime<Utc>, t: NewTransaction<'_>) -> Result<TxRow, Error> {
    check_balanced(t.entries)?;
    let year = t.date.year();
    store::periods::lock_year(tx, t.office, year, false).await?;
    store::periods::state(tx, t.office, year)
        .await?
        .ensure_postable(t.date)?;
    store::ledger::ensure_accounts(tx, t.office, to_micros(now)).await?;
    for (i, e) in t.entries.iter().enumerate() {
        if store::ledger::get_account(tx, t.office, &e.account_code)
            .await?
            .is_none()
        {
            return Err(Error::invalid(
                format!("postings[{i}].account_code"),
                "UNKNOWN_ACCOUNT",
                format!(
                    "Tài khoản {} không có trong hệ thống tài khoản của đơn vị (bút toán {})",
                    e.account_code,
                    format_vnd(e.amount)
                ),
            ));
        }
    }
    let number = vanphong_platform::number_series::next_number(tx, t.office, &format!("tx:{year}")).await?;
    let row = TxRow {
        id: vanphong_platform::ids::new_id().to_string(),
        office_id: t.office.to_string(),
        year: i64::from(year),
        number,
        posted_on: format_date(t.date),
        description: t.description.to_string(),
        kind: t.kind.code().to_string(),
        reverses_id: t.reverses.map(str::to_string),
        source_id: t.source.map(str::to_string),
        created_by: caller.subject_id.to_string(),
        created_at: to_micros(now),
    };
    store::ledger::insert_transaction(tx, &row, t.entries).await?;
    Ok(row)
}

/// Every service of the finance service, sharing one state.
pub async fn services(ctx: ServiceContext) -> Result<GrpcServices, Error> {
    store::catalog::ensure_defaults(&ctx.db).await?;
    let shared = Arc::new(Shared { ctx });
    Ok(GrpcServices::new()
        .with_service(HandoverServiceServer::new(
            vanphong_platform::handover::api::HandoverApi::started(shared.ctx.clone(), Arc::new(handover::Finance)),
        ))
        .with_service(BudgetLineServiceServer::new(catalog::CatalogApi(shared.clone())))
        .with_service(FiscalYearServiceServer::new(periods::PeriodsApi(shared.clone())))
        .with_service(BudgetServiceServer::new(budget::BudgetApi(shared.clone())))
        .with_service(LedgerServiceServer::new(ledger::LedgerApi(shared.clone())))
        .with_service(SpendingServiceServer::new(spending::SpendingApi(shared.clone())))
        .with_service(DuesServiceServer::new(dues::DuesApi(shared.clone())))
        .with_service(FiguresServiceServer::new(figures::FiguresApi(shared.clone())))
        .with_service(ExportServiceServer::new(exports::ExportApi(shared.clone())))
        .with_service(AuditServiceServer::new(AuditApi::new(Arc::new(shared.ctx.clone())))))
}
