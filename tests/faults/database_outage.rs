//! PostgreSQL stops for a few seconds while clerks register documents.

use std::time::Duration;

use tonic_health::pb::health_check_response::ServingStatus;
use vanphong_proto::documents::v1::ListDocumentsRequest;
use vanphong_proto::documents::v1::document_query_service_client::DocumentQueryServiceClient;

use crate::clients::{Ack, Load, assert_replays, assert_stored, authed, clerk, register, register_within};
use crate::cluster::prerequisites;
use crate::deployment::Deployment;
use crate::one_at_a_time;

const REGISTRATIONS: i64 = 60;

/// The registration sent while the database is down.
const DURING_OUTAGE: i64 = 1000;

/// The deadline of the calls made while the database is down.
const PROBE_DEADLINE: Duration = Duration::from_secs(20);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs root and PostgreSQL's server binaries: VANPHONG_FAULT_TESTS=1 cargo test --test faults -- --include-ignored"]
async fn a_database_outage_is_reported_refused_cleanly_and_recovered_from() {
    let Some(bin) = prerequisites() else { return };
    let _turn = one_at_a_time().await;
    let deployment = Deployment::start(&bin, 1).await;
    let replica = &deployment.documents[0];
    let gateway = deployment.gateway.channel();
    let token = clerk(&gateway).await;

    let load = Load::start(&gateway, &token, 1..=REGISTRATIONS, 3, Duration::from_secs(60));
    load.reaches(15, Duration::from_secs(60), "the first registrations")
        .await;

    deployment.database.stop();
    let stopped = tokio::time::Instant::now();
    replica
        .reports(ServingStatus::NotServing, Duration::from_secs(20))
        .await;
    // The liveness name stays serving: restarting the process would not
    // bring the database back.
    assert_eq!(
        replica.health_of(vanphong_platform::server::LIVENESS).await,
        Some(ServingStatus::Serving)
    );
    // Deadlines long enough for the gateway's retries, whatever is left of
    // its retry budget: the answer is the refusal, not a timeout.
    let refused = register_within(&gateway, &token, DURING_OUTAGE, PROBE_DEADLINE)
        .await
        .expect_err("nothing is registered without a database");
    assert_eq!(refused.code(), tonic::Code::Unavailable, "{refused:?}");
    let unread = DocumentQueryServiceClient::new(gateway.clone())
        .list_documents(authed(ListDocumentsRequest::default(), &token, PROBE_DEADLINE))
        .await
        .expect_err("nothing is read without a database");
    assert_eq!(unread.code(), tonic::Code::Unavailable, "{unread:?}");
    let outage = stopped.elapsed();

    deployment.database.resume();
    replica.reports(ServingStatus::Serving, Duration::from_secs(30)).await;
    let report = load.finish().await;
    println!(
        "{} registrations acknowledged; first sendings that failed: {}; refusals seen {outage:?} into the outage",
        report.acks.len(),
        report.first_failures.len()
    );
    assert!(
        report.unanswered.is_empty(),
        "unanswered: {:?}\n{}",
        report.unanswered,
        deployment.logs()
    );

    // The registration refused during the outage left nothing behind: sent
    // again with its key, it is registered now, once.
    let late = register(&gateway, &token, DURING_OUTAGE)
        .await
        .expect("registered after the outage");
    let mut acks = report.acks;
    acks.push(Ack {
        n: DURING_OUTAGE,
        id: late.id,
        arrival_number: late.arrival_number,
    });
    assert_eq!(late.arrival_number, REGISTRATIONS + 1);
    assert_stored(&deployment, &acks, REGISTRATIONS + 1);
    assert_replays(&gateway, &token, &acks).await;
}
