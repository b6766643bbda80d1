//! The front door: health, readiness, reflection, ids, OpenAPI, routing.

use std::collections::{BTreeMap, BTreeSet};
use std::net::SocketAddr;
use std::time::Duration;

use http::{Method, StatusCode};
use prost::Message;
use prost_reflect::DescriptorPool;
use tonic::Code;
use tonic::transport::Channel;
use tonic_health::pb::HealthCheckRequest;
use tonic_health::pb::health_check_response::ServingStatus;
use tonic_health::pb::health_client::HealthClient;
use tonic_reflection::pb::v1::server_reflection_request::MessageRequest;
use tonic_reflection::pb::v1::server_reflection_response::MessageResponse;
use tonic_reflection::pb::v1::{ServerReflectionRequest, ServerReflectionResponse};

use vanphong_platform::grpc_client::Addresses;

use crate::helpers::{spawn_app, spawn_lone_gateway};

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

/// Asks a server's reflection service (`version` "v1" or "v1alpha": the
/// messages are the same on the wire) one question.
async fn reflect(channel: &Channel, version: &str, question: MessageRequest) -> MessageResponse {
    let mut grpc = tonic::client::Grpc::new(channel.clone());
    grpc.ready().await.expect("ready");
    let path = format!("/grpc.reflection.{version}.ServerReflection/ServerReflectionInfo");
    let request = ServerReflectionRequest {
        host: String::new(),
        message_request: Some(question),
    };
    let codec = tonic_prost::ProstCodec::<ServerReflectionRequest, ServerReflectionResponse>::default();
    let mut answers = grpc
        .streaming(
            tonic::Request::new(tokio_stream::iter([request])),
            path.parse().expect("path"),
            codec,
        )
        .await
        .expect("reflection")
        .into_inner();
    let answer = answers.message().await.expect("answer").expect("one message");
    answer.message_response.expect("an answer")
}

/// The services a server's reflection lists.
async fn listed(channel: &Channel, version: &str) -> BTreeSet<String> {
    match reflect(channel, version, MessageRequest::ListServices(String::new())).await {
        MessageResponse::ListServicesResponse(list) => list.service.into_iter().map(|s| s.name).collect(),
        other => panic!("unexpected answer {other:?}"),
    }
}

/// Resolves `service` by reflection as grpcurl's `describe` does: the file
/// that defines it, then every file it imports, until its methods' messages
/// are all known.
async fn describe(channel: &Channel, version: &str, service: &str) -> prost_reflect::ServiceDescriptor {
    let mut files: BTreeMap<String, prost_types::FileDescriptorProto> = BTreeMap::new();
    let mut question = MessageRequest::FileContainingSymbol(service.to_string());
    loop {
        let MessageResponse::FileDescriptorResponse(found) = reflect(channel, version, question).await else {
            panic!("{service}: no file descriptor");
        };
        for bytes in found.file_descriptor_proto {
            let file = prost_types::FileDescriptorProto::decode(bytes.as_slice()).expect("a file descriptor");
            files.insert(file.name().to_string(), file);
        }
        let missing = files
            .values()
            .flat_map(|f| f.dependency.iter())
            .find(|d| !files.contains_key(*d))
            .cloned();
        match missing {
            Some(name) => question = MessageRequest::FileByFilename(name),
            None => break,
        }
    }
    let mut pool = DescriptorPool::new();
    pool.add_file_descriptor_protos(files.into_values())
        .unwrap_or_else(|e| panic!("{service}: {e}"));
    let found = pool
        .get_service_by_name(service)
        .unwrap_or_else(|| panic!("{service} is not in the files reflection gave"));
    assert!(found.methods().len() > 0, "{service} has no methods");
    found
}

