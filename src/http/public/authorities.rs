//! `GET /api/v1/authorities`: the 处罚机关 a portal offers as a filter of the public decisions.
//! Public: each authority's public view (`views::PublicAuthority`) only; writing authorities is
//! staff work (the staff routes of decisions and authorities).

use std::convert::Infallible;
use std::sync::Arc;

use warp::filters::BoxedFilter;
use warp::http::StatusCode;
use warp::reply::Response;
use warp::Filter;

use super::views::PublicAuthority;
use crate::http::filters::{self, with_state};
use crate::http::paging::Items;
use crate::http::path::api;
use crate::http::{respond, AppState};
use crate::service::{authorities, ServiceError};

pub fn routes(state: Arc<AppState>) -> BoxedFilter<(Response,)> {
    api()
        .and(warp::path!("authorities"))
        .and(filters::get())
        .and(with_state(state))
        .and_then(list)
        .boxed()
}

#[tracing::instrument(skip_all)]
async fn list(state: Arc<AppState>) -> Result<Response, Infallible> {
    let result: Result<_, ServiceError> = state.app.blocking(authorities::list).await;
    Ok(respond(
        StatusCode::OK,
        result.map(|all| Items {
            items: all.iter().map(PublicAuthority::from).collect(),
        }),
    ))
}
