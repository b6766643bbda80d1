//! Deadlines: a call whose deadline passes is answered `DEADLINE_EXCEEDED`
//! (REST 504), never `CANCELLED` or `UNAVAILABLE`, by the gateway, by a
//! backend service reached directly, and by the gateway's own time limit.
//!
//! The calls are made as a third-party client makes them: the deadline is
//! only the `grpc-timeout` header (no timer of the client's own that could
//! answer first), and the request body is held open, so that nothing but
//! the deadline can end the call.

use std::convert::Infallible;
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use bytes::Bytes;
use http::{HeaderMap, Method, StatusCode};
use http_body::Frame;
use http_body_util::{BodyExt, StreamBody};
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use tokio::net::TcpListener;
use tokio_stream::wrappers::ReceiverStream;
use uuid::Uuid;

use vanphong_platform::identity::Role;

use crate::helpers::{spawn_app, spawn_lone_gateway};

/// What came back for a call, and how long it took.
struct Answer {
    status: StatusCode,
    headers: HeaderMap,
    body: Bytes,
    trailers: Option<HeaderMap>,
    elapsed: Duration,
}

impl Answer {
    /// The gRPC status, from the headers (a trailers-only answer) or the
    /// trailers.
    fn grpc_status(&self) -> tonic::Status {
        tonic::Status::from_header_map(&self.headers)
            .or_else(|| self.trailers.as_ref().and_then(tonic::Status::from_header_map))
            .unwrap_or_else(|| panic!("no grpc-status in {:?} / {:?}", self.headers, self.trailers))
    }

    fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|_| panic!("not JSON: {:?}", self.body))
    }
}

type HeldBody = StreamBody<ReceiverStream<Result<Frame<Bytes>, Infallible>>>;

/// Sends a request whose body never comes (it is held open until the
/// answer arrives): over HTTP/2 for gRPC, HTTP/1.1 for REST.
async fn held_open(addr: SocketAddr, method: Method, path: &str, headers: &[(&str, &str)], grpc: bool) -> Answer {
    let mut builder = Client::builder(TokioExecutor::new());
    builder.http2_only(grpc);
    let client: Client<_, HeldBody> = builder.build_http();
    let (sender, receiver) = tokio::sync::mpsc::channel(1);
    let mut request = http::Request::builder()
        .method(method)
        .uri(format!("http://{addr}{path}"))
        .header(
            "content-type",
            if grpc { "application/grpc" } else { "application/json" },
        );
    if grpc {
        request = request.header("te", "trailers");
    }
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let request = request
        .body(StreamBody::new(ReceiverStream::new(receiver)))
        .expect("request");
    let started = Instant::now();
    let answer = tokio::time::timeout(Duration::from_secs(20), async {
        let response = client.request(request).await.expect("response");
        let status = response.status();
        let headers = response.headers().clone();
        let collected = response.into_body().collect().await.expect("body");
        let trailers = collected.trailers().cloned();
        (status, headers, collected.to_bytes(), trailers)
    })
    .await
    .unwrap_or_else(|_| panic!("{path}: no answer within 20 s"));
    drop(sender);
    Answer {
        status: answer.0,
        headers: answer.1,
        body: answer.2,
        trailers: answer.3,
        elapsed: started.elapsed(),
    }
}

/// A gRPC call to `path` at `addr` with a deadline of `millis` ms.
async fn grpc_with_deadline(addr: SocketAddr, path: &str, token: &str, millis: u64) -> Answer {
    let bearer = format!("Bearer {token}");
    let timeout = format!("{millis}m");
    held_open(
        addr,
        Method::POST,
        path,
        &[("authorization", &bearer), ("grpc-timeout", &timeout)],
        true,
    )
    .await
}

fn assert_deadline_exceeded(answer: &Answer, what: &str) {
    let status = answer.grpc_status();
    assert_eq!(status.code(), tonic::Code::DeadlineExceeded, "{what}: {status:?}");
    assert!(
        answer.elapsed < Duration::from_secs(5),
        "{what}: answered after {:?}, not at its deadline",
        answer.elapsed
    );
}

fn assert_gateway_timeout(answer: &Answer, what: &str) {
    assert_eq!(answer.status, StatusCode::GATEWAY_TIMEOUT, "{what}: {:?}", answer.body);
    let body = answer.json();
    assert_eq!(body["error"]["status"], "DEADLINE_EXCEEDED", "{what}: {body}");
    assert_eq!(body["error"]["code"], 504, "{what}: {body}");
}

const GET_DOCUMENT: &str = "/vanphong.documents.v1.DocumentQueryService/GetDocument";
const GET_USER: &str = "/vanphong.directory.v1.UserService/GetUser";
const LIST_PETITIONS: &str = "/vanphong.petitions.v1.PetitionService/ListPetitions";

