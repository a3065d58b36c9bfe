//! Public answers served from memory (issue 14, DESIGN §9). A public GET's answer depends only on
//! the data version (the audit log's last `seq`, since every write that can change a public
//! answer appends to it in its transaction, and the name indexes' formats, since a rebuilt index
//! finds what an older one missed) and today's date in Asia/Shanghai, so it is computed once per
//! (version, day) and then served from memory with its ETag, without routing, a database query
//! or serialisation.
//!
//! The version is known without a read per request: a watch thread ([`spawn_watch`]) asks the
//! database every [`WATCH_INTERVAL`] whether any connection of any process committed
//! (`service::system::ChangeWatch`: SQLite's `data_version`, PostgreSQL's `LISTEN`), and a write
//! through this instance's own HTTP routes says so before its answer leaves. Either makes the
//! known version stale ([`Known`]); the next request then reads it, and reads are coalesced, one
//! read serving every request that arrived before it started (`VersionGate`). Without a running
//! watch (it failed, or none was started) every request reads the version, as a safe default.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, Weak};
use std::time::{Duration, Instant};

use bytes::Bytes;
use chrono::NaiveDate;
use warp::http::header::{self, HeaderMap};
use warp::http::{Method, StatusCode};
use warp::reply::Response;

use crate::service::{self, App, ServiceError};

/// Answers larger than this are not kept (a plan's bundle, the open-data CSV of a province).
pub const MAX_ANSWER_BYTES: usize = 1 << 20;

/// Everything kept, at most (bodies and keys): past it, the store starts over.
pub const MAX_TOTAL_BYTES: usize = 64 << 20;

/// Which state of the data an answer shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Version {
    /// The audit log's last `seq` and the name indexes' formats (`service::system::data_version`).
    pub data: (i64, i64),
    pub day: NaiveDate,
}

/// One kept answer: its headers (without CORS, which depends on the request's Origin) and body.
pub struct Kept {
    pub headers: HeaderMap,
    pub body: Bytes,
}

impl Kept {
    /// The answer as a response: 304 with the headers when the client holds this ETag.
    pub fn response(&self, if_none_match: Option<&str>) -> Response {
        let etag = self
            .headers
            .get(header::ETAG)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        let mut res = Response::new(Default::default());
        *res.headers_mut() = self.headers.clone();
        if if_none_match.is_some_and(|v| super::etag::matches(v, etag)) {
            *res.status_mut() = StatusCode::NOT_MODIFIED;
            res.headers_mut().remove(header::CONTENT_TYPE);
            res.headers_mut().remove(header::CONTENT_LENGTH);
            res.headers_mut().remove(header::CONTENT_DISPOSITION);
        } else {
            *res.body_mut() = self.body.clone().into();
        }
        res
    }
}

#[derive(Default)]
struct Store {
    version: Option<Version>,
    entries: HashMap<String, Arc<Kept>>,
    bytes: usize,
}

/// How often the watch asks whether another connection committed: the longest a write through
/// another instance or the command line goes unseen by this instance's answers (plus one read).
pub const WATCH_INTERVAL: Duration = Duration::from_millis(2);

/// How often the version is read again whatever the watch says: a bound on staleness should a
/// notice ever be missed without the watch's connection failing.
pub const REREAD_INTERVAL: Duration = Duration::from_secs(1);

/// The kept answers of the current version, and the version reads.
#[derive(Default)]
pub struct Answers {
    store: Mutex<Store>,
    gate: VersionGate,
    known: Known,
}

/// The data version as last read, valid until a notice says the data may have changed.
#[derive(Default)]
struct Known {
    /// Counts the notices; a version read in an earlier epoch is not used.
    epoch: AtomicU64,
    /// The latest read and the epoch it began in.
    value: Mutex<Option<(u64, (i64, i64))>>,
    /// A watch is running; without one every request reads the version.
    watched: AtomicBool,
}

impl Known {
    fn get(&self) -> Option<(i64, i64)> {
        if !self.watched.load(Ordering::SeqCst) {
            return None;
        }
        let epoch = self.epoch.load(Ordering::SeqCst);
        match *self.value.lock().unwrap_or_else(|p| p.into_inner()) {
            Some((e, data)) if e == epoch => Some(data),
            _ => None,
        }
    }

    /// Keeps `data`, read by a read that began in `epoch`, unless a notice came since.
    fn learn(&self, epoch: u64, data: (i64, i64)) {
        let mut value = self.value.lock().unwrap_or_else(|p| p.into_inner());
        if self.epoch.load(Ordering::SeqCst) == epoch {
            *value = Some((epoch, data));
        }
    }

    fn stale(&self) {
        self.epoch.fetch_add(1, Ordering::SeqCst);
    }
}

