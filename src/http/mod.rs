//! warp filters and handlers. Handlers parse, call one service function, and reply; no SQL here.

mod audit;
mod auth;
mod calendar;
mod directory;
pub mod filters;
mod paging;
pub mod problem;
mod roster;
mod system;
mod users;

use std::sync::Arc;

use warp::filters::BoxedFilter;
use warp::http::StatusCode;
use warp::reply::Response;
use warp::{Filter, Reply};

use crate::service::calendar::Calendars;
use crate::service::ServiceError;
use crate::store::Db;

/// Every route the router serves, as `(method, path template)`. `tests/api/openapi.rs` checks
/// this table, the router and `api-spec/openapi.yaml` against each other.
pub const ROUTES: &[(&str, &str)] = &[
    ("GET", "/healthz"),
    ("GET", "/api/v1/meta"),
    ("POST", "/api/v1/auth/tokens"),
    ("GET", "/api/v1/users"),
    ("POST", "/api/v1/users"),
    ("PATCH", "/api/v1/users/{id}"),
    ("GET", "/api/v1/audit"),
    ("GET", "/api/v1/calendar/days/{date}"),
    ("GET", "/api/v1/calendar/add-workdays"),
    ("GET", "/api/v1/calendar/workdays-between"),
    ("GET", "/api/v1/calendar/years/{year}"),
    ("GET", "/api/v1/calendar/coverage"),
    ("GET", "/api/v1/calendar/today"),
    ("PUT", "/api/v1/calendar/{region}/{year}"),
    ("GET", "/api/v1/credit-codes/{code}"),
    ("GET", "/api/v1/public/entities"),
    ("GET", "/api/v1/public/entities/{credit_code}"),
    ("GET", "/api/v1/public/inspectors"),
    ("GET", "/api/v1/entities"),
    ("POST", "/api/v1/entities"),
    ("GET", "/api/v1/entities/export.csv"),
    ("GET", "/api/v1/entities/{credit_code}"),
    ("PATCH", "/api/v1/entities/{credit_code}"),
    ("POST", "/api/v1/entities/{credit_code}/deregister"),
    ("GET", "/api/v1/entities/{credit_code}/history"),
    ("POST", "/api/v1/imports/entities"),
    ("POST", "/api/v1/imports/inspectors"),
    ("GET", "/api/v1/inspectors"),
    ("POST", "/api/v1/inspectors"),
    ("GET", "/api/v1/inspectors/{id}"),
    ("PATCH", "/api/v1/inspectors/{id}"),
    ("GET", "/api/v1/inspectors/{id}/conflicts"),
    ("POST", "/api/v1/inspectors/{id}/conflicts"),
    (
        "POST",
        "/api/v1/inspectors/{id}/conflicts/{conflict_id}/remove",
    ),
];

/// What every handler may use.
pub struct AppState {
    pub db: Db,
    pub calendars: Calendars,
}

impl AppState {
    pub fn calendars(&self) -> &Calendars {
        &self.calendars
    }
}

/// The whole API, with the one `recover` that turns every rejection into problem+json.
pub fn routes(state: Arc<AppState>) -> BoxedFilter<(Response,)> {
    system::routes(state.clone())
        .or(auth::routes(state.clone()))
        .unify()
        .or(users::routes(state.clone()))
        .unify()
        .or(audit::routes(state.clone()))
        .unify()
        .or(calendar::routes(state.clone()))
        .unify()
        .or(directory::routes(state.clone()))
        .unify()
        .or(roster::routes(state))
        .unify()
        .recover(problem::recover)
        .unify()
        .with(warp::trace::request())
        .map(Reply::into_response)
        .boxed()
}

/// JSON with a status.
pub fn json_reply<T: serde::Serialize>(status: StatusCode, body: &T) -> Response {
    warp::reply::with_status(warp::reply::json(body), status).into_response()
}

/// A service result as a response: the value as JSON with `status`, or its problem.
pub fn respond<T: serde::Serialize>(
    status: StatusCode,
    result: Result<T, ServiceError>,
) -> Response {
    match result {
        Ok(body) => json_reply(status, &body),
        Err(e) => problem::Problem::from(e).into_response(),
    }
}
