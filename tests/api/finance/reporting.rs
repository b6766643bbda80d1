//! Figures for reporting, and the budget execution spreadsheet.

use http::{Method, StatusCode};

use vanphong_platform::identity::Role;
use vanphong_proto::finance::v1::{
    CreateVoucherRequest, ExportBudgetExecutionRequest, FinanceFiguresRequest, RecordDuesRequest, RemitDuesRequest,
};

use super::support::{
    allocate, allocation_line, approved_root_estimate, dues, exports, figures, line, sheet, spending, typed_sheet,
};
use crate::helpers::{authed, spawn_app};

#[tokio::test]
async fn figures_roll_up_the_tree_and_the_execution_sheet_reads_back() {
    let app = spawn_app().await;
    approved_root_estimate(&app, vec![line("6551", 10_000_000), line("6701", 6_000_000)]).await;
    allocate(&app, "hiephoa", "6551", 4_000_000).await;
    allocate(&app, "vietyen", "6551", 2_000_000).await;
    let hh = app.token("hiephoa", Role::Accountant).await;
    // Hiệp Hòa passes 1.000.000 đ on to Bắc Lý.
    super::support::budget(&app)
        .allocate(authed(
            vanphong_proto::finance::v1::AllocateRequest {
                year: 2026,
                items: vec![vanphong_proto::finance::v1::AllocationItem {
                    to_office_id: app.office_id("bacly"),
                    line_code: "6551".into(),
                    amount: 1_000_000,
                }],
                decision_ref: "QĐ 03-QĐ/HU".into(),
                ..Default::default()
            },
            &hh,
        ))
        .await
        .expect("to the commune");
    let spend = |slug: &'static str, amount: i64| {
        let app = &app;
        async move {
            let token = app.token(slug, Role::Accountant).await;
            let l = allocation_line(app, &token, slug, "6551").await;
            spending(app)
                .create_voucher(authed(
                    CreateVoucherRequest {
                        allocation_line_id: l.id,
                        amount,
                        description: "Mua văn phòng phẩm".into(),
                        ..Default::default()
                    },
                    &token,
                ))
                .await
                .expect("voucher");
        }
    };
    spend("hiephoa", 600_000).await;
    spend("bacly", 250_000).await;
    spend("vietyen", 1_000_000).await;
    let bl = app.token("bacly", Role::Accountant).await;
    dues(&app)
        .record_dues(authed(
            RecordDuesRequest {
                year: 2026,
                month: 2,
                members: 20,
                amount: 400_000,
                ..Default::default()
            },
            &bl,
        ))
        .await
        .expect("dues");
    dues(&app)
        .remit_dues(authed(
            RemitDuesRequest {
                amount: 100_000,
                ..Default::default()
            },
            &bl,
        ))
        .await
        .expect("remitted");

    let leader = app.token("tu", Role::Leader).await;
    let ask = |slug: &str, descendants: bool| FinanceFiguresRequest {
        office_id: app.office_id(slug),
        include_descendants: descendants,
        from: "2026-01-01".into(),
        to: "2026-03-31".into(),
    };
    let alone = figures(&app)
        .get_finance_figures(authed(ask("hiephoa", false), &leader))
        .await
        .expect("figures")
        .into_inner();
    assert_eq!((alone.allocated, alone.spent), (4_000_000, 600_000));
    assert_eq!(alone.executed_basis_points, 1_500);
    assert_eq!(alone.executed_percent, "15,00%");
    // With Bắc Lý and Hoàng Vân: the transfer inside the group does not
    // count twice; Bắc Lý's remittance to Hiệp Hòa stays inside it.
    let group = figures(&app)
        .get_finance_figures(authed(ask("hiephoa", true), &leader))
        .await
        .expect("figures")
        .into_inner();
    assert_eq!(group.office_ids.len(), 3);
    assert_eq!((group.allocated, group.spent), (4_000_000, 850_000));
    assert_eq!((group.dues_collected, group.dues_remitted), (400_000, 0));
    let commune = figures(&app)
        .get_finance_figures(authed(ask("bacly", false), &hh))
        .await
        .expect("figures")
        .into_inner();
    assert_eq!((commune.dues_collected, commune.dues_remitted), (400_000, 100_000));
    // The whole province, over REST: the root's estimate, all spending.
    let (status, body, _) = app
        .rest(
            Method::GET,
            &format!(
                "/api/v1/finance/figures?officeId={}&includeDescendants=true&from=2026-01-01&to=2026-03-31",
                app.office_id("tu")
            ),
            Some(&leader),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["allocated"], "16000000");
    assert_eq!(body["spent"], "1850000");
    assert_eq!(body["executedPercent"], "11,56%");
    // A period before the spending has none.
    let (_, early, _) = app
        .rest(
            Method::GET,
            &format!(
                "/api/v1/finance/figures?officeId={}&from=2026-01-01&to=2026-01-31",
                app.office_id("hiephoa")
            ),
            Some(&leader),
            None,
        )
        .await;
    assert_eq!(early["spent"], "0");

    // The budget execution of Hiệp Hòa as a spreadsheet.
    let file = exports(&app)
        .export_budget_execution(authed(
            ExportBudgetExecutionRequest {
                office_id: app.office_id("hiephoa"),
                year: 2026,
            },
            &leader,
        ))
        .await
        .expect("xlsx")
        .into_inner();
    assert!(file.file_name.ends_with(".xlsx"));
    let typed = typed_sheet(file.content.clone());
    let rows = sheet(file.content);
    assert!(rows.iter().any(|r| r.iter().any(|c| c == "Huyện ủy Hiệp Hòa")));
    let line = typed
        .iter()
        .find(|r| matches!(r.get(1), Some(calamine::Data::String(code)) if code == "6551"))
        .expect("6551");
    for (col, cell) in line.iter().enumerate().skip(3) {
        assert!(
            matches!(cell, calamine::Data::Float(_)),
            "column {col} is a number cell: {cell:?}"
        );
    }
    let headings = rows
        .iter()
        .find(|r| r.first().is_some_and(|c| c == "STT"))
        .expect("headings");
    assert_eq!(headings[3], "Dự toán được giao");
    assert_eq!(headings[8], "Tỷ lệ thực hiện");
    let paper = rows
        .iter()
        .find(|r| r.get(1).is_some_and(|c| c == "6551"))
        .expect("6551");
    assert_eq!(paper[2], "Văn phòng phẩm");
    // Amounts are number cells (they sum in a spreadsheet), the rate a
    // fraction shown as a percentage.
    assert_eq!(paper[3], "4000000");
    assert_eq!(paper[4], "1000000");
    assert_eq!(paper[5], "600000");
    assert_eq!(paper[7], "2400000");
    assert_eq!(paper[8], "0.2");
    let (status, body, _) = app
        .rest(
            Method::GET,
            "/api/v1/finance/exports/budget-execution?year=2026",
            Some(&hh),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(body["content"].as_str().is_some_and(|c| !c.is_empty()));

    // Every change left an intact audit trail.
    let inspector = app.token("tu", Role::Inspector).await;
    let audit = vanphong_proto::finance::v1::audit_service_client::AuditServiceClient::new(app.channel.clone())
        .verify_audit(authed(
            vanphong_proto::common::v1::VerifyAuditRequest::default(),
            &inspector,
        ))
        .await
        .expect("verified")
        .into_inner();
    assert!(audit.intact, "{audit:?}");
    assert!(audit.records_checked > 10, "{audit:?}");
}
