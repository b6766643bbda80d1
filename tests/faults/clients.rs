//! A clerk registering incoming documents through the gateway, as an
//! office's system would: every registration carries its idempotency key,
//! and a registration that got no answer is sent again with the same key.
//! Then what the database holds is checked against what was acknowledged.

use std::collections::HashMap;
use std::ops::RangeInclusive;
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, AtomicUsize, Ordering};
use std::time::Duration;

use tonic::transport::Channel;

use vanphong_proto::directory::v1::auth_service_client::AuthServiceClient;
use vanphong_proto::directory::v1::user_service_client::UserServiceClient;
use vanphong_proto::directory::v1::{CreateUserRequest, Role, SignInRequest, WhoAmIRequest};
use vanphong_proto::documents::v1::incoming_service_client::IncomingServiceClient;
use vanphong_proto::documents::v1::{Document, RegisterIncomingRequest};

use crate::deployment::{ADMIN_PASSWORD, Deployment};
use crate::eventually;

/// A request carrying a bearer token and a deadline.
pub fn authed<T>(message: T, token: &str, timeout: Duration) -> tonic::Request<T> {
    let mut request = tonic::Request::new(message);
    request
        .metadata_mut()
        .insert("authorization", format!("Bearer {token}").parse().expect("header"));
    request.set_timeout(timeout);
    request
}

async fn sign_in(gateway: &Channel, username: &str, password: &str) -> String {
    AuthServiceClient::new(gateway.clone())
        .sign_in(SignInRequest {
            username: username.into(),
            password: password.into(),
        })
        .await
        .expect("sign in")
        .into_inner()
        .access_token
}

/// The root office's clerk (văn thư), created by the first admin; returns
/// the clerk's access token.
pub async fn clerk(gateway: &Channel) -> String {
    let admin = sign_in(gateway, "admin", ADMIN_PASSWORD).await;
    let office = AuthServiceClient::new(gateway.clone())
        .who_am_i(authed(WhoAmIRequest {}, &admin, Duration::from_secs(5)))
        .await
        .expect("who am i")
        .into_inner()
        .office_id;
    UserServiceClient::new(gateway.clone())
        .create_user(authed(
            CreateUserRequest {
                request_id: "van-thu".into(),
                username: "vanthu".into(),
                full_name: "Nguyễn Thị Thư".into(),
                office_id: office,
                roles: vec![Role::Clerk as i32],
                password: "Van-thu-2026".into(),
                ..Default::default()
            },
            &admin,
            Duration::from_secs(5),
        ))
        .await
        .expect("clerk created");
    sign_in(gateway, "vanthu", "Van-thu-2026").await
}

/// The idempotency key of registration `n`.
pub fn key(n: i64) -> String {
    format!("van-ban-den-{n}")
}

/// Registration `n`: a paper letter (công văn) with its own number, so
/// that no two are duplicates of each other.
pub fn registration(n: i64) -> RegisterIncomingRequest {
    RegisterIncomingRequest {
        request_id: key(n),
        type_code: "CV".into(),
        subject: format!("Công văn số {n} về việc báo cáo tình hình tháng"),
        number: n,
        symbol: "UBND-VP".into(),
        issued_on: "2026-02-20".into(),
        issuer_name: "Ủy ban nhân dân huyện Hiệp Hòa".into(),
        issuer_code: "UBND".into(),
        signer_name: "Nguyễn Văn Hải".into(),
        pages: 1,
        ..Default::default()
    }
}

/// Sends registration `n` once, with a deadline of 10 s.
pub async fn register(channel: &Channel, token: &str, n: i64) -> Result<Document, tonic::Status> {
    register_within(channel, token, n, Duration::from_secs(10)).await
}

/// Sends registration `n` once, with a deadline of `timeout`.
pub async fn register_within(
    channel: &Channel,
    token: &str,
    n: i64,
    timeout: Duration,
) -> Result<Document, tonic::Status> {
    IncomingServiceClient::new(channel.clone())
        .register_incoming(authed(registration(n), token, timeout))
        .await
        .map(tonic::Response::into_inner)
}

/// A registration the service acknowledged.
#[derive(Debug, Clone)]
pub struct Ack {
    pub n: i64,
    pub id: String,
    pub arrival_number: i64,
}

/// What a load saw.
#[derive(Debug, Default)]
pub struct Report {
    pub acks: Vec<Ack>,
    /// Registrations whose first sending failed, and how.
    pub first_failures: Vec<(i64, tonic::Code, String)>,
    /// Registrations never acknowledged within the load's patience.
    pub unanswered: Vec<i64>,
}

/// A load of registrations running in the background.
pub struct Load {
    acked: Arc<AtomicUsize>,
    task: tokio::task::JoinHandle<Report>,
}

