//! The suite under load: started in this process exactly as `vanphong
//! serve` starts it (gateway, directory and every service on their own
//! listeners, the demo's offices and people), on SQLite or PostgreSQL.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::str::FromStr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::Bytes;
use chrono::{Datelike, NaiveDate, Utc};
use http_body_util::{BodyExt, Empty};
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use sqlx::postgres::PgConnectOptions;
use sqlx::sqlite::SqliteConnectOptions;
use tonic::transport::Channel;

use vanphong::demo::{DEMO_PASSWORD, DemoReport};
use vanphong::suite::{self, RunningSuite};
use vanphong_platform::clock::{SystemClock, local_date, start_of_local_day, to_micros};
use vanphong_platform::config::{Options, Settings};
use vanphong_platform::db::DatabaseSettings;
use vanphong_platform::identity::Role;
use vanphong_proto::directory::v1::SignInRequest;
use vanphong_proto::directory::v1::auth_service_client::AuthServiceClient;
use vanphong_proto::documents::v1::document_query_service_client::DocumentQueryServiceClient;
use vanphong_proto::documents::v1::incoming_service_client::IncomingServiceClient;
use vanphong_proto::documents::v1::register_service_client::RegisterServiceClient;
use vanphong_proto::documents::v1::{
    Document, ExportRegisterRequest, GetDocumentRequest, RegisterBook, RegisterIncomingRequest,
};

use crate::error::BenchError;
use crate::load::{self, AlternatedTimes, Stats};

/// The demo's offices, by the prefix of their users' names.
pub const OFFICES: [&str; 6] = ["hiephoa", "vietyen", "yendung", "tu", "bacly", "hoangvan"];

/// A running suite and what the benchmark knows of it.
pub struct Suite {
    running: Option<RunningSuite>,
    settings: Settings,
    demo: DemoReport,
    channel: Channel,
    /// Registrations acknowledged per office slug, to compare with what is
    /// stored.
    acknowledged: Arc<Mutex<HashMap<&'static str, u64>>>,
    _data: tempfile::TempDir,
}

impl Suite {
    /// Starts the suite with the demo's offices and people, on SQLite in a
    /// temporary folder or on PostgreSQL in schemas of its own.
    pub async fn start(postgres: Option<&str>, log: &str) -> Result<Suite, BenchError> {
        let data = tempfile::tempdir().map_err(|e| BenchError::setup("data folder", e))?;
        let mut options = Options {
            data_dir: Some(data.path().to_path_buf()),
            listen: Some(SocketAddr::from(([127, 0, 0, 1], 0))),
            log: Some(log.to_string()),
            ..Options::default()
        };
        if let Some(url) = postgres {
            options.database_url = Some(url.to_string());
            let unique = uuid::Uuid::now_v7().simple().to_string();
            options.database_schema_prefix = Some(format!("bench{}_", &unique[unique.len() - 10..]));
        }
        let settings = options.resolve().map_err(|e| BenchError::setup("settings", e))?;
        let telemetry = vanphong_platform::telemetry::init("bench", &settings.log, settings.log_format)
            .map_err(|e| BenchError::setup("telemetry", e))?;
        // Logging stays installed for the rest of the run.
        std::mem::forget(telemetry);
        let running = suite::start(
            &settings,
            Arc::new(SystemClock),
            suite::Demo::People,
            Default::default(),
        )
        .await
        .map_err(|e| BenchError::setup("the suite", e))?;
        let demo = running
            .demo
            .clone()
            .ok_or_else(|| BenchError::setup("the suite", "the demo did not load"))?;
        let channel = channel(running.addr).await?;
        Ok(Suite {
            running: Some(running),
            settings,
            demo,
            channel,
            acknowledged: Arc::default(),
            _data: data,
        })
    }

    /// The id of the demo's office `slug`.
    pub fn office_id(&self, slug: &str) -> Result<String, BenchError> {
        Ok(self
            .demo
            .office(slug)
            .ok_or_else(|| BenchError::setup("demo office", slug.to_string()))?
            .id
            .clone())
    }

    /// A channel to the gateway's gRPC.
    pub fn channel(&self) -> Channel {
        self.channel.clone()
    }

    fn addr(&self) -> Result<SocketAddr, BenchError> {
        self.running
            .as_ref()
            .map(|r| r.addr)
            .ok_or_else(|| BenchError::setup("the suite", "stopped"))
    }

