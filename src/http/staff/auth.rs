//! `POST /api/v1/auth/tokens`: name + password → bearer token; `DELETE /api/v1/auth/tokens/current`:
//! sign out.

use std::convert::Infallible;
use std::sync::Arc;

use warp::filters::BoxedFilter;
use warp::http::StatusCode;
use warp::reply::Response;
use warp::{Filter, Reply};

use crate::http::filters::{authenticated_with_token, client, json_body, with_state};
use crate::http::path::api;
use crate::http::problem::Problem;
use crate::http::{respond, AppState};
use crate::service::auth::{self, Login};
use crate::service::{Actor, ServiceError};

pub fn routes(state: Arc<AppState>) -> BoxedFilter<(Response,)> {
    let issue = api()
        .and(warp::path!("auth" / "tokens"))
        .and(warp::post())
        .and(with_state(state.clone()))
        .and(client())
        .and(json_body::<crate::http::requests::Login>().map(crate::service::auth::Login::from))
        .and_then(issue);
    let sign_out = api()
        .and(warp::path!("auth" / "tokens" / "current"))
        .and(warp::delete())
        .and(with_state(state.clone()))
        .and(authenticated_with_token(state))
        .and_then(sign_out);
    issue.or(sign_out).unify().boxed()
}

/// 204: the token presented no longer works.
#[tracing::instrument(skip_all, fields(actor = %actor.name))]
async fn sign_out(
    state: Arc<AppState>,
    actor: Actor,
    token: String,
) -> Result<Response, Infallible> {
    let result: Result<(), ServiceError> = state
        .app
        .blocking(move |app| auth::sign_out(app, &actor, &token))
        .await;
    Ok(match result {
        Ok(()) => StatusCode::NO_CONTENT.into_response(),
        Err(e) => Problem::from(e).into_response(),
    })
}

#[tracing::instrument(skip_all, fields(user = %body.name))]
async fn issue(
    state: Arc<AppState>,
    client: Option<crate::domain::client::ClientKey>,
    body: Login,
) -> Result<Response, Infallible> {
    let result: Result<_, ServiceError> = state
        .app
        .blocking(move |app| auth::login(app, &body, client))
        .await;
    Ok(respond(StatusCode::CREATED, result))
}
