//! `GET /api/v1/audit?after=&limit=`: the audit log, oldest first (admin, reviewer).

use std::convert::Infallible;
use std::sync::Arc;

use warp::filters::BoxedFilter;
use warp::http::StatusCode;
use warp::reply::Response;
use warp::Filter;

use super::filters::{authenticated, query, with_state};
use super::{respond, AppState};
use crate::domain::shanghai::format_utc;
use crate::service::{self, Actor, ServiceError};
use crate::store::audit::AuditRecord;

const MAX_LIMIT: i64 = 1_000;

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Page {
    #[serde(default)]
    after: i64,
    #[serde(default = "default_limit")]
    limit: i64,
}

fn default_limit() -> i64 {
    100
}

pub fn routes(state: Arc<AppState>) -> BoxedFilter<(Response,)> {
    warp::path!("api" / "v1" / "audit")
        .and(warp::get())
        .and(with_state(state.clone()))
        .and(authenticated(state))
        .and(query::<Page>())
        .and_then(page)
        .boxed()
}

/// One audit record as the API shows it.
pub fn record_json(r: AuditRecord) -> serde_json::Value {
    serde_json::json!({
        "seq": r.entry.seq,
        "recorded_at": format_utc(r.entry.recorded_at),
        "actor": r.entry.actor,
        "action": r.entry.action,
        "object_type": r.entry.object_type,
        "object_id": r.entry.object_id,
        "before": json_or_text(r.entry.before_json),
        "after": json_or_text(r.entry.after_json),
        "prev_hash": r.prev_hash,
        "hash": r.hash,
    })
}

fn json_or_text(raw: Option<String>) -> serde_json::Value {
    raw.map(|s| serde_json::from_str(&s).unwrap_or(serde_json::Value::String(s)))
        .unwrap_or(serde_json::Value::Null)
}

#[tracing::instrument(skip_all, fields(actor = %actor.name))]
async fn page(state: Arc<AppState>, actor: Actor, q: Page) -> Result<Response, Infallible> {
    if !(1..=MAX_LIMIT).contains(&q.limit) {
        let e = ServiceError::invalid(
            "limit",
            "range",
            format!("limit is between 1 and {MAX_LIMIT}"),
        );
        return Ok(respond::<()>(StatusCode::OK, Err(e)));
    }
    let result = state
        .db
        .run(move |conn| service::audit::page(conn, &actor, q.after, q.limit))
        .await
        .map(|records| {
            let next_after = records.last().map(|r| r.entry.seq);
            let items: Vec<_> = records.into_iter().map(record_json).collect();
            serde_json::json!({"items": items, "next_after": next_after})
        });
    Ok(respond(StatusCode::OK, result))
}
