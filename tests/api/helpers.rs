//! Starting a suite for one test and talking to it.

use std::net::SocketAddr;
use std::sync::{Arc, Once};

use bytes::Bytes;
use chrono::{TimeZone, Utc};
use http::{HeaderMap, Method, StatusCode};
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use tempfile::TempDir;
use tonic::transport::Channel;

use vanphong::demo::{DEMO_PASSWORD, DemoReport};
use vanphong::suite::{self, RunningSuite};
use vanphong_platform::clock::ManualClock;
use vanphong_platform::config::{Options, Settings};
use vanphong_platform::db::Db;
use vanphong_platform::identity::Role;
use vanphong_proto::directory::v1::SignInRequest;
use vanphong_proto::directory::v1::auth_service_client::AuthServiceClient;
use vanphong_proto::directory::v1::office_service_client::OfficeServiceClient;
use vanphong_proto::directory::v1::user_service_client::UserServiceClient;
use vanphong_proto::documents::v1::document_query_service_client::DocumentQueryServiceClient;
use vanphong_proto::documents::v1::incoming_service_client::IncomingServiceClient;
use vanphong_proto::documents::v1::outgoing_service_client::OutgoingServiceClient;
use vanphong_proto::documents::v1::term_service_client::TermServiceClient;

/// A suite running for one test.
pub struct TestApp {
    pub addr: SocketAddr,
    pub clock: ManualClock,
    pub demo: DemoReport,
    pub settings: Settings,
    pub channel: Channel,
    /// Where each backend service listens, reached without the gateway.
    pub backends: Vec<(&'static str, SocketAddr)>,
    suite: Option<RunningSuite>,
    _data: TempDir,
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if let Some(suite) = &self.suite {
            suite.shutdown.cancel();
        }
    }
}

/// Monday 2 March 2026, 09:00 in Hà Nội.
pub fn start_time() -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 2, 2, 0, 0).single().expect("valid time")
}

fn init_logging() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let filter = std::env::var("TEST_LOG").unwrap_or_else(|_| "error".into());
        let guard = vanphong_platform::telemetry::init("test", &filter, Default::default()).expect("telemetry");
        std::mem::forget(guard);
    });
}

/// Options every test suite shares: an empty data folder, a free port, a
/// cheap password hash, and the backend under test.
pub fn test_options(data: &TempDir) -> Options {
    let mut options = Options {
        data_dir: Some(data.path().to_path_buf()),
        listen: Some("127.0.0.1:0".parse().expect("addr")),
        password_hash_memory_kib: Some(64),
        ..Options::default()
    };
    match std::env::var("VANPHONG_TEST_DATABASE_URL") {
        Ok(url) if !url.is_empty() => {
            options.database_url = Some(url);
            let unique = uuid::Uuid::now_v7().simple().to_string();
            options.database_schema_prefix = Some(format!("t{}_", &unique[unique.len() - 12..]));
        }
        _ => {
            assert!(
                std::env::var("VANPHONG_TEST_BACKEND").as_deref() != Ok("postgres"),
                "VANPHONG_TEST_BACKEND=postgres but VANPHONG_TEST_DATABASE_URL is not set"
            );
        }
    }
    options
}

/// Starts the suite with the demo data.
pub async fn spawn_app() -> TestApp {
    spawn_app_with(|_| {}).await
}

/// Starts the suite with the demo data and adjusted options.
pub async fn spawn_app_with(adjust: impl FnOnce(&mut Options)) -> TestApp {
    spawn(adjust, suite::Demo::People).await
}

/// Starts the suite with the whole demo, as `vanphong serve --demo` has it.
pub async fn spawn_full_demo() -> TestApp {
    spawn(|_| {}, suite::Demo::Full).await
}

