//! The one application builder: settings in, a running server (its address, its application and
//! a shutdown handle) out. `gongshi serve` and the integration tests both start the service here.

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;

use crate::clock::Clock;
use crate::config::DatabaseUrl;
use crate::domain::calendar::Region;
use crate::http::{routes, AppState};
use crate::service::calendar::Calendars;
use crate::service::{App, ServiceError};
use crate::store::{Db, StoreError};

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
}

impl Settings {
    /// The defaults of `gongshi serve` for `database_url`: system clock, pool of 8, `CN`,
    /// 127.0.0.1:8080, no demo data.
    pub fn new(database_url: DatabaseUrl) -> Settings {
        Settings {
            database_url,
            bind: SocketAddr::from(([127, 0, 0, 1], 8080)),
            pool_size: 8,
            calendar_regions: vec![Region::national()],
            demo: false,
            clock: Clock::system(),
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
    } = settings;
    let app = tokio::task::spawn_blocking(move || -> Result<App, StartError> {
        let db = Db::open(&database_url, pool_size.max(1))?;
        let app = App::new(db, Calendars::new(calendar_regions), clock);
        let report = crate::seed::load_all(&app, demo).map_err(StartError::Seed)?;
        for line in &report.lines {
            tracing::info!("{line}");
        }
        Ok(app)
    })
    .await
    .map_err(|e| StartError::Task(e.to_string()))??;
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    let (addr, server) = serve(Arc::new(AppState { app: app.clone() }), bind, async move {
        let _ = rx.await;
    })
    .await
    .map_err(|source| StartError::Bind { addr: bind, source })?;
    Ok(Running {
        addr,
        app,
        shutdown: Some(tx),
        server: tokio::spawn(server),
    })
}

/// Binds `addr` and returns the bound address and the server future, which resolves once
/// `shutdown` fires and in-flight requests have finished.
async fn serve(
    state: Arc<AppState>,
    addr: SocketAddr,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<(SocketAddr, impl Future<Output = ()>)> {
    let listener = tokio::net::TcpListener::bind(addr).await?;
    let bound = listener.local_addr()?;
    let server = warp::serve(routes(state))
        .incoming(listener)
        .graceful(shutdown)
        .run();
    Ok((bound, server))
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
