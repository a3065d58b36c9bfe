//! The one application builder: settings in, a running server (its address, its application and
//! a shutdown handle) out. `gongshi serve` and the integration tests both start the service here.

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;

use crate::clock::Clock;
use crate::config::DatabaseUrl;
use crate::domain::calendar::Region;
use crate::http::limits::BodyDeadline;
use crate::http::middleware::{self, client::ClientSettings, Pipeline};
use crate::http::{router, AppState, ClientAddr};
use crate::service::calendar::Calendars;
use crate::service::{App, ServiceError};
use crate::store::{Db, StoreError};

/// How long a connection may take to send a request's header, or sit idle between requests.
pub const DEFAULT_HEADER_READ_TIMEOUT: Duration = Duration::from_secs(10);

/// How long a portal or a proxy may reuse a public answer without asking again (seconds).
pub const DEFAULT_PUBLIC_MAX_AGE: u32 = 60;

/// Everything a server needs to start.
#[derive(Debug, Clone)]
pub struct Settings {
    pub database_url: DatabaseUrl,
    /// Port 0 picks a free port.
    pub bind: SocketAddr,
    pub pool_size: u32,
    /// Holiday layers; `CN` is always included, the last is the default region.
    pub calendar_regions: Vec<Region>,
    /// Also load the synthetic demo directory and roster.
    pub demo: bool,
    pub clock: Clock,
    /// A connection must deliver a request's whole header within this time after it opens or
    /// after its previous answer (so it also bounds an idle keep-alive connection).
    pub header_read_timeout: Duration,
    /// A request's body must arrive within this time (longer for a large body that keeps
    /// arriving, `http::limits::MIN_BODY_RATE`), else 408 and the connection is closed.
    pub body_read_timeout: Duration,
    /// Connections served at once; past it a new connection is answered 503 and closed at once.
    /// `None`: [`default_max_connections`] of the file limit this process has at start-up.
    pub max_connections: Option<usize>,
    /// How long a write waits for SQLite's write lock before answering 503 `database-busy`.
    pub sqlite_busy_timeout: Duration,
    /// How much of a SQLite database each pooled connection reads through a memory map (0:
    /// none; see `store::SqliteTuning`).
    pub sqlite_mmap_bytes: u64,
    /// The yearly cap on random inspections of one entity (国办发〔2024〕54号).
    pub frequency_cap: crate::service::plans::FrequencyCap,
    /// Which sites' pages may read public answers (CORS).
    pub cors_origins: middleware::cors::Origins,
    /// `Cache-Control: max-age` of public answers, in seconds.
    pub public_max_age: u32,
    /// Bytes the public answers kept in memory may take (0: none is kept).
    pub answer_cache_bytes: u64,
    /// Per-client limits on the public group.
    pub rate: middleware::rate_limit::RateSettings,
}

/// The pool's default size: twice the machine's cores plus one, PostgreSQL's own rule of thumb
/// for connections (cores × 2 + one disk), at most [`MAX_DEFAULT_POOL`]. More connections than
/// that only take turns on the same cores: on 2 cores at 16 clients, a pool of 8 gave the staff
/// search on PostgreSQL a p99 of 22–25 ms, a pool of 5 one of 10–11 ms at the same or higher
/// throughput, and SQLite's did not suffer either (benches/RESULTS.md, issue 11, third round).
/// The cores counted are this machine's: where PostgreSQL runs elsewhere, set the size.
pub fn default_pool_size() -> u32 {
    let cores = std::thread::available_parallelism().map_or(2, std::num::NonZeroUsize::get);
    u32::try_from(cores.saturating_mul(2).saturating_add(1))
        .unwrap_or(u32::MAX)
        .min(MAX_DEFAULT_POOL)
}

/// The default pool never exceeds this: every connection is opened at start-up, and PostgreSQL
/// allows 100 by default (minus its reserved 3), to be shared with other instances and tools.
pub const MAX_DEFAULT_POOL: u32 = 16;

