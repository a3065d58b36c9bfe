//! The public directory (市场主体名录库) and the credit-code checker (no token).

use std::convert::Infallible;
use std::sync::Arc;

use warp::filters::BoxedFilter;
use warp::http::StatusCode;
use warp::reply::Response;
use warp::Filter;

use super::views::{CreditCodeVerdict, PublicEntity};
use crate::domain::credit_code::CreditCode;
use crate::http::filters::{self, query, with_state};
use crate::http::paging::{self, Page};
use crate::http::path::{api, segment};
use crate::http::{json_reply, respond, AppState};
use crate::service::entities::{self, SearchParams};
use crate::service::ServiceError;

pub fn routes(state: Arc<AppState>) -> BoxedFilter<(Response,)> {
    let s = || with_state(state.clone());
    let check = api()
        .and(warp::path!("credit-codes" / String))
        .and(filters::get())
        .and_then(check_code);
    let list = api()
        .and(warp::path!("public" / "entities"))
        .and(filters::get())
        .and(s())
        .and(
            query::<crate::http::requests::SearchParams>()
                .map(crate::service::entities::SearchParams::from),
        )
        .and_then(list);
    let get = api()
        .and(warp::path!("public" / "entities" / String))
        .and(filters::get())
        .and(s())
        .and_then(get);
    check.or(list).unify().or(get).unify().boxed()
}

/// The verdict is the payload: 200 whether or not the code is valid.
async fn check_code(input: String) -> Result<Response, Infallible> {
    let input = segment(&input);
    let parsed = CreditCode::parse(&input);
    Ok(json_reply(
        StatusCode::OK,
        &CreditCodeVerdict::of(input, parsed),
    ))
}

async fn list(state: Arc<AppState>, p: SearchParams) -> Result<Response, Infallible> {
    let result: Result<_, ServiceError> = state
        .app
        .blocking(move |app| entities::public_search(app, &p))
        .await;
    Ok(respond(
        StatusCode::OK,
        result.map(Page::<PublicEntity>::labelled),
    ))
}

async fn get(code: String, state: Arc<AppState>) -> Result<Response, Infallible> {
    let result: Result<_, ServiceError> = state
        .app
        .blocking(move |app| entities::public_get(app, &segment(&code)))
        .await;
    Ok(respond(
        StatusCode::OK,
        result.map(paging::one::<PublicEntity, _>),
    ))
}
