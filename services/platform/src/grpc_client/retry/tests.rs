//! The retry policy: what is sent again, how long it waits, and that it
//! never outlives the caller's deadline. Time is paused, so waits are exact
//! and instant.

use std::collections::VecDeque;
use std::sync::Mutex;

use prost::Message;
use vanphong_proto::documents::v1::{GetDocumentRequest, RegisterIncomingRequest};

use super::*;

const GET_DOCUMENT: &str = "/vanphong.documents.v1.DocumentQueryService/GetDocument";
const REGISTER_INCOMING: &str = "/vanphong.documents.v1.IncomingService/RegisterIncoming";

/// What the fake replica does with one call.
#[derive(Debug, Clone, Copy)]
enum Answer {
    /// Answers with this code (`Ok`: a plain successful response).
    Code(tonic::Code),
    /// The connection fails.
    Refused,
}

/// One call the fake replica received: when, and with what `grpc-timeout`.
#[derive(Debug, Clone, Copy)]
struct Seen {
    at: Instant,
    timeout: Option<Duration>,
}

/// A replica that plays scripted answers (the last one forever) and
/// records each call.
#[derive(Clone)]
struct Scripted {
    answers: Arc<Mutex<VecDeque<Answer>>>,
    seen: Arc<Mutex<Vec<Seen>>>,
}

impl Scripted {
    fn new(answers: &[Answer]) -> Self {
        Scripted {
            answers: Arc::new(Mutex::new(answers.iter().copied().collect())),
            seen: Arc::new(Mutex::new(Vec::new())),
        }
    }

    fn seen(&self) -> Vec<Seen> {
        self.seen.lock().expect("lock").clone()
    }
}

impl Service<http::Request<Body>> for Scripted {
    type Response = http::Response<Body>;
    type Error = BoxError;
    type Future = BoxFuture<'static, Result<http::Response<Body>, BoxError>>;

    fn poll_ready(&mut self, _cx: &mut Context<'_>) -> Poll<Result<(), BoxError>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, request: http::Request<Body>) -> Self::Future {
        let timeout = request
            .headers()
            .get("grpc-timeout")
            .and_then(|v| v.to_str().ok())
            .and_then(parse_grpc_timeout);
        self.seen.lock().expect("lock").push(Seen {
            at: Instant::now(),
            timeout,
        });
        let answer = {
            let mut answers = self.answers.lock().expect("lock");
            if answers.len() > 1 {
                answers.pop_front()
            } else {
                answers.front().copied()
            }
        };
        Box::pin(async move {
            match answer.unwrap_or(Answer::Code(tonic::Code::Ok)) {
                Answer::Code(tonic::Code::Ok) => Ok(http::Response::new(Body::empty())),
                Answer::Code(code) => Ok(tonic::Status::new(code, "scripted").into_http()),
                Answer::Refused => Err("connection refused".into()),
            }
        })
    }
}

fn framed(message: &impl Message) -> Vec<u8> {
    let bytes = message.encode_to_vec();
    let mut body = vec![0];
    body.extend_from_slice(&u32::try_from(bytes.len()).expect("small").to_be_bytes());
    body.extend_from_slice(&bytes);
    body
}

fn request(path: &str, message: &impl Message, timeout: Option<&str>) -> http::Request<Body> {
    let mut builder = http::Request::builder()
        .method("POST")
        .uri(format!("http://replica{path}"))
        .header("content-type", "application/grpc");
    if let Some(timeout) = timeout {
        builder = builder.header("grpc-timeout", timeout);
    }
    builder
        .body(Body::new(Full::new(bytes::Bytes::from(framed(message)))))
        .expect("request")
}

fn get_document() -> GetDocumentRequest {
    GetDocumentRequest {
        document_id: "0190d7a0-0000-7000-8000-000000000001".into(),
    }
}

fn registration(key: &str) -> RegisterIncomingRequest {
    RegisterIncomingRequest {
        request_id: key.into(),
        subject: "Công văn về việc tổng kết năm".into(),
        ..Default::default()
    }
}

async fn send(replica: &Scripted, request: http::Request<Body>) -> Option<i32> {
    let retry = Retry::new("documents", replica.clone(), RetryPolicy::default(), None);
    let response = retry.oneshot(request).await.expect("infallible");
    header_status(&response)
}

