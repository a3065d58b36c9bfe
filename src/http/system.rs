//! `/healthz` and `/api/v1/meta`.

use std::convert::Infallible;
use std::sync::Arc;

use diesel::connection::SimpleConnection;
use warp::filters::BoxedFilter;
use warp::http::StatusCode;
use warp::reply::Response;
use warp::{Filter, Reply};

use super::filters::with_state;
use super::problem::Problem;
use super::{json_reply, AppState};
use crate::service::ServiceError;
use crate::store::StoreError;

pub fn routes(state: Arc<AppState>) -> BoxedFilter<(Response,)> {
    let health = warp::path!("healthz")
        .and(warp::get())
        .and(with_state(state.clone()))
        .and_then(healthz);
    let meta = warp::path!("api" / "v1" / "meta")
        .and(warp::get())
        .and(with_state(state))
        .and_then(meta);
    health.or(meta).unify().boxed()
}

/// 200 only after a real round trip to the database.
#[tracing::instrument(skip_all)]
async fn healthz(state: Arc<AppState>) -> Result<Response, Infallible> {
    let backend = state.db.backend();
    let probe = state
        .db
        .run(|conn| {
            conn.batch_execute("SELECT 1")
                .map_err(|e| ServiceError::Unavailable(StoreError::Query(e)))
        })
        .await;
    Ok(match probe {
        Ok(()) => json_reply(
            StatusCode::OK,
            &serde_json::json!({"status": "ok", "database": backend}),
        ),
        Err(e) => {
            let mut p = Problem::from(match e {
                ServiceError::Internal(cause) => ServiceError::Unavailable(cause),
                other => other,
            });
            p.status = StatusCode::SERVICE_UNAVAILABLE.as_u16();
            p.into_response()
        }
    })
}

#[tracing::instrument(skip_all)]
async fn meta(state: Arc<AppState>) -> Result<Response, Infallible> {
    let st = state.clone();
    let coverage = state.db.run(move |c| st.calendars().coverage(c)).await;
    Ok(match coverage {
        Ok(years) => {
            // Per region: the loaded years as runs, e.g. CN 2007–2026.
            let mut regions: Vec<serde_json::Value> = Vec::new();
            let mut by_region: std::collections::BTreeMap<&str, Vec<i32>> = Default::default();
            for y in &years {
                by_region.entry(y.region.as_str()).or_default().push(y.year);
            }
            for (region, ys) in by_region {
                regions.push(serde_json::json!({
                    "region": region,
                    "years": ys.len(),
                    "first_year": ys.iter().min(),
                    "last_year": ys.iter().max(),
                }));
            }
            json_reply(
                StatusCode::OK,
                &serde_json::json!({
                    "name": "gongshi",
                    "version": env!("CARGO_PKG_VERSION"),
                    "api_version": "v1",
                    "database": state.db.backend(),
                    "calendar": {
                        "regions": state.calendars().regions(),
                        "default_region": state.calendars().default_region(),
                        "coverage": regions,
                    },
                }),
            )
        }
        Err(e) => Problem::from(e).into_response(),
    })
}
