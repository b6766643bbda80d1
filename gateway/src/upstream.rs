//! Where the gateway sends calls: the directory in this process, or a
//! backend service over the network; and unary calls with messages known
//! only by their descriptors.

use std::collections::HashMap;

use bytes::Buf;
use http::uri::PathAndQuery;
use prost::Message;
use prost_reflect::{DynamicMessage, MessageDescriptor};
use tonic::codec::{Codec, DecodeBuf, Decoder, EncodeBuf, Encoder};
use tonic::{Request, Response, Status};

use vanphong_platform::grpc_client::ServiceChannel;

/// A place gRPC calls can be sent.
#[derive(Clone)]
pub enum Upstream {
    /// Services of this process, called without a network hop.
    Local(axum::Router),
    /// A service in another process (one or several replicas; the channel
    /// balances over them and retries what is safe to retry).
    Remote { name: String, channel: ServiceChannel },
}

/// Upstreams by proto package (`vanphong.documents.v1` …).
#[derive(Clone, Default)]
pub struct Upstreams {
    by_package: HashMap<String, Upstream>,
}

impl Upstreams {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn insert(&mut self, package: impl Into<String>, upstream: Upstream) {
        self.by_package.insert(package.into(), upstream);
    }

    pub fn get(&self, package: &str) -> Option<&Upstream> {
        self.by_package.get(package)
    }

    /// The remote services, for readiness checks.
    pub fn remotes(&self) -> Vec<(String, ServiceChannel)> {
        let mut out: Vec<(String, ServiceChannel)> = self
            .by_package
            .values()
            .filter_map(|u| match u {
                Upstream::Remote { name, channel } => Some((name.clone(), channel.clone())),
                Upstream::Local(_) => None,
            })
            .collect();
        out.sort_by(|a, b| a.0.cmp(&b.0));
        out.dedup_by(|a, b| a.0 == b.0);
        out
    }
}

/// Encodes and decodes messages of one descriptor.
#[derive(Clone)]
struct DynamicCodec {
    output: MessageDescriptor,
}

struct DynamicEncoder;

struct DynamicDecoder {
    output: MessageDescriptor,
}

impl Encoder for DynamicEncoder {
    type Item = DynamicMessage;
    type Error = Status;

    fn encode(&mut self, item: DynamicMessage, dst: &mut EncodeBuf<'_>) -> Result<(), Status> {
        item.encode(dst).map_err(|e| Status::internal(e.to_string()))?;
        Ok(())
    }
}

impl Decoder for DynamicDecoder {
    type Item = DynamicMessage;
    type Error = Status;

    fn decode(&mut self, src: &mut DecodeBuf<'_>) -> Result<Option<DynamicMessage>, Status> {
        let mut bytes = vec![0; src.remaining()];
        src.copy_to_slice(&mut bytes);
        DynamicMessage::decode(self.output.clone(), bytes.as_slice())
            .map(Some)
            .map_err(|e| Status::internal(format!("undecodable response: {e}")))
    }
}

impl Codec for DynamicCodec {
    type Encode = DynamicMessage;
    type Decode = DynamicMessage;
    type Encoder = DynamicEncoder;
    type Decoder = DynamicDecoder;

    fn encoder(&mut self) -> DynamicEncoder {
        DynamicEncoder
    }

    fn decoder(&mut self) -> DynamicDecoder {
        DynamicDecoder {
            output: self.output.clone(),
        }
    }
}

impl Upstream {
    /// A channel to this upstream for typed clients (the console's).
    pub fn grpc_channel(&self) -> vanphong_console::GrpcChannel {
        use tower::ServiceExt;
        match self {
            Upstream::Local(router) => {
                tower::util::BoxCloneSyncService::new(ServiceExt::<http::Request<tonic::body::Body>>::map_response(
                    router.clone(),
                    |response: http::Response<axum::body::Body>| response.map(tonic::body::Body::new),
                ))
            }
            Upstream::Remote { channel, .. } => tower::util::BoxCloneSyncService::new(channel.clone()),
        }
    }

    /// Calls a unary RPC given its path and response type.
    pub async fn unary(
        &self,
        request: Request<DynamicMessage>,
        path: &str,
        output: MessageDescriptor,
    ) -> Result<Response<DynamicMessage>, Status> {
        let path = PathAndQuery::try_from(path).map_err(|e| Status::internal(e.to_string()))?;
        let codec = DynamicCodec { output };
        match self {
            Upstream::Local(router) => {
                let mut grpc = tonic::client::Grpc::new(router.clone());
                grpc.ready().await.map_err(|e| Status::unavailable(e.to_string()))?;
                grpc.unary(request, path, codec).await
            }
            Upstream::Remote { channel, .. } => {
                // Always ready: the channel waits for a replica within the
                // call's deadline and answers UNAVAILABLE when none comes.
                let mut grpc = tonic::client::Grpc::new(channel.clone());
                grpc.unary(request, path, codec).await
            }
        }
    }
}
