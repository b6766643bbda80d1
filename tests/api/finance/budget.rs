//! Estimates, their approval and allocation down the tree; the allocation
//! invariant under concurrency; adjustments; bad input.

use http::{Method, StatusCode};
use tonic::Code;

use vanphong_platform::identity::Role;
use vanphong_proto::finance::v1::BudgetLine;
use vanphong_proto::finance::v1::{
    AdjustAllocationRequest, AllocateRequest, AllocationItem, CreateEstimateRequest, EstimateDecisionRequest,
    EstimateStatus, ListAllocationsRequest, ListBudgetLinesRequest, SetEstimateLinesRequest, UpsertBudgetLineRequest,
};

use super::support::{allocate, allocation_line, approved_root_estimate, budget, line, lines};
use crate::helpers::{authed, spawn_app, violated_fields};

#[tokio::test]
async fn the_catalogue_ships_defaults_and_only_root_admins_edit_it() {
    let app = spawn_app().await;
    let accountant = app.token("hiephoa", Role::Accountant).await;
    let catalogue = budget_lines(&app, &accountant).await;
    for code in ["6001", "6101", "6501", "6551", "6701", "7001"] {
        assert!(catalogue.iter().any(|l| l.code == code), "default line {code}");
    }
    let salary = catalogue.iter().find(|l| l.code == "6001").expect("6001");
    assert_eq!(salary.name, "Lương theo ngạch, bậc");
    assert_eq!(salary.item_code, "6000");

    let new_line = BudgetLine {
        code: "6757".into(),
        item_code: "6750".into(),
        name: "Thuê chuyên gia, giảng viên".into(),
        active: true,
        ..Default::default()
    };
    let district_admin = app.token("hiephoa", Role::Admin).await;
    let e = vanphong_proto::finance::v1::budget_line_service_client::BudgetLineServiceClient::new(app.channel.clone())
        .upsert_budget_line(authed(
            UpsertBudgetLineRequest {
                line: Some(new_line.clone()),
            },
            &district_admin,
        ))
        .await
        .expect_err("district admins do not edit the catalogue");
    assert_eq!(e.code(), Code::PermissionDenied);

    let root_admin = app.token("tu", Role::Admin).await;
    let (status, body, _) = app
        .rest(
            Method::POST,
            "/api/v1/finance/budget-lines",
            Some(&root_admin),
            Some(serde_json::json!({"line": {"code": "6757", "itemCode": "6750", "name": "Thuê chuyên gia, giảng viên", "active": true}})),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(budget_lines(&app, &accountant).await.iter().any(|l| l.code == "6757"));

    // A sub-item outside its item is refused, naming the field.
    let (status, body, _) = app
        .rest(
            Method::POST,
            "/api/v1/finance/budget-lines",
            Some(&root_admin),
            Some(serde_json::json!({"line": {"code": "6757", "itemCode": "6500", "name": "Sai mục", "active": true}})),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert!(body.to_string().contains("line.item_code"), "{body}");
}

async fn budget_lines(app: &crate::helpers::TestApp, token: &str) -> Vec<BudgetLine> {
    vanphong_proto::finance::v1::budget_line_service_client::BudgetLineServiceClient::new(app.channel.clone())
        .list_budget_lines(authed(ListBudgetLinesRequest::default(), token))
        .await
        .expect("catalogue")
        .into_inner()
        .lines
}

#[tokio::test]
async fn an_estimate_is_prepared_returned_corrected_approved_and_allocated() {
    let app = spawn_app().await;
    let accountant = app.token("hiephoa", Role::Accountant).await;
    let district_leader = app.token("hiephoa", Role::Leader).await;
    let province_leader = app.token("tu", Role::Leader).await;

    // The district's accountant prepares its estimate, over REST.
    let (status, body, _) = app
        .rest(
            Method::POST,
            "/api/v1/finance/estimates",
            Some(&accountant),
            Some(serde_json::json!({
                "requestId": "dt-2026-hh",
                "year": 2026,
                "lines": [{"lineCode": "6551", "amount": "40000000"}, {"lineCode": "6701", "amount": 25000000}],
            })),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["status"], "ESTIMATE_STATUS_DRAFT");
    assert_eq!(body["total"], "65000000");
    let id = body["id"].as_str().expect("id").to_string();
    // A retry with the same key is the same estimate.
    let (_, again, _) = app
        .rest(
            Method::POST,
            "/api/v1/finance/estimates",
            Some(&accountant),
            Some(serde_json::json!({
                "requestId": "dt-2026-hh",
                "year": 2026,
                "lines": [{"lineCode": "6551", "amount": "40000000"}, {"lineCode": "6701", "amount": 25000000}],
            })),
        )
        .await;
    assert_eq!(again["id"], id.as_str());

    let decision = |reason: &str| EstimateDecisionRequest {
        estimate_id: id.clone(),
        reason: reason.into(),
    };
    budget(&app)
        .submit_estimate(authed(decision(""), &accountant))
        .await
        .expect("submitted");
    // Its own leader does not decide on it: the parent's does.
    let e = budget(&app)
        .approve_estimate(authed(decision(""), &district_leader))
        .await
        .expect_err("not the parent");
    assert_eq!(e.code(), Code::PermissionDenied);
    let e = budget(&app)
        .return_estimate(authed(decision(""), &province_leader))
        .await
        .expect_err("a reason is required");
    assert_eq!(violated_fields(&e), vec!["reason"]);
    let returned = budget(&app)
        .return_estimate(authed(
            decision("Công tác phí vượt định mức, đề nghị rà soát"),
            &province_leader,
        ))
        .await
        .expect("returned")
        .into_inner();
    assert_eq!(returned.status, EstimateStatus::Returned as i32);
    assert_eq!(returned.return_reason, "Công tác phí vượt định mức, đề nghị rà soát");

    let corrected = budget(&app)
        .set_estimate_lines(authed(
            SetEstimateLinesRequest {
                estimate_id: id.clone(),
                lines: vec![line("6551", 40_000_000), line("6701", 20_000_000)],
                note: "Đã rà soát công tác phí".into(),
            },
            &accountant,
        ))
        .await
        .expect("corrected")
        .into_inner();
    assert_eq!(corrected.total, 60_000_000);
    budget(&app)
        .submit_estimate(authed(decision(""), &accountant))
        .await
        .expect("submitted again");
    let approved = budget(&app)
        .approve_estimate(authed(decision(""), &province_leader))
        .await
        .expect("approved")
        .into_inner();
    assert_eq!(approved.status, EstimateStatus::Approved as i32);
    let e = budget(&app)
        .set_estimate_lines(authed(
            SetEstimateLinesRequest {
                estimate_id: id.clone(),
                lines: vec![line("6551", 1)],
                note: String::new(),
            },
            &accountant,
        ))
        .await
        .expect_err("approved estimates are not edited");
    assert_eq!(e.code(), Code::FailedPrecondition);

    // The province's own estimate gives it something to allocate.
    approved_root_estimate(&app, vec![line("6551", 100_000_000), line("6701", 50_000_000)]).await;
    let province = lines(&app, &province_leader, "tu").await;
    assert_eq!(province.iter().map(|l| l.held).sum::<i64>(), 150_000_000);

    let (status, body, _) = app
        .rest(
            Method::POST,
            "/api/v1/finance/allocations",
            Some(&province_leader),
            Some(serde_json::json!({
                "year": 2026,
                "decisionRef": "Quyết định số 20-QĐ/TU",
                "items": [
                    {"toOfficeId": app.office_id("hiephoa"), "lineCode": "6551", "amount": "40000000"},
                    {"toOfficeId": app.office_id("hiephoa"), "lineCode": "6701", "amount": "20000000"},
                    {"toOfficeId": app.office_id("vietyen"), "lineCode": "6551", "amount": "30000000"},
                ],
            })),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["allocations"].as_array().map(Vec::len), Some(3));

    let tu_6551 = allocation_line(&app, &province_leader, "tu", "6551").await;
    assert_eq!(
        (tu_6551.held, tu_6551.allocated_out, tu_6551.remaining),
        (100_000_000, 70_000_000, 30_000_000)
    );
    let hh_6551 = allocation_line(&app, &accountant, "hiephoa", "6551").await;
    assert_eq!((hh_6551.held, hh_6551.remaining), (40_000_000, 40_000_000));

    // The district passes some on to a commune below it.
    budget(&app)
        .allocate(authed(
            AllocateRequest {
                year: 2026,
                items: vec![AllocationItem {
                    to_office_id: app.office_id("bacly"),
                    line_code: "6551".into(),
                    amount: 5_000_000,
                }],
                decision_ref: "Quyết định số 07-QĐ/HU".into(),
                ..Default::default()
            },
            &accountant,
        ))
        .await
        .expect("the district allocates to its commune");

    // Adjustments are new entries with reasons; the history keeps both.
    let adjusted = budget(&app)
        .adjust_allocation(authed(
            AdjustAllocationRequest {
                year: 2026,
                to_office_id: app.office_id("vietyen"),
                line_code: "6551".into(),
                amount: -10_000_000,
                reason: "Điều chỉnh giảm do sáp nhập nhiệm vụ".into(),
                decision_ref: "Quyết định số 31-QĐ/TU".into(),
                ..Default::default()
            },
            &province_leader,
        ))
        .await
        .expect("adjusted")
        .into_inner();
    assert_eq!(adjusted.amount, -10_000_000);
    let history = budget(&app)
        .list_allocations(authed(
            ListAllocationsRequest {
                office_id: app.office_id("vietyen"),
                year: 2026,
            },
            &province_leader,
        ))
        .await
        .expect("history")
        .into_inner()
        .allocations;
    assert_eq!(
        history.iter().map(|a| a.amount).collect::<Vec<_>>(),
        vec![30_000_000, -10_000_000]
    );
    let vy = allocation_line(&app, &province_leader, "vietyen", "6551").await;
    assert_eq!(vy.held, 20_000_000);
    let tu_6551 = allocation_line(&app, &province_leader, "tu", "6551").await;
    assert_eq!(tu_6551.remaining, 40_000_000);

    // An adjustment down cannot take back what the district passed on.
    let e = budget(&app)
        .adjust_allocation(authed(
            AdjustAllocationRequest {
                year: 2026,
                to_office_id: app.office_id("hiephoa"),
                line_code: "6551".into(),
                amount: -36_000_000,
                reason: "Thu hồi".into(),
                decision_ref: "Quyết định số 32-QĐ/TU".into(),
                ..Default::default()
            },
            &province_leader,
        ))
        .await
        .expect_err("the district passed 5.000.000 đ on");
    assert_eq!(e.code(), Code::FailedPrecondition);
    assert!(e.message().contains("35.000.000 đ"), "{}", e.message());
}

#[tokio::test]
async fn concurrent_allocations_never_exceed_what_the_parent_holds() {
    let app = spawn_app().await;
    approved_root_estimate(&app, vec![line("6551", 100_000_000)]).await;
    let leader = app.token("tu", Role::Leader).await;
    let accountant = app.token("tu", Role::Accountant).await;
    let mut calls = Vec::new();
    for i in 0..30 {
        let slug = ["hiephoa", "vietyen", "yendung"][i % 3];
        let token = if i % 2 == 0 { leader.clone() } else { accountant.clone() };
        let request = authed(
            AllocateRequest {
                year: 2026,
                items: vec![AllocationItem {
                    to_office_id: app.office_id(slug),
                    line_code: "6551".into(),
                    amount: 10_000_000,
                }],
                decision_ref: format!("Quyết định số {i}-QĐ/TU"),
                ..Default::default()
            },
            &token,
        );
        let mut client = budget(&app);
        calls.push(tokio::spawn(async move { client.allocate(request).await }));
    }
    let mut accepted = 0;
    for call in calls {
        match call.await.expect("joined") {
            Ok(_) => accepted += 1,
            Err(e) => assert_eq!(e.code(), Code::FailedPrecondition, "{e:?}"),
        }
    }
    assert_eq!(accepted, 10);
    let province = allocation_line(&app, &leader, "tu", "6551").await;
    assert_eq!((province.allocated_out, province.remaining), (100_000_000, 0));
    let mut given = 0;
    for slug in ["hiephoa", "vietyen", "yendung"] {
        given += allocation_line(&app, &leader, slug, "6551").await.held;
    }
    assert_eq!(given, 100_000_000, "children hold exactly what the parent gave");
}

#[tokio::test]
async fn bad_allocations_name_the_field_and_write_nothing() {
    let app = spawn_app().await;
    approved_root_estimate(&app, vec![line("6551", 10_000_000)]).await;
    allocate(&app, "hiephoa", "6551", 4_000_000).await;
    let leader = app.token("tu", Role::Leader).await;
    let item = |slug: &str, code: &str, amount: i64| AllocationItem {
        to_office_id: app.office_id(slug),
        line_code: code.into(),
        amount,
    };
    let request = |items: Vec<AllocationItem>| AllocateRequest {
        year: 2026,
        items,
        decision_ref: "Quyết định số 40-QĐ/TU".into(),
        ..Default::default()
    };
    let e = budget(&app)
        .allocate(authed(
            request(vec![
                item("bacly", "6551", 1_000),
                item("vietyen", "9999", 1_000),
                item("vietyen", "6551", -5),
                item("yendung", "6551", 0),
                item("yendung", "6701", i64::MAX),
            ]),
            &leader,
        ))
        .await
        .expect_err("bad items");
    assert_eq!(
        violated_fields(&e),
        vec![
            "items[0].to_office_id",
            "items[1].line_code",
            "items[2].amount",
            "items[3].amount",
            "items[4].amount"
        ]
    );
    assert!(e.message().contains("9999"), "{}", e.message());
    assert!(e.message().contains("-5 đ"), "{}", e.message());
    assert!(e.message().contains("9.223.372.036.854.775.807 đ"), "{}", e.message());

    // Beyond what the province still holds (6.000.000 đ).
    let e = budget(&app)
        .allocate(authed(
            request(vec![
                item("vietyen", "6551", 3_000_000),
                item("yendung", "6551", 3_000_001),
            ]),
            &leader,
        ))
        .await
        .expect_err("beyond the holding");
    assert_eq!(e.code(), Code::FailedPrecondition);
    assert!(e.message().contains("items[0].amount"), "{}", e.message());
    assert!(
        e.message().contains("6.000.001 đ") && e.message().contains("6.000.000 đ"),
        "{}",
        e.message()
    );

    // A district's accountant cannot allocate the province's money.
    let district = app.token("hiephoa", Role::Accountant).await;
    let e = budget(&app)
        .allocate(authed(request(vec![item("bacly", "6551", 5_000_000)]), &district))
        .await
        .expect_err("more than the district holds");
    assert_eq!(e.code(), Code::FailedPrecondition);

    // Nothing was written: only the first allocation exists.
    for slug in ["vietyen", "yendung", "bacly"] {
        let history = budget(&app)
            .list_allocations(authed(
                ListAllocationsRequest {
                    office_id: app.office_id(slug),
                    year: 2026,
                },
                &leader,
            ))
            .await
            .expect("history")
            .into_inner()
            .allocations;
        assert!(history.is_empty(), "{slug}: {history:?}");
    }
    let province = allocation_line(&app, &leader, "tu", "6551").await;
    assert_eq!(province.allocated_out, 4_000_000);

    // Over REST: the same refusal, as a 400 with the code's name.
    let (status, body, _) = app
        .rest(
            Method::POST,
            "/api/v1/finance/allocations",
            Some(&leader),
            Some(serde_json::json!({"year": 2026, "decisionRef": "QĐ 41", "items": [
                {"toOfficeId": app.office_id("vietyen"), "lineCode": "6551", "amount": "7000000"}]})),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(body["error"]["status"], "FAILED_PRECONDITION");

    // The root's own estimate is adjusted by its leaders only.
    let raise = AdjustAllocationRequest {
        year: 2026,
        to_office_id: app.office_id("tu"),
        line_code: "6551".into(),
        amount: 2_000_000,
        reason: "Bổ sung dự toán giữa năm".into(),
        decision_ref: "Quyết định số 50-QĐ/TU".into(),
        ..Default::default()
    };
    let e = budget(&app)
        .adjust_allocation(authed(raise.clone(), &app.token("tu", Role::Accountant).await))
        .await
        .expect_err("accountants prepare, leaders decide");
    assert_eq!(e.code(), Code::PermissionDenied);
    budget(&app)
        .adjust_allocation(authed(raise, &leader))
        .await
        .expect("the root's leader adjusts its estimate");
    assert_eq!(allocation_line(&app, &leader, "tu", "6551").await.held, 12_000_000);

    // One estimate per office and year; unknown lines in estimates are named.
    let accountant = app.token("tu", Role::Accountant).await;
    let e = budget(&app)
        .create_estimate(authed(
            CreateEstimateRequest {
                year: 2026,
                lines: vec![line("6551", 1_000)],
                ..Default::default()
            },
            &accountant,
        ))
        .await
        .expect_err("already has one");
    assert_eq!(e.code(), Code::AlreadyExists);
    assert_eq!(
        crate::helpers::duplicated_record(&e).map(|(kind, _)| kind),
        Some("estimate".to_string()),
        "the refusal names the estimate there is: {e:?}"
    );
    let e = budget(&app)
        .create_estimate(authed(
            CreateEstimateRequest {
                year: 2027,
                lines: vec![line("1234", 1_000), line("6551", 0)],
                ..Default::default()
            },
            &accountant,
        ))
        .await
        .expect_err("bad lines");
    assert_eq!(violated_fields(&e), vec!["lines[0].line_code", "lines[1].amount"]);
}

#[tokio::test]
async fn supplementary_estimates_follow_the_approved_estimate_of_the_year() {
    let app = spawn_app().await;
    let accountant = app.token("tu", Role::Accountant).await;
    let leader = app.token("tu", Role::Leader).await;
    let create = |supplementary: bool, request_id: &str| CreateEstimateRequest {
        request_id: request_id.into(),
        year: 2026,
        lines: vec![line("7001", 50_000_000)],
        supplementary,
        ..Default::default()
    };

    // Nothing to supplement before the year's estimate is approved.
    let early = budget(&app)
        .create_estimate(authed(create(true, "bs-som"), &accountant))
        .await
        .expect_err("no approved estimate yet");
    assert_eq!(early.code(), Code::FailedPrecondition, "{early:?}");

    approved_root_estimate(&app, vec![line("7001", 600_000_000)]).await;
    let second = budget(&app)
        .create_estimate(authed(create(false, "dt-lan-hai"), &accountant))
        .await
        .expect_err("one ordinary estimate a year");
    assert_eq!(second.code(), Code::AlreadyExists, "{second:?}");

    // Two supplementary estimates, each decided on its own; the approved one
    // adds to what the province holds.
    let first = budget(&app)
        .create_estimate(authed(create(true, "bs-1"), &accountant))
        .await
        .expect("a supplementary estimate")
        .into_inner();
    assert!(first.supplementary);
    let other = budget(&app)
        .create_estimate(authed(create(true, "bs-2"), &accountant))
        .await
        .expect("another one")
        .into_inner();
    assert_ne!(first.id, other.id);
    for step in ["submit", "approve"] {
        let decision = EstimateDecisionRequest {
            estimate_id: first.id.clone(),
            reason: "Quyết định bổ sung dự toán".into(),
        };
        let answer = if step == "submit" {
            budget(&app).submit_estimate(authed(decision, &accountant)).await
        } else {
            budget(&app).approve_estimate(authed(decision, &leader)).await
        };
        answer.unwrap_or_else(|e| panic!("{step}: {e:?}"));
    }
    let held = allocation_line(&app, &accountant, "tu", "7001").await;
    assert_eq!(held.held, 650_000_000, "{held:?}");
}
