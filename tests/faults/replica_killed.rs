//! A documents replica dies (SIGKILL) while clerks register documents
//! through the gateway.

use std::time::Duration;

use tonic_health::pb::health_check_response::ServingStatus;
use vanphong_proto::documents::v1::ListDocumentsRequest;
use vanphong_proto::documents::v1::document_query_service_client::DocumentQueryServiceClient;

use crate::clients::{Load, assert_replays, assert_stored, authed, clerk};
use crate::cluster::prerequisites;
use crate::deployment::Deployment;
use crate::one_at_a_time;

const REGISTRATIONS: i64 = 150;

/// Registrations sent at a time after the killed replica is back.
const BATCH: i64 = 10;

/// The method the load calls.
const REGISTER: &str = "RegisterIncoming";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs root and PostgreSQL's server binaries: VANPHONG_FAULT_TESTS=1 cargo test --test faults -- --include-ignored"]
async fn a_replica_killed_mid_load_loses_nothing_and_serves_again_after_restart() {
    let Some(bin) = prerequisites() else { return };
    let _turn = one_at_a_time().await;
    let mut deployment = Deployment::start(&bin, 2).await;
    let gateway = deployment.gateway.channel();
    let token = clerk(&gateway).await;

    let load = Load::start(&gateway, &token, 1..=REGISTRATIONS, 6, Duration::from_secs(30));
    load.reaches(40, Duration::from_secs(60), "the first registrations")
        .await;
    for replica in &deployment.documents {
        assert!(
            replica.calls_answered(REGISTER).await > 0,
            "the gateway balances the registrations over both replicas"
        );
    }
    deployment.documents[0].kill();
    let at_kill = load.acknowledged();

    // The gateway goes on answering through the other replica.
    load.reaches(
        at_kill + 40,
        Duration::from_secs(30),
        "registrations answered through the surviving replica",
    )
    .await;
    deployment.documents[0].restart();
    deployment.documents[0]
        .reports(ServingStatus::Serving, Duration::from_secs(60))
        .await;
    let report = load.finish().await;

    println!(
        "{} registrations acknowledged, {} before the kill; first sendings that failed: {:?}",
        report.acks.len(),
        at_kill,
        report.first_failures
    );
    assert!(
        report.unanswered.is_empty(),
        "unanswered: {:?}\n{}",
        report.unanswered,
        deployment.logs()
    );
    assert!(
        report.first_failures.is_empty(),
        "the gateway retried keyed registrations on the surviving replica, so no clerk saw a failure: {:?}\n{}",
        report.first_failures,
        deployment.logs()
    );
    assert_stored(&deployment, &report.acks, REGISTRATIONS);

    // The restarted replica serves: the gateway sends it registrations
    // again once it has probed it back into its set (every 2 s), and it
    // answers when asked directly.
    let mut acks = report.acks;
    let mut sent = REGISTRATIONS;
    let back = tokio::time::Instant::now() + Duration::from_secs(15);
    while deployment.documents[0].calls_answered(REGISTER).await == 0 {
        assert!(
            tokio::time::Instant::now() < back,
            "the restarted replica takes registrations from the gateway again\n{}",
            deployment.logs()
        );
        let batch = Load::start(&gateway, &token, sent + 1..=sent + BATCH, 4, Duration::from_secs(30))
            .finish()
            .await;
        assert!(
            batch.unanswered.is_empty() && batch.first_failures.is_empty(),
            "{batch:?}"
        );
        acks.extend(batch.acks);
        sent += BATCH;
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    assert_replays(&gateway, &token, &acks).await;
    assert_stored(&deployment, &acks, sent);
    let listed = DocumentQueryServiceClient::new(deployment.documents[0].channel())
        .list_documents(authed(
            ListDocumentsRequest {
                page_size: 500,
                ..Default::default()
            },
            &token,
            Duration::from_secs(10),
        ))
        .await
        .expect("the restarted replica answers")
        .into_inner();
    assert_eq!(listed.documents.len(), usize::try_from(sent).expect("small"));
}
