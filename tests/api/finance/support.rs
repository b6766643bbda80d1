//! Clients and fixtures shared by the finance tests: a budget approved at
//! the province and allocated to a district, ready to spend.

use tonic::transport::Channel;

use vanphong_platform::identity::Role;
use vanphong_proto::finance::v1::budget_service_client::BudgetServiceClient;
use vanphong_proto::finance::v1::dues_service_client::DuesServiceClient;
use vanphong_proto::finance::v1::export_service_client::ExportServiceClient;
use vanphong_proto::finance::v1::figures_service_client::FiguresServiceClient;
use vanphong_proto::finance::v1::fiscal_year_service_client::FiscalYearServiceClient;
use vanphong_proto::finance::v1::ledger_service_client::LedgerServiceClient;
use vanphong_proto::finance::v1::spending_service_client::SpendingServiceClient;
use vanphong_proto::finance::v1::{
    AllocateRequest, AllocationItem, AllocationLine, CreateEstimateRequest, Estimate, EstimateDecisionRequest,
    EstimateLine, GetBalancesRequest, GetBalancesResponse, ListAllocationLinesRequest,
};

use crate::helpers::{TestApp, authed};

pub fn budget(app: &TestApp) -> BudgetServiceClient<Channel> {
    BudgetServiceClient::new(app.channel.clone())
}

pub fn ledger(app: &TestApp) -> LedgerServiceClient<Channel> {
    LedgerServiceClient::new(app.channel.clone())
}

pub fn spending(app: &TestApp) -> SpendingServiceClient<Channel> {
    SpendingServiceClient::new(app.channel.clone())
}

pub fn years(app: &TestApp) -> FiscalYearServiceClient<Channel> {
    FiscalYearServiceClient::new(app.channel.clone())
}

pub fn dues(app: &TestApp) -> DuesServiceClient<Channel> {
    DuesServiceClient::new(app.channel.clone())
}

pub fn figures(app: &TestApp) -> FiguresServiceClient<Channel> {
    FiguresServiceClient::new(app.channel.clone())
}

pub fn exports(app: &TestApp) -> ExportServiceClient<Channel> {
    ExportServiceClient::new(app.channel.clone())
}

pub fn line(code: &str, amount: i64) -> EstimateLine {
    EstimateLine {
        line_code: code.into(),
        amount,
        ..Default::default()
    }
}

/// The province's 2026 estimate, created, submitted and approved: what the
/// root then holds.
pub async fn approved_root_estimate(app: &TestApp, lines: Vec<EstimateLine>) -> Estimate {
    let accountant = app.token("tu", Role::Accountant).await;
    let leader = app.token("tu", Role::Leader).await;
    let estimate = budget(app)
        .create_estimate(authed(
            CreateEstimateRequest {
                year: 2026,
                lines,
                note: "Dự toán chi hoạt động năm 2026".into(),
                ..Default::default()
            },
            &accountant,
        ))
        .await
        .expect("estimate created")
        .into_inner();
    budget(app)
        .submit_estimate(authed(
            EstimateDecisionRequest {
                estimate_id: estimate.id.clone(),
                ..Default::default()
            },
            &accountant,
        ))
        .await
        .expect("submitted");
    budget(app)
        .approve_estimate(authed(
            EstimateDecisionRequest {
                estimate_id: estimate.id,
                reason: "Quyết định số 01-QĐ/TU".into(),
            },
            &leader,
        ))
        .await
        .expect("approved")
        .into_inner()
}

/// The province allocates `amount` of `code` to the district `slug`.
pub async fn allocate(app: &TestApp, slug: &str, code: &str, amount: i64) {
    let leader = app.token("tu", Role::Leader).await;
    budget(app)
        .allocate(authed(
            AllocateRequest {
                year: 2026,
                items: vec![AllocationItem {
                    to_office_id: app.office_id(slug),
                    line_code: code.into(),
                    amount,
                }],
                decision_ref: "Quyết định số 15-QĐ/TU".into(),
                ..Default::default()
            },
            &leader,
        ))
        .await
        .expect("allocated");
}

/// A district's allocation line for `code` in 2026, as read by `token`.
pub async fn allocation_line(app: &TestApp, token: &str, slug: &str, code: &str) -> AllocationLine {
    lines(app, token, slug)
        .await
        .into_iter()
        .find(|l| l.line_code == code)
        .expect("allocation line")
}

pub async fn lines(app: &TestApp, token: &str, slug: &str) -> Vec<AllocationLine> {
    budget(app)
        .list_allocation_lines(authed(
            ListAllocationLinesRequest {
                office_id: app.office_id(slug),
                year: 2026,
            },
            token,
        ))
        .await
        .expect("lines")
        .into_inner()
        .lines
}

/// The province holds `amount` of `code`, all of it allocated to `slug`:
/// the district's line for that code, and its accountant's token.
pub async fn district_line(app: &TestApp, slug: &str, code: &str, amount: i64) -> (AllocationLine, String) {
    approved_root_estimate(app, vec![line(code, amount)]).await;
    allocate(app, slug, code, amount).await;
    let accountant = app.token(slug, Role::Accountant).await;
    (allocation_line(app, &accountant, slug, code).await, accountant)
}

pub async fn balances(app: &TestApp, token: &str, slug: &str) -> GetBalancesResponse {
    ledger(app)
        .get_balances(authed(
            GetBalancesRequest {
                office_id: app.office_id(slug),
                ..Default::default()
            },
            token,
        ))
        .await
        .expect("balances")
        .into_inner()
}

/// The balance (debit − credit) of one account.
pub fn balance_of(b: &GetBalancesResponse, code: &str) -> i64 {
    b.balances
        .iter()
        .find(|a| a.account_code == code)
        .map(|a| a.balance)
        .unwrap_or_default()
}

/// The cells of a spreadsheet's first sheet, as text.
pub fn sheet(content: Vec<u8>) -> Vec<Vec<String>> {
    crate::helpers::spreadsheet_text(content)
}

/// The first sheet's cells as stored (see [`crate::helpers::spreadsheet_cells`]).
pub fn typed_sheet(content: Vec<u8>) -> Vec<Vec<calamine::Data>> {
    crate::helpers::spreadsheet_cells(content)
}
