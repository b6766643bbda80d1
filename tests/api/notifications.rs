//! Notifications: each step tells the people it concerns, in-app, and each
//! person reads and marks only their own, over gRPC and REST.

use http::{Method, StatusCode};
use tonic::Code;
use tonic::transport::Channel;

use vanphong_platform::db::query;
use vanphong_platform::identity::Role;
use vanphong_proto::documents::v1::notification_service_client::NotificationServiceClient;
use vanphong_proto::documents::v1::{
    CountUnreadNotificationsRequest, CreateDraftRequest, CreateTermRequest, DirectRequest, DispatchRequest,
    IssueNumberRequest, ListNotificationsRequest, MarkNotificationReadRequest, Notification, NotificationKind,
    RecipientInput, RegisterIncomingRequest, ReviewRequest, SignRequest, SubmitForReviewRequest, SubmitToLeaderRequest,
};

use crate::documents_incoming::{paper, register};
use crate::helpers::{TestApp, authed, spawn_app, violated_fields};

fn inbox(app: &TestApp) -> NotificationServiceClient<Channel> {
    NotificationServiceClient::new(app.channel.clone())
}

async fn mine(app: &TestApp, token: &str) -> Vec<Notification> {
    inbox(app)
        .list_notifications(authed(ListNotificationsRequest::default(), token))
        .await
        .expect("listed")
        .into_inner()
        .notifications
}

async fn unread(app: &TestApp, token: &str) -> i64 {
    inbox(app)
        .count_unread_notifications(authed(CountUnreadNotificationsRequest {}, token))
        .await
        .expect("counted")
        .into_inner()
        .unread_count
}

fn kinds(list: &[Notification]) -> Vec<NotificationKind> {
    list.iter().map(|n| n.kind()).collect()
}

#[tokio::test]
async fn submitting_and_directing_tell_the_leader_and_the_handlers_who_mark_only_their_own() {
    let app = spawn_app().await;
    let clerk = app.token("hiephoa", Role::Clerk).await;
    let leader = app.token("hiephoa", Role::Leader).await;
    let specialist = app.token("hiephoa", Role::Specialist).await;
    let officer = app.token("hiephoa", Role::PetitionOfficer).await;
    let document = register(&app, &clerk, paper(21, "Công văn về nghị quyết phát triển nông thôn")).await;
    assert_eq!(unread(&app, &leader).await, 0);

    app.incoming()
        .submit_to_leader(authed(
            SubmitToLeaderRequest {
                document_id: document.id.clone(),
                leader_id: app.user_id("hiephoa", Role::Leader).await,
                note: "Kính trình đồng chí".into(),
            },
            &clerk,
        ))
        .await
        .expect("submitted");
    let told = mine(&app, &leader).await;
    assert_eq!(kinds(&told), vec![NotificationKind::Arrival]);
    assert_eq!(told[0].document_id, document.id);
    assert_eq!(told[0].document_subject, "Công văn về nghị quyết phát triển nông thôn");
    assert_eq!(told[0].note, "Kính trình đồng chí");
    assert!(told[0].read_at.is_none());
    assert_eq!(mine(&app, &clerk).await.len(), 0, "the one who acted is not told");

    app.incoming()
        .direct(authed(
            DirectRequest {
                document_id: document.id.clone(),
                lead_handler_id: app.user_id("hiephoa", Role::Specialist).await,
                coordinator_ids: vec![app.user_id("hiephoa", Role::PetitionOfficer).await],
                deadline: "2026-03-04".into(),
                note: "Đề nghị tham mưu".into(),
            },
            &leader,
        ))
        .await
        .expect("directed");
    // The lead is told of the assignment and, the deadline being near, of it.
    let lead = mine(&app, &specialist).await;
    assert_eq!(
        kinds(&lead),
        vec![NotificationKind::Deadline, NotificationKind::Assigned]
    );
    assert_eq!(lead[0].note, "2026-03-04");
    assert!(!lead[1].actor_name.is_empty(), "the leader who directed it");
    assert_eq!(lead[1].note, "Đề nghị tham mưu");
    assert_eq!(unread(&app, &specialist).await, 2, "the deadline is told once");
    let helper = mine(&app, &officer).await;
    assert!(kinds(&helper).contains(&NotificationKind::Assigned));

    // Marking another person's notification: not found, and nothing changes.
    let theirs = inbox(&app)
        .mark_notification_read(authed(
            MarkNotificationReadRequest {
                notification_id: lead[1].notification_id.clone(),
            },
            &officer,
        ))
        .await
        .expect_err("not theirs");
    assert_eq!(theirs.code(), Code::NotFound);
    assert_eq!(unread(&app, &specialist).await, 2);

    // The lead marks one read over gRPC, then again (no change, no record).
    for _ in 0..2 {
        let read = inbox(&app)
            .mark_notification_read(authed(
                MarkNotificationReadRequest {
                    notification_id: lead[1].notification_id.clone(),
                },
                &specialist,
            ))
            .await
            .expect("marked")
            .into_inner();
        assert!(read.read_at.is_some());
    }
    assert_eq!(unread(&app, &specialist).await, 1);
    let db = app.db("documents").await;
    let records: Option<i64> = db
        .scalar(query(
            "SELECT COUNT(*) FROM audit_records WHERE entity = 'notification' AND action = 'read'",
        ))
        .await
        .unwrap();
    assert_eq!(records, Some(1), "one audit record per change");

    // Over REST: the unread ones, then all marked read.
    let (status, body, _) = app
        .rest(
            Method::GET,
            "/api/v1/notifications?unreadOnly=true",
            Some(&specialist),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["notifications"].as_array().map(Vec::len), Some(1));
    assert_eq!(body["notifications"][0]["kind"], "NOTIFICATION_KIND_DEADLINE");
    assert_eq!(body["unreadCount"], "1");
    let (status, body, _) = app
        .rest(
            Method::POST,
            "/api/v1/notifications/read-all",
            Some(&specialist),
            Some(serde_json::json!({})),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["marked"], "1");
    let (status, body, _) = app
        .rest(
            Method::GET,
            "/api/v1/notifications/unread-count",
            Some(&specialist),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["unreadCount"].as_str().unwrap_or("0"), "0");
    assert_eq!(unread(&app, &officer).await, 2, "the coordinator's are still unread");

    // Input checked field by field.
    let bad = inbox(&app)
        .list_notifications(authed(
            ListNotificationsRequest {
                page_token: "abc".into(),
                page_size: 500,
                ..Default::default()
            },
            &specialist,
        ))
        .await
        .expect_err("refused");
    assert_eq!(violated_fields(&bad), vec!["page_size", "page_token"]);
    let bad = inbox(&app)
        .mark_notification_read(authed(
            MarkNotificationReadRequest {
                notification_id: "x".into(),
            },
            &specialist,
        ))
        .await
        .expect_err("refused");
    assert_eq!(bad.code(), Code::InvalidArgument);
}

