//! Public lookup of penalty decisions (行政处罚决定公示), no token: only what the public view
//! shows, only while it is to be shown.

use crate::domain::ids::PenaltyId;
use std::convert::Infallible;
use std::sync::Arc;

use warp::filters::BoxedFilter;
use warp::http::StatusCode;
use warp::reply::Response;
use warp::Filter;

use super::views::PublicPenaltyItem;
use crate::http::filters::{self, query, with_state};
use crate::http::paging::CountedPage;
use crate::http::path::api;
use crate::http::{respond, AppState};
use crate::service::penalties::{self, PenaltyParams};
use crate::service::ServiceError;

pub fn routes(state: Arc<AppState>) -> BoxedFilter<(Response,)> {
    let list = api()
        .and(warp::path!("public" / "penalties"))
        .and(filters::get())
        .and(with_state(state.clone()))
        .and(
            query::<crate::http::requests::PenaltyParams>()
                .map(crate::service::penalties::PenaltyParams::from),
        )
        .and_then(list);
    let get = api()
        .and(warp::path!("public" / "penalties" / PenaltyId))
        .and(filters::get())
        .and(with_state(state))
        .and_then(get);
    list.or(get).unify().boxed()
}

async fn list(state: Arc<AppState>, p: PenaltyParams) -> Result<Response, Infallible> {
    let result: Result<_, ServiceError> = state
        .app
        .blocking(move |app| penalties::public_search(app, &p))
        .await;
    Ok(respond(
        StatusCode::OK,
        result.map(|found| CountedPage {
            items: found
                .slice
                .items
                .iter()
                .filter_map(|r| {
                    let a = found.authorities.iter().find(|a| a.id == r.authority_id)?;
                    PublicPenaltyItem::of(r, a, found.today)
                })
                .collect(),
            next_cursor: found.slice.next_cursor,
            total: found.total.count,
            total_exact: found.total.exact,
        }),
    ))
}

async fn get(id: PenaltyId, state: Arc<AppState>) -> Result<Response, Infallible> {
    let result: Result<_, ServiceError> = state
        .app
        .blocking(move |app| penalties::public_get(app, id))
        .await;
    Ok(respond(
        StatusCode::OK,
        result.and_then(|(r, a, today)| {
            PublicPenaltyItem::of(&r, &a, today).ok_or_else(|| {
                ServiceError::NotFound(format!("no published penalty decision with id {id}"))
            })
        }),
    ))
}
