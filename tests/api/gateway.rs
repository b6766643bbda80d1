//! The front door: health, readiness, reflection, ids, OpenAPI, routing.

use http::{Method, StatusCode};
use prost_reflect::DescriptorPool;
use tonic::Code;
use tonic_health::pb::HealthCheckRequest;
use tonic_health::pb::health_check_response::ServingStatus;
use tonic_health::pb::health_client::HealthClient;
use tonic_reflection::pb::v1::ServerReflectionRequest;
use tonic_reflection::pb::v1::server_reflection_client::ServerReflectionClient;
use tonic_reflection::pb::v1::server_reflection_request::MessageRequest;
use tonic_reflection::pb::v1::server_reflection_response::MessageResponse;

use crate::helpers::spawn_app;

#[tokio::test]
async fn health_and_readiness_answer() {
    let app = spawn_app().await;
    let (status, body, _) = app.rest(Method::GET, "/healthz", None, None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["status"], "ok");
    let (status, body, _) = app.rest(Method::GET, "/readyz", None, None).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["checks"]["directory"], "serving");

    let mut health = HealthClient::new(app.channel.clone());
    for service in [
        "",
        vanphong_platform::server::LIVENESS,
        "vanphong.directory.v1.AuthService",
        "vanphong.directory.v1.OfficeService",
    ] {
        let answer = health
            .check(HealthCheckRequest {
                service: service.into(),
            })
            .await
            .expect("health")
            .into_inner();
        assert_eq!(answer.status, ServingStatus::Serving as i32, "{service}");
    }
}

#[tokio::test]
async fn reflection_lists_the_directory_services_and_health() {
    let app = spawn_app().await;
    let mut reflection = ServerReflectionClient::new(app.channel.clone());
    let request = ServerReflectionRequest {
        host: String::new(),
        message_request: Some(MessageRequest::ListServices(String::new())),
    };
    let mut responses = reflection
        .server_reflection_info(tokio_stream::iter([request]))
        .await
        .expect("reflection")
        .into_inner();
    let response = responses.message().await.expect("answer").expect("one message");
    let Some(MessageResponse::ListServicesResponse(list)) = response.message_response else {
        panic!("unexpected answer {response:?}");
    };
    let names: Vec<String> = list.service.into_iter().map(|s| s.name).collect();
    for expected in [
        "vanphong.directory.v1.AuthService",
        "vanphong.directory.v1.OfficeService",
        "vanphong.directory.v1.UserService",
        "vanphong.directory.v1.ServiceAccountService",
        "vanphong.directory.v1.SyncService",
        "vanphong.directory.v1.AuditService",
        "grpc.health.v1.Health",
    ] {
        assert!(names.iter().any(|n| n == expected), "{expected} missing from {names:?}");
    }
}

#[tokio::test]
async fn every_response_carries_request_and_trace_ids() {
    let app = spawn_app().await;
    let trace = "4bf92f3577b34da6a3ce929d0e0e4736";
    let (_, _, headers) = app
        .rest_with_headers(
            Method::GET,
            "/healthz",
            None,
            None,
            &[
                ("x-request-id", "yeu-cau-123"),
                ("traceparent", &format!("00-{trace}-00f067aa0ba902b7-01")),
            ],
        )
        .await;
    assert_eq!(headers["x-request-id"], "yeu-cau-123");
    assert_eq!(headers["x-trace-id"], trace, "the caller's trace is continued");
    let (_, _, headers) = app.rest(Method::GET, "/api/v1/directory/tree", None, None).await;
    assert_eq!(headers["x-trace-id"].len(), 32);
    assert!(!headers["x-request-id"].is_empty());
}

#[tokio::test]
async fn openapi_documents_every_rest_route() {
    let app = spawn_app().await;
    let (status, doc, _) = app.rest(Method::GET, "/openapi.json", None, None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(doc["openapi"], "3.0.3");
    let pool = DescriptorPool::decode(vanphong_proto::FILE_DESCRIPTOR_SET).expect("descriptors");
    let routes = vanphong_gateway::rest::routes::routes(&pool).expect("routes");
    assert!(routes.len() >= 24, "{}", routes.len());
    for route in &routes {
        let operation = &doc["paths"][&route.template][route.http_method.as_str().to_lowercase()];
        assert!(
            operation.is_object(),
            "{} {} is not documented",
            route.http_method,
            route.template
        );
        // And the route answers (never 404/405) — without a token, 401 or 400.
        let path = route.template.replace(['{', '}'], "");
        let (status, _, _) = app.rest(route.http_method.clone(), &path, None, None).await;
        assert!(
            ![
                StatusCode::NOT_FOUND,
                StatusCode::METHOD_NOT_ALLOWED,
                StatusCode::INTERNAL_SERVER_ERROR
            ]
            .contains(&status),
            "{} {} answered {status}",
            route.http_method,
            route.template
        );
    }
    for path in ["/healthz", "/readyz", "/openapi.json"] {
        assert!(doc["paths"][path]["get"].is_object(), "{path}");
    }
    let schema = &doc["components"]["schemas"]["vanphong.directory.v1.Office"];
    assert_eq!(schema["properties"]["issuerCode"]["type"], "string");
}

#[tokio::test]
async fn unknown_routes_and_services_get_clear_answers() {
    let app = spawn_app().await;
    let (status, body, _) = app.rest(Method::GET, "/api/v1/khong-co", None, None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(body["error"]["status"], "NOT_FOUND");
    let (status, _, _) = app.rest(Method::DELETE, "/api/v1/auth/sign-in", None, None).await;
    assert_eq!(status, StatusCode::METHOD_NOT_ALLOWED);

    // A gRPC call for a service this deployment does not run.
    let mut grpc = tonic::client::Grpc::new(app.channel.clone());
    grpc.ready().await.expect("ready");
    let path = http::uri::PathAndQuery::from_static("/vanphong.nothing.v1.NoService/Nothing");
    let e = grpc
        .unary::<(), (), _>(tonic::Request::new(()), path, tonic_prost::ProstCodec::default())
        .await
        .expect_err("unimplemented");
    assert_eq!(e.code(), Code::Unimplemented);
}