    /// An access token of the demo's clerk (văn thư) of office `slug`.
    pub async fn clerk_token(&self, slug: &str) -> Result<String, BenchError> {
        let username = self
            .demo
            .username(slug, Role::Clerk)
            .ok_or_else(|| BenchError::setup("demo clerk", slug.to_string()))?;
        Ok(AuthServiceClient::new(self.channel.clone())
            .sign_in(SignInRequest {
                username: username.into(),
                password: DEMO_PASSWORD.into(),
            })
            .await
            .map_err(BenchError::call("sign in"))?
            .into_inner()
            .access_token)
    }

    /// `clients` clerks registering incoming documents for `length`, client
    /// `i` in office `offices[i % offices.len()]`; each document different
    /// (number and subject), so none is a duplicate.
    pub async fn register_incoming(
        &self,
        offices: &[&'static str],
        clients: usize,
        length: Duration,
    ) -> Result<Stats, BenchError> {
        let mut tokens = Vec::with_capacity(offices.len());
        for slug in offices {
            tokens.push((*slug, self.clerk_token(slug).await?));
        }
        let tokens = Arc::new(tokens);
        let channel = self.channel.clone();
        let acknowledged = self.acknowledged.clone();
        let run = uuid::Uuid::now_v7().simple().to_string();
        let stats = load::run(clients, length, move |client, n| {
            let (slug, token) = tokens[client % tokens.len()].clone();
            let mut incoming = IncomingServiceClient::new(channel.clone());
            let acknowledged = acknowledged.clone();
            let request = authed(
                RegisterIncomingRequest {
                    type_code: "CV".into(),
                    subject: format!("Công văn về công tác tháng 3, lượt {run}, người {client}, số {n}"),
                    number: (client as i64) * 1_000_000 + n as i64 + 1,
                    symbol: format!("UBND-VP-{}", &run[run.len() - 6..]),
                    issued_on: "2026-02-20".into(),
                    issuer_name: "Ủy ban nhân dân huyện Hiệp Hòa".into(),
                    issuer_code: "UBND".into(),
                    signer_name: "Nguyễn Văn Hải".into(),
                    pages: 2,
                    ..Default::default()
                },
                &token,
            );
            async move {
                incoming.register_incoming(request).await.map_err(|s| s.to_string())?;
                if let Ok(mut counts) = acknowledged.lock() {
                    *counts.entry(slug).or_default() += 1;
                }
                Ok(())
            }
        })
        .await;
        Ok(stats)
    }

    /// Every acknowledged registration is stored, and each office's
    /// incoming numbers this year run 1, 2, 3 … without a gap or a repeat.
    pub async fn check_numbering(&self) -> Result<u64, BenchError> {
        let acknowledged = self.acknowledged.lock().map(|c| c.clone()).unwrap_or_default();
        let db = self.documents_db().await?;
        let year = i64::from(local_date(Utc::now()).year());
        let mut checked = 0;
        for (slug, count) in acknowledged {
            let office = self
                .demo
                .office(slug)
                .ok_or_else(|| BenchError::setup("demo office", slug))?
                .id
                .clone();
            let sql = "SELECT arrival_number FROM documents WHERE office_id = $1 AND direction = 'incoming' \
                       AND arrival_year = $2 ORDER BY arrival_number";
            let numbers: Vec<i64> = match &db {
                Raw::Sqlite(pool) => sqlx::query_scalar(sql).bind(&office).bind(year).fetch_all(pool).await,
                Raw::Postgres(pool) => sqlx::query_scalar(sql).bind(&office).bind(year).fetch_all(pool).await,
            }
            .map_err(BenchError::sql("stored numbers"))?;
            if numbers.len() as u64 != count {
                return Err(BenchError::Check(format!(
                    "{slug}: {count} registrations acknowledged, {} stored",
                    numbers.len()
                )));
            }
            if let Some((i, n)) = numbers.iter().enumerate().find(|(i, n)| **n != *i as i64 + 1) {
                return Err(BenchError::Check(format!(
                    "{slug}: the {}th number stored is {n}: a gap or a repeat",
                    i + 1
                )));
            }
            checked += count;
        }
        db.close().await;
        Ok(checked)
    }

    /// The documents service's database, opened by hand (the floors'
    /// SQL runs on it as an operator's would).
    pub async fn documents_db(&self) -> Result<Raw, BenchError> {
        Raw::connect(&self.settings.database_for("documents")).await
    }

    /// A document of office `slug` and a token that may read it.
    pub async fn some_document(&self, slug: &str) -> Result<(Document, String), BenchError> {
        let token = self.clerk_token(slug).await?;
        let mut incoming = IncomingServiceClient::new(self.channel.clone());
        let document = incoming
            .register_incoming(authed(
                RegisterIncomingRequest {
                    type_code: "CV".into(),
                    subject: "Công văn về việc chuẩn bị hội nghị sơ kết quý I".into(),
                    number: 7_000_001,
                    symbol: "UBND-VP".into(),
                    issued_on: "2026-02-20".into(),
                    issuer_name: "Ủy ban nhân dân huyện Hiệp Hòa".into(),
                    issuer_code: "UBND".into(),
                    signer_name: "Nguyễn Văn Hải".into(),
                    pages: 2,
                    ..Default::default()
                },
                &token,
            ))
            .await
            .map_err(BenchError::call("register the document to read"))?
            .into_inner();
        if let Ok(mut counts) = self.acknowledged.lock()
            && let Some(slug) = OFFICES.iter().find(|s| **s == slug)
        {
            *counts.entry(slug).or_default() += 1;
        }
        Ok((document, token))
    }

    /// GetDocument over gRPC at `addr` (the gateway or the documents
    /// service itself), `in_flight` calls at a time over one channel.
    pub async fn get_document_grpc(
        &self,
        addr: SocketAddr,
        id: &str,
        token: &str,
        in_flight: usize,
        length: Duration,
    ) -> Result<Stats, BenchError> {
        let channel = channel(addr).await?;
        let id = id.to_string();
        let token = token.to_string();
        Ok(load::run(in_flight, length, move |_, _| {
            let mut queries = DocumentQueryServiceClient::new(channel.clone());
            let request = authed(
                GetDocumentRequest {
                    document_id: id.clone(),
                },
                &token,
            );
            async move {
                queries
                    .get_document(request)
                    .await
                    .map(|_| ())
                    .map_err(|s| s.to_string())
            }
        })
        .await)
    }

    pub fn gateway(&self) -> Result<SocketAddr, BenchError> {
        self.addr()
    }

    /// Where the documents service listens, past the gateway.
    pub fn documents_service(&self) -> Result<SocketAddr, BenchError> {
        self.running
            .as_ref()
            .and_then(|r| r.backends.iter().find(|(name, _)| *name == "documents"))
            .map(|(_, addr)| *addr)
            .ok_or_else(|| BenchError::setup("the documents service", "no address"))
    }

    /// `GET /api/v1/documents/{id}` through the gateway's REST API.
    pub async fn get_document_rest(
        &self,
        id: &str,
        token: &str,
        in_flight: usize,
        length: Duration,
    ) -> Result<Stats, BenchError> {
        let client: Client<_, Empty<Bytes>> = Client::builder(TokioExecutor::new()).build_http();
        let uri: http::Uri = format!("http://{}/api/v1/documents/{id}", self.addr()?)
            .parse()
            .map_err(|e| BenchError::setup("REST address", e))?;
        let authorization = format!("Bearer {token}");
        Ok(load::run(in_flight, length, move |_, _| {
            let request = http::Request::get(uri.clone())
                .header("authorization", authorization.as_str())
                .body(Empty::new());
            let client = client.clone();
            async move {
                let response = client
                    .request(request.map_err(|e| e.to_string())?)
                    .await
                    .map_err(|e| e.to_string())?;
                let status = response.status();
                response.into_body().collect().await.map_err(|e| e.to_string())?;
                if status.is_success() {
                    Ok(())
                } else {
                    Err(format!("HTTP {status}"))
                }
            }
        })
        .await)
    }

    /// The incoming register book of office `slug` for this month so far:
    /// its export (XLSX) against the same rows read by hand-written SQL on
    /// the documents database, its floor, in `rounds` alternate rounds. The
    /// baseline's result is the number of rows.
    pub async fn export_register(&self, slug: &str, rounds: usize) -> Result<AlternatedTimes<usize>, BenchError> {
        let token = self.clerk_token(slug).await?;
        let office = self
            .demo
            .office(slug)
            .ok_or_else(|| BenchError::setup("demo office", slug.to_string()))?
            .id
            .clone();
        let (from, to) = this_month();
        let start = local_midnight(from);
        let end = local_midnight(to.succ_opt().unwrap_or(to));
        let db = self.documents_db().await?;
        let registers = RegisterServiceClient::new(self.channel.clone());
        let sql = "SELECT * FROM documents WHERE office_id = $1 AND direction = 'incoming' \
                   AND registered_at >= $2 AND registered_at < $3 ORDER BY arrival_year, arrival_number";
        let by_sql = || {
            let (db, office) = (&db, &office);
            async move {
                let rows = match db {
                    Raw::Sqlite(pool) => sqlx::query(sql)
                        .bind(office)
                        .bind(start)
                        .bind(end)
                        .fetch_all(pool)
                        .await
                        .map(|r| r.len()),
                    Raw::Postgres(pool) => sqlx::query(sql)
                        .bind(office)
                        .bind(start)
                        .bind(end)
                        .fetch_all(pool)
                        .await
                        .map(|r| r.len()),
                };
                rows.map_err(BenchError::sql("register rows"))
            }
        };
        let export = || {
            let mut registers = registers.clone();
            let request = authed(
                ExportRegisterRequest {
                    book: RegisterBook::Incoming as i32,
                    from: from.to_string(),
                    to: to.to_string(),
                    ..Default::default()
                },
                &token,
            );
            async move {
                registers
                    .export_register(request)
                    .await
                    .map_err(BenchError::call("export the register book"))
            }
        };
        let times = load::alternated_times(rounds, by_sql, export).await;
        db.close().await;
        times
    }

    /// Stops the suite; on PostgreSQL drops the schemas it made.
    pub async fn stop(mut self) -> Result<(), BenchError> {
        if let Some(running) = self.running.take() {
            running
                .stop()
                .await
                .map_err(|e| BenchError::setup("stopping the suite", e))?;
        }
        let prefix = &self.settings.database_schema_prefix;
        if let Raw::Postgres(pool) = self.documents_db().await?
            && !prefix.is_empty()
        {
            let schemas: Vec<String> =
                sqlx::query_scalar("SELECT nspname::text FROM pg_namespace WHERE starts_with(nspname, $1)")
                    .bind(prefix)
                    .fetch_all(&pool)
                    .await
                    .map_err(BenchError::sql("the suite's schemas"))?;
            for schema in schemas {
                sqlx::query(sqlx::AssertSqlSafe(format!("DROP SCHEMA \"{schema}\" CASCADE")))
                    .execute(&pool)
                    .await
                    .map_err(BenchError::sql("dropping a schema"))?;
            }
            pool.close().await;
        }
        Ok(())
    }
}

/// `$body` run with `$pool` bound to whichever pool `$db` (a [`Raw`])
/// holds: sqlx's types differ per database, the code does not.
macro_rules! on_pool {
    ($db:expr, $pool:ident => $body:expr) => {
        match $db {
            $crate::suite::Raw::Sqlite($pool) => $body,
            $crate::suite::Raw::Postgres($pool) => $body,
        }
    };
}
pub(crate) use on_pool;

/// A database opened with sqlx alone.
pub enum Raw {
    Sqlite(sqlx::SqlitePool),
    Postgres(sqlx::PgPool),
}

impl Raw {
    async fn connect(settings: &DatabaseSettings) -> Result<Raw, BenchError> {
        if settings.url.starts_with("sqlite:") {
            let options = SqliteConnectOptions::from_str(&settings.url).map_err(BenchError::sql("SQLite URL"))?;
            return Ok(Raw::Sqlite(
                sqlx::SqlitePool::connect_with(options)
                    .await
                    .map_err(BenchError::sql("documents database"))?,
            ));
        }
        let mut options = PgConnectOptions::from_str(&settings.url).map_err(BenchError::sql("PostgreSQL URL"))?;
        if let Some(schema) = &settings.schema {
            options = options.options([("search_path", schema.as_str())]);
        }
        Ok(Raw::Postgres(
            sqlx::PgPool::connect_with(options)
                .await
                .map_err(BenchError::sql("documents database"))?,
        ))
    }

    pub async fn close(&self) {
        match self {
            Raw::Sqlite(pool) => pool.close().await,
            Raw::Postgres(pool) => pool.close().await,
        }
    }
}

async fn channel(addr: SocketAddr) -> Result<Channel, BenchError> {
    Channel::from_shared(format!("http://{addr}"))
        .map_err(|e| BenchError::setup("channel", e))?
        .connect()
        .await
        .map_err(|e| BenchError::setup("channel", e))
}

pub fn authed<T>(message: T, token: &str) -> tonic::Request<T> {
    let mut request = tonic::Request::new(message);
    if let Ok(value) = format!("Bearer {token}").parse() {
        request.metadata_mut().insert("authorization", value);
    }
    request
}

/// The first day of this month and today, in Hà Nội.
fn this_month() -> (NaiveDate, NaiveDate) {
    let today = local_date(Utc::now());
    (today.with_day(1).unwrap_or(today), today)
}

/// Midnight starting `day` in Hà Nội, as stored (microseconds since the epoch).
fn local_midnight(day: NaiveDate) -> i64 {
    to_micros(start_of_local_day(day))
}
