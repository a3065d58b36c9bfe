//! The market-entity directory: staff endpoints under `/api/v1/entities`, public reads under
//! `/api/v1/public/entities`, the credit-code checker, CSV export and imports.

use std::convert::Infallible;
use std::sync::Arc;

use bytes::Bytes;
use serde_json::json;
use warp::filters::BoxedFilter;
use warp::http::{header, StatusCode};
use warp::reply::Response;
use warp::{Filter, Reply};

use super::audit::record_json;
use super::filters::{authenticated, body_up_to, json_body, query, with_state, MAX_IMPORT_BYTES};
use super::problem::{unsupported_media_type, Problem};
use super::{json_reply, paging, respond, AppState};
use crate::domain::credit_code::{self, CreditCode, CreditCodeError};
use crate::domain::entity::{BusinessCategory, DistrictCode, EntityStatus, RawEntity};
use crate::domain::role::Role;
use crate::domain::shanghai::format_utc;
use crate::domain::text::search_form;
use crate::service::imports::{ImportFailure, ImportReport};
use crate::service::{self, Actor, FieldError, ServiceError};
use crate::store::entities::{EntityQuery, EntityRecord};

const MAX_QUERY_CHARS: usize = 50;

/// What the public sees of an entity.
pub fn public_json(e: &EntityRecord) -> serde_json::Value {
    let f = &e.fields;
    json!({
        "credit_code": f.credit_code.as_str(),
        "name": f.name,
        "kind": f.kind,
        "kind_label": f.kind.label(),
        "category": f.category,
        "category_label": f.category.label(),
        "district": f.district,
        "address": f.address,
        "legal_representative": f.legal_representative,
        "licence_numbers": f.licence_numbers,
        "status": f.status,
        "status_label": f.status.label(),
    })
}

/// What staff see: the public fields plus risk tags and the record's version and times.
fn staff_json(e: &EntityRecord) -> serde_json::Value {
    let mut v = public_json(e);
    v["risk_tags"] = json!(e.fields.risk_tags);
    v["version"] = json!(e.version);
    v["created_at"] = json!(format_utc(e.created_at));
    v["updated_at"] = json!(format_utc(e.updated_at));
    v
}

#[derive(serde::Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct SearchParams {
    q: Option<String>,
    credit_code: Option<String>,
    category: Option<String>,
    district: Option<String>,
    status: Option<String>,
    cursor: Option<String>,
    limit: Option<i64>,
}

/// A listing's query, or the problem naming each bad parameter.
fn parse_search(p: &SearchParams) -> Result<(EntityQuery, Option<CreditCode>), ServiceError> {
    let mut errors = Vec::new();
    let (after, limit) = paging::bounds(p.limit, p.cursor.as_deref(), &mut errors);
    let mut q = EntityQuery {
        after,
        limit,
        ..EntityQuery::default()
    };
    if let Some(text) = p.q.as_deref().filter(|s| !s.trim().is_empty()) {
        q.name = search_form(text);
        if q.name.is_empty() {
            errors.push(FieldError::new(
                "q",
                "format",
                "q has no letters or digits to search for",
            ));
        } else if q.name.len() > MAX_QUERY_CHARS {
            errors.push(FieldError::new(
                "q",
                "too_long",
                format!("q has at most {MAX_QUERY_CHARS} characters"),
            ));
        }
    }
    let code = match p.credit_code.as_deref().filter(|s| !s.trim().is_empty()) {
        None => None,
        Some(c) => match CreditCode::parse(c) {
            Ok(c) => Some(c),
            Err(e) => {
                errors.push(FieldError::new("credit_code", e.reason(), e.to_string()));
                None
            }
        },
    };
    if let Some(c) = p.category.as_deref().filter(|s| !s.trim().is_empty()) {
        q.category = BusinessCategory::parse(c);
        if q.category.is_none() {
            errors.push(FieldError::new(
                "category",
                "unknown",
                format!("expected one of {}", BusinessCategory::expected()),
            ));
        }
    }
    if let Some(d) = p.district.as_deref().filter(|s| !s.trim().is_empty()) {
        match DistrictCode::parse(d) {
            Ok(d) => q.district = Some(d),
            Err(m) => errors.push(FieldError::new("district", "format", m)),
        }
    }
    if let Some(s) = p.status.as_deref().filter(|s| !s.trim().is_empty()) {
        q.status = EntityStatus::parse(s);
        if q.status.is_none() {
            errors.push(FieldError::new(
                "status",
                "unknown",
                format!("expected one of {}", EntityStatus::expected()),
            ));
        }
    }
    if errors.is_empty() {
        Ok((q, code))
    } else {
        Err(ServiceError::Validation(errors))
    }
}

