//! Balancing calls over a service's replicas.
//!
//! tonic's `Channel::balance_channel` spreads calls over a set of endpoints
//! that a task of ours keeps current: every [`REFRESH`] (or at once when the
//! retry layer saw a connection fail) it resolves every configured address,
//! host names included, and tries a TCP connection to each. Replicas that
//! accept stay in the set, the others leave it, so a dead replica stops
//! getting calls within moments and a restarted one gets them again. When
//! no replica accepts, every known address stays in the set: calls then fail
//! fast with `UNAVAILABLE` instead of waiting for a replica. A name that
//! cannot be resolved for a while keeps the addresses it had.
//!
//! The task ends when the channel is dropped.

use std::collections::{BTreeSet, HashMap};
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use http::Uri;
use tokio::net::TcpStream;
use tokio::sync::Notify;
use tokio::sync::mpsc::Sender;
use tonic::transport::channel::Change;
use tonic::transport::{Channel, Endpoint};

use super::{Addresses, host_ip, port_of};

/// How often addresses are re-resolved and replicas re-probed.
pub const REFRESH: Duration = Duration::from_secs(2);

/// Shortest time between two refreshes.
const MIN_GAP: Duration = Duration::from_millis(100);

/// Longest wait for a probe's TCP connection.
const PROBE_TIMEOUT: Duration = Duration::from_millis(800);

/// Endpoint changes the balancer may have queued.
const CHANGES: usize = 64;

/// One configured address: its scheme, host and port.
#[derive(Debug, Clone)]
struct Target {
    scheme: String,
    host: String,
    port: u16,
}

impl Target {
    fn of(uri: &Uri) -> Self {
        Target {
            scheme: uri.scheme_str().unwrap_or("http").to_string(),
            host: uri.host().unwrap_or_default().to_string(),
            port: port_of(uri),
        }
    }

    /// Every address the target stands for now; `None` when a name does
    /// not resolve.
    async fn resolve(&self) -> Option<Vec<SocketAddr>> {
        if let Some(ip) = host_ip(&self.host) {
            return Some(vec![SocketAddr::new(ip, self.port)]);
        }
        match tokio::net::lookup_host((self.host.as_str(), self.port)).await {
            Ok(found) => Some(found.collect()),
            Err(e) => {
                tracing::warn!(host = %self.host, error = %e, "cannot resolve a service's address");
                None
            }
        }
    }
}

/// A balanced channel over `addresses`, and the handle that makes its task
/// refresh the replica set at once.
pub fn spawn(name: &str, addresses: &Addresses, endpoint: fn(Uri) -> Endpoint) -> (Channel, Arc<Notify>) {
    let targets: Vec<Target> = addresses.uris().iter().map(Target::of).collect();
    let (channel, changes) = Channel::balance_channel::<SocketAddr>(CHANGES);
    let refresh = Arc::new(Notify::new());
    let task = Replicas {
        name: name.to_string(),
        targets,
        endpoint,
        changes,
        refresh: refresh.clone(),
        resolved: HashMap::new(),
        in_use: BTreeSet::new(),
    };
    tokio::spawn(task.run());
    (channel, refresh)
}

/// The channel was dropped: nobody needs the replica set any more.
struct ChannelGone;

/// The task that keeps the balancer's endpoints current.
struct Replicas {
    name: String,
    targets: Vec<Target>,
    endpoint: fn(Uri) -> Endpoint,
    changes: Sender<Change<SocketAddr, Endpoint>>,
    refresh: Arc<Notify>,
    /// The last successful resolution of each target.
    resolved: HashMap<usize, Vec<SocketAddr>>,
    /// What the balancer holds.
    in_use: BTreeSet<SocketAddr>,
}

impl Replicas {
    async fn run(mut self) {
        loop {
            let refreshed = tokio::time::Instant::now();
            if self.refresh_once().await.is_err() {
                return;
            }
            tokio::select! {
                _ = self.changes.closed() => return,
                // Calls failing in a burst ask for one refresh, not one each.
                _ = self.refresh.notified() => tokio::time::sleep_until(refreshed + MIN_GAP).await,
                _ = tokio::time::sleep(REFRESH) => {}
            }
        }
    }

    /// Resolves, probes and updates the balancer; `Err` when the channel is
    /// gone.
    async fn refresh_once(&mut self) -> Result<(), ChannelGone> {
        for (i, target) in self.targets.iter().enumerate() {
            if let Some(found) = target.resolve().await {
                self.resolved.insert(i, found);
            }
        }
        let known: BTreeSet<(usize, SocketAddr)> = self
            .resolved
            .iter()
            .flat_map(|(i, addrs)| addrs.iter().map(move |a| (*i, *a)))
            .collect();
        let probes = known.iter().map(|(_, addr)| async move {
            let up = matches!(
                tokio::time::timeout(PROBE_TIMEOUT, TcpStream::connect(addr)).await,
                Ok(Ok(_))
            );
            (*addr, up)
        });
        let probed = futures_util::future::join_all(probes).await;
        let answering: BTreeSet<SocketAddr> = probed.iter().filter(|p| p.1).map(|p| p.0).collect();
        let wanted: BTreeSet<SocketAddr> = if answering.is_empty() {
            known.iter().map(|(_, a)| *a).collect()
        } else {
            answering
        };
        for gone in self.in_use.difference(&wanted) {
            tracing::info!(service = %self.name, replica = %gone, "replica left the balanced set");
            self.changes
                .send(Change::Remove(*gone))
                .await
                .map_err(|_| ChannelGone)?;
        }
        let target_of: HashMap<SocketAddr, usize> = known.iter().map(|(i, a)| (*a, *i)).collect();
        for added in wanted.difference(&self.in_use) {
            let scheme = target_of
                .get(added)
                .map_or("http", |i| self.targets[*i].scheme.as_str());
            let uri = Uri::builder()
                .scheme(scheme)
                .authority(added.to_string())
                .path_and_query("/")
                .build();
            let Ok(uri) = uri else { continue };
            tracing::info!(service = %self.name, replica = %added, "replica joined the balanced set");
            let endpoint = (self.endpoint)(uri);
            self.changes
                .send(Change::Insert(*added, endpoint))
                .await
                .map_err(|_| ChannelGone)?;
        }
        self.in_use = wanted;
        Ok(())
    }
}
