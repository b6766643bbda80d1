//! Roll-up: a parent's report shows its own figures, each child's (with
//! everything below it) and the total, gathered from the documents,
//! petitions and finance services along the tree as it was in the period;
//! totals are exactly the sums, also after an office moved between two
//! periods.

use std::time::Duration;

use http::{Method, StatusCode};

use vanphong_platform::identity::Role;
use vanphong_proto::directory::v1::MoveOfficeRequest;
use vanphong_proto::finance::v1::budget_service_client::BudgetServiceClient;
use vanphong_proto::finance::v1::{
    AllocateRequest, AllocationItem, CreateEstimateRequest, EstimateDecisionRequest, EstimateLine,
};
use vanphong_proto::reporting::v1::{PeriodKind, PreviewFiguresRequest, RowPart};

use super::support::{
    assert_totals_are_sums, desk, drafted, receive_documents, receive_petitions, refreshed, reports, value,
};
use crate::helpers::{TestApp, authed, spawn_app};

/// The province holds 100 000 000 đ for 2026 and hands 30 000 000 to Hiệp
/// Hòa and 20 000 000 to Việt Yên.
async fn budget(app: &TestApp) {
    let accountant = app.token("tu", Role::Accountant).await;
    let leader = app.token("tu", Role::Leader).await;
    let mut budget = BudgetServiceClient::new(app.channel.clone());
    let estimate = budget
        .create_estimate(authed(
            CreateEstimateRequest {
                year: 2026,
                lines: vec![EstimateLine {
                    line_code: "6551".into(),
                    amount: 100_000_000,
                    ..Default::default()
                }],
                note: "Dự toán chi hoạt động năm 2026".into(),
                ..Default::default()
            },
            &accountant,
        ))
        .await
        .expect("estimate")
        .into_inner();
    budget
        .submit_estimate(authed(
            EstimateDecisionRequest {
                estimate_id: estimate.id.clone(),
                ..Default::default()
            },
            &accountant,
        ))
        .await
        .expect("submitted");
    budget
        .approve_estimate(authed(
            EstimateDecisionRequest {
                estimate_id: estimate.id,
                reason: "Quyết định số 01-QĐ/TU".into(),
            },
            &leader,
        ))
        .await
        .expect("approved");
    let item = |slug: &str, amount| AllocationItem {
        to_office_id: app.office_id(slug),
        line_code: "6551".into(),
        amount,
    };
    budget
        .allocate(authed(
            AllocateRequest {
                year: 2026,
                items: vec![item("hiephoa", 30_000_000), item("vietyen", 20_000_000)],
                decision_ref: "Quyết định số 15-QĐ/TU".into(),
                ..Default::default()
            },
            &leader,
        ))
        .await
        .expect("allocated");
}

