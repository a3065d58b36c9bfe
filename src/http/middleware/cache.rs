//! Public answers served from memory (issue 14, DESIGN §9), and the one layer of the pipeline that
//! reads an answer's body whole: it computes the answer's ETag once, keeps it, and answers 304 or
//! the body. A public GET's answer depends only on
//! the data version (the audit log's last `seq`, since every write that can change a public
//! answer appends to it in its transaction, and the name indexes' formats, since a rebuilt index
//! finds what an older one missed) and today's date in Asia/Shanghai, so it is computed once per
//! (version, day) and then served from memory with its ETag, without routing, a database query
//! or serialisation.
//!
//! The version is known without a read per request: a watch thread (`watch::spawn`) asks the
//! database every [`WATCH_INTERVAL`] whether any connection of any process committed
//! (`service::system::CommitListener`: SQLite's `data_version`, PostgreSQL's `LISTEN`), and a write
//! through this instance's own HTTP routes says so before its answer leaves. Either makes the
//! known version stale ([`KnownVersion`]); the next request then reads it, and reads are
//! coalesced, one read serving every request that arrived before it started (`VersionGate`).
//! Without a running watch (it failed, or none was started) every request reads the version, as
//! a safe default.
//!
//! What is kept is bounded by a byte budget (`serve --answer-cache-mib`, default
//! [`DEFAULT_BUDGET_BYTES`]), counting each answer's body, key, headers and bookkeeping. Most
//! questions a portal's visitors ask are asked once (each looks up another company), so the
//! store is `quick_cache`'s S3-FIFO: a new answer enters a small probationary queue and is
//! evicted from there first unless it is asked again, so a long tail of one-off questions
//! cannot push out the answers asked again and again (tested).

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::Bytes;
use chrono::NaiveDate;
use warp::http::header::{self, HeaderMap};
use warp::http::StatusCode;
use warp::reply::Response;

use crate::http::AppState;
use crate::service::{self, App, ServiceError};

/// Answers larger than this are not kept (a plan's bundle, the open-data CSV of a province).
pub const MAX_ANSWER_BYTES: usize = 1 << 20;

/// The default byte budget of the kept answers (`serve --answer-cache-mib`). Measured under a long
/// tail of one-off questions on 1,000,000 decisions (`benches/RESULTS.md`, issue 27): the server
/// holds ~165 MiB with no answer kept, and a budget costs about 1.7 times itself in resident
/// memory (allocator and table overheads the count leaves out), so 16 MiB keeps the whole server
/// under 200 MiB while the repeated questions stay answered from memory.
pub const DEFAULT_BUDGET_BYTES: u64 = 16 << 20;

/// What keeping an answer costs besides its body, key and headers: the `Arc`, the map's slot, the
/// queue's entry and the header map's own table, rounded up (measured by RSS under a long tail of
/// one-off answers, `benches/load/distinct.sh`).
const ENTRY_OVERHEAD: u64 = 512;

/// Which state of the data an answer shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Version {
    /// The audit log's last `seq` and the name indexes' formats (`service::system::data_version`).
    pub data: (i64, i64),
    pub day: NaiveDate,
}

/// One answer as kept: its headers (with its ETag and `Cache-Control`; without CORS, which depends
/// on the request's Origin) and body.
pub struct StoredAnswer {
    pub headers: HeaderMap,
    pub body: Bytes,
}

