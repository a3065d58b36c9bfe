//! The public group: no token, read-only answers built from allow-listed views (`views.rs`).
//! Directory, roster, working-day calendar, credit-code checker, health and meta; later the
//! penalties, plans and the widget. The portal work wraps this whole group (CORS, ETag, rate
//! limits) in one place: here.

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
        .or(plans::routes(state))
        .unify()
        .boxed()
}
