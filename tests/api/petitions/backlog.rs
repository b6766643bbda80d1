//! Due-soon, overdue and long-running lists, per office and rolled up for a
//! parent, as the injected clock moves.

use chrono::Duration;
use http::{Method, StatusCode};
use tonic::Code;

use vanphong_platform::identity::Role;
use vanphong_proto::petitions::v1::{BacklogKind, ListBacklogRequest, ListBacklogResponse};

use super::support::{accept, letter, office, petitions, take_in};
use crate::helpers::{TestApp, authed, spawn_app};

async fn backlog(
    app: &TestApp,
    token: &str,
    office: &str,
    descendants: bool,
    kind: BacklogKind,
) -> ListBacklogResponse {
    petitions(app)
        .list_backlog(authed(
            ListBacklogRequest {
                office_id: app.office_id(office),
                include_descendants: descendants,
                kind: kind as i32,
                page_size: 0,
            },
            token,
        ))
        .await
        .expect("backlog")
        .into_inner()
}

fn numbers(list: &ListBacklogResponse) -> Vec<String> {
    list.entries
        .iter()
        .map(|e| e.petition.as_ref().map(|p| p.number_label.clone()).unwrap_or_default())
        .collect()
}

#[tokio::test]
async fn overdue_lists_follow_the_clock() {
    let app = spawn_app().await;
    let hh = office(&app, "hiephoa").await;
    // Received Monday 2/3: to be classified within 10 working days, by 16/3.
    let waiting = take_in(&app, &hh.clerk, letter("2026-03-02", "Khiếu nại chậm cấp sổ đỏ")).await;
    assert_eq!(waiting.classification_due_on, "2026-03-16");
    // Accepted on 2/3: resolved within 30 working days, by 13/4.
    let accepted = take_in(&app, &hh.clerk, letter("2026-03-02", "Khiếu nại quyết định xử phạt")).await;
    accept(&app, &hh.officer, &accepted.id, &hh.specialist_id, |_| {}).await;
    // A commune below Hiệp Hòa has one waiting too.
    let bacly = office(&app, "bacly").await;
    let below = take_in(&app, &bacly.clerk, letter("2026-03-02", "Phản ánh ô nhiễm chuồng trại")).await;

    assert!(
        backlog(&app, &hh.leader, "hiephoa", false, BacklogKind::Overdue)
            .await
            .entries
            .is_empty()
    );
    assert!(
        backlog(&app, &hh.leader, "hiephoa", false, BacklogKind::DueSoon)
            .await
            .entries
            .is_empty()
    );

    // Tuesday 10/3: the classification deadline is 6 days away — due soon.
    app.clock.advance(Duration::days(8));
    let leader = app.token("hiephoa", Role::Leader).await;
    let soon = backlog(&app, &leader, "hiephoa", false, BacklogKind::DueSoon).await;
    assert_eq!(numbers(&soon), vec![waiting.number_label.clone()]);
    assert_eq!(soon.entries[0].days_left, 6);
    assert_eq!(soon.entries[0].due_on, "2026-03-16");

    // Tuesday 17/3: overdue by a day; the accepted case is not.
    app.clock.advance(Duration::days(7));
    let leader = app.token("hiephoa", Role::Leader).await;
    let overdue = backlog(&app, &leader, "hiephoa", false, BacklogKind::Overdue).await;
    assert_eq!(numbers(&overdue), vec![waiting.number_label.clone()]);
    assert_eq!(overdue.entries[0].days_left, -1);
    assert!(overdue.entries[0].petition.as_ref().is_some_and(|p| p.overdue));
    // Rolled up: the district's leader also sees Bắc Lý's; over REST.
    let (status, body, _) = app
        .rest(
            Method::GET,
            &format!(
                "/api/v1/petitions/backlog?officeId={}&includeDescendants=true&kind=BACKLOG_KIND_OVERDUE",
                app.office_id("hiephoa")
            ),
            Some(&leader),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let ids: Vec<&str> = body["entries"]
        .as_array()
        .map(|a| a.iter().filter_map(|e| e["petition"]["id"].as_str()).collect())
        .unwrap_or_default();
    assert_eq!(ids.len(), 2, "{body}");
    assert!(ids.contains(&below.id.as_str()) && ids.contains(&waiting.id.as_str()));
    // And the province's leader, two levels up.
    let province = app.token("tu", Role::Leader).await;
    assert_eq!(
        backlog(&app, &province, "tu", true, BacklogKind::Overdue)
            .await
            .entries
            .len(),
        2
    );
    // A clerk sees only their own office; a sibling nothing.
    let clerk = app.token("hiephoa", Role::Clerk).await;
    let e = petitions(&app)
        .list_backlog(authed(
            ListBacklogRequest {
                include_descendants: true,
                kind: BacklogKind::Overdue as i32,
                ..Default::default()
            },
            &clerk,
        ))
        .await
        .expect_err("not a leader");
    assert_eq!(e.code(), Code::PermissionDenied);
    let sibling = app.token("vietyen", Role::Leader).await;
    let e = petitions(&app)
        .list_backlog(authed(
            ListBacklogRequest {
                office_id: app.office_id("hiephoa"),
                kind: BacklogKind::Overdue as i32,
                ..Default::default()
            },
            &sibling,
        ))
        .await
        .expect_err("sibling");
    assert_eq!(e.code(), Code::PermissionDenied);

    // Tuesday 14/4: the accepted case passed 13/4 too.
    app.clock.advance(Duration::days(28));
    let leader = app.token("hiephoa", Role::Leader).await;
    let overdue = backlog(&app, &leader, "hiephoa", false, BacklogKind::Overdue).await;
    assert_eq!(
        numbers(&overdue),
        vec![waiting.number_label.clone(), accepted.number_label.clone()]
    );

    // Three months on, both are long-running (open more than 90 days).
    assert!(
        backlog(&app, &leader, "hiephoa", false, BacklogKind::LongRunning)
            .await
            .entries
            .is_empty()
    );
    app.clock.advance(Duration::days(50));
    let leader = app.token("hiephoa", Role::Leader).await;
    let long = backlog(&app, &leader, "hiephoa", false, BacklogKind::LongRunning).await;
    assert_eq!(long.entries.len(), 2);
    assert!(long.entries.iter().all(|e| e.age_days > 90));
}
