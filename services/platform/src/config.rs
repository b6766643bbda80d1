//! Configuration: flags, then environment variables, then an optional TOML
//! file, then defaults that work out of the box.
//!
//! Every setting is one field of [`Options`], which is at once a set of
//! command-line flags (each with its `VANPHONG_…` environment variable) and
//! the schema of the configuration file (the same names in kebab-case).
//! [`Options::resolve`] merges them into [`Settings`].

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::Deserialize;

use crate::db::DatabaseSettings;
use crate::grpc_client::Addresses;
use crate::ip_range::IpRange;
use crate::server::ServerOptions;
use crate::telemetry::LogFormat;

/// Why the configuration is unusable.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read configuration file {path}: {source}")]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("configuration file {path} is not valid: {message}")]
    Parse { path: PathBuf, message: String },
    #[error("{0}")]
    Invalid(String),
}

/// Where attachments' bytes are kept.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum BlobStoreKind {
    /// A folder of the data directory: one machine, backed up with it.
    #[default]
    Local,
    /// S3-compatible object storage, shared by every replica.
    S3,
}

/// Declares [`Options`] with one address setting per service of
/// [`suite_services!`](crate::suite_services), and the names of all its
/// fields for [`Options::over`].
macro_rules! options {
    ($($service:ident: $krate:ident::$backend:ident, $port:literal, $key:ident = $env:literal;)*) => {
/// Settings as given; every field optional.
#[derive(Debug, Clone, Default, clap::Args, Deserialize)]
#[serde(default, rename_all = "kebab-case", deny_unknown_fields)]
pub struct Options {
    /// TOML file with any of these settings (kebab-case names); flags and
    /// environment variables override it.
    #[arg(long, env = "VANPHONG_CONFIG", global = true)]
    #[serde(skip)]
    pub config: Option<PathBuf>,
    /// Folder for SQLite databases, keys and the deployment id
    /// [default: ./vanphong-data].
    #[arg(long, env = "VANPHONG_DATA_DIR", global = true)]
    pub data_dir: Option<PathBuf>,
    /// Address to listen on [default: 127.0.0.1:8080 for the gateway and the
    /// all-in-one suite].
    #[arg(long, env = "VANPHONG_LISTEN", global = true)]
    pub listen: Option<SocketAddr>,
    /// Database URL: postgres://… for PostgreSQL; without it each service
    /// uses a SQLite file in the data folder.
    #[arg(long, env = "VANPHONG_DATABASE_URL", global = true, hide_env_values = true)]
    pub database_url: Option<String>,
    /// PostgreSQL schema for a single service [default: the service's name].
    /// Several services may share one database, each in its own schema.
    #[arg(long, env = "VANPHONG_DATABASE_SCHEMA", global = true)]
    pub database_schema: Option<String>,
    /// Prefix of every service's PostgreSQL schema in the all-in-one suite
    /// (schemas are `<prefix><service>`), e.g. to keep several deployments
    /// or test runs apart in one database [default: none].
    #[arg(long, env = "VANPHONG_DATABASE_SCHEMA_PREFIX", global = true)]
    pub database_schema_prefix: Option<String>,
    /// Connections per service pool [default: 10].
    #[arg(long, env = "VANPHONG_DB_MAX_CONNECTIONS", global = true)]
    pub db_max_connections: Option<u32>,
    /// Seconds a request waits for a database connection [default: 5].
    #[arg(long, env = "VANPHONG_DB_ACQUIRE_TIMEOUT_SECS", global = true)]
    pub db_acquire_timeout_secs: Option<u64>,
    /// Longest a request may run, in seconds [default: 30].
    #[arg(long, env = "VANPHONG_REQUEST_TIMEOUT_SECS", global = true)]
    pub request_timeout_secs: Option<u64>,
    /// Requests in flight per process before new ones are shed [default: 1024].
    #[arg(long, env = "VANPHONG_MAX_CONCURRENT_REQUESTS", global = true)]
    pub max_concurrent_requests: Option<usize>,
    /// Tokio worker threads [default: the number of CPUs]; set it to the
    /// container's CPU limit.
    #[arg(long, env = "VANPHONG_WORKER_THREADS", global = true)]
    pub worker_threads: Option<usize>,
    /// Log filter, e.g. `info` or `info,vanphong_gateway=debug` [default: info].
    #[arg(long, env = "VANPHONG_LOG", global = true)]
    pub log: Option<String>,
    /// Log format [default: text].
    #[arg(long, env = "VANPHONG_LOG_FORMAT", global = true, value_enum)]
    pub log_format: Option<LogFormat>,
    /// Address of a plain HTTP listener serving only `/metrics` (Prometheus
    /// text) for this process, e.g. 0.0.0.0:9464; when set, the gateway no
    /// longer serves `/metrics` on its public port [default: none].
    #[arg(long, env = "VANPHONG_METRICS_LISTEN", global = true)]
    pub metrics_listen: Option<SocketAddr>,
    /// Name of this deployment, written into every token; tokens of other
    /// deployments are refused [default: generated once into the data folder].
    #[arg(long, env = "VANPHONG_DEPLOYMENT_ID", global = true)]
    pub deployment_id: Option<String>,
    /// Ed25519 private key (PKCS#8 PEM) that signs access tokens
    /// [default: generated once into <data-dir>/keys/signing-key.pem].
    #[arg(long, env = "VANPHONG_SIGNING_KEY_FILE", global = true)]
    pub signing_key_file: Option<PathBuf>,
    /// Further public keys (PEM) whose tokens are accepted, e.g. during a key
    /// rotation; comma-separated. Services in their own processes need the
    /// directory's public key here.
    #[arg(long, env = "VANPHONG_VERIFYING_KEY_FILES", global = true, value_delimiter = ',')]
    pub verifying_key_files: Option<Vec<PathBuf>>,
    /// The suite's own credential (a random secret in a file) that its
    /// servers present to the directory to follow its stream of offices and
    /// revoked sessions; the gateway creates it when missing, every other
    /// server needs the same file [default: <data-dir>/keys/service-credential].
    #[arg(long, env = "VANPHONG_SERVICE_CREDENTIAL_FILE", global = true)]
    pub service_credential_file: Option<PathBuf>,
    /// Ed25519 private key (PKCS#8 PEM) that signs the audit chains'
    /// checkpoints and auditors' exports; kept out of the databases so that
    /// someone who can write a database cannot re-sign a rewritten trail.
    /// The gateway creates it when missing; every server needs the same file
    /// [default: <data-dir>/keys/audit-key.pem].
    #[arg(long, env = "VANPHONG_AUDIT_KEY_FILE", global = true)]
    pub audit_key_file: Option<PathBuf>,
    /// Seconds between signed checkpoints of every audit chain's head
    /// [default: 3600].
    #[arg(long, env = "VANPHONG_AUDIT_CHECKPOINT_INTERVAL_SECS", global = true)]
    pub audit_checkpoint_interval_secs: Option<u64>,
    /// Access token lifetime in seconds [default: 900].
    #[arg(long, env = "VANPHONG_ACCESS_TOKEN_TTL_SECS", global = true)]
    pub access_token_ttl_secs: Option<u64>,
    /// Refresh token (session) lifetime in seconds [default: 43200].
    #[arg(long, env = "VANPHONG_REFRESH_TOKEN_TTL_SECS", global = true)]
    pub refresh_token_ttl_secs: Option<u64>,
    /// Memory cost of password hashing (Argon2id), KiB [default: 19456].
    #[arg(long, env = "VANPHONG_PASSWORD_HASH_MEMORY_KIB", global = true)]
    pub password_hash_memory_kib: Option<u32>,
    /// Failed sign-ins allowed per account (username or service client id)
    /// before waits apply: 1 s, 2 s, 4 s … up to 15 minutes [default: 5].
    #[arg(long, env = "VANPHONG_SIGN_IN_FREE_FAILURES", global = true)]
    pub sign_in_free_failures: Option<u32>,
    /// Failed sign-ins allowed per client address before the same waits
    /// apply to every sign-in from it; high, because an office's people often
    /// share one address [default: 50].
    #[arg(long, env = "VANPHONG_SIGN_IN_FREE_FAILURES_PER_ADDRESS", global = true)]
    pub sign_in_free_failures_per_address: Option<u32>,
    /// Sign-in attempts allowed per client address per minute [default: 120].
    #[arg(long, env = "VANPHONG_SIGN_IN_ATTEMPTS_PER_MINUTE", global = true)]
    pub sign_in_attempts_per_minute: Option<u32>,
    /// Largest attachment a document may carry, bytes [default: 52428800,
    /// 50 MiB].
    #[arg(long, env = "VANPHONG_ATTACHMENT_MAX_BYTES", global = true)]
    pub attachment_max_bytes: Option<u64>,
    /// Where the documents service keeps attachments' bytes: `local`
    /// (`<data-dir>/blobs/documents`) or `s3` (a bucket named by the standard
    /// `AWS_*` variables) [default: local].
    #[arg(long, env = "VANPHONG_DOCUMENTS_BLOB_STORE", global = true, value_enum)]
    pub documents_blob_store: Option<BlobStoreKind>,
    /// Roots trusted when checking the digital signatures of documents that
    /// arrive: a PEM file of certificates (the national PKI's roots)
    /// [default: <data-dir>/keys/trust-anchors.pem; none trusted when it
    /// does not exist]. Read when the documents service starts.
    #[arg(long, env = "VANPHONG_TRUST_ANCHORS_FILE", global = true)]
    pub trust_anchors_file: Option<PathBuf>,
    /// Where the documents service keeps the signing keys of people and
    /// offices (encrypted PKCS#8 with their certificate chains; README
    /// "Signed documents") [default: <data-dir>/keys/documents].
    #[arg(long, env = "VANPHONG_DOCUMENT_KEYS_DIR", global = true)]
    pub document_keys_dir: Option<PathBuf>,
    /// The passphrase that opens those keys [default: the file
    /// `passphrase` in that folder, if there is one; without either,
    /// documents are issued unsigned].
    #[arg(
        long,
        env = "VANPHONG_DOCUMENT_KEYS_PASSPHRASE",
        global = true,
        hide_env_values = true
    )]
    pub document_keys_passphrase: Option<String>,
    /// A remote signing service of the national PKI (docs/domain.md §2.7):
    /// its address, `https://…`. People and offices whose key folder holds
    /// `<kind>-<id>.remote` (the service's key id) sign through it instead
    /// of with a key the deployment holds [default: none].
    #[arg(long, env = "VANPHONG_SIGNING_SERVICE_URL", global = true)]
    pub signing_service_url: Option<String>,
    /// The bearer token the suite presents to that service.
    #[arg(
        long,
        env = "VANPHONG_SIGNING_SERVICE_TOKEN",
        global = true,
        hide_env_values = true
    )]
    pub signing_service_token: Option<String>,
    /// How long a remote signature may take, in seconds (a person may
    /// confirm on a phone) [default: 60].
    #[arg(long, env = "VANPHONG_SIGNING_SERVICE_TIMEOUT_SECS", global = true)]
    pub signing_service_timeout_secs: Option<u64>,
    /// Public-holiday calendar (TOML) replacing the built-in Vietnamese one.
    #[arg(long, env = "VANPHONG_HOLIDAYS_FILE", global = true)]
    pub holidays_file: Option<PathBuf>,
    /// Where services reach the directory (the gateway) [default:
    /// http://127.0.0.1:8080]. Like every service address below: one
    /// `http://host:port` or several, comma-separated (a list in the file);
    /// calls are balanced over every replica, and a host name counts for
    /// every address it resolves to (re-resolved every few seconds).
    #[arg(long, env = "VANPHONG_DIRECTORY_URL", global = true)]
    pub directory_url: Option<Addresses>,
    $(
        #[arg(
            long,
            env = $env,
            global = true,
            help = concat!(
                "Where the ", stringify!($service), " service is reached when it runs as its own process \
                 (by the gateway and the services that call it), e.g. http://", stringify!($service), ":", $port
            )
        )]
        pub $key: Option<Addresses>,
    )*
    /// Proxies whose X-Forwarded-For is believed: addresses or networks
    /// (10.0.0.0/8), comma-separated [default: none, so nobody's
    /// X-Forwarded-For is believed].
    #[arg(long, env = "VANPHONG_TRUSTED_PROXIES", global = true, value_delimiter = ',')]
    pub trusted_proxies: Option<Vec<IpRange>>,
    /// Code of the root office created on the first start of an empty
    /// directory [default: TU].
    #[arg(long, env = "VANPHONG_ROOT_OFFICE_CODE", global = true)]
    pub root_office_code: Option<String>,
    /// Name of that root office [default: Tỉnh ủy].
    #[arg(long, env = "VANPHONG_ROOT_OFFICE_NAME", global = true)]
    pub root_office_name: Option<String>,
    /// Password of the first admin, created on the first start of an empty
    /// directory [default: generated and printed once].
    #[arg(long, env = "VANPHONG_ADMIN_PASSWORD", global = true, hide_env_values = true)]
    pub admin_password: Option<String>,
}

