//! One connection type for both backends, a pool that keeps each backend's own errors, and the
//! one place blocking database work is moved off the async runtime.

use diesel::connection::{AnsiTransactionManager, SimpleConnection, TransactionManager};
use diesel::prelude::*;
use diesel::{PgConnection, SqliteConnection};
use diesel_migrations::{embed_migrations, EmbeddedMigrations, MigrationHarness};

use crate::config::DatabaseUrl;

const SQLITE_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/sqlite");
const POSTGRES_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/postgres");

/// SQLite waits this long for a competing writer before giving up with "database is locked".
pub const SQLITE_BUSY_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(10);

#[derive(diesel::MultiConnection)]
pub enum AnyConn {
    Pg(PgConnection),
    Sqlite(SqliteConnection),
}

impl AnyConn {
    pub fn backend(&self) -> &'static str {
        match self {
            AnyConn::Pg(_) => "postgres",
            AnyConn::Sqlite(_) => "sqlite",
        }
    }
}

/// Page cache per SQLite connection (an upper bound; pages are allocated as used). Every pooled
/// connection keeps this much: the default pool on two cores (5 connections) keeps under 40 MiB,
/// each further connection at most 8 MiB more, and the operating system's page cache holds the
/// rest of a hot database file.
const SQLITE_CACHE_KIB: i64 = 8 * 1024;

/// Page cache of a connection inside a bulk write ([`bulk_write_tx`]): large imports touch many
/// B-tree pages of the name index, and a cache that holds them keeps the transaction from
/// spilling pages to disk mid-way. 192 MiB keeps a 10,000,000-entity import at 454 MiB peak
/// (256 MiB: 512 MiB, over issue 27's 500 MiB bound; benches/RESULTS.md).
const SQLITE_BULK_CACHE_KIB: i64 = 192 * 1024;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The backend's own message (libpq's or SQLite's), never a generic one.
    #[error("cannot connect to {backend} database {url}: {}", .cause.to_string().trim_end())]
    Connect {
        backend: &'static str,
        url: String,
        /// Not a `#[source]`: the message above already carries it, once.
        cause: ConnectionError,
    },
    #[error("cannot create the folder for the SQLite file {path}: {source}")]
    CreateDir {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error("migrations failed: {0}")]
    Migration(String),
    #[error("the database connection pool is unavailable: {0}")]
    Pool(#[from] r2d2::Error),
    #[error(transparent)]
    Query(#[from] diesel::result::Error),
    #[error("the blocking database task failed: {0}")]
    Task(String),
}

impl StoreError {
    /// SQLite's "database is locked" (SQLITE_BUSY after the busy timeout): another connection
    /// holds the write lock.
    pub fn is_busy(&self) -> bool {
        use diesel::result::{DatabaseErrorKind, Error as D};
        matches!(self, StoreError::Query(D::DatabaseError(DatabaseErrorKind::Unknown, info))
            if info.message().contains("database is locked") || info.message().contains("database is busy"))
    }
}

/// The most of a SQLite database a connection maps (SQLite's own cap, 2 GiB).
pub const SQLITE_MMAP_MAX_MIB: u64 = 2048;

/// Opens one connection on the backend the URL names, with SQLite's per-connection settings.
pub fn connect(url: &DatabaseUrl) -> Result<AnyConn, StoreError> {
    connect_with(url, SqliteTuning::default())
}

/// A SQLite connection's settings beyond the fixed ones.
#[derive(Debug, Clone, Copy)]
pub struct SqliteTuning {
    /// How long a write waits for the write lock.
    pub busy_timeout: std::time::Duration,
    /// How much of the database the connection reads through a memory map instead of `pread`
    /// (0 maps nothing; at most [`SQLITE_MMAP_MAX_MIB`]). Measured on 1,000,000 decisions
    /// (benches/RESULTS.md, issue 27): a fragment with an authority and a date ran 3 times faster
    /// mapped, credit codes 13 % faster, and the server's own memory fell; but the mapped pages
    /// count in the process's resident set once per connection (5 connections showed 4.4 GB
    /// "RSS" of shared file pages), so it is an operator's choice (`serve --sqlite-mmap-mib`).
    pub mmap_bytes: u64,
}

impl Default for SqliteTuning {
    fn default() -> SqliteTuning {
        SqliteTuning {
            busy_timeout: SQLITE_BUSY_TIMEOUT,
            mmap_bytes: 0,
        }
    }
}

/// [`connect`] with other SQLite settings.
fn connect_with(url: &DatabaseUrl, tuning: SqliteTuning) -> Result<AnyConn, StoreError> {
    let busy_timeout = tuning.busy_timeout;
    let busy_ms = busy_timeout.as_millis().min(u128::from(u32::MAX));
    match url {
        DatabaseUrl::Postgres(raw) => {
            let mut conn = PgConnection::establish(raw).map_err(|cause| StoreError::Connect {
                backend: "postgres",
                url: url.redacted(),
                cause,
            })?;
            super::liveness::track(&mut conn);
            Ok(AnyConn::Pg(conn))
        }
        DatabaseUrl::Sqlite(path) => {
            if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
                std::fs::create_dir_all(dir).map_err(|source| StoreError::CreateDir {
                    path: path.display().to_string(),
                    source,
                })?;
            }
            let connect_err = |cause| StoreError::Connect {
                backend: "sqlite",
                url: url.redacted(),
                cause,
            };
            let mut conn =
                SqliteConnection::establish(&path.to_string_lossy()).map_err(connect_err)?;
            let mmap = tuning.mmap_bytes.min(SQLITE_MMAP_MAX_MIB << 20);
            // WAL lets readers run beside the writer; NORMAL is durable across process crashes in
            // WAL mode; foreign keys are off by default in SQLite.
            conn.batch_execute(&format!(
                "PRAGMA busy_timeout = {busy_ms};
                 PRAGMA journal_mode = WAL;
                 PRAGMA synchronous = NORMAL;
                 PRAGMA foreign_keys = ON;
                 PRAGMA temp_store = MEMORY;
                 PRAGMA cache_size = -{SQLITE_CACHE_KIB};
                 PRAGMA mmap_size = {mmap};"
            ))
            .map_err(|e| connect_err(ConnectionError::CouldntSetupConfiguration(e)))?;
            Ok(AnyConn::Sqlite(conn))
        }
    }
}

