//! Starting the suite's servers.
//!
//! The all-in-one `vanphong serve` starts the gateway (which holds the
//! directory) and each backend service on its own listener in one process.
//! The backends follow the directory's `WatchDirectory` stream and the
//! gateway forwards to them over loopback, exactly as between separate
//! processes, so the all-in-one mode is not a separate code path.

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use chrono::NaiveDate;
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;

use vanphong_gateway::Backend as GatewayBackend;
use vanphong_gateway::directory::bootstrap::{self, FirstAdmin, RootOffice};
use vanphong_gateway::directory::{Directory, DirectoryConfig};
use vanphong_platform::Error;
use vanphong_platform::audit_anchor::AuditKey;
use vanphong_platform::clock::{SharedClock, TravelClock};
use vanphong_platform::config::Settings;
use vanphong_platform::db::Db;
use vanphong_platform::grpc_client::{self, Addresses, InProcessSlot};
use vanphong_platform::host::{self, Runtime};
use vanphong_platform::identity::{
    AuthState, ServiceCredential, TokenIssuer, TokenVerifier, load_or_create_signing_key, load_verifying_key,
};
use vanphong_platform::server::serve;
use vanphong_platform::tree::{Numbering, OfficeKind};

use crate::demo::{self, DemoReport};
use crate::error::CommandError;
use crate::services::{SERVICES, Server, Service};

/// Where the gateway listens unless told otherwise.
pub const DEFAULT_LISTEN: &str = "127.0.0.1:8080";

/// How long a backend waits for the directory's first snapshot.
const DIRECTORY_WAIT: Duration = Duration::from_secs(30);

/// A running suite.
pub struct RunningSuite {
    /// The gateway's address (REST and gRPC).
    pub addr: SocketAddr,
    /// Cancel to shut everything down.
    pub shutdown: CancellationToken,
    /// The first admin's password when this start created it and it was
    /// generated (shown once).
    pub generated_admin_password: Option<String>,
    /// What the demo loaded, if it ran.
    pub demo: Option<DemoReport>,
    /// Where the all-in-one suite's backend services listen, by name
    /// ("documents" …), for callers that reach them directly (tests, tools);
    /// empty when this process runs one server.
    pub backends: Vec<(&'static str, SocketAddr)>,
    servers: Vec<Server>,
}

impl RunningSuite {
    /// Waits until every server has stopped (after `shutdown`).
    pub async fn wait(self) -> Result<(), CommandError> {
        wait_all(self.servers).await
    }