impl StoredAnswer {
    /// A successful answer's headers and body, tagged (`etag::tag`).
    pub fn tagged(mut headers: HeaderMap, body: Bytes, max_age: u32) -> StoredAnswer {
        super::etag::tag(&mut headers, &body, max_age);
        StoredAnswer { headers, body }
    }

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

impl StoredAnswer {
    /// What keeping it under `key` costs, in bytes, as the budget counts it.
    fn weight(&self, key: &str) -> u64 {
        let headers: usize = self
            .headers
            .iter()
            .map(|(name, value)| name.as_str().len() + value.len() + 32)
            .sum();
        (self.body.len() + key.len() + headers) as u64 + ENTRY_OVERHEAD
    }
}

#[derive(Clone)]
struct Weight;

impl quick_cache::Weighter<String, Arc<StoredAnswer>> for Weight {
    fn weight(&self, key: &String, answer: &Arc<StoredAnswer>) -> u64 {
        answer.weight(key)
    }
}

/// The kept answers of one version, within a byte budget.
struct Store {
    /// The version every kept answer shows; changed (and the answers dropped) under this lock,
    /// and answers are kept under it, so none of an older version is ever served for a newer one.
    version: Mutex<Option<Version>>,
    entries: quick_cache::sync::Cache<String, Arc<StoredAnswer>, Weight>,
    budget: u64,
}

impl Store {
    fn new(budget: u64) -> Store {
        // The cache sizes its tables by the number of items it expects: answers of a few KiB.
        let items = usize::try_from(budget / 4096).unwrap_or(usize::MAX).max(16);
        Store {
            version: Mutex::new(None),
            entries: quick_cache::sync::Cache::with_weighter(items, budget.max(1), Weight),
            budget,
        }
    }
}

/// How often the watch asks whether another connection committed: the longest a write through
/// another instance or the command line goes unseen by this instance's answers (plus one read).
pub const WATCH_INTERVAL: Duration = Duration::from_millis(2);

/// How often the version is read again whatever the watch says: a bound on staleness should a
/// notice ever be missed without the watch's connection failing.
pub const REREAD_INTERVAL: Duration = Duration::from_secs(1);

/// The kept answers of the current version, and the version reads.
pub struct Answers {
    store: Store,
    gate: VersionGate,
    known: KnownVersion,
}

impl Default for Answers {
    fn default() -> Self {
        Answers::new(DEFAULT_BUDGET_BYTES)
    }
}

/// The data version as last read, valid until a notice says the data may have changed.
#[derive(Default)]
struct KnownVersion {
    /// Counts the notices; a version read in an earlier epoch is not used.
    epoch: AtomicU64,
    /// The latest read and the epoch it began in.
    value: Mutex<Option<(u64, (i64, i64))>>,
    /// A watch is running; without one every request reads the version.
    watched: AtomicBool,
}

impl KnownVersion {
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

impl Answers {
    /// Answers kept within `budget` bytes (0: none is kept).
    pub fn new(budget: u64) -> Answers {
        Answers {
            store: Store::new(budget),
            gate: VersionGate::default(),
            known: KnownVersion::default(),
        }
    }

    /// The bytes the kept answers count for now (at most the budget).
    pub fn kept_bytes(&self) -> u64 {
        self.store.entries.weight()
    }

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

    /// Whether a watch is running (`watch`); without one every request reads the version.
    pub(super) fn set_watched(&self, watched: bool) {
        self.known.watched.store(watched, Ordering::SeqCst);
    }

    /// The kept answer to `key` at `version`.
    pub fn get(&self, key: &str, version: Version) -> Option<Arc<StoredAnswer>> {
        let kept = *self.store.version.lock().unwrap_or_else(|p| p.into_inner());
        if kept != Some(version) {
            return None;
        }
        // A newer version may replace the store between the two steps: the answer found then
        // shows a newer state than the request's, never an older one.
        self.store.entries.get(key)
    }

