//! SIGTERM: a server stops taking work but finishes what it has.

use std::time::Duration;

use crate::clients::{clerk, register};
use crate::cluster::prerequisites;
use crate::deployment::Deployment;
use crate::{eventually, one_at_a_time};

/// Locks the incoming-number counter for a few seconds, so that a
/// registration waits for it.
const HOLD_THE_COUNTER: &str = "BEGIN; LOCK TABLE documents.number_series IN EXCLUSIVE MODE; \
     SELECT pg_sleep(4); COMMIT;";

fn counter_locks(granted: bool) -> String {
    format!(
        "SELECT count(*) FROM pg_locks WHERE relation = 'documents.number_series'::regclass \
         AND granted = {granted}"
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs root and PostgreSQL's server binaries: VANPHONG_FAULT_TESTS=1 cargo test --test faults -- --include-ignored"]
async fn sigterm_drains_a_slow_request_in_flight_before_exit() {
    let Some(bin) = prerequisites() else { return };
    let _turn = one_at_a_time().await;
    let mut deployment = Deployment::start(&bin, 1).await;
    let gateway = deployment.gateway.channel();
    let token = clerk(&gateway).await;
    let first = register(&gateway, &token, 1).await.expect("first registration");
    assert_eq!(first.arrival_number, 1);

    let mut holder = deployment.database.query_in_background(HOLD_THE_COUNTER);
    let db = &deployment.database;
    eventually(Duration::from_secs(10), "the counter is locked", || async {
        db.number(&counter_locks(true)) >= 1
    })
    .await;
    let replica = deployment.documents[0].channel();
    let slow = {
        let token = token.clone();
        tokio::spawn(async move { register(&replica, &token, 2).await })
    };
    eventually(
        Duration::from_secs(10),
        "the registration waits for the counter",
        || async { db.number(&counter_locks(false)) >= 1 },
    )
    .await;

    deployment.documents[0].terminate();
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert!(
        deployment.documents[0].running(),
        "the server waits for its request in flight"
    );
    let answered = slow.await.expect("joined");
    let answered = answered
        .unwrap_or_else(|status| panic!("the request in flight is answered: {status:?}\n{}", deployment.logs()));
    assert_eq!(answered.arrival_number, 2);
    let exit = deployment.documents[0].exited(Duration::from_secs(15)).await;
    assert!(exit.success(), "clean exit after draining: {exit}");
    assert!(holder.wait().expect("psql").success(), "the lock was held and released");
}
