//! Membership dues: what each member owes, shares kept at each level,
//! remittance into both offices' books up the tree (commune → district →
//! province), and the B01/ĐP figures, computed here by hand.

use http::{Method, StatusCode};
use tonic::{Code, Response, Status};

use vanphong_platform::identity::Role;
use vanphong_proto::finance::v1::{
    CalculateDuesRequest, CreatePartyCellRequest, DuesCollection, DuesRates, DuesRemittance, DuesReport,
    DuesReportRequest, ExportDuesReportRequest, GetTransactionRequest, MemberCategory, MemberDues, PartyCell,
    RecordDuesRequest, RemitDuesRequest, SetDuesRatesRequest, Side, Transaction,
};

use super::support::{balance_of, balances, dues, exports, ledger, sheet, typed_sheet};
use crate::helpers::{TestApp, authed, spawn_app, violated_fields};

async fn record(app: &TestApp, token: &str, r: RecordDuesRequest) -> Result<DuesCollection, Status> {
    dues(app).record_dues(authed(r, token)).await.map(Response::into_inner)
}

async fn remit(app: &TestApp, token: &str, r: RemitDuesRequest) -> Result<DuesRemittance, Status> {
    dues(app).remit_dues(authed(r, token)).await.map(Response::into_inner)
}

async fn report_of(app: &TestApp, token: &str, r: DuesReportRequest) -> Result<DuesReport, Status> {
    dues(app)
        .get_dues_report(authed(r, token))
        .await
        .map(Response::into_inner)
}

/// A Party cell of the caller's office.
pub(crate) async fn new_cell(app: &TestApp, token: &str, name: &str) -> PartyCell {
    dues(app)
        .create_party_cell(authed(
            CreatePartyCellRequest {
                name: name.into(),
                ..Default::default()
            },
            token,
        ))
        .await
        .expect("cell")
        .into_inner()
}

