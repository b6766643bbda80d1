//! The suite as an operator runs it, in separate processes: `vanphong
//! migrate`, then `vanphong serve gateway` in front of one or more `vanphong
//! serve documents` replicas, all on one PostgreSQL cluster, sharing a data
//! folder for the token keys.

use std::fs::File;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::Duration;

use tempfile::TempDir;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tonic::transport::Channel;
use tonic_health::pb::HealthCheckRequest;
use tonic_health::pb::health_check_response::ServingStatus;
use tonic_health::pb::health_client::HealthClient;

use crate::cluster::{Postgres, free_port};
use crate::eventually;

/// The password of the first admin.
pub const ADMIN_PASSWORD: &str = "Quan-tri-2026";

/// How long a server may take to start.
const START: Duration = Duration::from_secs(60);

/// One `vanphong` process, with its log in the data folder.
pub struct Server {
    name: String,
    pub addr: SocketAddr,
    /// Where it serves `/metrics`, when it does apart from `addr`.
    metrics: Option<SocketAddr>,
    args: Vec<String>,
    log: PathBuf,
    child: Option<Child>,
}

impl Server {
    fn spawn(name: &str, addr: SocketAddr, metrics: Option<SocketAddr>, args: Vec<String>, logs: &Path) -> Server {
        let mut server = Server {
            name: name.to_string(),
            addr,
            metrics,
            args,
            log: logs.join(format!("{name}.log")),
            child: None,
        };
        server.start();
        server
    }

    fn start(&mut self) {
        assert!(self.child.is_none(), "{} is running", self.name);
        let log = File::options()
            .create(true)
            .append(true)
            .open(&self.log)
            .expect("log file");
        let mut command = vanphong();
        command
            .args(&self.args)
            .stdout(log.try_clone().expect("log file"))
            .stderr(log);
        self.child = Some(command.spawn().expect("vanphong starts"));
    }

    /// Starts the server again after it was killed or stopped.
    pub fn restart(&mut self) {
        self.start();
    }

    /// Kills the process with SIGKILL: no chance to finish anything.
    pub fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            child.kill().expect("SIGKILL");
            child.wait().expect("reaped");
        }
    }

    /// Asks the process to stop with SIGTERM, as Kubernetes and systemd do.
    pub fn terminate(&self) {
        let child = self.child.as_ref().expect("running");
        let sent = Command::new("kill")
            .args(["-TERM", &child.id().to_string()])
            .status()
            .expect("kill -TERM");
        assert!(sent.success(), "SIGTERM sent to {}", self.name);
    }

    /// Whether the process is still running.
    pub fn running(&mut self) -> bool {
        self.child
            .as_mut()
            .is_some_and(|c| c.try_wait().expect("try_wait").is_none())
    }

    /// Waits for the process to exit by itself.
    pub async fn exited(&mut self, within: Duration) -> ExitStatus {
        let name = self.name.clone();
        eventually(within, &format!("{name} exits"), || {
            let running = self.running();
            async move { !running }
        })
        .await;
        let mut child = self.child.take().expect("was running");
        child.wait().expect("reaped")
    }

    /// The end of the server's log, for failure messages.
    pub fn log_tail(&self) -> String {
        let text = std::fs::read_to_string(&self.log).unwrap_or_default();
        let lines: Vec<&str> = text.lines().collect();
        let from = lines.len().saturating_sub(40);
        format!(
            "--- {} ({}) ---\n{}",
            self.name,
            self.log.display(),
            lines[from..].join("\n")
        )
    }

    /// A gRPC channel to this server.
    pub fn channel(&self) -> Channel {
        Channel::from_shared(format!("http://{}", self.addr))
            .expect("uri")
            .connect_timeout(Duration::from_secs(2))
            .connect_lazy()
    }

    /// What the server's grpc.health.v1 says of it as a whole; `None` when
    /// it does not answer.
    pub async fn health(&self) -> Option<ServingStatus> {
        self.health_of("").await
    }

    /// The health this process reports for one health name.
    pub async fn health_of(&self, service: &str) -> Option<ServingStatus> {
        let mut request = tonic::Request::new(HealthCheckRequest {
            service: service.into(),
        });
        request.set_timeout(Duration::from_secs(2));
        let answer = HealthClient::new(self.channel()).check(request).await.ok()?;
        ServingStatus::try_from(answer.into_inner().status).ok()
    }

    /// How many calls of gRPC method `method` this process answered since
    /// it started, by its Prometheus metrics (`rpc_server_calls_total`).
    pub async fn calls_answered(&self, method: &str) -> u64 {
        let addr = self.metrics.expect("a metrics listener");
        let mut stream = TcpStream::connect(addr).await.expect("metrics listener");
        stream
            .write_all(b"GET /metrics HTTP/1.1\r\nHost: metrics\r\nConnection: close\r\n\r\n")
            .await
            .expect("scrape sent");
        let mut text = String::new();
        stream.read_to_string(&mut text).await.expect("scrape read");
        let wanted = format!("rpc_method=\"{method}\"");
        text.lines()
            .filter(|l| l.starts_with("rpc_server_calls_total{") && l.contains(&wanted))
            .filter_map(|l| l.rsplit(' ').next()?.parse::<f64>().ok())
            .sum::<f64>() as u64
    }

    /// Waits until the server reports `wanted`.
    pub async fn reports(&self, wanted: ServingStatus, within: Duration) {
        let what = format!("{} reports {wanted:?}\n{}", self.name, self.log_tail());
        eventually(within, &what, || async { self.health().await == Some(wanted) }).await;
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.kill();
    }
}

