//! Random-inspection plans for staff: `/api/v1/plans` (clerks draft plans, record results and
//! complete them; reviewers announce, draw, void and publish the results).

use crate::domain::ids::PlanId;
use std::convert::Infallible;
use std::sync::Arc;

use warp::filters::BoxedFilter;
use warp::http::StatusCode;
use warp::reply::Response;
use warp::Filter;

use super::plan_views::{PlanDeadlineView, StaffPlan, StaffPlanDetail};
use crate::domain::plan::RawPlan;
use crate::domain::policy::Action;
use crate::http::filters::{
    self, authenticated, json_body, json_or_empty, permitted, query, with_state,
};
use crate::http::paging::Page;
use crate::http::path::api;
use crate::http::requests::{IntoInput, ResultsBody};
use crate::http::{respond, AppState};
use crate::service::plan_deadlines::{self, PlanDeadlineParams};
use crate::service::plan_results;
use crate::service::plans::{self, DrawBody, PlanParams, VoidBody};
use crate::service::{Actor, ServiceError};

/// The body of a step that takes no fields: none, or `{}`.
#[derive(Debug, Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct NoFields {}

pub fn routes(state: Arc<AppState>) -> BoxedFilter<(Response,)> {
    let auth = || authenticated(state.clone());
    let s = || with_state(state.clone());
    let list = api()
        .and(warp::path!("plans"))
        .and(filters::get())
        .and(s())
        .and(auth())
        .and(
            query::<crate::http::requests::PlanParams>()
                .map(crate::service::plans::PlanParams::from),
        )
        .and_then(list);
    let create = api()
        .and(warp::path!("plans"))
        .and(warp::post())
        .and(s())
        .and(permitted(state.clone(), Action::PlanInspections))
        .and(json_body::<crate::http::requests::PlanBody>().map(RawPlan::from))
        .and_then(create);
    let deadlines = api()
        .and(warp::path!("plans" / "deadlines"))
        .and(filters::get())
        .and(s())
        .and(auth())
        .and(
            query::<crate::http::requests::PlanDeadlineParams>()
                .map(crate::service::plan_deadlines::PlanDeadlineParams::from),
        )
        .and_then(deadlines);
    let get = api()
        .and(warp::path!("plans" / PlanId))
        .and(filters::get())
        .and(s())
        .and(auth())
        .and_then(get);
    let plain = |name: &'static str| {
        api()
            .and(warp::path("plans"))
            .and(warp::path::param::<PlanId>())
            .and(warp::path(name))
            .and(warp::path::end())
            .and(warp::post())
            .and(s())
            .and(permitted(
                state.clone(),
                match name {
                    "complete" => Action::PlanInspections,
                    _ => Action::ReviewInspections,
                },
            ))
            .and(json_or_empty::<NoFields>())
            .map(move |id, state, actor, _: NoFields| (name, id, state, actor))
            .untuple_one()
            .and_then(plain_step)
    };
    let draw = api()
        .and(warp::path!("plans" / PlanId / "draw"))
        .and(warp::post())
        .and(s())
        .and(permitted(state.clone(), Action::ReviewInspections))
        .and(
            json_body::<crate::http::requests::DrawBody>()
                .map(crate::service::plans::DrawBody::from),
        )
        .and_then(draw);
    let results = api()
        .and(warp::path!("plans" / PlanId / "results"))
        .and(warp::post())
        .and(s())
        .and(permitted(state.clone(), Action::PlanInspections))
        .and(json_body::<ResultsBody>())
        .and_then(results);
    let void = api()
        .and(warp::path!("plans" / PlanId / "void"))
        .and(warp::post())
        .and(s())
        .and(permitted(state.clone(), Action::ReviewInspections))
        .and(
            json_body::<crate::http::requests::VoidBody>()
                .map(crate::service::plans::VoidBody::from),
        )
        .and_then(void);
    list.or(create)
        .unify()
        .or(deadlines)
        .unify()
        .or(get)
        .unify()
        .or(plain("announce"))
        .unify()
        .or(plain("complete"))
        .unify()
        .or(plain("publish-results"))
        .unify()
        .or(draw)
        .unify()
        .or(results)
        .unify()
        .or(void)
        .unify()
        .boxed()
}

