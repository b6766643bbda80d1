//! The audit trail: every change recorded, tampering detected.

use http::{Method, StatusCode};
use tonic::Code;

use vanphong_platform::db::query;
use vanphong_platform::identity::Role;
use vanphong_proto::common::v1::{ListAuditRecordsRequest, VerifyAuditRequest};
use vanphong_proto::directory::v1::UpdateOfficeRequest;
use vanphong_proto::directory::v1::audit_service_client::AuditServiceClient;

use crate::helpers::{authed, spawn_app};

#[tokio::test]
async fn every_change_is_recorded_with_who_and_before_after() {
    let app = spawn_app().await;
    let admin = app.token("tu", Role::Admin).await;
    app.offices()
        .update_office(authed(
            UpdateOfficeRequest {
                office_id: app.office_id("yendung"),
                name: Some("Thị ủy Yên Dũng".into()),
                ..Default::default()
            },
            &admin,
        ))
        .await
        .expect("renamed");
    let records = AuditServiceClient::new(app.channel.clone())
        .list_audit_records(authed(
            ListAuditRecordsRequest {
                office_id: app.office_id("yendung"),
                entity: "office".into(),
                ..Default::default()
            },
            &admin,
        ))
        .await
        .expect("records")
        .into_inner()
        .records;
    let rename = &records[0];
    assert_eq!(rename.action, "update");
    assert_eq!(rename.actor_office_id, app.office_id("tu"));
    let before: serde_json::Value = serde_json::from_str(&rename.before_json).expect("before");
    let after: serde_json::Value = serde_json::from_str(&rename.after_json).expect("after");
    assert_eq!(before["name"], "Huyện ủy Yên Dũng");
    assert_eq!(after["name"], "Thị ủy Yên Dũng");
    assert_eq!(rename.trace_id.len(), 32, "the request's trace id is kept");
    assert_eq!(records.last().map(|r| r.action.as_str()), Some("create"));

    // Users of another office cannot read this trail.
    let other = app.token("vietyen", Role::Admin).await;
    let e = AuditServiceClient::new(app.channel.clone())
        .list_audit_records(authed(
            ListAuditRecordsRequest {
                office_id: app.office_id("yendung"),
                ..Default::default()
            },
            &other,
        ))
        .await
        .expect_err("sibling");
    assert_eq!(e.code(), Code::PermissionDenied);
}

#[tokio::test]
async fn verification_finds_an_altered_and_a_removed_record() {
    let app = spawn_app().await;
    let inspector = app.token("tu", Role::Inspector).await;
    let mut audit = AuditServiceClient::new(app.channel.clone());
    let report = audit
        .verify_audit(authed(VerifyAuditRequest::default(), &inspector))
        .await
        .expect("verify")
        .into_inner();
    assert!(report.intact, "{report:?}");
    assert_eq!(report.chains_checked, 6);
    assert!(report.records_checked > 42);

    // Someone with database access rewrites who a user was.
    let hiephoa = app.office_id("hiephoa");
    let db = app.directory_db().await;
    let mut tx = db.begin_write().await.expect("tx");
    tx.execute(
        query("UPDATE audit_records SET after_json = $1 WHERE office_id = $2 AND seq = 3")
            .bind(r#"{"username":"ke.gia.mao"}"#)
            .bind(&hiephoa),
    )
    .await
    .expect("tamper");
    tx.commit().await.expect("commit");

    let report = audit
        .verify_audit(authed(VerifyAuditRequest::default(), &inspector))
        .await
        .expect("verify")
        .into_inner();
    assert!(!report.intact);
    assert_eq!(report.broken.len(), 1);
    assert_eq!(report.broken[0].office_id, hiephoa);
    assert_eq!(report.broken[0].seq, 3);

    // … and someone removes a record of another office.
    let bacly = app.office_id("bacly");
    let mut tx = db.begin_write().await.expect("tx");
    tx.execute(query("DELETE FROM audit_records WHERE office_id = $1 AND seq = 2").bind(&bacly))
        .await
        .expect("remove");
    tx.commit().await.expect("commit");
    let (status, body, _) = app
        .rest(
            Method::POST,
            "/api/v1/directory/audit/verify",
            Some(&inspector),
            Some(serde_json::json!({ "officeId": bacly })),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["intact"], false);
    assert_eq!(body["broken"][0]["seq"], "2");
    assert!(
        body["broken"][0]["reason"]
            .as_str()
            .unwrap_or_default()
            .contains("Thiếu")
    );

    // Removing the newest record is caught by the chain's head.
    let yendung = app.office_id("yendung");
    let mut tx = db.begin_write().await.expect("tx");
    tx.execute(
        query("DELETE FROM audit_records WHERE office_id = $1 AND seq = (SELECT MAX(seq) FROM audit_records WHERE office_id = $1)")
            .bind(&yendung),
    )
    .await
    .expect("remove newest");
    tx.commit().await.expect("commit");
    let report = audit
        .verify_audit(authed(
            VerifyAuditRequest {
                office_id: yendung.clone(),
            },
            &inspector,
        ))
        .await
        .expect("verify")
        .into_inner();
    assert!(!report.intact);
    assert_eq!(report.broken[0].office_id, yendung);

    // Verification is for admins and inspectors.
    let clerk = app.token("tu", Role::Clerk).await;
    let e = audit
        .verify_audit(authed(VerifyAuditRequest::default(), &clerk))
        .await
        .expect_err("clerk");
    assert_eq!(e.code(), Code::PermissionDenied);
}