#[tokio::test]
async fn grpc_calls_past_their_deadline_get_deadline_exceeded_from_the_gateway_and_every_service() {
    let app = spawn_app().await;
    let token = app.token("hiephoa", Role::Clerk).await;
    for millis in [1, 5, 20] {
        for (what, addr, path) in [
            ("forwarded by the gateway", app.addr, GET_DOCUMENT),
            ("served by the gateway", app.addr, GET_USER),
            ("documents directly", app.backend("documents"), GET_DOCUMENT),
            ("petitions directly", app.backend("petitions"), LIST_PETITIONS),
        ] {
            let answer = grpc_with_deadline(addr, path, &token, millis).await;
            assert_deadline_exceeded(&answer, &format!("{what}, {millis} ms"));
        }
    }
}

#[tokio::test]
async fn rest_honours_a_grpc_timeout_header_and_answers_504() {
    let app = spawn_app().await;
    let token = app.token("hiephoa", Role::Clerk).await;
    let bearer = format!("Bearer {token}");
    for millis in [1, 5, 20] {
        let timeout = format!("{millis}m");
        for path in ["/api/v1/documents/incoming", "/api/v1/auth/sign-in"] {
            let answer = held_open(
                app.addr,
                Method::POST,
                path,
                &[("authorization", &bearer), ("grpc-timeout", &timeout)],
                false,
            )
            .await;
            assert_gateway_timeout(&answer, &format!("{path}, {millis} ms"));
        }
    }
    // A GET that reaches a backend in time still answers as usual.
    let (status, _, _) = app
        .rest_with_headers(
            Method::GET,
            &format!("/api/v1/documents/{}", Uuid::now_v7()),
            Some(&token),
            None,
            &[("grpc-timeout", "10S")],
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

/// A backend that accepts connections and never says a word.
async fn black_hole() -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((socket, _)) = listener.accept().await {
            held.push(socket);
        }
    });
    addr
}

#[tokio::test]
async fn the_gateways_own_time_limit_and_a_silent_backend_give_deadline_exceeded() {
    let silent = black_hole().await;
    let gateway = spawn_lone_gateway(|options| {
        options.request_timeout_secs = Some(1);
        options.documents_url = Some(format!("http://{silent}").parse().expect("address"));
    })
    .await;
    let app_token = {
        let mut auth = vanphong_proto::directory::v1::auth_service_client::AuthServiceClient::connect(format!(
            "http://{}",
            gateway.addr
        ))
        .await
        .expect("connect");
        auth.sign_in(vanphong_proto::directory::v1::SignInRequest {
            username: "admin".into(),
            password: vanphong::demo::DEMO_PASSWORD.into(),
        })
        .await
        .expect("sign in")
        .into_inner()
        .access_token
    };
    let bearer = format!("Bearer {app_token}");

    // gRPC with a deadline, to a backend that never answers.
    for millis in [1, 5, 20] {
        let answer = grpc_with_deadline(gateway.addr, GET_DOCUMENT, &app_token, millis).await;
        assert_deadline_exceeded(&answer, &format!("silent backend, {millis} ms"));
    }

    // No deadline from the caller: the gateway's own limit (1 s) applies.
    let answer = held_open(
        gateway.addr,
        Method::POST,
        GET_DOCUMENT,
        &[("authorization", &bearer)],
        true,
    )
    .await;
    assert_deadline_exceeded(&answer, "forwarded, the gateway's limit");
    assert!(answer.elapsed >= Duration::from_millis(900), "{:?}", answer.elapsed);

    // REST: a backend that never answers, and a request body that never
    // comes, each end at the gateway's limit with 504.
    let started = Instant::now();
    let client: Client<_, http_body_util::Empty<Bytes>> = Client::builder(TokioExecutor::new()).build_http();
    let response = client
        .request(
            http::Request::builder()
                .uri(format!("http://{}/api/v1/documents/{}", gateway.addr, Uuid::now_v7()))
                .header("authorization", &bearer)
                .body(http_body_util::Empty::new())
                .expect("request"),
        )
        .await
        .expect("response");
    let status = response.status();
    let body = response.into_body().collect().await.expect("body").to_bytes();
    let rest = Answer {
        status,
        headers: HeaderMap::new(),
        body,
        trailers: None,
        elapsed: started.elapsed(),
    };
    assert_gateway_timeout(&rest, "REST to a silent backend");
    let answer = held_open(gateway.addr, Method::POST, "/api/v1/auth/sign-in", &[], false).await;
    assert_gateway_timeout(&answer, "REST body that never comes");
}
