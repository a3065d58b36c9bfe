//! `POST /api/v1/auth/tokens`: name + password → bearer token.

use std::convert::Infallible;
use std::sync::Arc;

use warp::filters::BoxedFilter;
use warp::http::StatusCode;
use warp::reply::Response;
use warp::Filter;

use crate::http::filters::{json_body, with_state};
use crate::http::path::api;
use crate::http::{respond, AppState};
use crate::service::auth::{self, Login};
use crate::service::ServiceError;

pub fn routes(state: Arc<AppState>) -> BoxedFilter<(Response,)> {
    api()
        .and(warp::path!("auth" / "tokens"))
        .and(warp::post())
        .and(with_state(state))
        .and(json_body::<Login>())
        .and_then(issue)
        .boxed()
}

#[tracing::instrument(skip_all, fields(user = %body.name))]
async fn issue(state: Arc<AppState>, body: Login) -> Result<Response, Infallible> {
    let result: Result<_, ServiceError> =
        state.app.blocking(move |app| auth::login(app, &body)).await;
    Ok(respond(StatusCode::CREATED, result))
}
