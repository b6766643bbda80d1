//! Notices of petitions and reports (the platform's shared
//! `NotificationService`, served by each service): a case given to its
//! handler, a report returned or accepted by the office above, and the
//! deadlines drawing near, each told to the person concerned only, read
//! and marked over gRPC and REST.

use chrono::{NaiveDate, TimeZone, Utc};
use http::{Method, StatusCode};
use tonic::Code;
use tonic::transport::Channel;

use vanphong_proto::common::v1::{
    CountUnreadNoticesRequest, ListNoticesRequest, MarkAllNoticesReadRequest, MarkNoticeReadRequest, Notice,
};
use vanphong_proto::petitions::v1::notification_service_client::NotificationServiceClient as PetitionNotices;
use vanphong_proto::reporting::v1::notification_service_client::NotificationServiceClient as ReportNotices;
use vanphong_proto::reporting::v1::{AcceptReportRequest, ReturnReportRequest};

use crate::helpers::{TestApp, authed, spawn_app, violated_fields};
use crate::petitions::support::{accept, letter, office, take_in};
use crate::reporting::support::{approval, approved, desk, drafted, sent, submitted, term};

fn petition_notices(app: &TestApp) -> PetitionNotices<Channel> {
    PetitionNotices::new(app.channel.clone())
}

fn report_notices(app: &TestApp) -> ReportNotices<Channel> {
    ReportNotices::new(app.channel.clone())
}

async fn petition_inbox(app: &TestApp, token: &str) -> Vec<Notice> {
    petition_notices(app)
        .list_notifications(authed(ListNoticesRequest::default(), token))
        .await
        .expect("listed")
        .into_inner()
        .notices
}

async fn report_inbox(app: &TestApp, token: &str) -> Vec<Notice> {
    report_notices(app)
        .list_notifications(authed(ListNoticesRequest::default(), token))
        .await
        .expect("listed")
        .into_inner()
        .notices
}

fn kinds(list: &[Notice]) -> Vec<&str> {
    list.iter().map(|n| n.kind.as_str()).collect()
}

/// 09:00 in Hà Nội on `day` (YYYY-MM-DD).
fn morning_of(day: &str) -> chrono::DateTime<Utc> {
    let day = NaiveDate::parse_from_str(day, "%Y-%m-%d").expect("a date");
    Utc.from_utc_datetime(&day.and_hms_opt(2, 0, 0).expect("time"))
}

