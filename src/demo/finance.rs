//! Demo finance: Tỉnh ủy Bắc Giang's estimate for the year and each
//! district's, approved, and the allocation to the three district committees; each district receives its
//! funds and spends over the last few months; the communes under Hiệp Hòa
//! collect Party dues and remit their share to the district, which collects
//! its own and passes what it owes on to the province.

use chrono::{Datelike, NaiveDate};
use tonic::transport::Channel;

use vanphong_platform::identity::Role;
use vanphong_proto::finance::v1::budget_service_client::BudgetServiceClient;
use vanphong_proto::finance::v1::dues_service_client::DuesServiceClient;
use vanphong_proto::finance::v1::ledger_service_client::LedgerServiceClient;
use vanphong_proto::finance::v1::spending_service_client::SpendingServiceClient;
use vanphong_proto::finance::v1::{
    AllocateRequest, AllocationItem, CreateEstimateRequest, CreatePartyCellRequest, CreateVoucherRequest,
    EstimateDecisionRequest, EstimateLine, ListAllocationLinesRequest, PostTransactionRequest, Posting,
    RecordDuesRequest, RemitDuesRequest, Side,
};

use super::{DemoError, DemoReport, authorized, call_error, sign_in};

/// The province's estimate by tiểu mục, in đồng.
pub(super) const ESTIMATE: &[(&str, i64)] = &[
    ("6001", 4_200_000_000),
    ("6101", 380_000_000),
    ("6301", 760_000_000),
    ("6501", 240_000_000),
    ("6551", 300_000_000),
    ("6701", 450_000_000),
    ("7001", 600_000_000),
];

/// What each district receives on the lines it spends from, in đồng.
pub(super) const PER_DISTRICT: &[(&str, i64)] = &[("6501", 48_000_000), ("6551", 60_000_000), ("6701", 90_000_000)];

/// A month's spending of a district: line, amount, what, payee.
pub(super) const SPENDING: &[(&str, i64, &str, &str)] = &[
    ("6501", 3_850_000, "Thanh toán tiền điện", "Công ty Điện lực Bắc Giang"),
    (
        "6551",
        4_620_000,
        "Mua giấy in, mực in, văn phòng phẩm",
        "Nhà sách Bắc Giang",
    ),
    (
        "6701",
        6_300_000,
        "Công tác phí đoàn kiểm tra cơ sở",
        "Cán bộ đi công tác",
    ),
];