    /// Stops every server and waits for them.
    pub async fn stop(self) -> Result<(), CommandError> {
        self.shutdown.cancel();
        self.wait().await
    }
}

async fn wait_all(servers: Vec<Server>) -> Result<(), CommandError> {
    for server in servers {
        match server.await {
            Ok(result) => result?,
            Err(e) => return Err(Error::internal(e).into()),
        }
    }
    Ok(())
}

/// Opens a service's database and applies its migrations.
pub async fn open_database(
    settings: &Settings,
    service: &str,
    migrations: &vanphong_platform::db::Migrations,
) -> Result<Db, CommandError> {
    let db = Db::connect(&settings.database_for(service)).await?;
    db.migrate(migrations).await?;
    Ok(db)
}

/// The directory's settings; with the demo, its shared password is hashed
/// once for all its people.
fn directory_config(settings: &Settings, demo: bool) -> Result<DirectoryConfig, CommandError> {
    Ok(DirectoryConfig {
        access_token_ttl: settings.access_token_ttl,
        refresh_token_ttl: settings.refresh_token_ttl,
        password_hash_memory_kib: settings.password_hash_memory_kib,
        sign_in_free_failures: settings.sign_in_free_failures,
        sign_in_free_failures_per_address: settings.sign_in_free_failures_per_address,
        sign_in_attempts_per_minute: settings.sign_in_attempts_per_minute,
        trusted_proxies: settings.trusted_proxies.clone(),
        service_credential: ServiceCredential::load_or_create(&settings.service_credential_file)?,
        audit_key: Arc::new(AuditKey::load_or_create(&settings.audit_key_file)?),
        audit_checkpoint_interval: settings.audit_checkpoint_interval,
        shared_password: demo.then(|| demo::DEMO_PASSWORD.to_string()),
    })
}

/// The keys that verify tokens: the configured public keys and, when the
/// signing key is at hand (same data folder), its public half.
fn verifier(settings: &Settings, deployment: &str) -> Result<Arc<TokenVerifier>, CommandError> {
    let mut keys = Vec::new();
    if settings.signing_key_file.exists() {
        keys.push(load_verifying_key(&settings.signing_key_file)?);
    }
    for file in &settings.verifying_key_files {
        keys.push(load_verifying_key(file)?);
    }
    if keys.is_empty() {
        return Err(CommandError::Config(vanphong_platform::config::ConfigError::Invalid(
            format!(
                "no key to verify tokens with: give --verifying-key-files (the gateway's public key) \
             or a --signing-key-file that exists ({} does not)",
                settings.signing_key_file.display()
            ),
        )));
    }
    Ok(Arc::new(TokenVerifier::new(deployment.to_string(), keys)))
}

async fn bind(addr: SocketAddr) -> Result<TcpListener, CommandError> {
    TcpListener::bind(addr)
        .await
        .map_err(|source| CommandError::Listen { addr, source })
}

fn local_addr(listener: &TcpListener, addr: SocketAddr) -> Result<SocketAddr, CommandError> {
    listener
        .local_addr()
        .map_err(|source| CommandError::Listen { addr, source })
}

fn parse_addr(text: &str) -> SocketAddr {
    text.parse().unwrap_or(SocketAddr::from(([127, 0, 0, 1], 8080)))
}

/// The gateway: the directory (bootstrapped on first start, with the demo
/// when asked) and the front door to `backends`.
struct GatewayStart {
    server: Server,
    directory: Arc<Directory>,
    verifier: Arc<TokenVerifier>,
    started: Arc<AtomicBool>,
    admin_password: String,
    bootstrapped: bool,
}

async fn start_gateway(
    settings: &Settings,
    clock: SharedClock,
    demo: bool,
    listener: TcpListener,
    backends: Vec<GatewayBackend>,
    shutdown: &CancellationToken,
) -> Result<GatewayStart, CommandError> {
    let deployment = settings.deployment_id()?;
    let signing_key = load_or_create_signing_key(&settings.signing_key_file)?;
    let verifier = verifier(settings, &deployment)?;
    let issuer = TokenIssuer::new(signing_key, deployment);

    let db = open_database(settings, "directory", &vanphong_gateway::directory::store::MIGRATIONS).await?;
    let directory = Directory::open(
        db,
        clock.clone(),
        issuer,
        directory_config(settings, demo)?,
        shutdown.clone(),
    )
    .await?;
    let admin_password = match (&settings.admin_password, demo) {
        (Some(p), _) => p.expose().to_string(),
        (None, true) => demo::DEMO_PASSWORD.to_string(),
        (None, false) => vanphong_gateway::directory::domain::password::random_secret(12)?,
    };
    let root = if demo {
        demo::root_office()
    } else {
        RootOffice {
            code: settings.root_office_code.clone(),
            name: settings.root_office_name.clone(),
            kind: OfficeKind::Province,
            issuer_code: "TU".into(),
            numbering: Numbering::Party,
            established_on: NaiveDate::from_ymd_opt(2000, 1, 1).unwrap_or_default(),
        }
    };
    let created = bootstrap::bootstrap(
        &directory,
        root,
        FirstAdmin {
            username: "admin".into(),
            full_name: "Quản trị hệ thống".into(),
            password: admin_password.clone(),
        },
    )
    .await?;
    directory.spawn_poller();
    vanphong_platform::idempotency::spawn_purger(directory.db().clone(), clock.clone(), shutdown.clone());

    let auth = AuthState {
        verifier: verifier.clone(),
        directory: directory.view(),
        clock,
    };
    let started = Arc::new(AtomicBool::new(false));
    let options = vanphong_platform::server::ServerOptions {
        accept_http1: true,
        name: "gateway",
        edge: true,
        ..settings.server.clone()
    };
    let (app, _health) = vanphong_gateway::app(&directory, auth, backends, &options, started.clone()).await?;
    let gateway_shutdown = shutdown.clone();
    tracing::info!(addr = ?listener.local_addr().ok(), "gateway listening (REST and gRPC)");
    let server = tokio::spawn(async move { serve(listener, app, &options, gateway_shutdown).await });
    Ok(GatewayStart {
        server,
        directory,
        verifier,
        started,
        admin_password,
        bootstrapped: created.is_some(),
    })
}

/// The backend runtime of this process: the directory followed from
/// `directory_url`.
async fn runtime(
    settings: Settings,
    clock: SharedClock,
    verifier: Arc<TokenVerifier>,
    shutdown: &CancellationToken,
) -> Result<Runtime, CommandError> {
    let channel = grpc_client::channel("directory", &settings.directory_url);
    let credential = ServiceCredential::load(&settings.service_credential_file)?;
    let directory = vanphong_platform::directory::follow(channel, credential, DIRECTORY_WAIT, shutdown.clone()).await?;
    let calendar = Arc::new(host::calendar(&settings)?);
    let audit_key = Arc::new(AuditKey::load(&settings.audit_key_file).map_err(|e| {
        vanphong_platform::config::ConfigError::Invalid(format!(
            "{e}; every server needs the deployment's audit key, which the gateway creates \
             (--audit-key-file / VANPHONG_AUDIT_KEY_FILE)"
        ))
    })?);
    Ok(Runtime {
        audit_key,
        settings: Arc::new(settings),
        clock,
        verifier,
        directory,
        calendar,
        shutdown: shutdown.clone(),
    })
}

/// How much of the demo an empty data folder is filled with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Demo {
    /// Nothing: a root office and its first admin.
    Off,
    /// The offices and their people only (what tests start from).
    People,
    /// Everything: offices, people and each service's demo data.
    Full,
}

