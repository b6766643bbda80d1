//! Completeness and timeliness: for a parent and a period, which offices
//! below have sent their report, on time or late, and which are missing.

use http::{Method, StatusCode};
use tonic::Code;

use vanphong_platform::identity::Role;
use vanphong_proto::reporting::v1::{
    ApproveReportRequest, Completeness, CompletenessRow, GetCompletenessRequest, PeriodKind, ReportStatus, Timeliness,
};

use super::support::{approval, approve, desk, drafted, periods, sent, sent_monthly, submitted, term};
use crate::helpers::{TestApp, authed, spawn_app};

async fn completeness(app: &TestApp, slug: &str, token: &str, direct_only: bool) -> Completeness {
    periods(app)
        .get_completeness(authed(
            GetCompletenessRequest {
                office_id: app.office_id(slug),
                kind: PeriodKind::Monthly as i32,
                year: 2026,
                number: 3,
                direct_only,
                ..Default::default()
            },
            token,
        ))
        .await
        .expect("completeness")
        .into_inner()
}

fn states(c: &Completeness) -> Vec<(&str, i32, i32)> {
    c.rows
        .iter()
        .map(|r: &CompletenessRow| (r.office_name.as_str(), r.depth, r.timeliness))
        .collect()
}

#[tokio::test]
async fn who_sent_on_time_who_late_and_who_is_missing() {
    let app = spawn_app().await;
    for slug in ["hiephoa", "vietyen", "bacly"] {
        term(&app, slug).await;
    }
    // 2 March: Bắc Lý sends; Hiệp Hòa sends too, ahead of Hoàng Vân.
    sent_monthly(&app, "bacly", 3).await;
    let hiephoa = desk(&app, "hiephoa").await;
    let report = drafted(&app, "hiephoa", 3, &hiephoa).await;
    submitted(&app, &report.id, &hiephoa).await;
    approval(&app)
        .approve_report(authed(
            ApproveReportRequest {
                override_reason: "Hoàng Vân báo cáo chậm".into(),
                ..approve(&report.id)
            },
            &hiephoa.leader,
        ))
        .await
        .expect("approved");
    sent(&app, &report.id, &hiephoa).await;
    let vietyen = desk(&app, "vietyen").await;
    let late = drafted(&app, "vietyen", 3, &vietyen).await;
    submitted(&app, &late.id, &vietyen).await;
    let hoangvan = desk(&app, "hoangvan").await;
    drafted(&app, "hoangvan", 3, &hoangvan).await;

    let leader = app.token("tu", Role::Leader).await;
    let early = completeness(&app, "tu", &leader, false).await;
    let yendung = early
        .rows
        .iter()
        .find(|r| r.office_name == "Huyện ủy Yên Dũng")
        .expect("Yên Dũng");
    assert_eq!(yendung.timeliness, Timeliness::Pending as i32, "still time on 2 March");
    assert_eq!(yendung.deadline, "2026-03-17");

    // 18 March: past the districts' deadline (17/3) and the communes' (16/3).
    app.clock.advance(chrono::Duration::days(16));
    let vietyen = desk(&app, "vietyen").await;
    approval(&app)
        .approve_report(authed(approve(&late.id), &vietyen.leader))
        .await
        .expect("approved");
    let late = sent(&app, &late.id, &vietyen).await;
    assert!(!late.on_time);

    let leader = app.token("tu", Role::Leader).await;
    let all = completeness(&app, "tu", &leader, false).await;
    assert_eq!(
        states(&all),
        vec![
            ("Huyện ủy Hiệp Hòa", 1, Timeliness::OnTime as i32),
            ("Huyện ủy Việt Yên", 1, Timeliness::Late as i32),
            ("Huyện ủy Yên Dũng", 1, Timeliness::Missing as i32),
            ("Đảng ủy xã Bắc Lý", 2, Timeliness::OnTime as i32),
            ("Đảng ủy xã Hoàng Vân", 2, Timeliness::Missing as i32),
        ]
    );
    assert_eq!(
        (
            all.expected,
            all.submitted,
            all.on_time,
            all.late,
            all.missing,
            all.pending
        ),
        (5, 3, 2, 1, 2, 0)
    );
    let bacly = &all.rows[3];
    assert_eq!(bacly.deadline, "2026-03-16");
    assert_eq!(bacly.parent_office_id, app.office_id("hiephoa"));
    assert_eq!(bacly.report_status, ReportStatus::Sent as i32);
    let hoangvan = &all.rows[4];
    assert_eq!(
        hoangvan.report_status,
        ReportStatus::Draft as i32,
        "a draft is not a submission"
    );
    assert!(hoangvan.sent_at.is_none());

    let direct = completeness(&app, "tu", &leader, true).await;
    assert_eq!(direct.expected, 3);

    // A district sees its communes; a sibling district sees nothing of it.
    let district = app.token("hiephoa", Role::Leader).await;
    let own = completeness(&app, "hiephoa", &district, false).await;
    assert_eq!(
        states(&own),
        vec![
            ("Đảng ủy xã Bắc Lý", 1, Timeliness::OnTime as i32),
            ("Đảng ủy xã Hoàng Vân", 1, Timeliness::Missing as i32),
        ]
    );
    let sibling = app.token("vietyen", Role::Leader).await;
    let e = periods(&app)
        .get_completeness(authed(
            GetCompletenessRequest {
                office_id: app.office_id("hiephoa"),
                kind: PeriodKind::Monthly as i32,
                year: 2026,
                number: 3,
                ..Default::default()
            },
            &sibling,
        ))
        .await
        .expect_err("siblings do not see each other");
    assert_eq!(e.code(), Code::PermissionDenied);

    // Through REST.
    let (status, body, _) = app
        .rest(
            Method::GET,
            "/api/v1/reports/completeness?kind=PERIOD_KIND_MONTHLY&year=2026&number=3",
            Some(&leader),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["missing"], 2);
    assert_eq!(body["rows"][1]["timeliness"], "TIMELINESS_LATE");
}