/// The per-service address settings, by service name.
fn service_urls(options: &Options) -> BTreeMap<&'static str, Addresses> {
    let mut urls = BTreeMap::new();
    $(
        if let Some(addresses) = &options.$key {
            urls.insert(stringify!($service), addresses.clone());
        }
    )*
    urls
}

impl Options {
    /// Fields set here win over those set in `lower`.
    pub fn over(self, lower: Options) -> Options {
        let high = self;
        merge_fields!(high, lower;
            data_dir, listen, database_url, database_schema, db_max_connections, db_acquire_timeout_secs,
            request_timeout_secs, max_concurrent_requests, worker_threads, log, log_format, metrics_listen, deployment_id,
            signing_key_file, verifying_key_files, service_credential_file, access_token_ttl_secs, refresh_token_ttl_secs,
            password_hash_memory_kib, sign_in_free_failures, holidays_file, directory_url, trusted_proxies,
            admin_password, database_schema_prefix, root_office_code, root_office_name, sign_in_attempts_per_minute, sign_in_free_failures_per_address,
            attachment_max_bytes, documents_blob_store, audit_key_file, audit_checkpoint_interval_secs, trust_anchors_file,
            document_keys_dir, document_keys_passphrase, signing_service_url, signing_service_token,
            signing_service_timeout_secs,
            $($key,)*
        )
    }
}
    };
}

