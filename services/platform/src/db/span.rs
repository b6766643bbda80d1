//! A span per SQL statement, under the request that runs it, so that a
//! trace shows gateway → service → service → SQL.
//!
//! Statements run outside any request (health pings, purgers, the
//! directory's poller) get no span: they would otherwise fill the trace
//! store with one-span traces every few seconds. Nor does any statement when
//! the process exports no traces ([`crate::telemetry::exporting_traces`]).

use std::future::Future;

use tracing::Instrument;

use super::Backend;

/// Longest statement text kept on a span; the rest is cut (statements are
/// fixed text with placeholders, never values).
const MAX_TEXT: usize = 2048;

/// The span of one statement: a client span named after the operation
/// (`SELECT`, `INSERT`, …) with the OpenTelemetry database attributes; a
/// disabled span outside a request.
pub(super) fn statement(backend: Backend, sql: &str) -> tracing::Span {
    if !crate::telemetry::exporting_traces() || tracing::Span::current().is_none() {
        return tracing::Span::none();
    }
    let operation = sql
        .split_whitespace()
        .next()
        .map(str::to_ascii_uppercase)
        .unwrap_or_default();
    let text = match sql.char_indices().nth(MAX_TEXT) {
        Some((cut, _)) => &sql[..cut],
        None => sql,
    };
    let system = match backend {
        Backend::Sqlite => "sqlite",
        Backend::Postgres => "postgresql",
    };
    tracing::info_span!(
        "db.query",
        otel.name = %operation,
        otel.kind = "client",
        otel.status_code = tracing::field::Empty,
        db.system.name = system,
        db.operation.name = %operation,
        db.query.text = text,
        "error.type" = tracing::field::Empty,
    )
}

/// Runs `work` in `span`, marking the span failed when it fails.
pub(super) async fn run<T>(
    span: tracing::Span,
    work: impl Future<Output = Result<T, sqlx::Error>>,
) -> Result<T, sqlx::Error> {
    let result = work.instrument(span.clone()).await;
    if let Err(e) = &result {
        span.record("otel.status_code", "ERROR");
        span.record("error.type", error_type(e).as_str());
    }
    result
}

/// The SQLSTATE (or SQLite code) of a database error, else the kind of
/// failure; never the message, which may quote values.
fn error_type(e: &sqlx::Error) -> String {
    match e {
        sqlx::Error::Database(db) => db.code().map_or_else(|| "database".to_string(), |c| c.into_owned()),
        sqlx::Error::PoolTimedOut => "pool_timed_out".into(),
        sqlx::Error::PoolClosed => "pool_closed".into(),
        sqlx::Error::Io(_) => "io".into(),
        sqlx::Error::RowNotFound => "row_not_found".into(),
        _ => "other".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statements_outside_a_request_get_no_span() {
        assert!(statement(Backend::Sqlite, "SELECT 1").is_none());
    }
}
