//! The service layer's one error type; `http/problem.rs` turns it into problem+json.
//!
//! Policy: validation and conflicts carry messages meant for the caller; database and internal
//! failures carry detail for the log only, and the client sees a generic sentence.

use crate::store::StoreError;

pub use crate::domain::field::FieldError;

/// Any error with its cause chain, kept for the log.
pub type Cause = Box<dyn std::error::Error + Send + Sync + 'static>;

/// Why a write lost (HTTP 409): each kind is its own problem type, so a client can tell "reload
/// and retry" from "that already exists".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConflictKind {
    /// The caller's `version` is not the record's: someone changed it first.
    StaleVersion,
    /// A record with the same key already exists.
    Duplicate,
    /// The record is not in a state that allows this step (a conflict removed twice; later a
    /// penalty published before approval).
    InvalidTransition,
    /// A concurrent transaction won (PostgreSQL serialisation failure); retrying may succeed.
    Concurrent,
    /// The change would leave no active admin.
    LastAdmin,
    /// The decision is not to be published (the authority's settings, reference §1.4).
    NotPublishable,
}

impl ConflictKind {
    /// The problem `type` slug.
    pub fn slug(self) -> &'static str {
        match self {
            ConflictKind::StaleVersion => "stale-version",
            ConflictKind::Duplicate => "duplicate",
            ConflictKind::InvalidTransition => "invalid-transition",
            ConflictKind::Concurrent => "concurrent-change",
            ConflictKind::LastAdmin => "last-admin",
            ConflictKind::NotPublishable => "not-publishable",
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ServiceError {
    #[error("invalid input")]
    Validation(Vec<FieldError>),
    /// A well-formed record that breaks a domain rule (HTTP 422; penalty decisions), every field
    /// named.
    #[error("the record breaks its rules")]
    Unprocessable(Vec<FieldError>),
    /// The step needs someone other than who did an earlier one (先审后发: the approver is not
    /// the drafter).
    #[error("{0}")]
    SeparationOfDuties(String),
    #[error("{0}")]
    Unauthorized(String),
    #[error("{0}")]
    Forbidden(String),
    #[error("{0}")]
    NotFound(String),
    #[error("{detail}")]
    Conflict { kind: ConflictKind, detail: String },
    /// A date needs a (region, year) whose notice is not loaded; `provisional` says whether
    /// asking with `provisional=true` would give an answer.
    #[error("the {region} calendar for {year} is not loaded")]
    CalendarNotLoaded {
        region: String,
        year: i32,
        provisional: bool,
    },
    /// Too many failed logins for the name or from the address: try again after this many
    /// seconds.
    #[error("too many failed logins; retry after {retry_after} s")]
    TooManyAttempts { retry_after: u64 },
    #[error("the database is unavailable")]
    Unavailable(#[source] StoreError),
    /// Another writer held SQLite's write lock for longer than the busy timeout (a large import,
    /// say): nothing was written; retry.
    #[error("the database is busy")]
    Busy(#[source] StoreError),
    #[error("internal error")]
    Internal(#[source] Cause),
    /// `error` with its detail in Chinese for staff (`http::problem` sends the Chinese unless
    /// English is asked for).
    #[error("{error}")]
    Said {
        error: Box<ServiceError>,
        zh: String,
    },
}

impl ServiceError {
    /// This error with its detail in Chinese.
    pub fn zh(self, zh: impl Into<String>) -> ServiceError {
        ServiceError::Said {
            error: Box::new(self),
            zh: zh.into(),
        }
    }

    /// The error itself, without the Chinese words a caller added ([`ServiceError::zh`]).
    pub fn unsaid(&self) -> &ServiceError {
        match self {
            ServiceError::Said { error, .. } => error.unsaid(),
            e => e,
        }
    }

    pub fn invalid(field: &str, code: &str, message: impl Into<String>) -> Self {
        ServiceError::Validation(vec![FieldError::new(field, code, message)])
    }

    pub fn conflict(kind: ConflictKind, detail: impl Into<String>) -> Self {
        ServiceError::Conflict {
            kind,
            detail: detail.into(),
        }
    }

    /// An internal failure (a bug, or a broken invariant) with its cause, for the log.
    pub fn internal(cause: impl Into<Cause>) -> Self {
        ServiceError::Internal(cause.into())
    }
}

impl From<StoreError> for ServiceError {
    fn from(e: StoreError) -> Self {
        use diesel::result::{DatabaseErrorKind, Error as D};
        match e {
            StoreError::Connect { .. } | StoreError::Pool(_) => ServiceError::Unavailable(e),
            e if e.is_busy() => ServiceError::Busy(e),
            StoreError::Query(D::DatabaseError(DatabaseErrorKind::UniqueViolation, _)) => {
                ServiceError::conflict(
                    ConflictKind::Duplicate,
                    "a record with the same key already exists",
                )
            }
            StoreError::Query(D::DatabaseError(DatabaseErrorKind::SerializationFailure, _)) => {
                ServiceError::conflict(
                    ConflictKind::Concurrent,
                    "a concurrent change won; retry with fresh data",
                )
            }
            StoreError::Query(D::DatabaseError(
                DatabaseErrorKind::ClosedConnection | DatabaseErrorKind::UnableToSendCommand,
                _,
            )) => ServiceError::Unavailable(e),
            other => ServiceError::Internal(Box::new(other)),
        }
    }
}

impl From<diesel::result::Error> for ServiceError {
    fn from(e: diesel::result::Error) -> Self {
        ServiceError::from(StoreError::Query(e))
    }
}

/// A file that failed while an import was writing it: it changed since it was checked, or it
/// could no longer be read. Either way the import's transaction rolls back.
impl From<crate::io::table::FileError> for ServiceError {
    fn from(e: crate::io::table::FileError) -> Self {
        use crate::io::table::FileError;
        match e {
            FileError::Unreadable(_) => ServiceError::internal(e),
            e => ServiceError::conflict(ConflictKind::StaleVersion, e.to_string())
                .zh("导入过程中文件被修改或无法读取；未写入任何内容，请重新导入"),
        }
    }
}
