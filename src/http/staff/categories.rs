//! Adding to the category list: `POST /api/v1/categories` (admin). A new code creates the
//! category (201); a known code gains the aliases it names (200).

use std::convert::Infallible;
use std::sync::Arc;

use warp::filters::BoxedFilter;
use warp::http::StatusCode;
use warp::reply::Response;
use warp::Filter;

use crate::domain::category::RawCategory;
use crate::domain::policy::Action;
use crate::http::filters::{json_body, permitted, with_state};
use crate::http::path::api;
use crate::http::public::views::PublicCategory;
use crate::http::{respond, AppState};
use crate::service::categories::{self, Added};
use crate::service::{Actor, ServiceError};

pub fn routes(state: Arc<AppState>) -> BoxedFilter<(Response,)> {
    api()
        .and(warp::path!("categories"))
        .and(warp::post())
        .and(with_state(state.clone()))
        .and(permitted(state, Action::ManageCategories))
        .and(json_body::<crate::http::requests::CategoryBody>().map(RawCategory::from))
        .and_then(add)
        .boxed()
}

#[tracing::instrument(skip_all, fields(actor = %actor.name))]
async fn add(
    state: Arc<AppState>,
    actor: Actor,
    body: RawCategory,
) -> Result<Response, Infallible> {
    let result: Result<_, ServiceError> = state
        .app
        .blocking(move |app| categories::add(app, &actor, &body))
        .await;
    Ok(match result {
        Ok(Added::Created(c)) => respond(StatusCode::CREATED, Ok(PublicCategory::from(&c))),
        Ok(Added::Aliased(c) | Added::Unchanged(c)) => {
            respond(StatusCode::OK, Ok(PublicCategory::from(&c)))
        }
        Err(e) => respond::<PublicCategory>(StatusCode::OK, Err(e)),
    })
}
