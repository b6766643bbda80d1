//! The console's static files, built into the binary: the stylesheet, the
//! console's own small script (busy forms, dropped files with progress)
//! and htmx (one pinned file of the npm package `htmx.org`, with its
//! licence).
//! They are served under a path that carries a digest of their content, so
//! browsers may keep them for a year and still never use a stale one.

use std::sync::LazyLock;

use axum::extract::Path;
use axum::response::{IntoResponse, Response};
use http::{HeaderValue, StatusCode, header};
use sha2::{Digest, Sha256};

/// The version of htmx vendored (see `console/assets/README.md`).
pub const HTMX_VERSION: &str = "2.0.11";

/// Every file: its name, content type and content.
const FILES: [(&str, &str, &[u8]); 4] = [
    (
        "console.css",
        "text/css; charset=utf-8",
        include_bytes!("../assets/console.css"),
    ),
    (
        "console.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../assets/console.js"),
    ),
    (
        "htmx.min.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../assets/htmx-2.0.11.min.js"),
    ),
    (
        "htmx-LICENSE.txt",
        "text/plain; charset=utf-8",
        include_bytes!("../assets/htmx-LICENSE.txt"),
    ),
];

/// The current version segment of asset paths: the first hex digits of the
/// SHA-256 of every file.
pub fn version() -> &'static str {
    static VERSION: LazyLock<String> = LazyLock::new(|| {
        let mut hasher = Sha256::new();
        for (name, _, content) in FILES {
            hasher.update(name.as_bytes());
            hasher.update(content);
        }
        hasher.finalize().iter().take(6).map(|b| format!("{b:02x}")).collect()
    });
    &VERSION
}

/// `GET /assets/{version}/{file}`: the file with a year-long cache when the
/// version is current; otherwise 404, so nothing stale is ever cached.
pub async fn serve(Path((requested, name)): Path<(String, String)>) -> Response {
    let file = FILES.iter().find(|(n, _, _)| *n == name);
    match file {
        Some((_, content_type, content)) if requested == version() => (
            [
                (header::CONTENT_TYPE, HeaderValue::from_static(content_type)),
                (
                    header::CACHE_CONTROL,
                    HeaderValue::from_static("public, max-age=31536000, immutable"),
                ),
            ],
            *content,
        )
            .into_response(),
        _ => (StatusCode::NOT_FOUND, "Không tìm thấy tệp").into_response(),
    }
}
