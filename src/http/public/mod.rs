//! The public group: no token, read-only answers built from allow-listed views (`views.rs`):
//! directory, roster, working-day calendar, credit-code checker, authorities, penalties, plans,
//! the widget and the API description; health and meta. What a route's audience brings (CORS,
//! ETag, rate limits, the answer cache) is the pipeline's (`http::middleware`), decided by the
//! route table (`http::routes`), not by where a handler sits.

mod authorities;
mod calendar;
mod categories;
mod directory;
mod docs_page;
mod draws;
mod embed;
mod inspection_items;
mod open_data;
mod penalties;
pub mod plan_views;
mod plans;
mod roster;
pub mod spec;
mod system;
pub mod views;

use std::sync::Arc;

use warp::filters::BoxedFilter;
use warp::reply::Response;
use warp::Filter;

use super::AppState;

pub fn routes(state: Arc<AppState>) -> BoxedFilter<(Response,)> {
    system::routes(state.clone())
        .or(spec::routes())
        .unify()
        .or(embed::routes())
        .unify()
        .or(calendar::routes(state.clone()))
        .unify()
        .or(directory::routes(state.clone()))
        .unify()
        .or(roster::routes(state.clone()))
        .unify()
        .or(categories::routes(state.clone()))
        .unify()
        .or(penalties::routes(state.clone()))
        .unify()
        .or(open_data::routes(state.clone()))
        .unify()
        .or(draws::routes(state.clone()))
        .unify()
        .or(inspection_items::routes(state.clone()))
        .unify()
        .or(plans::routes(state.clone()))
        .unify()
        .or(authorities::routes(state))
        .unify()
        .boxed()
}
