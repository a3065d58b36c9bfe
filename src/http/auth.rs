//! `POST /api/v1/auth/tokens`: name + password → bearer token.

use std::convert::Infallible;
use std::sync::Arc;

use warp::filters::BoxedFilter;
use warp::http::StatusCode;
use warp::reply::Response;
use warp::Filter;

use super::filters::{json_body, with_state};
use super::{respond, AppState};
use crate::service;

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Login {
    name: String,
    password: String,
}

pub fn routes(state: Arc<AppState>) -> BoxedFilter<(Response,)> {
    warp::path!("api" / "v1" / "auth" / "tokens")
        .and(warp::post())
        .and(with_state(state))
        .and(json_body::<Login>())
        .and_then(issue)
        .boxed()
}

#[tracing::instrument(skip_all, fields(user = %body.name))]
async fn issue(state: Arc<AppState>, body: Login) -> Result<Response, Infallible> {
    let result = state
        .db
        .run(move |conn| service::auth::login(conn, &body.name, &body.password))
        .await;
    Ok(respond(StatusCode::CREATED, result))
}
