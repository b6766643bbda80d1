//! Membership dues: shares kept at each level, remittance into both
//! offices' books, and the B01/ĐP figures, computed here by hand.

use std::io::Cursor;

use calamine::{Reader, Xlsx, open_workbook_from_rs};
use http::{Method, StatusCode};
use tonic::Code;

use vanphong_platform::identity::Role;
use vanphong_proto::finance::v1::{
    CreatePartyCellRequest, DuesRates, DuesReportRequest, ExportDuesReportRequest, RecordDuesRequest, RemitDuesRequest,
    SetDuesRatesRequest,
};

use super::support::{balance_of, balances, dues, exports};
use crate::helpers::{authed, spawn_app, violated_fields};

#[tokio::test]
async fn dues_are_shared_remitted_into_both_books_and_reported_on_b01() {
    let app = spawn_app().await;
    let accountant = app.token("bacly", Role::Accountant).await;
    let cell = dues(&app)
        .create_party_cell(authed(
            CreatePartyCellRequest {
                name: "Chi bộ thôn Đông Lý".into(),
                ..Default::default()
            },
            &accountant,
        ))
        .await
        .expect("cell")
        .into_inner();

    // January, by the cell, at the default shares (cell 30 %, office 40 %):
    // 1.234.567 × 30 % = 370.370,1 → 370.370; × 40 % = 493.826,8 → 493.826;
    // the rest, 370.371, is owed upward.
    let january = dues(&app)
        .record_dues(authed(
            RecordDuesRequest {
                cell_id: cell.id.clone(),
                year: 2026,
                month: 1,
                members: 40,
                amount: 1_234_567,
                collected_on: "2026-01-28".into(),
                ..Default::default()
            },
            &accountant,
        ))
        .await
        .expect("January")
        .into_inner();
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
    let march = dues(&app)
        .record_dues(authed(
            RecordDuesRequest {
                cell_id: cell.id.clone(),
                year: 2026,
                month: 3,
                members: 41,
                amount: 800_000,
                ..Default::default()
            },
            &accountant,
        ))
        .await
        .expect("March")
        .into_inner();
    assert_eq!(
        (march.cell_share, march.office_share, march.remitted_share),
        (160_000, 400_000, 240_000)
    );
    let e = dues(&app)
        .record_dues(authed(
            RecordDuesRequest {
                cell_id: cell.id.clone(),
                year: 2026,
                month: 3,
                members: 41,
                amount: 800_000,
                ..Default::default()
            },
            &accountant,
        ))
        .await
        .expect_err("March is recorded");
    assert_eq!(e.code(), Code::AlreadyExists);

    // Owed: 370.371 + 150.000 + 240.000 = 760.371. Remitting more is refused.
    let remit = |amount: i64| RemitDuesRequest {
        amount,
        note: "Nộp đảng phí quý I".into(),
        ..Default::default()
    };
    let e = dues(&app)
        .remit_dues(authed(remit(760_372), &accountant))
        .await
        .expect_err("more than owed");
    assert_eq!(e.code(), Code::FailedPrecondition);
    assert!(e.message().contains("760.371 đ"), "{}", e.message());
    let hiephoa_accountant = app.token("hiephoa", Role::Accountant).await;
    let parent_before = balances(&app, &hiephoa_accountant, "hiephoa").await;
    let remittance = dues(&app)
        .remit_dues(authed(remit(700_000), &accountant))
        .await
        .expect("remitted")
        .into_inner();
    assert_eq!(remittance.to_office_id, app.office_id("hiephoa"));

    let child = balances(&app, &accountant, "bacly").await;
    assert_eq!(balance_of(&child, "3388"), -60_371, "still owed 60.371 đ");
    // Cash: 493.826 + 370.371 + 500.000 + 640.000 received, 700.000 paid up.
    assert_eq!(balance_of(&child, "111"), 864_197 + 500_000 + 640_000 - 700_000);
    assert_eq!(balance_of(&child, "7118"), -(493_826 + 350_000 + 400_000));
    let parent = balances(&app, &hiephoa_accountant, "hiephoa").await;
    assert_eq!(balance_of(&parent, "111") - balance_of(&parent_before, "111"), 700_000);
    assert_eq!(balance_of(&parent, "7111"), -700_000);
    assert_eq!(parent.total_debits, parent.total_credits);

    // B01/ĐP for the first quarter.
    let report = dues(&app)
        .get_dues_report(authed(
            DuesReportRequest {
                year: 2026,
                quarter: 1,
                ..Default::default()
            },
            &accountant,
        ))
        .await
        .expect("report")
        .into_inner();
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
    let mut book: Xlsx<_> = open_workbook_from_rs(Cursor::new(file.content)).expect("a workbook");
    let sheet = book.sheet_names()[0].clone();
    let range = book.worksheet_range(&sheet).expect("sheet");
    let rows: Vec<Vec<String>> = range
        .rows()
        .map(|r| r.iter().map(|c| c.to_string()).collect())
        .collect();
    assert!(rows.iter().any(|r| r.iter().any(|c| c.contains("B01/ĐP"))));
    assert!(rows.iter().any(|r| r.iter().any(|c| c == "Quý I năm 2026")));
    let cells = |n: &str| {
        rows.iter()
            .find(|r| r.first().is_some_and(|c| c == n))
            .cloned()
            .expect("row")
    };
    assert_eq!(cells("02")[2], "2.534.567 đ");
    assert_eq!(cells("12")[2], "700.000 đ");
    assert_eq!(cells("01")[2], "53");

    // Bad input names the field; the root has nobody to remit to.
    let e = dues(&app)
        .record_dues(authed(
            RecordDuesRequest {
                year: 2026,
                month: 13,
                members: 0,
                amount: -1,
                ..Default::default()
            },
            &accountant,
        ))
        .await
        .expect_err("bad");
    assert_eq!(violated_fields(&e), vec!["month", "members", "amount"]);
    let e = dues(&app)
        .remit_dues(authed(remit(1_000), &app.token("tu", Role::Accountant).await))
        .await
        .expect_err("root");
    assert_eq!(e.code(), Code::FailedPrecondition);
}
