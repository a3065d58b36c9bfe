//! All diesel lives here: the two-backend connection, the pool, migrations and repositories.
//! Repositories take `&mut AnyConn` and return domain types; row structs stay private.

pub mod audit;
pub mod authorities;
pub mod calendar;
pub mod categories;
pub mod changes;
mod conn;
pub mod entities;
pub mod inspection_items;
pub mod inspectors;
mod liveness;
pub mod name_index;
pub mod penalties;
mod pg_copy;
pub mod plans;
pub mod schema;
pub mod sessions;
mod spill;
pub mod tokens;
pub mod uploads;
pub mod users;

pub use conn::{
    bulk_write_tx, connect, migrate, ping, revert_all, write_tx, AnyConn, Db, Manager, Pooled,
    SqliteTuning, StoreError, SQLITE_BUSY_TIMEOUT,
};

/// A stored value that no longer parses as its domain type (the database was edited by hand, or
/// a rule changed without a migration): an error, never a panic.
pub(crate) fn corrupt(what: &str, value: &str) -> diesel::result::Error {
    diesel::result::Error::DeserializationError(
        format!("stored {what} {value:?} does not parse").into(),
    )
}

/// Holds a PostgreSQL transaction-scoped advisory lock on `key` until the transaction ends, so
/// instances sharing one database take turns; SQLite's `BEGIN IMMEDIATE` already serialises
/// writers, so nothing is done there.
pub(crate) fn serialise_on(conn: &mut AnyConn, key: i64) -> diesel::QueryResult<()> {
    use diesel::RunQueryDsl;
    if let AnyConn::Pg(c) = conn {
        diesel::sql_query("SELECT pg_advisory_xact_lock($1)")
            .bind::<diesel::sql_types::BigInt, _>(key)
            .execute(c)?;
    }
    Ok(())
}

/// Runs `f` inside a savepoint of the caller's transaction: a unique-key violation rolls back
/// just `f` and is `Ok(None)`, so the caller can try another key (a decision number another
/// transaction took by hand while this one allocated it: PostgreSQL sees that only at the
/// insert, where an error would otherwise abort the whole transaction).
pub fn unless_taken<T>(
    conn: &mut AnyConn,
    f: impl FnOnce(&mut AnyConn) -> diesel::QueryResult<T>,
) -> diesel::QueryResult<Option<T>> {
    use diesel::result::{DatabaseErrorKind, Error};
    use diesel::Connection;
    match conn.transaction(f) {
        Ok(v) => Ok(Some(v)),
        Err(Error::DatabaseError(DatabaseErrorKind::UniqueViolation, _)) => Ok(None),
        Err(e) => Err(e),
    }
}

/// A row that could not be turned into a bulk statement's JSON parameter.
pub(crate) fn unserialisable(e: serde_json::Error) -> diesel::result::Error {
    diesel::result::Error::SerializationError(Box::new(e))
}
