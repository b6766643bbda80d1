//! One way to write a gRPC service's entry points: [`grpc_delegate!`]
//! (crate::grpc_delegate) implements a tonic service trait by handing each
//! RPC's request to the function that does the work and turning its
//! `Result<T, Error>` into `Response`/`Status`, so no service writes that
//! forwarding by hand.

/// Implements a tonic service trait for a handler by delegation. Each line
/// names the RPC, its request and response types, and the function that
/// answers it, called with a receiver, the request, then any extra
/// arguments given:
///
/// - `impl FooService for FooApi { rpc(Req) -> Res = Self::method(args); }`:
///   the receiver is the handler itself, `Self::method(self, request, args)`;
/// - `impl FooService for FooApi(shared) { rpc(Req) -> Res = module::function; }`:
///   for a handler `FooApi(Arc<Shared>)`, the receiver is the shared state,
///   `module::function(&self.0, request)`.
///
/// A handler of the first kind with a server-streaming RPC names its stream
/// type first, as the trait asks (one at most),
/// `type DownloadStream = BoxedStream;`, and answers with it:
/// `download(Req) -> Self::DownloadStream = Self::download;`.
#[macro_export]
macro_rules! grpc_delegate {
    (impl $service:ident for $api:ident { type $stream:ident = $stream_type:ty; $($entries:tt)* }) => {
        $crate::grpc_delegate!(@impl $service for $api, this => this, [type $stream = $stream_type;] { $($entries)* });
    };
    (impl $service:ident for $api:ident { $($entries:tt)* }) => {
        $crate::grpc_delegate!(@impl $service for $api, this => this, [] { $($entries)* });
    };
    (impl $service:ident for $api:ident(shared) { $($entries:tt)* }) => {
        $crate::grpc_delegate!(@impl $service for $api, this => &this.0, [] { $($entries)* });
    };
    (@impl $service:ident for $api:ident, $this:ident => $receiver:expr, [$( type $stream:ident = $stream_type:ty; )*] {
        $( $rpc:ident($request:ty) -> $response:ty = $($function:ident)::+ $( ( $($arg:expr),* ) )?; )*
    }) => {
        #[tonic::async_trait]
        impl $service for $api {
            $( type $stream = $stream_type; )*
            $(
                async fn $rpc(
                    &self,
                    request: tonic::Request<$request>,
                ) -> Result<tonic::Response<$response>, tonic::Status> {
                    let $this = self;
                    Ok(tonic::Response::new($($function)::+($receiver, request $($(, $arg)*)?).await?))
                }
            )*
        }
    };
}