async fn spawn(adjust: impl FnOnce(&mut Options), demo: suite::Demo) -> TestApp {
    init_logging();
    let data = tempfile::tempdir().expect("tempdir");
    let mut options = test_options(&data);
    adjust(&mut options);
    let settings = options.resolve().expect("settings");
    let clock = ManualClock::new(start_time());
    let suite = suite::start(&settings, Arc::new(clock.clone()), demo, Default::default())
        .await
        .expect("suite starts");
    let demo = suite.demo.clone().expect("demo loaded");
    let channel = Channel::from_shared(format!("http://{}", suite.addr))
        .expect("uri")
        .connect()
        .await
        .expect("connect");
    TestApp {
        addr: suite.addr,
        clock,
        demo,
        settings,
        channel,
        backends: suite.backends.clone(),
        suite: Some(suite),
        _data: data,
    }
}

/// A request carrying a bearer token.
pub fn authed<T>(message: T, token: &str) -> tonic::Request<T> {
    let mut request = tonic::Request::new(message);
    request
        .metadata_mut()
        .insert("authorization", format!("Bearer {token}").parse().expect("header"));
    request
}

/// A gateway running alone, as `vanphong serve gateway` does in a
/// deployment where each server is its own process: a directory of its own
/// (first admin `admin`, [`DEMO_PASSWORD`]) and whichever backends the
/// options point it at.
pub struct LoneGateway {
    pub addr: SocketAddr,
    suite: RunningSuite,
    _data: TempDir,
}

impl Drop for LoneGateway {
    fn drop(&mut self) {
        self.suite.shutdown.cancel();
    }
}

/// Starts a [`LoneGateway`]; `adjust` sets its backends' addresses and
/// limits.
pub async fn spawn_lone_gateway(adjust: impl FnOnce(&mut Options)) -> LoneGateway {
    init_logging();
    let data = tempfile::tempdir().expect("tempdir");
    let mut options = test_options(&data);
    options.admin_password = Some(DEMO_PASSWORD.into());
    adjust(&mut options);
    let settings = options.resolve().expect("settings");
    let clock = ManualClock::new(start_time());
    let suite = suite::start_one("gateway", &settings, Arc::new(clock), Default::default())
        .await
        .expect("gateway starts");
    LoneGateway {
        addr: suite.addr,
        suite,
        _data: data,
    }
}

