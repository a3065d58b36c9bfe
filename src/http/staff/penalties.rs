//! Penalty decisions for staff: `/api/v1/penalties` (clerks log and submit, reviewers approve,
//! reject, publish, withdraw and repair) and writing `/api/v1/authorities` (admin; the list is
//! public, `public::authorities`).

use crate::domain::ids::{AuthorityId, PenaltyId};
use std::convert::Infallible;
use std::sync::Arc;

use warp::filters::BoxedFilter;
use warp::http::StatusCode;
use warp::reply::Response;
use warp::{Filter, Rejection};

use super::views::{DeadlineView, NumberRegisterView, StaffPenalty};
use crate::domain::penalty::fields::RawPenalty;
use crate::domain::penalty::record::RawAuthority;
use crate::domain::penalty::workflow::Step;
use crate::domain::policy::Action;
use crate::http::filters::{self, authenticated, json_body, permitted, query, refused, with_state};
use crate::http::paging::{Items, Page};
use crate::http::path::api;
use crate::http::public::views::PublicAuthority;
use crate::http::{respond, AppState};
use crate::service::penalties::{self, DeadlineParams, PenaltyParams, StepBody};
use crate::service::penalty_imports::{self, ExportParams};
use crate::service::{authorities, Actor, ServiceError};

/// A draft's change: its `version` and the fields to change.
#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct PatchBody {
    version: i32,
    #[serde(flatten)]
    fields: crate::http::requests::PenaltyBody,
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct AuthorityPatch {
    version: i32,
    #[serde(flatten)]
    fields: crate::http::requests::AuthorityBody,
}

pub fn routes(state: Arc<AppState>) -> BoxedFilter<(Response,)> {
    let auth = || authenticated(state.clone());
    let s = || with_state(state.clone());
    let list = api()
        .and(warp::path!("penalties"))
        .and(filters::get())
        .and(s())
        .and(auth())
        .and(
            query::<crate::http::requests::PenaltyParams>()
                .map(crate::service::penalties::PenaltyParams::from),
        )
        .and_then(list);
    let create = api()
        .and(warp::path!("penalties"))
        .and(warp::post())
        .and(s())
        .and(permitted(state.clone(), Action::DraftPenalties))
        .and(json_body::<crate::http::requests::PenaltyBody>().map(RawPenalty::from))
        .and_then(create);
    let export = api()
        .and(warp::path!("penalties" / "export.csv"))
        .and(filters::get())
        .and(s())
        .and(auth())
        .and(
            query::<crate::http::requests::ExportParams>()
                .map(crate::service::penalty_imports::ExportParams::from),
        )
        .and_then(export);
    let deadlines = api()
        .and(warp::path!("penalties" / "deadlines"))
        .and(filters::get())
        .and(s())
        .and(auth())
        .and(
            query::<crate::http::requests::DeadlineParams>()
                .map(crate::service::penalties::DeadlineParams::from),
        )
        .and_then(deadlines);
    let numbers = api()
        .and(warp::path!("authorities" / AuthorityId / "numbers"))
        .and(filters::get())
        .and(s())
        .and(auth())
        .and(query::<crate::http::requests::NumberRegisterParams>())
        .and_then(numbers);
    let get = api()
        .and(warp::path!("penalties" / PenaltyId))
        .and(filters::get())
        .and(s())
        .and(auth())
        .and_then(get);
    let patch = api()
        .and(warp::path!("penalties" / PenaltyId))
        .and(warp::patch())
        .and(s())
        .and(permitted(state.clone(), Action::DraftPenalties))
        .and_then(
            |id: PenaltyId, state: Arc<AppState>, actor: Actor| async move {
                visible(&state, &actor, id).await?;
                Ok::<_, Rejection>((id, state, actor))
            },
        )
        .untuple_one()
        .and(json_body::<PatchBody>())
        .and_then(patch);
    let step = api()
        .and(warp::path!("penalties" / PenaltyId / String))
        .and(warp::post())
        .and(s())
        .and(auth())
        .and_then(
            |id: PenaltyId, name: String, state: Arc<AppState>, actor: Actor| async move {
                let step = step_named(&name).map_err(refused)?;
                actor.require(step.action()).map_err(refused)?;
                visible(&state, &actor, id).await?;
                Ok::<_, Rejection>((id, step, state, actor))
            },
        )
        .untuple_one()
        .and(
            filters::json_or_empty::<crate::http::requests::StepBody>()
                .map(crate::service::penalties::StepBody::from),
        )
        .and_then(step);
    let authorities_create = api()
        .and(warp::path!("authorities"))
        .and(warp::post())
        .and(s())
        .and(permitted(state.clone(), Action::ManageAuthorities))
        .and(json_body::<crate::http::requests::AuthorityBody>().map(RawAuthority::from))
        .and_then(create_authority);
    let authorities_patch = api()
        .and(warp::path!("authorities" / AuthorityId))
        .and(warp::patch())
        .and(s())
        .and(permitted(state.clone(), Action::ManageAuthorities))
        .and(json_body::<AuthorityPatch>())
        .and_then(patch_authority);
    list.or(create)
        .unify()
        .or(export)
        .unify()
        .or(deadlines)
        .unify()
        .or(numbers)
        .unify()
        .or(get)
        .unify()
        .or(patch)
        .unify()
        .or(step)
        .unify()
        .or(authorities_create)
        .unify()
        .or(authorities_patch)
        .unify()
        .boxed()
}