/// The `vanphong` command, with none of the caller's `VANPHONG_…` or OTLP
/// settings leaking in.
fn vanphong() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_vanphong"));
    for (name, _) in std::env::vars_os() {
        let name = name.to_string_lossy().into_owned();
        if name.starts_with("VANPHONG_") || name.starts_with("OTEL_") {
            command.env_remove(name);
        }
    }
    command.stdin(Stdio::null());
    command
}

/// A running deployment: a database, the gateway and the documents
/// replicas.
pub struct Deployment {
    // Dropped first: the servers stop before their database.
    pub gateway: Server,
    pub documents: Vec<Server>,
    pub database: Postgres,
    data: TempDir,
}

impl Deployment {
    /// Migrates a fresh cluster and starts the gateway and `replicas`
    /// documents servers, waiting until each answers.
    pub async fn start(bin: &Path, replicas: usize) -> Deployment {
        let database = Postgres::start(bin);
        let data = tempfile::Builder::new()
            .prefix("vanphong-faults-data")
            .tempdir()
            .expect("tempdir");
        let common = |extra: &[String]| -> Vec<String> {
            let mut args: Vec<String> = [
                "--data-dir",
                &data.path().display().to_string(),
                "--database-url",
                &database.url(),
                "--deployment-id",
                "vanphong-faults",
                "--password-hash-memory-kib",
                "64",
                "--db-acquire-timeout-secs",
                "2",
                "--log",
                "info",
            ]
            .map(String::from)
            .to_vec();
            args.extend_from_slice(extra);
            args
        };

        let migrated = vanphong()
            .args(common(&["migrate".into()]))
            .output()
            .expect("migrate runs");
        assert!(
            migrated.status.success(),
            "vanphong migrate: {}",
            String::from_utf8_lossy(&migrated.stderr)
        );

        let loopback = |port: u16| SocketAddr::from(([127, 0, 0, 1], port));
        let replica_addrs: Vec<SocketAddr> = (0..replicas).map(|_| loopback(free_port())).collect();
        let documents_url = replica_addrs
            .iter()
            .map(|a| format!("http://{a}"))
            .collect::<Vec<_>>()
            .join(",");
        let gateway_addr = loopback(free_port());
        let gateway = Server::spawn(
            "gateway",
            gateway_addr,
            None,
            common(&[
                "serve".into(),
                "gateway".into(),
                "--listen".into(),
                gateway_addr.to_string(),
                "--documents-url".into(),
                documents_url,
                "--admin-password".into(),
                ADMIN_PASSWORD.into(),
            ]),
            data.path(),
        );
        gateway.reports(ServingStatus::Serving, START).await;

        let documents = replica_addrs
            .iter()
            .enumerate()
            .map(|(i, addr)| {
                let metrics = loopback(free_port());
                Server::spawn(
                    &format!("documents-{i}"),
                    *addr,
                    Some(metrics),
                    common(&[
                        "serve".into(),
                        "documents".into(),
                        "--listen".into(),
                        addr.to_string(),
                        "--directory-url".into(),
                        format!("http://{gateway_addr}"),
                        "--metrics-listen".into(),
                        metrics.to_string(),
                    ]),
                    data.path(),
                )
            })
            .collect::<Vec<_>>();
        for replica in &documents {
            replica.reports(ServingStatus::Serving, START).await;
        }
        Deployment {
            gateway,
            documents,
            database,
            data,
        }
    }

    /// `vanphong audit verify documents`: every hash chain is whole.
    pub fn verify_audit(&self) {
        let output = vanphong()
            .args(["--database-url", &self.database.url(), "--data-dir"])
            .arg(self.data.path())
            .args(["audit", "verify", "documents"])
            .output()
            .expect("audit verify runs");
        assert!(
            output.status.success(),
            "audit verify: {}\n{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
    }

    /// Every server's recent log, for failure messages.
    pub fn logs(&self) -> String {
        std::iter::once(&self.gateway)
            .chain(&self.documents)
            .map(Server::log_tail)
            .collect::<Vec<_>>()
            .join("\n")
    }
}