#[tracing::instrument(skip_all, fields(actor = %actor.name))]
async fn list(state: Arc<AppState>, actor: Actor, p: PlanParams) -> Result<Response, Infallible> {
    let result: Result<_, ServiceError> = state
        .app
        .blocking(move |app| plans::list(app, &actor, &p))
        .await;
    Ok(respond(StatusCode::OK, result.map(Page::<StaffPlan>::of)))
}

#[tracing::instrument(skip_all, fields(actor = %actor.name))]
async fn create(state: Arc<AppState>, actor: Actor, raw: RawPlan) -> Result<Response, Infallible> {
    let result: Result<_, ServiceError> = state
        .app
        .blocking(move |app| plans::create(app, &actor, &raw))
        .await;
    Ok(respond(
        StatusCode::CREATED,
        result.map(|p| StaffPlan::from(&p)),
    ))
}

#[tracing::instrument(skip_all, fields(actor = %actor.name))]
async fn get(id: PlanId, state: Arc<AppState>, actor: Actor) -> Result<Response, Infallible> {
    let result: Result<_, ServiceError> = state
        .app
        .blocking(move |app| plans::get(app, &actor, id))
        .await;
    Ok(respond(
        StatusCode::OK,
        result.map(|d| StaffPlanDetail::from(&d)),
    ))
}

#[tracing::instrument(skip_all, fields(actor = %actor.name, step = name))]
async fn plain_step(
    name: &'static str,
    id: PlanId,
    state: Arc<AppState>,
    actor: Actor,
) -> Result<Response, Infallible> {
    let result: Result<_, ServiceError> = state
        .app
        .blocking(move |app| match name {
            "announce" => plans::announce(app, &actor, id),
            "complete" => plan_results::complete(app, &actor, id),
            _ => plan_results::publish_results(app, &actor, id),
        })
        .await;
    Ok(respond(StatusCode::OK, result.map(|p| StaffPlan::from(&p))))
}

#[tracing::instrument(skip_all, fields(actor = %actor.name))]
async fn draw(
    id: PlanId,
    state: Arc<AppState>,
    actor: Actor,
    body: DrawBody,
) -> Result<Response, Infallible> {
    let result: Result<_, ServiceError> = state
        .app
        .blocking(move |app| plans::draw(app, &actor, id, &body))
        .await;
    Ok(respond(StatusCode::OK, result.map(|p| StaffPlan::from(&p))))
}

#[tracing::instrument(skip_all, fields(actor = %actor.name))]
async fn results(
    id: PlanId,
    state: Arc<AppState>,
    actor: Actor,
    body: ResultsBody,
) -> Result<Response, Infallible> {
    let result: Result<_, ServiceError> = state
        .app
        .blocking(move |app| {
            let results: Option<Vec<_>> = body.results.into_input();
            plan_results::record_results(app, &actor, id, results.as_deref())
        })
        .await;
    Ok(respond(
        StatusCode::OK,
        result.map(|d| StaffPlanDetail::from(&d)),
    ))
}

#[tracing::instrument(skip_all, fields(actor = %actor.name))]
async fn void(
    id: PlanId,
    state: Arc<AppState>,
    actor: Actor,
    body: VoidBody,
) -> Result<Response, Infallible> {
    let result: Result<_, ServiceError> = state
        .app
        .blocking(move |app| plans::void(app, &actor, id, &body))
        .await;
    Ok(respond(StatusCode::OK, result.map(|p| StaffPlan::from(&p))))
}

#[tracing::instrument(skip_all, fields(actor = %actor.name))]
async fn deadlines(
    state: Arc<AppState>,
    actor: Actor,
    p: PlanDeadlineParams,
) -> Result<Response, Infallible> {
    let result: Result<_, ServiceError> = state
        .app
        .blocking(move |app| plan_deadlines::deadlines(app, &actor, &p))
        .await;
    Ok(respond(
        StatusCode::OK,
        result.map(|lines| crate::http::paging::Items {
            items: lines.iter().map(PlanDeadlineView::from).collect::<Vec<_>>(),
        }),
    ))
}
