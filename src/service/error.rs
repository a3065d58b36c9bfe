//! The service layer's one error type; `http/problem.rs` turns it into problem+json.
//!
//! Policy: validation and conflicts carry messages meant for the caller; database and internal
//! failures carry detail for the log only, and the client sees a generic sentence.

use crate::store::StoreError;

pub use crate::domain::field::FieldError;

#[derive(Debug, thiserror::Error)]
pub enum ServiceError {
    #[error("invalid input")]
    Validation(Vec<FieldError>),
    #[error("{0}")]
    Unauthorized(String),
    #[error("{0}")]
    Forbidden(String),
    #[error("{0}")]
    NotFound(String),
    #[error("{0}")]
    Conflict(String),
    /// A date needs a (region, year) whose notice is not loaded; `provisional` says whether
    /// asking with `provisional=true` would give an answer.
    #[error("the {region} calendar for {year} is not loaded")]
    CalendarNotLoaded {
        region: String,
        year: i32,
        provisional: bool,
    },
    #[error("the database is unavailable")]
    Unavailable(#[source] StoreError),
    #[error("internal error")]
    Internal(#[source] StoreError),
}

impl ServiceError {
    pub fn invalid(field: &str, code: &str, message: impl Into<String>) -> Self {
        ServiceError::Validation(vec![FieldError::new(field, code, message)])
    }
}

impl From<StoreError> for ServiceError {
    fn from(e: StoreError) -> Self {
        use diesel::result::{DatabaseErrorKind, Error as D};
        match e {
            StoreError::Connect { .. } | StoreError::Pool(_) => ServiceError::Unavailable(e),
            StoreError::Query(D::DatabaseError(DatabaseErrorKind::UniqueViolation, _)) => {
                ServiceError::Conflict("a record with the same key already exists".into())
            }
            StoreError::Query(D::DatabaseError(DatabaseErrorKind::SerializationFailure, _)) => {
                ServiceError::Conflict("a concurrent change won; retry with fresh data".into())
            }
            StoreError::Query(D::DatabaseError(DatabaseErrorKind::ClosedConnection, _)) => {
                ServiceError::Unavailable(e)
            }
            other => ServiceError::Internal(other),
        }
    }
}

impl From<diesel::result::Error> for ServiceError {
    fn from(e: diesel::result::Error) -> Self {
        ServiceError::from(StoreError::Query(e))
    }
}
