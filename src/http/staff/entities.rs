//! The directory for staff: `/api/v1/entities` (list, create, get, change, deregister, history,
//! CSV export).

use std::convert::Infallible;
use std::sync::Arc;

use warp::filters::BoxedFilter;
use warp::http::{header, StatusCode};
use warp::reply::Response;
use warp::{Filter, Reply};

use super::views::{AuditRecordView, StaffEntity};
use crate::domain::entity::RawEntity;
use crate::domain::policy::Action;
use crate::http::filters::{self, authenticated, json_body, permitted, query, with_state};
use crate::http::paging::{self, Items, Page};
use crate::http::path::{api, segment};
use crate::http::problem::Problem;
use crate::http::{respond, AppState};
use crate::service::entities::{self, SearchParams};
use crate::service::{Actor, ServiceError};

/// A PATCH: the version and the fields to change, any other field refused (serde cannot combine
/// `deny_unknown_fields` with `flatten`, so the fields are listed here rather than flattened
/// from `EntityBody`: a flattened body let an unknown field through unnoticed).
#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct PatchBody {
    version: i32,
    credit_code: Option<String>,
    name: Option<String>,
    kind: Option<String>,
    category: Option<String>,
    district: Option<String>,
    address: Option<String>,
    legal_representative: Option<String>,
    licence_numbers: Option<Vec<String>>,
    status: Option<String>,
    risk_tags: Option<Vec<String>>,
}

impl From<PatchBody> for RawEntity {
    fn from(f: PatchBody) -> Self {
        RawEntity {
            credit_code: f.credit_code,
            name: f.name,
            kind: f.kind,
            category: f.category,
            district: f.district,
            address: f.address,
            legal_representative: f.legal_representative,
            licence_numbers: f.licence_numbers,
            status: f.status,
            risk_tags: f.risk_tags,
        }
    }
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct VersionBody {
    version: i32,
}

pub fn routes(state: Arc<AppState>) -> BoxedFilter<(Response,)> {
    let s = || with_state(state.clone());
    let auth = || authenticated(state.clone());
    let export = api()
        .and(warp::path!("entities" / "export.csv"))
        .and(filters::get())
        .and(s())
        .and(auth())
        .and_then(export);
    let list = api()
        .and(warp::path!("entities"))
        .and(filters::get())
        .and(s())
        .and(auth())
        .and(
            query::<crate::http::requests::SearchParams>()
                .map(crate::service::entities::SearchParams::from),
        )
        .and_then(list);
    let create = api()
        .and(warp::path!("entities"))
        .and(warp::post())
        .and(s())
        .and(permitted(state.clone(), Action::EditDirectory))
        .and(json_body::<crate::http::requests::EntityBody>().map(RawEntity::from))
        .and_then(create);
    let get = api()
        .and(warp::path!("entities" / String))
        .and_then(not_export)
        .and(filters::get())
        .and(s())
        .and(auth())
        .and_then(get);
    let patch = api()
        .and(warp::path!("entities" / String))
        .and_then(not_export)
        .and(warp::patch())
        .and(s())
        .and(permitted(state.clone(), Action::EditDirectory))
        .and(json_body::<PatchBody>())
        .and_then(patch);
    let deregister = api()
        .and(warp::path!("entities" / String / "deregister"))
        .and(warp::post())
        .and(s())
        .and(permitted(state.clone(), Action::EditDirectory))
        .and(json_body::<VersionBody>())
        .and_then(deregister);
    let history = api()
        .and(warp::path!("entities" / String / "history"))
        .and(filters::get())
        .and(s())
        .and(auth())
        .and_then(history);
    export
        .or(list)
        .unify()
        .or(create)
        .unify()
        .or(get)
        .unify()
        .or(patch)
        .unify()
        .or(deregister)
        .unify()
        .or(history)
        .unify()
        .boxed()
}

/// `export.csv` is the export's own path, not a credit code: other methods on it are a 405.
async fn not_export(segment: String) -> Result<String, warp::Rejection> {
    if segment == "export.csv" {
        Err(warp::reject::not_found())
    } else {
        Ok(segment)
    }
}

async fn list(state: Arc<AppState>, actor: Actor, p: SearchParams) -> Result<Response, Infallible> {
    let result: Result<_, ServiceError> = state
        .app
        .blocking(move |app| entities::staff_search(app, &actor, &p))
        .await;
    Ok(respond(
        StatusCode::OK,
        result.map(Page::<StaffEntity>::labelled),
    ))
}

#[tracing::instrument(skip_all, fields(actor = %actor.name))]
async fn create(
    state: Arc<AppState>,
    actor: Actor,
    body: RawEntity,
) -> Result<Response, Infallible> {
    let result: Result<_, ServiceError> = state
        .app
        .blocking(move |app| entities::create(app, &actor, &body))
        .await;
    Ok(respond(
        StatusCode::CREATED,
        result.map(paging::one::<StaffEntity, _>),
    ))
}

async fn get(code: String, state: Arc<AppState>, actor: Actor) -> Result<Response, Infallible> {
    let result: Result<_, ServiceError> = state
        .app
        .blocking(move |app| entities::staff_get(app, &actor, &segment(&code)))
        .await;
    Ok(respond(
        StatusCode::OK,
        result.map(paging::one::<StaffEntity, _>),
    ))
}

#[tracing::instrument(skip_all, fields(actor = %actor.name, code))]
async fn patch(
    code: String,
    state: Arc<AppState>,
    actor: Actor,
    body: PatchBody,
) -> Result<Response, Infallible> {
    let result: Result<_, ServiceError> = state
        .app
        .blocking(move |app| {
            let version = body.version;
            entities::update(app, &actor, &segment(&code), version, body.into())
        })
        .await;
    Ok(respond(
        StatusCode::OK,
        result.map(paging::one::<StaffEntity, _>),
    ))
}

#[tracing::instrument(skip_all, fields(actor = %actor.name, code))]
async fn deregister(
    code: String,
    state: Arc<AppState>,
    actor: Actor,
    body: VersionBody,
) -> Result<Response, Infallible> {
    let result: Result<_, ServiceError> = state
        .app
        .blocking(move |app| entities::deregister(app, &actor, &segment(&code), body.version))
        .await;
    Ok(respond(
        StatusCode::OK,
        result.map(paging::one::<StaffEntity, _>),
    ))
}

async fn history(code: String, state: Arc<AppState>, actor: Actor) -> Result<Response, Infallible> {
    let result: Result<_, ServiceError> = state
        .app
        .blocking(move |app| entities::history(app, &actor, &segment(&code)))
        .await;
    Ok(respond(
        StatusCode::OK,
        result.map(|records| Items {
            items: records.iter().map(AuditRecordView::from).collect(),
        }),
    ))
}

/// The whole directory as CSV (any staff member), UTF-8 with BOM for Excel.
async fn export(state: Arc<AppState>, actor: Actor) -> Result<Response, Infallible> {
    let result: Result<_, ServiceError> = state
        .app
        .blocking(move |app| entities::export_csv(app, &actor, Vec::new()))
        .await;
    Ok(match result {
        Ok((bytes, _)) => warp::http::Response::builder()
            .header(header::CONTENT_TYPE, "text/csv; charset=utf-8")
            .header(
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"entities.csv\"",
            )
            .body(bytes)
            .map(Reply::into_response)
            .unwrap_or_else(|_| crate::http::problem::internal().into_response()),
        Err(e) => Problem::from(e).into_response(),
    })
}
