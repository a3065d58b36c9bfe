//! All diesel lives here: the two-backend connection, the pool, migrations and repositories.
//! Repositories take `&mut AnyConn` and return domain types; row structs stay private.

pub mod audit;
pub mod calendar;
mod conn;
pub mod entities;
pub mod inspectors;
pub mod schema;
pub mod tokens;
pub mod users;

pub use conn::{connect, migrate, revert_all, write_tx, AnyConn, Db, Manager, StoreError};

/// A stored value that no longer parses as its domain type (the database was edited by hand, or
/// a rule changed without a migration): an error, never a panic.
pub(crate) fn corrupt(what: &str, value: &str) -> diesel::result::Error {
    diesel::result::Error::DeserializationError(
        format!("stored {what} {value:?} does not parse").into(),
    )
}
