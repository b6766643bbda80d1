//! The `vanphong` command: the whole suite in one process, or one of its
//! servers alone, plus operator tasks.
//!
//! Where things live:
//! - [`cli`]: the command line (`serve`, `migrate`, `audit verify`) and what
//!   each command prints;
//! - [`suite`]: starting the gateway (with the directory) and every service
//!   on its own listener, wired exactly as separate processes would be;
//! - [`services`]: the backend services, from the one list of them;
//! - [`demo`]: the Vietnamese demo data loaded by `serve --demo`, through the
//!   same gRPC API any client uses;
//! - [`keys`]: importing people's and offices' signing keys;
//! - [`memory`]: the allocator, and bounding what the C allocator keeps;
//! - [`error`]: why a command failed.

pub mod cli;
pub mod demo;
pub mod error;
pub mod keys;
pub mod memory;
pub mod services;
pub mod signing_service;
pub mod suite;