    /// Keeps the answer to `key` computed at `version` (read before it was computed, so the
    /// answer shows that state or a newer one). An older version's answer is dropped; a newer
    /// version empties the store first.
    pub fn put(&self, key: String, version: Version, kept: StoredAnswer) {
        let weight = kept.weight(&key);
        if kept.body.len() > MAX_ANSWER_BYTES || weight > self.store.budget / 8 {
            return;
        }
        let mut current = self.store.version.lock().unwrap_or_else(|p| p.into_inner());
        match *current {
            Some(v) if v > version => return,
            Some(v) if v == version => {}
            _ => {
                self.store.entries.clear();
                *current = Some(version);
            }
        }
        self.store.entries.insert(key, Arc::new(kept));
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
    async fn current(&self, app: &App, known: &KnownVersion) -> Result<(i64, i64), ServiceError> {
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

/// A tagged audience's answer (`routes::Audience::tagged`). With `keep` (a GET or HEAD) the
/// answer kept for this version is served without calling the router; otherwise the router
/// answers (without the request's `If-None-Match`), and a 200 is read whole, tagged, kept (when
/// `keep` and the version is known) and answered 304 or with its body. Any other status passes
/// through unread.
pub async fn answer<S, B>(
    state: &AppState,
    router: &S,
    mut req: hyper::Request<B>,
    keep: bool,
) -> Result<Response, S::Error>
where
    S: hyper::service::Service<hyper::Request<B>, Response = Response>,
{
    let key = key(req.uri());
    // No version (the database is down): the router answers, tagged but not kept.
    let version = match keep {
        true => state.answers.version(&state.app).await.ok(),
        false => None,
    };
    let if_none_match = req
        .headers_mut()
        .remove(header::IF_NONE_MATCH)
        .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned());
    if let Some(stored) = version.and_then(|v| state.answers.get(&key, v)) {
        tracing::debug!("answered from memory");
        return Ok(stored.response(if_none_match.as_deref()));
    }
    // Boxed: see `Pipeline::answer`; an answer from memory never builds the router's future.
    let res = Box::pin(router.call(req)).await?;
    if res.status() != StatusCode::OK {
        return Ok(res);
    }
    let (parts, body) = res.into_parts();
    let body = match http_body_util::BodyExt::collect(body).await {
        Ok(c) => c.to_bytes(),
        Err(e) => {
            tracing::error!(error = %e, "could not read a public answer to tag it");
            return Ok(warp::Reply::into_response(crate::http::problem::internal()));
        }
    };
    let stored = StoredAnswer::tagged(parts.headers, body, state.public_max_age);
    let res = stored.response(if_none_match.as_deref());
    if let Some(version) = version {
        state.answers.put(key, version, stored);
    }
    Ok(res)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn version(seq: i64) -> Version {
        Version {
            data: (seq, 1),
            day: "2026-12-07".parse().unwrap(),
        }
    }

    fn answer(bytes: usize) -> StoredAnswer {
        let mut headers = HeaderMap::new();
        headers.insert(header::CONTENT_TYPE, "application/json".parse().unwrap());
        StoredAnswer::tagged(headers, Bytes::from(vec![b'x'; bytes]), 60)
    }

    #[test]
    fn what_is_kept_stays_within_the_budget_whatever_comes() {
        let answers = Answers::new(1 << 20);
        for i in 0..10_000 {
            answers.put(
                format!("/api/v1/public/penalties?q={i}"),
                version(1),
                answer(2_000),
            );
            assert!(answers.kept_bytes() <= 1 << 20, "{}", answers.kept_bytes());
        }
        assert!(answers.kept_bytes() > 1 << 19, "the budget is used");
        let kept = (0..10_000)
            .filter(|i| {
                answers
                    .get(&format!("/api/v1/public/penalties?q={i}"), version(1))
                    .is_some()
            })
            .count();
        assert!(
            (300..=500).contains(&kept),
            "{kept} answers of ~2.7 KB in 1 MiB"
        );
    }

    /// S3-FIFO: an answer asked again survives a long tail of answers asked once.
    #[test]
    fn a_long_tail_of_one_off_questions_does_not_push_out_the_repeated_ones() {
        let answers = Answers::new(1 << 20);
        let hot: Vec<String> = (0..20).map(|i| format!("/hot/{i}")).collect();
        for key in &hot {
            answers.put(key.clone(), version(1), answer(2_000));
        }
        for round in 0..50 {
            for key in &hot {
                assert!(
                    answers.get(key, version(1)).is_some(),
                    "{key} in round {round}"
                );
            }
            for i in 0..200 {
                answers.put(format!("/once/{round}/{i}"), version(1), answer(2_000));
            }
        }
        assert!(hot.iter().all(|k| answers.get(k, version(1)).is_some()));
    }

    #[test]
    fn a_newer_version_replaces_every_answer_and_an_older_one_is_not_kept() {
        let answers = Answers::new(1 << 20);
        answers.put("/a".into(), version(2), answer(10));
        assert!(answers.get("/a", version(2)).is_some());
        assert!(answers.get("/a", version(1)).is_none());
        assert!(answers.get("/a", version(3)).is_none());
        answers.put("/b".into(), version(1), answer(10));
        assert!(answers.get("/b", version(1)).is_none(), "older: dropped");
        assert!(answers.get("/b", version(2)).is_none());
        answers.put("/b".into(), version(3), answer(10));
        assert!(answers.get("/b", version(3)).is_some());
        assert!(
            answers.get("/a", version(3)).is_none(),
            "replaced with its version"
        );
        let tomorrow = Version {
            day: "2026-12-08".parse().unwrap(),
            ..version(3)
        };
        assert!(
            answers.get("/b", tomorrow).is_none(),
            "a new day is a new version"
        );
    }

    #[test]
    fn an_answer_too_large_for_the_budget_or_a_budget_of_zero_keeps_nothing() {
        let answers = Answers::new(64 << 10);
        answers.put("/big".into(), version(1), answer(10_000));
        assert!(
            answers.get("/big", version(1)).is_none(),
            "over an eighth of the budget"
        );
        answers.put("/small".into(), version(1), answer(1_000));
        assert!(answers.get("/small", version(1)).is_some());
        let none = Answers::new(0);
        none.put("/small".into(), version(1), answer(10));
        assert!(none.get("/small", version(1)).is_none());
        assert_eq!(none.kept_bytes(), 0);
    }
}
