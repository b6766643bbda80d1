//! Report lists narrowed as the work views need them: the reports one is
//! to write, those due in a window or overdue, and those sent up to an
//! office from the offices below.

use vanphong_platform::identity::Role;
use vanphong_proto::reporting::v1::{ListReportsRequest, ReportStatus};

use super::support::{desk, drafted, reports, sent_monthly, term};
use crate::helpers::{TestApp, authed, spawn_app, violated_fields};

/// (office id, month) of every report listed for `request`.
async fn listed(app: &TestApp, token: &str, request: ListReportsRequest) -> Vec<(String, i32)> {
    let mut found: Vec<(String, i32)> = reports(app)
        .list_reports(authed(request, token))
        .await
        .expect("listed")
        .into_inner()
        .reports
        .into_iter()
        .map(|r| (r.office_id, r.period.map(|p| p.number).unwrap_or_default()))
        .collect();
    found.sort();
    found
}

#[tokio::test]
async fn reports_are_listed_by_writer_deadline_and_the_office_they_are_sent_to() {
    let app = spawn_app().await;
    let hiephoa = desk(&app, "hiephoa").await;
    // Monthly reports of Hiệp Hòa are due on the 17th of the month they
    // cover (today is 2 March 2026).
    for month in [1, 2, 3] {
        drafted(&app, "hiephoa", month, &hiephoa).await;
    }
    term(&app, "vietyen").await;
    sent_monthly(&app, "vietyen", 2).await;
    let district = app.office_id("hiephoa");
    let mine = |assigned_to_me: bool| ListReportsRequest {
        assigned_to_me,
        ..Default::default()
    };
    let own = |months: &[i32]| months.iter().map(|m| (district.clone(), *m)).collect::<Vec<_>>();
    assert_eq!(listed(&app, &hiephoa.writer, mine(true)).await, own(&[1, 2, 3]));
    assert_eq!(listed(&app, &hiephoa.clerk, mine(false)).await, own(&[1, 2, 3]));
    assert!(
        listed(&app, &hiephoa.clerk, mine(true)).await.is_empty(),
        "the clerk writes none of them"
    );

    let due = |from: &str, to: &str| ListReportsRequest {
        deadline_from: from.into(),
        deadline_to: to.into(),
        ..Default::default()
    };
    assert_eq!(
        listed(&app, &hiephoa.writer, due("", "2026-03-01")).await,
        own(&[1, 2]),
        "overdue"
    );
    assert_eq!(
        listed(&app, &hiephoa.writer, due("2026-03-02", "2026-03-17")).await,
        own(&[3])
    );
    assert!(
        listed(&app, &hiephoa.writer, due("2026-03-02", "2026-03-16"))
            .await
            .is_empty()
    );

    // What the province has to accept: sent up to it from below.
    let province = app.token("tu", Role::Leader).await;
    let sent_to = |office: &str| ListReportsRequest {
        include_descendants: true,
        parent_office_id: app.office_id(office),
        statuses: vec![ReportStatus::Sent as i32],
        ..Default::default()
    };
    assert_eq!(
        listed(&app, &province, sent_to("tu")).await,
        vec![(app.office_id("vietyen"), 2)]
    );
    assert!(listed(&app, &province, sent_to("hiephoa")).await.is_empty());

    let e = reports(&app)
        .list_reports(authed(
            ListReportsRequest {
                deadline_from: "17/03/2026".into(),
                parent_office_id: "tu".into(),
                ..Default::default()
            },
            &hiephoa.writer,
        ))
        .await
        .expect_err("a date and an id that are neither");
    assert_eq!(violated_fields(&e), ["deadline_from", "parent_office_id"]);
}