impl TestApp {
    /// Where the backend service `name` ("documents" …) listens.
    pub fn backend(&self, name: &str) -> SocketAddr {
        self.backends
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, addr)| *addr)
            .expect("a backend of the suite")
    }

    pub fn auth(&self) -> AuthServiceClient<Channel> {
        AuthServiceClient::new(self.channel.clone())
    }

    pub fn offices(&self) -> OfficeServiceClient<Channel> {
        OfficeServiceClient::new(self.channel.clone())
    }

    pub fn users(&self) -> UserServiceClient<Channel> {
        UserServiceClient::new(self.channel.clone())
    }

    pub fn incoming(&self) -> IncomingServiceClient<Channel> {
        IncomingServiceClient::new(self.channel.clone())
    }

    pub fn outgoing(&self) -> OutgoingServiceClient<Channel> {
        OutgoingServiceClient::new(self.channel.clone())
    }

    pub fn terms(&self) -> TermServiceClient<Channel> {
        TermServiceClient::new(self.channel.clone())
    }

    pub fn queries(&self) -> DocumentQueryServiceClient<Channel> {
        DocumentQueryServiceClient::new(self.channel.clone())
    }

    /// Submits a registered incoming document of the office with `slug` to
    /// its leader (by its clerk), where it waits for direction.
    pub async fn submit_to_leader(&self, slug: &str, document_id: &str) {
        use vanphong_proto::documents::v1::SubmitToLeaderRequest;
        let clerk = self.token(slug, Role::Clerk).await;
        let leader_id = self.user_id(slug, Role::Leader).await;
        self.incoming()
            .submit_to_leader(authed(
                SubmitToLeaderRequest {
                    document_id: document_id.to_string(),
                    leader_id,
                    note: String::new(),
                },
                &clerk,
            ))
            .await
            .expect("submitted");
    }

    /// Takes a registered incoming document of the office with `slug` to
    /// handling: its clerk submits it to the office's leader, who directs
    /// it to `lead_handler_id`.
    pub async fn submit_and_direct(&self, slug: &str, document_id: &str, lead_handler_id: &str) {
        use vanphong_proto::documents::v1::DirectRequest;
        self.submit_to_leader(slug, document_id).await;
        let leader = self.token(slug, Role::Leader).await;
        self.incoming()
            .direct(authed(
                DirectRequest {
                    document_id: document_id.to_string(),
                    lead_handler_id: lead_handler_id.to_string(),
                    ..Default::default()
                },
                &leader,
            ))
            .await
            .expect("directed");
    }

    /// The id of the demo user of `role` in the office with `slug`.
    pub async fn user_id(&self, slug: &str, role: Role) -> String {
        let token = self.token(slug, role).await;
        self.auth()
            .who_am_i(authed(vanphong_proto::directory::v1::WhoAmIRequest {}, &token))
            .await
            .expect("who am i")
            .into_inner()
            .subject_id
    }

    /// The demo user of `role` in the office with `slug` (tu, hiephoa,
    /// vietyen, yendung, bacly, hoangvan).
    pub fn username(&self, slug: &str, role: Role) -> String {
        self.demo.username(slug, role).expect("demo user").to_string()
    }

    /// The full name of the demo person of `role` in office `slug`.
    pub fn full_name(&self, slug: &str, role: Role) -> String {
        self.demo
            .office(slug)
            .expect("demo office")
            .users
            .iter()
            .find(|u| u.role == role)
            .expect("demo user")
            .full_name
            .to_string()
    }

    pub fn office_id(&self, slug: &str) -> String {
        self.demo.office(slug).expect("demo office").id.clone()
    }

    /// An access token for a demo user (or `admin`).
    pub async fn token_for(&self, username: &str) -> String {
        self.auth()
            .sign_in(SignInRequest {
                username: username.into(),
                password: DEMO_PASSWORD.into(),
            })
            .await
            .expect("sign in")
            .into_inner()
            .access_token
    }

    pub async fn token(&self, slug: &str, role: Role) -> String {
        self.token_for(&self.username(slug, role)).await
    }

    /// A direct connection to the directory's database, for tampering.
    pub async fn directory_db(&self) -> Db {
        self.db("directory").await
    }

    /// A direct connection to the database of `service` ("documents" …),
    /// for tampering.
    pub async fn db(&self, service: &str) -> Db {
        Db::connect(&self.settings.database_for(service)).await.expect("db")
    }

    /// A REST call; returns the status, the JSON body and the headers.
    pub async fn rest(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<serde_json::Value>,
    ) -> (StatusCode, serde_json::Value, HeaderMap) {
        self.rest_with_headers(method, path, token, body, &[]).await
    }

    pub async fn rest_with_headers(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<serde_json::Value>,
        headers: &[(&str, &str)],
    ) -> (StatusCode, serde_json::Value, HeaderMap) {
        let client: Client<_, Full<Bytes>> = Client::builder(TokioExecutor::new()).build_http();
        let mut request = http::Request::builder()
            .method(method)
            .uri(format!("http://{}{path}", self.addr))
            .header("content-type", "application/json");
        if let Some(token) = token {
            request = request.header("authorization", format!("Bearer {token}"));
        }
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        let body = body.map(|b| Bytes::from(b.to_string())).unwrap_or_default();
        let response = client
            .request(request.body(Full::new(body)).expect("request"))
            .await
            .expect("response");
        let status = response.status();
        let headers = response.headers().clone();
        let bytes = response.into_body().collect().await.expect("body").to_bytes();
        let json = if bytes.is_empty() {
            serde_json::Value::Null
        } else {
            serde_json::from_slice(&bytes)
                .unwrap_or_else(|_| serde_json::Value::String(String::from_utf8_lossy(&bytes).into()))
        };
        (status, json, headers)
    }
}