pub(super) fn date(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

/// Up to three months ending this month, each with the day it is booked on
/// (the 10th, or today when earlier).
fn recent_months(today: NaiveDate) -> Vec<(u32, NaiveDate)> {
    let first = today.month().saturating_sub(2).max(1);
    (first..=today.month())
        .filter_map(|m| NaiveDate::from_ymd_opt(today.year(), m, 10).map(|d| (m, d.min(today))))
        .collect()
}

/// An office's estimate for `year` on `lines`, made by its accountant,
/// submitted and approved by the leader who decides it (`people`); `texts`
/// are its note and the approval's reason.
pub(super) async fn approved_estimate(
    budget: &mut BudgetServiceClient<Channel>,
    (accountant, leader): (&str, &str),
    request_id: &str,
    year: i32,
    lines: &[(&str, i64)],
    (note, approval): (&str, &str),
) -> Result<(), DemoError> {
    let estimate = budget
        .create_estimate(authorized(
            CreateEstimateRequest {
                request_id: request_id.into(),
                year,
                lines: lines
                    .iter()
                    .map(|(code, amount)| EstimateLine {
                        line_code: (*code).into(),
                        amount: *amount,
                        ..Default::default()
                    })
                    .collect(),
                note: note.into(),
                ..Default::default()
            },
            accountant,
        ))
        .await
        .map_err(call_error(format!("create the estimate {request_id}")))?
        .into_inner();
    let decision = |reason: &str| EstimateDecisionRequest {
        estimate_id: estimate.id.clone(),
        reason: reason.into(),
    };
    budget
        .submit_estimate(authorized(decision(""), accountant))
        .await
        .map_err(call_error(format!("submit the estimate {request_id}")))?;
    budget
        .approve_estimate(authorized(decision(approval), leader))
        .await
        .map_err(call_error(format!("approve the estimate {request_id}")))?;
    Ok(())
}

/// Books the funds an office received on `on` against the budget it was
/// given (112 debit, 511 credit).
pub(super) async fn receive_funds(
    ledger: &mut LedgerServiceClient<Channel>,
    accountant: &str,
    request_id: &str,
    on: NaiveDate,
    amount: i64,
) -> Result<(), DemoError> {
    let side = |account: &str, side: Side| Posting {
        account_code: account.into(),
        side: side as i32,
        amount,
        ..Default::default()
    };
    ledger
        .post_transaction(authorized(
            PostTransactionRequest {
                request_id: request_id.into(),
                posted_on: date(on),
                description: "Nhận kinh phí ngân sách cấp theo dự toán được giao".into(),
                postings: vec![side("112", Side::Debit), side("511", Side::Credit)],
                ..Default::default()
            },
            accountant,
        ))
        .await
        .map_err(call_error(format!("book the funds {request_id}")))?;
    Ok(())
}

/// Loads the demo's finance data through the finance API.
pub async fn load(channel: &Channel, report: &DemoReport, today: NaiveDate) -> Result<(), DemoError> {
    let year = today.year();
    let name = |slug: &str, role| report.username(slug, role).unwrap_or_default().to_string();
    let office = |slug: &str| report.office(slug).map(|o| o.id.clone()).unwrap_or_default();
    let mut budget = BudgetServiceClient::new(channel.clone());
    let mut ledger = LedgerServiceClient::new(channel.clone());
    let mut spending = SpendingServiceClient::new(channel.clone());
    let mut dues = DuesServiceClient::new(channel.clone());

    // The province's estimate: prepared by its accountant, approved by its leader.
    let accountant = sign_in(channel, &name("tu", Role::Accountant)).await?;
    let leader = sign_in(channel, &name("tu", Role::Leader)).await?;
    approved_estimate(
        &mut budget,
        (&accountant, &leader),
        &format!("demo-du-toan-tu-{year}"),
        year,
        ESTIMATE,
        (
            &format!("Dự toán chi hoạt động năm {year} của Văn phòng Tỉnh ủy"),
            &format!("Quyết định số 01-QĐ/TU năm {year}"),
        ),
    )
    .await?;

    // Each district's estimate of the year, on the lines it spends from,
    // approved by the province's leader before the allocation.
    let districts = ["hiephoa", "vietyen", "yendung"];
    for slug in districts {
        let district_accountant = sign_in(channel, &name(slug, Role::Accountant)).await?;
        approved_estimate(
            &mut budget,
            (&district_accountant, &leader),
            &format!("demo-du-toan-{slug}-{year}"),
            year,
            PER_DISTRICT,
            (&format!("Dự toán chi hoạt động năm {year}"), "Đã thẩm định, thống nhất"),
        )
        .await?;
    }

    // Allocation to the three districts.
    budget
        .allocate(authorized(
            AllocateRequest {
                request_id: format!("demo-phan-bo-{year}"),
                year,
                items: districts
                    .iter()
                    .flat_map(|slug| {
                        PER_DISTRICT.iter().map(|(code, amount)| AllocationItem {
                            to_office_id: office(slug),
                            line_code: (*code).into(),
                            amount: *amount,
                        })
                    })
                    .collect(),
                decision_ref: format!("Quyết định số 15-QĐ/TU năm {year} về giao dự toán"),
                note: format!("Giao dự toán chi hoạt động năm {year} cho các huyện ủy"),
                ..Default::default()
            },
            &leader,
        ))
        .await
        .map_err(call_error("allocate to the districts"))?;

    // Each district receives its funds and spends month by month.
    let months = recent_months(today);
    for slug in districts {
        let token = sign_in(channel, &name(slug, Role::Accountant)).await?;
        let received: i64 = PER_DISTRICT.iter().map(|(_, a)| a).sum();
        let funded_on = months.first().map_or(today, |(_, d)| *d);
        receive_funds(
            &mut ledger,
            &token,
            &format!("demo-cap-kinh-phi-{slug}-{year}"),
            funded_on,
            received,
        )
        .await?;
        let lines = budget
            .list_allocation_lines(authorized(
                ListAllocationLinesRequest {
                    office_id: office(slug),
                    year,
                },
                &token,
            ))
            .await
            .map_err(call_error(format!("lines of {slug}")))?
            .into_inner()
            .lines;
        for (month, on) in &months {
            for (code, amount, what, payee) in SPENDING {
                let Some(line) = lines.iter().find(|l| l.line_code == *code) else {
                    continue;
                };
                spending
                    .create_voucher(authorized(
                        CreateVoucherRequest {
                            request_id: format!("demo-ct-{slug}-{code}-{year}-{month}"),
                            allocation_line_id: line.id.clone(),
                            amount: *amount,
                            voucher_date: date(*on),
                            description: format!("{what} tháng {month:02}/{year}"),
                            payee: (*payee).into(),
                            ..Default::default()
                        },
                        &token,
                    ))
                    .await
                    .map_err(call_error(format!("voucher of {slug}")))?;
            }
        }
    }

    // Party dues in the communes under Hiệp Hòa, remitted to the district.
    let mut passed_on = 0;
    for (slug, cell_name, members) in [
        ("bacly", "Chi bộ thôn Đông Lý", 38),
        ("hoangvan", "Chi bộ thôn Hoàng Liên", 27),
    ] {
        let token = sign_in(channel, &name(slug, Role::Accountant)).await?;
        let cell = dues
            .create_party_cell(authorized(
                CreatePartyCellRequest {
                    request_id: format!("demo-chi-bo-{slug}"),
                    name: cell_name.into(),
                    ..Default::default()
                },
                &token,
            ))
            .await
            .map_err(call_error(format!("cell of {slug}")))?
            .into_inner();
        let mut owed = 0;
        for (month, on) in &months {
            let collected = dues
                .record_dues(authorized(
                    RecordDuesRequest {
                        request_id: format!("demo-dang-phi-{slug}-{year}-{month}"),
                        cell_id: cell.id.clone(),
                        year,
                        month: *month as i32,
                        members,
                        amount: i64::from(members) * 42_000,
                        collected_on: date(*on),
                        ..Default::default()
                    },
                    &token,
                ))
                .await
                .map_err(call_error(format!("dues of {slug}")))?
                .into_inner();
            owed += collected.remitted_share;
        }
        if owed > 0 {
            let remitted = dues
                .remit_dues(authorized(
                    RemitDuesRequest {
                        request_id: format!("demo-nop-dang-phi-{slug}-{year}"),
                        amount: owed,
                        note: "Nộp đảng phí lên Huyện ủy Hiệp Hòa".into(),
                        ..Default::default()
                    },
                    &token,
                ))
                .await
                .map_err(call_error(format!("remit dues of {slug}")))?
                .into_inner();
            passed_on += remitted.parent_owed_share;
        }
    }

    // Hiệp Hòa collects the dues of its own office's members, then remits to
    // the province what it owes: its share of them and of the communes' dues.
    let token = sign_in(channel, &name("hiephoa", Role::Accountant)).await?;
    let mut owed = passed_on;
    for (month, on) in &months {
        let collected = dues
            .record_dues(authorized(
                RecordDuesRequest {
                    request_id: format!("demo-dang-phi-hiephoa-{year}-{month}"),
                    year,
                    month: *month as i32,
                    members: 24,
                    amount: 24 * 68_000,
                    collected_on: date(*on),
                    ..Default::default()
                },
                &token,
            ))
            .await
            .map_err(call_error("dues of hiephoa"))?
            .into_inner();
        owed += collected.remitted_share;
    }
    if owed > 0 {
        dues.remit_dues(authorized(
            RemitDuesRequest {
                request_id: format!("demo-nop-dang-phi-hiephoa-{year}"),
                amount: owed,
                note: "Nộp đảng phí lên Tỉnh ủy Bắc Giang".into(),
                ..Default::default()
            },
            &token,
        ))
        .await
        .map_err(call_error("remit dues of hiephoa"))?;
    }
    Ok(())
}
