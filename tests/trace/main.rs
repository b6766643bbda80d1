//! Traces and metrics across processes: the gateway, petitions and
//! documents run as separate `vanphong serve <server>` processes exporting
//! by OTLP to a receiver in this test. One REST request (a petition
//! transferred to another body, for which petitions asks documents for the
//! transfer slip) must come back as one trace: gateway → petitions →
//! documents → SQL, each hop the child of the one before. The same calls
//! must appear in the metrics pushed by OTLP and on a process's own
//! `/metrics` listener.
//!
//! Telemetry is process-wide, hence processes rather than the in-process
//! suite of `tests/api`. SQLite in a temporary folder, or PostgreSQL in
//! schemas of their own when `VANPHONG_TEST_DATABASE_URL` is set.

// Test code: a failed unwrap is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod collector;
mod processes;

use std::collections::HashSet;
use std::future::Future;
use std::time::Duration;

use bytes::Bytes;
use http::{HeaderMap, Method, StatusCode};
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use tonic_health::pb::HealthCheckRequest;
use tonic_health::pb::health_check_response::ServingStatus;
use tonic_health::pb::health_client::HealthClient;

use vanphong_platform::identity::{Clearance, Role};
use vanphong_proto::directory::v1::auth_service_client::AuthServiceClient;
use vanphong_proto::directory::v1::user_service_client::UserServiceClient;
use vanphong_proto::directory::v1::{CreateUserRequest, SignInRequest};
use vanphong_proto::petitions::v1::petition_service_client::PetitionServiceClient;
use vanphong_proto::petitions::v1::{CreatePetitionRequest, IntakeChannel, PetitionKind, Petitioner};

use collector::{Collector, SpanRecord};
use processes::{Storage, Wiring, free_addr, logs, spawn};

const SERVER: i32 = 2;
const PASSWORD: &str = "Mat-khau@2026";