#[tokio::test]
async fn a_handler_is_told_of_a_case_given_them_and_of_its_deadline_drawing_near() {
    let app = spawn_app().await;
    let o = office(&app, "hiephoa").await;
    let petition = take_in(
        &app,
        &o.officer,
        letter("2026-03-02", "Khiếu nại việc thu hồi đất tại thôn Đông"),
    )
    .await;
    assert!(petition_inbox(&app, &o.specialist).await.is_empty());

    let accepted = accept(&app, &o.officer, &petition.id, &o.specialist_id, |_| {}).await;
    let told = petition_inbox(&app, &o.specialist).await;
    assert_eq!(kinds(&told), vec!["assigned"]);
    assert_eq!(told[0].record_id, petition.id);
    assert_eq!(told[0].record_label, format!("Đơn số {}", accepted.number_label));
    assert_eq!(told[0].title, "Đơn được giao cho bạn giải quyết");
    assert!(!told[0].actor_name.is_empty(), "who gave it, by name");
    assert!(told[0].read_at.is_none());
    assert!(
        petition_inbox(&app, &o.officer).await.is_empty(),
        "the one who acted is not told"
    );

    // Two days before the case is due, its handler is told, once.
    let due_on = accepted.resolving.as_ref().expect("resolving").due_on.clone();
    let day_before = NaiveDate::parse_from_str(&due_on, "%Y-%m-%d").expect("due") - chrono::Days::new(2);
    app.clock.set(morning_of(&day_before.to_string()));
    // Signed in again: the morning's tokens have long expired.
    let o = office(&app, "hiephoa").await;
    let count = petition_notices(&app)
        .count_unread_notifications(authed(CountUnreadNoticesRequest {}, &o.specialist))
        .await
        .expect("counted")
        .into_inner()
        .unread_count;
    assert_eq!(count, 2);
    let told = petition_inbox(&app, &o.specialist).await;
    assert_eq!(kinds(&told), vec!["deadline", "assigned"]);
    assert_eq!(told[0].note, due_on);
    assert_eq!(petition_inbox(&app, &o.specialist).await.len(), 2, "told once");

    // Over REST; each marks only their own.
    let (status, body, _) = app
        .rest(
            Method::GET,
            "/api/v1/petitions/notifications?unreadOnly=true",
            Some(&o.specialist),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["notices"].as_array().map(Vec::len), Some(2));
    assert_eq!(body["notices"][1]["kind"], "assigned");
    assert_eq!(body["unreadCount"], "2");
    let id = told[1].notification_id.clone();
    let e = petition_notices(&app)
        .mark_notification_read(authed(
            MarkNoticeReadRequest {
                notification_id: id.clone(),
            },
            &o.officer,
        ))
        .await
        .expect_err("not theirs");
    assert_eq!(e.code(), Code::NotFound);
    let (status, body, _) = app
        .rest(
            Method::POST,
            &format!("/api/v1/petitions/notifications/{id}/read"),
            Some(&o.specialist),
            Some(serde_json::json!({})),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(body["readAt"].is_string(), "{body}");
    let (status, body, _) = app
        .rest(
            Method::POST,
            "/api/v1/petitions/notifications/read-all",
            Some(&o.specialist),
            Some(serde_json::json!({})),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["marked"], "1");

    // Input checked field by field.
    let e = petition_notices(&app)
        .list_notifications(authed(
            ListNoticesRequest {
                page_size: 1000,
                page_token: "not a token".into(),
                ..Default::default()
            },
            &o.specialist,
        ))
        .await
        .expect_err("refused");
    assert_eq!(violated_fields(&e), vec!["page_size", "page_token"]);
    let e = petition_notices(&app)
        .mark_notification_read(authed(MarkNoticeReadRequest::default(), &o.specialist))
        .await
        .expect_err("refused");
    assert_eq!(violated_fields(&e), vec!["notification_id"]);
}

#[tokio::test]
async fn a_reports_writer_is_told_when_the_office_above_returns_or_accepts_it_and_before_its_deadline() {
    let app = spawn_app().await;
    term(&app, "vietyen").await;
    let d = desk(&app, "vietyen").await;
    let report = drafted(&app, "vietyen", 3, &d).await;
    assert!(report_inbox(&app, &d.writer).await.is_empty());

    // Begun and not sent: its writer is told the day before its deadline,
    // once.
    let day_before = NaiveDate::parse_from_str(&report.deadline, "%Y-%m-%d").expect("deadline") - chrono::Days::new(1);
    app.clock.set(morning_of(&day_before.to_string()));
    // Signed in again: the morning's tokens have long expired.
    let d = desk(&app, "vietyen").await;
    let province = desk(&app, "tu").await;
    let told = report_inbox(&app, &d.writer).await;
    assert_eq!(kinds(&told), vec!["deadline"]);
    assert_eq!(told[0].record_id, report.id);
    assert_eq!(told[0].note, report.deadline);
    assert_eq!(told[0].title, "Báo cáo bạn soạn sắp đến hạn gửi");
    assert_eq!(report_inbox(&app, &d.writer).await.len(), 1, "told once");
    let (status, body, _) = app
        .rest(
            Method::GET,
            "/api/v1/reports/notifications/unread-count",
            Some(&d.writer),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["unreadCount"], "1");
    let marked = report_notices(&app)
        .mark_all_notifications_read(authed(MarkAllNoticesReadRequest {}, &d.writer))
        .await
        .expect("marked")
        .into_inner()
        .marked;
    assert_eq!(marked, 1);

    submitted(&app, &report.id, &d).await;
    approved(&app, &report.id, &d).await;
    sent(&app, &report.id, &d).await;

    approval(&app)
        .return_report(authed(
            ReturnReportRequest {
                report_id: report.id.clone(),
                reason: "Thiếu số liệu tiếp công dân, đề nghị bổ sung".into(),
            },
            &province.leader,
        ))
        .await
        .expect("returned");
    let told = report_inbox(&app, &d.writer).await;
    assert_eq!(kinds(&told), vec!["returned", "deadline"]);
    assert_eq!(told[0].record_id, report.id);
    assert_eq!(told[0].note, "Thiếu số liệu tiếp công dân, đề nghị bổ sung");
    assert!(
        told[0].record_label.starts_with(&report.title),
        "{}",
        told[0].record_label
    );
    assert_eq!(told[0].title, "Báo cáo của bạn bị cấp trên trả lại");
    for token in [&d.leader, &d.clerk, &province.leader] {
        assert!(report_inbox(&app, token).await.is_empty(), "only the writer is told");
    }

    submitted(&app, &report.id, &d).await;
    approved(&app, &report.id, &d).await;
    sent(&app, &report.id, &d).await;
    approval(&app)
        .accept_report(authed(
            AcceptReportRequest {
                report_id: report.id.clone(),
                note: "Đã tiếp nhận".into(),
            },
            &province.leader,
        ))
        .await
        .expect("accepted");
    let (status, body, _) = app
        .rest(Method::GET, "/api/v1/reports/notifications", Some(&d.writer), None)
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["notices"][0]["kind"], "accepted");
    assert_eq!(body["notices"][0]["note"], "Đã tiếp nhận");
    assert_eq!(body["unreadCount"], "2");
    let marked = report_notices(&app)
        .mark_all_notifications_read(authed(MarkAllNoticesReadRequest {}, &d.writer))
        .await
        .expect("marked")
        .into_inner()
        .marked;
    assert_eq!(marked, 2);
}
