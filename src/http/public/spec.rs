//! The API's own description: `GET /api/v1/openapi.yaml` (the file in `api-spec/`, byte for
//! byte), `GET /api/v1/openapi.json` (the same document as JSON) and `GET /docs` (a reference
//! page generated from it here, with no script and nothing fetched from elsewhere).

use std::convert::Infallible;
use std::sync::OnceLock;

use warp::filters::BoxedFilter;
use warp::http::header;
use warp::reply::Response;
use warp::{Filter, Reply};

use super::docs_page;
use crate::http::filters;
use crate::http::path::api;

/// The spec as shipped: compiled in, so the served text is the file the tests check.
pub const OPENAPI_YAML: &str = include_str!("../../../api-spec/openapi.yaml");

/// The spec as a JSON value, parsed once.
pub fn document() -> &'static serde_json::Value {
    static DOC: OnceLock<serde_json::Value> = OnceLock::new();
    DOC.get_or_init(|| {
        // The file is checked to parse by the tests; a broken file serves an empty object
        // rather than stopping the service.
        serde_yaml_ng::from_str(OPENAPI_YAML).unwrap_or(serde_json::Value::Null)
    })
}

fn json_text() -> &'static str {
    static TEXT: OnceLock<String> = OnceLock::new();
    TEXT.get_or_init(|| serde_json::to_string_pretty(document()).unwrap_or_default())
}

fn html_text() -> &'static str {
    static TEXT: OnceLock<String> = OnceLock::new();
    TEXT.get_or_init(|| docs_page::render(document()))
}

pub fn routes() -> BoxedFilter<(Response,)> {
    let yaml = api()
        .and(warp::path!("openapi.yaml"))
        .and(filters::get())
        .and_then(|| text("application/yaml; charset=utf-8", OPENAPI_YAML));
    let json = api()
        .and(warp::path!("openapi.json"))
        .and(filters::get())
        .and_then(|| text("application/json", json_text()));
    let docs = warp::path!("docs")
        .and(filters::get())
        .and_then(|| text("text/html; charset=utf-8", html_text()));
    yaml.or(json).unify().or(docs).unify().boxed()
}

/// A compiled-in text answer with its media type.
pub(super) async fn text(
    content_type: &'static str,
    body: &'static str,
) -> Result<Response, Infallible> {
    let mut res = body.into_response();
    res.headers_mut().insert(
        header::CONTENT_TYPE,
        header::HeaderValue::from_static(content_type),
    );
    Ok(res)
}
