//! REST/JSON in front of gRPC.
//!
//! Every RPC annotated with `vanphong.api.v1.http` becomes a route; a
//! request's path parameters, query string and JSON body are turned into the
//! request message by the proto3 JSON mapping, the RPC is called (in process
//! for the directory, over the network for backend services) with the
//! caller's bearer token, request id, trace context and a deadline, and the
//! answer or error comes back as JSON with the matching HTTP status.

mod errors;
mod files;
mod json_body;
pub mod openapi;
pub mod routes;
mod transcode;

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::Request;
use axum::response::Response;
use axum::routing::{MethodFilter, MethodRouter};

pub use errors::{error_response, json_response};
use routes::RestRoute;

use crate::upstream::Upstreams;

/// Largest JSON body accepted.
const MAX_BODY: usize = 2 * 1024 * 1024;

struct RestState {
    upstreams: Upstreams,
    timeout: Duration,
    /// The descriptors, for the typed answers of [`files`].
    pool: Option<prost_reflect::DescriptorPool>,
}

/// A router with one route per REST route.
pub fn router(routes: &[RestRoute], upstreams: Upstreams, timeout: Duration) -> axum::Router {
    let pool = routes.first().map(|r| r.method.parent_pool().clone());
    let state = Arc::new(RestState {
        upstreams,
        timeout,
        pool,
    });
    let mut by_template: BTreeMap<String, MethodRouter> = BTreeMap::new();
    for route in routes {
        let Ok(filter) = MethodFilter::try_from(route.http_method.clone()) else {
            continue;
        };
        let template = route.template.clone();
        let route = Arc::new(route.clone());
        let state = state.clone();
        let handler = move |request: Request| {
            let route = route.clone();
            let state = state.clone();
            async move { handle(&route, &state, request).await }
        };
        let entry = by_template.remove(&template).unwrap_or_default();
        by_template.insert(template, entry.on(filter, handler));
    }
    let files = files_routes(state);
    by_template
        .into_iter()
        .fold(files, |router, (template, methods)| router.route(&template, methods))
}

/// The raw-bytes routes of attachments and edXML packages (see [`files`]).
fn files_routes(state: Arc<RestState>) -> axum::Router {
    use axum::extract::Path;
    let up = state.clone();
    let export = state.clone();
    let import = state.clone();
    axum::Router::new()
        .route(
            files::EDXML_EXPORT,
            axum::routing::get(move |Path(document_id): Path<String>, request: Request| {
                let state = export.clone();
                async move { files::export_edxml(&state, request, document_id).await }
            }),
        )
        .route(
            files::EDXML_IMPORT,
            axum::routing::post(move |request: Request| {
                let state = import.clone();
                async move { files::import_edxml(&state, request).await }
            }),
        )
        .route(
            files::UPLOAD,
            axum::routing::put(move |Path(document_id): Path<String>, request: Request| {
                let state = up.clone();
                async move { files::upload(&state, request, document_id).await }
            }),
        )
        .route(
            files::DOWNLOAD,
            axum::routing::get(
                move |Path((document_id, attachment_id)): Path<(String, String)>, request: Request| {
                    let state = state.clone();
                    async move { files::download(&state, request, document_id, attachment_id).await }
                },
            ),
        )
}

/// The call to a service for an HTTP request (see
/// [`vanphong_platform::grpc_client::call_for_http`]).
fn outgoing<T>(state: &RestState, parts: &http::request::Parts, message: T) -> tonic::Request<T> {
    vanphong_platform::grpc_client::call_for_http(parts, state.timeout, message)
}

async fn handle(route: &RestRoute, state: &RestState, request: Request) -> Response {
    let (parts, body) = request.into_parts();
    let body = match axum::body::to_bytes(body, MAX_BODY).await {
        Ok(b) => b,
        Err(_) => {
            return error_response(&tonic::Status::invalid_argument(format!(
                "Nội dung yêu cầu quá lớn (tối đa {} MiB); tệp lớn gửi dạng byte thô qua PUT \
                 /api/v1/documents/{{document_id}}/attachments/file",
                MAX_BODY / 1024 / 1024
            )));
        }
    };
    let params = route.match_path(parts.uri.path()).unwrap_or_default();
    let message = match transcode::request_message(route, &params, parts.uri.query(), &body) {
        Ok(m) => m,
        Err(e) => return error_response(&e.into_status()),
    };
    let Some(upstream) = state.upstreams.get(&route.package()) else {
        return error_response(&tonic::Status::unavailable(format!(
            "Dịch vụ {} chưa được cấu hình trên cổng này",
            route.package()
        )));
    };
    let call = outgoing(state, &parts, message);
    match upstream.unary(call, &route.grpc_path(), route.method.output()).await {
        Ok(response) => match transcode::response_json(response.get_ref()) {
            Ok(json) => json_response(&json),
            Err(e) => error_response(&e.into_status()),
        },
        Err(status) => error_response(&status),
    }
}
