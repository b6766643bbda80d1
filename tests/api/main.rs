//! End-to-end tests of the suite through its real interfaces: each test
//! starts the whole suite on 127.0.0.1:0 with a fresh database (SQLite in a
//! temporary folder, or PostgreSQL when `VANPHONG_TEST_DATABASE_URL` is set,
//! in schemas of its own) and the demo data, then talks to it over gRPC and
//! REST like any client.

// Test code: a failed unwrap is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod helpers;

mod audit;
mod auth;
mod cli;
mod console;
mod console_admin;
mod console_documents;
mod console_exchange;
mod console_finance;
mod console_home;
mod console_notifications;
mod console_petitions;
mod console_print_charts;
mod console_receptions;
mod console_reports;
mod contract;
mod corrupt_rows;
mod deadlines;
mod demo;
mod documents_attachments;
mod documents_edxml;
mod documents_incoming;
mod documents_issuing;
mod documents_outgoing;
mod documents_registers;
mod documents_remote_signing;
mod documents_sealing;
mod documents_secrecy;
mod documents_signatures;
mod finance;
mod gateway;
mod idempotency;
mod lookups;
mod metrics;
mod migrations;
mod my_work;
mod names;
mod no_token;
mod notices;
mod notifications;
mod offices;
mod pages;
mod people;
mod petitions;
mod readme;
mod reorganisation;
mod reporting;
mod sync;
mod users;
mod validation;
