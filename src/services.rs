//! The suite's backend services, from the one list
//! ([`vanphong_platform::suite_services!`]): what `serve`, `migrate`,
//! `audit` and the gateway's routes need of each, so none of them names a
//! service. A new service is a new crate plus one line in that list.

use std::future::Future;
use std::pin::Pin;

use tokio::net::TcpListener;
use tokio::task::JoinHandle;

use vanphong_gateway::Backend as GatewayBackend;
use vanphong_platform::Error;
use vanphong_platform::audit_state::StoredState;
use vanphong_platform::db::Migrations;
use vanphong_platform::grpc_client::ServiceChannel;
use vanphong_platform::host::{self, Backend, Runtime, Started};

/// A running server: it ends when the server has stopped.
pub type Server = JoinHandle<Result<(), Error>>;

/// Starting a service on a listener.
type Start = for<'a> fn(&'a Runtime, TcpListener) -> Pin<Box<dyn Future<Output = Result<Started, Error>> + Send + 'a>>;

/// A backend service of the suite.
#[derive(Clone, Copy)]
pub struct Service {
    /// Its name: `serve <name>`, its database or schema, its audit chain.
    pub name: &'static str,
    /// Where it listens when run alone (`127.0.0.1:<port>`).
    pub default_listen: &'static str,
    /// Its schema.
    pub migrations: fn() -> &'static Migrations,
    /// Its entities as its audit records describe them.
    pub audit_states: fn() -> &'static dyn StoredState,
    /// How the gateway reaches it through a channel (to one or several
    /// replicas, or to it in this process).
    pub gateway_entry: fn(ServiceChannel) -> GatewayBackend,
    /// Starts it on a listener.
    pub start: Start,
}

impl std::fmt::Debug for Service {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Service")
            .field("name", &self.name)
            .finish_non_exhaustive()
    }
}

impl PartialEq for Service {
    fn eq(&self, other: &Self) -> bool {
        self.name == other.name
    }
}

impl Eq for Service {}

impl Service {
    /// The service called `name`, if the suite has one.
    pub fn named(name: &str) -> Option<&'static Service> {
        SERVICES.iter().find(|s| s.name == name)
    }
}

/// How the gateway reaches backend `B` through `channel`.
fn gateway_entry<B: Backend>(channel: ServiceChannel) -> GatewayBackend {
    GatewayBackend {
        name: B::NAME.into(),
        package: B::PACKAGE.into(),
        channel,
    }
}

fn start<'a, B: Backend + 'static>(
    runtime: &'a Runtime,
    listener: TcpListener,
) -> Pin<Box<dyn Future<Output = Result<Started, Error>> + Send + 'a>> {
    Box::pin(host::start::<B>(runtime, listener))
}

/// Builds [`SERVICES`] from the one list.
macro_rules! services {
    ($($service:ident: $krate:ident::$backend:ident, $port:literal, $key:ident = $env:literal;)*) => {
        /// Every backend service of the suite, in the order of the list.
        pub static SERVICES: &[Service] = &[$(
            Service {
                name: <$krate::$backend as Backend>::NAME,
                default_listen: concat!("127.0.0.1:", $port),
                migrations: <$krate::$backend as Backend>::migrations,
                audit_states: <$krate::$backend as Backend>::audit_states,
                gateway_entry: gateway_entry::<$krate::$backend>,
                start: start::<$krate::$backend>,
            },
        )*];

        #[cfg(test)]
        mod names {
            /// The list's names are the backends' own.
            #[test]
            fn every_listed_name_is_its_backends() {
                $(assert_eq!(
                    <$krate::$backend as vanphong_platform::host::Backend>::NAME,
                    stringify!($service)
                );)*
            }
        }
    };
}

vanphong_platform::suite_services!(services);
