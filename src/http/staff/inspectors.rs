//! The roster for admins: `/api/v1/inspectors` with private fields, and conflicts of interest
//! (回避).

use crate::domain::ids::{ConflictId, InspectorId};
use std::convert::Infallible;
use std::sync::Arc;

use warp::filters::BoxedFilter;
use warp::http::StatusCode;
use warp::reply::Response;
use warp::Filter;

use super::views::{ConflictView, StaffInspector};
use crate::domain::inspector::RawInspector;
use crate::domain::policy::Action;
use crate::http::filters::{self, authenticated, json_body, permitted, query, with_state};
use crate::http::paging::{self, Items, Page};
use crate::http::path::api;
use crate::http::{respond, AppState};
use crate::service::inspectors::{self, RawConflict, RosterParams};
use crate::service::{Actor, ServiceError};

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct PatchBody {
    version: i32,
    name: Option<String>,
    certificate_no: Option<String>,
    certificate_valid_from: Option<String>,
    certificate_valid_to: Option<String>,
    unit: Option<String>,
    fields: Option<Vec<String>>,
    id_number: Option<String>,
    phone: Option<String>,
    status: Option<String>,
}

impl PatchBody {
    fn into_parts(self) -> (i32, RawInspector) {
        (
            self.version,
            RawInspector {
                name: self.name,
                certificate_no: self.certificate_no,
                certificate_valid_from: self.certificate_valid_from,
                certificate_valid_to: self.certificate_valid_to,
                unit: self.unit,
                fields: self.fields,
                id_number: self.id_number,
                phone: self.phone,
                status: self.status,
            },
        )
    }
}

#[derive(serde::Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct ConflictParams {
    #[serde(default)]
    include_removed: bool,
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct RemoveBody {
    reason: Option<String>,
}

pub fn routes(state: Arc<AppState>) -> BoxedFilter<(Response,)> {
    let s = || with_state(state.clone());
    let auth = || authenticated(state.clone());
    let list = api()
        .and(warp::path!("inspectors"))
        .and(filters::get())
        .and(s())
        .and(auth())
        .and(
            query::<crate::http::requests::RosterParams>()
                .map(crate::service::inspectors::RosterParams::from),
        )
        .and_then(list);
    let create = api()
        .and(warp::path!("inspectors"))
        .and(warp::post())
        .and(s())
        .and(permitted(state.clone(), Action::ManageRoster))
        .and(json_body::<crate::http::requests::InspectorBody>().map(RawInspector::from))
        .and_then(create);
    let get = api()
        .and(warp::path!("inspectors" / InspectorId))
        .and(filters::get())
        .and(s())
        .and(auth())
        .and_then(get);
    let patch = api()
        .and(warp::path!("inspectors" / InspectorId))
        .and(warp::patch())
        .and(s())
        .and(permitted(state.clone(), Action::ManageRoster))
        .and(json_body::<PatchBody>())
        .and_then(patch);
    let conflicts = api()
        .and(warp::path!("inspectors" / InspectorId / "conflicts"))
        .and(filters::get())
        .and(s())
        .and(auth())
        .and(query::<ConflictParams>())
        .and_then(conflicts);
    let declare = api()
        .and(warp::path!("inspectors" / InspectorId / "conflicts"))
        .and(warp::post())
        .and(s())
        .and(permitted(state.clone(), Action::ManageRoster))
        .and(
            json_body::<crate::http::requests::RawConflict>()
                .map(crate::service::inspectors::RawConflict::from),
        )
        .and_then(declare);
    let remove = api()
        .and(warp::path!(
            "inspectors" / InspectorId / "conflicts" / ConflictId / "remove"
        ))
        .and(warp::post())
        .and(s())
        .and(permitted(state.clone(), Action::ManageRoster))
        .and(json_body::<RemoveBody>())
        .and_then(remove);
    list.or(create)
        .unify()
        .or(get)
        .unify()
        .or(patch)
        .unify()
        .or(conflicts)
        .unify()
        .or(declare)
        .unify()
        .or(remove)
        .unify()
        .boxed()
}

async fn list(state: Arc<AppState>, actor: Actor, p: RosterParams) -> Result<Response, Infallible> {
    let result: Result<_, ServiceError> = state
        .app
        .blocking(move |app| inspectors::list(app, &actor, &p))
        .await;
    Ok(respond(
        StatusCode::OK,
        result.map(Page::<StaffInspector>::labelled),
    ))
}

#[tracing::instrument(skip_all, fields(actor = %actor.name))]
async fn create(
    state: Arc<AppState>,
    actor: Actor,
    body: RawInspector,
) -> Result<Response, Infallible> {
    let result: Result<_, ServiceError> = state
        .app
        .blocking(move |app| inspectors::create(app, &actor, &body))
        .await;
    Ok(respond(
        StatusCode::CREATED,
        result.map(paging::one::<StaffInspector, _>),
    ))
}

async fn get(id: InspectorId, state: Arc<AppState>, actor: Actor) -> Result<Response, Infallible> {
    let result: Result<_, ServiceError> = state
        .app
        .blocking(move |app| inspectors::get(app, &actor, id))
        .await;
    Ok(respond(
        StatusCode::OK,
        result.map(paging::one::<StaffInspector, _>),
    ))
}

#[tracing::instrument(skip_all, fields(actor = %actor.name, id))]
async fn patch(
    id: InspectorId,
    state: Arc<AppState>,
    actor: Actor,
    body: PatchBody,
) -> Result<Response, Infallible> {
    let (version, raw) = body.into_parts();
    let result: Result<_, ServiceError> = state
        .app
        .blocking(move |app| inspectors::update(app, &actor, id, version, raw))
        .await;
    Ok(respond(
        StatusCode::OK,
        result.map(paging::one::<StaffInspector, _>),
    ))
}

async fn conflicts(
    id: InspectorId,
    state: Arc<AppState>,
    actor: Actor,
    p: ConflictParams,
) -> Result<Response, Infallible> {
    let result: Result<_, ServiceError> = state
        .app
        .blocking(move |app| inspectors::conflicts(app, &actor, id, p.include_removed))
        .await;
    Ok(respond(
        StatusCode::OK,
        result.map(|all| Items {
            items: all.iter().map(ConflictView::from).collect(),
        }),
    ))
}

#[tracing::instrument(skip_all, fields(actor = %actor.name, id))]
async fn declare(
    id: InspectorId,
    state: Arc<AppState>,
    actor: Actor,
    body: RawConflict,
) -> Result<Response, Infallible> {
    let result: Result<_, ServiceError> = state
        .app
        .blocking(move |app| inspectors::declare_conflict(app, &actor, id, &body))
        .await;
    Ok(respond(
        StatusCode::CREATED,
        result.map(|c| ConflictView::from(&c)),
    ))
}

#[tracing::instrument(skip_all, fields(actor = %actor.name, id, conflict_id))]
async fn remove(
    id: InspectorId,
    conflict_id: ConflictId,
    state: Arc<AppState>,
    actor: Actor,
    body: RemoveBody,
) -> Result<Response, Infallible> {
    let result: Result<_, ServiceError> = state
        .app
        .blocking(move |app| {
            inspectors::remove_conflict(app, &actor, id, conflict_id, body.reason.as_deref())
        })
        .await;
    Ok(respond(
        StatusCode::OK,
        result.map(|c| ConflictView::from(&c)),
    ))
}