#[tokio::test]
async fn a_parent_report_rolls_up_its_children_and_each_period_follows_its_own_tree() {
    let app = spawn_app().await;
    // March 2026 (15/2–14/3): what each office received by 2 March.
    receive_documents(&app, "tu", 2, "2026-02-25").await;
    receive_documents(&app, "hiephoa", 3, "2026-02-25").await;
    receive_documents(&app, "vietyen", 1, "2026-02-25").await;
    receive_documents(&app, "bacly", 4, "2026-02-25").await;
    receive_documents(&app, "hoangvan", 2, "2026-02-25").await;
    receive_petitions(&app, "hiephoa", 1, "2026-03-01").await;
    receive_petitions(&app, "bacly", 2, "2026-03-01").await;
    budget(&app).await;

    let province = desk(&app, "tu").await;
    let district = desk(&app, "hiephoa").await;
    let march = drafted(&app, "tu", 3, &province).await;
    let (tu, hh, vy, yd) = (
        app.office_id("tu"),
        app.office_id("hiephoa"),
        app.office_id("vietyen"),
        app.office_id("yendung"),
    );
    let (bl, hv) = (app.office_id("bacly"), app.office_id("hoangvan"));
    let figures = march.figures.as_ref().expect("figures");
    let rows: Vec<(&str, i32)> = figures.rows.iter().map(|r| (r.office_name.as_str(), r.part)).collect();
    assert_eq!(
        rows,
        vec![
            ("Tỉnh ủy Bắc Giang", RowPart::Own as i32),
            ("Huyện ủy Hiệp Hòa", RowPart::Child as i32),
            ("Huyện ủy Việt Yên", RowPart::Child as i32),
            ("Huyện ủy Yên Dũng", RowPart::Child as i32),
        ],
        "the office first, then its children by name"
    );
    assert_eq!(figures.tree_as_of, "2026-03-14");
    assert_eq!(value(&march, Some(&tu), "documents.received"), 2);
    assert_eq!(
        value(&march, Some(&hh), "documents.received"),
        9,
        "Hiệp Hòa with its communes"
    );
    assert_eq!(value(&march, Some(&vy), "documents.received"), 1);
    assert_eq!(value(&march, Some(&yd), "documents.received"), 0);
    assert_eq!(value(&march, None, "documents.received"), 12);
    assert_eq!(value(&march, Some(&hh), "petitions.received_single"), 3);
    assert_eq!(value(&march, None, "petitions.received_single"), 3);
    // Finance: the province keeps what it did not hand down; the total is
    // its whole estimate, counted once.
    assert_eq!(value(&march, Some(&hh), "finance.allocated"), 30_000_000);
    assert_eq!(value(&march, Some(&vy), "finance.allocated"), 20_000_000);
    assert_eq!(value(&march, Some(&tu), "finance.allocated"), 50_000_000);
    assert_eq!(value(&march, None, "finance.allocated"), 100_000_000);
    assert_totals_are_sums(&march);

    // The district's own report agrees with its row in the province's.
    let district_march = drafted(&app, "hiephoa", 3, &district).await;
    assert_eq!(value(&district_march, Some(&hh), "documents.received"), 3);
    assert_eq!(value(&district_march, Some(&bl), "documents.received"), 4);
    assert_eq!(value(&district_march, Some(&hv), "documents.received"), 2);
    assert_eq!(value(&district_march, None, "documents.received"), 9);
    assert_eq!(value(&district_march, None, "finance.allocated"), 30_000_000);
    assert_totals_are_sums(&district_march);

    // Bắc Lý moves under Việt Yên from 20 March; it then receives 5 more.
    app.clock.advance(chrono::Duration::days(23));
    let admin = app.token("tu", Role::Admin).await;
    app.offices()
        .move_office(authed(
            MoveOfficeRequest {
                office_id: bl.clone(),
                new_parent_id: vy.clone(),
                effective_date: "2026-03-20".into(),
                reason: "Sắp xếp lại đơn vị hành chính".into(),
            },
            &admin,
        ))
        .await
        .expect("moved");
    receive_documents(&app, "bacly", 5, "2026-03-24").await;

    let province = desk(&app, "tu").await;
    let april = PreviewFiguresRequest {
        office_id: tu.clone(),
        kind: PeriodKind::Monthly as i32,
        year: 2026,
        number: 4,
        ..Default::default()
    };
    // Wait until the reporting service follows the new tree.
    let mut vietyen_in_april = 0;
    for _ in 0..100 {
        let table = reports(&app)
            .preview_figures(authed(april.clone(), &province.leader))
            .await
            .expect("preview")
            .into_inner();
        vietyen_in_april = table
            .rows
            .iter()
            .find(|r| r.office_id == vy)
            .and_then(|r| r.values.get("documents.received").copied())
            .unwrap_or_default();
        if vietyen_in_april == 5 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(
        vietyen_in_april, 5,
        "April follows the new tree: Bắc Lý counts under Việt Yên"
    );

    let april_report = drafted(&app, "tu", 4, &province).await;
    assert_eq!(value(&april_report, Some(&vy), "documents.received"), 5);
    assert_eq!(value(&april_report, Some(&hh), "documents.received"), 0);
    assert_eq!(value(&april_report, None, "documents.received"), 5);
    assert_totals_are_sums(&april_report);

    // March, gathered again after the move, still follows March's tree.
    let march = refreshed(&app, &march.id, &province.leader).await;
    assert_eq!(value(&march, Some(&hh), "documents.received"), 9);
    assert_eq!(value(&march, Some(&vy), "documents.received"), 1);
    assert_eq!(value(&march, None, "documents.received"), 12);
    assert_totals_are_sums(&march);
    // So does Hiệp Hòa's own March report: Bắc Lý was below it then.
    let district = desk(&app, "hiephoa").await;
    let district_march = refreshed(&app, &district_march.id, &district.leader).await;
    assert_eq!(value(&district_march, Some(&bl), "documents.received"), 4);
    assert_eq!(value(&district_march, None, "documents.received"), 9);
    assert_eq!(value(&district_march, None, "petitions.received_single"), 3);

    // The same figures through REST (64-bit numbers as strings).
    let (status, body, _) = app
        .rest(
            Method::GET,
            &format!("/api/v1/reports/{}", march.id),
            Some(&province.leader),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["figures"]["total"]["values"]["documents.received"], "12");
    assert_eq!(body["figures"]["total"]["values"]["finance.allocated"], "100000000");
    assert_eq!(body["figures"]["rows"][0]["part"], "ROW_PART_OWN");
    let (status, body, _) = app
        .rest(
            Method::GET,
            "/api/v1/reports/figures?kind=PERIOD_KIND_MONTHLY&year=2026&number=4",
            Some(&province.leader),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["total"]["values"]["documents.received"], "5");
}

#[tokio::test]
async fn figures_are_frozen_when_the_report_is_submitted() {
    let app = spawn_app().await;
    let d = desk(&app, "bacly").await;
    receive_documents(&app, "bacly", 2, "2026-02-25").await;
    let report = drafted(&app, "bacly", 3, &d).await;
    assert_eq!(value(&report, None, "documents.received"), 2);
    super::support::submitted(&app, &report.id, &d).await;
    receive_documents(&app, "bacly", 1, "2026-02-26").await;
    let e = reports(&app)
        .refresh_figures(authed(
            vanphong_proto::reporting::v1::RefreshFiguresRequest {
                report_id: report.id.clone(),
            },
            &d.leader,
        ))
        .await
        .expect_err("frozen");
    assert_eq!(e.code(), tonic::Code::FailedPrecondition);
    let now = reports(&app)
        .get_report(authed(
            vanphong_proto::reporting::v1::GetReportRequest {
                report_id: report.id.clone(),
            },
            &d.writer,
        ))
        .await
        .expect("report")
        .into_inner();
    assert_eq!(value(&now, None, "documents.received"), 2, "the submitted figures stay");
}
