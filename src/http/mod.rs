//! The HTTP layer: the route table (`routes`), the pipeline every request goes through
//! (`middleware`), and warp filters and handlers grouped by audience: `public/` (no token),
//! `staff/` (a bearer token and a role) and `console/` (the staff's pages: a session cookie). Handlers parse the request, call one service function,
//! and reply with a view built for their audience; the service decides the unit of work. No SQL,
//! no diesel and no store types here.

pub mod bare_errors;
pub mod console;
pub mod filters;
pub mod lang;
pub mod limits;
pub mod middleware;
pub mod paging;
pub mod path;
pub mod problem;
pub mod public;
pub mod requests;
pub mod routes;
pub mod server;
pub mod staff;

use std::sync::Arc;

use warp::filters::BoxedFilter;
use warp::http::StatusCode;
use warp::reply::Response;
use warp::{Filter, Reply};

use crate::service::{App, ServiceError};

/// The peer of the connection a request came on: a request extension that `server` sets and the
/// pipeline (`middleware::client`) reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClientAddr(pub std::net::SocketAddr);

/// What every handler may use. Built only by `server::start`.
pub struct AppState {
    pub app: App,
    /// Who may read public answers from another site.
    pub cors: middleware::cors::Origins,
    /// `Cache-Control: max-age` of public answers, in seconds.
    pub public_max_age: u32,
    /// How a request's client is found.
    pub clients: middleware::client::ClientSettings,
    /// Per-client limits on public answers.
    pub limiter: middleware::rate_limit::Limiter,
    /// Public answers kept per data version.
    pub answers: middleware::cache::Answers,
}

/// The router: every route of the table (`routes::ROUTES`), with the one `recover` that turns
/// every rejection into problem+json. What depends on a route's audience (CORS, the limit, the
/// cache and its tags, `no-store`) is the pipeline's (`middleware::Pipeline`), around it.
pub fn router(state: Arc<AppState>) -> BoxedFilter<(Response,)> {
    public::routes(state.clone())
        .or(staff::routes(state.clone()))
        .unify()
        .or(console::routes(state))
        .unify()
        .recover(console::recover)
        .unify()
        .recover(problem::recover)
        .unify()
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
