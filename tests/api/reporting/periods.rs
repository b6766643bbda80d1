//! Reporting periods: the cut-off dates of Nghị định 09/2019 Điều 12 for
//! every kind over several years (written out by hand, across year
//! boundaries), deadlines per level after the cut-off on working days, and
//! dates that do not match their kind.

use http::{Method, StatusCode};
use tonic::Code;

use vanphong_platform::identity::Role;
use vanphong_proto::reporting::v1::{
    CreateReportRequest, GetPeriodRequest, LevelDeadline, ListPeriodsRequest, ListReportsRequest, PeriodKind,
    ReportingPolicy, UpdatePolicyRequest, Weekday,
};

use super::support::{periods, reports};
use crate::helpers::{TestApp, authed, spawn_app, violated_fields};

/// (number, first day, last day) of every listed period.
async fn table(app: &TestApp, token: &str, kind: PeriodKind, year: i32) -> Vec<(i32, String, String)> {
    periods(app)
        .list_periods(authed(
            ListPeriodsRequest {
                kind: kind as i32,
                year,
                office_id: String::new(),
            },
            token,
        ))
        .await
        .expect("periods")
        .into_inner()
        .periods
        .into_iter()
        .map(|p| (p.number, p.from, p.to))
        .collect()
}

fn row(number: i32, from: &str, to: &str) -> (i32, String, String) {
    (number, from.to_string(), to.to_string())
}

