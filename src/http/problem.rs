//! The one error body: RFC 9457 problem+json, built here and nowhere else.
//! No panic text, stack trace or SQL ever reaches a client; the cause chain goes to the log.

use std::convert::Infallible;

use warp::http::{header, HeaderValue, StatusCode};
use warp::reply::Response;
use warp::{Rejection, Reply};

use super::limits::MAX_BODY_BYTES;
use crate::error_chain::error_chain;
use crate::service::{ConflictKind, FieldError, ServiceError};

/// Seconds a client is asked to wait after `database-busy`.
const BUSY_RETRY_AFTER_SECS: u64 = 5;

/// Every problem type is `urn:gongshi:problem:<slug>`; the slug is the stable part clients match.
const TYPE_PREFIX: &str = "urn:gongshi:problem:";

/// Every slug a problem `type` can end in: those built here, by the filters (`malformed-json`,
/// `body-unreadable`) and the import handler (`import-refused`), the conflict kinds
/// (`ConflictKind::slug`), and the bare parser answers `bare_errors` rewrites (`bad-request`,
/// `uri-too-long`, `headers-too-large`). `tests/api/openapi.rs` checks this list against the
/// sources and against the `type` enum of `Problem` in `api-spec/openapi.yaml`.
pub const SLUGS: &[&str] = &[
    "validation",
    "malformed-json",
    "body-unreadable",
    "bad-request",
    "unauthorized",
    "forbidden",
    "separation-of-duties",
    "not-found",
    "unknown-route",
    "method-not-allowed",
    "stale-version",
    "duplicate",
    "invalid-transition",
    "concurrent-change",
    "last-admin",
    "not-publishable",
    "length-required",
    "payload-too-large",
    "uri-too-long",
    "unsupported-media-type",
    "calendar-not-loaded",
    "import-refused",
    "too-many-attempts",
    "rate-limited",
    "headers-too-large",
    "internal",
    "database-unavailable",
    "database-busy",
    "body-timeout",
    "too-many-connections",
];

/// Field codes of input that is well-formed but refused on its content: a validation problem
/// made only of these is 422, not 400.
const REFUSED_ON_CONTENT: &[&str] = &[
    crate::domain::private_data::CODE,
    crate::domain::penalty::fields::AMOUNT_MISMATCH,
];

#[derive(Debug, Clone, serde::Serialize)]
pub struct Problem {
    #[serde(rename = "type")]
    pub type_uri: String,
    pub title: String,
    pub status: u16,
    pub detail: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldError>,
    /// RFC 9457 extension members, e.g. `region` and `year` of a calendar that is not loaded.
    #[serde(flatten)]
    pub extensions: serde_json::Map<String, serde_json::Value>,
    /// Seconds for the `Retry-After` header (429, 503).
    #[serde(skip)]
    pub retry_after: Option<u64>,
}

impl Problem {
    pub fn new(status: StatusCode, slug: &str, title: &str, detail: impl Into<String>) -> Self {
        Problem {
            type_uri: format!("{TYPE_PREFIX}{slug}"),
            title: title.to_string(),
            status: status.as_u16(),
            detail: detail.into(),
            errors: Vec::new(),
            extensions: serde_json::Map::new(),
            retry_after: None,
        }
    }

    pub fn validation(errors: Vec<FieldError>) -> Self {
        let detail = errors
            .iter()
            .map(|e| format!("{}: {}", e.field, e.message))
            .collect::<Vec<_>>()
            .join("; ");
        Problem {
            errors,
            ..Problem::new(
                StatusCode::BAD_REQUEST,
                "validation",
                "Invalid input",
                detail,
            )
        }
    }

    pub fn status(&self) -> StatusCode {
        StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
    }
}

impl Reply for Problem {
    fn into_response(self) -> Response {
        let status = self.status();
        let body = serde_json::to_vec(&self).unwrap_or_else(|_| b"{}".to_vec());
        let mut res = Response::new(body.into());
        *res.status_mut() = status;
        res.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/problem+json"),
        );
        if let Some(secs) = self.retry_after {
            res.headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(secs));
        }
        if status == StatusCode::UNAUTHORIZED {
            res.headers_mut()
                .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        res
    }
}

