//! Staff accounts: `GET/POST /api/v1/users`, `PATCH /api/v1/users/{id}` (admin).

use std::convert::Infallible;
use std::sync::Arc;

use warp::filters::BoxedFilter;
use warp::http::StatusCode;
use warp::reply::Response;
use warp::Filter;

use super::views::{RevokedTokens, UserView};
use crate::domain::policy::Action;
use crate::domain::role::Role;
use crate::http::filters::{self, authenticated, json_body, permitted, with_state};
use crate::http::paging::Items;
use crate::http::path::api;
use crate::http::{respond, AppState};
use crate::service::users::{self, RawUser, UserChange};
use crate::service::{Actor, ServiceError};

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct PatchBody {
    version: i32,
    role: Option<Role>,
    active: Option<bool>,
    password: Option<String>,
    /// A number binds the account to that authority; `null` unbinds it.
    #[serde(default, deserialize_with = "present")]
    authority_id: Option<Option<i64>>,
}

/// A field that may be absent (`None`), null (`Some(None)`) or a value.
fn present<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<Option<i64>>, D::Error> {
    <Option<i64> as serde::Deserialize>::deserialize(d).map(Some)
}

pub fn routes(state: Arc<AppState>) -> BoxedFilter<(Response,)> {
    let auth = authenticated(state.clone());
    let list = api()
        .and(warp::path!("users"))
        .and(filters::get())
        .and(with_state(state.clone()))
        .and(auth)
        .and_then(list);
    let create = api()
        .and(warp::path!("users"))
        .and(warp::post())
        .and(with_state(state.clone()))
        .and(permitted(state.clone(), Action::ManageUsers))
        .and(
            json_body::<crate::http::requests::RawUser>().map(crate::service::users::RawUser::from),
        )
        .and_then(create);
    let patch = api()
        .and(warp::path!("users" / i32))
        .and(warp::patch())
        .and(with_state(state.clone()))
        .and(permitted(state.clone(), Action::ManageUsers))
        .and(json_body::<PatchBody>())
        .and_then(patch);
    let revoke = api()
        .and(warp::path!("users" / i32 / "revoke-tokens"))
        .and(warp::post())
        .and(with_state(state.clone()))
        .and(authenticated(state.clone()))
        .and_then(revoke_tokens);
    list.or(create)
        .unify()
        .or(patch)
        .unify()
        .or(revoke)
        .unify()
        .boxed()
}

/// Every token of the account stops working at once; the answer says how many there were.
#[tracing::instrument(skip_all, fields(actor = %actor.name, id))]
async fn revoke_tokens(
    id: i32,
    state: Arc<AppState>,
    actor: Actor,
) -> Result<Response, Infallible> {
    let result: Result<_, ServiceError> = state
        .app
        .blocking(move |app| users::revoke_tokens(app, &actor, id))
        .await;
    Ok(respond(
        StatusCode::OK,
        result.map(|revoked| RevokedTokens { revoked }),
    ))
}

#[tracing::instrument(skip_all, fields(actor = %actor.name))]
async fn list(state: Arc<AppState>, actor: Actor) -> Result<Response, Infallible> {
    let result: Result<_, ServiceError> = state
        .app
        .blocking(move |app| users::list(app, &actor))
        .await;
    Ok(respond(
        StatusCode::OK,
        result.map(|all| Items {
            items: all.iter().map(UserView::from).collect(),
        }),
    ))
}

#[tracing::instrument(skip_all, fields(actor = %actor.name))]
async fn create(state: Arc<AppState>, actor: Actor, body: RawUser) -> Result<Response, Infallible> {
    let result: Result<_, ServiceError> = state
        .app
        .blocking(move |app| users::create_from(app, &actor, &body))
        .await;
    Ok(respond(
        StatusCode::CREATED,
        result.map(|u| UserView::from(&u)),
    ))
}

#[tracing::instrument(skip_all, fields(actor = %actor.name, id))]
async fn patch(
    id: i32,
    state: Arc<AppState>,
    actor: Actor,
    body: PatchBody,
) -> Result<Response, Infallible> {
    let change = UserChange {
        version: body.version,
        role: body.role,
        active: body.active,
        password: body.password,
        authority_id: body.authority_id,
    };
    let result: Result<_, ServiceError> = state
        .app
        .blocking(move |app| users::update(app, &actor, id, change))
        .await;
    Ok(respond(StatusCode::OK, result.map(|u| UserView::from(&u))))
}
