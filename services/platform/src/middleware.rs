//! Tower layers written once.
//!
//! Every step the servers put around requests (tracing, metrics, deadlines,
//! load shedding, authentication) is a [`Middleware`]: one function of the
//! request and the rest of the chain ([`Next`]). [`MiddlewareLayer`] turns
//! any of them into a tower layer, so the `Layer`/`Service` plumbing
//! (readiness passed through, the ready inner service taken for the call)
//! is written here and nowhere else.

use std::task::{Context, Poll};

use futures_util::future::BoxFuture;
use http::{Request, Response};
use tower::{Layer, Service};

/// One step around a server's requests, with response bodies of type `R`
/// (a step that answers by itself needs to build one).
pub trait Middleware<R>: Clone {
    /// Serves `request`, handing it on to `next` (or not: a step may answer
    /// itself, e.g. refuse it).
    fn call<B: Send + 'static, S: Inner<B, R>>(&self, request: Request<B>, next: Next<S>) -> Answer<R, S::Error>;
}

/// What a [`Middleware`] may wrap: any service of HTTP requests whose
/// future may move between threads.
pub trait Inner<B, R>: Service<Request<B>, Response = Response<R>, Future: Send + 'static> + Send + 'static {}

impl<T, B, R> Inner<B, R> for T where
    T: Service<Request<B>, Response = Response<R>, Future: Send + 'static> + Send + 'static
{
}

/// The answer of a [`Middleware`], later.
pub type Answer<R, E> = BoxFuture<'static, Result<Response<R>, E>>;

/// The rest of the chain, ready to take one request.
#[derive(Debug)]
pub struct Next<S> {
    inner: S,
}

impl<S> Next<S> {
    /// Hands `request` on; the future answers it.
    pub fn run<B>(mut self, request: Request<B>) -> S::Future
    where
        S: Service<Request<B>>,
    {
        self.inner.call(request)
    }
}

/// The tower layer of a [`Middleware`].
#[derive(Debug, Clone, Copy, Default)]
pub struct MiddlewareLayer<M> {
    middleware: M,
}

impl<M> MiddlewareLayer<M> {
    pub fn new(middleware: M) -> Self {
        Self { middleware }
    }
}

impl<M: Clone, S> Layer<S> for MiddlewareLayer<M> {
    type Service = MiddlewareService<M, S>;

    fn layer(&self, inner: S) -> Self::Service {
        MiddlewareService {
            middleware: self.middleware.clone(),
            inner,
        }
    }
}

/// A service with a [`Middleware`] in front of it.
#[derive(Debug, Clone)]
pub struct MiddlewareService<M, S> {
    middleware: M,
    inner: S,
}

impl<M, S, B, R> Service<Request<B>> for MiddlewareService<M, S>
where
    M: Middleware<R>,
    S: Service<Request<B>, Response = Response<R>> + Clone + Send + 'static,
    S::Future: Send + 'static,
    B: Send + 'static,
{
    type Response = Response<R>;
    type Error = S::Error;
    type Future = Answer<R, S::Error>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: Request<B>) -> Self::Future {
        // The clone may not be ready: the ready one serves this request and
        // the clone waits for the next poll_ready.
        let fresh = self.inner.clone();
        let inner = std::mem::replace(&mut self.inner, fresh);
        self.middleware.call(request, Next { inner })
    }
}

#[cfg(test)]
mod tests {
    use std::convert::Infallible;

    use tower::ServiceExt;

    use super::*;

    /// Refuses requests without `x-ok`, and marks the answers it passes.
    #[derive(Clone)]
    struct Gate;

    impl Middleware<String> for Gate {
        fn call<B: Send + 'static, S: Inner<B, String>>(
            &self,
            request: Request<B>,
            next: Next<S>,
        ) -> Answer<String, S::Error> {
            if !request.headers().contains_key("x-ok") {
                return Box::pin(async { Ok(Response::new("refused".to_string())) });
            }
            let answer = next.run(request);
            Box::pin(async move {
                let mut response = answer.await?;
                response.body_mut().push_str(" (gated)");
                Ok(response)
            })
        }
    }

    #[tokio::test]
    async fn a_middleware_answers_itself_or_wraps_what_the_rest_answers() {
        let inner = tower::service_fn(|_request: Request<()>| async {
            Ok::<_, Infallible>(Response::new("served".to_string()))
        });
        let service = MiddlewareLayer::new(Gate).layer(inner);
        let refused = service.clone().oneshot(Request::new(())).await.expect("answer");
        assert_eq!(refused.body(), "refused");
        let request = Request::builder().header("x-ok", "1").body(()).expect("request");
        let passed = service.oneshot(request).await.expect("answer");
        assert_eq!(passed.body(), "served (gated)");
    }
}