/// Every `vanphong.*` service of the contracts.
fn suite_services() -> BTreeSet<String> {
    let pool = DescriptorPool::decode(vanphong_proto::FILE_DESCRIPTOR_SET).expect("descriptors");
    pool.services()
        .map(|s| s.full_name().to_string())
        .filter(|name| name.starts_with("vanphong."))
        .collect()
}

async fn channel_to(addr: SocketAddr) -> Channel {
    Channel::from_shared(format!("http://{addr}"))
        .expect("uri")
        .connect()
        .await
        .expect("connect")
}

#[tokio::test]
async fn reflection_at_the_front_door_lists_and_describes_every_service_it_forwards() {
    let app = spawn_app().await;
    let all = suite_services();
    assert!(all.len() > 30, "{all:?}");
    for version in ["v1", "v1alpha"] {
        let names = listed(&app.channel, version).await;
        let missing: Vec<&String> = all.difference(&names).collect();
        assert!(missing.is_empty(), "{version}: {missing:?} not listed by the gateway");
        assert!(names.contains("grpc.health.v1.Health"), "{version}: {names:?}");
        for (backend, addr) in &app.backends {
            let own = listed(&channel_to(*addr).await, version).await;
            let missing: Vec<&String> = own.difference(&names).collect();
            assert!(
                missing.is_empty(),
                "{version}: {backend} serves {missing:?}, not listed"
            );
        }
        for service in &all {
            describe(&app.channel, version, service).await;
        }
    }
}

async fn check(channel: &Channel, service: &str) -> Result<i32, Code> {
    HealthClient::new(channel.clone())
        .check(HealthCheckRequest {
            service: service.into(),
        })
        .await
        .map(|r| r.into_inner().status)
        .map_err(|e| e.code())
}

#[tokio::test]
async fn health_at_the_front_door_answers_for_each_backend_service_from_the_backend() {
    let app = spawn_app().await;
    let pool = DescriptorPool::decode(vanphong_proto::FILE_DESCRIPTOR_SET).expect("descriptors");
    for service in suite_services() {
        assert_eq!(
            check(&app.channel, &service).await,
            Ok(ServingStatus::Serving as i32),
            "{service}"
        );
    }
    assert_eq!(
        check(&app.channel, "vanphong.documents.v1.NoSuchService").await,
        Err(Code::NotFound)
    );

    // A gateway whose documents service answers and whose finance service
    // is gone: each name gets its own backend's state.
    let gone = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port");
    let gateway = spawn_lone_gateway(|options| {
        options.documents_url = Some(Addresses::from(app.backend("documents")));
        options.finance_url = Some(Addresses::from(gone));
    })
    .await;
    let channel = channel_to(gateway.addr).await;
    let of = |package: &str| -> Vec<String> {
        pool.services()
            .filter(|s| s.package_name() == package)
            .map(|s| s.full_name().to_string())
            .collect()
    };
    for service in of("vanphong.documents.v1") {
        assert_eq!(
            check(&channel, &service).await,
            Ok(ServingStatus::Serving as i32),
            "{service}"
        );
    }
    for service in of("vanphong.finance.v1") {
        assert_eq!(
            check(&channel, &service).await,
            Ok(ServingStatus::NotServing as i32),
            "{service}"
        );
    }
    assert_eq!(
        check(&channel, "vanphong.directory.v1.UserService").await,
        Ok(ServingStatus::Serving as i32)
    );

    // Watch tells the same, and goes on.
    for (service, expected) in [
        ("vanphong.documents.v1.IncomingService", ServingStatus::Serving),
        ("vanphong.finance.v1.LedgerService", ServingStatus::NotServing),
    ] {
        let mut updates = HealthClient::new(channel.clone())
            .watch(HealthCheckRequest {
                service: service.into(),
            })
            .await
            .expect("watch")
            .into_inner();
        let first = tokio::time::timeout(Duration::from_secs(10), updates.message())
            .await
            .expect("an update in time")
            .expect("an update")
            .expect("not ended");
        assert_eq!(first.status, expected as i32, "{service}");
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
