//! The audit trail: every change recorded, tampering detected.

use http::{Method, StatusCode};
use tonic::Code;

use vanphong_platform::db::{Db, Query, query};
use vanphong_platform::identity::Role;
use vanphong_platform::{audit, audit_anchor};
use vanphong_proto::common::v1::{
    AuditExportFile, ExportAuditRecordsRequest, ListAuditRecordsRequest, VerifyAuditRequest, VerifyAuditResponse,
};
use vanphong_proto::directory::v1::UpdateOfficeRequest;
use vanphong_proto::directory::v1::audit_service_client::AuditServiceClient;
use vanphong_proto::documents::v1::CreateDraftRequest;
use vanphong_proto::documents::v1::audit_service_client::AuditServiceClient as DocumentsAuditClient;

use crate::helpers::{TestApp, authed, spawn_app, spawn_app_with};

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
    let report = verify_all(&app, &inspector).await;
    assert!(report.intact, "{report:?}");
    assert_eq!(report.chains_checked, 6);
    assert!(report.records_checked > 42);

    // Someone with database access rewrites who a user was.
    let hiephoa = app.office_id("hiephoa");
    let db = app.directory_db().await;
    tamper(
        &db,
        query("UPDATE audit_records SET after_json = $1 WHERE office_id = $2 AND seq = 3")
            .bind(r#"{"username":"ke.gia.mao"}"#)
            .bind(&hiephoa),
    )
    .await;

    let report = verify_all(&app, &inspector).await;
    assert!(!report.intact);
    assert_eq!(report.broken.len(), 1);
    assert_eq!(report.broken[0].office_id, hiephoa);
    assert_eq!(report.broken[0].seq, 3);

    // … and someone removes a record of another office.
    let bacly = app.office_id("bacly");
    tamper(
        &db,
        query("DELETE FROM audit_records WHERE office_id = $1 AND seq = 2").bind(&bacly),
    )
    .await;
    let body = verify_by_rest(&app, "/api/v1/directory/audit/verify", &inspector, &bacly).await;
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
    tamper(
        &db,
        query("DELETE FROM audit_records WHERE office_id = $1 AND seq = (SELECT MAX(seq) FROM audit_records WHERE office_id = $1)")
            .bind(&yendung),
    )
    .await;
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

/// A change made straight in the database, as someone with write access
/// to it would.
pub(crate) async fn tamper(db: &Db, change: Query) {
    let mut tx = db.begin_write().await.expect("tx");
    tx.execute(change).await.expect("tamper");
    tx.commit().await.expect("commit");
}

/// `VerifyAudit` of every chain the caller may read, through gRPC.
async fn verify_all(app: &TestApp, token: &str) -> VerifyAuditResponse {
    AuditServiceClient::new(app.channel.clone())
        .verify_audit(authed(VerifyAuditRequest::default(), token))
        .await
        .expect("verify")
        .into_inner()
}

/// `POST …/audit/verify` of one office, through REST; the JSON answer.
async fn verify_by_rest(app: &TestApp, path: &str, token: &str, office: &str) -> serde_json::Value {
    let (status, body, _) = app
        .rest(
            Method::POST,
            path,
            Some(token),
            Some(serde_json::json!({ "officeId": office })),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body
}

/// What someone who can write the database but not read the audit key does
/// to hide an edit: rewrites record `seq` of `office`'s chain with
/// `after_json`, recomputes every later hash and the head, so that the chain
/// is consistent again.
pub(crate) async fn rewrite_and_recompute(db: &Db, office: &str, seq: i64, after_json: &str) {
    let office_id = uuid::Uuid::parse_str(office).expect("office id");
    let mut rows = audit::list(db, office_id, None, None, 100_000, None)
        .await
        .expect("rows");
    rows.reverse();
    let mut tx = db.begin_write().await.expect("tx");
    let mut prev = rows[0].prev_hash.clone();
    for row in &mut rows {
        if row.seq == seq {
            row.after_json = Some(after_json.to_string());
        }
        row.prev_hash = prev.clone();
        row.hash = row.expected_hash();
        prev = row.hash.clone();
        tx.execute(
            query(
                "UPDATE audit_records SET after_json = $1, prev_hash = $2, hash = $3 WHERE office_id = $4 AND seq = $5",
            )
            .bind(row.after_json.clone())
            .bind(&row.prev_hash)
            .bind(&row.hash)
            .bind(office)
            .bind(row.seq),
        )
        .await
        .expect("rewrite");
    }
    tx.execute(
        query("UPDATE audit_heads SET hash = $1 WHERE office_id = $2")
            .bind(&prev)
            .bind(office),
    )
    .await
    .expect("head");
    tx.commit().await.expect("commit");
}

#[tokio::test]
async fn a_recomputed_chain_no_longer_matches_its_signed_checkpoints() {
    let app = spawn_app().await;
    let inspector = app.token("tu", Role::Inspector).await;
    let mut audit = AuditServiceClient::new(app.channel.clone());
    // Verifying an intact trail signs a checkpoint of each chain's head.
    let report = verify_all(&app, &inspector).await;
    assert!(report.intact, "{report:?}");
    let hiephoa = app.office_id("hiephoa");
    let db = app.directory_db().await;
    let checkpoints = audit_anchor::checkpoints(&db, uuid::Uuid::parse_str(&hiephoa).expect("id"))
        .await
        .expect("checkpoints");
    assert!(!checkpoints.is_empty(), "verifying signed a checkpoint");

    // A database writer rewrites who a user was and recomputes the chain:
    // the chain is consistent, and the plain recomputation cannot tell.
    rewrite_and_recompute(&db, &hiephoa, 3, r#"{"username":"ke.gia.mao"}"#).await;
    let report = verify_all(&app, &inspector).await;
    assert!(!report.intact);
    assert_eq!(report.broken.len(), 1, "{report:?}");
    assert_eq!(report.broken[0].office_id, hiephoa);
    assert!(report.broken[0].reason.contains("đã bị tính lại"), "{report:?}");
    assert!(report.broken[0].reason.contains("từ số 1 đến"), "{report:?}");

    // Rewriting the checkpoint as well breaks its signature.
    let head: (i64, String) = db
        .fetch_optional(query("SELECT seq, hash FROM audit_heads WHERE office_id = $1").bind(&hiephoa))
        .await
        .expect("head")
        .expect("a head");
    tamper(
        &db,
        query("UPDATE audit_checkpoints SET hash = $1 WHERE office_id = $2 AND seq = $3")
            .bind(&head.1)
            .bind(&hiephoa)
            .bind(head.0),
    )
    .await;
    let body = verify_by_rest(&app, "/api/v1/directory/audit/verify", &inspector, &hiephoa).await;
    assert_eq!(body["intact"], false);
    let reasons: Vec<&str> = body["broken"]
        .as_array()
        .expect("broken")
        .iter()
        .filter_map(|b| b["reason"].as_str())
        .collect();
    assert!(reasons.iter().any(|r| r.contains("chữ ký không hợp lệ")), "{body}");

    // Other offices' chains are untouched and still verify.
    let report = audit
        .verify_audit(authed(
            VerifyAuditRequest {
                office_id: app.office_id("bacly"),
            },
            &inspector,
        ))
        .await
        .expect("verify")
        .into_inner();
    assert!(report.intact, "{report:?}");
}

#[tokio::test]
async fn every_chain_is_checkpointed_in_the_background() {
    let app = spawn_app_with(|o| o.audit_checkpoint_interval_secs = Some(1)).await;
    let db = app.directory_db().await;
    let tu = uuid::Uuid::parse_str(&app.office_id("tu")).expect("id");
    let key = audit_anchor::AuditKey::load_for_verifying(&app.settings.audit_key_file).expect("key");
    let mut anchored = false;
    for _ in 0..100 {
        let head: Option<(i64, String)> = db
            .fetch_optional(query("SELECT seq, hash FROM audit_heads WHERE office_id = $1").bind(tu.to_string()))
            .await
            .expect("head");
        let checkpoints = audit_anchor::checkpoints(&db, tu).await.expect("checkpoints");
        if let (Some((seq, hash)), Some(last)) = (head, checkpoints.last())
            && last.seq == seq
        {
            assert_eq!(last.hash, hash);
            assert!(last.is_signed_by(key.verifying_key(), "directory"));
            anchored = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(anchored, "the directory's chain head was never checkpointed");
    // The key is a file of the data folder, not a row of any database.
    assert!(app.settings.audit_key_file.exists());
}

#[tokio::test]
async fn a_row_edited_straight_in_the_database_no_longer_matches_its_last_record() {
    let app = spawn_app().await;
    let clerk = app.token("hiephoa", Role::Clerk).await;
    let inspector = app.token("tu", Role::Inspector).await;
    let hiephoa = app.office_id("hiephoa");
    let document = crate::documents_incoming::register(
        &app,
        &clerk,
        crate::documents_incoming::paper(7, "Về kế hoạch tổ chức hội nghị"),
    )
    .await;
    let body = verify_by_rest(&app, "/api/v1/documents/audit/verify", &inspector, &hiephoa).await;
    assert_eq!(body["intact"], true, "{body}");

    // Someone changes the document's subject in the database, no record.
    tamper(
        &app.db("documents").await,
        query("UPDATE documents SET subject = $1 WHERE id = $2")
            .bind("Về việc khác hẳn")
            .bind(&document.id),
    )
    .await;
    let body = verify_by_rest(&app, "/api/v1/documents/audit/verify", &inspector, &hiephoa).await;
    assert_eq!(body["intact"], false, "{body}");
    let reason = body["broken"][0]["reason"].as_str().unwrap_or_default();
    assert!(reason.contains(&document.id), "{body}");
    assert!(reason.contains("sửa trực tiếp"), "{body}");

    // The same holds for the directory's people, and from the command line.
    let clerk_id = app.user_id("hiephoa", Role::Clerk).await;
    tamper(
        &app.directory_db().await,
        query("UPDATE users SET full_name = $1 WHERE id = $2")
            .bind("Người Khác")
            .bind(&clerk_id),
    )
    .await;
    let report = verify_all(&app, &inspector).await;
    assert!(!report.intact);
    assert!(
        report
            .broken
            .iter()
            .any(|b| b.office_id == hiephoa && b.reason.contains(&clerk_id)),
        "{report:?}"
    );
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_vanphong"))
        .args(["audit", "verify", "documents", "--log", "error", "--data-dir"])
        .arg(&app.settings.data_dir)
        .args(crate::cli::database_args(&app.settings))
        .output()
        .expect("vanphong runs");
    assert_eq!(out.status.code(), Some(3), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).contains(&document.id));
}

/// `ExportAuditRecords` of the documents service for `office`, over every
/// day a test runs on.
async fn export_documents(app: &TestApp, token: &str, office: &str) -> Result<AuditExportFile, tonic::Status> {
    DocumentsAuditClient::new(app.channel.clone())
        .export_audit_records(authed(
            ExportAuditRecordsRequest {
                office_id: office.into(),
                from: "2000-01-01".into(),
                to: "2099-12-31".into(),
            },
            token,
        ))
        .await
        .map(tonic::Response::into_inner)
}

/// `vanphong audit verify-export` of `content`, with the public half of
/// the test's audit key.
pub(crate) fn verify_export(app: &TestApp, content: &[u8]) -> std::process::Output {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("export.json");
    std::fs::write(&file, content).expect("written");
    let public = vanphong_platform::identity::public_key_path(&app.settings.audit_key_file);
    crate::cli::run(
        &app.settings,
        &[
            "audit",
            "verify-export",
            file.to_str().expect("utf-8"),
            "--public-key",
            public.to_str().expect("utf-8"),
        ],
    )
}

#[tokio::test]
async fn an_inspectors_export_verifies_offline_and_any_change_to_it_shows() {
    let app = spawn_app().await;
    let clerk = app.token("hiephoa", Role::Clerk).await;
    let inspector = app.token("tu", Role::Inspector).await;
    let hiephoa = app.office_id("hiephoa");
    // A Mật draft the province's inspector may not read, and a notice.
    let subject = "Phương án nhân sự kín";
    let secret = crate::documents_attachments::draft(
        &app,
        &clerk,
        CreateDraftRequest {
            type_code: "BC".into(),
            subject: subject.into(),
            secrecy: 1,
            pages: 2,
            ..Default::default()
        },
    )
    .await;
    let notice = crate::documents_incoming::register(
        &app,
        &clerk,
        crate::documents_incoming::paper(7, "Về kế hoạch tổ chức hội nghị"),
    )
    .await;

    let file = export_documents(&app, &inspector, &hiephoa).await.expect("exported");
    assert_eq!(file.content_type, "application/json");
    assert!(file.file_name.ends_with(".json"), "{}", file.file_name);
    let out = verify_export(&app, &file.content);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let summary = String::from_utf8_lossy(&out.stdout);
    assert!(
        summary.contains("nguyên vẹn") && summary.contains("intact"),
        "{summary}"
    );
    let json: serde_json::Value = serde_json::from_slice(&file.content).expect("json");
    let records = json["export"]["records"].as_array().expect("records");
    assert_eq!(records.len(), 2, "{json}");
    assert_eq!(json["export"]["service"], "documents");
    assert_eq!(json["export"]["office_id"], hiephoa);
    let text = String::from_utf8_lossy(&file.content);
    assert!(!text.contains(subject), "the secret subject is hidden");
    assert!(text.contains(&notice.id) && text.contains(&secret.id));
    assert_eq!(records.iter().filter(|r| r["redacted"] == true).count(), 1);

    // One character changed: the file's signature no longer holds.
    let changed = text.replacen("hội nghị", "hội thảo", 1);
    assert_ne!(changed, text);
    let out = verify_export(&app, changed.as_bytes());
    assert_eq!(out.status.code(), Some(3));
    assert!(String::from_utf8_lossy(&out.stderr).contains("Chữ ký của tệp"));
    // A record left out fails too.
    let mut shorter = json.clone();
    shorter["export"]["records"].as_array_mut().expect("records").remove(0);
    let out = verify_export(&app, &serde_json::to_vec(&shorter).expect("json"));
    assert_eq!(out.status.code(), Some(3));
    assert!(String::from_utf8_lossy(&out.stderr).contains("không"));

    // The export is itself recorded; and a clerk may not export.
    let exports = DocumentsAuditClient::new(app.channel.clone())
        .list_audit_records(authed(
            ListAuditRecordsRequest {
                office_id: hiephoa.clone(),
                entity: "audit_export".into(),
                ..Default::default()
            },
            &inspector,
        ))
        .await
        .expect("records")
        .into_inner()
        .records;
    assert_eq!(exports.len(), 1);
    assert_eq!(exports[0].actor_user_id, app.user_id("tu", Role::Inspector).await);
    let e = export_documents(&app, &clerk, &hiephoa).await.expect_err("clerk");
    assert_eq!(e.code(), Code::PermissionDenied);

    // The directory's trail over REST; the file verifies with the key it
    // carries, whose id is printed.
    let (status, body, _) = app
        .rest(
            Method::GET,
            &format!("/api/v1/directory/audit/export?officeId={hiephoa}&from=2000-01-01&to=2099-12-31"),
            Some(&inspector),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    use base64::Engine;
    let content = base64::engine::general_purpose::STANDARD
        .decode(body["content"].as_str().expect("content"))
        .expect("base64");
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("directory.json");
    std::fs::write(&path, &content).expect("written");
    let out = crate::cli::run(
        &app.settings,
        &["audit", "verify-export", path.to_str().expect("utf-8")],
    );
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let key = audit_anchor::AuditKey::load_for_verifying(&app.settings.audit_key_file).expect("key");
    assert!(String::from_utf8_lossy(&out.stdout).contains(key.id()));

    // A period backwards is refused naming the field; a broken chain is
    // not exported.
    let (status, body, _) = app
        .rest(
            Method::GET,
            &format!("/api/v1/directory/audit/export?officeId={hiephoa}&from=2026-02-01&to=2026-01-01"),
            Some(&inspector),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert!(body.to_string().contains("\"to\""), "{body}");
    tamper(
        &app.db("documents").await,
        query("UPDATE audit_records SET action = 'delete' WHERE office_id = $1 AND seq = 1").bind(&hiephoa),
    )
    .await;
    let e = export_documents(&app, &inspector, &hiephoa).await.expect_err("broken");
    assert_eq!(e.code(), Code::FailedPrecondition);
    assert!(e.message().contains("không nguyên vẹn"), "{}", e.message());
}
