//! The suite as separate `vanphong serve <server>` processes on loopback,
//! exporting to the test's collector.

use std::fs::File;
use std::net::{SocketAddr, TcpListener};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};

/// A running server process; killed when dropped.
pub struct Server {
    pub name: &'static str,
    pub addr: SocketAddr,
    child: Child,
    log: PathBuf,
}

impl Server {
    /// Whether the process has ended (it should not, before the test does).
    pub fn has_exited(&mut self) -> bool {
        self.child.try_wait().is_ok_and(|status| status.is_some())
    }

    /// What it wrote to stdout and stderr, for failure messages.
    pub fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A loopback address nobody listens on (yet).
pub fn free_addr() -> SocketAddr {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
}

/// Where the processes keep their data: SQLite files in `data`, or the
/// test PostgreSQL database in schemas of their own.
pub struct Storage {
    pub data: PathBuf,
    pub database_url: Option<String>,
    pub schema_prefix: String,
}

/// Settings every process of the test shares.
pub struct Wiring {
    pub gateway: SocketAddr,
    pub documents: SocketAddr,
    pub petitions: SocketAddr,
    pub collector: SocketAddr,
    pub admin_password: String,
}

/// Starts `vanphong serve <name>` on `addr` with `extra` variables.
pub fn spawn(
    name: &'static str,
    addr: SocketAddr,
    storage: &Storage,
    wiring: &Wiring,
    extra: &[(&str, String)],
) -> Server {
    let log = storage.data.join(format!("{name}.log"));
    let out = File::create(&log).expect("log file");
    let err = out.try_clone().expect("log file");
    let mut command = Command::new(env!("CARGO_BIN_EXE_vanphong"));
    command
        .args(["serve", name])
        .env_clear()
        .env("VANPHONG_DATA_DIR", &storage.data)
        .env("VANPHONG_LISTEN", addr.to_string())
        .env("VANPHONG_DIRECTORY_URL", format!("http://{}", wiring.gateway))
        .env("VANPHONG_DOCUMENTS_URL", format!("http://{}", wiring.documents))
        .env("VANPHONG_PETITIONS_URL", format!("http://{}", wiring.petitions))
        .env("VANPHONG_ADMIN_PASSWORD", &wiring.admin_password)
        .env("VANPHONG_PASSWORD_HASH_MEMORY_KIB", "64")
        .env("VANPHONG_DEPLOYMENT_ID", "trace-test")
        .env("VANPHONG_LOG", "warn")
        .env("OTEL_EXPORTER_OTLP_ENDPOINT", format!("http://{}", wiring.collector))
        // Export spans within a tenth of a second, metrics twice a second.
        .env("OTEL_BSP_SCHEDULE_DELAY", "100")
        .env("OTEL_METRIC_EXPORT_INTERVAL", "500")
        .stdin(Stdio::null())
        .stdout(Stdio::from(out))
        .stderr(Stdio::from(err));
    if let Some(url) = &storage.database_url {
        command
            .env("VANPHONG_DATABASE_URL", url)
            .env("VANPHONG_DATABASE_SCHEMA_PREFIX", &storage.schema_prefix);
    }
    for (key, value) in extra {
        command.env(key, value);
    }
    let child = command.spawn().expect("vanphong starts");
    Server { name, addr, child, log }
}

/// The logs of every process, for a failure message.
pub fn logs(servers: &[&Server]) -> String {
    servers
        .iter()
        .map(|s| format!("--- {} ({}) ---\n{}", s.name, s.addr, s.log()))
        .collect::<Vec<_>>()
        .join("\n")
}
