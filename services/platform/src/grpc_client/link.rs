//! How a channel reaches its service: over the network, or — when the
//! service runs in the same process (the all-in-one suite) — by calling its
//! server's stack directly, with no HTTP/2 encoding and no loopback socket
//! between them.
//!
//! The in-process path is plugged in after the channel is made
//! ([`InProcessSlot`]), since the gateway is built before the services it
//! forwards to; until then, and for every channel without a slot, calls go
//! over the network.

use std::convert::Infallible;
use std::sync::{Arc, OnceLock};
use std::task::{Context, Poll};

use futures_util::future::BoxFuture;
use tonic::body::Body;
use tonic::transport::Channel;
use tower::util::BoxCloneSyncService;
use tower::{Service, ServiceExt};

type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// A service's whole server stack, callable in this process.
pub type InProcess = BoxCloneSyncService<http::Request<Body>, http::Response<Body>, Infallible>;

/// Where a service's in-process stack is put once it has started.
#[derive(Clone, Default)]
pub struct InProcessSlot(Arc<OnceLock<InProcess>>);

impl InProcessSlot {
    pub fn new() -> Self {
        Self::default()
    }

    /// Calls made from now on go to `service` in this process. A second
    /// fill is ignored: a channel keeps the stack it was first given.
    pub fn fill(&self, service: InProcess) {
        let _ = self.0.set(service);
    }

    fn get(&self) -> Option<&InProcess> {
        self.0.get()
    }
}

/// The way to one service under the retrying channel.
#[derive(Clone)]
pub struct Link {
    network: Channel,
    in_process: Option<InProcessSlot>,
}

impl Link {
    /// Over the network only.
    pub fn network(channel: Channel) -> Self {
        Link {
            network: channel,
            in_process: None,
        }
    }

    /// In this process once `slot` is filled, over the network before.
    pub fn in_process_when_filled(channel: Channel, slot: InProcessSlot) -> Self {
        Link {
            network: channel,
            in_process: Some(slot),
        }
    }

    fn local(&self) -> Option<InProcess> {
        self.in_process.as_ref().and_then(InProcessSlot::get).cloned()
    }
}

impl Service<http::Request<Body>> for Link {
    type Response = http::Response<Body>;
    type Error = BoxError;
    type Future = BoxFuture<'static, Result<http::Response<Body>, BoxError>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), BoxError>> {
        if self.local().is_some() {
            return Poll::Ready(Ok(()));
        }
        self.network.poll_ready(cx).map_err(Into::into)
    }

    fn call(&mut self, request: http::Request<Body>) -> Self::Future {
        if let Some(local) = self.local() {
            // What the caller's own layers put on the request stays with
            // them, as it would on the other side of a socket.
            let (mut parts, body) = request.into_parts();
            parts.extensions = http::Extensions::new();
            let request = http::Request::from_parts(parts, body);
            return Box::pin(async move {
                let Ok(response) = local.oneshot(request).await;
                Ok(response)
            });
        }
        let call = self.network.call(request);
        Box::pin(async move { call.await.map_err(Into::into) })
    }
}
