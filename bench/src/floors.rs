//! This machine's floors, measured in the same run as the suite: what the
//! same load costs with nothing of Vanphong in the way.
//!
//! - a bare tonic server answering a `GetDocument`-shaped call with a
//!   document held in memory (the read path's floor);
//! - one-row SQLite transactions with `synchronous=FULL` on one connection
//!   (the SQLite write path's floor: every commit synced);
//! - PostgreSQL's counter pattern, a counter row incremented and a row
//!   inserted per transaction, on one hot counter and spread over ten (the
//!   PostgreSQL write path's floors: one office's number series, several
//!   offices').

use std::convert::Infallible;
use std::future::Future;
use std::net::SocketAddr;
use std::pin::Pin;
use std::str::FromStr;
use std::task::{Context, Poll};
use std::time::Duration;

use http::uri::PathAndQuery;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{ConnectOptions, Connection};
use tonic::transport::{Channel, Server};
use tonic_prost::ProstCodec;
use vanphong_proto::documents::v1::{Document, GetDocumentRequest};

use crate::error::BenchError;
use crate::load::{self, Stats};

/// Stops a spawned server when the measurement is over.
struct AbortOnDrop<T>(tokio::task::JoinHandle<T>);

impl<T> Drop for AbortOnDrop<T> {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// The echo service's one method.
const ECHO_PATH: &str = "/bench.Echo/Get";

/// A tonic service answering every call with the same document.
#[derive(Clone)]
struct Echo {
    reply: Document,
}

impl tonic::server::NamedService for Echo {
    const NAME: &'static str = "bench.Echo";
}

struct Answer(Document);

impl tonic::server::UnaryService<GetDocumentRequest> for Answer {
    type Response = Document;
    type Future = std::future::Ready<Result<tonic::Response<Document>, tonic::Status>>;

    fn call(&mut self, _request: tonic::Request<GetDocumentRequest>) -> Self::Future {
        std::future::ready(Ok(tonic::Response::new(self.0.clone())))
    }
}

type BoxFuture<T> = Pin<Box<dyn Future<Output = T> + Send>>;

impl tower::Service<http::Request<tonic::body::Body>> for Echo {
    type Response = http::Response<tonic::body::Body>;
    type Error = Infallible;
    type Future = BoxFuture<Result<Self::Response, Infallible>>;

    fn poll_ready(&mut self, _cx: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, request: http::Request<tonic::body::Body>) -> Self::Future {
        let reply = self.reply.clone();
        Box::pin(async move {
            let mut grpc = tonic::server::Grpc::new(ProstCodec::<Document, GetDocumentRequest>::default());
            Ok(grpc.unary(Answer(reply), request).await)
        })
    }
}

/// The bare tonic floor: `in_flight` concurrent calls over one channel, as
/// the suite's read path is measured.
pub async fn echo(reply: Document, in_flight: usize, length: Duration) -> Result<Stats, BenchError> {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .map_err(|e| BenchError::setup("echo server", e))?;
    let addr: SocketAddr = listener.local_addr().map_err(|e| BenchError::setup("echo server", e))?;
    // Without TCP_NODELAY (which a listener of one's own does not get from
    // the builder) an answer's last frame waits for the client's delayed
    // acknowledgement, ~40 ms: the servers of the suite set it, and so
    // must their floor.
    let incoming = tonic::transport::server::TcpIncoming::from(listener).with_nodelay(Some(true));
    let server = tokio::spawn(
        Server::builder()
            .add_service(Echo { reply })
            .serve_with_incoming(incoming),
    );
    let _stop = AbortOnDrop(server);
    let channel = Channel::from_shared(format!("http://{addr}"))
        .map_err(|e| BenchError::setup("echo channel", e))?
        .connect()
        .await
        .map_err(|e| BenchError::setup("echo channel", e))?;
    let request = GetDocumentRequest {
        document_id: uuid::Uuid::now_v7().to_string(),
    };
    Ok(load::run(in_flight, length, move |_, _| {
        let mut grpc = tonic::client::Grpc::new(channel.clone());
        let request = request.clone();
        async move {
            grpc.ready().await.map_err(|e| e.to_string())?;
            grpc.unary::<_, Document, _>(
                tonic::Request::new(request),
                PathAndQuery::from_static(ECHO_PATH),
                ProstCodec::<GetDocumentRequest, Document>::default(),
            )
            .await
            .map(|_| ())
            .map_err(|e| e.to_string())
        }
    })
    .await)
}

/// One-row SQLite transactions (`BEGIN IMMEDIATE; INSERT; COMMIT`) with
/// `synchronous=FULL` in WAL mode, from `clients` tasks sharing the one
/// connection a writer may have.
pub async fn sqlite_commits(clients: usize, length: Duration) -> Result<Stats, BenchError> {
    let dir = tempfile::tempdir().map_err(|e| BenchError::setup("SQLite floor folder", e))?;
    let options = SqliteConnectOptions::new()
        .filename(dir.path().join("floor.db"))
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Full);
    let pool = SqlitePoolOptions::new()
        .max_connections(1)
        .connect_with(options)
        .await
        .map_err(BenchError::sql("SQLite floor"))?;
    sqlx::query("CREATE TABLE rows (id INTEGER PRIMARY KEY, client INTEGER NOT NULL, payload TEXT NOT NULL)")
        .execute(&pool)
        .await
        .map_err(BenchError::sql("SQLite floor table"))?;
    let stats = load::run(clients, length, move |client, n| {
        let pool = pool.clone();
        async move {
            let mut tx = pool.begin_with("BEGIN IMMEDIATE").await.map_err(|e| e.to_string())?;
            sqlx::query("INSERT INTO rows (client, payload) VALUES ($1, $2)")
                .bind(client as i64)
                .bind(format!("Công văn số {n} về công tác tháng 3"))
                .execute(&mut *tx)
                .await
                .map_err(|e| e.to_string())?;
            tx.commit().await.map_err(|e| e.to_string())
        }
    })
    .await;
    drop(dir);
    Ok(stats)
}

