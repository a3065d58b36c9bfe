//! CORS for the public group (issue 14): portals call `/api/v1/public/…`, `/api/v1/calendar/…`
//! (its GETs) and `/api/v1/credit-codes/…` from their own pages. Those answers, problems
//! included, carry `Access-Control-Allow-Origin`, and their preflights are answered; staff routes
//! never carry a CORS header, so a browser on another site cannot read a staff answer.

use warp::http::header::{self, HeaderMap, HeaderValue};
use warp::http::{Method, StatusCode};
use warp::reply::Response;

/// Which origins may read public answers (`GONGSHI_CORS_ORIGINS`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Origins {
    /// `*`: any site (the default: the public data is public).
    #[default]
    Any,
    /// Only these origins (`https://www.example.gov.cn`), echoed with `Vary: Origin`.
    List(Vec<String>),
}

impl Origins {
    /// `*` (or empty) for any; otherwise a comma-separated list of origins such as
    /// `https://www.yinchuan.gov.cn`.
    pub fn parse(value: &str) -> Result<Origins, String> {
        let v = value.trim();
        if v.is_empty() || v == "*" {
            return Ok(Origins::Any);
        }
        let mut list = Vec::new();
        for o in v.split(',').map(str::trim).filter(|o| !o.is_empty()) {
            let ok = (o.starts_with("https://") || o.starts_with("http://"))
                && !o.ends_with('/')
                && o.split("//")
                    .nth(1)
                    .is_some_and(|host| !host.is_empty() && !host.contains('/'));
            if !ok {
                return Err(format!(
                    "{o:?} is not an origin: scheme and host (and port), such as https://www.example.gov.cn"
                ));
            }
            list.push(o.to_string());
        }
        Ok(Origins::List(list))
    }

    /// The `Access-Control-Allow-Origin` value for a request from `origin`, if it may read.
    fn allow(&self, origin: Option<&str>) -> Option<HeaderValue> {
        match self {
            Origins::Any => Some(HeaderValue::from_static("*")),
            Origins::List(list) => origin
                .filter(|o| list.iter().any(|l| l == o))
                .and_then(|o| HeaderValue::from_str(o).ok()),
        }
    }
}

/// Whether `method` on `path` is a public route (the draw verifier is the one public POST). The
/// authorities' list is read by portals too (to offer a 处罚机关 filter), so it is public here
/// though it sits with the staff routes that write authorities.
pub fn is_public(method: &Method, path: &str) -> bool {
    let get = method == Method::GET || method == Method::HEAD;
    (get && (path.starts_with("/api/v1/public/")
        || path.starts_with("/api/v1/calendar/")
        || path.starts_with("/api/v1/credit-codes/")
        || path.starts_with("/embed/")
        || path == "/api/v1/authorities"
        || matches!(
            path,
            "/api/v1/openapi.yaml" | "/api/v1/openapi.json" | "/docs"
        )))
        || (method == Method::POST && path == "/api/v1/public/draws/rfc3797")
}

/// Adds the CORS headers to an answer of a public route.
pub fn decorate(
    origins: &Origins,
    method: &Method,
    path: &str,
    origin: Option<&str>,
    res: &mut Response,
) {
    if !is_public(method, path) {
        return;
    }
    add_origin(origins, origin, res.headers_mut());
}

fn add_origin(origins: &Origins, origin: Option<&str>, headers: &mut HeaderMap) {
    if let Origins::List(_) = origins {
        headers.append(header::VARY, HeaderValue::from_static("Origin"));
    }
    if let Some(v) = origins.allow(origin) {
        headers.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, v);
    }
}

/// The answer to a preflight (`OPTIONS` with `Access-Control-Request-Method`) of a public route:
/// 204 with the method, the headers a portal sends, and a day's caching. `None` when the request
/// is no preflight of a public route (it is then answered as any other request: a staff path
/// gets no CORS header).
pub fn preflight(
    origins: &Origins,
    method: &Method,
    path: &str,
    headers: &HeaderMap,
) -> Option<Response> {
    if method != Method::OPTIONS {
        return None;
    }
    let asked = headers
        .get(header::ACCESS_CONTROL_REQUEST_METHOD)?
        .to_str()
        .ok()
        .and_then(|m| Method::from_bytes(m.as_bytes()).ok())?;
    if !is_public(&asked, path) || super::allow::allowed_methods(path).is_empty() {
        return None;
    }
    let origin = headers.get(header::ORIGIN).and_then(|o| o.to_str().ok());
    let mut res = Response::new(Default::default());
    *res.status_mut() = StatusCode::NO_CONTENT;
    let h = res.headers_mut();
    add_origin(origins, origin, h);
    let methods = if asked == Method::POST {
        "POST"
    } else {
        "GET, HEAD"
    };
    h.insert(
        header::ACCESS_CONTROL_ALLOW_METHODS,
        HeaderValue::from_static(methods),
    );
    h.insert(
        header::ACCESS_CONTROL_ALLOW_HEADERS,
        HeaderValue::from_static("content-type, if-none-match"),
    );
    h.insert(
        header::ACCESS_CONTROL_MAX_AGE,
        HeaderValue::from_static("86400"),
    );
    Some(res)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_public_group_and_the_verifier_post_are_public() {
        for (m, p, public) in [
            (Method::GET, "/api/v1/public/penalties", true),
            (Method::HEAD, "/api/v1/public/plans/1", true),
            (Method::GET, "/api/v1/calendar/days/2026-10-01", true),
            (Method::PUT, "/api/v1/calendar/CN/2027", false),
            (Method::GET, "/api/v1/credit-codes/91640100MA76A1B2C3", true),
            (Method::POST, "/api/v1/public/draws/rfc3797", true),
            (Method::POST, "/api/v1/public/plans", false),
            (Method::GET, "/api/v1/penalties", false),
            (Method::GET, "/api/v1/users", false),
            (Method::GET, "/api/v1/publicity", false),
        ] {
            assert_eq!(is_public(&m, p), public, "{m} {p}");
        }
    }

    #[test]
    fn origins_parse_strictly() {
        assert_eq!(Origins::parse("*"), Ok(Origins::Any));
        assert_eq!(Origins::parse(""), Ok(Origins::Any));
        assert_eq!(
            Origins::parse("https://www.yinchuan.gov.cn, http://localhost:8000"),
            Ok(Origins::List(vec![
                "https://www.yinchuan.gov.cn".into(),
                "http://localhost:8000".into()
            ]))
        );
        for bad in [
            "www.yinchuan.gov.cn",
            "https://a.cn/",
            "https://a.cn/path",
            "https://",
        ] {
            assert!(Origins::parse(bad).is_err(), "{bad}");
        }
    }
}