/// Runs a listing: one page plus the cursor of the next, if there is more.
fn listing(
    conn: &mut crate::store::AnyConn,
    p: &SearchParams,
    render: fn(&EntityRecord) -> serde_json::Value,
) -> Result<serde_json::Value, ServiceError> {
    let (mut q, code) = parse_search(p)?;
    let limit = q.limit;
    let items = match code {
        // A credit code names at most one entity: no index walk needed.
        Some(c) => match service::entities::get(conn, c.as_str()) {
            Ok(e) => vec![e],
            Err(ServiceError::NotFound(_)) => vec![],
            Err(e) => return Err(e),
        },
        None => {
            q.limit = limit + 1;
            service::entities::search(conn, &q)?
        }
    };
    Ok(paging::page(items, limit, |e| e.id, render))
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct PatchBody {
    version: i32,
    #[serde(flatten)]
    fields: PatchFields,
}

/// `RawEntity` without `deny_unknown_fields`, which serde cannot combine with `flatten`.
#[derive(serde::Deserialize)]
struct PatchFields {
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

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct VersionBody {
    version: i32,
}

#[derive(serde::Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct ImportParams {
    #[serde(default)]
    skip_invalid: bool,
}

pub fn routes(state: Arc<AppState>) -> BoxedFilter<(Response,)> {
    let s = || with_state(state.clone());
    let auth = || authenticated(state.clone());
    let check = warp::path!("api" / "v1" / "credit-codes" / String)
        .and(warp::get())
        .and_then(check_code);
    let public_list = warp::path!("api" / "v1" / "public" / "entities")
        .and(warp::get())
        .and(s())
        .and(query::<SearchParams>())
        .and_then(public_list);
    let public_get = warp::path!("api" / "v1" / "public" / "entities" / String)
        .and(warp::get())
        .and(s())
        .and_then(public_get);
    let export = warp::path!("api" / "v1" / "entities" / "export.csv")
        .and(warp::get())
        .and(s())
        .and(auth())
        .and_then(export);
    let staff_list = warp::path!("api" / "v1" / "entities")
        .and(warp::get())
        .and(s())
        .and(auth())
        .and(query::<SearchParams>())
        .and_then(staff_list);
    let create = warp::path!("api" / "v1" / "entities")
        .and(warp::post())
        .and(s())
        .and(auth())
        .and(json_body::<RawEntity>())
        .and_then(create);
    let get = warp::path!("api" / "v1" / "entities" / String)
        .and_then(not_export)
        .and(warp::get())
        .and(s())
        .and(auth())
        .and_then(staff_get);
    let patch = warp::path!("api" / "v1" / "entities" / String)
        .and_then(not_export)
        .and(warp::patch())
        .and(s())
        .and(auth())
        .and(json_body::<PatchBody>())
        .and_then(patch);
    let deregister = warp::path!("api" / "v1" / "entities" / String / "deregister")
        .and(warp::post())
        .and(s())
        .and(auth())
        .and(json_body::<VersionBody>())
        .and_then(deregister);
    let history = warp::path!("api" / "v1" / "entities" / String / "history")
        .and(warp::get())
        .and(s())
        .and(auth())
        .and_then(history);
    let import = warp::path!("api" / "v1" / "imports" / String)
        .and_then(|what: String| async move {
            match what.as_str() {
                "entities" | "inspectors" => Ok(what),
                _ => Err(warp::reject::not_found()),
            }
        })
        .and(warp::post())
        .and(s())
        .and(auth())
        .and(query::<ImportParams>())
        .and(warp::header::optional::<String>("content-type"))
        .and(body_up_to(MAX_IMPORT_BYTES))
        .and_then(import);
    check
        .or(public_list)
        .unify()
        .or(public_get)
        .unify()
        .or(export)
        .unify()
        .or(staff_list)
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
        .or(import)
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

/// The verdict is the payload: 200 whether or not the code is valid.
async fn check_code(input: String) -> Result<Response, Infallible> {
    let input = percent_decode(&input);
    let body = match CreditCode::parse(&input) {
        Ok(c) => json!({
            "input": input,
            "valid": true,
            "normalized": c.as_str(),
            "registration_authority": c.registration_authority(),
            "category": c.category(),
            "region_code": c.region_code(),
        }),
        Err(e) => {
            let mut v = json!({
                "input": input,
                "valid": false,
                "reason": e.reason(),
                "message": e.to_string(),
            });
            if let CreditCodeError::Checksum { expected, .. } = e {
                v["expected_check_character"] = json!(expected.to_string());
            }
            let normalized = credit_code::normalize(&input);
            v["normalized"] = json!(normalized);
            v
        }
    };
    Ok(json_reply(StatusCode::OK, &body))
}

fn percent_decode(s: &str) -> String {
    url::form_urlencoded::parse(format!("x={}", s.replace('+', "%2B")).as_bytes())
        .next()
        .map(|(_, v)| v.into_owned())
        .unwrap_or_default()
}

async fn public_list(state: Arc<AppState>, p: SearchParams) -> Result<Response, Infallible> {
    let result = state
        .db
        .run(move |conn| listing(conn, &p, public_json))
        .await;
    Ok(respond(StatusCode::OK, result))
}

async fn public_get(code: String, state: Arc<AppState>) -> Result<Response, Infallible> {
    let code = percent_decode(&code);
    let result = state
        .db
        .run(move |conn| service::entities::get(conn, &code))
        .await
        .map(|e| public_json(&e));
    Ok(respond(StatusCode::OK, result))
}

const STAFF: &[Role] = &[Role::Clerk, Role::Reviewer, Role::Admin];

async fn staff_list(
    state: Arc<AppState>,
    actor: Actor,
    p: SearchParams,
) -> Result<Response, Infallible> {
    let result = state
        .db
        .run(move |conn| {
            actor.require(STAFF)?;
            listing(conn, &p, staff_json)
        })
        .await;
    Ok(respond(StatusCode::OK, result))
}

#[tracing::instrument(skip_all, fields(actor = %actor.name))]
async fn create(
    state: Arc<AppState>,
    actor: Actor,
    body: RawEntity,
) -> Result<Response, Infallible> {
    let result = state
        .db
        .run(move |conn| service::entities::create(conn, &actor, &body))
        .await
        .map(|e| staff_json(&e));
    Ok(respond(StatusCode::CREATED, result))
}

async fn staff_get(
    code: String,
    state: Arc<AppState>,
    actor: Actor,
) -> Result<Response, Infallible> {
    let code = percent_decode(&code);
    let result = state
        .db
        .run(move |conn| {
            actor.require(STAFF)?;
            service::entities::get(conn, &code)
        })
        .await
        .map(|e| staff_json(&e));
    Ok(respond(StatusCode::OK, result))
}

#[tracing::instrument(skip_all, fields(actor = %actor.name, code))]
async fn patch(
    code: String,
    state: Arc<AppState>,
    actor: Actor,
    body: PatchBody,
) -> Result<Response, Infallible> {
    let code = percent_decode(&code);
    let f = body.fields;
    let raw = RawEntity {
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
    };
    let result = state
        .db
        .run(move |conn| {
            service::entities::update(conn, &actor, &code, body.version, raw, "entity.update")
        })
        .await
        .map(|e| staff_json(&e));
    Ok(respond(StatusCode::OK, result))
}

#[tracing::instrument(skip_all, fields(actor = %actor.name, code))]
async fn deregister(
    code: String,
    state: Arc<AppState>,
    actor: Actor,
    body: VersionBody,
) -> Result<Response, Infallible> {
    let code = percent_decode(&code);
    let result = state
        .db
        .run(move |conn| service::entities::deregister(conn, &actor, &code, body.version))
        .await
        .map(|e| staff_json(&e));
    Ok(respond(StatusCode::OK, result))
}

async fn history(code: String, state: Arc<AppState>, actor: Actor) -> Result<Response, Infallible> {
    let code = percent_decode(&code);
    let result = state
        .db
        .run(move |conn| service::entities::history(conn, &actor, &code))
        .await
        .map(|records| json!({"items": records.into_iter().map(record_json).collect::<Vec<_>>()}));
    Ok(respond(StatusCode::OK, result))
}

/// The whole directory as CSV (any staff member), UTF-8 with BOM for Excel.
async fn export(state: Arc<AppState>, actor: Actor) -> Result<Response, Infallible> {
    let result: Result<Vec<u8>, ServiceError> = state
        .db
        .run(move |conn| {
            let mut w = crate::io::export::entity_writer(Vec::new()).map_err(internal)?;
            service::entities::for_each(conn, &actor, |e| {
                crate::io::export::write_entity(&mut w, &e.fields).map_err(internal)
            })?;
            w.into_inner().map_err(|e| internal(e.into_error()))
        })
        .await;
    Ok(match result {
        Ok(bytes) => warp::http::Response::builder()
            .header(header::CONTENT_TYPE, "text/csv; charset=utf-8")
            .header(
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"entities.csv\"",
            )
            .body(bytes)
            .map(Reply::into_response)
            .unwrap_or_else(|_| super::problem::internal().into_response()),
        Err(e) => Problem::from(e).into_response(),
    })
}

/// Writing CSV into memory fails only on a bug; report it as an internal error.
fn internal(e: impl std::error::Error + Send + Sync + 'static) -> ServiceError {
    ServiceError::Internal(crate::store::StoreError::Query(
        diesel::result::Error::SerializationError(Box::new(e)),
    ))
}

#[tracing::instrument(skip_all, fields(actor = %actor.name, what))]
async fn import(
    what: String,
    state: Arc<AppState>,
    actor: Actor,
    p: ImportParams,
    content_type: Option<String>,
    body: Bytes,
) -> Result<Response, Infallible> {
    let essence = super::filters::media_type(content_type.as_deref());
    if essence != "text/csv" {
        return Ok(unsupported_media_type("text/csv").into_response());
    }
    let result: Result<ImportReport, ImportFailure> = state
        .db
        .run(move |conn| {
            let none = |_, _| {};
            match what.as_str() {
                "entities" => {
                    service::imports::entities(conn, &actor, &body, p.skip_invalid, &none)
                }
                _ => {
                    let today = crate::domain::shanghai::date_at(chrono::Utc::now());
                    service::imports::inspectors(conn, &actor, &body, p.skip_invalid, today, &none)
                }
            }
        })
        .await;
    Ok(match result {
        Ok(report) => json_reply(StatusCode::OK, &report),
        Err(ImportFailure::Service(e)) => Problem::from(e).into_response(),
        Err(ImportFailure::Refused(report)) => refused(report).into_response(),
    })
}

/// A refused file: 422 problem+json carrying the whole report; `errors` lists every bad row.
fn refused(report: ImportReport) -> Problem {
    let detail = format!(
        "nothing was written: {} of {} rows have errors; fix them, or send skip_invalid=true to write the {} good rows",
        report.rejected,
        report.rows,
        report.rows.saturating_sub(report.rejected)
    );
    let mut p = Problem::new(
        StatusCode::UNPROCESSABLE_ENTITY,
        "import-refused",
        "Import refused",
        detail,
    );
    if let Ok(serde_json::Value::Object(map)) = serde_json::to_value(&report) {
        p.extensions = map;
    }
    p
}
