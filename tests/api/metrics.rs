//! Metrics at `/metrics`: after some calls, the gateway's page (the
//! all-in-one process, so every server's series) holds each call's counter
//! and latency buckets under its server, service, method and status code,
//! and REST requests under their route template.

use http::{Method, StatusCode};
use uuid::Uuid;

use vanphong_platform::identity::Role;
use vanphong_proto::documents::v1::GetDocumentRequest;
use vanphong_proto::documents::v1::document_query_service_client::DocumentQueryServiceClient;

use crate::helpers::{TestApp, authed, spawn_app};

/// The page, and its content type.
async fn scrape(app: &TestApp) -> (String, String) {
    let (status, body, headers) = app.rest(Method::GET, "/metrics", None, None).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let content_type = headers
        .get(http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    (body.as_str().unwrap_or_default().to_string(), content_type)
}

/// The value of the sample `name{labels}`, 0 when absent (series appear
/// with their first observation).
fn sample(page: &str, name: &str, labels: &str) -> f64 {
    let prefix = format!("{name}{{{labels}}} ");
    page.lines()
        .find_map(|line| line.strip_prefix(prefix.as_str()))
        .map(|v| v.parse().expect("a number"))
        .unwrap_or(0.0)
}

fn rpc_labels(server: &str, code: i32) -> String {
    format!(
        r#"rpc_grpc_status_code="{code}",rpc_method="GetDocument",rpc_service="vanphong.documents.v1.DocumentQueryService",rpc_system="grpc",server="{server}""#
    )
}

#[tokio::test]
async fn calls_are_counted_and_timed_by_method_and_status() {
    let app = spawn_app().await;
    let clerk = app.token("hiephoa", Role::Clerk).await;
    let (before, content_type) = scrape(&app).await;
    assert!(content_type.starts_with("text/plain; version=0.0.4"), "{content_type}");

    // Two gRPC calls for a document that does not exist: NOT_FOUND (5),
    // answered by documents and forwarded by the gateway.
    let mut documents = DocumentQueryServiceClient::new(app.channel.clone());
    for _ in 0..2 {
        let e = documents
            .get_document(authed(
                GetDocumentRequest {
                    document_id: Uuid::now_v7().to_string(),
                },
                &clerk,
            ))
            .await
            .expect_err("no such document");
        assert_eq!(e.code(), tonic::Code::NotFound, "{e:?}");
    }
    // And one REST request for it.
    let (status, _, _) = app
        .rest(
            Method::GET,
            &format!("/api/v1/documents/{}", Uuid::now_v7()),
            Some(&clerk),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    let (after, _) = scrape(&app).await;
    assert!(after.contains("# TYPE rpc_server_calls_total counter\n"), "{after}");
    assert!(
        after.contains("# TYPE rpc_server_call_duration_seconds histogram\n"),
        "{after}"
    );
    for server in ["documents", "gateway"] {
        let labels = rpc_labels(server, 5);
        let calls =
            sample(&after, "rpc_server_calls_total", &labels) - sample(&before, "rpc_server_calls_total", &labels);
        // The REST request also reaches documents as a gRPC call.
        let expected = if server == "documents" { 3.0 } else { 2.0 };
        assert!(calls >= expected, "{server}: {calls} calls counted\n{after}");
        let all = sample(
            &after,
            "rpc_server_call_duration_seconds_bucket",
            &format!(r#"{labels},le="+Inf""#),
        );
        let within_30s = sample(
            &after,
            "rpc_server_call_duration_seconds_bucket",
            &format!(r#"{labels},le="30""#),
        );
        let count = sample(&after, "rpc_server_call_duration_seconds_count", &labels);
        assert!(
            all >= expected && within_30s == all && count == all,
            "{server}\n{after}"
        );
    }

    let rest =
        r#"http_request_method="GET",http_response_status_code="404",http_route="/api/v1/documents/{document_id}""#;
    assert!(
        sample(&after, "http_server_requests_total", rest) - sample(&before, "http_server_requests_total", rest) >= 1.0,
        "{after}"
    );
    assert!(
        sample(
            &after,
            "http_server_request_duration_seconds_bucket",
            &format!(r#"{rest},le="+Inf""#)
        ) >= 1.0,
        "{after}"
    );
    assert!(
        after.contains(r#"http_route="/metrics""#),
        "the first scrape is counted too"
    );
}
