//! Running a backend service: one process's worth of one service.
//!
//! A service crate implements [`Backend`] (its name, proto package,
//! migrations and gRPC services), in one line through
//! [`backend!`](crate::backend). [`start`] opens and migrates its database,
//! builds its servers behind token verification and deadlines, reports
//! health (`NOT_SERVING` while its database does not answer), and serves
//! until shutdown. The all-in-one suite starts every backend through here
//! exactly as `vanphong serve <service>` does.

use std::sync::Arc;
use std::time::Duration;

use chrono::NaiveDate;
use tokio::net::TcpListener;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;
use tonic_health::ServingStatus;
use tonic_health::server::HealthReporter;

use crate::Error;
use crate::audit_anchor::{Anchoring, AuditKey};
use crate::audit_state::{StoredState, Unchecked};
use crate::calendar::WorkingCalendar;
use crate::clock::{SharedClock, local_date};
use crate::config::Settings;
use crate::db::{Db, Migrations};
use crate::directory::DirectoryView;
use crate::grpc_client::InProcess;
use crate::identity::{AuthState, TokenVerifier};
use crate::server::{GrpcServices, serve};

/// What a service's handlers share.
#[derive(Clone)]
pub struct ServiceContext {
    pub db: Db,
    pub clock: SharedClock,
    /// The office tree and revocations, kept current from the directory.
    pub directory: DirectoryView,
    pub calendar: Arc<WorkingCalendar>,
    pub settings: Arc<Settings>,
    pub shutdown: CancellationToken,
    /// This service's audit chain name and the key that signs its
    /// checkpoints.
    pub anchoring: Anchoring,
    /// Its entities as their audit records describe them.
    pub audit_states: &'static dyn StoredState,
}

impl ServiceContext {
    /// Today in local time.
    pub fn today(&self) -> NaiveDate {
        local_date(self.clock.now())
    }

    /// Now, by the injected clock.
    pub fn now(&self) -> chrono::DateTime<chrono::Utc> {
        self.clock.now()
    }

    /// The office tree and revocations as last heard from the directory.
    pub fn snapshot(&self) -> Arc<crate::directory::DirectorySnapshot> {
        self.directory.current()
    }

    /// The office holding `office`'s records today: itself, or the office
    /// that succeeded it when it ended. People working on a record must
    /// belong there (docs/domain.md §1, reorganisation).
    pub fn holder(&self, office: uuid::Uuid) -> uuid::Uuid {
        self.snapshot().tree.holder_on(office, self.today())
    }

    /// The office's name, for answers, documents and spreadsheets ("" for
    /// an office the directory does not know).
    pub fn office_name(&self, office: uuid::Uuid) -> String {
        self.snapshot().office_name(office)
    }
}

/// A backend service of the suite.
pub trait Backend {
    /// Its name: database file, schema, command-line target.
    const NAME: &'static str;
    /// Its proto package, by which the gateway routes calls to it.
    const PACKAGE: &'static str;
    /// Its schema.
    fn migrations() -> &'static Migrations;
    /// Its entities as its audit records describe them, so that `VerifyAudit`
    /// catches a row edited straight in the database.
    fn audit_states() -> &'static dyn StoredState {
        &Unchecked
    }
    /// Its gRPC services (after any start-up work, such as seeding
    /// catalogues).
    fn services(context: ServiceContext) -> impl std::future::Future<Output = Result<GrpcServices, Error>> + Send;
}

/// Declares a service crate's [`Backend`], the unit struct `$backend` named
/// `$name` with proto package `vanphong.$name.v1`, from the three items
/// every service crate has in the same place: `store::MIGRATIONS` (its
/// schema), `api::audit::States` (its [`StoredState`]) and `api::services`
/// (its gRPC services from a [`ServiceContext`]). One line per crate:
/// `vanphong_platform::backend!(Documents, "documents");`.
// `crate::` (not `$crate::`) on purpose: the three items are the calling
// crate's.
#[allow(clippy::crate_in_macro_def)]
#[macro_export]
macro_rules! backend {
    ($backend:ident, $name:literal) => {
        #[doc = concat!("The ", $name, " service, as run by the suite or `vanphong serve ", $name, "`.")]
        pub struct $backend;

        impl $crate::host::Backend for $backend {
            const NAME: &'static str = $name;
            const PACKAGE: &'static str = concat!("vanphong.", $name, ".v1");

            fn migrations() -> &'static $crate::db::Migrations {
                &crate::store::MIGRATIONS
            }

            fn audit_states() -> &'static dyn $crate::audit_state::StoredState {
                &crate::api::audit::States
            }

            async fn services(
                context: $crate::host::ServiceContext,
            ) -> Result<$crate::server::GrpcServices, $crate::Error> {
                crate::api::services(context).await
            }
        }
    };
}