impl Settings {
    /// The defaults of `gongshi serve` for `database_url`: system clock, [`default_pool_size`], `CN`,
    /// 127.0.0.1:8080, no demo data.
    pub fn new(database_url: DatabaseUrl) -> Settings {
        Settings {
            database_url,
            bind: SocketAddr::from(([127, 0, 0, 1], 8080)),
            pool_size: default_pool_size(),
            calendar_regions: vec![Region::national()],
            demo: false,
            clock: Clock::system(),
            header_read_timeout: DEFAULT_HEADER_READ_TIMEOUT,
            body_read_timeout: crate::http::limits::DEFAULT_BODY_READ_TIMEOUT,
            max_connections: None,
            sqlite_busy_timeout: crate::store::SQLITE_BUSY_TIMEOUT,
            sqlite_mmap_bytes: 0,
            frequency_cap: Default::default(),
            cors_origins: Default::default(),
            public_max_age: DEFAULT_PUBLIC_MAX_AGE,
            answer_cache_bytes: middleware::cache::DEFAULT_BUDGET_BYTES,
            rate: Default::default(),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("cannot load the seeds: {}", crate::error_chain::error_chain(.0))]
    Seed(#[source] ServiceError),
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        addr: SocketAddr,
        #[source]
        source: std::io::Error,
    },
    #[error("the start-up task failed: {0}")]
    Task(String),
}

/// A server that is running: stop it with [`Running::stop`].
pub struct Running {
    pub addr: SocketAddr,
    pub app: App,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    server: tokio::task::JoinHandle<()>,
    /// Ends the public answers' watch thread (`http::middleware::watch`).
    watch_stop: Arc<std::sync::atomic::AtomicBool>,
    /// Joined on stop: the thread holds a database connection of its own (on PostgreSQL, libpq
    /// over TLS), which must be closed before the process exits and its TLS library is torn
    /// down (a thread still inside libpq then crashed the process at exit, seen once in CI).
    watch: Option<std::thread::JoinHandle<()>>,
}

impl Running {
    /// Stops accepting connections, lets in-flight requests finish, and waits for that.
    pub async fn stop(mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Err(e) = (&mut self.server).await {
            tracing::error!(error = %e, "the server task failed");
        }
        self.watch_stop
            .store(true, std::sync::atomic::Ordering::SeqCst);
        // The watch looks at the flag every couple of milliseconds.
        if let Some(watch) = self.watch.take() {
            let joined = tokio::task::spawn_blocking(move || watch.join()).await;
            if !matches!(joined, Ok(Ok(()))) {
                tracing::error!("the watch thread ended abnormally");
            }
        }
    }
}

/// Opens the database (migrating it), loads the seeds, binds and serves in the background.
pub async fn start(settings: Settings) -> Result<Running, StartError> {
    let Settings {
        database_url,
        bind,
        pool_size,
        calendar_regions,
        demo,
        clock,
        header_read_timeout,
        body_read_timeout,
        max_connections,
        sqlite_busy_timeout,
        sqlite_mmap_bytes,
        frequency_cap,
        cors_origins,
        public_max_age,
        answer_cache_bytes,
        rate,
    } = settings;
    let app = tokio::task::spawn_blocking(move || -> Result<App, StartError> {
        let tuning = crate::store::SqliteTuning {
            busy_timeout: sqlite_busy_timeout,
            mmap_bytes: sqlite_mmap_bytes,
        };
        let db = Db::open_with(&database_url, pool_size.max(1), tuning)?;
        let app =
            App::new(db, Calendars::new(calendar_regions), clock).with_frequency_cap(frequency_cap);
        let report = crate::seeding::load_all(&app, demo).map_err(StartError::Seed)?;
        for line in &report.lines {
            tracing::info!("{line}");
        }
        Ok(app)
    })
    .await
    .map_err(|e| StartError::Task(e.to_string()))??;
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    let listener = tokio::net::TcpListener::bind(bind)
        .await
        .map_err(|source| StartError::Bind { addr: bind, source })?;
    let addr = listener
        .local_addr()
        .map_err(|source| StartError::Bind { addr: bind, source })?;
    let state = Arc::new(AppState {
        app: app.clone(),
        cors: cors_origins,
        public_max_age,
        clients: ClientSettings {
            trust_forwarded_for: rate.trust_forwarded_for,
            ipv6_prefix: rate.ipv6_prefix,
        },
        limiter: middleware::rate_limit::Limiter::new(rate),
        answers: middleware::cache::Answers::new(answer_cache_bytes),
    });
    let watch_stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let watch = match middleware::watch::spawn(&state, watch_stop.clone()) {
        Ok(handle) => Some(handle),
        Err(e) => {
            // Without the watch every public request reads the data version: slower, never stale.
            tracing::warn!(error = %e, "cannot start the watch thread");
            None
        }
    };
    let file_limit = raise_file_limit();
    let fits = default_max_connections(file_limit, pool_size);
    let max_connections = max_connections.unwrap_or(fits);
    if max_connections > fits {
        tracing::warn!(
            max_connections,
            file_limit,
            "GONGSHI_MAX_CONNECTIONS is more than the open-file limit leaves room for; past about {fits} connections new ones fail with 'too many open files' instead of a 503"
        );
    }
    tracing::info!(max_connections, file_limit, "serving");
    let limits = ConnectionLimits {
        header_read_timeout,
        body_read_timeout,
        max_connections,
    };
    let server = serve(state, listener, limits, async move {
        let _ = rx.await;
    });
    Ok(Running {
        addr,
        app,
        shutdown: Some(tx),
        server: tokio::spawn(server),
        watch_stop,
        watch,
    })
}

/// What bounds a connection's hold on the server.
#[derive(Debug, Clone, Copy)]
struct ConnectionLimits {
    header_read_timeout: Duration,
    body_read_timeout: Duration,
    max_connections: usize,
}

/// Raises this process's soft limit on open files to its hard limit (where the hard limit allows
/// more) and returns the soft limit now in force; `u64::MAX` when it cannot be read. Every
/// connection and every pooled SQLite connection holds files.
pub fn raise_file_limit() -> u64 {
    use rustix::process::{getrlimit, setrlimit, Resource};
    let limit = getrlimit(Resource::Nofile);
    let (Some(current), hard) = (limit.current, limit.maximum) else {
        return u64::MAX;
    };
    let wanted = hard.unwrap_or(current.max(65_536));
    if wanted > current {
        let raised = rustix::process::Rlimit {
            current: Some(wanted),
            maximum: hard,
        };
        if setrlimit(Resource::Nofile, raised).is_ok() {
            return wanted;
        }
    }
    current
}

/// Connections served at once by default: the open-file limit less what the pool (three files
/// per SQLite connection: the database, its WAL and shared memory) and the process itself (the
/// listener, logs, the watch's connection) need, at most 16,384 and at least 16.
pub fn default_max_connections(file_limit: u64, pool_size: u32) -> usize {
    let reserve = 3 * u64::from(pool_size) + 64;
    usize::try_from(file_limit.saturating_sub(reserve).clamp(16, 16_384)).unwrap_or(16_384)
}

/// Serves `listener` until `shutdown` fires, then lets in-flight requests finish. Each
/// connection gets hyper's header-read timeout (with a timer, which warp's own server does not
/// install), each request the peer's address as a [`ClientAddr`] extension and its body's
/// deadline; past `max_connections` a new connection is answered 503 and closed before any
/// request is read, so that slow clients cannot exhaust the process's files.
async fn serve(
    state: Arc<AppState>,
    listener: tokio::net::TcpListener,
    limits: ConnectionLimits,
    shutdown: impl Future<Output = ()> + Send + 'static,
) {
    let service = Pipeline {
        router: TowerToHyperService::new(warp::service(router(state.clone()))),
        state,
    };
    // HTTP/1.1 only: HTTP/2 without TLS (h2c) is not what browsers or reverse proxies speak,
    // and hyper's version sniffing would wait for a first byte before any timeout applies.
    let mut builder = hyper::server::conn::http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(limits.header_read_timeout)
        .max_header_size(crate::http::limits::MAX_HEAD_BYTES);
    let graceful = GracefulShutdown::new();
    let open = Arc::new(tokio::sync::Semaphore::new(limits.max_connections));
    let at_capacity: Arc<[u8]> = crate::http::bare_errors::too_many_connections().into();
    let refusing = Arc::new(tokio::sync::Semaphore::new(REFUSALS_AT_ONCE));
    let mut last_warning: Option<std::time::Instant> = None;
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(pair) => pair,
                Err(e) => {
                    // Out of file descriptors, say: wait a moment rather than spin.
                    tracing::warn!(error = %e, "cannot accept a connection");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            _ = &mut shutdown => break,
        };
        let Ok(permit) = open.clone().try_acquire_owned() else {
            refuse(stream, &at_capacity, &refusing);
            if last_warning.is_none_or(|t| t.elapsed() >= Duration::from_secs(1)) {
                last_warning = Some(std::time::Instant::now());
                tracing::warn!(%peer, max = limits.max_connections, "connections refused: at the connection limit (logged at most once a second)");
            }
            continue;
        };
        let service = WithClientAddr {
            inner: service.clone(),
            peer,
            body_deadline: BodyDeadline(limits.body_read_timeout),
        };
        let connection = builder.serve_connection(
            crate::http::bare_errors::ProblemIo::new(TokioIo::new(stream)),
            service,
        );
        let connection = graceful.watch(connection);
        tokio::spawn(async move {
            let _permit = permit;
            if let Err(e) = connection.await {
                // A client that timed out, reset or sent garbage: its own business.
                tracing::debug!(error = %e, %peer, "connection ended with an error");
            }
        });
    }
    drop(listener);
    graceful.shutdown().await;
}

