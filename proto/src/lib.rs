//! The suite's gRPC contracts.
//!
//! Every package `vanphong.<area>.v1` of the `.proto` files under
//! `proto/vanphong/` is compiled at build time (protox, no system protoc) into
//! the module `<area>::v1` here, with tonic clients and servers (the modules
//! are written by the build script from the folders, one per package).
//! [`FILE_DESCRIPTOR_SET`] holds the compiled descriptors with their comments
//! and custom options: servers publish it by reflection, and the gateway
//! derives its REST routes and OpenAPI document from it. [`contract`] holds
//! the request rules every server checks while decoding (the codec of every
//! generated service) and the gateway publishes.

/// Encoded `google.protobuf.FileDescriptorSet` of every Vanphong proto and
/// its imports, including source comments and `vanphong.api.v1.http`
/// options.
pub const FILE_DESCRIPTOR_SET: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/vanphong_descriptor.bin"));

pub mod contract;

// The module `<area>::v1` of every package `vanphong.<area>.v1` under
// `proto/vanphong/` (written by build.rs, so a new package needs no line
// here).
include!(concat!(env!("OUT_DIR"), "/vanphong_packages.rs"));
