//! The inspector roster: staff endpoints under `/api/v1/inspectors` (admin), conflicts of
//! interest, and the public roster `/api/v1/public/inspectors` (行政执法公示).

use std::convert::Infallible;
use std::sync::Arc;

use serde_json::json;
use warp::filters::BoxedFilter;
use warp::http::StatusCode;
use warp::reply::Response;
use warp::Filter;

use super::filters::{authenticated, json_body, query, with_state};
use super::{paging, respond, AppState};
use crate::domain::inspector::{InspectorStatus, RawInspector};
use crate::domain::shanghai::format_utc;
use crate::service::inspectors::RawConflict;
use crate::service::{self, Actor, FieldError, ServiceError};
use crate::store::inspectors::{Conflict, InspectorRecord};

/// The public roster entry: no ID number, no phone.
fn public_json(r: &InspectorRecord) -> serde_json::Value {
    let f = &r.fields;
    json!({
        "name": f.name,
        "certificate_no": f.certificate_no,
        "certificate_valid_from": f.certificate_valid_from,
        "certificate_valid_to": f.certificate_valid_to,
        "unit": f.unit,
        "fields": f.fields,
        "field_labels": f.fields.iter().map(|c| c.label()).collect::<Vec<_>>(),
        "status": f.status,
        "status_label": f.status.label(),
    })
}

/// Staff (admin) view: everything, private fields included.
fn staff_json(r: &InspectorRecord) -> serde_json::Value {
    let mut v = public_json(r);
    v["id"] = json!(r.id);
    v["id_number"] = json!(r.fields.id_number.as_ref().map(|i| i.as_str()));
    v["phone"] = json!(r.fields.phone);
    v["version"] = json!(r.version);
    v["created_at"] = json!(format_utc(r.created_at));
    v["updated_at"] = json!(format_utc(r.updated_at));
    v
}

fn conflict_json(c: &Conflict) -> serde_json::Value {
    json!({
        "id": c.id,
        "inspector_id": c.inspector_id,
        "credit_code": c.credit_code,
        "category": c.category,
        "reason": c.reason,
        "declared_at": format_utc(c.declared_at),
        "declared_by": c.declared_by,
        "removed_at": c.removed_at.map(format_utc),
        "removed_by": c.removed_by,
        "removal_reason": c.removal_reason,
    })
}

#[derive(serde::Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct PageParams {
    cursor: Option<String>,
    limit: Option<i64>,
    status: Option<String>,
}

struct Page {
    after: i64,
    limit: i64,
    status: Option<InspectorStatus>,
}

fn parse_page(p: &PageParams) -> Result<Page, ServiceError> {
    let mut errors = Vec::new();
    let (after, limit) = paging::bounds(p.limit, p.cursor.as_deref(), &mut errors);
    let status = match p.status.as_deref().filter(|s| !s.is_empty()) {
        None => None,
        Some(s) => {
            let parsed = InspectorStatus::parse(s);
            if parsed.is_none() {
                errors.push(FieldError::new(
                    "status",
                    "unknown",
                    format!("expected one of {}", InspectorStatus::expected()),
                ));
            }
            parsed
        }
    };
    if errors.is_empty() {
        Ok(Page {
            after,
            limit,
            status,
        })
    } else {
        Err(ServiceError::Validation(errors))
    }
}

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
    let public = warp::path!("api" / "v1" / "public" / "inspectors")
        .and(warp::get())
        .and(s())
        .and(query::<PageParams>())
        .and_then(public_list);
    let list = warp::path!("api" / "v1" / "inspectors")
        .and(warp::get())
        .and(s())
        .and(auth())
        .and(query::<PageParams>())
        .and_then(list);
    let create = warp::path!("api" / "v1" / "inspectors")
        .and(warp::post())
        .and(s())
        .and(auth())
        .and(json_body::<RawInspector>())
        .and_then(create);
    let get = warp::path!("api" / "v1" / "inspectors" / i64)
        .and(warp::get())
        .and(s())
        .and(auth())
        .and_then(get);
    let patch = warp::path!("api" / "v1" / "inspectors" / i64)
        .and(warp::patch())
        .and(s())
        .and(auth())
        .and(json_body::<PatchBody>())
        .and_then(patch);
    let conflicts = warp::path!("api" / "v1" / "inspectors" / i64 / "conflicts")
        .and(warp::get())
        .and(s())
        .and(auth())
        .and(query::<ConflictParams>())
        .and_then(conflicts);
    let declare = warp::path!("api" / "v1" / "inspectors" / i64 / "conflicts")
        .and(warp::post())
        .and(s())
        .and(auth())
        .and(json_body::<RawConflict>())
        .and_then(declare);
    let remove = warp::path!("api" / "v1" / "inspectors" / i64 / "conflicts" / i64 / "remove")
        .and(warp::post())
        .and(s())
        .and(auth())
        .and(json_body::<RemoveBody>())
        .and_then(remove);
    public
        .or(list)
        .unify()
        .or(create)
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

