//! The due date seen before confirming (`validate_only`): thụ lý (from
//! classification or after consideration) and gia hạn
//! computed and checked in full, answered with the petition as it would be,
//! and nothing saved — no state change, history line, extension or audit
//! record — while a wrong input is refused as the real step refuses it.

use http::{Method, StatusCode};
use tonic::Code;

use vanphong_platform::identity::Role;
use vanphong_proto::common::v1::CountUnreadNoticesRequest;
use vanphong_proto::petitions::v1::notification_service_client::NotificationServiceClient;
use vanphong_proto::petitions::v1::{
    AcceptPetitionRequest, ClassificationOutcome, ClassifyPetitionRequest, Complexity, ExtendDeadlineRequest,
    GetPetitionRequest, Petition, PetitionKind,
};

use super::support::{Office, audit_actions, consider, letter, office, petitions, take_in};
use crate::helpers::{TestApp, authed, spawn_app, violated_fields};

/// The petition's audit records other than views of its petitioners.
async fn changes(app: &TestApp, petition: &str) -> Vec<String> {
    let mut actions = audit_actions(app, "hiephoa", petition).await;
    actions.retain(|a| a != "view_identity");
    actions
}

/// The petition as saved, read by the clerk (no identity view recorded).
async fn saved(app: &TestApp, hh: &Office, id: &str) -> Petition {
    petitions(app)
        .get_petition(authed(GetPetitionRequest { petition_id: id.into() }, &hh.clerk))
        .await
        .expect("get")
        .into_inner()
}

fn acceptance(id: &str, validate_only: bool) -> AcceptPetitionRequest {
    AcceptPetitionRequest {
        petition_id: id.into(),
        accepted_on: "2026-03-02".into(),
        complexity: Complexity::Complex as i32,
        note: "Đủ điều kiện thụ lý".into(),
        validate_only,
        ..Default::default()
    }
}

/// Thirty days more by decision 01/QĐ-HU.
fn extension(id: &str, validate_only: bool) -> ExtendDeadlineRequest {
    ExtendDeadlineRequest {
        petition_id: id.into(),
        decision_number: "01/QĐ-HU".into(),
        days: 30,
        reason: "Cần xác minh thêm".into(),
        validate_only,
        ..Default::default()
    }
}

#[tokio::test]
async fn validate_only_shows_the_due_dates_of_thu_ly_and_gia_han_and_saves_nothing() {
    let app = spawn_app().await;
    let hh = office(&app, "hiephoa").await;
    let mut request = letter("2026-03-02", "Tố cáo cán bộ địa chính xã nhận tiền làm thủ tục đất");
    request.kind = PetitionKind::Denunciation as i32;
    let p = take_in(&app, &hh.clerk, request).await;
    consider(&app, &hh.officer, &p.id, &hh.specialist_id).await;
    let before = saved(&app, &hh, &p.id).await;
    assert_eq!(before.state_code, "07");
    let trail = changes(&app, &p.id).await;

    // Thụ lý computed: accepted (08), due 30 days later; nothing saved.
    let preview = petitions(&app)
        .accept_petition(authed(acceptance(&p.id, true), &hh.leader))
        .await
        .expect("previewed")
        .into_inner();
    assert_eq!(preview.state_code, "08");
    let due = preview.resolving.as_ref().expect("resolving").due_on.clone();
    assert_eq!(due, "2026-04-01");
    assert!(
        preview.identity_redacted,
        "no view of the identity is recorded, so none shown"
    );
    let after = saved(&app, &hh, &p.id).await;
    assert_eq!(after.state_code, "07", "not accepted");
    assert_eq!(after.events.len(), before.events.len(), "no history line");
    assert!(after.current_due_on == before.current_due_on);
    assert_eq!(changes(&app, &p.id).await, trail, "no audit record");

    // Given to another handler, nothing tells them either.
    let officer_id = app.user_id("hiephoa", Role::PetitionOfficer).await;
    let unread = || async {
        NotificationServiceClient::new(app.channel.clone())
            .count_unread_notifications(authed(CountUnreadNoticesRequest {}, &hh.officer))
            .await
            .expect("unread")
            .into_inner()
            .unread_count
    };
    let before_notices = unread().await;
    let mut elsewhere = acceptance(&p.id, true);
    elsewhere.handler_id = officer_id.clone();
    let preview = petitions(&app)
        .accept_petition(authed(elsewhere, &hh.leader))
        .await
        .expect("previewed")
        .into_inner();
    assert_eq!(preview.resolving.expect("resolving").handler_id, officer_id);
    assert_eq!(unread().await, before_notices, "no notice");
    assert_eq!(changes(&app, &p.id).await, trail, "no audit record");

    // The same refusals as the step itself: a date before receipt names
    // its field, a clerk may not accept.
    for wrong in ["2026-03-01", "2026-02-30"] {
        let mut request = acceptance(&p.id, true);
        request.accepted_on = wrong.into();
        let e = petitions(&app)
            .accept_petition(authed(request, &hh.leader))
            .await
            .expect_err(wrong);
        assert_eq!(e.code(), Code::InvalidArgument, "{wrong}");
        assert_eq!(violated_fields(&e), vec!["accepted_on"], "{wrong}");
    }
    let e = petitions(&app)
        .accept_petition(authed(acceptance(&p.id, true), &hh.clerk))
        .await
        .expect_err("clerk");
    assert_eq!(e.code(), Code::PermissionDenied);

    // The real thụ lý gives the date shown.
    let accepted = petitions(&app)
        .accept_petition(authed(acceptance(&p.id, false), &hh.leader))
        .await
        .expect("accepted")
        .into_inner();
    assert_eq!(accepted.resolving.expect("resolving").due_on, due);
    let trail = changes(&app, &p.id).await;
    assert_eq!(trail.iter().filter(|a| *a == "accept").count(), 1, "{trail:?}");
    let before = saved(&app, &hh, &p.id).await;

    // Gia hạn computed through REST (validateOnly): 1/4 + 30 days is 1/5,
    // a holiday, then the weekend: Monday 4/5. Nothing saved.
    let path = format!("/api/v1/petitions/{}/extensions", p.id);
    let body = |days: i32| {
        serde_json::json!({"decisionNumber": "01/QĐ-HU", "days": days,
            "reason": "Cần xác minh thêm", "validateOnly": true})
    };
    let (status, answer, _) = app.rest(Method::POST, &path, Some(&hh.leader), Some(body(30))).await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    assert_eq!(answer["resolving"]["dueOn"], "2026-05-04", "{answer}");
    assert_eq!(answer["resolving"]["extensions"][0]["decisionNumber"], "01/QĐ-HU");
    let after = saved(&app, &hh, &p.id).await;
    let resolving = after.resolving.as_ref().expect("resolving");
    assert_eq!(resolving.due_on, "2026-04-01", "not extended");
    assert!(resolving.extensions.is_empty(), "no extension recorded");
    assert_eq!(resolving.extensions_left, 1);
    assert_eq!(after.events.len(), before.events.len(), "no history line");
    assert_eq!(changes(&app, &p.id).await, trail, "no audit record");

    // Too long, or by a specialist: refused as the step refuses it.
    let (status, answer, _) = app.rest(Method::POST, &path, Some(&hh.leader), Some(body(31))).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{answer}");
    assert_eq!(
        answer["error"]["details"][0]["fieldViolations"][0]["field"], "days",
        "{answer}"
    );
    let e = petitions(&app)
        .extend_deadline(authed(extension(&p.id, true), &hh.specialist))
        .await
        .expect_err("not a leader");
    assert_eq!(e.code(), Code::PermissionDenied);

    // The real extension gives the date shown.
    let extended = petitions(&app)
        .extend_deadline(authed(extension(&p.id, false), &hh.leader))
        .await
        .expect("extended")
        .into_inner();
    assert_eq!(extended.resolving.expect("resolving").due_on, "2026-05-04");
    let trail = changes(&app, &p.id).await;
    assert_eq!(trail.iter().filter(|a| *a == "extend").count(), 1, "{trail:?}");
}

