//! `POST /api/v1/public/draws/rfc3797`: the open verifier for anyone's draw (no token).

use std::convert::Infallible;
use std::sync::Arc;

use warp::filters::BoxedFilter;
use warp::http::StatusCode;
use warp::reply::Response;
use warp::Filter;

use super::views::Rfc3797View;
use crate::http::filters::{client, json_body, with_state};
use crate::http::path::api;
use crate::http::problem::rate_limited;
use crate::http::{respond, AppState};
use crate::service::draws::{self, Rfc3797Request};
use crate::service::ServiceError;

pub fn routes(state: Arc<AppState>) -> BoxedFilter<(Response,)> {
    api()
        .and(warp::path!("public" / "draws" / "rfc3797"))
        .and(warp::post())
        .and(with_state(state.clone()))
        .and(client())
        .and(
            json_body::<crate::http::requests::Rfc3797Request>()
                .map(crate::service::draws::Rfc3797Request::from),
        )
        .and_then(rfc3797)
        .boxed()
}

async fn rfc3797(
    state: Arc<AppState>,
    client: Option<crate::domain::client::ClientKey>,
    req: Rfc3797Request,
) -> Result<Response, Infallible> {
    // A large draw costs its client more of its rate than a request (README "Rate limits").
    let now = state.app.clock().now();
    if let Err(secs) = state
        .limiter
        .charge(client, req.cost().saturating_sub(1), now)
    {
        return Ok(warp::Reply::into_response(rate_limited(secs)));
    }
    // Up to 65,536 MD5s: off the async threads like every other use case.
    let result: Result<_, ServiceError> = state.app.blocking(move |_| draws::rfc3797(req)).await;
    Ok(respond(StatusCode::OK, result.map(Rfc3797View::from)))
}
