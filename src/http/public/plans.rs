//! Random-inspection plans, public (no token): `GET /api/v1/public/plans`, one plan, and the
//! bundle that lets anyone recompute its draw.

use crate::domain::ids::PlanId;
use std::convert::Infallible;
use std::sync::Arc;

use warp::filters::BoxedFilter;
use warp::http::StatusCode;
use warp::reply::Response;
use warp::Filter;

use super::plan_views::{PublicPlan, PublicPlanDetail};
use crate::http::filters::{self, query, with_state};
use crate::http::paging::Page;
use crate::http::path::api;
use crate::http::{respond, AppState};
use crate::service::plans::{self, PlanParams, SelectionParams};
use crate::service::ServiceError;

pub fn routes(state: Arc<AppState>) -> BoxedFilter<(Response,)> {
    let s = || with_state(state.clone());
    let list = api()
        .and(warp::path!("public" / "plans"))
        .and(filters::get())
        .and(s())
        .and(
            query::<crate::http::requests::PlanParams>()
                .map(crate::service::plans::PlanParams::from),
        )
        .and_then(list);
    let one = api()
        .and(warp::path!("public" / "plans" / PlanId))
        .and(filters::get())
        .and(s())
        .and_then(one);
    let bundle = api()
        .and(warp::path!("public" / "plans" / PlanId / "bundle"))
        .and(filters::get())
        .and(s())
        .and_then(bundle);
    let selections = api()
        .and(warp::path!("public" / "plans" / PlanId / "selections"))
        .and(filters::get())
        .and(s())
        .and(
            query::<crate::http::requests::SelectionParams>()
                .map(crate::service::plans::SelectionParams::from),
        )
        .and_then(selections);
    list.or(one)
        .unify()
        .or(bundle)
        .unify()
        .or(selections)
        .unify()
        .boxed()
}

async fn list(state: Arc<AppState>, p: PlanParams) -> Result<Response, Infallible> {
    let result: Result<_, ServiceError> = state
        .app
        .blocking(move |app| plans::public_list(app, &p))
        .await;
    Ok(respond(StatusCode::OK, result.map(Page::<PublicPlan>::of)))
}

async fn one(id: PlanId, state: Arc<AppState>) -> Result<Response, Infallible> {
    let result: Result<_, ServiceError> = state
        .app
        .blocking(move |app| plans::public_get(app, id))
        .await;
    Ok(respond(
        StatusCode::OK,
        result.map(|d| PublicPlanDetail::from(&d)),
    ))
}

async fn selections(
    id: PlanId,
    state: Arc<AppState>,
    p: SelectionParams,
) -> Result<Response, Infallible> {
    let result: Result<_, ServiceError> = state
        .app
        .blocking(move |app| plans::public_selections(app, id, &p))
        .await;
    Ok(respond(
        StatusCode::OK,
        result.map(|(d, next_cursor)| Page {
            items: super::plan_views::selections(&d),
            next_cursor,
        }),
    ))
}

async fn bundle(id: PlanId, state: Arc<AppState>) -> Result<Response, Infallible> {
    use warp::Reply;
    let result: Result<_, ServiceError> =
        state.app.blocking(move |app| plans::bundle(app, id)).await;
    Ok(match result {
        Ok(plans::BundleJson(bytes)) => warp::http::Response::builder()
            .header(warp::http::header::CONTENT_TYPE, "application/json")
            .body(bytes)
            .map(Reply::into_response)
            .unwrap_or_else(|_| crate::http::problem::internal().into_response()),
        Err(e) => crate::http::problem::Problem::from(e).into_response(),
    })
}
