//! The reporting service through the gateway: periods and deadlines,
//! roll-up along the tree, the approval flow up to the parent office,
//! completeness, exports, and what happens when a source service is silent.

mod completeness;
mod exports;
mod flow;
mod listing;
mod periods;
mod rollup;
pub(crate) mod support;
mod unavailable;

use vanphong_platform::identity::Role;
use vanphong_proto::common::v1::VerifyAuditRequest;
use vanphong_proto::reporting::v1::audit_service_client::AuditServiceClient;

use crate::helpers::{authed, spawn_app};

#[tokio::test]
async fn the_gateway_reaches_the_reporting_service() {
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
            "/api/v1/reports/audit/verify",
            Some(&inspector),
            Some(serde_json::json!({})),
        )
        .await;
    assert_eq!(status, http::StatusCode::OK, "{body}");
}
