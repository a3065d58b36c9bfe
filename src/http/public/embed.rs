//! The embeddable widget (`GET /embed/v1/penalties.js`, from `web/embed/`) and a page that looks
//! like a third-party portal embedding it (`GET /embed/demo.html`). Static and compiled in; they
//! get the public group's ETag, Cache-Control and CORS like any public answer.

use warp::filters::BoxedFilter;
use warp::reply::Response;
use warp::Filter;

use super::spec::text as file;
use crate::http::filters;

pub const WIDGET_JS: &str = include_str!("../../../web/embed/penalties.js");
pub const DEMO_HTML: &str = include_str!("../../../web/embed/demo.html");

pub fn routes() -> BoxedFilter<(Response,)> {
    let js = warp::path!("embed" / "v1" / "penalties.js")
        .and(filters::get())
        .and_then(|| file("text/javascript; charset=utf-8", WIDGET_JS));
    let demo = warp::path!("embed" / "demo.html")
        .and(filters::get())
        .and_then(|| file("text/html; charset=utf-8", DEMO_HTML));
    js.or(demo).unify().boxed()
}
