//! `/healthz` and `/api/v1/meta`.

use std::convert::Infallible;
use std::sync::Arc;

use warp::filters::BoxedFilter;
use warp::http::StatusCode;
use warp::reply::Response;
use warp::{Filter, Reply};

use super::views::{Health, MetaView};
use crate::http::filters::{self, with_state};
use crate::http::path::api;
use crate::http::problem::Problem;
use crate::http::{json_reply, respond, AppState};
use crate::service::{self, ServiceError};

pub fn routes(state: Arc<AppState>) -> BoxedFilter<(Response,)> {
    let health = warp::path!("healthz")
        .and(filters::get())
        .and(with_state(state.clone()))
        .and_then(healthz);
    let meta = api()
        .and(warp::path!("meta"))
        .and(filters::get())
        .and(with_state(state))
        .and_then(meta);
    health.or(meta).unify().boxed()
}

/// 200 only after a real round trip to the database; otherwise 503.
#[tracing::instrument(skip_all)]
async fn healthz(state: Arc<AppState>) -> Result<Response, Infallible> {
    let probe = state.app.blocking(service::system::health).await;
    Ok(match probe {
        Ok(database) => json_reply(
            StatusCode::OK,
            &Health {
                status: "ok",
                database,
            },
        ),
        Err(e) => {
            let mut p = Problem::from(e);
            p.status = StatusCode::SERVICE_UNAVAILABLE.as_u16();
            p.into_response()
        }
    })
}

#[tracing::instrument(skip_all)]
async fn meta(state: Arc<AppState>) -> Result<Response, Infallible> {
    let result: Result<_, ServiceError> = state.app.blocking(service::system::meta).await;
    Ok(respond(StatusCode::OK, result.map(MetaView::from)))
}