#[tokio::test]
async fn a_classification_previewed_shows_the_due_date_and_makes_no_slip_or_change() {
    let app = spawn_app().await;
    let hh = office(&app, "hiephoa").await;
    let mut request = letter(
        "2026-03-02",
        "Tố cáo cán bộ thu tiền sai quy định khi cấp giấy chứng nhận",
    );
    request.kind = PetitionKind::Denunciation as i32;
    let p = take_in(&app, &hh.clerk, request).await;
    let before = saved(&app, &hh, &p.id).await;
    let trail = changes(&app, &p.id).await;
    let classify = |outcome: ClassificationOutcome, validate_only: bool| ClassifyPetitionRequest {
        petition_id: p.id.clone(),
        outcome: outcome as i32,
        handler_id: hh.specialist_id.clone(),
        accepted_on: "2026-03-02".into(),
        complexity: Complexity::Complex as i32,
        transfer_to: "Ủy ban Kiểm tra Huyện ủy".into(),
        note: "Thuộc thẩm quyền".into(),
        validate_only,
        ..Default::default()
    };

    // Thụ lý straight from classification: the due date, nothing saved.
    let preview = petitions(&app)
        .classify_petition(authed(classify(ClassificationOutcome::Accept, true), &hh.officer))
        .await
        .expect("previewed")
        .into_inner();
    assert_eq!(preview.state_code, "08");
    assert_eq!(preview.resolving.as_ref().expect("resolving").due_on, "2026-04-01");
    assert!(preview.identity_redacted);
    // A transfer previewed makes no slip in the documents service.
    let transfer = petitions(&app)
        .classify_petition(authed(classify(ClassificationOutcome::Transfer, true), &hh.officer))
        .await
        .expect("previewed")
        .into_inner();
    assert!(
        transfer
            .transfer
            .as_ref()
            .is_some_and(|t| t.slip_document_id.is_empty()),
        "{transfer:?}"
    );
    let after = saved(&app, &hh, &p.id).await;
    assert_eq!(after.state_code, before.state_code, "not classified");
    assert_eq!(after.events.len(), before.events.len(), "no history line");
    assert_eq!(changes(&app, &p.id).await, trail, "no audit record");

    // Refused as the step refuses: without a handler, the field is named.
    let mut unhandled = classify(ClassificationOutcome::Accept, true);
    unhandled.handler_id.clear();
    let e = petitions(&app)
        .classify_petition(authed(unhandled, &hh.officer))
        .await
        .expect_err("no handler");
    assert_eq!(violated_fields(&e), vec!["handler_id"]);

    // Saved, it gives the date shown.
    let accepted = petitions(&app)
        .classify_petition(authed(classify(ClassificationOutcome::Accept, false), &hh.officer))
        .await
        .expect("classified")
        .into_inner();
    assert_eq!(accepted.resolving.expect("resolving").due_on, "2026-04-01");
}
