//! `GET /api/v1/audit?after=&limit=`: the audit log, oldest first (admin, reviewer).

use std::convert::Infallible;
use std::sync::Arc;

use warp::filters::BoxedFilter;
use warp::http::StatusCode;
use warp::reply::Response;
use warp::Filter;

use super::views::{AuditPage, AuditRecordView};
use crate::http::filters::{self, authenticated, query, with_state};
use crate::http::path::api;
use crate::http::{respond, AppState};
use crate::service::{self, Actor, ServiceError};

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
    api()
        .and(warp::path!("audit"))
        .and(filters::get())
        .and(with_state(state.clone()))
        .and(authenticated(state))
        .and(query::<Page>())
        .and_then(page)
        .boxed()
}

#[tracing::instrument(skip_all, fields(actor = %actor.name))]
async fn page(state: Arc<AppState>, actor: Actor, q: Page) -> Result<Response, Infallible> {
    let result: Result<_, ServiceError> = state
        .app
        .blocking(move |app| service::audit::page(app, &actor, q.after, q.limit))
        .await;
    Ok(respond(
        StatusCode::OK,
        result.map(|records| AuditPage {
            next_after: records.last().map(|r| r.entry.seq),
            items: records.iter().map(AuditRecordView::from).collect(),
        }),
    ))
}