#[tracing::instrument(skip_all, fields(actor = %actor.name))]
async fn export(
    state: Arc<AppState>,
    actor: Actor,
    p: ExportParams,
) -> Result<Response, Infallible> {
    use warp::http::header;
    use warp::Reply;
    let result: Result<_, ServiceError> = state
        .app
        .blocking(move |app| penalty_imports::export(app, &actor, &p, Vec::new()))
        .await;
    Ok(match result {
        Ok((bytes, _)) => warp::http::Response::builder()
            .header(header::CONTENT_TYPE, "text/csv; charset=utf-8")
            .header(
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"penalties.csv\"",
            )
            .body(bytes)
            .map(Reply::into_response)
            .unwrap_or_else(|_| crate::http::problem::internal().into_response()),
        Err(e) => crate::http::problem::Problem::from(e).into_response(),
    })
}

async fn deadlines(
    state: Arc<AppState>,
    actor: Actor,
    p: DeadlineParams,
) -> Result<Response, Infallible> {
    let result: Result<_, ServiceError> = state
        .app
        .blocking(move |app| penalties::deadlines(app, &actor, &p))
        .await;
    Ok(respond(
        StatusCode::OK,
        result.map(|lines| Items {
            items: lines.iter().map(DeadlineView::from).collect(),
        }),
    ))
}

async fn numbers(
    id: AuthorityId,
    state: Arc<AppState>,
    actor: Actor,
    p: crate::http::requests::NumberRegisterParams,
) -> Result<Response, Infallible> {
    let result: Result<_, ServiceError> = state
        .app
        .blocking(move |app| penalties::register(app, &actor, id, p.year))
        .await;
    Ok(respond(
        StatusCode::OK,
        result.map(|r| NumberRegisterView::from(&r)),
    ))
}

fn view(
    state: &AppState,
) -> impl Fn(crate::domain::penalty::record::PenaltyRecord) -> StaffPenalty {
    let today = state.app.today();
    move |r| StaffPenalty::of(&r, today)
}

async fn list(
    state: Arc<AppState>,
    actor: Actor,
    p: PenaltyParams,
) -> Result<Response, Infallible> {
    let result: Result<_, ServiceError> = state
        .app
        .blocking(move |app| penalties::list(app, &actor, &p))
        .await;
    let today = state.app.today();
    Ok(respond(
        StatusCode::OK,
        result.map(|slice| Page {
            items: slice
                .items
                .iter()
                .map(|r| StaffPenalty::of(r, today))
                .collect(),
            next_cursor: slice.next_cursor,
        }),
    ))
}

#[tracing::instrument(skip_all, fields(actor = %actor.name))]
async fn create(
    state: Arc<AppState>,
    actor: Actor,
    body: RawPenalty,
) -> Result<Response, Infallible> {
    let result: Result<_, ServiceError> = state
        .app
        .blocking(move |app| penalties::create(app, &actor, &body))
        .await;
    Ok(respond(StatusCode::CREATED, result.map(view(&state))))
}

async fn get(id: PenaltyId, state: Arc<AppState>, actor: Actor) -> Result<Response, Infallible> {
    let result: Result<_, ServiceError> = state
        .app
        .blocking(move |app| penalties::get(app, &actor, id))
        .await;
    Ok(respond(StatusCode::OK, result.map(view(&state))))
}

#[tracing::instrument(skip_all, fields(actor = %actor.name, id))]
async fn patch(
    id: PenaltyId,
    state: Arc<AppState>,
    actor: Actor,
    body: PatchBody,
) -> Result<Response, Infallible> {
    let result: Result<_, ServiceError> = state
        .app
        .blocking(move |app| penalties::update(app, &actor, id, body.version, &body.fields.into()))
        .await;
    Ok(respond(StatusCode::OK, result.map(view(&state))))
}

/// The step a path names (404 for any other word).
fn step_named(name: &str) -> Result<Step, ServiceError> {
    Step::parse(name).ok_or_else(|| {
        ServiceError::NotFound(format!(
            "no step {name:?}: submit, approve, reject, publish, withdraw, repair or discard"
        ))
    })
}

/// 404 before the body is read when `actor` may not see decision `id`.
async fn visible(state: &AppState, actor: &Actor, id: PenaltyId) -> Result<(), Rejection> {
    let actor = actor.clone();
    state
        .app
        .blocking(move |app| penalties::ensure_visible(app, &actor, id))
        .await
        .map_err(refused)
}

#[tracing::instrument(skip_all, fields(actor = %actor.name, id, step = step.name()))]
async fn step(
    id: PenaltyId,
    step: Step,
    state: Arc<AppState>,
    actor: Actor,
    body: StepBody,
) -> Result<Response, Infallible> {
    let result: Result<_, ServiceError> = state
        .app
        .blocking(move |app| penalties::step(app, &actor, id, step, &body))
        .await;
    Ok(respond(StatusCode::OK, result.map(view(&state))))
}

#[tracing::instrument(skip_all, fields(actor = %actor.name))]
async fn create_authority(
    state: Arc<AppState>,
    actor: Actor,
    body: RawAuthority,
) -> Result<Response, Infallible> {
    let result: Result<_, ServiceError> = state
        .app
        .blocking(move |app| authorities::create(app, &actor, &body))
        .await;
    Ok(respond(
        StatusCode::CREATED,
        result.map(|a| PublicAuthority::from(&a)),
    ))
}

#[tracing::instrument(skip_all, fields(actor = %actor.name, id))]
async fn patch_authority(
    id: AuthorityId,
    state: Arc<AppState>,
    actor: Actor,
    body: AuthorityPatch,
) -> Result<Response, Infallible> {
    let result: Result<_, ServiceError> = state
        .app
        .blocking(move |app| {
            authorities::update(app, &actor, id, body.version, &body.fields.into())
        })
        .await;
    Ok(respond(
        StatusCode::OK,
        result.map(|a| PublicAuthority::from(&a)),
    ))
}
