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
