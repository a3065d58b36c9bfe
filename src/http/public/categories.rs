//! The category list (行业类别): `GET /api/v1/public/categories` (no token).

use std::convert::Infallible;
use std::sync::Arc;

use warp::filters::BoxedFilter;
use warp::http::StatusCode;
use warp::reply::Response;
use warp::Filter;

use super::views::PublicCategory;
use crate::http::filters::{self, with_state};
use crate::http::paging::Items;
use crate::http::path::api;
use crate::http::{respond, AppState};
use crate::service::categories;
use crate::service::ServiceError;

pub fn routes(state: Arc<AppState>) -> BoxedFilter<(Response,)> {
    api()
        .and(warp::path!("public" / "categories"))
        .and(filters::get())
        .and(with_state(state))
        .and_then(list)
        .boxed()
}

/// Every category, shipped ones first in their order, then what admins added.
async fn list(state: Arc<AppState>) -> Result<Response, Infallible> {
    let result: Result<_, ServiceError> = state.app.blocking(categories::list).await;
    Ok(respond(
        StatusCode::OK,
        result.map(|v| Items {
            items: v.all().iter().map(PublicCategory::from).collect(),
        }),
    ))
}
