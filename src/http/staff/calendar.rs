//! `PUT /api/v1/calendar/{region}/{year}`: an admin loads a year (CSV or JSON).

use std::convert::Infallible;
use std::sync::Arc;

use bytes::Bytes;
use warp::filters::BoxedFilter;
use warp::http::StatusCode;
use warp::reply::Response;
use warp::{Filter, Reply};

use super::views::LoadedYearReceipt;
use crate::domain::calendar::{RawDay, Region};
use crate::domain::policy::Action;
use crate::http::filters::{limited_body, media_type, parse_json, permitted, query, with_state};
use crate::http::path::api;
use crate::http::problem::{unsupported_media_type, Problem};
use crate::http::{respond, AppState};
use crate::service::calendar::{self, schedule_errors};
use crate::service::{Actor, ServiceError};

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct UploadQuery {
    source: Option<String>,
    /// Load a national year that leaves a statutory holiday out (the check is otherwise a 422).
    #[serde(default)]
    confirm_incomplete: bool,
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct UploadJson {
    source: Option<String>,
    days: Vec<RawDay>,
    #[serde(default)]
    confirm_incomplete: bool,
}

pub fn routes(state: Arc<AppState>) -> BoxedFilter<(Response,)> {
    // Only a region-shaped segment makes this route match, so `PUT /calendar/days/…` is a 405
    // from the day route rather than an upload to a region called "days".
    api()
        .and(warp::path!("calendar" / String / String))
        .and_then(|region: String, year: String| async move {
            match Region::parse(&region) {
                Ok(_) => Ok((region, year)),
                Err(_) => Err(warp::reject::not_found()),
            }
        })
        .untuple_one()
        .and(warp::put())
        .and(with_state(state.clone()))
        .and(permitted(state, Action::LoadCalendar))
        .and(query::<UploadQuery>())
        .and(crate::http::filters::text_header("content-type"))
        .and(limited_body())
        .and_then(upload)
        .boxed()
}

/// The body's days and source, by content type.
fn parse_upload(
    content_type: Option<&str>,
    query_source: Option<String>,
    body: &[u8],
) -> Result<(Option<String>, Vec<RawDay>, bool), Box<Problem>> {
    match media_type(content_type).as_str() {
        "text/csv" => crate::io::calendar_csv::parse(body)
            .map(|rows| (query_source, rows, false))
            .map_err(|e| Box::new(Problem::from(schedule_errors(e)))),
        "application/json" => parse_json::<UploadJson>(body)
            .map(|j| (j.source.or(query_source), j.days, j.confirm_incomplete)),
        _ => Err(Box::new(unsupported_media_type(
            "text/csv or application/json",
        ))),
    }
}

async fn upload(
    region: String,
    year: String,
    state: Arc<AppState>,
    actor: Actor,
    q: UploadQuery,
    content_type: Option<String>,
    body: Bytes,
) -> Result<Response, Infallible> {
    let (source, rows, confirmed) = match parse_upload(content_type.as_deref(), q.source, &body) {
        Ok(v) => v,
        Err(problem) => return Ok(problem.into_response()),
    };
    let confirm_incomplete = q.confirm_incomplete || confirmed;
    let result: Result<_, ServiceError> = state
        .app
        .blocking(move |app| {
            calendar::replace_year(
                app,
                &actor,
                &region,
                &year,
                source.as_deref(),
                &rows,
                confirm_incomplete,
            )
        })
        .await;
    Ok(respond(
        StatusCode::OK,
        result.map(|(region, year, loaded, n)| LoadedYearReceipt::new(region, year, loaded, n)),
    ))
}