impl Load {
    /// Registers the documents numbered `numbers` through `gateway` with
    /// `workers` at a time. A failed registration is sent again with its
    /// key, every 200 ms, for up to `patience`.
    pub fn start(
        gateway: &Channel,
        token: &str,
        numbers: RangeInclusive<i64>,
        workers: usize,
        patience: Duration,
    ) -> Load {
        let acked = Arc::new(AtomicUsize::new(0));
        let next = Arc::new(AtomicI64::new(*numbers.start()));
        let last = *numbers.end();
        let workers: Vec<_> = (0..workers)
            .map(|_| {
                let worker = Worker {
                    gateway: gateway.clone(),
                    token: token.to_string(),
                    next: next.clone(),
                    acked: acked.clone(),
                };
                tokio::spawn(worker.run(last, patience))
            })
            .collect();
        let task = tokio::spawn(async move {
            let mut total = Report::default();
            for worker in workers {
                let part = worker.await.expect("load worker");
                total.acks.extend(part.acks);
                total.first_failures.extend(part.first_failures);
                total.unanswered.extend(part.unanswered);
            }
            total.acks.sort_by_key(|a| a.n);
            total
        });
        Load { acked, task }
    }

    /// How many registrations were acknowledged so far.
    pub fn acknowledged(&self) -> usize {
        self.acked.load(Ordering::SeqCst)
    }

    /// Waits until `n` registrations are acknowledged.
    pub async fn reaches(&self, n: usize, within: Duration, what: &str) {
        eventually(within, what, || async { self.acknowledged() >= n }).await;
    }

    /// Waits for the load to end.
    pub async fn finish(self) -> Report {
        self.task.await.expect("load")
    }
}

/// One of a load's workers.
struct Worker {
    gateway: Channel,
    token: String,
    next: Arc<AtomicI64>,
    acked: Arc<AtomicUsize>,
}

impl Worker {
    async fn run(self, last: i64, patience: Duration) -> Report {
        let mut report = Report::default();
        loop {
            let n = self.next.fetch_add(1, Ordering::SeqCst);
            if n > last {
                return report;
            }
            let until = tokio::time::Instant::now() + patience;
            let mut first = true;
            loop {
                match register(&self.gateway, &self.token, n).await {
                    Ok(document) => {
                        self.acked.fetch_add(1, Ordering::SeqCst);
                        report.acks.push(Ack {
                            n,
                            id: document.id,
                            arrival_number: document.arrival_number,
                        });
                        break;
                    }
                    Err(status) => {
                        if first {
                            report
                                .first_failures
                                .push((n, status.code(), status.message().to_string()));
                            first = false;
                        }
                        if tokio::time::Instant::now() >= until {
                            report.unanswered.push(n);
                            break;
                        }
                        tokio::time::sleep(Duration::from_millis(200)).await;
                    }
                }
            }
        }
    }
}

/// Checks what the documents service stored against what was acknowledged:
/// `expected` registrations, every acknowledged one stored with the number
/// it was given, incoming numbers 1 to `expected` with no gap and no
/// repeat, the series' counter at the last number, every document with its
/// audit record, no idempotency key claimed without its answer, and whole
/// hash chains.
pub fn assert_stored(deployment: &Deployment, acks: &[Ack], expected: i64) {
    let db = &deployment.database;
    let stored: HashMap<String, i64> = db
        .query("SELECT id, arrival_number FROM documents.documents WHERE direction = 'incoming'")
        .into_iter()
        .map(|row| (row[0].clone(), row[1].parse().expect("arrival number")))
        .collect();
    for ack in acks {
        assert_eq!(
            stored.get(&ack.id),
            Some(&ack.arrival_number),
            "acknowledged registration {} is stored with the number it was given",
            ack.n
        );
    }
    let mut numbers: Vec<i64> = stored.values().copied().collect();
    numbers.sort_unstable();
    assert_eq!(
        numbers,
        (1..=expected).collect::<Vec<_>>(),
        "incoming numbers have no gap and no repeat"
    );
    assert_eq!(
        db.number("SELECT max(last_number) FROM documents.number_series WHERE series LIKE 'in:%'"),
        expected,
        "the counter stands at the last number given"
    );
    assert_eq!(
        db.number(
            "SELECT count(*) FROM documents.documents d WHERE NOT EXISTS \
             (SELECT 1 FROM documents.audit_records a WHERE a.entity_id = d.id)"
        ),
        0,
        "every document has its audit record"
    );
    assert_eq!(
        db.number("SELECT count(*) FROM documents.idempotency_keys WHERE response IS NULL"),
        0,
        "no key is claimed without its answer"
    );
    deployment.verify_audit();
}

/// Sends every registration again with its key: each answer is the
/// document first made, and nothing new is made.
pub async fn assert_replays(gateway: &Channel, token: &str, acks: &[Ack]) {
    for ack in acks {
        let again = register(gateway, token, ack.n).await.expect("replayed");
        assert_eq!(
            (again.id.as_str(), again.arrival_number),
            (ack.id.as_str(), ack.arrival_number),
            "registration {} sent again gives the first answer",
            ack.n
        );
    }
}