impl TestApp {
    /// A REST call with raw bytes both ways (files), as a browser or
    /// `curl --data-binary` would make it.
    pub async fn rest_bytes(
        &self,
        method: Method,
        path: &str,
        token: &str,
        body: Vec<u8>,
        content_type: &str,
    ) -> (StatusCode, Bytes, HeaderMap) {
        let client: Client<_, Full<Bytes>> = Client::builder(TokioExecutor::new()).build_http();
        let request = http::Request::builder()
            .method(method)
            .uri(format!("http://{}{path}", self.addr))
            .header("content-type", content_type)
            .header("authorization", format!("Bearer {token}"))
            .body(Full::new(Bytes::from(body)))
            .expect("request");
        let response = client.request(request).await.expect("response");
        let status = response.status();
        let headers = response.headers().clone();
        let bytes = response.into_body().collect().await.expect("body").to_bytes();
        (status, bytes, headers)
    }
}

/// The record a refused creation would have duplicated, as the refusal's
/// `google.rpc.ResourceInfo` names it: its type and id.
pub fn duplicated_record(status: &tonic::Status) -> Option<(String, String)> {
    use tonic_types::StatusExt;
    status
        .get_details_resource_info()
        .map(|r| (r.resource_type, r.resource_name))
}

/// The fields named in an `INVALID_ARGUMENT` status.
pub fn violated_fields(status: &tonic::Status) -> Vec<String> {
    use tonic_types::StatusExt;
    assert_eq!(status.code(), tonic::Code::InvalidArgument, "{status:?}");
    status
        .get_error_details()
        .bad_request()
        .map(|b| b.field_violations.iter().map(|v| v.field.clone()).collect())
        .unwrap_or_default()
}

/// Bytes sent and received as they are: for calling any method by its path,
/// whatever its message types.
#[derive(Debug, Clone, Copy, Default)]
pub struct RawCodec;

impl tonic::codec::Codec for RawCodec {
    type Encode = Bytes;
    type Decode = Bytes;
    type Encoder = RawCodec;
    type Decoder = RawCodec;

    fn encoder(&mut self) -> Self::Encoder {
        RawCodec
    }

    fn decoder(&mut self) -> Self::Decoder {
        RawCodec
    }
}

impl tonic::codec::Encoder for RawCodec {
    type Item = Bytes;
    type Error = tonic::Status;

    fn encode(&mut self, item: Bytes, dst: &mut tonic::codec::EncodeBuf<'_>) -> Result<(), tonic::Status> {
        use bytes::BufMut;
        dst.put_slice(&item);
        Ok(())
    }
}

impl tonic::codec::Decoder for RawCodec {
    type Item = Bytes;
    type Error = tonic::Status;

    fn decode(&mut self, src: &mut tonic::codec::DecodeBuf<'_>) -> Result<Option<Bytes>, tonic::Status> {
        use bytes::Buf;
        Ok(Some(src.copy_to_bytes(src.remaining())))
    }
}