/// Runs the embedded migrations for the connection's backend, then rebuilds any derived index
/// built in an older format (see `derived_indexes`); returns the migration names applied now.
pub fn migrate(conn: &mut AnyConn) -> Result<Vec<String>, StoreError> {
    let applied: Vec<String> = match conn {
        AnyConn::Pg(c) => c
            .run_pending_migrations(POSTGRES_MIGRATIONS)
            .map(|v| v.iter().map(|m| m.to_string()).collect()),
        AnyConn::Sqlite(c) => c
            .run_pending_migrations(SQLITE_MIGRATIONS)
            .map(|v| v.iter().map(|m| m.to_string()).collect()),
    }
    .map_err(|e| StoreError::Migration(e.to_string()))?;
    if let Some(n) = super::entities::refresh_name_index(conn)? {
        tracing::info!(
            entities = n,
            version = super::name_index::FORMAT_VERSION,
            "rebuilt the name-search index"
        );
    }
    Ok(applied)
}

/// Reverts every migration (each `down.sql`); for the round-trip test and for operators who
/// must rebuild a schema by hand.
pub fn revert_all(conn: &mut AnyConn) -> Result<usize, StoreError> {
    let reverted = match conn {
        AnyConn::Pg(c) => c
            .revert_all_migrations(POSTGRES_MIGRATIONS)
            .map(|v| v.len()),
        AnyConn::Sqlite(c) => c.revert_all_migrations(SQLITE_MIGRATIONS).map(|v| v.len()),
    };
    reverted.map_err(|e| StoreError::Migration(e.to_string()))
}

/// Runs `f` in a write transaction. On SQLite it starts with `BEGIN IMMEDIATE`, taking the write
/// lock up front: a deferred transaction that reads and then writes can fail with SQLITE_BUSY
/// when another connection wrote in between, which `busy_timeout` cannot wait out.
pub fn write_tx<T, E>(
    conn: &mut AnyConn,
    f: impl FnOnce(&mut AnyConn) -> Result<T, E>,
) -> Result<T, E>
where
    E: From<diesel::result::Error>,
{
    match conn {
        AnyConn::Sqlite(c) => AnsiTransactionManager::begin_transaction_sql(c, "BEGIN IMMEDIATE")?,
        AnyConn::Pg(c) => AnsiTransactionManager::begin_transaction(c)?,
    }
    match f(conn) {
        Ok(value) => {
            <AnyConn as Connection>::TransactionManager::commit_transaction(conn)?;
            Ok(value)
        }
        Err(err) => {
            // The caller's error is the one worth reporting; a failed rollback marks the
            // connection broken and the pool discards it.
            let _ = <AnyConn as Connection>::TransactionManager::rollback_transaction(conn);
            Err(err)
        }
    }
}

