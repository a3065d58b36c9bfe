//! Staff accounts: `GET/POST /api/v1/users`, `PATCH /api/v1/users/{id}` (admin).

use std::convert::Infallible;
use std::sync::Arc;

use warp::filters::BoxedFilter;
use warp::http::StatusCode;
use warp::reply::Response;
use warp::Filter;

use super::filters::{authenticated, json_body, with_state};
use super::{respond, AppState};
use crate::domain::role::Role;
use crate::domain::shanghai::format_utc;
use crate::service::users::{NewUser, UserChange};
use crate::service::{self, Actor, ServiceError};
use crate::store::users::User;

#[derive(serde::Serialize)]
struct UserDto {
    id: i32,
    name: String,
    role: Role,
    active: bool,
    version: i32,
    created_at: String,
    updated_at: String,
}

impl From<User> for UserDto {
    fn from(u: User) -> Self {
        UserDto {
            id: u.id,
            name: u.name,
            role: u.role,
            active: u.active,
            version: u.version,
            created_at: format_utc(u.created_at),
            updated_at: format_utc(u.updated_at),
        }
    }
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct CreateBody {
    name: String,
    role: String,
    password: String,
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct PatchBody {
    version: i32,
    role: Option<Role>,
    active: Option<bool>,
}

pub fn routes(state: Arc<AppState>) -> BoxedFilter<(Response,)> {
    let auth = authenticated(state.clone());
    let list = warp::path!("api" / "v1" / "users")
        .and(warp::get())
        .and(with_state(state.clone()))
        .and(auth.clone())
        .and_then(list);
    let create = warp::path!("api" / "v1" / "users")
        .and(warp::post())
        .and(with_state(state.clone()))
        .and(auth.clone())
        .and(json_body::<CreateBody>())
        .and_then(create);
    let patch = warp::path!("api" / "v1" / "users" / i32)
        .and(warp::patch())
        .and(with_state(state))
        .and(auth)
        .and(json_body::<PatchBody>())
        .and_then(patch);
    list.or(create).unify().or(patch).unify().boxed()
}

#[tracing::instrument(skip_all, fields(actor = %actor.name))]
async fn list(state: Arc<AppState>, actor: Actor) -> Result<Response, Infallible> {
    let result = state
        .db
        .run(move |conn| service::users::list(conn, &actor))
        .await
        .map(|users| serde_json::json!({"items": users.into_iter().map(UserDto::from).collect::<Vec<_>>()}));
    Ok(respond(StatusCode::OK, result))
}

#[tracing::instrument(skip_all, fields(actor = %actor.name))]
async fn create(
    state: Arc<AppState>,
    actor: Actor,
    body: CreateBody,
) -> Result<Response, Infallible> {
    let result = state
        .db
        .run(move |conn| {
            actor.require(&[Role::Admin])?;
            let new = NewUser::parse(&body.name, &body.role, &body.password)?;
            service::users::create(conn, &actor, new)
        })
        .await
        .map(UserDto::from);
    Ok(respond(StatusCode::CREATED, result))
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
    };
    let result: Result<_, ServiceError> = state
        .db
        .run(move |conn| service::users::update(conn, &actor, id, change))
        .await
        .map(UserDto::from);
    Ok(respond(StatusCode::OK, result))
}
