//! Addresses as settings, and balancing over replicas through real sockets:
//! two gRPC servers on loopback, one stopped and started again under calls.

use std::net::SocketAddr;
use std::time::Duration;

use tokio::net::TcpListener;
use tokio::task::JoinHandle;
use tokio_stream::wrappers::TcpListenerStream;
use tokio_util::sync::CancellationToken;
use tonic_health::ServingStatus;
use tonic_health::pb::HealthCheckRequest;
use tonic_health::pb::health_client::HealthClient;

use super::*;

#[test]
fn addresses_are_a_comma_separated_list_or_a_toml_list() {
    let given: Addresses = " http://documents-0:50061, http://10.0.0.7:50061 ,"
        .parse()
        .expect("addresses");
    assert_eq!(given.uris().len(), 2);
    assert_eq!(given.to_string(), "http://documents-0:50061,http://10.0.0.7:50061");
    assert_eq!(given.single_ip(), None);

    #[derive(Deserialize)]
    struct File {
        one: Addresses,
        many: Addresses,
    }
    let file: File =
        toml::from_str("one = \"http://documents:50061\"\nmany = [\"http://[::1]:50061\", \"http://127.0.0.1:50062\"]")
            .expect("toml");
    assert_eq!(file.one.uris().len(), 1);
    assert_eq!(file.one.single_ip(), None, "a name is resolved");
    assert_eq!(file.many.to_string(), "http://[::1]:50061,http://127.0.0.1:50062");

    let one: Addresses = "http://[::1]:50061".parse().expect("ipv6");
    assert!(one.single_ip().is_some());
    assert_eq!(
        Addresses::from(SocketAddr::from(([127, 0, 0, 1], 9))).to_string(),
        "http://127.0.0.1:9"
    );

    assert_eq!("".parse::<Addresses>(), Err(AddressError::Empty));
    assert_eq!(" , ".parse::<Addresses>(), Err(AddressError::Empty));
    for bad in [
        "documents:50061",
        "ftp://documents:21",
        "http://documents:50061/api",
        "http://",
    ] {
        assert!(
            matches!(bad.parse::<Addresses>(), Err(AddressError::Invalid { .. })),
            "{bad} is refused"
        );
    }
}

/// A replica: a gRPC server whose health service knows only the service
/// `name`, so an answer tells which replica gave it.
struct Replica {
    addr: SocketAddr,
    stop: CancellationToken,
    task: JoinHandle<()>,
}

impl Replica {
    async fn start(name: &str, listener: TcpListener) -> Replica {
        let addr = listener.local_addr().expect("addr");
        let (reporter, service) = tonic_health::server::health_reporter();
        reporter.set_service_status(name, ServingStatus::Serving).await;
        let stop = CancellationToken::new();
        let until = stop.clone().cancelled_owned();
        let task = tokio::spawn(async move {
            let served = tonic::transport::Server::builder()
                .add_service(service)
                .serve_with_incoming_shutdown(TcpListenerStream::new(listener), until)
                .await;
            if let Err(e) = served {
                eprintln!("replica stopped: {e}");
            }
        });
        Replica { addr, stop, task }
    }

    async fn stop(self) {
        self.stop.cancel();
        self.task.await.expect("replica task");
    }
}

async fn loopback() -> TcpListener {
    TcpListener::bind("127.0.0.1:0").await.expect("bind")
}

/// Asks for service "a": replica A says SERVING, replica B says NOT_FOUND.
async fn ask(client: &mut HealthClient<ServiceChannel>) -> Result<(), tonic::Code> {
    let mut request = tonic::Request::new(HealthCheckRequest { service: "a".into() });
    request.set_timeout(Duration::from_secs(5));
    client.check(request).await.map(|_| ()).map_err(|s| s.code())
}

/// Asks 40 times: both replicas must answer some.
async fn both_answer(client: &mut HealthClient<ServiceChannel>) {
    let (mut by_a, mut by_b) = (0, 0);
    for _ in 0..40 {
        match ask(client).await {
            Ok(()) => by_a += 1,
            Err(tonic::Code::NotFound) => by_b += 1,
            Err(other) => panic!("unexpected {other:?}"),
        }
    }
    assert!(by_a > 0 && by_b > 0, "both replicas answer: {by_a} / {by_b}");
}

#[tokio::test]
async fn calls_are_balanced_over_replicas_and_survive_one_going_away() {
    let a = Replica::start("a", loopback().await).await;
    let b = Replica::start("b", loopback().await).await;
    let b_addr = b.addr;
    let addresses: Addresses = format!("http://{},http://{}", a.addr, b.addr)
        .parse()
        .expect("addresses");
    let mut client = HealthClient::new(channel("test", &addresses));

    both_answer(&mut client).await;

    b.stop().await;
    for i in 0..30 {
        assert_eq!(
            ask(&mut client).await,
            Ok(()),
            "call {i} after B stopped is answered by A"
        );
    }

    let b = Replica::start("b", TcpListener::bind(b_addr).await.expect("rebind")).await;
    let back = tokio::time::timeout(balance::REFRESH * 5, async {
        while ask(&mut client).await != Err(tonic::Code::NotFound) {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    })
    .await;
    assert!(back.is_ok(), "the restarted replica gets calls again");
    a.stop().await;
    b.stop().await;
}

#[tokio::test]
async fn a_host_name_is_resolved_and_balanced_with_literal_addresses() {
    let a = Replica::start("a", loopback().await).await;
    let b = Replica::start("b", loopback().await).await;
    let addresses: Addresses = format!("http://localhost:{},http://{}", a.addr.port(), b.addr)
        .parse()
        .expect("addresses");
    let mut client = HealthClient::new(channel("test", &addresses));
    both_answer(&mut client).await;
    a.stop().await;
    b.stop().await;
}

#[tokio::test]
async fn when_no_replica_listens_calls_fail_fast_with_unavailable() {
    let closed = |listener: TcpListener| listener.local_addr().expect("addr");
    let one = closed(loopback().await);
    let two = closed(loopback().await);
    let addresses: Addresses = format!("http://{one},http://{two}").parse().expect("addresses");
    let mut client = HealthClient::new(channel("documents", &addresses));
    let started = std::time::Instant::now();
    let status = client
        .check(HealthCheckRequest::default())
        .await
        .expect_err("nobody listens");
    assert_eq!(status.code(), tonic::Code::Unavailable);
    assert!(status.message().contains("documents"), "{}", status.message());
    assert!(started.elapsed() < Duration::from_secs(3), "{:?}", started.elapsed());
}

#[tokio::test]
async fn a_channel_with_an_in_process_slot_calls_the_network_until_filled_then_the_stack_in_this_process() {
    let a = Replica::start("a", loopback().await).await;
    let slot = InProcessSlot::new();
    let channel = channel_in_process("documents", &Addresses::from(a.addr), slot.clone());
    let mut client = HealthClient::new(channel);
    assert_eq!(
        ask(&mut client).await,
        Ok(()),
        "over the network before the slot is filled"
    );

    // The stack in this process knows only service "b".
    let (reporter, local) = tonic_health::server::health_reporter();
    reporter.set_service_status("b", ServingStatus::Serving).await;
    slot.fill(InProcess::new(local));
    assert_eq!(
        ask(&mut client).await,
        Err(tonic::Code::NotFound),
        "answered in this process"
    );

    a.stop().await;
    assert_eq!(
        ask(&mut client).await,
        Err(tonic::Code::NotFound),
        "no network needed once filled"
    );
}