const UNAVAILABLE: Answer = Answer::Code(tonic::Code::Unavailable);
const OK: Answer = Answer::Code(tonic::Code::Ok);

#[tokio::test(start_paused = true)]
async fn a_read_is_retried_on_unavailable_and_broken_connections_until_answered() {
    let replica = Scripted::new(&[UNAVAILABLE, Answer::Refused, OK]);
    let status = send(&replica, request(GET_DOCUMENT, &get_document(), Some("5S"))).await;
    assert_eq!(status, None, "answered");
    assert_eq!(replica.seen().len(), 3);
}

#[tokio::test(start_paused = true)]
async fn a_creation_is_retried_only_when_it_carries_its_idempotency_key() {
    let replica = Scripted::new(&[UNAVAILABLE, OK]);
    let status = send(&replica, request(REGISTER_INCOMING, &registration(""), Some("5S"))).await;
    assert_eq!(
        status,
        Some(tonic::Code::Unavailable as i32),
        "sent once, refusal passed on"
    );
    assert_eq!(replica.seen().len(), 1);

    let replica = Scripted::new(&[UNAVAILABLE, Answer::Refused, OK]);
    let status = send(
        &replica,
        request(REGISTER_INCOMING, &registration("vb-den-7"), Some("5S")),
    )
    .await;
    assert_eq!(status, None);
    assert_eq!(replica.seen().len(), 3);
}

#[tokio::test(start_paused = true)]
async fn other_failures_are_never_retried() {
    for code in [
        tonic::Code::NotFound,
        tonic::Code::Internal,
        tonic::Code::DeadlineExceeded,
        tonic::Code::Aborted,
    ] {
        let replica = Scripted::new(&[Answer::Code(code), OK]);
        let status = send(&replica, request(GET_DOCUMENT, &get_document(), Some("5S"))).await;
        assert_eq!(status, Some(code as i32));
        assert_eq!(replica.seen().len(), 1, "{code:?} is not retried");
    }
}

#[tokio::test(start_paused = true)]
async fn an_unreachable_service_answers_unavailable_naming_it() {
    let replica = Scripted::new(&[Answer::Refused]);
    let retry = Retry::new("documents", replica.clone(), RetryPolicy::default(), None);
    let response = retry
        .oneshot(request(GET_DOCUMENT, &get_document(), Some("5S")))
        .await
        .expect("infallible");
    assert_eq!(header_status(&response), Some(tonic::Code::Unavailable as i32));
    let message = response.headers()["grpc-message"].to_str().expect("ascii");
    assert!(message.contains("documents"), "{message}");
    assert_eq!(replica.seen().len(), 5, "every attempt of the policy");
}

#[tokio::test(start_paused = true)]
async fn without_a_deadline_attempts_are_counted_and_waits_double() {
    let replica = Scripted::new(&[UNAVAILABLE]);
    let started = Instant::now();
    send(&replica, request(GET_DOCUMENT, &get_document(), None)).await;
    let seen = replica.seen();
    assert_eq!(seen.len(), 5);
    let mut previous = started;
    for (i, call) in seen.iter().enumerate().skip(1) {
        let gap = call.at - seen[i - 1].at;
        let ceiling = Duration::from_millis(50 << (i - 1));
        assert!(
            gap >= ceiling / 2 && gap <= ceiling,
            "wait {i} was {gap:?}, ceiling {ceiling:?}"
        );
        previous = call.at;
    }
    assert!(previous - started <= Duration::from_millis(750));
}

#[tokio::test(start_paused = true)]
async fn retries_stay_within_the_callers_deadline() {
    let replica = Scripted::new(&[UNAVAILABLE]);
    let started = Instant::now();
    let deadline = started + Duration::from_millis(300);
    let status = send(&replica, request(GET_DOCUMENT, &get_document(), Some("300m"))).await;
    assert_eq!(status, Some(tonic::Code::Unavailable as i32));
    assert!(Instant::now() <= deadline, "answered within the deadline");
    let seen = replica.seen();
    assert!(seen.len() >= 2 && seen.len() < 5, "{} attempts", seen.len());
    for call in &seen {
        let timeout = call.timeout.expect("every attempt carries grpc-timeout");
        let left = deadline - call.at;
        assert!(timeout <= left + Duration::from_millis(1), "{timeout:?} > {left:?}");
        assert!(
            left >= RetryPolicy::default().min_attempt_time,
            "no attempt is made without time for it"
        );
    }
}

