//! The 随机抽查事项清单, public (no token): `GET /api/v1/public/inspection-items`, one item, and
//! every version an item had.

use crate::domain::ids::ItemId;
use std::convert::Infallible;
use std::sync::Arc;

use warp::filters::BoxedFilter;
use warp::http::StatusCode;
use warp::reply::Response;
use warp::Filter;

use super::views::PublicItem;
use crate::domain::inspection_item::ItemVersion;
use crate::http::filters::{self, with_state};
use crate::http::paging::Items;
use crate::http::path::api;
use crate::http::{respond, AppState};
use crate::service::categories::Labelled;
use crate::service::inspection_items;
use crate::service::ServiceError;

pub fn routes(state: Arc<AppState>) -> BoxedFilter<(Response,)> {
    let s = || with_state(state.clone());
    let items = || {
        api()
            .and(warp::path("public"))
            .and(warp::path("inspection-items"))
    };
    let list = items()
        .and(warp::path::end())
        .and(filters::get())
        .and(s())
        .and_then(list);
    let one = items()
        .and(warp::path!(ItemId))
        .and(filters::get())
        .and(s())
        .and_then(one);
    let versions = items()
        .and(warp::path!(ItemId / "versions"))
        .and(filters::get())
        .and(s())
        .and_then(versions);
    let version = items()
        .and(warp::path!(ItemId / "versions" / i32))
        .and(filters::get())
        .and(s())
        .and_then(version);
    list.or(one)
        .unify()
        .or(versions)
        .unify()
        .or(version)
        .unify()
        .boxed()
}

fn items(l: Labelled<Vec<ItemVersion>>) -> Items<PublicItem> {
    Items {
        items: l
            .value
            .iter()
            .map(|i| PublicItem::new(i, &l.categories))
            .collect(),
    }
}

/// Every item at its current version.
async fn list(state: Arc<AppState>) -> Result<Response, Infallible> {
    let result: Result<_, ServiceError> = state.app.blocking(inspection_items::list).await;
    Ok(respond(StatusCode::OK, result.map(items)))
}

async fn one(id: ItemId, state: Arc<AppState>) -> Result<Response, Infallible> {
    let result: Result<_, ServiceError> = state
        .app
        .blocking(move |app| inspection_items::get(app, id, None))
        .await;
    Ok(respond(
        StatusCode::OK,
        result.map(|l| PublicItem::labelled(&l)),
    ))
}

async fn versions(id: ItemId, state: Arc<AppState>) -> Result<Response, Infallible> {
    let result: Result<_, ServiceError> = state
        .app
        .blocking(move |app| inspection_items::versions(app, id))
        .await;
    Ok(respond(StatusCode::OK, result.map(items)))
}

async fn version(id: ItemId, version: i32, state: Arc<AppState>) -> Result<Response, Infallible> {
    let result: Result<_, ServiceError> = state
        .app
        .blocking(move |app| inspection_items::get(app, id, Some(version)))
        .await;
    Ok(respond(
        StatusCode::OK,
        result.map(|l| PublicItem::labelled(&l)),
    ))
}