macro_rules! merge_fields {
    ($high:ident, $low:ident; $($field:ident),* $(,)?) => {
        Options { config: $high.config.or($low.config), $($field: $high.$field.or($low.$field)),* }
    };
}

crate::suite_services!(options);

/// A setting that must never reach a log or an error message: a
/// password or a passphrase. It shows as `***` when the settings are
/// printed for debugging.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Secret {
        Secret(value.into())
    }

    /// The value itself, for the one place that uses it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("***")
    }
}

/// Fully resolved settings.
#[derive(Debug, Clone)]
pub struct Settings {
    pub data_dir: PathBuf,
    /// `None`: the caller's default for its role.
    pub listen: Option<SocketAddr>,
    pub database_url: Option<String>,
    pub database_schema: Option<String>,
    pub database_schema_prefix: String,
    pub db_max_connections: u32,
    pub db_acquire_timeout: Duration,
    pub server: ServerOptions,
    pub worker_threads: Option<usize>,
    pub log: String,
    pub log_format: LogFormat,
    /// Where this process serves `/metrics` apart from its callers' ports.
    pub metrics_listen: Option<SocketAddr>,
    pub deployment_id: Option<String>,
    pub signing_key_file: PathBuf,
    pub verifying_key_files: Vec<PathBuf>,
    pub service_credential_file: PathBuf,
    pub audit_key_file: PathBuf,
    pub audit_checkpoint_interval: Duration,
    pub trust_anchors_file: PathBuf,
    pub document_keys_dir: PathBuf,
    pub document_keys_passphrase: Option<Secret>,
    pub signing_service_url: Option<String>,
    pub signing_service_token: Option<Secret>,
    pub signing_service_timeout: Duration,
    pub access_token_ttl: Duration,
    pub refresh_token_ttl: Duration,
    pub password_hash_memory_kib: u32,
    pub sign_in_free_failures: u32,
    pub sign_in_free_failures_per_address: u32,
    pub sign_in_attempts_per_minute: u32,
    pub holidays_file: Option<PathBuf>,
    pub attachment_max_bytes: u64,
    pub documents_blob_store: BlobStoreKind,
    pub directory_url: Addresses,
    /// Where each backend service runs as a process of its own, by name
    /// ("documents" …); see [`Settings::service_url`].
    pub service_urls: BTreeMap<&'static str, Addresses>,
    pub trusted_proxies: Vec<IpRange>,
    pub admin_password: Option<Secret>,
    pub root_office_code: String,
    pub root_office_name: String,
}

