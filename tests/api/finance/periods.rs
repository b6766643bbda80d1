//! Fiscal years: months close in order and then refuse postings; the year
//! is settled once every month is closed.

use chrono::{TimeZone, Utc};
use http::{Method, StatusCode};
use tonic::Code;

use vanphong_platform::identity::Role;
use vanphong_proto::finance::v1::{
    ClosePeriodRequest, GetBalancesRequest, GetFiscalYearRequest, PostTransactionRequest, Posting, SettleYearRequest,
    Side,
};

use super::support::{balance_of, ledger, years};
use crate::helpers::{authed, spawn_app};

fn payment(on: &str, amount: i64) -> PostTransactionRequest {
    PostTransactionRequest {
        posted_on: on.into(),
        description: "Chi tiếp khách".into(),
        postings: vec![
            Posting {
                account_code: "611".into(),
                side: Side::Debit as i32,
                amount,
                ..Default::default()
            },
            Posting {
                account_code: "111".into(),
                side: Side::Credit as i32,
                amount,
                ..Default::default()
            },
        ],
        ..Default::default()
    }
}

fn close(month: i32) -> ClosePeriodRequest {
    ClosePeriodRequest {
        year: 2026,
        month,
        ..Default::default()
    }
}

#[tokio::test]
async fn a_closed_month_refuses_postings_and_a_settled_year_refuses_everything() {
    let app = spawn_app().await;
    let accountant = app.token("hiephoa", Role::Accountant).await;
    let leader = app.token("hiephoa", Role::Leader).await;
    ledger(&app)
        .post_transaction(authed(payment("2026-02-10", 300_000), &accountant))
        .await
        .expect("February is open");

    let e = years(&app)
        .close_period(authed(close(2), &accountant))
        .await
        .expect_err("January first");
    assert_eq!(e.code(), Code::FailedPrecondition);
    assert!(e.message().contains("tháng 01/2026"), "{}", e.message());
    let e = years(&app)
        .close_period(authed(close(1), &leader))
        .await
        .expect_err("accountants close");
    assert_eq!(e.code(), Code::PermissionDenied);
    years(&app)
        .close_period(authed(close(1), &accountant))
        .await
        .expect("January");
    let (status, body, _) = app
        .rest(
            Method::POST,
            "/api/v1/finance/years/2026/periods/2/close",
            Some(&accountant),
            Some(serde_json::json!({})),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["periods"][1]["closed"], true);
    let e = years(&app)
        .close_period(authed(close(3), &accountant))
        .await
        .expect_err("March has not ended");
    assert_eq!(e.code(), Code::FailedPrecondition);

    let e = ledger(&app)
        .post_transaction(authed(payment("2026-02-27", 100_000), &accountant))
        .await
        .expect_err("February is closed");
    assert_eq!(e.code(), Code::FailedPrecondition);
    assert!(e.message().contains("tháng 02/2026"), "{}", e.message());
    let (status, body, _) = app
        .rest(
            Method::POST,
            "/api/v1/finance/transactions",
            Some(&accountant),
            Some(
                serde_json::json!({"postedOn": "2026-01-15", "description": "Chi muộn", "postings": [
                {"accountCode": "611", "side": "SIDE_DEBIT", "amount": "10"},
                {"accountCode": "111", "side": "SIDE_CREDIT", "amount": "10"}]}),
            ),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert!(
        body["error"]["message"]
            .as_str()
            .is_some_and(|m| m.contains("tháng 01/2026")),
        "{body}"
    );
    ledger(&app)
        .post_transaction(authed(payment("2026-03-02", 100_000), &accountant))
        .await
        .expect("March is open");
    // Balances at a date count the postings dated up to it.
    let as_of = |day: &str| GetBalancesRequest {
        as_of: day.into(),
        ..Default::default()
    };
    let february = ledger(&app)
        .get_balances(authed(as_of("2026-02-28"), &accountant))
        .await
        .expect("balances")
        .into_inner();
    assert_eq!(balance_of(&february, "611"), 300_000);
    let today = ledger(&app)
        .get_balances(authed(as_of(""), &accountant))
        .await
        .expect("balances")
        .into_inner();
    assert_eq!(balance_of(&today, "611"), 400_000);
    assert_eq!(balance_of(&today, "111"), -400_000);
    // Other offices' months are their own.
    ledger(&app)
        .post_transaction(authed(
            payment("2026-02-27", 100_000),
            &app.token("vietyen", Role::Accountant).await,
        ))
        .await
        .expect("Việt Yên's February is open");

    let e = years(&app)
        .settle_year(authed(
            SettleYearRequest {
                year: 2026,
                note: "Quyết toán".into(),
                ..Default::default()
            },
            &leader,
        ))
        .await
        .expect_err("months still open");
    assert!(e.message().contains("tháng 03/2026"), "{}", e.message());

    // After the year: close every month, settle, and nothing more goes in.
    app.clock
        .set(Utc.with_ymd_and_hms(2027, 1, 5, 2, 0, 0).single().expect("time"));
    let accountant = app.token("hiephoa", Role::Accountant).await;
    let leader = app.token("hiephoa", Role::Leader).await;
    for month in 3..=12 {
        years(&app)
            .close_period(authed(close(month), &accountant))
            .await
            .expect("closed");
    }
    let settled = years(&app)
        .settle_year(authed(
            SettleYearRequest {
                year: 2026,
                note: "Biên bản quyết toán năm 2026".into(),
                ..Default::default()
            },
            &leader,
        ))
        .await
        .expect("settled")
        .into_inner();
    assert!(settled.settled);
    let e = ledger(&app)
        .post_transaction(authed(payment("2026-12-31", 1_000), &accountant))
        .await
        .expect_err("settled");
    assert_eq!(e.code(), Code::FailedPrecondition);
    assert!(e.message().contains("2026"), "{}", e.message());
    ledger(&app)
        .post_transaction(authed(payment("2027-01-05", 1_000), &accountant))
        .await
        .expect("2027 is open");
    let year = years(&app)
        .get_fiscal_year(authed(
            GetFiscalYearRequest {
                year: 2026,
                ..Default::default()
            },
            &accountant,
        ))
        .await
        .expect("year")
        .into_inner();
    assert!(year.settled && year.periods.iter().all(|p| p.closed));
}
