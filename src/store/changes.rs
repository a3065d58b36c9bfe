//! Notice that some connection committed a write, without reading the data: what lets the public
//! answers in memory (`http::middleware::cache`) skip a version read per request (issue 14).
//!
//! - SQLite: `PRAGMA data_version` on a connection of its own changes whenever any *other*
//!   connection, of this process or another, has committed since the last time it was asked.
//!   The value lives in the WAL index (shared memory), so asking reads no page.
//! - PostgreSQL: every audit append sends `NOTIFY` on [`CHANNEL`] inside its transaction, which
//!   PostgreSQL delivers at commit (and only then) to every session that `LISTEN`s; the watch
//!   collects them without a round trip (`PQconsumeInput` reads what the socket already holds).

use diesel::prelude::*;

use super::{AnyConn, StoreError};

/// The PostgreSQL channel an audited write notifies at commit.
pub const CHANNEL: &str = "gongshi_data";

/// Sends the change notice in the caller's transaction: PostgreSQL delivers it at commit, and
/// folds repeated notices of one transaction into one. Nothing on SQLite (see the module).
pub fn notify(conn: &mut AnyConn) -> QueryResult<()> {
    if let AnyConn::Pg(c) = conn {
        diesel::sql_query(format!("NOTIFY {CHANNEL}")).execute(c)?;
    }
    Ok(())
}

/// A dedicated connection that tells whether anything was committed since it last looked.
pub struct CommitListener {
    conn: AnyConn,
    /// SQLite's last `data_version` seen.
    seen: Option<i64>,
}

#[derive(QueryableByName)]
struct DataVersion {
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    data_version: i64,
}

impl CommitListener {
    /// Watches on `conn`, a connection of its own (it `LISTEN`s on PostgreSQL).
    pub fn open(mut conn: AnyConn) -> Result<CommitListener, StoreError> {
        if let AnyConn::Pg(c) = &mut conn {
            diesel::sql_query(format!("LISTEN {CHANNEL}"))
                .execute(c)
                .map_err(StoreError::Query)?;
        }
        let mut watch = CommitListener { conn, seen: None };
        watch.changed()?;
        Ok(watch)
    }

    /// Whether a write may have been committed since the previous call (or since [`CommitListener::open`]).
    /// An error means the connection is lost: open a new watch, and assume anything changed.
    pub fn changed(&mut self) -> Result<bool, StoreError> {
        match &mut self.conn {
            AnyConn::Sqlite(c) => {
                let now = diesel::sql_query("PRAGMA data_version")
                    .get_result::<DataVersion>(c)
                    .map_err(StoreError::Query)?
                    .data_version;
                Ok(self.seen.replace(now) != Some(now))
            }
            AnyConn::Pg(c) => {
                let mut any = false;
                for notice in c.notifications_iter() {
                    notice.map_err(StoreError::Query)?;
                    any = true;
                }
                Ok(any)
            }
        }
    }
}
