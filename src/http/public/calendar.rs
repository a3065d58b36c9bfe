//! The public working-day calendar (no token).

use std::convert::Infallible;
use std::sync::Arc;

use warp::filters::BoxedFilter;
use warp::http::StatusCode;
use warp::reply::Response;
use warp::Filter;

use super::views::{
    AddedWorkdaysView, CalendarDay, CalendarYear, Coverage, LoadedYearView, WorkdaysBetween,
};
use crate::http::filters::{self, query, with_state};
use crate::http::path::{api, segment};
use crate::http::{respond, AppState};
use crate::service::calendar::{self, AddWorkdays};
use crate::service::ServiceError;

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct RegionQuery {
    region: Option<String>,
    #[serde(default)]
    provisional: bool,
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct BetweenQuery {
    from: Option<String>,
    to: Option<String>,
    region: Option<String>,
    #[serde(default)]
    provisional: bool,
}

pub fn routes(state: Arc<AppState>) -> BoxedFilter<(Response,)> {
    let s = || with_state(state.clone());
    let cal = || api().and(warp::path("calendar"));
    let day = cal()
        .and(warp::path!("days" / String))
        .and(filters::get())
        .and(s())
        .and(query::<RegionQuery>())
        .and_then(day);
    let add = cal()
        .and(warp::path!("add-workdays"))
        .and(filters::get())
        .and(s())
        .and(
            query::<crate::http::requests::AddWorkdays>()
                .map(crate::service::calendar::AddWorkdays::from),
        )
        .and_then(add_workdays);
    let between = cal()
        .and(warp::path!("workdays-between"))
        .and(filters::get())
        .and(s())
        .and(query::<BetweenQuery>())
        .and_then(between);
    let year = cal()
        .and(warp::path!("years" / String))
        .and(filters::get())
        .and(s())
        .and(query::<RegionQuery>())
        .and_then(year);
    let coverage = cal()
        .and(warp::path!("coverage"))
        .and(filters::get())
        .and(s())
        .and_then(coverage);
    let today = cal()
        .and(warp::path!("today"))
        .and(filters::get())
        .and(s())
        .and(query::<RegionQuery>())
        .and_then(today);
    day.or(add)
        .unify()
        .or(between)
        .unify()
        .or(year)
        .unify()
        .or(coverage)
        .unify()
        .or(today)
        .unify()
        .boxed()
}

async fn day(date: String, state: Arc<AppState>, q: RegionQuery) -> Result<Response, Infallible> {
    let result: Result<_, ServiceError> = state
        .app
        .blocking(move |app| {
            calendar::day(app, q.region.as_deref(), &segment(&date), q.provisional)
        })
        .await;
    Ok(respond(
        StatusCode::OK,
        result.map(|(r, d)| CalendarDay::new(r, d)),
    ))
}

async fn add_workdays(state: Arc<AppState>, q: AddWorkdays) -> Result<Response, Infallible> {
    let result: Result<_, ServiceError> = state
        .app
        .blocking(move |app| calendar::add_workdays(app, &q))
        .await;
    Ok(respond(StatusCode::OK, result.map(AddedWorkdaysView::from)))
}

async fn between(state: Arc<AppState>, q: BetweenQuery) -> Result<Response, Infallible> {
    let result: Result<_, ServiceError> = state
        .app
        .blocking(move |app| {
            calendar::workdays_between(
                app,
                q.region.as_deref(),
                q.from.as_deref(),
                q.to.as_deref(),
                q.provisional,
            )
        })
        .await;
    Ok(respond(
        StatusCode::OK,
        result.map(
            |(region, from, to, workdays, provisional)| WorkdaysBetween {
                from,
                to,
                region,
                workdays,
                provisional,
            },
        ),
    ))
}

async fn year(year: String, state: Arc<AppState>, q: RegionQuery) -> Result<Response, Infallible> {
    let result: Result<_, ServiceError> = state
        .app
        .blocking(move |app| calendar::year(app, q.region.as_deref(), &year))
        .await;
    Ok(respond(
        StatusCode::OK,
        result.map(|(region, year, view)| CalendarYear::new(region, year, view)),
    ))
}

async fn coverage(state: Arc<AppState>) -> Result<Response, Infallible> {
    let result: Result<_, ServiceError> = state.app.blocking(calendar::coverage).await;
    let cal = state.app.calendars();
    Ok(respond(
        StatusCode::OK,
        result.map(|years| Coverage {
            regions: cal.regions().to_vec(),
            default_region: cal.default_region().clone(),
            items: years.into_iter().map(LoadedYearView::from).collect(),
        }),
    ))
}

async fn today(state: Arc<AppState>, q: RegionQuery) -> Result<Response, Infallible> {
    let result: Result<_, ServiceError> = state
        .app
        .blocking(move |app| calendar::today(app, q.region.as_deref(), q.provisional))
        .await;
    Ok(respond(
        StatusCode::OK,
        result.map(|(r, d)| CalendarDay::today(r, d)),
    ))
}
