//! The suite's gRPC contracts.
//!
//! Every package `vanphong.<area>.v1` of the `.proto` files under
//! `proto/vanphong/` is compiled at build time (protox, no system protoc) into
//! the module `<area>::v1` here, with tonic clients and servers.
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

/// REST exposure options read by the gateway.
pub mod api {
    pub mod v1 {
        include!(concat!(env!("OUT_DIR"), "/vanphong.api.v1.rs"));
    }
}

/// Types shared by every service.
pub mod common {
    pub mod v1 {
        include!(concat!(env!("OUT_DIR"), "/vanphong.common.v1.rs"));
    }
}

/// Official documents: incoming, outgoing, exchange between offices.
pub mod documents {
    pub mod v1 {
        include!(concat!(env!("OUT_DIR"), "/vanphong.documents.v1.rs"));
    }
}

/// Citizen reception and petitions.
pub mod petitions {
    pub mod v1 {
        include!(concat!(env!("OUT_DIR"), "/vanphong.petitions.v1.rs"));
    }
}

/// Party finance: budgets, ledger, membership dues.
pub mod finance {
    pub mod v1 {
        include!(concat!(env!("OUT_DIR"), "/vanphong.finance.v1.rs"));
    }
}

/// Periodic briefing reports.
pub mod reporting {
    pub mod v1 {
        include!(concat!(env!("OUT_DIR"), "/vanphong.reporting.v1.rs"));
    }
}

/// The office directory, users and sign-in.
pub mod directory {
    pub mod v1 {
        include!(concat!(env!("OUT_DIR"), "/vanphong.directory.v1.rs"));
    }
}
