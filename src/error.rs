//! Why a command failed.

use vanphong_platform::config::ConfigError;
use vanphong_platform::db::StoreError;
use vanphong_platform::identity::{CredentialError, KeyError};
use vanphong_platform::telemetry::TelemetryError;

/// Failures of the `vanphong` command, each with what to fix.
#[derive(Debug, thiserror::Error)]
pub enum CommandError {
    #[error(transparent)]
    Config(#[from] ConfigError),
    #[error("database: {0}")]
    Store(#[from] StoreError),
    #[error("signing keys: {0}")]
    Keys(#[from] KeyError),
    #[error("{0}")]
    ServiceCredential(#[from] CredentialError),
    #[error("telemetry: {0}")]
    Telemetry(#[from] TelemetryError),
    #[error("cannot listen on {addr}: {source}")]
    Listen {
        addr: std::net::SocketAddr,
        #[source]
        source: std::io::Error,
    },
    #[error("{0}")]
    Platform(#[from] vanphong_platform::Error),
    #[error("demo data: {0}")]
    Demo(String),
    #[error("the audit trail is broken in {0} chain(s)")]
    AuditBroken(usize),
    #[error("tệp xuất nhật ký KHÔNG nguyên vẹn — the audit export does not hold: {0}")]
    ExportBroken(String),
    #[error("{0}")]
    Usage(String),
    #[error("{}: {source}", path.display())]
    File {
        path: std::path::PathBuf,
        #[source]
        source: std::io::Error,
    },
}
