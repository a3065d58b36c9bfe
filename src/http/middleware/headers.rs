//! The headers every answer leaving the pipeline gets, by its route's audience.

use warp::http::header::{self, HeaderName, HeaderValue};
use warp::http::StatusCode;
use warp::reply::Response;

use super::cors::{self, Origins};
use crate::http::routes::{self, Audience};

/// The console's content-security policy: its own script and style files only (no inline
/// script, no inline style), images of its own or drawn inline (SVG), forms posted only to
/// itself, never framed, no `<base>`.
pub const CONSOLE_POLICY: &str = "default-src 'none'; script-src 'self'; style-src 'self'; \
     img-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; \
     base-uri 'none'";

/// CORS on an answer other sites may read (problems included), `no-store` on one no cache may
/// keep, `nosniff` on every answer (a JSON or CSV body is never to be run as a script or page),
/// and `Allow` on a 405. `audience` is `None` for a path no route serves, and for a preflight's
/// answer (which carries its own CORS headers).
pub fn finish(
    mut res: Response,
    audience: Option<Audience>,
    path: &str,
    origins: &Origins,
    origin: Option<&str>,
) -> Response {
    let headers = res.headers_mut();
    if let Some(audience) = audience {
        if audience.shared_with_other_sites() {
            cors::add_origin(origins, origin, headers);
        }
        if audience.no_store() {
            headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        }
        if audience.confined() {
            headers.insert(
                header::CONTENT_SECURITY_POLICY,
                HeaderValue::from_static(CONSOLE_POLICY),
            );
            headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
            headers.insert(
                header::REFERRER_POLICY,
                HeaderValue::from_static("same-origin"),
            );
        }
    }
    headers.insert(
        HeaderName::from_static("x-content-type-options"),
        HeaderValue::from_static("nosniff"),
    );
    if res.status() == StatusCode::METHOD_NOT_ALLOWED {
        let allowed = routes::allowed_methods(path).join(", ");
        if let Ok(v) = HeaderValue::from_str(&allowed) {
            res.headers_mut().insert(header::ALLOW, v);
        }
    }
    res
}
