//! The public roster (执法检查人员名录, 行政执法公示; no token).

use std::convert::Infallible;
use std::sync::Arc;

use warp::filters::BoxedFilter;
use warp::http::StatusCode;
use warp::reply::Response;
use warp::Filter;

use super::views::PublicInspector;
use crate::http::filters::{self, query, with_state};
use crate::http::paging::Page;
use crate::http::path::api;
use crate::http::{respond, AppState};
use crate::service::inspectors::{self, RosterParams};
use crate::service::ServiceError;

pub fn routes(state: Arc<AppState>) -> BoxedFilter<(Response,)> {
    api()
        .and(warp::path!("public" / "inspectors"))
        .and(filters::get())
        .and(with_state(state))
        .and(
            query::<crate::http::requests::RosterParams>()
                .map(crate::service::inspectors::RosterParams::from),
        )
        .and_then(list)
        .boxed()
}

async fn list(state: Arc<AppState>, p: RosterParams) -> Result<Response, Infallible> {
    let result: Result<_, ServiceError> = state
        .app
        .blocking(move |app| inspectors::public_list(app, &p))
        .await;
    Ok(respond(
        StatusCode::OK,
        result.map(Page::<PublicInspector>::labelled),
    ))
}
