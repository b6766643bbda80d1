//! What every Vanphong server shares.
//!
//! Where things live:
//! - [`config`]: settings from flags, environment and a TOML file.
//! - [`db`]: SQLite and PostgreSQL behind one API, with migrations.
//! - [`error`]: the one error type of the service layer and its mapping to
//!   gRPC status; [`validate`]: field-by-field input checks.
//! - [`identity`]: roles, tokens, keys, the verified [`identity::Caller`]
//!   and tenancy rules, and the auth layer.
//! - [`tree`]: the office tree with history; [`directory`]: each server's
//!   live copy of it, kept current from the directory's watch stream.
//! - [`audit`]: the hash-chained audit trail, [`audit_anchor`] its signed
//!   checkpoints (the anchor outside the database), [`audit_state`] records
//!   held against the rows they describe, [`audit_api`] its RPCs,
//!   [`audit_view`] what each reader is shown of a record,
//!   [`audit_in_statement`] a record written by the statement of its
//!   change;
//!   [`history`]: a record's steps and notes, oldest first;
//!   [`handover`]: each service's part when an office ends and its work
//!   passes to the successor;
//!   [`notifications`]: in-app notices per user, read or unread;
//!   [`idempotency`]: safe retries of create calls; [`paging`]: pages that
//!   fit in one answer; [`number_series`]: gap-free numbers per office,
//!   scope and year or term.
//! - [`coded`]: closed vocabularies (stored code ⇄ domain enum ⇄ wire
//!   number), declared once.
//! - [`clock`], [`calendar`], [`ids`], [`text`]: time, working days, ids,
//!   diacritic-insensitive text keys; [`ip_range`]: networks in settings.
//! - [`services`]: the one list of the suite's backend services.
//! - [`server`]: the server builder (health, reflection, tracing, deadlines,
//!   load shedding, graceful shutdown), its steps each a
//!   [`middleware::Middleware`]; [`host`]: running a backend service;
//!   [`delegate`]: gRPC entry points by delegation; [`grpc_client`]:
//!   outgoing calls; [`people`]: asking the directory about
//!   users on a caller's behalf;
//!   [`telemetry`]: logs and OpenTelemetry traces; [`metrics`]: calls
//!   counted and timed, for Prometheus (`/metrics`) and OTLP; [`xlsx`]: the
//!   one way spreadsheets are written (numbers stay numbers).

pub mod audit;
pub mod audit_anchor;
pub mod audit_api;
pub mod audit_export;
pub mod audit_in_statement;
pub mod audit_state;
pub mod audit_view;
pub mod calendar;
pub mod clock;
pub mod coded;
pub mod config;
pub mod db;
pub mod delegate;
pub mod directory;
pub mod error;
pub mod grpc_client;
pub mod handover;
pub mod history;
pub mod host;
pub mod idempotency;
pub mod identity;
pub mod ids;
pub mod ip_range;
pub mod metrics;
pub mod middleware;
pub mod my_work;
pub mod notices_api;
pub mod notifications;
pub mod number_series;
pub mod paging;
pub mod people;
pub mod server;
pub mod services;
pub mod telemetry;
pub mod text;
pub mod tree;
pub mod validate;
pub mod xlsx;

pub use error::Error;