#[tokio::test]
async fn a_returned_draft_an_arrival_and_a_recipients_receipt_reach_their_people_page_by_page() {
    let app = spawn_app().await;
    let drafter = app.token("tu", Role::Specialist).await;
    let leader = app.token("tu", Role::Leader).await;
    let clerk = app.token("tu", Role::Clerk).await;
    app.terms()
        .create_term(authed(
            CreateTermRequest {
                office_id: app.office_id("tu"),
                name: "Nhiệm kỳ 2025–2030".into(),
                starts_on: "2025-10-16".into(),
                ..Default::default()
            },
            &app.token("tu", Role::Admin).await,
        ))
        .await
        .expect("term");
    let doc = app
        .outgoing()
        .create_draft(authed(
            CreateDraftRequest {
                type_code: "CV".into(),
                subject: "Công văn về lịch tiếp công dân".into(),
                pages: 1,
                recipients: vec![RecipientInput {
                    office_id: app.office_id("hiephoa"),
                    ..Default::default()
                }],
                ..Default::default()
            },
            &drafter,
        ))
        .await
        .expect("draft")
        .into_inner();
    let review = |note: &str| ReviewRequest {
        document_id: doc.id.clone(),
        note: note.into(),
    };
    let submit = || SubmitForReviewRequest {
        document_id: doc.id.clone(),
        note: String::new(),
    };
    app.outgoing()
        .submit_for_review(authed(submit(), &drafter))
        .await
        .expect("submitted");
    assert_eq!(kinds(&mine(&app, &leader).await), vec![NotificationKind::Arrival]);
    app.outgoing()
        .r#return(authed(review("Sửa lại phần nơi nhận"), &leader))
        .await
        .expect("returned");
    let returned = mine(&app, &drafter).await;
    assert_eq!(kinds(&returned), vec![NotificationKind::Returned]);
    assert_eq!(returned[0].note, "Sửa lại phần nơi nhận");

    app.outgoing()
        .submit_for_review(authed(submit(), &drafter))
        .await
        .expect("again");
    app.outgoing()
        .approve(authed(review(""), &leader))
        .await
        .expect("approved");
    app.outgoing()
        .sign(authed(
            SignRequest {
                document_id: doc.id.clone(),
                signing_prefix: "T/M".into(),
                signer_position: "Bí thư".into(),
                ..Default::default()
            },
            &leader,
        ))
        .await
        .expect("signed");
    app.outgoing()
        .issue_number(authed(
            IssueNumberRequest {
                document_id: doc.id.clone(),
            },
            &clerk,
        ))
        .await
        .expect("numbered");
    app.outgoing()
        .dispatch(authed(
            DispatchRequest {
                document_id: doc.id.clone(),
            },
            &clerk,
        ))
        .await
        .expect("dispatched");

    // Hiệp Hòa's clerk is told it arrived, and registers it.
    let hh_clerk = app.token("hiephoa", Role::Clerk).await;
    let arrived = mine(&app, &hh_clerk).await;
    assert_eq!(kinds(&arrived), vec![NotificationKind::Arrival]);
    assert!(!arrived[0].document_number.is_empty());
    assert_ne!(arrived[0].document_id, doc.id, "the office's own copy");
    assert_eq!(
        mine(&app, &app.token("hiephoa", Role::Specialist).await).await.len(),
        0,
        "only the clerks' queue"
    );
    app.incoming()
        .register_incoming(authed(
            RegisterIncomingRequest {
                arrived_document_id: arrived[0].document_id.clone(),
                ..Default::default()
            },
            &hh_clerk,
        ))
        .await
        .expect("registered");

    // The drafter hears back; their notices come page by page, newest first.
    let first = inbox(&app)
        .list_notifications(authed(
            ListNotificationsRequest {
                page_size: 1,
                ..Default::default()
            },
            &drafter,
        ))
        .await
        .expect("page")
        .into_inner();
    assert_eq!(kinds(&first.notifications), vec![NotificationKind::Receipt]);
    assert_eq!(first.notifications[0].note, "Đã vào sổ");
    assert_eq!(first.notifications[0].document_id, doc.id);
    assert_eq!(first.unread_count, 2);
    let second = inbox(&app)
        .list_notifications(authed(
            ListNotificationsRequest {
                page_size: 1,
                page_token: first.next_page_token.clone(),
                ..Default::default()
            },
            &drafter,
        ))
        .await
        .expect("page")
        .into_inner();
    assert_eq!(kinds(&second.notifications), vec![NotificationKind::Returned]);
    assert!(second.next_page_token.is_empty());
}
