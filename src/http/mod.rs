//! warp filters and handlers, grouped by audience: `public/` (no token) and `staff/` (a bearer
//! token and a role). Handlers parse the request, call one service function, and reply with a
//! view built for their audience; the service decides the unit of work. No SQL, no diesel and no
//! store types here.

mod allow;
pub mod answers;
pub mod bare_errors;
pub mod cors;
pub mod etag;
pub mod filters;
pub mod limits;
pub mod paging;
pub mod path;
pub mod problem;
pub mod public;
pub mod rate_limit;
pub mod server;
pub mod staff;

use std::sync::Arc;

use warp::filters::BoxedFilter;
use warp::http::header::{self, HeaderMap, HeaderName, HeaderValue};
use warp::http::{Method, StatusCode};
use warp::path::FullPath;
use warp::reply::Response;
use warp::{Filter, Reply};

use crate::service::{App, ServiceError};

/// Every route the router serves, as `(method, path template)`. `tests/api/openapi.rs` checks
/// this table, the router and `api-spec/openapi.yaml` against each other.
pub const ROUTES: &[(&str, &str)] = &[
    ("GET", "/healthz"),
    ("GET", "/api/v1/meta"),
    ("GET", "/api/v1/openapi.yaml"),
    ("GET", "/api/v1/openapi.json"),
    ("GET", "/docs"),
    ("GET", "/embed/v1/penalties.js"),
    ("GET", "/embed/demo.html"),
    ("POST", "/api/v1/auth/tokens"),
    ("DELETE", "/api/v1/auth/tokens/current"),
    ("GET", "/api/v1/users"),
    ("POST", "/api/v1/users"),
    ("PATCH", "/api/v1/users/{id}"),
    ("POST", "/api/v1/users/{id}/revoke-tokens"),
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
    ("GET", "/api/v1/public/categories"),
    ("POST", "/api/v1/categories"),
    ("GET", "/api/v1/authorities"),
    ("POST", "/api/v1/authorities"),
    ("PATCH", "/api/v1/authorities/{id}"),
    ("GET", "/api/v1/penalties"),
    ("POST", "/api/v1/penalties"),
    ("GET", "/api/v1/penalties/deadlines"),
    ("GET", "/api/v1/penalties/export.csv"),
    ("GET", "/api/v1/penalties/{id}"),
    ("PATCH", "/api/v1/penalties/{id}"),
    ("POST", "/api/v1/penalties/{id}/submit"),
    ("POST", "/api/v1/penalties/{id}/approve"),
    ("POST", "/api/v1/penalties/{id}/reject"),
    ("POST", "/api/v1/penalties/{id}/publish"),
    ("POST", "/api/v1/penalties/{id}/withdraw"),
    ("POST", "/api/v1/penalties/{id}/repair"),
    ("GET", "/api/v1/public/penalties"),
    ("GET", "/api/v1/public/penalties/{id}"),
    ("GET", "/api/v1/public/penalties.csv"),
    ("GET", "/api/v1/public/penalties/feed.atom"),
    ("POST", "/api/v1/public/draws/rfc3797"),
    ("GET", "/api/v1/public/inspection-items"),
    ("GET", "/api/v1/public/inspection-items/{id}"),
    ("GET", "/api/v1/public/inspection-items/{id}/versions"),
    (
        "GET",
        "/api/v1/public/inspection-items/{id}/versions/{version}",
    ),
    ("GET", "/api/v1/public/plans"),
    ("GET", "/api/v1/public/plans/{id}"),
    ("GET", "/api/v1/public/plans/{id}/bundle"),
    ("GET", "/api/v1/public/plans/{id}/selections"),
    ("GET", "/api/v1/plans"),
    ("POST", "/api/v1/plans"),
    ("GET", "/api/v1/plans/deadlines"),
    ("GET", "/api/v1/plans/{id}"),
    ("POST", "/api/v1/plans/{id}/announce"),
    ("POST", "/api/v1/plans/{id}/draw"),
    ("POST", "/api/v1/plans/{id}/results"),
    ("POST", "/api/v1/plans/{id}/complete"),
    ("POST", "/api/v1/plans/{id}/publish-results"),
    ("POST", "/api/v1/plans/{id}/void"),
    ("POST", "/api/v1/inspection-items"),
    ("PATCH", "/api/v1/inspection-items/{id}"),
    ("GET", "/api/v1/entities"),
    ("POST", "/api/v1/entities"),
    ("GET", "/api/v1/entities/export.csv"),
    ("GET", "/api/v1/entities/{credit_code}"),
    ("PATCH", "/api/v1/entities/{credit_code}"),
    ("POST", "/api/v1/entities/{credit_code}/deregister"),
    ("GET", "/api/v1/entities/{credit_code}/history"),
    ("POST", "/api/v1/imports/entities"),
    ("POST", "/api/v1/imports/inspectors"),
    ("POST", "/api/v1/imports/penalties"),
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

/// The peer of the connection a request came on: a request extension that `server` sets and
/// `filters::client_addr` reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClientAddr(pub std::net::SocketAddr);

/// What every handler may use. Built only by `server::start`.
pub struct AppState {
    pub app: App,
    /// Who may read public answers from another site.
    pub cors: cors::Origins,
    /// `Cache-Control: max-age` of public answers, in seconds.
    pub public_max_age: u32,
    /// Per-client limits on the public group.
    pub limiter: rate_limit::Limiter,
    /// Public answers kept per data version.
    pub answers: answers::Answers,
}

/// The whole API, with the one `recover` that turns every rejection into problem+json, and the
/// headers every answer carries.
pub fn routes(state: Arc<AppState>) -> BoxedFilter<(Response,)> {
    let origins = state.cors.clone();
    let for_preflight = origins.clone();
    // A public route's preflight is answered before routing; anything else falls through.
    let preflight = warp::method()
        .and(warp::path::full())
        .and(warp::header::headers_cloned())
        .and_then(move |method: Method, path: FullPath, headers: HeaderMap| {
            let answer = cors::preflight(&for_preflight, &method, path.as_str(), &headers);
            async move { answer.ok_or_else(warp::reject::not_found) }
        });
    // Over its rate a client's public request is answered 429 before any work is done.
    let gate_state = state.clone();
    let gate = warp::method()
        .and(warp::path::full())
        .and(filters::client_ip())
        .and(warp::header::headers_cloned())
        .and_then(
            move |method: Method,
                  path: FullPath,
                  ip: Option<std::net::IpAddr>,
                  headers: HeaderMap| {
                let wait = if cors::is_public(&method, path.as_str()) {
                    gate_state
                        .limiter
                        .check(ip, &headers, gate_state.app.clock().now())
                        .err()
                } else {
                    None
                };
                async move {
                    match wait {
                        Some(secs) => Ok(problem::rate_limited(secs).into_response()),
                        None => Err(warp::reject::not_found()),
                    }
                }
            },
        );
    // Staff answers hold private data or a token: no cache may keep them.
    let staff = staff::routes(state.clone()).map(|mut res: Response| {
        res.headers_mut()
            .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        res
    });
    let max_age = state.public_max_age;
    warp::path::full()
        .and(warp::method())
        .and(filters::text_header("origin"))
        .and(filters::text_header("if-none-match"))
        .and(
            preflight
                .or(gate)
                .unify()
                .or(public::routes(state).or(staff).unify())
                .unify()
                .recover(problem::recover)
                .unify(),
        )
        .then(
            move |path: FullPath,
                  method: Method,
                  origin: Option<String>,
                  if_none_match: Option<String>,
                  res: Response| {
                let origins = origins.clone();
                async move {
                    let mut res = if cors::is_public(&method, path.as_str()) {
                        etag::tag(res, if_none_match.as_deref(), max_age).await
                    } else {
                        res
                    };
                    cors::decorate(
                        &origins,
                        &method,
                        path.as_str(),
                        origin.as_deref(),
                        &mut res,
                    );
                    finish(path, res)
                }
            },
        )
        .with(warp::trace::request())
        .map(Reply::into_response)
        .boxed()
}

/// `nosniff` on every answer (a JSON or CSV body is never to be run as a script or page), and
/// `Allow` on a 405.
fn finish(path: FullPath, res: Response) -> Response {
    let mut res = finish_headers(res);
    if res.status() == StatusCode::METHOD_NOT_ALLOWED {
        let allowed = allow::allowed_methods(path.as_str()).join(", ");
        if let Ok(v) = HeaderValue::from_str(&allowed) {
            res.headers_mut().insert(header::ALLOW, v);
        }
    }
    res
}

/// `nosniff` on an answer.
pub(crate) fn finish_headers(mut res: Response) -> Response {
    res.headers_mut().insert(
        HeaderName::from_static("x-content-type-options"),
        HeaderValue::from_static("nosniff"),
    );
    res
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
