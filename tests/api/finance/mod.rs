//! The finance service through the gateway: estimates and allocation down
//! the tree, spending under concurrency, the ledger, periods, dues,
//! figures, exports and tenancy — on gRPC and REST.

mod budget;
pub(crate) mod dues;
mod ledger;
mod periods;
mod reporting;
mod spending;
pub(crate) mod support;
mod tenancy;

use vanphong_platform::identity::Role;
use vanphong_proto::common::v1::VerifyAuditRequest;
use vanphong_proto::finance::v1::audit_service_client::AuditServiceClient;

use crate::helpers::{authed, spawn_app};

#[tokio::test]
async fn the_gateway_reaches_the_finance_service() {
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
            "/api/v1/finance/audit/verify",
            Some(&inspector),
            Some(serde_json::json!({})),
        )
        .await;
    assert_eq!(status, http::StatusCode::OK, "{body}");
}
