//! `POST /api/v1/imports/{entities|inspectors}`: a CSV file, all or nothing unless
//! `skip_invalid=true`.

use std::convert::Infallible;
use std::sync::Arc;

use bytes::Bytes;
use warp::filters::BoxedFilter;
use warp::http::StatusCode;
use warp::reply::Response;
use warp::{Filter, Reply};

use crate::domain::policy::Action;
use crate::http::filters::{self, authenticated, body_up_to, media_type, query, with_state};
use crate::http::limits::MAX_IMPORT_BYTES;
use crate::http::path::api;
use crate::http::problem::{unsupported_media_type, Problem};
use crate::http::{json_reply, AppState};
use crate::service::imports::{self, ImportFailure, ImportReport};
use crate::service::Actor;

#[derive(serde::Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct ImportParams {
    #[serde(default)]
    skip_invalid: bool,
}

/// What an import writes into.
#[derive(Clone, Copy)]
enum Target {
    Entities,
    Inspectors,
    Penalties,
}

pub fn routes(state: Arc<AppState>) -> BoxedFilter<(Response,)> {
    api()
        .and(warp::path!("imports" / String))
        .and_then(|what: String| async move {
            match what.as_str() {
                "entities" => Ok(Target::Entities),
                "inspectors" => Ok(Target::Inspectors),
                "penalties" => Ok(Target::Penalties),
                _ => Err(warp::reject::not_found()),
            }
        })
        .and(warp::post())
        .and(with_state(state.clone()))
        .and(authenticated(state))
        .and_then(
            |target: Target, state: Arc<AppState>, actor: Actor| async move {
                // The role is checked before the file is read.
                let action = match target {
                    Target::Entities => Action::EditDirectory,
                    Target::Inspectors => Action::ManageRoster,
                    Target::Penalties => Action::DraftPenalties,
                };
                actor.require(action).map_err(filters::refused)?;
                Ok::<_, warp::Rejection>((target, state, actor))
            },
        )
        .untuple_one()
        .and(query::<ImportParams>())
        .and(crate::http::filters::text_header("content-type"))
        .and(body_up_to(MAX_IMPORT_BYTES))
        .and_then(import)
        .boxed()
}

#[tracing::instrument(skip_all, fields(actor = %actor.name))]
async fn import(
    target: Target,
    state: Arc<AppState>,
    actor: Actor,
    p: ImportParams,
    content_type: Option<String>,
    body: Bytes,
) -> Result<Response, Infallible> {
    if media_type(content_type.as_deref()) != "text/csv" {
        return Ok(unsupported_media_type("text/csv").into_response());
    }
    let result: Result<ImportReport, ImportFailure> = state
        .app
        .blocking(move |app| {
            let none = |_, _| {};
            match target {
                Target::Entities => imports::entities(app, &actor, &body, p.skip_invalid, &none),
                Target::Inspectors => {
                    imports::inspectors(app, &actor, &body, p.skip_invalid, &none)
                }
                Target::Penalties => crate::service::penalty_imports::import(
                    app,
                    &actor,
                    &body,
                    p.skip_invalid,
                    &none,
                ),
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