#[tokio::test]
async fn dues_are_shared_remitted_into_both_books_and_reported_on_b01() {
    let app = spawn_app().await;
    let accountant = app.token("bacly", Role::Accountant).await;
    let cell = new_cell(&app, &accountant, "Chi bộ thôn Đông Lý").await;

    // January, by the cell, at the default shares (cell 30 %, office 40 %):
    // 1.234.567 × 30 % = 370.370,1 → 370.370; × 40 % = 493.826,8 → 493.826;
    // the rest, 370.371, is owed upward.
    let january = record(
        &app,
        &accountant,
        RecordDuesRequest {
            cell_id: cell.id.clone(),
            year: 2026,
            month: 1,
            members: 40,
            amount: 1_234_567,
            collected_on: "2026-01-28".into(),
            ..Default::default()
        },
    )
    .await
    .expect("January");
    assert_eq!(
        (january.cell_share, january.office_share, january.remitted_share),
        (370_370, 493_826, 370_371)
    );

    // The root admin changes the default: the cell keeps 20 %, the office 50 %.
    let root_admin = app.token("tu", Role::Admin).await;
    dues(&app)
        .set_dues_rates(authed(
            SetDuesRatesRequest {
                rates: Some(DuesRates {
                    cell_basis_points: 2_000,
                    office_basis_points: 5_000,
                    ..Default::default()
                }),
            },
            &root_admin,
        ))
        .await
        .expect("rates");
    // February, collected by the office itself (it keeps both shares, 70 %):
    // 500.000 × 70 % = 350.000 kept, 150.000 owed.
    let (status, february, _) = app
        .rest(
            Method::POST,
            "/api/v1/finance/dues",
            Some(&accountant),
            Some(
                serde_json::json!({"year": 2026, "month": 2, "members": 12, "amount": "500000",
                "collectedOn": "2026-02-26", "requestId": "dp-02"}),
            ),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{february}");
    assert_eq!(february["officeShare"], "350000");
    assert_eq!(february["remittedShare"], "150000");
    // March by the cell at the new rates: 800.000 → cell 160.000, office
    // 400.000, owed 240.000.
    let march_request = RecordDuesRequest {
        cell_id: cell.id.clone(),
        year: 2026,
        month: 3,
        members: 41,
        amount: 800_000,
        ..Default::default()
    };
    let march = record(&app, &accountant, march_request.clone()).await.expect("March");
    assert_eq!(
        (march.cell_share, march.office_share, march.remitted_share),
        (160_000, 400_000, 240_000)
    );
    let e = record(&app, &accountant, march_request)
        .await
        .expect_err("March is recorded");
    assert_eq!(e.code(), Code::AlreadyExists);

    // Owed: 370.371 + 150.000 + 240.000 = 760.371. Remitting more is refused.
    let owed_up = |amount: i64| RemitDuesRequest {
        amount,
        note: "Nộp đảng phí quý I".into(),
        ..Default::default()
    };
    let e = remit(&app, &accountant, owed_up(760_372))
        .await
        .expect_err("more than owed");
    assert_eq!(e.code(), Code::FailedPrecondition);
    assert!(e.message().contains("760.371 đ"), "{}", e.message());
    let hiephoa_accountant = app.token("hiephoa", Role::Accountant).await;
    let parent_before = balances(&app, &hiephoa_accountant, "hiephoa").await;
    let remittance = remit(&app, &accountant, owed_up(700_000)).await.expect("remitted");
    assert_eq!(remittance.to_office_id, app.office_id("hiephoa"));

    let child = balances(&app, &accountant, "bacly").await;
    assert_eq!(balance_of(&child, "3388"), -60_371, "still owed 60.371 đ");
    // Cash: 493.826 + 370.371 + 500.000 + 640.000 received, 700.000 paid up.
    assert_eq!(balance_of(&child, "111"), 864_197 + 500_000 + 640_000 - 700_000);
    assert_eq!(balance_of(&child, "7118"), -(493_826 + 350_000 + 400_000));
    let parent = balances(&app, &hiephoa_accountant, "hiephoa").await;
    assert_eq!(balance_of(&parent, "111") - balance_of(&parent_before, "111"), 700_000);
    // Hiệp Hòa keeps half of it (the default) and owes the other half to
    // the province.
    assert_eq!(balance_of(&parent, "7111"), -350_000);
    assert_eq!(balance_of(&parent, "3388"), -350_000);
    assert_eq!(parent.total_debits, parent.total_credits);

    // B01/ĐP for the first quarter.
    let report = report_of(
        &app,
        &accountant,
        DuesReportRequest {
            year: 2026,
            quarter: 1,
            ..Default::default()
        },
    )
    .await
    .expect("report");
    let row = |n: &str| {
        report
            .rows
            .iter()
            .find(|r| r.number == n)
            .map(|r| r.value)
            .expect("row")
    };
    assert_eq!(row("01"), 41 + 12, "the cell's latest month, and the office's own");
    assert_eq!(row("02"), 1_234_567 + 500_000 + 800_000);
    assert_eq!(row("03"), 2_534_567);
    assert_eq!(row("05"), 370_370 + 160_000);
    assert_eq!(row("06"), 493_826 + 350_000 + 400_000);
    assert_eq!(row("04"), row("05") + row("06"));
    assert_eq!(
        (row("07"), row("08"), row("09")),
        (0, 0, 0),
        "nothing received from below"
    );
    assert_eq!(row("10"), 760_371, "owed upward, arisen in the quarter");
    assert_eq!(row("11"), 60_371, "still owed at its end");
    assert_eq!(row("12"), 700_000);
    assert_eq!(row("13"), 700_000);
    assert_eq!(report.outstanding, 60_371);
    let (status, body, _) = app
        .rest(
            Method::GET,
            "/api/v1/finance/dues/report?year=2026&quarter=2",
            Some(&accountant),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(
        body["rows"][2]["value"], "2534567",
        "year to date carries into the second quarter"
    );

    // The same report as a spreadsheet.
    let file = exports(&app)
        .export_dues_report(authed(
            ExportDuesReportRequest {
                year: 2026,
                quarter: 1,
                ..Default::default()
            },
            &accountant,
        ))
        .await
        .expect("xlsx")
        .into_inner();
    let typed = typed_sheet(file.content.clone());
    let rows = sheet(file.content);
    assert!(rows.iter().any(|r| r.iter().any(|c| c.contains("B01/ĐP"))));
    let figures: Vec<&calamine::Data> = typed
        .iter()
        .filter(|r| r.first().is_some_and(|c| c.to_string().len() == 2))
        .filter_map(|r| r.get(2))
        .collect();
    assert!(figures.len() > 5, "the report's rows");
    assert!(
        figures.iter().all(|c| matches!(c, calamine::Data::Float(_))),
        "every figure is a number cell: {figures:?}"
    );
    assert!(rows.iter().any(|r| r.iter().any(|c| c == "Quý I năm 2026")));
    let cells = |n: &str| {
        rows.iter()
            .find(|r| r.first().is_some_and(|c| c == n))
            .cloned()
            .expect("row")
    };
    assert_eq!(cells("02")[2], "2534567");
    assert_eq!(cells("12")[2], "700000");
    assert_eq!(cells("01")[2], "53");

    // Bad input names the field; the root has nobody to remit to.
    let e = record(
        &app,
        &accountant,
        RecordDuesRequest {
            year: 2026,
            month: 13,
            members: 0,
            amount: -1,
            ..Default::default()
        },
    )
    .await
    .expect_err("bad");
    assert_eq!(violated_fields(&e), vec!["month", "members", "amount"]);
    let e = dues(&app)
        .remit_dues(authed(owed_up(1_000), &app.token("tu", Role::Accountant).await))
        .await
        .expect_err("root");
    assert_eq!(e.code(), Code::FailedPrecondition);
}

/// Reads one row of a B01/ĐP report.
fn b01(report: &DuesReport, number: &str) -> i64 {
    report
        .rows
        .iter()
        .find(|r| r.number == number)
        .map(|r| r.value)
        .unwrap_or_else(|| panic!("row {number}"))
}

async fn b01_of(app: &TestApp, token: &str, slug: &str) -> DuesReport {
    report_of(
        app,
        token,
        DuesReportRequest {
            office_id: app.office_id(slug),
            year: 2026,
            quarter: 1,
        },
    )
    .await
    .expect("report")
}

fn member(name: &str, category: MemberCategory, income: i64) -> MemberDues {
    MemberDues {
        name: name.into(),
        category: category as i32,
        monthly_income: income,
        ..Default::default()
    }
}

#[tokio::test]
async fn dues_travel_from_commune_to_district_to_province_with_a_share_kept_at_each_level() {
    let app = spawn_app().await;
    let commune = app.token("bacly", Role::Accountant).await;
    let district = app.token("hiephoa", Role::Accountant).await;
    let province = app.token("tu", Role::Accountant).await;

    // What each member owes (01-QĐ/TW 2026): 1 % of a salary, 0.5 % of a
    // pension, 5.000 đ for a student, rounded half up to the đồng.
    let members = vec![
        member("Nguyễn Văn An", MemberCategory::Salaried, 8_650_000),
        member("Trần Thị Bình", MemberCategory::Salaried, 5_123_450),
        member("Lê Văn Cường", MemberCategory::Pensioner, 4_321_099),
        member("Phạm Thị Dung", MemberCategory::Student, 0),
    ];
    let (status, body, _) = app
        .rest(
            Method::POST,
            "/api/v1/finance/dues/calculate",
            Some(&commune),
            Some(serde_json::json!({"members": [
                {"name": "Nguyễn Văn An", "category": "MEMBER_CATEGORY_SALARIED", "monthlyIncome": "8650000"},
                {"name": "Trần Thị Bình", "category": "MEMBER_CATEGORY_SALARIED", "monthlyIncome": "5123450"},
                {"name": "Lê Văn Cường", "category": "MEMBER_CATEGORY_PENSIONER", "monthlyIncome": "4321099"},
                {"name": "Phạm Thị Dung", "category": "MEMBER_CATEGORY_STUDENT"}
            ]})),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let amounts: Vec<&str> = body["members"]
        .as_array()
        .expect("members")
        .iter()
        .map(|m| m["amount"].as_str().unwrap_or_default())
        .collect();
    // 86.500; 51.234,5 → 51.235; 21.605,495 → 21.605; 5.000.
    assert_eq!(amounts, vec!["86500", "51235", "21605", "5000"]);
    assert_eq!(body["total"], "164340");
    assert_eq!(body["memberCount"], 4);
    let e = dues(&app)
        .calculate_dues(authed(
            CalculateDuesRequest {
                members: vec![
                    member("", MemberCategory::Salaried, 0),
                    member("Ngô Văn Em", MemberCategory::Unspecified, 1_000_000),
                ],
            },
            &commune,
        ))
        .await
        .expect_err("bad members");
    assert_eq!(
        violated_fields(&e),
        vec!["members[0].name", "members[0].monthly_income", "members[1].category"]
    );

    // The commune's cell records January from the list (164.340 đ at the
    // default shares: cell 30 % = 49.302, commune 40 % = 65.736, owed
    // 49.302) and February as a total (170.000: 51.000, 68.000, 51.000).
    let cell = new_cell(&app, &commune, "Chi bộ thôn Đông Lý").await;
    let january = record(
        &app,
        &commune,
        RecordDuesRequest {
            cell_id: cell.id.clone(),
            year: 2026,
            month: 1,
            member_dues: members.clone(),
            collected_on: "2026-01-25".into(),
            ..Default::default()
        },
    )
    .await
    .expect("January");
    assert_eq!(
        (
            january.members,
            january.amount,
            january.cell_share,
            january.office_share,
            january.remitted_share
        ),
        (4, 164_340, 49_302, 65_736, 49_302)
    );
    let e = record(
        &app,
        &commune,
        RecordDuesRequest {
            cell_id: cell.id.clone(),
            year: 2026,
            month: 2,
            members: 5,
            amount: 170_000,
            member_dues: members,
            ..Default::default()
        },
    )
    .await
    .expect_err("the list and the figures disagree");
    assert_eq!(violated_fields(&e), vec!["members", "amount"]);
    record(
        &app,
        &commune,
        RecordDuesRequest {
            cell_id: cell.id.clone(),
            year: 2026,
            month: 2,
            members: 4,
            amount: 170_000,
            collected_on: "2026-02-25".into(),
            ..Default::default()
        },
    )
    .await
    .expect("February");

    // Hiệp Hòa keeps 40 % of what its communes send up (its own rate).
    let district_admin = app.token("hiephoa", Role::Admin).await;
    let rates = dues(&app)
        .set_dues_rates(authed(
            SetDuesRatesRequest {
                rates: Some(DuesRates {
                    office_id: app.office_id("hiephoa"),
                    cell_basis_points: 3_000,
                    office_basis_points: 4_000,
                    received_basis_points: Some(4_000),
                    ..Default::default()
                }),
            },
            &district_admin,
        ))
        .await
        .expect("rates")
        .into_inner();
    assert_eq!(rates.received_basis_points, Some(4_000));

    // The district's accountant cannot remit for the commune.
    let e = remit(
        &app,
        &district,
        RemitDuesRequest {
            office_id: app.office_id("bacly"),
            amount: 1_000,
            ..Default::default()
        },
    )
    .await
    .expect_err("not the district's books");
    assert_eq!(e.code(), Code::PermissionDenied);

    // The commune remits all it owes, 49.302 + 51.000 = 100.302 đ; a retry
    // makes nothing twice. Hiệp Hòa keeps 40 % (40.120,8 → 40.120) and owes
    // the province 60.182.
    let all_owed = RemitDuesRequest {
        request_id: "nop-dp-bacly-q1".into(),
        amount: 100_302,
        remitted_on: "2026-02-26".into(),
        note: "Nộp đảng phí quý I".into(),
        ..Default::default()
    };
    let up = remit(&app, &commune, all_owed.clone()).await.expect("remitted");
    let again = remit(&app, &commune, all_owed).await.expect("retried");
    assert_eq!(up.id, again.id);
    assert_eq!((up.parent_kept_share, up.parent_owed_share), (40_120, 60_182));
    // Matching transactions in both offices' books.
    let in_commune = ledger(&app)
        .get_transaction(authed(
            GetTransactionRequest {
                transaction_id: up.child_transaction_id.clone(),
            },
            &commune,
        ))
        .await
        .expect("the commune's transaction")
        .into_inner();
    let in_district = ledger(&app)
        .get_transaction(authed(
            GetTransactionRequest {
                transaction_id: up.parent_transaction_id.clone(),
            },
            &district,
        ))
        .await
        .expect("the district's transaction")
        .into_inner();
    assert_eq!(in_commune.office_id, app.office_id("bacly"));
    assert_eq!(in_district.office_id, app.office_id("hiephoa"));
    assert_eq!(
        (in_commune.source_id.as_str(), in_district.source_id.as_str()),
        (up.id.as_str(), up.id.as_str())
    );
    let postings = |t: &Transaction| {
        let mut p: Vec<(String, i32, i64)> = t
            .postings
            .iter()
            .map(|p| (p.account_code.clone(), p.side, p.amount))
            .collect();
        p.sort();
        p
    };
    let (debit, credit) = (Side::Debit as i32, Side::Credit as i32);
    assert_eq!(
        postings(&in_commune),
        vec![
            ("111".to_string(), credit, 100_302),
            ("3388".to_string(), debit, 100_302)
        ]
    );
    assert_eq!(
        postings(&in_district),
        vec![
            ("111".to_string(), debit, 100_302),
            ("3388".to_string(), credit, 60_182),
            ("7111".to_string(), credit, 40_120)
        ]
    );

    // Hiệp Hòa collects its own members' dues directly in February (600.000:
    // it keeps 70 % = 420.000, owes 180.000), then passes everything it
    // owes, 180.000 + 60.182 = 240.182, to the province, which keeps it all.
    record(
        &app,
        &district,
        RecordDuesRequest {
            year: 2026,
            month: 2,
            members: 25,
            amount: 600_000,
            collected_on: "2026-02-24".into(),
            ..Default::default()
        },
    )
    .await
    .expect("the district's own dues");
    let e = remit(
        &app,
        &district,
        RemitDuesRequest {
            amount: 240_183,
            remitted_on: "2026-02-27".into(),
            ..Default::default()
        },
    )
    .await
    .expect_err("one đồng more than owed");
    assert!(e.message().contains("240.182 đ"), "{}", e.message());
    let (status, body, _) = app
        .rest(
            Method::POST,
            "/api/v1/finance/dues/remittances",
            Some(&district),
            Some(serde_json::json!({"requestId": "nop-dp-hiephoa-q1", "amount": "240182",
                "remittedOn": "2026-02-27", "note": "Nộp đảng phí quý I lên Tỉnh ủy"})),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["toOfficeId"], app.office_id("tu"));
    assert_eq!(body["parentKeptShare"], "240182");
    assert_eq!(body["parentOwedShare"], "0");

    // Every office's books balance and owe nothing more upward.
    let books = balances(&app, &commune, "bacly").await;
    assert_eq!(balance_of(&books, "3388"), 0);
    assert_eq!(balance_of(&books, "111"), 65_736 + 49_302 + 68_000 + 51_000 - 100_302);
    let books = balances(&app, &district, "hiephoa").await;
    assert_eq!(balance_of(&books, "3388"), 0);
    assert_eq!(balance_of(&books, "111"), 100_302 + 600_000 - 240_182);
    assert_eq!(balance_of(&books, "7111"), -40_120);
    assert_eq!(balance_of(&books, "7118"), -420_000);
    assert_eq!(books.total_debits, books.total_credits);
    let books = balances(&app, &province, "tu").await;
    assert_eq!(balance_of(&books, "111"), 240_182);
    assert_eq!(balance_of(&books, "7111"), -240_182);
    assert_eq!(books.total_debits, books.total_credits);

    // B01/ĐP of each level, by hand. 02 + 08 = 04 + 10 at every level.
    let rows = |r: &DuesReport| {
        [
            "01", "02", "03", "04", "05", "06", "07", "08", "09", "10", "11", "12", "13",
        ]
        .iter()
        .map(|n| b01(r, n))
        .collect::<Vec<i64>>()
    };
    let commune_report = b01_of(&app, &commune, "bacly").await;
    assert_eq!(
        rows(&commune_report),
        vec![
            4,
            334_340,
            334_340,
            49_302 + 51_000 + 65_736 + 68_000,
            49_302 + 51_000,
            65_736 + 68_000,
            0,
            0,
            0,
            100_302,
            0,
            100_302,
            100_302
        ]
    );
    let district_report = b01_of(&app, &district, "hiephoa").await;
    assert_eq!(
        rows(&district_report),
        vec![
            25, 600_000, 600_000, 460_120, 0, 420_000, 40_120, 100_302, 100_302, 240_182, 0, 240_182, 240_182
        ]
    );
    let province_report = b01_of(&app, &province, "tu").await;
    assert_eq!(
        rows(&province_report),
        vec![0, 0, 0, 240_182, 0, 0, 240_182, 240_182, 240_182, 0, 0, 0, 0]
    );
    for r in [&commune_report, &district_report, &province_report] {
        assert_eq!(b01(r, "02") + b01(r, "08"), b01(r, "04") + b01(r, "10"));
    }
    // The province reads the district's report; a sibling district does not.
    b01_of(&app, &province, "hiephoa").await;
    let e = report_of(
        &app,
        &app.token("vietyen", Role::Accountant).await,
        DuesReportRequest {
            office_id: app.office_id("hiephoa"),
            year: 2026,
            quarter: 1,
        },
    )
    .await
    .expect_err("sibling");
    assert_eq!(e.code(), Code::PermissionDenied);

    // The district's B01/ĐP as a spreadsheet, amounts written 1.234.567 đ.
    let file = exports(&app)
        .export_dues_report(authed(
            ExportDuesReportRequest {
                year: 2026,
                quarter: 1,
                ..Default::default()
            },
            &district,
        ))
        .await
        .expect("xlsx")
        .into_inner();
    let rows = sheet(file.content);
    let value_of = |n: &str| {
        rows.iter()
            .find(|r| r.first().is_some_and(|c| c == n))
            .map(|r| r[2].clone())
            .unwrap_or_else(|| panic!("row {n}"))
    };
    assert_eq!(value_of("04"), "460120");
    assert_eq!(value_of("07"), "40120");
    assert_eq!(value_of("08"), "100302");
    assert_eq!(value_of("10"), "240182");
    assert_eq!(value_of("11"), "0");
}

#[tokio::test]
async fn concurrent_remittances_never_send_more_than_is_owed() {
    let app = spawn_app().await;
    let commune = app.token("bacly", Role::Accountant).await;
    // Collected directly: 1.000.000 đ, of which 30 % (300.000) is owed upward.
    record(
        &app,
        &commune,
        RecordDuesRequest {
            year: 2026,
            month: 2,
            members: 20,
            amount: 1_000_000,
            collected_on: "2026-02-20".into(),
            ..Default::default()
        },
    )
    .await
    .expect("collected");
    let mut calls = Vec::new();
    for n in 0..12 {
        let mut client = dues(&app);
        let request = authed(
            RemitDuesRequest {
                request_id: format!("nop-dp-{n}"),
                amount: 100_000,
                remitted_on: "2026-02-27".into(),
                ..Default::default()
            },
            &commune,
        );
        calls.push(tokio::spawn(async move { client.remit_dues(request).await }));
    }
    let mut accepted = 0;
    for call in calls {
        match call.await.expect("joined") {
            Ok(_) => accepted += 1,
            Err(e) => assert_eq!(e.code(), Code::FailedPrecondition, "{e:?}"),
        }
    }
    assert_eq!(accepted, 3, "300.000 đ owed, 100.000 đ a time");
    let books = balances(&app, &commune, "bacly").await;
    assert_eq!(balance_of(&books, "3388"), 0);
    let district = balances(&app, &app.token("hiephoa", Role::Accountant).await, "hiephoa").await;
    assert_eq!(balance_of(&district, "111"), 300_000);
    assert_eq!(
        (balance_of(&district, "7111"), balance_of(&district, "3388")),
        (-150_000, -150_000)
    );
    assert_eq!(district.total_debits, district.total_credits);
}