/// Starts the gateway with the directory and every service, on
/// `settings.listen` (default 127.0.0.1:8080); the services listen on
/// loopback ports of their own. An empty data folder is filled with as much
/// of the demo as `demo` asks.
pub async fn start(
    settings: &Settings,
    clock: SharedClock,
    demo: Demo,
    shutdown: CancellationToken,
) -> Result<RunningSuite, CommandError> {
    let with_demo = demo != Demo::Off;
    // The full demo goes back to 2025 to tell the reorganisation on its
    // days; every server reads the same travelling clock.
    let travel = (demo == Demo::Full).then(|| Arc::new(TravelClock::new(clock.clone())));
    let clock: SharedClock = match &travel {
        Some(travel) => travel.clone(),
        None => clock,
    };
    let requested = settings.listen.unwrap_or_else(|| parse_addr(DEFAULT_LISTEN));
    let gateway_listener = bind(requested).await?;
    let addr = local_addr(&gateway_listener, requested)?;
    let mut loopbacks = Vec::with_capacity(SERVICES.len());
    for service in SERVICES {
        loopbacks.push(Loopback::bind(service).await?);
    }
    let backends = loopbacks.iter().map(Loopback::entry).collect();
    let backend_addrs = loopbacks.iter().map(|l| (l.service.name, l.addr)).collect();
    let gateway = start_gateway(
        settings,
        clock.clone(),
        with_demo,
        gateway_listener,
        backends,
        &shutdown,
    )
    .await?;

    // The full demo signs what it issues: its CA must exist before the
    // documents service reads its trust anchors and key passphrase.
    let demo_signing = if demo == Demo::Full && gateway.bootstrapped {
        Some(
            demo::signing::DemoSigning::prepare(settings, clock.now().into())
                .map_err(|e| CommandError::Demo(e.to_string()))?,
        )
    } else {
        None
    };
    let mut backend_settings = settings.clone();
    backend_settings.directory_url = Addresses::from(addr);
    // The full demo signs one leader's documents through a signing service
    // of its own, as a deployment would through the national PKI's
    // (docs/domain.md §2.7); a service the operator configured wins.
    if demo == Demo::Full && settings.signing_service_url.is_none() {
        let (url, token) = demo::signing::serve_remote(settings, &shutdown)
            .await
            .map_err(|e| CommandError::Demo(e.to_string()))?;
        backend_settings.signing_service_url = Some(url);
        backend_settings.signing_service_token = Some(vanphong_platform::config::Secret::new(token));
    }
    // Services call each other directly, as separate processes would.
    for loopback in &loopbacks {
        backend_settings
            .service_urls
            .insert(loopback.service.name, Addresses::from(loopback.addr));
    }
    let clock_now = clock.now();
    let runtime = runtime(backend_settings, clock, gateway.verifier.clone(), &shutdown).await?;
    let mut servers = vec![gateway.server];
    for loopback in loopbacks {
        servers.push(loopback.start(&runtime).await?);
    }

    let generated_admin_password = (gateway.bootstrapped && settings.admin_password.is_none() && !with_demo)
        .then(|| gateway.admin_password.clone());
    let demo_report = if with_demo && gateway.bootstrapped {
        Some(
            demo::load(
                addr,
                &gateway.admin_password,
                vanphong_platform::clock::local_date(clock_now),
                demo == Demo::Full,
                demo_signing.as_ref(),
                travel.as_deref(),
            )
            .await
            .map_err(|e| CommandError::Demo(e.to_string()))?,
        )
    } else {
        None
    };
    gateway.started.store(true, Ordering::Release);
    drop(gateway.directory);
    Ok(RunningSuite {
        addr,
        shutdown,
        generated_admin_password,
        demo: demo_report,
        backends: backend_addrs,
        servers,
    })
}