/// A replica that never becomes ready (`Pending`), never answers a call
/// (`Silent`), or whose connection's own timer ends the call (`Timed`).
#[derive(Clone, Copy)]
enum Stuck {
    Pending,
    Silent,
    Timed,
}

impl Service<http::Request<Body>> for Stuck {
    type Response = http::Response<Body>;
    type Error = BoxError;
    type Future = BoxFuture<'static, Result<http::Response<Body>, BoxError>>;
    fn poll_ready(&mut self, _cx: &mut Context<'_>) -> Poll<Result<(), BoxError>> {
        match self {
            Stuck::Pending => Poll::Pending,
            Stuck::Silent | Stuck::Timed => Poll::Ready(Ok(())),
        }
    }
    fn call(&mut self, request: http::Request<Body>) -> Self::Future {
        let stuck = *self;
        let timeout = request
            .headers()
            .get("grpc-timeout")
            .and_then(|v| v.to_str().ok())
            .and_then(parse_grpc_timeout);
        Box::pin(async move {
            match (stuck, timeout) {
                (Stuck::Timed, Some(timeout)) => {
                    tokio::time::sleep(timeout).await;
                    Err(tonic::TimeoutExpired(()).into())
                }
                _ => std::future::pending().await,
            }
        })
    }
}

#[tokio::test(start_paused = true)]
async fn a_deadline_that_passes_before_an_answer_gives_deadline_exceeded() {
    for stuck in [Stuck::Pending, Stuck::Silent, Stuck::Timed] {
        for (path, message) in [
            (GET_DOCUMENT, framed(&get_document())),
            (REGISTER_INCOMING, framed(&registration(""))),
        ] {
            let started = Instant::now();
            let retry = Retry::new("documents", stuck, RetryPolicy::default(), None);
            let mut request = request(path, &get_document(), Some("200m"));
            *request.body_mut() = Body::new(Full::new(bytes::Bytes::from(message)));
            let response = retry.oneshot(request).await.expect("infallible");
            assert_eq!(
                header_status(&response),
                Some(tonic::Code::DeadlineExceeded as i32),
                "{path}"
            );
            let message = response.headers()["grpc-message"].to_str().expect("ascii");
            assert!(message.contains("documents"), "{message}");
            assert!(
                started.elapsed() <= Duration::from_millis(200),
                "{:?}",
                started.elapsed()
            );
        }
    }
}

#[tokio::test(start_paused = true)]
async fn replicas_that_keep_refusing_spend_the_retry_budget_and_answers_refill_it() {
    let replica = Scripted::new(&[UNAVAILABLE]);
    let channel = Retry::new("documents", replica.clone(), RetryPolicy::default(), None);
    let call = || {
        channel
            .clone()
            .oneshot(request(GET_DOCUMENT, &get_document(), Some("5S")))
    };
    call().await.expect("infallible");
    assert_eq!(replica.seen().len(), 5, "a full budget allows every retry");
    call().await.expect("infallible");
    assert_eq!(replica.seen().len(), 6, "half the budget spent: sent once, no retry");

    *replica.answers.lock().expect("lock") = [OK].into();
    // Four tokens are left; thirty answers give three back, so one more
    // refusal leaves six: more than half.
    for _ in 0..30 {
        call().await.expect("infallible");
    }
    *replica.answers.lock().expect("lock") = [UNAVAILABLE, OK].into();
    let seen = replica.seen().len();
    let answered = call().await.expect("infallible");
    assert_eq!(header_status(&answered), None, "retried again once calls were answered");
    assert_eq!(replica.seen().len(), seen + 2);

    let refused_connections = Scripted::new(&[Answer::Refused]);
    let channel = Retry::new("documents", refused_connections.clone(), RetryPolicy::default(), None);
    for _ in 0..3 {
        channel
            .clone()
            .oneshot(request(GET_DOCUMENT, &get_document(), Some("5S")))
            .await
            .expect("infallible");
    }
    assert_eq!(
        refused_connections.seen().len(),
        15,
        "replicas that cannot be reached spend nothing: the balancer drops them"
    );
}

