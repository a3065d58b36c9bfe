//! The staff group: every route needs a bearer token (except the login that issues one), and
//! each use case checks the caller's role against `domain::policy`.

mod audit;
mod auth;
mod calendar;
mod categories;
mod entities;
mod imports;
mod inspection_items;
mod inspectors;
mod penalties;
mod plan_views;
mod plans;
mod users;
pub mod views;

use std::sync::Arc;

use warp::filters::BoxedFilter;
use warp::reply::Response;
use warp::Filter;

use super::AppState;

pub fn routes(state: Arc<AppState>) -> BoxedFilter<(Response,)> {
    auth::routes(state.clone())
        .or(users::routes(state.clone()))
        .unify()
        .or(audit::routes(state.clone()))
        .unify()
        .or(calendar::routes(state.clone()))
        .unify()
        .or(entities::routes(state.clone()))
        .unify()
        .or(imports::routes(state.clone()))
        .unify()
        .or(inspectors::routes(state.clone()))
        .unify()
        .or(categories::routes(state.clone()))
        .unify()
        .or(penalties::routes(state.clone()))
        .unify()
        .or(inspection_items::routes(state.clone()))
        .unify()
        .or(plans::routes(state))
        .unify()
        .boxed()
}