/// Whether a request's answer may be kept: a public GET or HEAD (the verifier's POST is not).
pub fn cacheable(method: &Method, path: &str) -> bool {
    (method == Method::GET || method == Method::HEAD) && super::cors::is_public(method, path)
}

impl Answers {
    /// The current version: the known one while no notice says otherwise, else read from the
    /// database by a read that began after this call.
    pub async fn version(&self, app: &App) -> Result<Version, ServiceError> {
        let data = match self.known.get() {
            Some(data) => data,
            None => self.gate.current(app, &self.known).await?,
        };
        Ok(Version {
            data,
            day: app.today(),
        })
    }

    /// Notice that the data may have changed (a write committed): the next request reads the
    /// version.
    pub fn changed(&self) {
        self.known.stale();
    }

    /// The kept answer to `key` at `version`.
    pub fn get(&self, key: &str, version: Version) -> Option<Arc<Kept>> {
        let store = self.store.lock().unwrap_or_else(|p| p.into_inner());
        if store.version != Some(version) {
            return None;
        }
        store.entries.get(key).cloned()
    }

    /// Keeps the answer to `key` computed at `version` (read before it was computed, so the
    /// answer shows that state or a newer one). An older version's answer is dropped; a newer
    /// version empties the store first.
    pub fn put(&self, key: String, version: Version, kept: Kept) {
        let size = kept.body.len() + key.len();
        if kept.body.len() > MAX_ANSWER_BYTES {
            return;
        }
        let mut store = self.store.lock().unwrap_or_else(|p| p.into_inner());
        match store.version {
            Some(v) if v > version => return,
            Some(v) if v == version => {}
            _ => {
                store.entries.clear();
                store.bytes = 0;
                store.version = Some(version);
            }
        }
        if store.bytes + size > MAX_TOTAL_BYTES {
            store.entries.clear();
            store.bytes = 0;
        }
        if let Some(old) = store.entries.insert(key, Arc::new(kept)) {
            store.bytes -= old.body.len();
        } else {
            store.bytes += size;
        }
    }
}

/// Coalesced version reads. A request may use only a read that started after it arrived (so a
/// write committed before the request is seen); one read at a time, and each read's result
/// serves every request waiting when it finishes.
#[derive(Default)]
struct VersionGate {
    /// Held while a read runs.
    reading: tokio::sync::Mutex<()>,
    /// Reads started so far; the n-th read has index n.
    started: AtomicU64,
    /// The latest read's index and result.
    latest: Mutex<(u64, (i64, i64))>,
}

impl VersionGate {
    async fn current(&self, app: &App, known: &Known) -> Result<(i64, i64), ServiceError> {
        let arrival = self.started.load(Ordering::SeqCst);
        let fresh = || {
            let (index, seq) = *self.latest.lock().unwrap_or_else(|p| p.into_inner());
            (index > arrival).then_some(seq)
        };
        if let Some(seq) = fresh() {
            return Ok(seq);
        }
        let _reading = self.reading.lock().await;
        if let Some(seq) = fresh() {
            return Ok(seq);
        }
        let epoch = known.epoch.load(Ordering::SeqCst);
        let index = self.started.fetch_add(1, Ordering::SeqCst) + 1;
        let seq = app.blocking(service::system::data_version).await?;
        known.learn(epoch, seq);
        let mut latest = self.latest.lock().unwrap_or_else(|p| p.into_inner());
        if index > latest.0 {
            *latest = (index, seq);
        }
        Ok(seq)
    }
}

/// The key of a request's answer: its path and query exactly as sent.
pub fn key(uri: &warp::http::Uri) -> String {
    uri.path_and_query()
        .map(|p| p.as_str().to_string())
        .unwrap_or_default()
}

/// The router behind the kept answers: a hit is answered here (after the client's rate limit);
/// a miss goes to the router without its `If-None-Match`, and a 200 comes back to be kept and
/// then answered (304 or the body) as a hit would be.
#[derive(Clone)]
pub struct WithAnswers<S> {
    pub inner: S,
    pub state: Arc<super::AppState>,
}

type BoxFuture<T> = std::pin::Pin<Box<dyn std::future::Future<Output = T> + Send>>;