/// [`write_tx`] for an import: on SQLite the connection's page cache is raised for the
/// transaction and lowered again afterwards, whatever the outcome (the pages beyond the normal
/// cache are freed then).
pub fn bulk_write_tx<T, E>(
    conn: &mut AnyConn,
    f: impl FnOnce(&mut AnyConn) -> Result<T, E>,
) -> Result<T, E>
where
    E: From<diesel::result::Error>,
{
    let AnyConn::Sqlite(_) = conn else {
        return write_tx(conn, f);
    };
    let cache =
        |conn: &mut AnyConn, kib: i64| conn.batch_execute(&format!("PRAGMA cache_size = -{kib}"));
    cache(conn, SQLITE_BULK_CACHE_KIB)?;
    let result = write_tx(conn, f);
    let reset = cache(conn, SQLITE_CACHE_KIB);
    let value = result?;
    reset?;
    Ok(value)
}

/// The pool manager: chooses the backend from the URL, never falls back to another one.
/// Public only so pooled connections can be named; build pools with [`Db::open`].
#[derive(Debug, Clone)]
pub struct Manager {
    url: DatabaseUrl,
    tuning: SqliteTuning,
}

impl r2d2::ManageConnection for Manager {
    type Connection = AnyConn;
    type Error = StoreError;

    fn connect(&self) -> Result<AnyConn, StoreError> {
        connect_with(&self.url, self.tuning)
    }

    /// At checkout: a PostgreSQL connection that answered within the last 500 ms is handed out
    /// as it is; any other is pinged first (see `liveness`). SQLite's ping is a function call.
    fn is_valid(&self, conn: &mut AnyConn) -> Result<(), StoreError> {
        if let AnyConn::Pg(c) = conn {
            if super::liveness::vouched(c) {
                return Ok(());
            }
        }
        conn.batch_execute("SELECT 1").map_err(StoreError::Query)
    }

    /// On return: a broken transaction, or a PostgreSQL connection a query found gone.
    fn has_broken(&self, conn: &mut AnyConn) -> bool {
        use diesel::r2d2::R2D2Connection;
        if conn.is_broken() {
            return true;
        }
        match conn {
            AnyConn::Pg(c) => super::liveness::lost(c),
            AnyConn::Sqlite(_) => false,
        }
    }
}

/// The shared handle: a pool plus the backend's name.
#[derive(Clone)]
pub struct Db {
    pool: r2d2::Pool<Manager>,
    backend: &'static str,
    url: DatabaseUrl,
}

impl Db {
    /// Migrates on a single concrete connection (so a bad URL or password surfaces the backend's
    /// own message), then builds the pool.
    pub fn open(url: &DatabaseUrl, max_size: u32) -> Result<Self, StoreError> {
        Self::open_with(url, max_size, SqliteTuning::default())
    }

    /// [`Db::open`] with other SQLite settings for the pooled connections.
    pub fn open_with(
        url: &DatabaseUrl,
        max_size: u32,
        tuning: SqliteTuning,
    ) -> Result<Self, StoreError> {
        let mut first = connect(url)?;
        let applied = migrate(&mut first)?;
        if !applied.is_empty() {
            tracing::info!(?applied, "applied migrations");
        }
        drop(first);
        let pool = r2d2::Pool::builder()
            .max_size(max_size)
            .connection_timeout(std::time::Duration::from_secs(10))
            .build(Manager {
                url: url.clone(),
                tuning,
            })?;
        Ok(Self {
            pool,
            backend: url.backend(),
            url: url.clone(),
        })
    }

    pub fn backend(&self) -> &'static str {
        self.backend
    }

    /// A connection of its own, outside the pool (the change watch, an import's id supply).
    pub fn dedicated(&self) -> Result<AnyConn, StoreError> {
        connect(&self.url)
    }

    /// Watches for commits on a connection of its own, outside the pool.
    pub fn watch(&self) -> Result<super::changes::CommitListener, StoreError> {
        super::changes::CommitListener::open(self.dedicated()?)
    }

    /// A pooled connection for blocking code (CLI commands, tests).
    pub fn get(&self) -> Result<r2d2::PooledConnection<Manager>, StoreError> {
        Ok(self.pool.get()?)
    }
}

/// A connection taken from the pool.
pub type Pooled = r2d2::PooledConnection<Manager>;

/// One real round trip (the health check).
pub fn ping(conn: &mut AnyConn) -> Result<(), StoreError> {
    conn.batch_execute("SELECT 1").map_err(StoreError::Query)
}
