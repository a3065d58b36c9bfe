//! The request pipeline: the one stack every request goes through in front of the router, in
//! this order. Each step depends on the route's audience (`routes::Audience`), looked up once
//! from the route table; nothing here matches a path prefix.
//!
//! 1. `client`: who sent the request (peer, or behind a trusted proxy its forwarded address),
//!    resolved once and handed on as a request extension.
//! 2. `cors`: a preflight of a route other sites may read is answered here.
//! 3. `rate_limit`: a limited audience's client over its rate gets 429 before any work.
//! 4. `cache`: a tagged audience's answer is served from memory or, from the router, read whole,
//!    tagged (`etag`) and kept; the only layer that buffers a body.
//! 5. The router (`http::router`): routing, the handler, problem+json for every rejection.
//! 6. `headers`: CORS on answers other sites may read, `no-store` where no cache may keep the
//!    answer, `nosniff` on all, `Allow` on a 405; a successful staff write makes the public data
//!    version stale before its answer leaves; one access-log line.
//!
//! The console's cookies, CSRF and content-security policy (issue 28) belong here too, keyed by
//! `Audience::Console`.

pub mod cache;
pub mod client;
pub mod cors;
pub mod etag;
pub mod headers;
pub mod rate_limit;
pub mod watch;

use std::sync::Arc;
use std::time::Instant;

use tracing::Instrument;
use warp::http::header;
use warp::http::Method;
use warp::reply::Response;

use super::routes::{self, Audience};
use super::{AppState, ClientAddr};
use client::Client;

/// The pipeline around the router (a hyper service).
#[derive(Clone)]
pub struct Pipeline<S> {
    pub router: S,
    pub state: Arc<AppState>,
}

type BoxFuture<T> = std::pin::Pin<Box<dyn std::future::Future<Output = T> + Send>>;

impl<S, B> hyper::service::Service<hyper::Request<B>> for Pipeline<S>
where
    S: hyper::service::Service<hyper::Request<B>, Response = Response>
        + Clone
        + Send
        + Sync
        + 'static,
    S::Future: Send,
    S::Error: Send,
    B: Send + 'static,
{
    type Response = Response;
    type Error = S::Error;
    type Future = BoxFuture<Result<Response, S::Error>>;

    fn call(&self, req: hyper::Request<B>) -> Self::Future {
        let this = self.clone();
        Box::pin(async move { this.handle(req).await })
    }
}

impl<S> Pipeline<S> {
    async fn handle<B>(self, mut req: hyper::Request<B>) -> Result<Response, S::Error>
    where
        S: hyper::service::Service<hyper::Request<B>, Response = Response>,
    {
        let started = Instant::now();
        let state = &self.state;
        let (method, path) = (req.method().clone(), req.uri().path().to_string());
        let peer = req.extensions().get::<ClientAddr>().map(|c| c.0);
        let client = Client::resolve(peer, req.headers(), state.clients);
        req.extensions_mut().insert(client);
        let origin = req
            .headers()
            .get(header::ORIGIN)
            .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned());
        let span = tracing::info_span!("request", %method, %path, %client);

        let preflight = cors::preflight_method(&method, req.headers())
            .and_then(|asked| routes::audience(&asked, &path).map(|a| (asked, a)))
            .filter(|(_, audience)| audience.shared_with_other_sites());
        let (audience, res) = if let Some((asked, _)) = preflight {
            // The preflight's answer carries its own CORS headers.
            let res = cors::preflight(&state.cors, &asked, origin.as_deref());
            (None, res)
        } else {
            let audience = routes::audience(&method, &path);
            let lang = crate::http::lang::Lang::from_accept_language(
                req.headers()
                    .get(header::ACCEPT_LANGUAGE)
                    .and_then(|v| v.to_str().ok()),
            );
            let res = crate::http::lang::scope(
                lang,
                self.answer(req, &method, audience, client)
                    .instrument(span.clone()),
            )
            .await?;
            (audience, res)
        };
        let res = headers::finish(res, audience, &path, &state.cors, origin.as_deref());
        if audience.is_some_and(Audience::writes_public_data)
            && !matches!(method, Method::GET | Method::HEAD | Method::OPTIONS)
            && res.status().is_success()
        {
            // A write's own client must see it in its next public answer: the known version is
            // made stale once the write has committed, before its answer leaves. A refused write
            // (401, 422…) committed nothing and costs no read; the watch is there regardless.
            state.answers.changed();
        }
        span.in_scope(|| {
            tracing::info!(
                status = res.status().as_u16(),
                micros = started.elapsed().as_micros() as u64,
                "answered"
            )
        });
        Ok(res)
    }

    /// Everything after the client and the preflight: the limit, the cache, the router.
    async fn answer<B>(
        &self,
        req: hyper::Request<B>,
        method: &Method,
        audience: Option<Audience>,
        client: Client,
    ) -> Result<Response, S::Error>
    where
        S: hyper::service::Service<hyper::Request<B>, Response = Response>,
    {
        let state = &self.state;
        let Some(audience) = audience else {
            // No route: the router answers 404 or 405.
            return Box::pin(self.router.call(req)).await;
        };
        if audience.rate_limited() {
            if let Err(secs) = state.limiter.check(client.key, state.app.clock().now()) {
                return Ok(warp::Reply::into_response(super::problem::rate_limited(
                    secs,
                )));
            }
        }
        if audience.tagged() {
            let keep = matches!(*method, Method::GET | Method::HEAD);
            return cache::answer(state, &self.router, req, keep).await;
        }
        // The router's future is large: boxed, it is allocated only when the router runs, and
        // the pipeline's own future (moved onto the heap for every request, answers from memory
        // included) stays small.
        Box::pin(self.router.call(req)).await
    }
}
