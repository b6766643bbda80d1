//! The petitions service through the gateway: intake, duplicates, the
//! flow, deadlines, protected identity, backlog, figures, receptions and
//! exports.

mod backlog;
mod deadlines;
mod duplicates;
mod figures;
mod flow;
mod identity;
mod intake;
mod listing;
mod preview;
pub(crate) mod support;

use vanphong_platform::identity::Role;
use vanphong_proto::common::v1::VerifyAuditRequest;
use vanphong_proto::petitions::v1::audit_service_client::AuditServiceClient;

use crate::helpers::{authed, spawn_app};

#[tokio::test]
async fn the_gateway_reaches_the_petitions_service() {
    let app = spawn_app().await;
    let inspector = app.token("tu", Role::Inspector).await;
    let report = AuditServiceClient::new(app.channel.clone())
        .verify_audit(authed(VerifyAuditRequest::default(), &inspector))
        .await
        .expect("verified through the gateway")
        .into_inner();
    assert!(report.intact);
    let (status, body, _) = app
        .rest(
            http::Method::POST,
            "/api/v1/petitions/audit/verify",
            Some(&inspector),
            Some(serde_json::json!({})),
        )
        .await;
    assert_eq!(status, http::StatusCode::OK, "{body}");
}