/// PostgreSQL's counter pattern: each transaction increments one of
/// `counters` rows and inserts a row numbered by it, from `clients`
/// connections. In a schema of its own, dropped afterwards.
pub async fn postgres_counter(url: &str, clients: usize, counters: i32, length: Duration) -> Result<Stats, BenchError> {
    let schema = format!("bench_floor_{}", &uuid::Uuid::now_v7().simple().to_string()[20..]);
    let base = PgConnectOptions::from_str(url).map_err(|e| BenchError::setup("PostgreSQL URL", e))?;
    let mut admin = base.connect().await.map_err(BenchError::sql("PostgreSQL floor"))?;
    sqlx::query(sqlx::AssertSqlSafe(format!("CREATE SCHEMA \"{schema}\"")))
        .execute(&mut admin)
        .await
        .map_err(BenchError::sql("PostgreSQL floor schema"))?;
    let pool = PgPoolOptions::new()
        .max_connections(clients as u32)
        .connect_with(base.options([("search_path", schema.as_str())]))
        .await
        .map_err(BenchError::sql("PostgreSQL floor pool"))?;
    sqlx::query("CREATE TABLE counters (id INTEGER PRIMARY KEY, next BIGINT NOT NULL)")
        .execute(&pool)
        .await
        .map_err(BenchError::sql("PostgreSQL floor table"))?;
    sqlx::query("CREATE TABLE rows (id BIGSERIAL PRIMARY KEY, counter INTEGER NOT NULL, number BIGINT NOT NULL, payload TEXT NOT NULL)")
        .execute(&pool)
        .await
        .map_err(BenchError::sql("PostgreSQL floor table"))?;
    sqlx::query("INSERT INTO counters (id, next) SELECT g, 1 FROM generate_series(0, $1 - 1) g")
        .bind(counters)
        .execute(&pool)
        .await
        .map_err(BenchError::sql("PostgreSQL floor counters"))?;
    let run_pool = pool.clone();
    let stats = load::run(clients, length, move |client, n| {
        let pool = run_pool.clone();
        let counter = ((client as u64 + n) % counters as u64) as i32;
        async move {
            let mut tx = pool.begin().await.map_err(|e| e.to_string())?;
            let number: i64 =
                sqlx::query_scalar("UPDATE counters SET next = next + 1 WHERE id = $1 RETURNING next - 1")
                    .bind(counter)
                    .fetch_one(&mut *tx)
                    .await
                    .map_err(|e| e.to_string())?;
            sqlx::query("INSERT INTO rows (counter, number, payload) VALUES ($1, $2, $3)")
                .bind(counter)
                .bind(number)
                .bind(format!("Công văn số {n} về công tác tháng 3"))
                .execute(&mut *tx)
                .await
                .map_err(|e| e.to_string())?;
            tx.commit().await.map_err(|e| e.to_string())
        }
    })
    .await;
    pool.close().await;
    sqlx::query(sqlx::AssertSqlSafe(format!("DROP SCHEMA \"{schema}\" CASCADE")))
        .execute(&mut admin)
        .await
        .map_err(BenchError::sql("PostgreSQL floor schema"))?;
    admin.close().await.map_err(BenchError::sql("PostgreSQL floor"))?;
    Ok(stats)
}
