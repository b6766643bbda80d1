//! Starting the suite's servers.
//!
//! The all-in-one `vanphong serve` starts the gateway (which holds the
//! directory) and each backend service on its own listener in one process,
//! connected over loopback exactly as separate processes are, so the
//! all-in-one mode is not a separate code path.

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use chrono::NaiveDate;
use tokio::net::TcpListener;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

use vanphong_gateway::directory::bootstrap::{self, FirstAdmin, RootOffice};
use vanphong_gateway::directory::{Directory, DirectoryConfig};
use vanphong_platform::clock::SharedClock;
use vanphong_platform::config::Settings;
use vanphong_platform::db::Db;
use vanphong_platform::identity::{
    AuthState, TokenIssuer, TokenVerifier, load_or_create_signing_key, load_verifying_key,
};
use vanphong_platform::server::serve;
use vanphong_platform::tree::{Numbering, OfficeKind};

use crate::demo::{self, DemoReport};
use crate::error::CommandError;

/// Where the gateway listens unless told otherwise.
pub const DEFAULT_LISTEN: &str = "127.0.0.1:8080";

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
    servers: Vec<JoinHandle<Result<(), vanphong_platform::Error>>>,
}

impl RunningSuite {
    /// Waits until every server has stopped (after `shutdown`).
    pub async fn wait(self) -> Result<(), CommandError> {
        for server in self.servers {
            match server.await {
                Ok(result) => result?,
                Err(e) => return Err(vanphong_platform::Error::internal(e).into()),
            }
        }
        Ok(())
    }

    /// Stops every server and waits for them.
    pub async fn stop(self) -> Result<(), CommandError> {
        self.shutdown.cancel();
        self.wait().await
    }
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

fn directory_config(settings: &Settings) -> DirectoryConfig {
    DirectoryConfig {
        access_token_ttl: settings.access_token_ttl,
        refresh_token_ttl: settings.refresh_token_ttl,
        password_hash_memory_kib: settings.password_hash_memory_kib,
        sign_in_free_failures: settings.sign_in_free_failures,
        sign_in_attempts_per_minute: settings.sign_in_attempts_per_minute,
        trusted_proxies: settings.trusted_proxies.clone(),
    }
}

/// Starts the gateway with the directory and every service that exists,
/// on `settings.listen` (default 127.0.0.1:8080). With `demo`, an empty data
/// folder is filled with the demo data.
pub async fn start(
    settings: &Settings,
    clock: SharedClock,
    demo: bool,
    shutdown: CancellationToken,
) -> Result<RunningSuite, CommandError> {
    let started = Arc::new(AtomicBool::new(false));
    let deployment = settings.deployment_id()?;
    let signing_key = load_or_create_signing_key(&settings.signing_key_file)?;
    let mut verifying = vec![signing_key.verifying_key()];
    for file in &settings.verifying_key_files {
        verifying.push(load_verifying_key(file)?);
    }
    let verifier = Arc::new(TokenVerifier::new(deployment.clone(), verifying));
    let issuer = TokenIssuer::new(signing_key, deployment);

    let db = open_database(settings, "directory", &vanphong_gateway::directory::store::MIGRATIONS).await?;
    let directory = Directory::open(db, clock.clone(), issuer, directory_config(settings), shutdown.clone()).await?;
    let admin_password = match (&settings.admin_password, demo) {
        (Some(p), _) => p.clone(),
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
        verifier,
        directory: directory.view(),
        clock,
    };
    let (app, _health) = vanphong_gateway::app(
        &directory,
        auth,
        Vec::new(),
        &gateway_options(settings),
        started.clone(),
    )
    .await?;
    let addr = settings.listen.unwrap_or_else(|| {
        DEFAULT_LISTEN
            .parse()
            .unwrap_or(SocketAddr::from(([127, 0, 0, 1], 8080)))
    });
    let listener = TcpListener::bind(addr)
        .await
        .map_err(|source| CommandError::Listen { addr, source })?;
    let addr = listener
        .local_addr()
        .map_err(|source| CommandError::Listen { addr, source })?;
    let options = gateway_options(settings);
    let gateway_shutdown = shutdown.clone();
    let gateway = tokio::spawn(async move { serve(listener, app, &options, gateway_shutdown).await });
    tracing::info!(%addr, "gateway listening (REST and gRPC)");

    let generated_admin_password =
        (created.is_some() && settings.admin_password.is_none() && !demo).then(|| admin_password.clone());
    let demo_report = if demo && created.is_some() {
        Some(
            demo::load(addr, &admin_password)
                .await
                .map_err(|e| CommandError::Demo(e.to_string()))?,
        )
    } else {
        None
    };
    started.store(true, Ordering::Release);
    Ok(RunningSuite {
        addr,
        shutdown,
        generated_admin_password,
        demo: demo_report,
        servers: vec![gateway],
    })
}

fn gateway_options(settings: &Settings) -> vanphong_platform::server::ServerOptions {
    vanphong_platform::server::ServerOptions {
        accept_http1: true,
        ..settings.server.clone()
    }
}
