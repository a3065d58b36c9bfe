//! `POST /api/v1/imports/{entities|inspectors|penalties}`: a CSV file, all or nothing unless
//! `skip_invalid=true`; for penalties also `dry_run=true` (report only) and
//! `already_published=true` (legacy records, reviewer or admin). `POST
//! /api/v1/imports/penalties/{import_id}/publish`: a reviewer approves and publishes a whole
//! import's decisions.

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
use crate::service::imports::{self, ImportFailure, ImportReport, Source};
use crate::service::penalty_imports::ImportOptions;
use crate::service::{Actor, ServiceError};

#[derive(serde::Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct ImportParams {
    #[serde(default)]
    skip_invalid: bool,
    #[serde(default)]
    dry_run: bool,
    #[serde(default)]
    already_published: bool,
}

/// What an import writes into.
#[derive(Clone, Copy)]
enum Target {
    Entities,
    Inspectors,
    Penalties,
}

pub fn routes(state: Arc<AppState>) -> BoxedFilter<(Response,)> {
    let publish = api()
        .and(warp::path!("imports" / "penalties" / String / "publish"))
        .and(warp::post())
        .and(with_state(state.clone()))
        .and(authenticated(state.clone()))
        .and_then(publish_import);
    let import = api()
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
        .and(query::<ImportParams>())
        .and_then(
            |target: Target, state: Arc<AppState>, actor: Actor, p: ImportParams| async move {
                // The parameters and the role are checked before the file is read.
                let action = match target {
                    Target::Entities => Action::EditDirectory,
                    Target::Inspectors => Action::ManageRoster,
                    Target::Penalties if p.already_published => Action::ImportPublishedPenalties,
                    Target::Penalties => Action::DraftPenalties,
                };
                if !matches!(target, Target::Penalties) {
                    for (given, name) in [
                        (p.dry_run, "dry_run"),
                        (p.already_published, "already_published"),
                    ] {
                        if given {
                            return Err(filters::refused(ServiceError::invalid(
                                name,
                                "not_applicable",
                                format!("{name} is for penalty imports only"),
                            )));
                        }
                    }
                }
                actor.require(action).map_err(filters::refused)?;
                Ok::<_, warp::Rejection>((target, state, actor, p))
            },
        )
        .untuple_one()
        .and(crate::http::filters::text_header("content-type"))
        .and(body_up_to(MAX_IMPORT_BYTES))
        .and_then(import);
    publish.or(import).unify().boxed()
}

/// What approving and publishing an import did: each decision it brought in that was waiting,
/// with the state it is in now.
#[derive(serde::Serialize)]
struct ImportReviewView {
    import_id: String,
    approved: usize,
    published: usize,
    items: Vec<ReviewedView>,
}

#[derive(serde::Serialize)]
struct ReviewedView {
    id: i64,
    decision_number: String,
    state: &'static str,
}

#[tracing::instrument(skip_all, fields(actor = %actor.name))]
async fn publish_import(
    import_id: String,
    state: Arc<AppState>,
    actor: Actor,
) -> Result<Response, Infallible> {
    let result = state
        .app
        .blocking(move |app| crate::service::penalties::publish_import(app, &actor, &import_id))
        .await;
    Ok(crate::http::respond(
        StatusCode::OK,
        result.map(|r| ImportReviewView {
            import_id: r.import_id,
            approved: r.approved.len(),
            published: r.published,
            items: r
                .approved
                .iter()
                .map(|d| ReviewedView {
                    id: d.id,
                    decision_number: d.decision_number.to_string(),
                    state: d.progress.state.code(),
                })
                .collect(),
        }),
    ))
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
                Target::Entities => {
                    imports::entities(app, &actor, Source::Bytes(&body), p.skip_invalid, &none)
                }
                Target::Inspectors => {
                    imports::inspectors(app, &actor, Source::Bytes(&body), p.skip_invalid, &none)
                }
                Target::Penalties => crate::service::penalty_imports::import(
                    app,
                    &actor,
                    Source::Bytes(&body),
                    ImportOptions {
                        skip_invalid: p.skip_invalid,
                        dry_run: p.dry_run,
                        already_published: p.already_published,
                    },
                    &none,
                ),
            }
        })
        .await;
    Ok(match result {
        Ok(report) => json_reply(
            StatusCode::OK,
            &report.in_lang(crate::http::lang::current()),
        ),
        Err(ImportFailure::Service(e)) => Problem::from(e).into_response(),
        Err(ImportFailure::Refused(report)) => refused(report).into_response(),
    })
}

/// A refused file: 422 problem+json carrying the whole report; `errors` lists every bad row.
fn refused(report: ImportReport) -> Problem {
    let report = report.in_lang(crate::http::lang::current());
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
    )
    .zh(format!(
        "未写入任何数据：{} 行中有 {} 行有错误；请改正后重新导入，或选择跳过错误行（skip_invalid=true）只写入其余 {} 行",
        report.rows,
        report.rejected,
        report.rows.saturating_sub(report.rejected)
    ));
    if let Ok(serde_json::Value::Object(map)) = serde_json::to_value(&report) {
        p.extensions = map;
    }
    p
}