#[test]
fn the_budget_allows_retries_while_more_than_half_is_left() {
    let budget = RetryBudget::new();
    for _ in 0..4 {
        budget.refused();
    }
    assert!(budget.allows_retry(), "six tokens left");
    budget.refused();
    assert!(!budget.allows_retry(), "five left: half");
    for _ in 0..10 {
        budget.answered();
    }
    assert!(budget.allows_retry(), "ten answers give one token back");
    for _ in 0..1000 {
        budget.answered();
    }
    for _ in 0..4 {
        budget.refused();
    }
    assert!(budget.allows_retry(), "the bucket holds no more than ten");
    budget.refused();
    assert!(!budget.allows_retry());
}

#[test]
fn backoff_doubles_with_jitter_up_to_its_ceiling_and_fits_the_deadline() {
    let policy = RetryPolicy::default();
    assert_eq!(policy.backoff(1, None, 0.0), Some(Duration::from_millis(25)));
    assert_eq!(policy.backoff(1, None, 1.0), Some(Duration::from_millis(50)));
    assert_eq!(policy.backoff(2, None, 1.0), Some(Duration::from_millis(100)));
    assert_eq!(policy.backoff(4, None, 0.5), Some(Duration::from_millis(300)));
    assert_eq!(policy.backoff(5, None, 0.0), None, "five attempts in all");
    assert_eq!(policy.backoff(0, None, 0.0), None);

    let patient = RetryPolicy {
        max_attempts: 40,
        ..policy
    };
    assert_eq!(patient.backoff(30, None, 1.0), Some(policy.max_backoff), "capped");
    assert_eq!(patient.backoff(30, None, 0.0), Some(policy.max_backoff / 2));

    assert_eq!(
        policy.backoff(1, Some(Duration::from_millis(100)), 1.0),
        Some(Duration::from_millis(50))
    );
    assert_eq!(
        policy.backoff(1, Some(Duration::from_millis(99)), 1.0),
        None,
        "the wait and a minimal attempt must fit in what is left"
    );
    assert_eq!(policy.backoff(1, Some(Duration::ZERO), 0.0), None);
}

#[test]
fn reads_keyed_creations_and_the_rest_are_told_apart() {
    let methods = Methods::suite();
    let kind = |path: &str| match methods.classify(path) {
        Idempotence::Read => "read",
        Idempotence::Keyed(_) => "keyed",
        Idempotence::Once => "once",
    };
    assert_eq!(kind(GET_DOCUMENT), "read");
    assert_eq!(kind("/vanphong.directory.v1.UserService/GetUser"), "read");
    assert_eq!(kind("/grpc.health.v1.Health/Check"), "read", "judged by its name");
    assert_eq!(kind(REGISTER_INCOMING), "keyed");
    assert_eq!(kind("/vanphong.documents.v1.OutgoingService/CreateDraft"), "keyed");
    assert_eq!(kind("/vanphong.documents.v1.OutgoingService/UpdateDraft"), "once");
    assert_eq!(kind("/vanphong.directory.v1.AuthService/Refresh"), "once");
    assert_eq!(
        kind("/vanphong.directory.v1.SyncService/WatchDirectory"),
        "once",
        "a stream"
    );
    assert_eq!(
        kind("/vanphong.documents.v1.AttachmentService/UploadAttachment"),
        "once"
    );
    assert_eq!(
        kind("/vanphong.documents.v1.AttachmentService/DownloadAttachment"),
        "once"
    );
    assert_eq!(kind("/grpc.health.v1.Health/Watch"), "once");
    assert!(!is_read("Listen") && !is_read("Getaway") && is_read("WhoAmI") && is_read("List"));
}

#[test]
fn the_key_is_found_in_the_request_body() {
    let Idempotence::Keyed(input) = Methods::suite().classify(REGISTER_INCOMING) else {
        panic!("RegisterIncoming takes a key");
    };
    assert!(carries_key(&input, &framed(&registration("vb-den-7"))));
    assert!(!carries_key(&input, &framed(&registration(""))));
    let mut compressed = framed(&registration("vb-den-7"));
    compressed[0] = 1;
    assert!(!carries_key(&input, &compressed), "compressed bodies are not read");
    let whole = framed(&registration("vb-den-7"));
    assert!(!carries_key(&input, &whole[..whole.len() - 1]), "truncated");
    assert!(!carries_key(&input, &[]));
}
