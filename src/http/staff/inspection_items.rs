//! Admin changes to the 随机抽查事项清单: `POST /api/v1/inspection-items` and
//! `PATCH /api/v1/inspection-items/{id}` (a new version; the old one stays readable).

use crate::domain::ids::ItemId;
use std::convert::Infallible;
use std::sync::Arc;

use warp::filters::BoxedFilter;
use warp::http::StatusCode;
use warp::reply::Response;
use warp::Filter;

use crate::domain::inspection_item::RawItem;
use crate::domain::policy::Action;
use crate::http::filters::{json_body, permitted, with_state};
use crate::http::path::api;
use crate::http::public::views::PublicItem;
use crate::http::{respond, AppState};
use crate::service::{inspection_items, Actor, ServiceError};

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct ItemPatch {
    version: i32,
    #[serde(flatten)]
    fields: crate::http::requests::ItemBody,
}

pub fn routes(state: Arc<AppState>) -> BoxedFilter<(Response,)> {
    let create = api()
        .and(warp::path!("inspection-items"))
        .and(warp::post())
        .and(with_state(state.clone()))
        .and(permitted(state.clone(), Action::ManageInspectionItems))
        .and(json_body::<crate::http::requests::ItemBody>().map(RawItem::from))
        .and_then(create);
    let update = api()
        .and(warp::path!("inspection-items" / ItemId))
        .and(warp::patch())
        .and(with_state(state.clone()))
        .and(permitted(state, Action::ManageInspectionItems))
        .and(json_body::<ItemPatch>())
        .and_then(update);
    create.or(update).unify().boxed()
}

#[tracing::instrument(skip_all, fields(actor = %actor.name))]
async fn create(state: Arc<AppState>, actor: Actor, body: RawItem) -> Result<Response, Infallible> {
    let result: Result<_, ServiceError> = state
        .app
        .blocking(move |app| inspection_items::create(app, &actor, &body))
        .await;
    // Everything in the list is public: the staff answer is the public view.
    Ok(respond(
        StatusCode::CREATED,
        result.map(|l| PublicItem::labelled(&l)),
    ))
}

#[tracing::instrument(skip_all, fields(actor = %actor.name))]
async fn update(
    id: ItemId,
    state: Arc<AppState>,
    actor: Actor,
    body: ItemPatch,
) -> Result<Response, Infallible> {
    let result: Result<_, ServiceError> = state
        .app
        .blocking(move |app| {
            inspection_items::update(app, &actor, id, body.version, &body.fields.into())
        })
        .await;
    Ok(respond(
        StatusCode::OK,
        result.map(|l| PublicItem::labelled(&l)),
    ))
}