/// Calls `/{service}/{method}` with `body` as the encoded request (streamed
/// as one message to client-streaming methods), and returns the first
/// answer or the status.
pub async fn raw_call(
    channel: &Channel,
    method: &prost_reflect::MethodDescriptor,
    body: Bytes,
    token: Option<&str>,
) -> Result<Bytes, tonic::Status> {
    let mut grpc = tonic::client::Grpc::new(channel.clone());
    grpc.ready()
        .await
        .map_err(|e| tonic::Status::unavailable(e.to_string()))?;
    let path: http::uri::PathAndQuery = format!("/{}/{}", method.parent_service().full_name(), method.name())
        .parse()
        .expect("path");
    let authorize = |metadata: &mut tonic::metadata::MetadataMap| {
        if let Some(token) = token {
            metadata.insert("authorization", format!("Bearer {token}").parse().expect("header"));
        }
    };
    match (method.is_client_streaming(), method.is_server_streaming()) {
        (false, false) => {
            let mut request = tonic::Request::new(body);
            authorize(request.metadata_mut());
            grpc.unary(request, path, RawCodec).await.map(|r| r.into_inner())
        }
        (false, true) => {
            let mut request = tonic::Request::new(body);
            authorize(request.metadata_mut());
            let mut stream = grpc.server_streaming(request, path, RawCodec).await?.into_inner();
            Ok(stream.message().await?.unwrap_or_default())
        }
        (true, false) => {
            let mut request = tonic::Request::new(tokio_stream::iter(vec![body]));
            authorize(request.metadata_mut());
            grpc.client_streaming(request, path, RawCodec)
                .await
                .map(|r| r.into_inner())
        }
        (true, true) => {
            let mut request = tonic::Request::new(tokio_stream::iter(vec![body]));
            authorize(request.metadata_mut());
            let mut stream = grpc.streaming(request, path, RawCodec).await?.into_inner();
            Ok(stream.message().await?.unwrap_or_default())
        }
    }
}

/// The first sheet of an XLSX file as stored: a number cell reads as
/// `Data::Float`, text as `Data::String`.
pub fn spreadsheet_cells(content: Vec<u8>) -> Vec<Vec<calamine::Data>> {
    use calamine::{Reader, Xlsx, open_workbook_from_rs};
    let mut book: Xlsx<_> = open_workbook_from_rs(std::io::Cursor::new(content)).expect("a workbook");
    let name = book.sheet_names()[0].clone();
    let range = book.worksheet_range(&name).expect("sheet");
    range.rows().map(<[calamine::Data]>::to_vec).collect()
}

/// The first sheet of an XLSX file, each cell as text.
pub fn spreadsheet_text(content: Vec<u8>) -> Vec<Vec<String>> {
    spreadsheet_cells(content)
        .iter()
        .map(|r| r.iter().map(|c| c.to_string()).collect())
        .collect()
}

/// Whether CI asks for the PDF tools (poppler) to be present.
pub fn pdf_tools_required() -> bool {
    std::env::var("VANPHONG_PDF_TOOLS").as_deref() == Ok("required")
}

/// The PDF's text as poppler's pdftotext reads it, if the tool is here.
pub fn text_of(pdf: &[u8]) -> Option<String> {
    let file = tempfile::NamedTempFile::new().expect("temp file");
    std::fs::write(file.path(), pdf).expect("write");
    match std::process::Command::new("pdftotext")
        .arg("-layout")
        .arg(file.path())
        .arg("-")
        .output()
    {
        Ok(out) => {
            assert!(out.status.success(), "pdftotext failed");
            Some(String::from_utf8(out.stdout).expect("utf-8"))
        }
        Err(_) => {
            assert!(!pdf_tools_required(), "pdftotext is required but not installed");
            eprintln!("PDF TOOL TESTS NOT RUN: pdftotext is not installed");
            None
        }
    }
}

/// What poppler's pdfsig says of the PDF's signatures (without a trust
/// store: it checks each signature's integrity), if the tool is here.
pub fn pdfsig_of(pdf: &[u8]) -> Option<String> {
    let file = tempfile::NamedTempFile::new().expect("temp file");
    std::fs::write(file.path(), pdf).expect("write");
    match std::process::Command::new("pdfsig").arg(file.path()).output() {
        Ok(out) => Some(String::from_utf8_lossy(&out.stdout).into_owned()),
        Err(_) => {
            assert!(!pdf_tools_required(), "pdfsig is required but not installed");
            eprintln!("PDF TOOL TESTS NOT RUN: pdfsig is not installed");
            None
        }
    }
}