/// What every backend of a process shares.
#[derive(Clone)]
pub struct Runtime {
    pub settings: Arc<Settings>,
    pub clock: SharedClock,
    pub verifier: Arc<TokenVerifier>,
    pub directory: DirectoryView,
    pub calendar: Arc<WorkingCalendar>,
    pub shutdown: CancellationToken,
    /// The deployment's audit key (never in a database).
    pub audit_key: Arc<AuditKey>,
}

/// Opens a service's database and applies its migrations.
pub async fn open_database<B: Backend>(settings: &Settings) -> Result<Db, Error> {
    let db = Db::connect(&settings.database_for(B::NAME)).await?;
    db.migrate(B::migrations()).await?;
    Ok(db)
}

/// A service started by [`start`].
pub struct Started {
    /// Ends when the server has stopped.
    pub server: JoinHandle<Result<(), Error>>,
    /// The same service for callers in this process.
    pub in_process: InProcess,
}

/// Starts `B` on `listener`.
pub async fn start<B: Backend>(runtime: &Runtime, listener: TcpListener) -> Result<Started, Error> {
    let db = open_database::<B>(&runtime.settings).await?;
    let context = ServiceContext {
        db: db.clone(),
        clock: runtime.clock.clone(),
        directory: runtime.directory.clone(),
        calendar: runtime.calendar.clone(),
        settings: runtime.settings.clone(),
        shutdown: runtime.shutdown.clone(),
        anchoring: Anchoring {
            chain: B::NAME,
            key: runtime.audit_key.clone(),
        },
        audit_states: B::audit_states(),
    };
    let anchoring = context.anchoring.clone();
    let services = B::services(context).await?;
    let names: Vec<&'static str> = services.names().to_vec();
    let auth = AuthState {
        verifier: runtime.verifier.clone(),
        directory: runtime.directory.clone(),
        clock: runtime.clock.clone(),
    };
    let options = crate::server::ServerOptions {
        name: B::NAME,
        ..runtime.settings.server.clone()
    };
    let (router, health) = services.build(auth, options.request_timeout).await?;
    watch_database(db.clone(), health, names, runtime.shutdown.clone());
    crate::audit_anchor::spawn_anchoring(
        db.clone(),
        anchoring,
        runtime.clock.clone(),
        runtime.settings.audit_checkpoint_interval,
        runtime.shutdown.clone(),
    );
    crate::idempotency::spawn_purger(db, runtime.clock.clone(), runtime.shutdown.clone());
    let shutdown = runtime.shutdown.clone();
    tracing::info!(service = B::NAME, addr = ?listener.local_addr().ok(), "service listening");
    let in_process = crate::server::in_process(router.clone(), &options);
    let server = tokio::spawn(async move { serve(listener, router, &options, shutdown).await });
    Ok(Started { server, in_process })
}

const HEALTH_INTERVAL: Duration = Duration::from_secs(5);

/// Reports the services `NOT_SERVING` while the database does not answer.
fn watch_database(db: Db, health: HealthReporter, names: Vec<&'static str>, shutdown: CancellationToken) {
    tokio::spawn(async move {
        let mut serving = true;
        let mut tick = tokio::time::interval(HEALTH_INTERVAL);
        loop {
            tokio::select! {
                _ = shutdown.cancelled() => return,
                _ = tick.tick() => {}
            }
            let ok = tokio::time::timeout(HEALTH_INTERVAL, db.ping())
                .await
                .is_ok_and(|r| r.is_ok());
            if ok == serving {
                continue;
            }
            serving = ok;
            let status = if ok {
                ServingStatus::Serving
            } else {
                ServingStatus::NotServing
            };
            if ok {
                tracing::info!("database answers again; serving");
            } else {
                tracing::warn!("database does not answer; reporting not serving");
            }
            health.set_service_status("", status).await;
            for name in &names {
                health.set_service_status(*name, status).await;
            }
        }
    });
}

/// The working-day calendar: the configured file, or the built-in one.
pub fn calendar(settings: &Settings) -> Result<WorkingCalendar, Error> {
    match &settings.holidays_file {
        Some(path) => WorkingCalendar::load(path).map_err(|e| Error::internal(e.to_string())),
        None => WorkingCalendar::vietnam_default().map_err(|e| Error::internal(e.to_string())),
    }
}