/// A backend of the all-in-one suite on a loopback port of its own (for
/// the other services and callers outside), which the gateway calls in
/// this process once it has started.
struct Loopback {
    service: &'static Service,
    listener: TcpListener,
    addr: SocketAddr,
    in_process: InProcessSlot,
}

impl Loopback {
    async fn bind(service: &'static Service) -> Result<Self, CommandError> {
        let loopback = SocketAddr::from(([127, 0, 0, 1], 0));
        let listener = bind(loopback).await?;
        let addr = local_addr(&listener, loopback)?;
        Ok(Self {
            service,
            listener,
            addr,
            in_process: InProcessSlot::new(),
        })
    }

    /// How the gateway reaches it: in this process once started.
    fn entry(&self) -> GatewayBackend {
        let addresses = Addresses::from(self.addr);
        let channel = grpc_client::channel_in_process(self.service.name, &addresses, self.in_process.clone());
        (self.service.gateway_entry)(channel)
    }

    async fn start(self, runtime: &Runtime) -> Result<Server, CommandError> {
        let started = (self.service.start)(runtime, self.listener).await?;
        self.in_process.fill(started.in_process);
        Ok(started.server)
    }
}

/// Runs `service` alone on `settings.listen` (or its default address).
async fn start_backend(
    service: &'static Service,
    settings: &Settings,
    clock: SharedClock,
    shutdown: CancellationToken,
) -> Result<RunningSuite, CommandError> {
    let requested = settings.listen.unwrap_or_else(|| parse_addr(service.default_listen));
    let listener = bind(requested).await?;
    let addr = local_addr(&listener, requested)?;
    let deployment = settings.deployment_id()?;
    let verifier = verifier(settings, &deployment)?;
    let runtime = runtime(settings.clone(), clock, verifier, &shutdown).await?;
    let server = (service.start)(&runtime, listener).await?.server;
    Ok(RunningSuite {
        addr,
        shutdown,
        generated_admin_password: None,
        demo: None,
        backends: Vec::new(),
        servers: vec![server],
    })
}

/// Runs one server alone, as one process of a distributed deployment.
pub async fn start_one(
    target: &str,
    settings: &Settings,
    clock: SharedClock,
    shutdown: CancellationToken,
) -> Result<RunningSuite, CommandError> {
    match target {
        "gateway" => {
            let requested = settings.listen.unwrap_or_else(|| parse_addr(DEFAULT_LISTEN));
            let listener = bind(requested).await?;
            let addr = local_addr(&listener, requested)?;
            let backends = SERVICES
                .iter()
                .filter_map(|s| {
                    let addresses = settings.service_url(s.name)?;
                    Some((s.gateway_entry)(grpc_client::channel(s.name, addresses)))
                })
                .collect();
            let gateway = start_gateway(settings, clock, false, listener, backends, &shutdown).await?;
            gateway.started.store(true, Ordering::Release);
            Ok(RunningSuite {
                addr,
                shutdown,
                generated_admin_password: (gateway.bootstrapped && settings.admin_password.is_none())
                    .then_some(gateway.admin_password),
                demo: None,
                backends: Vec::new(),
                servers: vec![gateway.server],
            })
        }
        name => match Service::named(name) {
            Some(service) => start_backend(service, settings, clock, shutdown).await,
            None => Err(Error::invalid("target", "UNKNOWN_SERVICE", format!("unknown service {name}")).into()),
        },
    }
}