async fn public_list(state: Arc<AppState>, p: PageParams) -> Result<Response, Infallible> {
    let result = state
        .db
        .run(move |conn| {
            let page = parse_page(&p)?;
            let items =
                service::inspectors::public_list(conn, page.after, page.limit + 1, page.status)?;
            Ok::<_, ServiceError>(paging::page(items, page.limit, |r| r.id, public_json))
        })
        .await;
    Ok(respond(StatusCode::OK, result))
}

async fn list(state: Arc<AppState>, actor: Actor, p: PageParams) -> Result<Response, Infallible> {
    let result = state
        .db
        .run(move |conn| {
            let page = parse_page(&p)?;
            let items = service::inspectors::list(conn, &actor, page.after, page.limit + 1)?;
            Ok::<_, ServiceError>(paging::page(items, page.limit, |r| r.id, staff_json))
        })
        .await;
    Ok(respond(StatusCode::OK, result))
}

#[tracing::instrument(skip_all, fields(actor = %actor.name))]
async fn create(
    state: Arc<AppState>,
    actor: Actor,
    body: RawInspector,
) -> Result<Response, Infallible> {
    let result = state
        .db
        .run(move |conn| service::inspectors::create(conn, &actor, &body))
        .await
        .map(|r| staff_json(&r));
    Ok(respond(StatusCode::CREATED, result))
}

async fn get(id: i64, state: Arc<AppState>, actor: Actor) -> Result<Response, Infallible> {
    let result = state
        .db
        .run(move |conn| service::inspectors::get(conn, &actor, id))
        .await
        .map(|r| staff_json(&r));
    Ok(respond(StatusCode::OK, result))
}

#[tracing::instrument(skip_all, fields(actor = %actor.name, id))]
async fn patch(
    id: i64,
    state: Arc<AppState>,
    actor: Actor,
    b: PatchBody,
) -> Result<Response, Infallible> {
    let raw = RawInspector {
        name: b.name,
        certificate_no: b.certificate_no,
        certificate_valid_from: b.certificate_valid_from,
        certificate_valid_to: b.certificate_valid_to,
        unit: b.unit,
        fields: b.fields,
        id_number: b.id_number,
        phone: b.phone,
        status: b.status,
    };
    let result = state
        .db
        .run(move |conn| service::inspectors::update(conn, &actor, id, b.version, raw))
        .await
        .map(|r| staff_json(&r));
    Ok(respond(StatusCode::OK, result))
}

async fn conflicts(
    id: i64,
    state: Arc<AppState>,
    actor: Actor,
    p: ConflictParams,
) -> Result<Response, Infallible> {
    let result = state
        .db
        .run(move |conn| service::inspectors::conflicts(conn, &actor, id, p.include_removed))
        .await
        .map(|items| json!({"items": items.iter().map(conflict_json).collect::<Vec<_>>()}));
    Ok(respond(StatusCode::OK, result))
}

#[tracing::instrument(skip_all, fields(actor = %actor.name, id))]
async fn declare(
    id: i64,
    state: Arc<AppState>,
    actor: Actor,
    body: RawConflict,
) -> Result<Response, Infallible> {
    let result = state
        .db
        .run(move |conn| service::inspectors::declare_conflict(conn, &actor, id, &body))
        .await
        .map(|c| conflict_json(&c));
    Ok(respond(StatusCode::CREATED, result))
}

#[tracing::instrument(skip_all, fields(actor = %actor.name, id, conflict_id))]
async fn remove(
    id: i64,
    conflict_id: i64,
    state: Arc<AppState>,
    actor: Actor,
    body: RemoveBody,
) -> Result<Response, Infallible> {
    let result = state
        .db
        .run(move |conn| {
            service::inspectors::remove_conflict(
                conn,
                &actor,
                id,
                conflict_id,
                body.reason.as_deref(),
            )
        })
        .await
        .map(|c| conflict_json(&c));
    Ok(respond(StatusCode::OK, result))
}