#[tokio::test]
async fn cut_off_periods_of_every_kind_over_several_years() {
    let app = spawn_app().await;
    let token = app.token("hiephoa", Role::Specialist).await;

    let months = table(&app, &token, PeriodKind::Monthly, 2026).await;
    assert_eq!(months.len(), 12);
    assert_eq!(
        months[0],
        row(1, "2025-12-15", "2026-01-14"),
        "January starts in December"
    );
    assert_eq!(months[1], row(2, "2026-01-15", "2026-02-14"));
    assert_eq!(months[2], row(3, "2026-02-15", "2026-03-14"));
    assert_eq!(months[11], row(12, "2026-11-15", "2026-12-14"));
    let months = table(&app, &token, PeriodKind::Monthly, 2025).await;
    assert_eq!(months[0], row(1, "2024-12-15", "2025-01-14"));
    let leap = table(&app, &token, PeriodKind::Monthly, 2028).await;
    assert_eq!(leap[2], row(3, "2028-02-15", "2028-03-14"));

    assert_eq!(
        table(&app, &token, PeriodKind::Quarterly, 2025).await,
        vec![
            row(1, "2024-12-15", "2025-03-14"),
            row(2, "2025-03-15", "2025-06-14"),
            row(3, "2025-06-15", "2025-09-14"),
            row(4, "2025-09-15", "2025-12-14"),
        ]
    );
    assert_eq!(
        table(&app, &token, PeriodKind::Quarterly, 2027).await[0],
        row(1, "2026-12-15", "2027-03-14")
    );
    assert_eq!(
        table(&app, &token, PeriodKind::SixMonth, 2026).await,
        vec![row(1, "2025-12-15", "2026-06-14"), row(2, "2026-06-15", "2026-12-14")]
    );
    assert_eq!(
        table(&app, &token, PeriodKind::SixMonth, 2027).await[0],
        row(1, "2026-12-15", "2027-06-14")
    );
    for (year, from, to) in [
        (2025, "2024-12-15", "2025-09-14"),
        (2026, "2025-12-15", "2026-09-14"),
        (2027, "2026-12-15", "2027-09-14"),
    ] {
        assert_eq!(
            table(&app, &token, PeriodKind::NineMonth, year).await,
            vec![row(1, from, to)]
        );
    }
    for (year, from, to) in [
        (2025, "2024-12-15", "2025-12-14"),
        (2026, "2025-12-15", "2026-12-14"),
        (2027, "2026-12-15", "2027-12-14"),
    ] {
        assert_eq!(
            table(&app, &token, PeriodKind::Yearly, year).await,
            vec![row(1, from, to)]
        );
    }

    // Weeks run Friday to Thursday by default; a week belongs to the year
    // its Thursday falls in.
    let weeks = table(&app, &token, PeriodKind::Weekly, 2025).await;
    assert_eq!(weeks.len(), 52);
    assert_eq!(weeks[0], row(1, "2024-12-27", "2025-01-02"));
    assert_eq!(weeks[51], row(52, "2025-12-19", "2025-12-25"));
    let weeks = table(&app, &token, PeriodKind::Weekly, 2026).await;
    assert_eq!(weeks.len(), 53, "2026 has 53 Thursdays");
    assert_eq!(weeks[0], row(1, "2025-12-26", "2026-01-01"));
    assert_eq!(weeks[9], row(10, "2026-02-27", "2026-03-05"));
    assert_eq!(weeks[52], row(53, "2026-12-25", "2026-12-31"));
    let weeks = table(&app, &token, PeriodKind::Weekly, 2027).await;
    assert_eq!(weeks.len(), 52);
    assert_eq!(weeks[0], row(1, "2027-01-01", "2027-01-07"));
    assert_eq!(weeks[51], row(52, "2027-12-24", "2027-12-30"));
    assert_eq!(
        table(&app, &token, PeriodKind::Weekly, 2028).await[0],
        row(1, "2027-12-31", "2028-01-06")
    );

    // The same through REST, with labels.
    let (status, body, _) = app
        .rest(
            Method::GET,
            "/api/v1/reports/periods?kind=PERIOD_KIND_QUARTERLY&year=2026",
            Some(&token),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["periods"][0]["from"], "2025-12-15");
    assert_eq!(body["periods"][0]["to"], "2026-03-14");
    assert_eq!(body["periods"][0]["label"], "quý I năm 2026");
    let (status, body, _) = app
        .rest(
            Method::GET,
            "/api/v1/reports/period?kind=PERIOD_KIND_MONTHLY&on=2025-12-20",
            Some(&token),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!((body["year"].as_i64(), body["number"].as_i64()), (Some(2026), Some(1)));
    assert_eq!(body["label"], "tháng 1 năm 2026");
}

async fn deadline(app: &TestApp, token: &str, slug: &str, kind: PeriodKind, year: i32, number: i32) -> String {
    periods(app)
        .get_period(authed(
            GetPeriodRequest {
                kind: kind as i32,
                year,
                number,
                office_id: app.office_id(slug),
                ..Default::default()
            },
            token,
        ))
        .await
        .expect("period")
        .into_inner()
        .deadline
}

#[tokio::test]
async fn each_level_has_its_deadline_working_days_after_the_cut_off() {
    let app = spawn_app().await;
    let token = app.token("tu", Role::Leader).await;
    // March 2026 closes on Saturday 14/3: communes by Monday 16/3, districts
    // a day later, the province a day after that.
    assert_eq!(
        deadline(&app, &token, "bacly", PeriodKind::Monthly, 2026, 3).await,
        "2026-03-16"
    );
    assert_eq!(
        deadline(&app, &token, "hiephoa", PeriodKind::Monthly, 2026, 3).await,
        "2026-03-17"
    );
    assert_eq!(
        deadline(&app, &token, "tu", PeriodKind::Monthly, 2026, 3).await,
        "2026-03-18"
    );
    // February 2026 closes on Saturday 14/2, the first day of the Tết break
    // (to 22/2): the first working day after it is Monday 23/2.
    assert_eq!(
        deadline(&app, &token, "bacly", PeriodKind::Monthly, 2026, 2).await,
        "2026-02-23"
    );
    assert_eq!(
        deadline(&app, &token, "hiephoa", PeriodKind::Monthly, 2026, 2).await,
        "2026-02-24"
    );
    // Week 1 of 2026 closes on New Year's Day; 2/1 is a swapped day off.
    assert_eq!(
        deadline(&app, &token, "bacly", PeriodKind::Weekly, 2026, 1).await,
        "2026-01-05"
    );

    // The province's admin makes districts wait longer and weeks start on Monday.
    let admin = app.token("tu", Role::Admin).await;
    let policy = ReportingPolicy {
        week_starts_on: Weekday::Monday as i32,
        deadlines: vec![LevelDeadline {
            office_kind: vanphong_proto::directory::v1::OfficeKind::District as i32,
            working_days: 5,
        }],
    };
    periods(&app)
        .update_policy(authed(
            UpdatePolicyRequest {
                policy: Some(policy.clone()),
            },
            &admin,
        ))
        .await
        .expect("policy updated");
    assert_eq!(
        deadline(&app, &token, "hiephoa", PeriodKind::Monthly, 2026, 3).await,
        "2026-03-20"
    );
    assert_eq!(
        deadline(&app, &token, "bacly", PeriodKind::Monthly, 2026, 3).await,
        "2026-03-16"
    );
    let weeks = table(&app, &token, PeriodKind::Weekly, 2026).await;
    assert_eq!(weeks[0], row(1, "2025-12-29", "2026-01-04"));

    // A district admin may not change the rules; zero days are refused.
    let district_admin = app.token("hiephoa", Role::Admin).await;
    let e = periods(&app)
        .update_policy(authed(
            UpdatePolicyRequest {
                policy: Some(policy.clone()),
            },
            &district_admin,
        ))
        .await
        .expect_err("not the root");
    assert_eq!(e.code(), Code::PermissionDenied);
    let mut zero = policy;
    zero.deadlines[0].working_days = 0;
    let e = periods(&app)
        .update_policy(authed(UpdatePolicyRequest { policy: Some(zero) }, &admin))
        .await
        .expect_err("at least one working day");
    assert_eq!(violated_fields(&e), vec!["policy.deadlines[0].working_days"]);
}

#[tokio::test]
async fn a_period_that_does_not_match_its_kind_is_refused_and_nothing_is_written() {
    let app = spawn_app().await;
    let writer = app.token("hiephoa", Role::Specialist).await;
    let calendar_month = CreateReportRequest {
        kind: PeriodKind::Monthly as i32,
        from: "2026-03-01".into(),
        to: "2026-03-31".into(),
        ..Default::default()
    };
    let e = reports(&app)
        .create_report(authed(calendar_month, &writer))
        .await
        .expect_err("not a cut-off month");
    assert_eq!(violated_fields(&e), vec!["from", "to"]);
    assert!(e.message().contains("ngày 15 tháng trước"), "{}", e.message());

    let quarter_as_month = CreateReportRequest {
        kind: PeriodKind::Quarterly as i32,
        from: "2026-02-15".into(),
        to: "2026-03-14".into(),
        ..Default::default()
    };
    let e = reports(&app)
        .create_report(authed(quarter_as_month, &writer))
        .await
        .expect_err("a month is not a quarter");
    assert_eq!(e.code(), Code::InvalidArgument);

    let no_week_53 = CreateReportRequest {
        kind: PeriodKind::Weekly as i32,
        year: 2027,
        number: 53,
        ..Default::default()
    };
    let e = reports(&app)
        .create_report(authed(no_week_53, &writer))
        .await
        .expect_err("2027 has 52 weeks");
    assert_eq!(violated_fields(&e), vec!["number"]);

    let ad_hoc_without_title = CreateReportRequest {
        kind: PeriodKind::AdHoc as i32,
        from: "2026-03-10".into(),
        to: "2026-03-01".into(),
        ..Default::default()
    };
    let e = reports(&app)
        .create_report(authed(ad_hoc_without_title, &writer))
        .await
        .expect_err("backwards and untitled");
    assert_eq!(violated_fields(&e), vec!["to", "title"]);

    // The same through REST: 400 naming the fields.
    let (status, body, _) = app
        .rest(
            Method::POST,
            "/api/v1/reports",
            Some(&writer),
            Some(serde_json::json!({"kind": "PERIOD_KIND_SIX_MONTH", "from": "2026-01-01", "to": "2026-06-30"})),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert!(body.to_string().contains("NOT_A_PERIOD_OF_KIND"), "{body}");

    let listed = reports(&app)
        .list_reports(authed(ListReportsRequest::default(), &writer))
        .await
        .expect("list")
        .into_inner();
    assert!(listed.reports.is_empty(), "nothing was written");
}
