//! The console's style sheet and script (`web/console/`), compiled in. Pages name them with a
//! version (`?v=` the first 12 hex digits of their SHA-256), so a new binary's files are never
//! mixed with a browser's cached old ones; they are served as assets (ETag, public caching).

use std::sync::OnceLock;

use sha2::{Digest, Sha256};
use warp::filters::BoxedFilter;
use warp::reply::Response;
use warp::Filter;

use warp::http::{header, HeaderValue};

use crate::http::filters;

pub const CSS: &str = include_str!("../../../web/console/console.css");
pub const JS: &str = include_str!("../../../web/console/console.js");

/// The file called `name`, with its media type.
fn named(name: &str) -> Option<(&'static str, &'static str)> {
    match name {
        "console.css" => Some(("text/css; charset=utf-8", CSS)),
        "console.js" => Some(("text/javascript; charset=utf-8", JS)),
        _ => None,
    }
}

/// A file's versioned address, e.g. `/console/assets/console.css?v=0123456789ab`.
pub fn asset_url(name: &str) -> String {
    static VERSIONS: OnceLock<[(String, String); 2]> = OnceLock::new();
    let versions = VERSIONS.get_or_init(|| {
        ["console.css", "console.js"].map(|n| {
            let body = named(n).map(|(_, b)| b).unwrap_or_default();
            let hash = hex::encode(Sha256::digest(body.as_bytes()));
            (n.to_string(), hash[..12].to_string())
        })
    });
    let v = versions
        .iter()
        .find(|(n, _)| n == name)
        .map(|(_, v)| v.as_str())
        .unwrap_or("0");
    format!("/console/assets/{name}?v={v}")
}

pub fn routes() -> BoxedFilter<(Response,)> {
    warp::path!("console" / "assets" / String)
        .and(filters::get())
        .and_then(|name: String| async move {
            let (media_type, body) = named(&name).ok_or_else(|| {
                crate::http::problem::reject(
                    crate::http::problem::Problem::new(
                        warp::http::StatusCode::NOT_FOUND,
                        "not-found",
                        "Not found",
                        format!("no console file named {name:?}: console.css or console.js"),
                    )
                    .zh("工作台没有这个文件"),
                )
            })?;
            let mut res = Response::new(body.into());
            res.headers_mut()
                .insert(header::CONTENT_TYPE, HeaderValue::from_static(media_type));
            Ok::<_, warp::Rejection>(res)
        })
        .boxed()
}