impl<S, B> hyper::service::Service<hyper::Request<B>> for WithAnswers<S>
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

    fn call(&self, mut req: hyper::Request<B>) -> Self::Future {
        if !cacheable(req.method(), req.uri().path()) {
            // Public routes never write (the verifier's POST computes); staff writes may.
            let writes = !matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS)
                && !super::cors::is_public(req.method(), req.uri().path());
            let f = self.inner.call(req);
            if !writes {
                return Box::pin(f);
            }
            // A write's own client must see it in its next answer: the known version is made
            // stale once the write has committed, before its answer leaves. A refused write
            // (401, 422…) committed nothing and costs no read; the watch is there regardless.
            let state = self.state.clone();
            return Box::pin(async move {
                let res = f.await;
                if res.as_ref().is_ok_and(|r| r.status().is_success()) {
                    state.answers.changed();
                }
                res
            });
        }
        let (inner, state) = (self.inner.clone(), self.state.clone());
        Box::pin(async move {
            let (method, path) = (req.method().clone(), req.uri().path().to_string());
            let origin = req
                .headers()
                .get(header::ORIGIN)
                .and_then(|v| v.to_str().ok())
                .map(str::to_string);
            let key = key(req.uri());
            let Ok(version) = state.answers.version(&state.app).await else {
                // No version (the database is down): the router answers, uncached.
                return inner.call(req).await;
            };
            let if_none_match = req
                .headers_mut()
                .remove(header::IF_NONE_MATCH)
                .and_then(|v| v.to_str().ok().map(str::to_string));
            let decorate = |mut res: Response| {
                super::cors::decorate(&state.cors, &method, &path, origin.as_deref(), &mut res);
                res
            };
            if let Some(kept) = state.answers.get(&key, version) {
                let peer = req
                    .extensions()
                    .get::<super::ClientAddr>()
                    .map(|c| c.0.ip());
                if let Err(secs) = state
                    .limiter
                    .check(peer, req.headers(), state.app.clock().now())
                {
                    let res = warp::Reply::into_response(super::problem::rate_limited(secs));
                    return Ok(decorate(super::finish_headers(res)));
                }
                let res = decorate(kept.response(if_none_match.as_deref()));
                // The access log line of an answer that never reaches the router.
                tracing::info!(
                    target: "gongshi::answers",
                    %method,
                    %path,
                    status = res.status().as_u16(),
                    "answered from memory"
                );
                return Ok(res);
            }
            let res = inner.call(req).await?;
            if res.status() != StatusCode::OK || !res.headers().contains_key(header::ETAG) {
                return Ok(res);
            }
            let (mut parts, body) = res.into_parts();
            let body = match http_body_util::BodyExt::collect(body).await {
                Ok(c) => c.to_bytes(),
                Err(_) => return Ok(Response::from_parts(parts, Default::default())),
            };
            // CORS depends on each request's Origin: added per answer, never kept.
            parts.headers.remove(header::ACCESS_CONTROL_ALLOW_ORIGIN);
            parts.headers.remove(header::VARY);
            let kept = Kept {
                headers: parts.headers,
                body,
            };
            let res = decorate(kept.response(if_none_match.as_deref()));
            state.answers.put(key, version, kept);
            Ok(res)
        })
    }
}

/// Starts the watch thread of `state`'s answers; it ends when `stop` is set or the state is gone.
pub fn spawn_watch(
    state: &Arc<super::AppState>,
    stop: Arc<AtomicBool>,
) -> std::io::Result<std::thread::JoinHandle<()>> {
    let state = Arc::downgrade(state);
    std::thread::Builder::new()
        .name("gongshi-watch".into())
        .spawn(move || watch(state, stop))
}

fn watch(state: Weak<super::AppState>, stop: Arc<AtomicBool>) {
    // However the thread ends (stopped, or a panic), requests go back to reading the version.
    struct Unwatched(Weak<super::AppState>);
    impl Drop for Unwatched {
        fn drop(&mut self) {
            if let Some(state) = self.0.upgrade() {
                state.answers.known.watched.store(false, Ordering::SeqCst);
            }
        }
    }
    let _unwatched = Unwatched(state.clone());
    let mut watch: Option<service::system::ChangeWatch> = None;
    let (mut reread_at, mut retry_at) = (Instant::now(), Instant::now());
    while !stop.load(Ordering::SeqCst) {
        let Some(state) = state.upgrade() else {
            return;
        };
        let known = &state.answers.known;
        let now = Instant::now();
        if watch.is_none() && now >= retry_at {
            match service::system::ChangeWatch::open(&state.app) {
                Ok(w) => {
                    // Commits before the watch began are covered by the read this notice causes.
                    watch = Some(w);
                    known.stale();
                    known.watched.store(true, Ordering::SeqCst);
                }
                Err(e) => {
                    tracing::warn!(error = %crate::error_chain::error_chain(&e), "cannot watch the database for writes; every public request reads the data version");
                    retry_at = now + Duration::from_secs(1);
                }
            }
        }
        if let Some(w) = &mut watch {
            match w.changed() {
                Ok(true) => known.stale(),
                Ok(false) => {}
                Err(e) => {
                    known.watched.store(false, Ordering::SeqCst);
                    tracing::warn!(error = %crate::error_chain::error_chain(&e), "lost the watch on the database; reconnecting");
                    watch = None;
                    retry_at = now + Duration::from_secs(1);
                }
            }
        }
        if now >= reread_at {
            known.stale();
            reread_at = now + REREAD_INTERVAL;
        }
        drop(state);
        std::thread::sleep(WATCH_INTERVAL);
    }
}