impl Options {
    /// Reads a configuration file.
    pub fn from_file(path: &Path) -> Result<Options, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
            path: path.to_path_buf(),
            source,
        })?;
        toml::from_str(&text).map_err(|e| ConfigError::Parse {
            path: path.to_path_buf(),
            message: e.to_string(),
        })
    }

    /// Merges flags and environment (already in `self`) over the file named
    /// by `--config`, then applies defaults.
    pub fn resolve(self) -> Result<Settings, ConfigError> {
        let merged = match &self.config {
            Some(path) => {
                let file = Options::from_file(path)?;
                self.over(file)
            }
            None => self,
        };
        merged.into_settings()
    }

    fn into_settings(self) -> Result<Settings, ConfigError> {
        let service_urls = service_urls(&self);
        let data_dir = self.data_dir.unwrap_or_else(|| PathBuf::from("vanphong-data"));
        let positive = |name: &str, value: Option<u64>, default: u64| -> Result<u64, ConfigError> {
            match value {
                Some(0) => Err(ConfigError::Invalid(format!("{name} must be greater than 0"))),
                Some(v) => Ok(v),
                None => Ok(default),
            }
        };
        let request_timeout = Duration::from_secs(positive("request-timeout-secs", self.request_timeout_secs, 30)?);
        let access_ttl = positive("access-token-ttl-secs", self.access_token_ttl_secs, 900)?;
        let refresh_ttl = positive("refresh-token-ttl-secs", self.refresh_token_ttl_secs, 43_200)?;
        if refresh_ttl < access_ttl {
            return Err(ConfigError::Invalid(
                "refresh-token-ttl-secs must not be shorter than access-token-ttl-secs".into(),
            ));
        }
        let memory = self.password_hash_memory_kib.unwrap_or(19_456);
        if !(8..=4_194_304).contains(&memory) {
            return Err(ConfigError::Invalid(
                "password-hash-memory-kib must be between 8 and 4194304".into(),
            ));
        }
        if let Some(url) = &self.database_url
            && !(url.starts_with("postgres:") || url.starts_with("postgresql:") || url.starts_with("sqlite:"))
        {
            return Err(ConfigError::Invalid(
                "database-url must start with postgres://, postgresql:// or sqlite://".into(),
            ));
        }
        let attachment_max_bytes = positive("attachment-max-bytes", self.attachment_max_bytes, 50 * 1024 * 1024)?;
        if attachment_max_bytes > i64::MAX as u64 {
            return Err(ConfigError::Invalid("attachment-max-bytes is too large".into()));
        }
        if self.worker_threads == Some(0) {
            return Err(ConfigError::Invalid("worker-threads must be greater than 0".into()));
        }
        Ok(Settings {
            signing_key_file: self
                .signing_key_file
                .unwrap_or_else(|| data_dir.join("keys").join("signing-key.pem")),
            service_credential_file: self
                .service_credential_file
                .unwrap_or_else(|| data_dir.join("keys").join("service-credential")),
            audit_key_file: self
                .audit_key_file
                .unwrap_or_else(|| data_dir.join("keys").join("audit-key.pem")),
            trust_anchors_file: self
                .trust_anchors_file
                .unwrap_or_else(|| data_dir.join("keys").join("trust-anchors.pem")),
            document_keys_dir: self
                .document_keys_dir
                .unwrap_or_else(|| data_dir.join("keys").join("documents")),
            document_keys_passphrase: self.document_keys_passphrase.map(Secret),
            signing_service_url: self.signing_service_url.filter(|u| !u.trim().is_empty()),
            signing_service_token: self.signing_service_token.map(Secret),
            signing_service_timeout: Duration::from_secs(positive(
                "signing-service-timeout-secs",
                self.signing_service_timeout_secs,
                60,
            )?),
            audit_checkpoint_interval: Duration::from_secs(positive(
                "audit-checkpoint-interval-secs",
                self.audit_checkpoint_interval_secs,
                3600,
            )?),
            listen: self.listen,
            database_url: self.database_url,
            database_schema: self.database_schema,
            database_schema_prefix: self.database_schema_prefix.unwrap_or_default(),
            db_max_connections: self.db_max_connections.unwrap_or(10).max(1),
            db_acquire_timeout: Duration::from_secs(positive(
                "db-acquire-timeout-secs",
                self.db_acquire_timeout_secs,
                5,
            )?),
            server: ServerOptions {
                request_timeout,
                max_concurrent_requests: self.max_concurrent_requests.unwrap_or(1024).max(1),
                metrics_route: self.metrics_listen.is_none(),
                ..ServerOptions::default()
            },
            metrics_listen: self.metrics_listen,
            worker_threads: self.worker_threads,
            log: self.log.unwrap_or_else(|| "info".into()),
            log_format: self.log_format.unwrap_or_default(),
            deployment_id: self.deployment_id,
            verifying_key_files: self.verifying_key_files.unwrap_or_default(),
            access_token_ttl: Duration::from_secs(access_ttl),
            refresh_token_ttl: Duration::from_secs(refresh_ttl),
            password_hash_memory_kib: memory,
            sign_in_free_failures: self.sign_in_free_failures.unwrap_or(5),
            sign_in_free_failures_per_address: self.sign_in_free_failures_per_address.unwrap_or(50),
            sign_in_attempts_per_minute: self.sign_in_attempts_per_minute.unwrap_or(120).max(1),
            holidays_file: self.holidays_file,
            attachment_max_bytes,
            documents_blob_store: self.documents_blob_store.unwrap_or_default(),
            directory_url: self
                .directory_url
                .unwrap_or_else(|| Addresses::from(SocketAddr::from(([127, 0, 0, 1], 8080)))),
            service_urls,
            trusted_proxies: self.trusted_proxies.unwrap_or_default(),
            admin_password: self.admin_password.map(Secret),
            root_office_code: self.root_office_code.unwrap_or_else(|| "TU".into()),
            root_office_name: self.root_office_name.unwrap_or_else(|| "Tỉnh ủy".into()),
            data_dir,
        })
    }
}