/// Polls `probe` every 100 ms until it gives a value or `limit` passes.
async fn eventually<T, F: Future<Output = Option<T>>>(limit: Duration, mut probe: impl FnMut() -> F) -> Option<T> {
    let deadline = tokio::time::Instant::now() + limit;
    loop {
        if let Some(found) = probe().await {
            return Some(found);
        }
        if tokio::time::Instant::now() >= deadline {
            return None;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// A plain HTTP request; the status, headers and body text.
async fn http(
    method: Method,
    url: &str,
    token: Option<&str>,
    body: Option<serde_json::Value>,
) -> Result<(StatusCode, HeaderMap, String), String> {
    let client: Client<_, Full<Bytes>> = Client::builder(TokioExecutor::new()).build_http();
    let mut request = http::Request::builder()
        .method(method)
        .uri(url)
        .header("content-type", "application/json");
    if let Some(token) = token {
        request = request.header("authorization", format!("Bearer {token}"));
    }
    let body = body.map(|b| Bytes::from(b.to_string())).unwrap_or_default();
    let request = request.body(Full::new(body)).map_err(|e| e.to_string())?;
    let response = client.request(request).await.map_err(|e| e.to_string())?;
    let status = response.status();
    let headers = response.headers().clone();
    let bytes = response
        .into_body()
        .collect()
        .await
        .map_err(|e| e.to_string())?
        .to_bytes();
    Ok((status, headers, String::from_utf8_lossy(&bytes).into_owned()))
}

async fn serving(addr: std::net::SocketAddr) -> bool {
    let Ok(channel) = tonic::transport::Endpoint::from_shared(format!("http://{addr}"))
        .expect("uri")
        .connect()
        .await
    else {
        return false;
    };
    HealthClient::new(channel)
        .check(HealthCheckRequest { service: String::new() })
        .await
        .is_ok_and(|r| r.into_inner().status == ServingStatus::Serving as i32)
}

async fn gateway_channel(gateway: std::net::SocketAddr) -> tonic::transport::Channel {
    tonic::transport::Endpoint::from_shared(format!("http://{gateway}"))
        .expect("uri")
        .connect()
        .await
        .expect("gateway")
}

/// An access token, and the office of the one signed in.
async fn sign_in(gateway: std::net::SocketAddr, username: &str, password: &str) -> (String, String) {
    let signed_in = AuthServiceClient::new(gateway_channel(gateway).await)
        .sign_in(SignInRequest {
            username: username.into(),
            password: password.into(),
        })
        .await
        .expect("signed in")
        .into_inner();
    let office = signed_in.principal.map(|p| p.office_id).unwrap_or_default();
    (signed_in.access_token, office)
}

/// A new user of `office` with `role`, signed in.
async fn person(gateway: std::net::SocketAddr, admin: &str, office: &str, username: &str, role: Role) -> String {
    UserServiceClient::new(gateway_channel(gateway).await)
        .create_user(authed(
            CreateUserRequest {
                request_id: format!("trace-user-{username}"),
                username: username.into(),
                full_name: "Nguyễn Thị Lan".into(),
                office_id: office.into(),
                roles: vec![role.to_wire()],
                clearance: Clearance::None.to_wire(),
                password: PASSWORD.into(),
            },
            admin,
        ))
        .await
        .expect("user created");
    sign_in(gateway, username, PASSWORD).await.0
}

fn authed<T>(message: T, token: &str) -> tonic::Request<T> {
    let mut request = tonic::Request::new(message);
    request
        .metadata_mut()
        .insert("authorization", format!("Bearer {token}").parse().expect("header"));
    request
}

/// The spans of `trace_id` once they show the whole path, else `None`.
fn whole_path(spans: &[SpanRecord], trace_id: &str) -> Option<Vec<SpanRecord>> {
    let trace: Vec<SpanRecord> = spans.iter().filter(|s| s.trace_id == trace_id).cloned().collect();
    let ids_of = |service: &str| -> HashSet<String> {
        trace
            .iter()
            .filter(|s| s.service == service)
            .map(|s| s.span_id.clone())
            .collect()
    };
    let gateway = ids_of("vanphong-gateway");
    let petitions = ids_of("vanphong-petitions");
    let documents = ids_of("vanphong-documents");
    let served_under = |service: &str, parents: &HashSet<String>| {
        trace
            .iter()
            .any(|s| s.service == service && s.kind == SERVER && parents.contains(&s.parent_span_id))
    };
    let sql_under = |service: &str, parents: &HashSet<String>| {
        trace.iter().any(|s| {
            s.service == service && s.attribute("db.system.name").is_some() && parents.contains(&s.parent_span_id)
        })
    };
    (served_under("vanphong-petitions", &gateway)
        && served_under("vanphong-documents", &petitions)
        && sql_under("vanphong-documents", &documents)
        && sql_under("vanphong-petitions", &petitions))
    .then_some(trace)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_request_is_one_trace_across_gateway_petitions_documents_and_sql() {
    let collector = Collector::start().await;
    let data = tempfile::tempdir().expect("tempdir");
    let database_url = std::env::var("VANPHONG_TEST_DATABASE_URL")
        .ok()
        .filter(|u| !u.is_empty());
    let unique = uuid::Uuid::now_v7().simple().to_string();
    let storage = Storage {
        data: data.path().to_path_buf(),
        database_url,
        schema_prefix: format!("t{}_", &unique[unique.len() - 12..]),
    };
    let wiring = Wiring {
        gateway: free_addr(),
        documents: free_addr(),
        petitions: free_addr(),
        collector: collector.addr,
        admin_password: "Quan-tri@2026".into(),
    };
    let documents_metrics = free_addr();
    // The gateway first: it creates the signing key whose public half the
    // services (sharing its data folder) verify tokens with.
    let mut gateway = spawn("gateway", wiring.gateway, &storage, &wiring, &[]);
    let up = eventually(Duration::from_secs(60), || {
        let exited = gateway.has_exited();
        async move {
            if exited {
                return Some(false);
            }
            let healthz = format!("http://{}/healthz", wiring.gateway);
            let live = http(Method::GET, &healthz, None, None).await;
            live.is_ok_and(|(status, _, _)| status == StatusCode::OK)
                .then_some(true)
        }
    })
    .await;
    assert_eq!(up, Some(true), "the gateway did not start\n{}", gateway.log());
    let mut documents = spawn(
        "documents",
        wiring.documents,
        &storage,
        &wiring,
        &[("VANPHONG_METRICS_LISTEN", documents_metrics.to_string())],
    );
    let mut petitions = spawn("petitions", wiring.petitions, &storage, &wiring, &[]);

    let ready = eventually(Duration::from_secs(60), || {
        let exited = documents.has_exited() || petitions.has_exited();
        async move {
            if exited {
                return Some(false);
            }
            let readyz = format!("http://{}/readyz", wiring.gateway);
            let gateway_ready = http(Method::GET, &readyz, None, None)
                .await
                .is_ok_and(|(status, _, _)| status == StatusCode::OK);
            (gateway_ready && serving(wiring.documents).await && serving(wiring.petitions).await).then_some(true)
        }
    })
    .await;
    let all = [&gateway, &documents, &petitions];
    assert_eq!(ready, Some(true), "the servers did not become ready\n{}", logs(&all));

    // A clerk and a petition officer of the root office, made by the first
    // admin through the gateway like any client; the clerk takes a
    // complaint in.
    let today = vanphong_platform::clock::local_date(chrono::Utc::now());
    let (admin, office) = sign_in(wiring.gateway, "admin", &wiring.admin_password).await;
    let clerk = person(wiring.gateway, &admin, &office, "vanthu", Role::Clerk).await;
    let officer = person(wiring.gateway, &admin, &office, "tiepdan", Role::PetitionOfficer).await;
    let petition = PetitionServiceClient::new(gateway_channel(wiring.gateway).await)
        .create_petition(authed(
            CreatePetitionRequest {
                request_id: format!("trace-{unique}"),
                channel: IntakeChannel::Mail as i32,
                received_on: today.format("%Y-%m-%d").to_string(),
                kind: PetitionKind::Complaint as i32,
                subject_area_code: "DD".into(),
                content: "Kiến nghị sửa chữa đường liên thôn bị sạt lở".into(),
                petitioners: vec![Petitioner {
                    full_name: "Nguyễn Văn An".into(),
                    address: "Thôn Đông Lỗ, xã Đông Lỗ, huyện Hiệp Hòa".into(),
                    ..Default::default()
                }],
                ..Default::default()
            },
            &clerk,
        ))
        .await
        .unwrap_or_else(|e| panic!("petition taken in: {e:?}\n{}", logs(&all)))
        .into_inner()
        .petition
        .expect("petition");

    // The request under test: REST to the gateway, gRPC to petitions, which
    // asks documents for the transfer slip.
    let (status, headers, body) = http(
        Method::POST,
        &format!("http://{}/api/v1/petitions/{}/classify", wiring.gateway, petition.id),
        Some(&officer),
        Some(serde_json::json!({
            "outcome": "CLASSIFICATION_OUTCOME_TRANSFER",
            "transferTo": "Ủy ban nhân dân huyện Hiệp Hòa",
            "note": "Thuộc thẩm quyền giải quyết của chính quyền",
            "competentAuthority": "COMPETENT_AUTHORITY_ADMINISTRATIVE",
        })),
    )
    .await
    .expect("answer");
    assert_eq!(status, StatusCode::OK, "{body}\n{}", logs(&all));
    assert!(body.contains("slipDocumentId"), "{body}");
    let trace_id = headers
        .get("x-trace-id")
        .and_then(|v| v.to_str().ok())
        .expect("x-trace-id")
        .to_string();

    let trace = eventually(Duration::from_secs(30), || async {
        collector.with(|r| whole_path(&r.spans, &trace_id))
    })
    .await;
    let Some(trace) = trace else {
        let spans = collector.with(|r| {
            r.spans
                .iter()
                .filter(|s| s.trace_id == trace_id)
                .map(|s| {
                    format!(
                        "{} {} {} <- {} {:?}",
                        s.service, s.name, s.span_id, s.parent_span_id, s.attributes
                    )
                })
                .collect::<Vec<_>>()
                .join("\n")
        });
        panic!("trace {trace_id} incomplete; received:\n{spans}\n{}", logs(&all));
    };
    let services: HashSet<&str> = trace.iter().map(|s| s.service.as_str()).collect();
    assert_eq!(
        services,
        HashSet::from(["vanphong-gateway", "vanphong-petitions", "vanphong-documents"])
    );
    let root = trace.iter().find(|s| s.parent_span_id.is_empty()).expect("a root span");
    assert_eq!(root.service, "vanphong-gateway");
    assert_eq!(root.name, format!("/api/v1/petitions/{}/classify", petition.id));
    let sql = trace
        .iter()
        .find(|s| s.service == "vanphong-documents" && s.attribute("db.operation.name") == Some("INSERT"))
        .expect("the slip is inserted under the documents call");
    assert!(
        sql.attribute("db.query.text").is_some_and(|q| q.contains("INSERT")),
        "{sql:?}"
    );

    // Metrics: pushed by OTLP with the call's labels...
    let pushed = eventually(Duration::from_secs(30), || async {
        collector.with(|r| {
            r.points
                .iter()
                .any(|p| {
                    let has = |k: &str, v: &str| p.attributes.iter().any(|(pk, pv)| pk == k && pv == v);
                    p.service == "vanphong-documents"
                        && p.metric == "rpc.server.calls"
                        && has("rpc.method", "CreateDraft")
                        && has("rpc.grpc.status_code", "0")
                        && has("server", "documents")
                })
                .then_some(())
        })
    })
    .await;
    assert!(
        pushed.is_some(),
        "no rpc.server.calls for CreateDraft pushed by documents"
    );

    // ...and on the documents process's own metrics listener.
    let (status, headers, page) = http(Method::GET, &format!("http://{documents_metrics}/metrics"), None, None)
        .await
        .expect("metrics page");
    assert_eq!(status, StatusCode::OK);
    assert!(
        headers
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|ct| ct.starts_with("text/plain; version=0.0.4")),
        "{headers:?}"
    );
    let labels = r#"rpc_grpc_status_code="0",rpc_method="CreateDraft",rpc_service="vanphong.documents.v1.OutgoingService",rpc_system="grpc",server="documents""#;
    assert!(
        page.contains(&format!("rpc_server_calls_total{{{labels}}} 1\n")),
        "{page}"
    );
    assert!(
        page.contains(&format!(
            "rpc_server_call_duration_seconds_bucket{{{labels},le=\"+Inf\"}} 1\n"
        )),
        "{page}"
    );
    assert!(page.contains(r#"service_name="vanphong-documents""#), "{page}");
}