/// Refused connections told so gracefully at once; past this, one is told in a single write and
/// dropped (refusing must not itself hold many files).
const REFUSALS_AT_ONCE: usize = 64;

/// Tells a connection past the cap that it is refused. Its request is unread, and closing a
/// socket with unread input sends a reset that can destroy the answer before the client reads it,
/// so (a few at a time) the answer is written, the write side shut and the input read away for
/// up to a second before the socket is closed.
fn refuse(
    stream: tokio::net::TcpStream,
    answer: &Arc<[u8]>,
    refusing: &Arc<tokio::sync::Semaphore>,
) {
    let Ok(slot) = refusing.clone().try_acquire_owned() else {
        let _ = stream.try_write(answer);
        return;
    };
    let answer = answer.clone();
    tokio::spawn(async move {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let _slot = slot;
        let mut stream = stream;
        let _ = tokio::time::timeout(Duration::from_secs(1), async {
            stream.write_all(&answer).await?;
            stream.shutdown().await?;
            let mut sink = [0u8; 4096];
            while stream.read(&mut sink).await? > 0 {}
            Ok::<_, std::io::Error>(())
        })
        .await;
    });
}

#[derive(Clone)]
struct WithClientAddr<S> {
    inner: S,
    peer: SocketAddr,
    body_deadline: BodyDeadline,
}

impl<S, B> hyper::service::Service<hyper::Request<B>> for WithClientAddr<S>
where
    S: hyper::service::Service<hyper::Request<B>>,
{
    type Response = S::Response;
    type Error = S::Error;
    type Future = S::Future;

    fn call(&self, mut req: hyper::Request<B>) -> Self::Future {
        req.extensions_mut().insert(ClientAddr(self.peer));
        req.extensions_mut().insert(self.body_deadline);
        self.inner.call(req)
    }
}

/// Resolves on Ctrl-C or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        if let Err(e) = tokio::signal::ctrl_c().await {
            tracing::error!(error = %e, "cannot listen for Ctrl-C");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(e) => {
                tracing::error!(error = %e, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
    tracing::info!("shutdown requested: finishing in-flight requests");
}