impl Settings {
    /// Where the backend service `name` ("documents" …) runs as a process of
    /// its own; `None` when not configured.
    pub fn service_url(&self, name: &str) -> Option<&Addresses> {
        self.service_urls.get(name)
    }

    /// The database of one service: PostgreSQL in the schema named after the
    /// service (unless one is configured), or `<data-dir>/<service>.db`.
    pub fn database_for(&self, service: &str) -> DatabaseSettings {
        let (url, schema) = match &self.database_url {
            Some(url) if url.starts_with("sqlite:") => (url.clone(), None),
            Some(url) => (
                url.clone(),
                Some(
                    self.database_schema
                        .clone()
                        .unwrap_or_else(|| format!("{}{service}", self.database_schema_prefix)),
                ),
            ),
            None => (
                format!(
                    "sqlite://{}?mode=rwc",
                    self.data_dir.join(format!("{service}.db")).display()
                ),
                None,
            ),
        };
        DatabaseSettings {
            url,
            schema,
            max_connections: self.db_max_connections,
            acquire_timeout: self.db_acquire_timeout,
        }
    }

    /// The deployment's name: configured, or generated once into the data
    /// folder.
    pub fn deployment_id(&self) -> Result<String, ConfigError> {
        if let Some(id) = &self.deployment_id {
            return Ok(id.clone());
        }
        let path = self.data_dir.join("deployment-id");
        match std::fs::read_to_string(&path) {
            Ok(id) if !id.trim().is_empty() => Ok(id.trim().to_string()),
            _ => {
                let id = format!("vanphong-{}", uuid::Uuid::new_v4().simple());
                std::fs::create_dir_all(&self.data_dir).map_err(|source| ConfigError::Read {
                    path: self.data_dir.clone(),
                    source,
                })?;
                std::fs::write(&path, &id).map_err(|source| ConfigError::Read { path, source })?;
                Ok(id)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_win_over_file_and_defaults_fill_the_rest() {
        let dir = tempfile::tempdir().expect("tempdir");
        let file = dir.path().join("vanphong.toml");
        std::fs::write(
            &file,
            "listen = \"0.0.0.0:9000\"\nlog = \"debug\"\ndb-max-connections = 3\n",
        )
        .expect("write");
        let flags = Options {
            config: Some(file),
            log: Some("warn".into()),
            ..Options::default()
        };
        let s = flags.resolve().expect("settings");
        assert_eq!(s.listen, Some("0.0.0.0:9000".parse().expect("addr")));
        assert_eq!(s.log, "warn");
        assert_eq!(s.db_max_connections, 3);
        assert_eq!(s.access_token_ttl, Duration::from_secs(900));
        assert_eq!(s.database_for("directory").schema, None);
    }

    #[test]
    fn passwords_and_passphrases_never_show_when_settings_are_printed() {
        let settings = Options {
            admin_password: Some("mật-khẩu-quản-trị".into()),
            document_keys_passphrase: Some("cụm-mật-khẩu-khóa".into()),
            ..Options::default()
        }
        .resolve()
        .expect("settings");
        let printed = format!("{settings:?}");
        assert!(!printed.contains("mật-khẩu-quản-trị"), "{printed}");
        assert!(!printed.contains("cụm-mật-khẩu-khóa"), "{printed}");
        assert_eq!(
            settings.admin_password.as_ref().map(Secret::expose),
            Some("mật-khẩu-quản-trị")
        );
    }

    #[test]
    fn unknown_keys_and_bad_values_are_refused() {
        let dir = tempfile::tempdir().expect("tempdir");
        let file = dir.path().join("bad.toml");
        std::fs::write(&file, "lisen = \"x\"\n").expect("write");
        let bad = Options {
            config: Some(file),
            ..Options::default()
        };
        assert!(matches!(bad.resolve(), Err(ConfigError::Parse { .. })));
        let zero = Options {
            request_timeout_secs: Some(0),
            ..Options::default()
        };
        assert!(matches!(zero.resolve(), Err(ConfigError::Invalid(_))));
    }

    #[test]
    fn attachments_stay_local_unless_s3_is_asked_for() {
        let dir = tempfile::tempdir().expect("tempdir");
        assert_eq!(
            Options::default().resolve().expect("settings").documents_blob_store,
            BlobStoreKind::Local
        );
        let file = dir.path().join("s3.toml");
        std::fs::write(&file, "documents-blob-store = \"s3\"\n").expect("write");
        let s3 = Options {
            config: Some(file),
            ..Options::default()
        };
        assert_eq!(s3.resolve().expect("settings").documents_blob_store, BlobStoreKind::S3);
        let file = dir.path().join("ftp.toml");
        std::fs::write(&file, "documents-blob-store = \"ftp\"\n").expect("write");
        let ftp = Options {
            config: Some(file),
            ..Options::default()
        };
        assert!(matches!(ftp.resolve(), Err(ConfigError::Parse { .. })));
    }

    #[test]
    fn postgres_services_get_their_own_schema() {
        let s = Options {
            database_url: Some("postgres://vp@db/vanphong".into()),
            ..Options::default()
        }
        .resolve()
        .expect("settings");
        assert_eq!(s.database_for("documents").schema.as_deref(), Some("documents"));
    }

    #[test]
    fn service_addresses_are_lists_in_the_file_and_comma_separated_in_flags() {
        use clap::Parser;

        #[derive(Parser)]
        struct Command {
            #[command(flatten)]
            options: Options,
        }
        let dir = tempfile::tempdir().expect("tempdir");
        let file = dir.path().join("vanphong.toml");
        std::fs::write(
            &file,
            "documents-url = [\"http://10.0.0.1:50061\", \"http://10.0.0.2:50061\"]\n\
             finance-url = \"http://finance:50063\"\n",
        )
        .expect("write");
        let command = Command::try_parse_from([
            "vanphong",
            "--config",
            file.to_str().expect("utf-8"),
            "--petitions-url",
            "http://petitions-0:50062,http://petitions-1:50062",
        ])
        .expect("flags");
        let s = command.options.resolve().expect("settings");
        let shown = |name: &str| s.service_url(name).map(ToString::to_string);
        assert_eq!(
            shown("documents").as_deref(),
            Some("http://10.0.0.1:50061,http://10.0.0.2:50061")
        );
        assert_eq!(
            shown("petitions").as_deref(),
            Some("http://petitions-0:50062,http://petitions-1:50062")
        );
        assert_eq!(shown("finance").as_deref(), Some("http://finance:50063"));
        assert_eq!(shown("reporting"), None);
        assert_eq!(s.directory_url.to_string(), "http://127.0.0.1:8080");

        assert!(Command::try_parse_from(["vanphong", "--documents-url", "documents:50061"]).is_err());
        std::fs::write(&file, "documents-url = [\"ftp://x\"]\n").expect("write");
        let bad = Options {
            config: Some(file),
            ..Options::default()
        };
        assert!(matches!(bad.resolve(), Err(ConfigError::Parse { .. })));
    }
}
