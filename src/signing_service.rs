//! The suite's own implementation of a remote signing service
//! (`vanphong_pdf::sign::remote` is the client; docs/domain.md §2.7): it
//! serves the keys of a key folder of its own by the same HTTP/JSON
//! interface the national PKI's services are reached by, so the remote
//! path is exercised for real in the demo and the tests. A key id is the
//! key file's stem, `person-<id>` or `office-<id>`.

use std::sync::Arc;

use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::routing::{get, post};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use tokio_util::sync::CancellationToken;

use vanphong_pdf::sign::keys::{KeyOwner, KeyStore};
use vanphong_pdf::sign::remote::{KeyAnswer, SignAnswer, SignRequest, algorithm_name};
use vanphong_pdf::sign::{Signer as _, SoftwareSigner};

/// The service's keys and the token its callers present.
struct Service {
    keys: KeyStore,
    token: Option<String>,
}

type Refusal = (StatusCode, String);

fn refuse(status: StatusCode, what: impl std::fmt::Display) -> Refusal {
    (status, what.to_string())
}

impl Service {
    fn authorize(&self, headers: &HeaderMap) -> Result<(), Refusal> {
        let Some(token) = &self.token else { return Ok(()) };
        let presented = headers
            .get("authorization")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "));
        if presented == Some(token.as_str()) {
            Ok(())
        } else {
            Err(refuse(StatusCode::UNAUTHORIZED, "a bearer token is required"))
        }
    }
}

/// The key of `person-<id>` or `office-<id>`, opened.
async fn open(service: Arc<Service>, key_id: String) -> Result<Arc<SoftwareSigner>, Refusal> {
    let (kind, id) = key_id
        .split_once('-')
        .ok_or_else(|| refuse(StatusCode::NOT_FOUND, format!("no key {key_id}")))?;
    let owner = match kind {
        "person" => KeyOwner::Person,
        "office" => KeyOwner::Office,
        _ => return Err(refuse(StatusCode::NOT_FOUND, format!("no key {key_id}"))),
    };
    let id = id.to_string();
    let opened = tokio::task::spawn_blocking(move || service.keys.signer(owner, &id))
        .await
        .map_err(|e| refuse(StatusCode::SERVICE_UNAVAILABLE, e))?
        .map_err(|e| refuse(StatusCode::INTERNAL_SERVER_ERROR, e))?;
    opened.ok_or_else(|| refuse(StatusCode::NOT_FOUND, format!("no key {key_id}")))
}

async fn key(
    State(service): State<Arc<Service>>,
    Path(key_id): Path<String>,
    headers: HeaderMap,
) -> Result<Json<KeyAnswer>, Refusal> {
    service.authorize(&headers)?;
    let signer = open(service, key_id).await?;
    let certificates = signer
        .chain()
        .iter()
        .map(|c| der::Encode::to_der(c).map(|d| STANDARD.encode(d)))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| refuse(StatusCode::INTERNAL_SERVER_ERROR, e))?;
    Ok(Json(KeyAnswer {
        algorithm: algorithm_name(signer.algorithm()).into(),
        certificates,
    }))
}

async fn sign(
    State(service): State<Arc<Service>>,
    Path(key_id): Path<String>,
    headers: HeaderMap,
    Json(request): Json<SignRequest>,
) -> Result<Json<SignAnswer>, Refusal> {
    service.authorize(&headers)?;
    if request.hash_algorithm != "SHA-256" {
        return Err(refuse(StatusCode::BAD_REQUEST, "only SHA-256 hashes are signed"));
    }
    let hash = STANDARD
        .decode(&request.hash)
        .map_err(|e| refuse(StatusCode::BAD_REQUEST, e))?;
    let signer = open(service, key_id).await?;
    let signature = signer
        .key()
        .sign_prehash(&hash)
        .map_err(|e| refuse(StatusCode::BAD_REQUEST, e))?;
    Ok(Json(SignAnswer {
        signature: STANDARD.encode(signature),
    }))
}

/// The service's routes over the keys of `keys`.
pub fn router(keys: KeyStore, token: Option<String>) -> axum::Router {
    axum::Router::new()
        .route("/v1/keys/{key_id}", get(key))
        .route("/v1/keys/{key_id}/sign", post(sign))
        .with_state(Arc::new(Service { keys, token }))
}

/// Serves the keys on `listener` until `shutdown`.
pub fn spawn(
    listener: tokio::net::TcpListener,
    keys: KeyStore,
    token: Option<String>,
    shutdown: CancellationToken,
) -> tokio::task::JoinHandle<()> {
    let app = router(keys, token);
    tokio::spawn(async move {
        // Served as the suite serves its metrics: HTTP/1 and 2 on one port.
        let incoming = tonic::transport::server::TcpIncoming::from(listener).with_nodelay(Some(true));
        let served = tonic::transport::Server::builder()
            .accept_http1(true)
            .serve_with_incoming_shutdown(app, incoming, shutdown.cancelled_owned())
            .await;
        if let Err(e) = served {
            tracing::warn!(error = %e, "the local signing service stopped");
        }
    })
}