impl From<ServiceError> for Problem {
    fn from(e: ServiceError) -> Self {
        match e {
            // Input that is well-formed but refused on what it says (private data in public
            // text, an amount the text contradicts) is 422 wherever it is found; other field
            // errors are 400.
            ServiceError::Validation(errors)
                if !errors.is_empty()
                    && errors.iter().all(|e| REFUSED_ON_CONTENT.contains(&e.code.as_str())) =>
            {
                Problem {
                    status: StatusCode::UNPROCESSABLE_ENTITY.as_u16(),
                    ..Problem::validation(errors)
                }
            }
            ServiceError::Validation(errors) => Problem::validation(errors),
            ServiceError::Unprocessable(errors) => Problem {
                status: StatusCode::UNPROCESSABLE_ENTITY.as_u16(),
                ..Problem::validation(errors)
            },
            ServiceError::SeparationOfDuties(d) => Problem::new(
                StatusCode::FORBIDDEN,
                "separation-of-duties",
                "Separation of duties",
                d,
            ),
            ServiceError::Unauthorized(d) => Problem::new(
                StatusCode::UNAUTHORIZED,
                "unauthorized",
                "Not authenticated",
                d,
            ),
            ServiceError::Forbidden(d) => {
                Problem::new(StatusCode::FORBIDDEN, "forbidden", "Not allowed", d)
            }
            ServiceError::NotFound(d) => {
                Problem::new(StatusCode::NOT_FOUND, "not-found", "Not found", d)
            }
            ServiceError::Conflict { kind, detail } => {
                let title = match kind {
                    ConflictKind::StaleVersion => "Stale version",
                    ConflictKind::Duplicate => "Already exists",
                    ConflictKind::InvalidTransition => "Not allowed in this state",
                    ConflictKind::Concurrent => "Concurrent change",
                    ConflictKind::LastAdmin => "Last admin",
                    ConflictKind::NotPublishable => "Not to be published",
                };
                Problem::new(StatusCode::CONFLICT, kind.slug(), title, detail)
            }
            ServiceError::CalendarNotLoaded {
                region,
                year,
                provisional,
            } => {
                let hint = if provisional {
                    "; ask with provisional=true for a date from the statutory holidays alone, flagged provisional"
                } else {
                    ""
                };
                let mut p = Problem::new(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    "calendar-not-loaded",
                    "Calendar not loaded",
                    format!("the {region} holiday calendar for {year} is not loaded{hint}"),
                );
                p.extensions.insert("region".into(), region.into());
                p.extensions.insert("year".into(), year.into());
                p
            }
            ServiceError::TooManyAttempts { retry_after } => Problem {
                retry_after: Some(retry_after),
                ..Problem::new(
                    StatusCode::TOO_MANY_REQUESTS,
                    "too-many-attempts",
                    "Too many attempts",
                    format!(
                        "too many failed logins for this name or from this address; try again in {retry_after} s"
                    ),
                )
            },
            ServiceError::Busy(cause) => {
                tracing::warn!(error = %error_chain(&cause), "database busy");
                Problem {
                    retry_after: Some(BUSY_RETRY_AFTER_SECS),
                    ..Problem::new(
                        StatusCode::SERVICE_UNAVAILABLE,
                        "database-busy",
                        "Database busy",
                        "another operation (a large import, say) holds the database's write lock; nothing was written; try again shortly",
                    )
                }
            }
            ServiceError::Unavailable(cause) => {
                tracing::error!(error = %error_chain(&cause), "database unavailable");
                Problem::new(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "database-unavailable",
                    "Database unavailable",
                    "the database cannot be reached; try again later",
                )
            }
            ServiceError::Internal(cause) => {
                tracing::error!(error = %error_chain(&*cause), "internal error");
                internal()
            }
        }
    }
}

/// 429 for a client over its public rate (`rate-limited`), with `Retry-After`.
pub fn rate_limited(retry_after: u64) -> Problem {
    Problem {
        retry_after: Some(retry_after),
        ..Problem::new(
            StatusCode::TOO_MANY_REQUESTS,
            "rate-limited",
            "Too many requests",
            format!(
                "this client made more requests than its rate allows; try again in {retry_after} s"
            ),
        )
    }
}

pub fn internal() -> Problem {
    Problem::new(
        StatusCode::INTERNAL_SERVER_ERROR,
        "internal",
        "Internal error",
        "the request could not be completed; the error was logged",
    )
}

/// A filter's refusal carrying its problem (bad body, bad query, no token…).
#[derive(Debug)]
pub struct Rejected(pub Problem);
impl warp::reject::Reject for Rejected {}

pub fn reject(p: Problem) -> Rejection {
    warp::reject::custom(Rejected(p))
}

/// The root `recover`: every rejection becomes problem+json. Ours are checked first because a
/// request that failed inside one route is also "not found" or "wrong method" for the others.
pub async fn recover(r: Rejection) -> Result<Response, Infallible> {
    use warp::reject::{LengthRequired, MethodNotAllowed, PayloadTooLarge, UnsupportedMediaType};
    let problem = if let Some(Rejected(p)) = r.find() {
        p.clone()
    } else if r.find::<PayloadTooLarge>().is_some() {
        too_large(MAX_BODY_BYTES)
    } else if r.find::<UnsupportedMediaType>().is_some() {
        unsupported_media_type("application/json")
    } else if r.find::<LengthRequired>().is_some() {
        Problem::new(
            StatusCode::LENGTH_REQUIRED,
            "length-required",
            "Length required",
            "send a Content-Length header",
        )
    } else if r.find::<MethodNotAllowed>().is_some() {
        Problem::new(
            StatusCode::METHOD_NOT_ALLOWED,
            "method-not-allowed",
            "Method not allowed",
            "this resource does not support that method",
        )
    } else if r.is_not_found() {
        Problem::new(
            StatusCode::NOT_FOUND,
            "unknown-route",
            "Not found",
            "no such resource; the routes are listed in api-spec/openapi.yaml",
        )
    } else {
        tracing::error!(rejection = ?r, "unhandled rejection");
        internal()
    };
    Ok(problem.into_response())
}

pub fn too_large(max: usize) -> Problem {
    Problem::new(
        StatusCode::PAYLOAD_TOO_LARGE,
        "payload-too-large",
        "Payload too large",
        format!("the request body is larger than the {max} bytes this endpoint accepts"),
    )
}

/// A body that did not arrive in time (the connection is closed after this answer).
pub fn body_timeout(allowed: std::time::Duration) -> Problem {
    Problem::new(
        StatusCode::REQUEST_TIMEOUT,
        "body-timeout",
        "Request body too slow",
        format!(
            "the request body did not arrive within {} s; send it whole, or at 64 KiB/s or faster",
            allowed.as_secs()
        ),
    )
}

pub fn unsupported_media_type(expected: &str) -> Problem {
    Problem::new(
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        "unsupported-media-type",
        "Unsupported media type",
        format!("send the body as {expected}"),
    )
}
