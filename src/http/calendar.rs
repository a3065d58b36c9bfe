//! The public calendar API (no token) and the admin upload of a year.

use std::convert::Infallible;
use std::sync::Arc;

use bytes::Bytes;
use chrono::NaiveDate;
use serde_json::json;
use warp::filters::BoxedFilter;
use warp::http::StatusCode;
use warp::reply::Response;
use warp::{Filter, Reply};

use super::filters::{authenticated, limited_body, parse_json, query, with_state};
use super::problem::{unsupported_media_type, Problem};
use super::{respond, AppState};
use crate::domain::calendar::{DayInfo, RawDay, Region};
use crate::domain::deadline::rule_on;
use crate::domain::shanghai;
use crate::service::calendar::{parse_iso_date, schedule_errors, MAX_DAYS};
use crate::service::{Actor, ServiceError};

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct RegionQuery {
    region: Option<String>,
    #[serde(default)]
    provisional: bool,
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct AddQuery {
    from: Option<String>,
    days: Option<i64>,
    rule: Option<String>,
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

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct UploadQuery {
    source: Option<String>,
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct UploadJson {
    source: Option<String>,
    days: Vec<RawDay>,
}

pub fn routes(state: Arc<AppState>) -> BoxedFilter<(Response,)> {
    let s = || with_state(state.clone());
    let day = warp::path!("api" / "v1" / "calendar" / "days" / String)
        .and(warp::get())
        .and(s())
        .and(query::<RegionQuery>())
        .and_then(day);
    let add = warp::path!("api" / "v1" / "calendar" / "add-workdays")
        .and(warp::get())
        .and(s())
        .and(query::<AddQuery>())
        .and_then(add_workdays);
    let between = warp::path!("api" / "v1" / "calendar" / "workdays-between")
        .and(warp::get())
        .and(s())
        .and(query::<BetweenQuery>())
        .and_then(between);
    let year = warp::path!("api" / "v1" / "calendar" / "years" / String)
        .and(warp::get())
        .and(s())
        .and(query::<RegionQuery>())
        .and_then(year);
    let coverage = warp::path!("api" / "v1" / "calendar" / "coverage")
        .and(warp::get())
        .and(s())
        .and_then(coverage);
    let today = warp::path!("api" / "v1" / "calendar" / "today")
        .and(warp::get())
        .and(s())
        .and(query::<RegionQuery>())
        .and_then(today);
    // Only a region-shaped segment makes this route match, so `PUT /calendar/days/…` is a 405
    // from the day route rather than an upload to a region called "days".
    let upload = warp::path!("api" / "v1" / "calendar" / String / String)
        .and_then(|region: String, year: String| async move {
            match Region::parse(&region) {
                Ok(_) => Ok((region, year)),
                Err(_) => Err(warp::reject::not_found()),
            }
        })
        .untuple_one()
        .and(warp::put())
        .and(s())
        .and(authenticated(state.clone()))
        .and(query::<UploadQuery>())
        .and(warp::header::optional::<String>("content-type"))
        .and(limited_body())
        .and_then(upload);
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
        .or(upload)
        .unify()
        .boxed()
}

fn day_json(region: &Region, d: &DayInfo) -> serde_json::Value {
    json!({
        "date": d.date,
        "region": region,
        "is_workday": d.kind.is_workday(),
        "kind": d.kind,
        "name": d.name,
        "provisional": d.provisional,
    })
}

fn year_param(raw: &str) -> Result<i32, ServiceError> {
    raw.parse::<i32>()
        .ok()
        .filter(|y| (1949..=2200).contains(y))
        .ok_or_else(|| {
            ServiceError::invalid(
                "year",
                "invalid",
                format!("'{raw}' is not a year between 1949 and 2200"),
            )
        })
}

async fn day(date: String, state: Arc<AppState>, q: RegionQuery) -> Result<Response, Infallible> {
    let result = async {
        let date = parse_iso_date("date", &percent_decode(&date))?;
        let region = state.calendars().region(q.region.as_deref())?;
        let st = state.clone();
        let r = region.clone();
        let info = state
            .db
            .run(move |c| st.calendars().day(c, &r, date, q.provisional))
            .await?;
        Ok(day_json(&region, &info))
    }
    .await;
    Ok(respond(StatusCode::OK, result))
}

async fn add_workdays(state: Arc<AppState>, q: AddQuery) -> Result<Response, Infallible> {
    let result = async {
        let from = parse_iso_date("from", q.from.as_deref().unwrap_or(""))?;
        let region = state.calendars().region(q.region.as_deref())?;
        let (days, rule) = match (q.days, q.rule.as_deref()) {
            (Some(_), Some(_)) => return Err(ServiceError::invalid("rule", "exclusive", "give either days or rule, not both")),
            (None, None) => return Err(ServiceError::invalid("days", "required", "give days (0 to 400) or rule")),
            (Some(d), None) => {
                let d = u32::try_from(d).ok().filter(|d| *d <= MAX_DAYS).ok_or_else(|| {
                    ServiceError::invalid("days", "range", format!("days is between 0 and {MAX_DAYS}"))
                })?;
                (d, None)
            }
            (None, Some(name)) => {
                let rule = rule_on(name, from).map_err(|e| ServiceError::invalid("rule", "unknown", e.to_string()))?;
                (rule.working_days, Some(rule.name))
            }
        };
        let st = state.clone();
        let r = region.clone();
        let deadline = state.db.run(move |c| st.calendars().add_workdays(c, &r, from, days, q.provisional)).await?;
        let mut body = json!({
            "from": from, "days": days, "region": region, "date": deadline.date, "provisional": deadline.provisional,
        });
        if let Some(rule) = rule {
            body["rule"] = rule.into();
        }
        Ok(body)
    }
    .await;
    Ok(respond(StatusCode::OK, result))
}

async fn between(state: Arc<AppState>, q: BetweenQuery) -> Result<Response, Infallible> {
    let result = async {
        let from = parse_iso_date("from", q.from.as_deref().unwrap_or(""))?;
        let to = parse_iso_date("to", q.to.as_deref().unwrap_or(""))?;
        let region = state.calendars().region(q.region.as_deref())?;
        let st = state.clone();
        let r = region.clone();
        let (n, provisional) =
            state.db.run(move |c| st.calendars().workdays_between(c, &r, from, to, q.provisional)).await?;
        Ok(json!({"from": from, "to": to, "region": region, "workdays": n, "provisional": provisional}))
    }
    .await;
    Ok(respond(StatusCode::OK, result))
}

async fn year(year: String, state: Arc<AppState>, q: RegionQuery) -> Result<Response, Infallible> {
    let result = async {
        let year = year_param(&year)?;
        let region = state.calendars().region(q.region.as_deref())?;
        let st = state.clone();
        let r = region.clone();
        let view = state.db.run(move |c| st.calendars().year(c, &r, year)).await?;
        let days: Vec<_> = view
            .schedules
            .iter()
            .flat_map(|s| {
                s.days().iter().map(move |d| {
                    json!({"date": d.date, "kind": d.kind, "name": d.name, "layer": s.region(), "source": d.source})
                })
            })
            .collect();
        let layers: Vec<_> = view
            .layers
            .iter()
            .map(|l| json!({"region": l.region, "source": l.source, "loaded_at": shanghai::format_utc(l.loaded_at), "revision": l.revision}))
            .collect();
        Ok(json!({"region": region, "year": year, "workdays": view.workdays, "layers": layers, "days": days}))
    }
    .await;
    Ok(respond(StatusCode::OK, result))
}

async fn coverage(state: Arc<AppState>) -> Result<Response, Infallible> {
    let st = state.clone();
    let result = state.db.run(move |c| st.calendars().coverage(c)).await.map(|years| {
        let items: Vec<_> = years
            .into_iter()
            .map(|y| {
                json!({"region": y.region, "year": y.year, "source": y.source, "origin": y.origin,
                       "revision": y.revision, "loaded_at": shanghai::format_utc(y.loaded_at)})
            })
            .collect();
        json!({"regions": state.calendars().regions(), "default_region": state.calendars().default_region(), "items": items})
    });
    Ok(respond(StatusCode::OK, result))
}

async fn today(state: Arc<AppState>, q: RegionQuery) -> Result<Response, Infallible> {
    let result = async {
        let region = state.calendars().region(q.region.as_deref())?;
        let date: NaiveDate = shanghai::date_at(chrono::Utc::now());
        let st = state.clone();
        let r = region.clone();
        let info = state
            .db
            .run(move |c| st.calendars().day(c, &r, date, q.provisional))
            .await?;
        let mut body = day_json(&region, &info);
        body["time_zone"] = "Asia/Shanghai".into();
        Ok(body)
    }
    .await;
    Ok(respond(StatusCode::OK, result))
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
    let essence = super::filters::media_type(content_type.as_deref());
    let parsed: Result<(Option<String>, Vec<RawDay>), Response> = match essence.as_str() {
        "text/csv" => crate::io::calendar_csv::parse(&body)
            .map(|rows| (q.source.clone(), rows))
            .map_err(|e| Problem::from(schedule_errors(e)).into_response()),
        "application/json" => parse_json::<UploadJson>(&body)
            .map(|j| (j.source.or(q.source.clone()), j.days))
            .map_err(|p| p.into_response()),
        _ => Err(unsupported_media_type("text/csv or application/json").into_response()),
    };
    let (source, rows) = match parsed {
        Ok(v) => v,
        Err(res) => return Ok(res),
    };
    let result = async {
        let region = Region::parse(&region).map_err(|e| ServiceError::invalid("region", "invalid", e.to_string()))?;
        let year = year_param(&year)?;
        let st = state.clone();
        let r = region.clone();
        let (loaded, n) = state
            .db
            .run(move |c| st.calendars().replace_year(c, &actor, &r, year, source.as_deref(), &rows))
            .await?;
        Ok(json!({
            "region": region, "year": year, "source": loaded.source, "revision": loaded.revision,
            "origin": loaded.origin, "special_days": n, "loaded_at": shanghai::format_utc(loaded.loaded_at),
            "loaded_by": loaded.loaded_by,
        }))
    }
    .await;
    Ok(respond(StatusCode::OK, result))
}

/// Path segments arrive percent-encoded.
fn percent_decode(raw: &str) -> String {
    url::form_urlencoded::parse(format!("x={raw}").as_bytes())
        .next()
        .map(|(_, v)| v.into_owned())
        .unwrap_or_default()
}
